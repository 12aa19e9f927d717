// Cluster runs: the tally word buffer (MPI), block-aligned range
// splitting, and that any split of the samples merges to the same bits.
#include <gtest/gtest.h>

#include "study/cluster.hpp"
#include "study/study.hpp"
#include "stats/tally_buffer.hpp"
#include "test_networks.hpp"

namespace sre {
namespace {

TEST(SplitRange, ContiguousBlockAlignedAndComplete) {
  for (std::uint64_t begin : {0ull, 100ull, 256ull, 1000ull})
    for (std::uint64_t end : {begin, begin + 1, begin + 255, begin + 5000, begin + 100000})
      for (int n : {1, 2, 3, 7, 100}) {
        const SampleRange r{begin, end};
        std::uint64_t at = begin;
        for (int i = 0; i < n; ++i) {
          const SampleRange p = split_range(r, i, n);
          EXPECT_EQ(p.begin, at);
          EXPECT_LE(p.begin, p.end);
          if (p.begin != begin) {
            EXPECT_EQ(p.begin % kSampleBlock, 0u);
          }
          at = p.end;
        }
        EXPECT_EQ(at, end);
      }
}

StudyOptions small_study() {
  StudyOptions o;
  o.case_path = test::data_path("cases/pglib_opf_case30_ieee.m");
  o.k = 3;
  o.samples = 3000;
  o.seed = 7;
  return o;
}

TEST(ClusterMerge, AnySplitGivesTheSameBits) {
  const Study study(resolve(small_study()));
  const RunOutput whole = run_samples(study, 0, study.samples(), 2, false, nullptr, nullptr);
  const auto expected = tally_to_words(whole.tally);
  for (int n : {2, 3, 5}) {
    Tally merged;
    merged.reset(study.tally_shape());
    for (int i = n - 1; i >= 0; --i) {  // reverse order on purpose
      const SampleRange p = split_range({0, study.samples()}, i, n);
      merged.merge(run_samples(study, p.begin, p.end, 1, false, nullptr, nullptr).tally);
    }
    EXPECT_EQ(tally_to_words(merged), expected) << n << " shards";
  }
}

TEST(ClusterMerge, StopAndResumeGivesTheSameBits) {
  StudyOptions o = small_study();
  o.samples = 10000;  // more than one chunk (16 blocks of 256 per thread)
  const Study study(resolve(o));
  const auto expected = tally_to_words(run_samples(study, 0, study.samples(), 2, false, nullptr, nullptr).tally);
  std::atomic<bool> stop{false};
  int chunks = 0;
  const RunOutput first =
      run_samples(study, 0, study.samples(), 1, false, nullptr, &stop, [&](const RunOutput&) { stop = ++chunks >= 1; });
  ASSERT_LT(first.end, study.samples());
  Tally t = first.tally;
  t.merge(run_samples(study, first.end, study.samples(), 2, false, nullptr, nullptr).tally);
  EXPECT_EQ(tally_to_words(t), expected);
}

TEST(TallyBuffer, RoundTripsExactly) {
  const Study study(resolve(small_study()));
  Tally t = run_samples(study, 0, 600, 1, false, nullptr, nullptr).tally;
  t.shed_sumsq = (static_cast<i128>(1) << 126) + 12345;
  t.bin_sum[3] = -1;
  const auto words = tally_to_words(t);
  const Tally back = tally_from_words(words.data(), words.size());
  EXPECT_EQ(tally_to_words(back), words);
  EXPECT_EQ(back.shed_sumsq, t.shed_sumsq);
  EXPECT_EQ(back.bin_sum[3], -1);
  EXPECT_THROW(tally_from_words(words.data(), words.size() - 1), std::invalid_argument);
}

}  // namespace
}  // namespace sre
