#pragma once
// Compensation (Sherman-Morrison-Woodbury) on top of a BaseFactor:
//   B_mod = B0 + U C U^T,  x = B0^{-1} r - B0^{-1} U (C^{-1} + U^T B0^{-1} U)^{-1} U^T B0^{-1} r.
// With B0 = P^T L D L^T P and Z = L^{-1} P U (sparse columns, one sparse forward
// solve along the elimination tree each), the capacitance matrix is
// M = C^{-1} + Z^T D^{-1} Z and the solve of B_mod x = r is
//   z = L^{-1} P r;  y = M^{-1} Z^T D^{-1} z;  z -= Z y;  x = P^T L^{-T} D^{-1} z,
// i.e. one full forward and one full backward solve plus the low-rank work.
//
// Columns live in a pool of slots (the caller caches slot ids per modification,
// e.g. across cascade steps); set_active() picks the slots of one system and
// reuses the capacitance block of the longest common prefix with the previous one.
// All storage is reserved by init(); nothing allocates afterwards as long as the
// caller keeps within capacity (see fits()).
#include <vector>

#include "kernels/base_factor.hpp"

namespace sre::kernels {

class WoodburyUpdate {
 public:
  // max_rank: the largest active set; pool_entries: total nonzeros the column pool holds.
  void init(const BaseFactor& f, int max_rank, long pool_entries);
  // Drop every column (slot ids become invalid).
  void clear();
  int n_slots() const { return static_cast<int>(cinv_.size()); }
  // Whether `columns` more columns of up to `starts_each` starts fit in the pool without allocating.
  bool fits(int columns, int starts_each) const;

  // New column u with entries vals at factor positions starts (nstart <= 2), weight c
  // given as 1/c. Returns its slot.
  int add_column(const int* starts, const double* vals, int nstart, double cinv);

  // A column computed elsewhere (e.g. shared, precomputed L^{-1} P e_i), used in place:
  // the storage must outlive the slot.
  int add_column_view(const int* idx, const double* val, int len, double cinv);
  // The difference a - b of two columns whose positions are ascending (single elimination
  // paths are), merged into the pool: L^{-1} P (e_f - e_t) from the columns of e_f and e_t.
  int add_column_difference(const int* ia, const double* va, int na, const int* ib, const double* vb, int nb,
                            double cinv);

  // Use slots[0..r) as U (r <= max_rank). Returns false when M is numerically singular.
  bool set_active(const int* slots, int r);
  // z holds L^{-1} P r on entry; on return it holds L^{-1} P (r - U y), ready for D^{-1} and backward.
  void apply(double* z);

  int rank() const { return r_; }
  int max_rank() const { return max_rank_; }

 private:
  const BaseFactor* f_ = nullptr;
  int max_rank_ = 0, r_ = 0;
  long height_ = 0;
  int push_slot(const int* idx, const double* val, int len, double cinv);
  // slots: each column's positions, values and length (in the pool or a caller's view)
  std::vector<const int*> col_idx_;
  std::vector<const double*> col_val_;
  std::vector<int> col_len_;
  std::vector<double> cinv_;
  // pool
  std::vector<int> idx_;
  std::vector<double> val_;
  // workspace
  std::vector<double> work_;
  std::vector<unsigned char> mark_;
  std::vector<int> active_, prev_active_;
  std::vector<double> m_, lu_, t_;  // max_rank x max_rank, row-major with ld max_rank_
  std::vector<int> piv_;
  int prev_r_ = 0;
  bool prev_valid_ = false;
};

// Dense LU with partial pivoting of the r x r matrix a (leading dimension ld), in place.
bool lu_factor(double* a, int r, int ld, int* piv);
void lu_solve(const double* a, int r, int ld, const int* piv, double* b);

}  // namespace sre::kernels
