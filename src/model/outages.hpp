#pragma once
// What a strike takes out of service (model section 4): destroyed buses (with their
// generators, branches and demand), cut branches and lost generators, as indices into the
// network's tables. Views into the caller's arrays; any of them may be empty.
#include <span>

namespace sre {

struct Outages {
  std::span<const int> buses;
  std::span<const int> branches;
  std::span<const int> generators;
};

}  // namespace sre
