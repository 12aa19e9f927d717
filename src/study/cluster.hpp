#pragma once
// Splitting a study's sample-index range over shards, MPI ranks and resumes
// (model section 8: sample i depends on (seed, i) only, and every split keeps
// the 256-sample blocks of run_samples aligned in the global index space, so
// any split merges to the same bits).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "study/study.hpp"

namespace sre {

struct SampleRange {
  std::uint64_t begin = 0, end = 0;
  std::uint64_t size() const { return end - begin; }
};

// Part i of n (0-based) of [begin, end): contiguous, whole blocks of kSampleBlock
// in the global index space (the first and last part may be cut by begin/end),
// as even as whole blocks allow. Parts cover [begin, end) exactly once, in order.
inline SampleRange split_range(SampleRange r, int i, int n) {
  const std::uint64_t b0 = r.begin / kSampleBlock;
  const std::uint64_t b1 = (r.end + kSampleBlock - 1) / kSampleBlock;
  const std::uint64_t blocks = b1 - b0;
  const auto cut = [&](std::uint64_t k) {
    const std::uint64_t block = b0 + static_cast<std::uint64_t>(static_cast<unsigned __int128>(blocks) * k / n);
    const std::uint64_t s = block * kSampleBlock;
    return s < r.begin ? r.begin : (s > r.end ? r.end : s);
  };
  return {cut(static_cast<std::uint64_t>(i)), cut(static_cast<std::uint64_t>(i) + 1)};
}

// True when this process was started by an MPI launcher (Open MPI, MPICH/Hydra, Slurm PMI).
inline bool launched_under_mpi() {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"})
    if (std::getenv(var)) return true;
  return false;
}

// Exit status of `sre run` stopped by SIGTERM/SIGINT after writing its checkpoint (EX_TEMPFAIL).
inline constexpr int kExitInterrupted = 75;

}  // namespace sre
