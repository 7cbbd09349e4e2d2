// ASCII character classes as LuaJIT's lj_char tables define them: the C
// locale, and bytes >= 128 belong to no class.
#pragma once

namespace lj::strlib {

constexpr bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
constexpr bool is_upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
constexpr bool is_lower(unsigned char c) { return c >= 'a' && c <= 'z'; }
constexpr bool is_alpha(unsigned char c) { return is_upper(c) || is_lower(c); }
constexpr bool is_alnum(unsigned char c) { return is_alpha(c) || is_digit(c); }
constexpr bool is_space(unsigned char c) { return c == ' ' || (c >= 9 && c <= 13); }
constexpr bool is_cntrl(unsigned char c) { return c < 32 || c == 127; }
constexpr bool is_punct(unsigned char c) { return c > 32 && c < 127 && !is_alnum(c); }
constexpr bool is_xdigit(unsigned char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
constexpr unsigned char to_lower(unsigned char c) { return is_upper(c) ? c + 32 : c; }
constexpr unsigned char to_upper(unsigned char c) { return is_lower(c) ? c - 32 : c; }

}  // namespace lj::strlib
