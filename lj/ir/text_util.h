// Small std::string_view helpers for the text form. (Debian's abseil has its
// own string_view type, so its string utilities don't take std::string_view.)
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace lj::ir::text {

inline std::string_view strip_trailing(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

inline std::string_view strip(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return strip_trailing(s);
}

inline std::vector<std::string_view> split(std::string_view s, char sep,
                                           bool skip_empty) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(sep, start);
    if (end == std::string_view::npos) end = s.size();
    std::string_view part = s.substr(start, end - start);
    if (!skip_empty || !part.empty()) parts.push_back(part);
    start = end + 1;
  }
  return parts;
}

template <typename Int>
bool to_int(std::string_view s, Int* out, int base = 10) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), *out, base);
  return error == std::errc() && end == s.data() + s.size() && !s.empty();
}

template <typename... Parts>
std::string cat(const Parts&... parts) {
  std::string out;
  auto add = [&out](const auto& part) {
    if constexpr (std::is_arithmetic_v<std::decay_t<decltype(part)>>)
      out += std::to_string(part);
    else if constexpr (std::is_convertible_v<decltype(part), std::string_view>)
      out.append(std::string_view(part));
    else
      out.append(part.data(), part.size());
  };
  (add(parts), ...);
  return out;
}

}  // namespace lj::ir::text
