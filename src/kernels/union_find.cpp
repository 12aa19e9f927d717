// UnionFind is header-only; this unit keeps the kernels library non-empty and
// instantiates nothing else.
#include "kernels/union_find.hpp"
