#pragma once
// Every file a command writes (results, shards, checkpoints, plans, CSVs) goes through
// here: written to a temporary name beside the target, synced to disk, then renamed onto
// it, so a crash or a kill never leaves a half-written file under the final name; and
// only ever onto a regular file (or a new name): a device node, FIFO, socket or directory
// under the target name is refused before any work, and checked again just before the
// rename (`--out /dev/null` must not replace /dev/null).
#include <string>

namespace sre {

// Refuses (InputError naming the path) a target that cannot be written: its directory
// missing or not writable, or something other than a regular file under its name.
void check_output_path(const std::string& path);

// The temporary name beside `path` that the writers use.
std::string temporary_path(const std::string& path);

// Syncs `tmp` to disk and renames it onto `path` (after check_output_path again); on any
// failure removes `tmp` and throws InputError. `what` names the file in messages.
void commit_file(const std::string& tmp, const std::string& path, const std::string& what);

// `text` into `path` atomically (temporary, sync, rename).
void write_file_atomically(const std::string& path, const std::string& text, const std::string& what);

void remove_quietly(const std::string& path);

}  // namespace sre
