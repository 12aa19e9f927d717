#pragma once
// LDL^T on a fixed sparsity pattern whose numeric factor is recomputed only where it
// changes. When columns P of A change, the rows of L (and entries of D) that change are
// exactly those on the elimination-tree paths from P to the root: row k of L depends
// only on column k of A and on rows of L below it in the tree. refactor() recomputes
// just those rows, in ascending order, with the same up-looking arithmetic as a full
// factorisation, so the factor it leaves is bit for bit the full factorisation of the
// current values, whatever the sequence of changes that led there.
//
// The pattern is A's upper triangle, already in a fill-reducing order (e.g. a
// BaseFactor's factor order), with an explicit diagonal entry in every column. One per
// thread: analyze() once, then share_analysis() gives others the analysis and the base
// factor, read-only, so each owns only its values. Nothing allocates after either.
#include <memory>
#include <vector>

#include "kernels/sparse_ldlt.hpp"

namespace sre::kernels {

class PathRefactorLdlt {
 public:
  // Symbolic analysis of the pattern and a full factorisation of its values, which
  // become the base that restore_base() returns to. Throws if that factorisation fails.
  void analyze(const SparseMatrix& upper);
  // Take an analysed instance's pattern and base factor (shared), at its base values.
  void share_analysis(const PathRefactorLdlt& analysed);

  int size() const { return p_->n; }

  // A's values in the pattern's storage order, column by column: [col_begin(k), col_begin(k+1)).
  double* values() { return a_val_.data(); }
  int col_begin(int k) const { return p_->a_colptr[k]; }
  const int* row_index() const { return p_->a_row.data(); }
  int diag_index(int k) const { return p_->a_colptr[k + 1] - 1; }  // the diagonal ends each column

  // Note that column k of A changed (its values are already written). No-op if noted.
  void mark_changed(int k);
  // The columns marked since the last refactor(), in marking order.
  const std::vector<int>& changed() const { return changed_cols_; }
  // Recompute the rows of the factor on the paths from the columns marked since the last
  // call. False when a pivot is zero or not finite (the factor is then invalid until the
  // values are mended and refactor() succeeds, or restore_base()).
  bool refactor();
  // refactor() and the forward half of a solve in one ascending pass over the positions
  // (ascending; null: every position): x <- D^{-1} L^{-1} x with the new factor. A
  // recomputed row's forward entry is taken while its entries are in hand, the other
  // rows' by a dot product over the row; each row subtracts in the same (ascending)
  // order as forward(), so x comes out as refactor(), forward() and scale_d() would
  // leave it, up to the sign of zeros. The forward entries are kept: after a call that
  // succeeded (and no refactor() or restore_base() since), the next call solves only the
  // rows that can change, those recomputed, with a new right-hand side entry (bit for
  // bit), or below which one changed; the others' entries stand.
  // With positions, only the listed rows are recomputed and solved. The caller vouches
  // that the others come out as they are: when A is block diagonal and neither a skipped
  // row's block nor the blocks' partition changed since that row was last computed, its
  // entries are the same (L is zero between blocks). The listed entries then equal a
  // whole solve's forward half when the list is a union of whole blocks (the other rows'
  // forward values, from an earlier call, meet only zeros of L). Finish with backward()
  // or backward_listed().
  bool refactor_forward(double* x, const int* positions = nullptr, int m = 0);
  // Back to the base values (A, L and D as analyze() left them), touching only what changed.
  void restore_base();

  // x <- A^{-1} x (factor order), in place; forward, scale and backward also separately.
  void solve(double* x) const;
  void forward(double* x) const;
  void scale_d(double* x) const;
  void backward(double* x) const;
  // The backward solve over the listed positions only (ascending), the rest of x left as
  // it is. When the current A is block diagonal and the list a union of whole blocks, the
  // listed entries equal backward()'s (up to the sign of zeros): a block's solution does
  // not depend on the others.
  void backward_listed(double* x, const int* positions, int m) const;

  // Rows recomputed by refactor() and refactor_forward() since analyze(), and their
  // multiply-adds by the pattern (each row's scatters and its pivot's update; rows with
  // zeros between islands skip some), for measurements; the pattern's multiply-adds of a
  // whole factorisation, to compare with.
  long rows_recomputed() const { return rows_recomputed_; }
  long mult_adds_recomputed() const { return mult_adds_recomputed_; }
  long full_factor_mult_adds() const { return p_->full_mult_adds; }
  // What the other way of changing a factor would cost, for comparison: one rank-one
  // modification A + s w w^T by the pattern (Davis and Hager, "Modifying a sparse
  // Cholesky factorization", 1999: for each column j on the elimination-tree paths from
  // w's nonzeros at the given positions to the root, two multiply-adds per entry of
  // L(:, j) and one for d_j). A removed branch is one such term with w nonzero at its two
  // ends. Allocates; for measurements only.
  long rank_one_mult_adds(const int* positions, int m) const;

 private:
  template <bool kForward>
  bool factor_row(int k, double* x = nullptr);
  void collect_rows();
  template <bool kListed>
  bool forward_pass(double* x, const int* positions, int count);
  void note_dirty(int k);
  void size_workspace();

  // The analysis and the base factor, shared by copies.
  struct Pattern {
    int n = 0;
    std::vector<int> a_colptr, a_row;
    std::vector<int> parent;
    // L strictly lower, compressed columns, rows ascending in each column.
    std::vector<int> l_colptr, l_row;
    // Row k of L: the columns j of its entries (ascending) and where L(k, j) is stored.
    std::vector<int> r_ptr, r_col, r_pos;
    std::vector<int> row_mult_adds;  // per row of L, by the pattern (measurements only)
    long full_mult_adds = 0;
    std::vector<double> a_base, l_base, d_base, inv_d_base;
  };
  std::shared_ptr<const Pattern> p_ = std::make_shared<const Pattern>();
  std::vector<double> a_val_, l_val_, d_, inv_d_;
  // Work: the dense accumulator (all 0 between calls); marks of changed columns and of
  // rows to recompute; rows that differ from the base; columns of A that differ.
  std::vector<double> y_;
  // refactor_forward(): L^{-1} b before the scaling by D^{-1}, per row (the other rows' dot
  // products read it), and the right-hand side b it was solved for; valid while L is the
  // one they were solved with.
  std::vector<double> fwd_, b_prev_;
  bool forward_valid_ = false;
  std::vector<unsigned char> col_mark_, row_mark_, dirty_row_, dirty_col_;
  std::vector<int> changed_cols_, rows_, dirty_rows_, dirty_cols_;
  long rows_recomputed_ = 0, mult_adds_recomputed_ = 0;
};

}  // namespace sre::kernels
