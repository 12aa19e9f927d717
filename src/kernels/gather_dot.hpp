#pragma once
// Dot product of a sparse vector (values v at positions idx) with a dense one, w. Four
// partial sums, combined as (s0 + s1) + (s2 + s3): one running sum would make each term
// wait for the adder's latency (about four cycles), four let the loop run at the pace of
// its loads. The association is fixed, so the result is the same bits on every call.

namespace sre::kernels {

inline double gather_dot(const double* v, const int* idx, const double* w, int n) {
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  int p = 0;
  for (; p + 4 <= n; p += 4) {
    s0 += v[p] * w[idx[p]];
    s1 += v[p + 1] * w[idx[p + 1]];
    s2 += v[p + 2] * w[idx[p + 2]];
    s3 += v[p + 3] * w[idx[p + 3]];
  }
  for (; p < n; ++p) s0 += v[p] * w[idx[p]];
  return (s0 + s1) + (s2 + s3);
}

}  // namespace sre::kernels
