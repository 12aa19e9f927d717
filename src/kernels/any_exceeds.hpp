#pragma once
// Whether any |x_j| (j in [j0, j1)) exceeds threshold_j, or exceeds gate * limit_j: the
// branch-free test the overload scan runs on a block before looking at its entries one
// by one. SSE2 intrinsics (every x86-64 target has them; GCC neither vectorises this
// comparison reduction for plain SSE2 nor lowers vector-type comparisons to cmppd there),
// a scalar loop elsewhere. The same answer either way: gate * limit_j is rounded alike.
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sre::kernels {

// with_gate false: the threshold test only (limit and gate unused).
template <bool with_gate>
inline bool any_exceeds(const double* x, const double* threshold, const double* limit, double gate, int j0, int j1) {
  int j = j0;
  bool any = false;
#if defined(__SSE2__)
  const __m128d magnitude = _mm_castsi128_pd(_mm_set1_epi64x(0x7fffffffffffffffLL));
  const __m128d g = _mm_set1_pd(gate);
  __m128d hit = _mm_setzero_pd();
  for (; j + 2 <= j1; j += 2) {
    const __m128d a = _mm_and_pd(_mm_loadu_pd(x + j), magnitude);
    hit = _mm_or_pd(hit, _mm_cmpgt_pd(a, _mm_loadu_pd(threshold + j)));
    if constexpr (with_gate) hit = _mm_or_pd(hit, _mm_cmpgt_pd(a, _mm_mul_pd(g, _mm_loadu_pd(limit + j))));
  }
  any = _mm_movemask_pd(hit) != 0;
#endif
  for (; j < j1; ++j) {
    const double a = x[j] < 0.0 ? -x[j] : x[j];
    any |= a > threshold[j];
    if constexpr (with_gate) any |= a > gate * limit[j];
  }
  return any;
}

}  // namespace sre::kernels
