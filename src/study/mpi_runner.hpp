#pragma once
// MPI support of `sre run` (built only with -DSRE_MPI=ON, which defines SRE_HAVE_MPI).
// Every rank evaluates one contiguous block-aligned slice of the sample range
// (split_range); the tallies are reduced onto rank 0 as exact integer words (one
// MPI_Reduce per segment of sums, minima and maxima), so the statistics are bit for
// bit those of one process.
// Failures never hang the job: each collective step is preceded by an
// agreement on whether any rank failed, and the lowest failing rank reports.
#include <cstdint>
#include <string>
#include <vector>

#include "stats/tally.hpp"

namespace sre::mpi {

class Session {
 public:
  Session();  // MPI_Init_thread (funneled); throws std::runtime_error on failure
  ~Session();  // MPI_Finalize
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }

  // Collective: returns -1 when no rank failed, else the lowest failing rank.
  int first_failure(bool failed_here) const;
  // Collective: rank 0's string on every rank.
  std::string broadcast(const std::string& s) const;
  // Collective: largest value over the ranks.
  double max(double v) const;
  // Collective: every rank's tally combined on rank 0 by a reduction of its exact integer words
  // (stats/tally_buffer.hpp: sums, minima, maxima), O(log P); other ranks get an empty tally.
  Tally reduce_tally(const Tally& local) const;
  // Collective: element-wise sums of every rank's words on rank 0 (exact; the same length on
  // every rank, checked); other ranks get their own back.
  std::vector<std::int64_t> sum_to_root(std::vector<std::int64_t> words) const;
  // Collective: every rank's values concatenated in rank order on rank 0 (empty elsewhere).
  std::vector<double> gather_to_root(const std::vector<double>& values) const;
  std::vector<std::uint64_t> gather_to_root(const std::vector<std::uint64_t>& values) const;
  // Ends the whole job (MPI_Abort) after printing `message` on stderr.
  [[noreturn]] void abort(const std::string& message, int code) const;

 private:
  int rank_ = 0, size_ = 1;
};

}  // namespace sre::mpi
