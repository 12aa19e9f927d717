#pragma once
// Minimal JSON output for --json flags: numbers (NaN and infinities as null),
// strings, arrays; keys in insertion order.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace sre::cli {

class JsonObject {
 public:
  JsonObject& number(const std::string& key, double v) { return raw(key, format(v)); }
  JsonObject& integer(const std::string& key, long long v) { return raw(key, std::to_string(v)); }
  JsonObject& boolean(const std::string& key, bool v) { return raw(key, v ? "true" : "false"); }
  JsonObject& string(const std::string& key, const std::string& v) { return raw(key, quote(v)); }
  template <class T>
  JsonObject& array(const std::string& key, const std::vector<T>& v) {
    std::string s = "[";
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + item(v[i]);
    return raw(key, s + "]");
  }
  JsonObject& raw(const std::string& key, const std::string& json) {
    body_ += (body_.empty() ? "" : ",") + quote(key) + ":" + json;
    return *this;
  }
  std::string str() const { return "{" + body_ + "}"; }

  static std::string format(double v) {
    if (!std::isfinite(v)) return "null";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
  }
  static std::string quote(const std::string& s) {
    std::string o = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\') o += '\\';
      if (static_cast<unsigned char>(c) < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        o += buf;
        continue;
      }
      o += c;
    }
    return o + "\"";
  }

 private:
  static std::string item(double v) { return format(v); }
  static std::string item(int v) { return std::to_string(v); }
  static std::string item(long long v) { return std::to_string(v); }
  static std::string item(long v) { return std::to_string(v); }
  static std::string item(const std::string& v) { return quote(v); }
  std::string body_;
};

}  // namespace sre::cli
