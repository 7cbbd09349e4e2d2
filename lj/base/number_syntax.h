// LuaJIT's number-syntax limits (lj_strscan), shared by the lexer
// (lj/vm/parse) and tonumber (lj/vm/strlib), so source literals and
// converted strings accept the same exponents.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace lj::base {

// An exponent (the digits after e or p) of 2^20 or more, whatever its
// sign or leading zeros, makes the number malformed: "1e1048575" is inf,
// "1e1048576" is no number.
inline constexpr uint32_t kExponentLimit = 1u << 20;

// The end of the exponent digits starting at i; npos if there are none or
// their value reaches kExponentLimit.
inline size_t scan_exponent_digits(std::string_view s, size_t i) {
  const size_t first = i;
  uint32_t value = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; i++) {
    if (value < kExponentLimit) value = value * 10 + static_cast<uint32_t>(s[i] - '0');
  }
  return i == first || value >= kExponentLimit ? std::string_view::npos : i;
}

}  // namespace lj::base
