// Numbers to strings and back, as LuaJIT 2.1 converts them.
//
// LuaJIT formats floating point itself (lj_strfmt_num.c) rather than with
// the C library: digits are exact, and a value exactly halfway between two
// outputs rounds half up (away from zero): "%.14g" of 123456789012345 gives
// 1.2345678901235e+14 and "%.0f" of 0.5 gives 1. The digit generator here
// reproduces that; string.format's %e %f %g use it too.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lj::strlib {

// A non-negative decimal value: digits d0 d1 d2 ... meaning d0.d1d2... times
// 10^exponent. No digits means zero.
struct Decimal {
  std::string digits;
  int exponent = 0;
};

// The decimal exponent of a finite value > 0 (floor of log10, exactly).
int decimal_exponent(double positive);

// A finite value >= 0 rounded half up to a multiple of 10^lowest_exponent.
Decimal round_decimal(double non_negative, int lowest_exponent);

// A finite value > 0 rounded half up to `significant` digits.
Decimal round_significant(double positive, int significant);

// tostring(number): "%.14g" with ties half up; "-0", "inf", "-inf", "nan".
std::string number_to_string(double value);
void append_number(std::string& out, double value);

// tonumber(s) and string->number coercion (lj_strscan for doubles):
// surrounding whitespace, decimal with exponent, hex with fraction and 'p'
// exponent, "inf"/"infinity"/"nan" in any case; nullopt if malformed.
std::optional<double> string_to_number(std::string_view text);

// tonumber(s, base) for base 2..36 (base 10 is string_to_number): optional
// sign and whitespace around digits, "0x" allowed in base 16, saturating at
// 2^64 - 1 as the reference's strtoul does.
bool base_in_range(int64_t base);
std::optional<double> string_to_number_base(std::string_view text, int base);

}  // namespace lj::strlib
