#pragma once
// Disjoint-set forest with path halving and union by size, over plain arrays
// allocated once (reset() is O(n) and allocation-free after the first call).
#include <numeric>
#include <vector>

namespace sre::kernels {

class UnionFind {
 public:
  explicit UnionFind(int n = 0) { reset(n); }

  void reset(int n) {
    parent_.resize(n);
    size_.resize(n);
    std::iota(parent_.begin(), parent_.end(), 0);
    std::fill(size_.begin(), size_.end(), 1);
  }

  int find(int a) {
    while (parent_[a] != a) {
      parent_[a] = parent_[parent_[a]];
      a = parent_[a];
    }
    return a;
  }

  // Returns true when a and b were in different sets.
  bool unite(int a, int b) {
    a = find(a);
    b = find(b);
    if (a == b) return false;
    if (size_[a] < size_[b]) std::swap(a, b);
    parent_[b] = a;
    size_[a] += size_[b];
    return true;
  }

  int size() const { return static_cast<int>(parent_.size()); }

 private:
  std::vector<int> parent_;
  std::vector<int> size_;
};

}  // namespace sre::kernels
