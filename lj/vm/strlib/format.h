// string.format as LuaJIT 2.1 does it (lj_strfmt.c + lib_string.c):
// specifiers %d %i %u %c %x %X %o %e %E %f %g %G %a %A %q %s %p %%, flags
// "-+ #0" (repeats allowed), width and precision of at most two digits each;
// anything else is "invalid option '%...' to 'format'".
//
// The caller supplies argument access (FormatArgs), so the VM decides what
// a number is (numeric strings included), what tostring gives (for %s and
// %q, with __tostring), and what type names errors mention.
#pragma once

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "lj/vm/strlib/errors.h"

namespace lj::strlib {

// The arguments after the format string; index 0 is Lua argument #2.
class FormatArgs {
 public:
  virtual ~FormatArgs() = default;
  virtual int size() const = 0;
  // The argument as a number (Lua coercion), or nullopt if it is not one.
  virtual std::optional<double> number(int index) = 0;
  // tostring() of the argument, for %s and %q.
  virtual std::string text(int index) = 0;
  // The type name error messages use ("string", "nil", ...).
  virtual std::string type_name(int index) = 0;
  // The address %p prints (0 prints "NULL").
  virtual uintptr_t pointer(int index) = 0;
};

// A failed format: the error, the Lua argument number it concerns (for
// "bad argument" errors) and the detail that fills the message's "%s".
struct FormatError {
  Error error = Error::kNone;
  int argument = 0;
  std::string detail;
  // The full message, e.g. "bad argument #2 to 'format' (number expected,
  // got string)" or "invalid option '%y' to 'format'".
  std::string message(std::string_view function_name = "format") const;
};

struct FormatResult {
  FormatError error;
  std::string text;
  bool ok() const { return error.error == Error::kNone; }
};

FormatResult format(std::string_view format_string, FormatArgs& args);

// One parsed conversion: flags, width, precision (-1 if none), letter.
struct FormatSpec {
  bool left = false, plus = false, space = false, alternate = false, zero = false;
  int width = 0;
  int precision = -1;
  char conversion = 0;
};

// The conversions on their own, for callers that have a parsed spec.
void format_integer(std::string& out, const FormatSpec& spec, double value);
void format_float(std::string& out, const FormatSpec& spec, double value);
void format_quoted(std::string& out, std::string_view text);
void format_string(std::string& out, const FormatSpec& spec, std::string_view text);
void format_char(std::string& out, const FormatSpec& spec, double value);
void format_pointer(std::string& out, uintptr_t address);

// The reference's double -> integer conversions (x86 truncation, and
// INT_MIN for NaN or out-of-range values).
int64_t to_int64_like_x86(double value);
// Inline: the library's fast paths convert every integer argument with it
// (on x86 the instruction itself, else the same result spelled out).
inline int32_t to_int32_like_x86(double value) {
#if defined(__SSE2__)
  return _mm_cvttsd_si32(_mm_set_sd(value));
#else
  if (!(value > -2147483649.0 && value < 2147483648.0)) return INT32_MIN;
  return static_cast<int32_t>(value);
#endif
}

}  // namespace lj::strlib
