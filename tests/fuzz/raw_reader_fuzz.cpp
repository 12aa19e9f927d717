// libFuzzer target for the PSS/E RAW reader and its conversion: any input must either
// give a case or throw InputError; a crash, hang, sanitizer report or other exception is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "io/input_error.hpp"
#include "model/psse_readers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    (void)sre::psse::looks_like_raw(text);
    const sre::CaseData d = sre::psse::to_case_data(sre::psse::parse_raw(text, "fuzz.raw"));
    // Touch every converted value so that a wrong size shows up under the sanitizers.
    double sum = 0.0;
    for (const sre::CaseMatrix* m : {&d.bus, &d.gen, &d.branch}) {
      if (m->values.size() != m->rows() * m->cols) __builtin_trap();
      for (std::size_t r = 0; r < m->rows(); ++r) {
        for (std::size_t c = 0; c < m->cols; ++c) sum += (*m)(r, c);
      }
    }
    if (d.bus_name.size() != d.bus.rows() || d.bus_owner.size() != d.bus.rows()) __builtin_trap();
    [[maybe_unused]] static volatile double sink;
    sink = sum;
  } catch (const sre::InputError&) {
    // Rejecting bad input with a message is the expected outcome.
  }
  return 0;
}
