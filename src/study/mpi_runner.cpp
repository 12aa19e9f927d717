#include "study/mpi_runner.hpp"

// The C API only: keep Open MPI / MPICH from pulling in their deprecated C++ bindings.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <vector>

#include "stats/tally_buffer.hpp"

namespace sre::mpi {
namespace {
void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw std::runtime_error(std::string("MPI error in ") + what);
}
}  // namespace

Session::Session() {
  int provided = 0;
  check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

Session::~Session() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

int Session::first_failure(bool failed_here) const {
  int mine = failed_here ? rank_ : size_;
  int first = size_;
  check(MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD), "MPI_Allreduce");
  return first == size_ ? -1 : first;
}

std::string Session::broadcast(const std::string& s) const {
  std::uint64_t n = s.size();
  check(MPI_Bcast(&n, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD), "MPI_Bcast");
  std::string out = rank_ == 0 ? s : std::string(n, '\0');
  check(MPI_Bcast(out.data(), static_cast<int>(n), MPI_CHAR, 0, MPI_COMM_WORLD), "MPI_Bcast");
  return out;
}

double Session::max(double v) const {
  double out = v;
  check(MPI_Allreduce(&v, &out, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD), "MPI_Allreduce");
  return out;
}

namespace {

// The 128-bit sums: pairs of words (low, high), added with carry. Commutative.
void add128(void* in, void* inout, int* len, MPI_Datatype*) {
  combine_words(WordSegment::kSum128, static_cast<const std::int64_t*>(in), static_cast<std::int64_t*>(inout),
                2 * static_cast<std::size_t>(*len));
}

// Reduces `count` elements of `type` at `data` onto rank 0 (in place there), in pieces
// whose count fits MPI's int.
void reduce_to_root(std::int64_t* data, std::size_t count, std::size_t words_per_element, MPI_Datatype type, MPI_Op op,
                    int rank) {
  constexpr std::size_t kMaxCount = std::size_t{1} << 30;
  for (std::size_t at = 0; at < count; at += kMaxCount) {
    const int n = static_cast<int>(std::min(kMaxCount, count - at));
    std::int64_t* p = data + at * words_per_element;
    if (rank == 0)
      check(MPI_Reduce(MPI_IN_PLACE, p, n, type, op, 0, MPI_COMM_WORLD), "MPI_Reduce");
    else
      check(MPI_Reduce(p, nullptr, n, type, op, 0, MPI_COMM_WORLD), "MPI_Reduce");
  }
}

}  // namespace

std::vector<std::int64_t> Session::sum_to_root(std::vector<std::int64_t> words) const {
  const auto n = static_cast<std::int64_t>(words.size());
  std::int64_t lo = n, hi = n;
  check(MPI_Allreduce(&n, &lo, 1, MPI_INT64_T, MPI_MIN, MPI_COMM_WORLD), "MPI_Allreduce");
  check(MPI_Allreduce(&n, &hi, 1, MPI_INT64_T, MPI_MAX, MPI_COMM_WORLD), "MPI_Allreduce");
  if (lo != hi) throw std::runtime_error("MPI ranks hold tallies of different shapes");
  // Sums modulo 2^64: exact, and associative in any order.
  reduce_to_root(words.data(), words.size(), 1, MPI_UINT64_T, MPI_SUM, rank_);
  return words;
}

namespace {
template <class T>
std::vector<T> gather_values(const std::vector<T>& values, MPI_Datatype type, int rank, int size) {
  const int mine = static_cast<int>(values.size());
  std::vector<int> counts(size), displs(size);
  check(MPI_Gather(&mine, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Gather");
  std::vector<T> out;
  if (rank == 0) {
    long total = 0;
    for (int r = 0; r < size; ++r) {
      displs[r] = static_cast<int>(total);
      total += counts[r];
    }
    if (total > INT32_MAX) throw std::runtime_error("MPI gather of more than 2^31 values");
    out.resize(static_cast<std::size_t>(total));
  }
  check(MPI_Gatherv(values.data(), mine, type, out.data(), counts.data(), displs.data(), type, 0, MPI_COMM_WORLD),
        "MPI_Gatherv");
  return out;
}
}  // namespace

std::vector<double> Session::gather_to_root(const std::vector<double>& values) const {
  return gather_values(values, MPI_DOUBLE, rank_, size_);
}
std::vector<std::uint64_t> Session::gather_to_root(const std::vector<std::uint64_t>& values) const {
  return gather_values(values, MPI_UINT64_T, rank_, size_);
}

Tally Session::reduce_tally(const Tally& local) const {
  // Every rank's buffer has the same layout (same shape): check it, then reduce each
  // segment of exact integers with its own commutative operation, O(log P) steps.
  std::vector<std::int64_t> words = tally_to_words(local);
  std::array<std::int64_t, TallyLayout::kHeaderWords> lo{}, hi{};
  check(MPI_Allreduce(words.data(), lo.data(), static_cast<int>(lo.size()), MPI_INT64_T, MPI_MIN, MPI_COMM_WORLD),
        "MPI_Allreduce");
  check(MPI_Allreduce(words.data(), hi.data(), static_cast<int>(hi.size()), MPI_INT64_T, MPI_MAX, MPI_COMM_WORLD),
        "MPI_Allreduce");
  if (lo != hi) throw std::runtime_error("MPI ranks hold tallies of different shapes");

  const TallyLayout layout = tally_layout(local.shape);
  MPI_Datatype pair = MPI_DATATYPE_NULL;
  MPI_Op sum128 = MPI_OP_NULL;
  check(MPI_Type_contiguous(2, MPI_INT64_T, &pair), "MPI_Type_contiguous");
  check(MPI_Type_commit(&pair), "MPI_Type_commit");
  check(MPI_Op_create(&add128, /*commute=*/1, &sum128), "MPI_Op_create");
  try {
    reduce_to_root(words.data() + layout.offset(WordSegment::kSum128), layout.words(WordSegment::kSum128) / 2, 2,
                   pair, sum128, rank_);
    // Sums modulo 2^64: the same bits for int64 and uint64 fields.
    reduce_to_root(words.data() + layout.offset(WordSegment::kSum64), layout.words(WordSegment::kSum64), 1,
                   MPI_UINT64_T, MPI_SUM, rank_);
    reduce_to_root(words.data() + layout.offset(WordSegment::kMin), layout.words(WordSegment::kMin), 1, MPI_INT64_T,
                   MPI_MIN, rank_);
    reduce_to_root(words.data() + layout.offset(WordSegment::kMax), layout.words(WordSegment::kMax), 1, MPI_INT64_T,
                   MPI_MAX, rank_);
  } catch (...) {
    MPI_Op_free(&sum128);
    MPI_Type_free(&pair);
    throw;
  }
  MPI_Op_free(&sum128);
  MPI_Type_free(&pair);
  if (rank_ != 0) {
    Tally empty;
    empty.reset(local.shape);
    return empty;
  }
  return tally_from_words(words.data(), words.size());
}

void Session::abort(const std::string& message, int code) const {
  std::fprintf(stderr, "%s\n", message.c_str());
  std::fflush(stderr);
  MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);
}

}  // namespace sre::mpi
