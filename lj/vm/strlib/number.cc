// Decimal digit generation with half-up ties, tostring and tonumber.
//
// Digits come from the library's correctly rounded "%.*e" with 3 guard
// digits; the only case those cannot decide is a guard run of exactly
// "500" (a tie, or a value within half a guard unit of one), which is
// settled by printing all digits (a double's exact expansion has at most
// 767 significant digits).
#include "lj/vm/strlib/number.h"

#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "lj/base/check.h"
#include "lj/base/number_syntax.h"
#include "lj/vm/strlib/chars.h"

namespace lj::strlib {
namespace {

constexpr int kGuardDigits = 3;
constexpr int kExactDigits = 800;  // enough for any double's full expansion

// The first `count` significant digits of v > 0, correctly rounded
// (std::to_chars: printf's digits, several times faster).
Decimal printed_digits(double positive, int count) {
  check(count >= 1 && count <= kExactDigits, "digit count in range");
  char buffer[kExactDigits + 32];
  std::to_chars_result printed = std::to_chars(buffer, buffer + sizeof(buffer), positive,
                                               std::chars_format::scientific, count - 1);
  check(printed.ec == std::errc(), "digits fit the buffer");
  *printed.ptr = '\0';
  Decimal d;
  d.digits.reserve(static_cast<size_t>(count));
  const char* p = buffer;
  for (; *p != 'e'; p++)
    if (*p != '.') d.digits.push_back(*p);
  d.exponent = std::atoi(p + 1);
  return d;
}

// True if digits[from..] is "5" followed only by zeros (a possible tie).
bool is_tie_run(const std::string& digits, size_t from) {
  if (from >= digits.size() || digits[from] != '5') return false;
  return digits.find_first_not_of('0', from + 1) == std::string::npos;
}

// Adds one unit in the last place; a carry out of the top adds a digit.
void increment(Decimal& d) {
  size_t i = d.digits.size();
  while (i > 0 && d.digits[i - 1] == '9') d.digits[--i] = '0';
  if (i > 0) {
    d.digits[i - 1]++;
  } else {
    d.digits.insert(d.digits.begin(), '1');
    d.digits.pop_back();
    d.exponent++;
  }
}

// Appends the decimal digits of an unsigned integer.
void append_unsigned(std::string& out, uint64_t v) {
  char buffer[24];
  int n = 0;
  do {
    buffer[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0) out.push_back(buffer[--n]);
}

}  // namespace

int decimal_exponent(double positive) {
  check(positive > 0 && std::isfinite(positive), "exponent of a finite positive value");
  Decimal d = printed_digits(positive, 17);
  // Integers below 2^53 print exactly; elsewhere "1000..." may be a carry.
  bool maybe_carried = d.digits.find_first_not_of('0', 1) == std::string::npos &&
                       !(positive < 9007199254740992.0 && positive == std::floor(positive));
  return maybe_carried ? printed_digits(positive, kExactDigits).exponent : d.exponent;
}

namespace {

// Rounds printed digits half up so that `keep` of them remain; `reprint`
// gives all digits of the value when the guard digits cannot decide.
template <typename Reprint>
Decimal round_printed(Decimal d, int lowest_exponent, Reprint reprint) {
  int keep = d.exponent - lowest_exponent + 1;
  if (keep >= 0 && is_tie_run(d.digits, static_cast<size_t>(keep)))
    d = reprint(), keep = d.exponent - lowest_exponent + 1;
  if (keep < 0) return Decimal{};
  bool round_up = static_cast<size_t>(keep) < d.digits.size() && d.digits[keep] >= '5';
  d.digits.resize(static_cast<size_t>(keep));
  if (round_up) {
    if (d.digits.empty()) return Decimal{"1", lowest_exponent};
    increment(d);
  }
  // Drop the zero digits a carry or a short value leaves at the end.
  while (!d.digits.empty() && d.digits.back() == '0') d.digits.pop_back();
  if (d.digits.empty()) return Decimal{};
  return d;
}

}  // namespace

namespace {

// 10^0 .. 10^19, the powers of ten that fit 64 bits (m * 10^n < 2^117).
constexpr std::array<uint64_t, 20> kPowersOfTen = [] {
  std::array<uint64_t, 20> p{};
  p[0] = 1;
  for (size_t i = 1; i < p.size(); i++) p[i] = p[i - 1] * 10;
  return p;
}();

// round_decimal by integer arithmetic, exact: value = m * 2^e, so
// value * 10^n = m * 10^n * 2^e, whose integer part and remainder decide
// the half-up rounding. Only for 0 <= n < 20 and results below 2^64
// (string.format's "%.2f" and the like); false otherwise.
bool round_decimal_exact(double value, int lowest_exponent, Decimal& out) {
  if (lowest_exponent > 0 || -lowest_exponent >= static_cast<int>(kPowersOfTen.size())) return false;
  uint64_t bits = std::bit_cast<uint64_t>(value);
  int biased = static_cast<int>(bits >> 52);
  uint64_t m = bits & ((uint64_t{1} << 52) - 1);
  int e = biased == 0 ? -1074 : biased - 1075;
  if (biased != 0) m |= uint64_t{1} << 52;
  unsigned __int128 scaled = static_cast<unsigned __int128>(m) * kPowersOfTen[static_cast<size_t>(-lowest_exponent)];
  uint64_t q;
  if (e >= 0) {
    if (e >= 64 || (scaled >> (64 - e)) != 0) return false;  // 2^64 or more
    q = static_cast<uint64_t>(scaled << e);
  } else if (-e >= 128) {
    q = 0;  // scaled < 2^117, below half of 2^-e
  } else {
    int k = -e;
    unsigned __int128 whole = scaled >> k;
    if (whole >> 64) return false;
    unsigned __int128 rest = scaled - (whole << k);
    q = static_cast<uint64_t>(whole);
    if (rest >= (static_cast<unsigned __int128>(1) << (k - 1))) {
      if (q == UINT64_MAX) return false;
      q++;
    }
  }
  // q's digits, trailing zeros dropped; the first digit's exponent.
  out = Decimal{};
  if (q == 0) return true;
  char buffer[24];
  int n = 0;
  for (uint64_t v = q; v != 0; v /= 10) buffer[n++] = static_cast<char>('0' + v % 10);
  out.exponent = n - 1 + lowest_exponent;
  int low = 0;
  while (buffer[low] == '0') low++;
  for (int i = n - 1; i >= low; i--) out.digits.push_back(buffer[i]);
  return true;
}

}  // namespace

Decimal round_decimal(double value, int lowest_exponent) {
  check(value >= 0 && std::isfinite(value), "rounding a finite non-negative value");
  if (value == 0) return Decimal{};
  Decimal exact;
  if (round_decimal_exact(value, lowest_exponent, exact)) return exact;
  // log10 may be off by one near powers of ten: ask for one digit more, and
  // round_printed works from the exponent libc printed.
  int estimated_exponent = static_cast<int>(std::floor(std::log10(value)));
  int count = estimated_exponent - lowest_exponent + 2 + kGuardDigits;
  if (count < 1) return Decimal{};
  Decimal d = printed_digits(value, std::min(count, kExactDigits));
  return round_printed(std::move(d), lowest_exponent,
                       [&] { return printed_digits(value, kExactDigits); });
}

Decimal round_significant(double value, int significant) {
  check(value >= 0 && std::isfinite(value), "rounding a finite non-negative value");
  check(significant >= 1, "at least one significant digit");
  if (value == 0) return Decimal{};
  // One print: a carry to the next power of ten ("1000...") already is the
  // correctly rounded result, so its exponent can be trusted.
  Decimal d = printed_digits(value, std::min(significant + kGuardDigits, kExactDigits));
  int lowest = d.exponent - significant + 1;
  return round_printed(std::move(d), lowest, [&] { return printed_digits(value, kExactDigits); });
}

void append_number(std::string& out, double value) {
  if (std::isnan(value)) {
    out.append("nan");
    return;
  }
  if (std::isinf(value)) {
    out.append(value < 0 ? "-inf" : "inf");
    return;
  }
  if (std::signbit(value)) out.push_back('-');
  double magnitude = std::fabs(value);
  // Integers of up to 14 digits print as themselves.
  if (magnitude < 1e14 && magnitude == std::floor(magnitude)) {
    append_unsigned(out, static_cast<uint64_t>(magnitude));
    return;
  }
  // "%.14g": 14 significant digits, trailing zeros dropped.
  Decimal d = round_significant(magnitude, 14);
  if (d.exponent < -4 || d.exponent >= 14) {
    out.push_back(d.digits[0]);
    if (d.digits.size() > 1) {
      out.push_back('.');
      out.append(d.digits, 1);
    }
    char buffer[24];
    std::snprintf(buffer, sizeof(buffer), "e%c%02d", d.exponent < 0 ? '-' : '+',
                  std::abs(d.exponent));
    out.append(buffer);
    return;
  }
  if (d.exponent < 0) {
    out.append("0.");
    out.append(static_cast<size_t>(-d.exponent - 1), '0');
    out.append(d.digits);
    return;
  }
  size_t integer_digits = static_cast<size_t>(d.exponent) + 1;
  if (d.digits.size() <= integer_digits) {
    out.append(d.digits);
    out.append(integer_digits - d.digits.size(), '0');
  } else {
    out.append(d.digits, 0, integer_digits);
    out.push_back('.');
    out.append(d.digits, integer_digits);
  }
}

std::string number_to_string(double value) {
  std::string out;
  append_number(out, value);
  return out;
}

namespace {

// Case-insensitive match of a lower-case word at text[i..].
bool has_word(std::string_view text, size_t i, std::string_view word) {
  if (text.size() - i < word.size()) return false;
  for (size_t k = 0; k < word.size(); k++)
    if (to_lower(static_cast<unsigned char>(text[i + k])) != word[k]) return false;
  return true;
}

size_t skip_space(std::string_view text, size_t i) {
  while (i < text.size() && is_space(static_cast<unsigned char>(text[i]))) i++;
  return i;
}

// Scans digits (hex or decimal) with an optional '.'; counts the digits.
size_t scan_mantissa(std::string_view text, size_t i, bool hex, int& digit_count) {
  auto is_mantissa_digit = [&](char c) {
    unsigned char u = static_cast<unsigned char>(c);
    return hex ? is_xdigit(u) : is_digit(u);
  };
  digit_count = 0;
  while (i < text.size() && is_mantissa_digit(text[i])) i++, digit_count++;
  if (i < text.size() && text[i] == '.') {
    i++;
    while (i < text.size() && is_mantissa_digit(text[i])) i++, digit_count++;
  }
  return i;
}

// Scans an exponent (e or p, sign, decimal digits below LuaJIT's limit);
// npos if bad.
size_t scan_exponent(std::string_view text, size_t i, bool hex) {
  if (i >= text.size()) return i;
  char marker = static_cast<char>(to_lower(static_cast<unsigned char>(text[i])));
  if (marker != (hex ? 'p' : 'e')) return i;
  i++;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) i++;
  return base::scan_exponent_digits(text, i);
}

}  // namespace

namespace {

// The common case, a short plain decimal ("123", "-4.25", "7."): with at
// most 15 digits, M / 10^k (M the digits as an integer, k those after the
// point) is two exact doubles and one correctly rounded division, as
// strtod's result. nullopt: anything else (the full scan decides).
std::optional<double> plain_decimal(std::string_view text, size_t i, bool negative) {
  constexpr double kExactPowers[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  uint64_t mantissa = 0;
  int digits = 0, fraction_digits = 0;
  bool point = false;
  size_t j = i;
  for (; j < text.size(); j++) {
    char c = text[j];
    if (c >= '0' && c <= '9') {
      if (++digits > 15) return std::nullopt;
      mantissa = mantissa * 10 + static_cast<uint64_t>(c - '0');
      fraction_digits += point;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      break;
    }
  }
  if (digits == 0 || skip_space(text, j) != text.size()) return std::nullopt;
  double value = static_cast<double>(mantissa) / kExactPowers[fraction_digits];
  return negative ? -value : value;
}

}  // namespace

std::optional<double> string_to_number(std::string_view text) {
  size_t i = skip_space(text, 0);
  size_t number_start = i;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  if (std::optional<double> plain = plain_decimal(text, i, negative)) return plain;
  // "inf", "infinity" and "nan", in any case.
  if (i < text.size() && static_cast<unsigned char>(text[i]) >= 'A') {
    double special;
    if (has_word(text, i, "inf")) {
      special = negative ? -HUGE_VAL : HUGE_VAL;
      i += has_word(text, i, "infinity") ? 8 : 3;
    } else if (has_word(text, i, "nan")) {
      special = std::numeric_limits<double>::quiet_NaN();
      i += 3;
    } else {
      return std::nullopt;
    }
    if (skip_space(text, i) != text.size()) return std::nullopt;
    return special;
  }
  // LuaJIT's binary literals: "0b" and binary digits only (no fraction or
  // exponent), e.g. tonumber("0b101") is 5.
  if (i + 2 < text.size() && text[i] == '0' && (text[i + 1] == 'b' || text[i + 1] == 'B')) {
    size_t j = i + 2;
    double value = 0;
    while (j < text.size() && (text[j] == '0' || text[j] == '1')) value = value * 2 + (text[j++] - '0');
    if (j == i + 2 || skip_space(text, j) != text.size()) return std::nullopt;
    return negative ? -value : value;
  }
  // Mantissa (hex after 0x) and exponent; then only whitespace may follow.
  bool hex = i + 1 < text.size() && text[i] == '0' && (text[i + 1] == 'x' || text[i + 1] == 'X');
  int digit_count;
  size_t end = scan_mantissa(text, hex ? i + 2 : i, hex, digit_count);
  if (digit_count == 0) return std::nullopt;
  end = scan_exponent(text, end, hex);
  if (end == std::string_view::npos || skip_space(text, end) != text.size()) return std::nullopt;
  // The syntax is valid: let strtod do the correctly rounded conversion.
  std::string number(text.substr(number_start, end - number_start));
  return std::strtod(number.c_str(), nullptr);
}

bool base_in_range(int64_t base) { return base >= 2 && base <= 36; }

std::optional<double> string_to_number_base(std::string_view text, int base) {
  check(base_in_range(base), "tonumber base in 2..36");
  if (base == 10) return string_to_number(text);
  // The reference reads a C string: it ends at the first NUL.
  size_t nul = text.find('\0');
  if (nul != std::string_view::npos) text = text.substr(0, nul);
  size_t i = skip_space(text, 0);
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  if (i >= text.size() || !is_alnum(static_cast<unsigned char>(text[i]))) return std::nullopt;
  // strtoul: a "0x" prefix in base 16 only when a hex digit follows.
  if (base == 16 && i + 2 < text.size() && text[i] == '0' &&
      (text[i + 1] == 'x' || text[i + 1] == 'X') && is_xdigit(static_cast<unsigned char>(text[i + 2])))
    i += 2;
  auto digit_value = [](unsigned char c) {
    return is_digit(c) ? c - '0' : is_alpha(c) ? to_lower(c) - 'a' + 10 : 99;
  };
  uint64_t value = 0;
  bool saturated = false;
  size_t first_digit = i;
  for (; i < text.size() && digit_value(static_cast<unsigned char>(text[i])) < base; i++) {
    uint64_t digit = static_cast<uint64_t>(digit_value(static_cast<unsigned char>(text[i])));
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / static_cast<uint64_t>(base))
      saturated = true;
    value = value * static_cast<uint64_t>(base) + digit;
  }
  if (i == first_digit || skip_space(text, i) != text.size()) return std::nullopt;
  double result = saturated ? 18446744073709551615.0 : static_cast<double>(value);
  return negative ? -result : result;
}

}  // namespace lj::strlib
