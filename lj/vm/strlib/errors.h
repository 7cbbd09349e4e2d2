// Error codes of the string algorithms and LuaJIT 2.1's text for each.
// The VM turns a code into a Lua error; the message strings are the
// reference's (lj_errmsg.h), so ljit's error messages match luajit's.
#pragma once

#include <cstdint>
#include <string_view>

namespace lj::strlib {

// X-macro table: the single source of truth for codes and messages.
#define LJ_STRLIB_ERRORS(X)                                           \
  X(kNone, "")                                                        \
  X(kPatternEndsWithEscape, "malformed pattern (ends with '%')")      \
  X(kPatternMissingBracket, "malformed pattern (missing ']')")        \
  X(kPatternFrontierBracket, "missing '[' after '%f' in pattern")     \
  X(kPatternUnbalanced, "unbalanced pattern")                         \
  X(kPatternTooComplex, "pattern too complex")                        \
  X(kInvalidCaptureIndex, "invalid capture index")                    \
  X(kInvalidPatternCapture, "invalid pattern capture")                \
  X(kUnfinishedCapture, "unfinished capture")                         \
  X(kTooManyCaptures, "too many captures")                            \
  X(kFormatInvalidOption, "invalid option '%s' to 'format'")          \
  X(kFormatNumberExpected, "number expected, got %s")                 \
  X(kFormatValueExpected, "value expected")                           \
  X(kBaseOutOfRange, "base out of range")                             \
  X(kInvalidValue, "invalid value")                                   \
  X(kNotEnoughMemory, "not enough memory")

enum class Error : uint8_t {
#define LJ_STRLIB_ERROR_ENUM(name, text) name,
  LJ_STRLIB_ERRORS(LJ_STRLIB_ERROR_ENUM)
#undef LJ_STRLIB_ERROR_ENUM
};

// The message template of an error code ("%s" marks where a detail goes).
inline std::string_view error_text(Error e) {
  static constexpr std::string_view kTexts[] = {
#define LJ_STRLIB_ERROR_TEXT(name, text) text,
      LJ_STRLIB_ERRORS(LJ_STRLIB_ERROR_TEXT)
#undef LJ_STRLIB_ERROR_TEXT
  };
  return kTexts[static_cast<int>(e)];
}

}  // namespace lj::strlib
