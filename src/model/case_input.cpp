// Every case file comes in here: its bytes read once, its format told from its content
// (so a RAW file named .txt, or a MATPOWER file named .raw by mistake, is still read as
// what it is), then the format's reader.
#include <array>
#include <fstream>
#include <system_error>

#include "io/input_error.hpp"
#include "model/case_data.hpp"
#include "model/psse_readers.hpp"

namespace sre {
namespace {

// Far above any real case (the largest cases are tens of MB); keeps a wrong path such as
// /dev/zero from eating all memory.
constexpr std::size_t MAX_FILE_BYTES = std::size_t{1} << 30;

bool has_extension(const std::string& source, const char* ext) {
  std::string e = std::filesystem::path(source).extension().string();
  for (char& c : e) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return e == ext;
}

}  // namespace

CaseFormat detect_case_format(std::string_view text, const std::string& source) {
  std::string_view t = text;
  if (t.starts_with("\xEF\xBB\xBF")) t.remove_prefix(3);
  const std::size_t first = t.find_first_not_of(" \t\r\n\v\f");
  if (first != std::string_view::npos && t[first] == '{') return CaseFormat::kPsseRawx;
  if (psse::looks_like_raw(t)) return CaseFormat::kPsseRaw;
  // A MATPOWER file named .raw by mistake is still MATPOWER.
  if (t.find("mpc.") != std::string_view::npos) return CaseFormat::kMatpower;
  if (has_extension(source, ".rawx")) return CaseFormat::kPsseRawx;
  if (has_extension(source, ".raw")) return CaseFormat::kPsseRaw;
  return CaseFormat::kMatpower;
}

CaseData parse_case(std::string_view text, const std::string& source) {
  switch (detect_case_format(text, source)) {
    case CaseFormat::kPsseRaw: return psse::to_case_data(psse::parse_raw(text, source));
    case CaseFormat::kPsseRawx: return psse::to_case_data(psse::parse_rawx(text, source));
    case CaseFormat::kMatpower: break;
  }
  return parse_matpower_case(text, source);
}

CaseData read_case(const std::filesystem::path& path) { return parse_case(read_case_text(path), path.string()); }

std::string read_case_text(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (status.type() == std::filesystem::file_type::not_found) {
    throw InputError(name, 0, "cannot open the case file: it does not exist; check the path");
  }
  if (ec) {
    throw InputError(name, 0, "cannot open the case file (" + ec.message() + "); check the path and its permissions");
  }
  if (std::filesystem::is_directory(status)) {
    throw InputError(name, 0,
                     "cannot read the case file: it is a directory; give the path of a case file (MATPOWER .m, PSS/E "
                     ".raw or .rawx)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(name, 0, "cannot open the case file for reading; check its permissions");
  std::string text;
  std::array<char, 1 << 16> chunk;
  while (in.read(chunk.data(), chunk.size()) || in.gcount() > 0) {
    text.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    if (text.size() > MAX_FILE_BYTES) {
      throw InputError(name, 0, "the file is larger than 1 GiB; this is not a case file, check the path");
    }
  }
  if (in.bad()) throw InputError(name, 0, "reading the case file failed; check the file and the disk");
  return text;
}

}  // namespace sre
