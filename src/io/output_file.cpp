#include "io/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "io/input_error.hpp"

namespace sre {
namespace fs = std::filesystem;

namespace {

fs::path directory_of(const std::string& path) {
  const fs::path dir = fs::path(path).parent_path();
  return dir.empty() ? fs::path(".") : dir;
}

std::string errno_text(int err) { return std::error_code(err, std::generic_category()).message(); }

// What is under `path` now, if it is something other than a regular file (symbolic links
// followed: a link to a regular file is fine, the rename replaces the link).
const char* non_regular_kind(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return nullptr;  // nothing there (or a dangling link)
  if (S_ISREG(st.st_mode)) return nullptr;
  if (S_ISDIR(st.st_mode)) return "a directory";
  if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) return "a device";
  if (S_ISFIFO(st.st_mode)) return "a FIFO";
  if (S_ISSOCK(st.st_mode)) return "a socket";
  return "not a regular file";
}

void refuse_non_regular(const std::string& path) {
  if (const char* kind = non_regular_kind(path))
    throw InputError(path, 0, std::string("is ") + kind +
                                  "; sre writes only regular files (a new name, or a file it may replace): "
                                  "give another output path");
}

}  // namespace

std::string temporary_path(const std::string& path) { return path + ".tmp." + std::to_string(::getpid()); }

void remove_quietly(const std::string& path) {
  std::error_code ec;
  fs::remove(path, ec);
}

void check_output_path(const std::string& path) {
  std::error_code ec;
  const fs::path dir = directory_of(path);
  if (!fs::is_directory(dir, ec))
    throw InputError(path, 0, "cannot write here: directory '" + dir.string() +
                                  "' does not exist; create it or choose another output path");
  refuse_non_regular(path);
  // Probe with the name the writer will use, then remove it.
  const std::string probe = temporary_path(path);
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0644);
  if (fd < 0)
    throw InputError(path, 0, "cannot create files in directory '" + dir.string() + "' (" + errno_text(errno) +
                                  "); choose a writable output path");
  ::close(fd);
  remove_quietly(probe);
}

void commit_file(const std::string& tmp, const std::string& path, const std::string& what) {
  const int fd = ::open(tmp.c_str(), O_RDONLY);
  const bool synced = fd >= 0 && ::fsync(fd) == 0;
  const int err = errno;
  if (fd >= 0) ::close(fd);
  if (!synced) {
    remove_quietly(tmp);
    throw InputError(path, 0, "cannot write the " + what + ": syncing " + tmp + " to disk failed (" + errno_text(err) + ")");
  }
  try {
    refuse_non_regular(path);  // again: something may have appeared since the check
  } catch (...) {
    remove_quietly(tmp);
    throw;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    remove_quietly(tmp);
    throw InputError(path, 0, "cannot move the finished " + what + " from " + tmp + " into place: " + errno_text(e));
  }
}

void write_file_atomically(const std::string& path, const std::string& text, const std::string& what) {
  check_output_path(path);
  const std::string tmp = temporary_path(path);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0644);
  if (fd < 0) throw InputError(path, 0, "cannot create the " + what + " (" + errno_text(errno) + ")");
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int e = errno;
      ::close(fd);
      remove_quietly(tmp);
      throw InputError(path, 0, "writing the " + what + " failed (" + errno_text(e) + ")");
    }
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  commit_file(tmp, path, what);
}

}  // namespace sre
