// The small string functions: rep, sub/byte index rules, char's range
// check, and C-locale upper/lower/reverse.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "lj/vm/strlib/errors.h"

namespace lj::strlib {

// Longest string LuaJIT builds (LJ_MAX_STR); longer is "not enough memory".
inline constexpr uint64_t kMaxStringLength = 0x7fffff00;

// A half-open byte range [begin, end) of a string.
struct ByteRange {
  size_t begin = 0;
  size_t end = 0;
  size_t size() const { return end - begin; }
};

// string.sub(s, i, j) and string.byte(s, i, j): 1-based, negative from the
// end, clamped to the string; an empty range when i > j.
ByteRange sub_range(size_t length, int64_t i, int64_t j);

// string.rep(s, n, sep): n copies joined by sep; n <= 0 gives "".
struct RepResult {
  Error error = Error::kNone;
  std::string text;
};
RepResult rep(std::string_view s, int64_t n, std::string_view separator = {});

// string.char's check: each code must be 0..255 ("invalid value").
constexpr bool char_code_valid(int64_t code) { return code >= 0 && code <= 255; }

std::string to_upper(std::string_view s);
std::string to_lower(std::string_view s);
std::string reverse(std::string_view s);

}  // namespace lj::strlib
