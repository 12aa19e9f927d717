#pragma once
// PSS/E input: RAW text (revisions 33, 34 and 35) and RAWX (the JSON form of revision
// 35) read into named-field records (psse_records.hpp), and those converted into the
// MATPOWER-layout CaseData the rest of the engine builds its network from.
#include <string>
#include <string_view>

#include "model/case_data.hpp"
#include "model/psse_records.hpp"

namespace sre::psse {

// Throw InputError(source, line, message) on bad input; never crash or hang.
Records parse_raw(std::string_view text, const std::string& source);
Records parse_rawx(std::string_view text, const std::string& source);

// The conversion (documented in docs/model.md, "PSS/E input"). Throws InputError naming
// the record and field (a branch to an unknown bus, a transformer with x = 0, ...).
CaseData to_case_data(const Records& records);

// True when the first record of `text` is a RAW case identification record
// (IC = 0 or 1, then SBASE): how a case file's format is told from its content.
bool looks_like_raw(std::string_view text);

}  // namespace sre::psse
