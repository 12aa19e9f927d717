// libFuzzer target for the MATPOWER case reader: any input must either parse or
// throw InputError; a crash, hang, sanitizer report or other exception is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "model/case_data.hpp"
#include "io/input_error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const sre::CaseData d = sre::parse_matpower_case(text, "fuzz.m");
    // Touch every parsed value so that a wrong size shows up under the sanitizers.
    double sum = 0.0;
    for (const sre::CaseMatrix* m : {&d.bus, &d.gen, &d.branch, &d.gencost}) {
      if (m->values.size() != m->rows() * m->cols) __builtin_trap();
      for (std::size_t r = 0; r < m->rows(); ++r) {
        for (std::size_t c = 0; c < m->cols; ++c) sum += (*m)(r, c);
      }
    }
    [[maybe_unused]] static volatile double sink;
    sink = sum;
  } catch (const sre::InputError&) {
    // Rejecting bad input with a message is the expected outcome.
  }
  return 0;
}
