// string.format: the format-string parser and each conversion, written to
// print byte for byte what LuaJIT 2.1 prints.
#include "lj/vm/strlib/format.h"

#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "lj/base/check.h"
#include "lj/vm/strlib/chars.h"
#include "lj/vm/strlib/number.h"

namespace lj::strlib {
namespace {

// Lays out sign/prefix and body in the field width ('0' pads after the
// prefix unless left-justified).
void pad_field(std::string& out, const FormatSpec& spec, std::string_view prefix,
               std::string_view body, bool allow_zero_pad) {
  size_t length = prefix.size() + body.size();
  size_t fill = static_cast<size_t>(spec.width) > length ? spec.width - length : 0;
  if (spec.left) {
    out.append(prefix).append(body).append(fill, ' ');
  } else if (spec.zero && allow_zero_pad) {
    out.append(prefix).append(fill, '0').append(body);
  } else {
    out.append(fill, ' ').append(prefix).append(body);
  }
}

// The sign a float or signed integer prints.
std::string_view sign_of(const FormatSpec& spec, bool negative) {
  if (negative) return "-";
  if (spec.plus) return "+";
  if (spec.space) return " ";
  return "";
}

// d0.d1...dP e+XX from rounded digits (padded with zeros to P+1 digits).
void exponent_body(std::string& body, const Decimal& d, int precision, bool alternate,
                   bool upper) {
  std::string digits = d.digits.empty() ? "0" : d.digits;
  digits.resize(static_cast<size_t>(precision) + 1, '0');
  body.push_back(digits[0]);
  if (precision > 0 || alternate) body.push_back('.');
  body.append(digits, 1);
  int exponent = d.digits.empty() ? 0 : d.exponent;
  char buffer[24];
  std::snprintf(buffer, sizeof(buffer), "%c%c%02d", upper ? 'E' : 'e',
                exponent < 0 ? '-' : '+', std::abs(exponent));
  body.append(buffer);
}

// Integer part and `fraction` digits from rounded digits.
void fixed_body(std::string& body, const Decimal& d, int fraction, bool alternate) {
  auto digit_at = [&](int position) {  // position 0 is the units digit
    int index = d.exponent - position;
    return (index >= 0 && static_cast<size_t>(index) < d.digits.size()) ? d.digits[index] : '0';
  };
  if (d.digits.empty() || d.exponent < 0) {
    body.push_back('0');
  } else {
    for (int position = d.exponent; position >= 0; position--) body.push_back(digit_at(position));
  }
  if (fraction > 0 || alternate) body.push_back('.');
  for (int k = 1; k <= fraction; k++) body.push_back(digit_at(-k));
}

// %g's removal of trailing fraction zeros (and a bare '.').
void strip_fraction_zeros(std::string& body) {
  size_t dot = body.find('.');
  if (dot == std::string::npos) return;
  size_t exponent = body.find_first_of("eE", dot);
  std::string suffix = exponent == std::string::npos ? "" : body.substr(exponent);
  body.resize(exponent == std::string::npos ? body.size() : exponent);
  while (body.back() == '0') body.pop_back();
  if (body.back() == '.') body.pop_back();
  body.append(suffix);
}

// %e %f %g of a finite non-negative value.
void decimal_body(std::string& body, const FormatSpec& spec, double magnitude) {
  char conversion = static_cast<char>(to_lower(static_cast<unsigned char>(spec.conversion)));
  bool upper = is_upper(static_cast<unsigned char>(spec.conversion));
  if (conversion == 'e') {
    int precision = spec.precision < 0 ? 6 : spec.precision;
    exponent_body(body, round_significant(magnitude, precision + 1), precision,
                  spec.alternate, upper);
  } else if (conversion == 'f') {
    int precision = spec.precision < 0 ? 6 : spec.precision;
    fixed_body(body, round_decimal(magnitude, -precision), precision, spec.alternate);
  } else {
    int significant = spec.precision < 0 ? 6 : spec.precision == 0 ? 1 : spec.precision;
    Decimal d = round_significant(magnitude, significant);
    int rounded_exponent = d.digits.empty() ? 0 : d.exponent;
    if (rounded_exponent < -4 || rounded_exponent >= significant) {
      exponent_body(body, d, significant - 1, spec.alternate, upper);
    } else {
      fixed_body(body, d, significant - 1 - rounded_exponent, spec.alternate);
    }
    if (!spec.alternate) strip_fraction_zeros(body);
  }
}

// %a: 0x1.hhhp+e, subnormals normalised, rounding half up in hex digits.
void hex_body(std::string& body, const FormatSpec& spec, double magnitude) {
  bool upper = is_upper(static_cast<unsigned char>(spec.conversion));
  const char* hex_digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  uint64_t bits;
  std::memcpy(&bits, &magnitude, sizeof(bits));
  uint64_t fraction = bits & ((uint64_t{1} << 52) - 1);
  int exponent = static_cast<int>(bits >> 52);
  uint64_t lead = 1;
  if (magnitude == 0) {
    lead = 0, exponent = 0;
  } else if (exponent == 0) {  // subnormal: shift the first 1 up to bit 52
    exponent = -1022;
    while (!(fraction & (uint64_t{1} << 52))) fraction <<= 1, exponent--;
    fraction &= (uint64_t{1} << 52) - 1;
  } else {
    exponent -= 1023;
  }
  // Choose the digit count, rounding the 13 fraction digits if asked.
  int digits = 13;
  if (spec.precision < 0) {
    while (digits > 0 && ((fraction >> (4 * (13 - digits))) & 15) == 0) digits--;
  } else if (spec.precision < 13) {
    digits = spec.precision;
    int dropped_bits = 4 * (13 - digits);
    uint64_t remainder = fraction & ((uint64_t{1} << dropped_bits) - 1);
    fraction >>= dropped_bits;
    if (remainder >= (uint64_t{1} << (dropped_bits - 1))) {
      fraction++;
      if (fraction >> (4 * digits)) lead++, fraction &= (uint64_t{1} << (4 * digits)) - 1;
    }
    fraction <<= dropped_bits;
  }
  body.push_back(hex_digits[lead]);
  int shown = spec.precision < 0 ? digits : spec.precision;
  if (shown > 0 || spec.alternate) body.push_back('.');
  for (int k = 0; k < shown; k++)
    body.push_back(k < 13 ? hex_digits[(fraction >> (4 * (12 - k))) & 15] : '0');
  body.append(upper ? "P" : "p");
  body.append(exponent < 0 ? "-" : "+");
  body.append(std::to_string(std::abs(exponent)));
}

}  // namespace

int64_t to_int64_like_x86(double value) {
  if (!(value >= -9223372036854775808.0 && value < 9223372036854775808.0)) return INT64_MIN;
  return static_cast<int64_t>(value);
}

void format_integer(std::string& out, const FormatSpec& spec, double value) {
  char conversion = static_cast<char>(to_lower(static_cast<unsigned char>(spec.conversion)));
  bool is_signed = conversion == 'd' || conversion == 'i';
  // The reference's conversions: signed truncation; unsigned wraps 2^63.. .
  uint64_t k;
  if (is_signed) {
    k = static_cast<uint64_t>(to_int64_like_x86(value));
  } else {
    k = static_cast<uint64_t>(value >= 9223372036854775808.0
                                  ? to_int64_like_x86(value - 18446744073709551616.0)
                                  : to_int64_like_x86(value));
  }
  std::string prefix;
  if (is_signed) {
    bool negative = static_cast<int64_t>(k) < 0;
    if (negative) k = ~k + 1;
    prefix = sign_of(spec, negative);
  }
  // Digits, most significant first; precision 0 prints no digits for 0.
  std::string digits;
  bool upper = is_upper(static_cast<unsigned char>(spec.conversion));
  if (k == 0) {
    if (spec.precision != 0 || (conversion == 'o' && spec.alternate)) digits = "0";
  } else if (conversion == 'x') {
    for (; k != 0; k >>= 4) digits.insert(digits.begin(), (upper ? "0123456789ABCDEF" : "0123456789abcdef")[k & 15]);
    if (spec.alternate) prefix = upper ? "0X" : "0x";
  } else if (conversion == 'o') {
    for (; k != 0; k >>= 3) digits.insert(digits.begin(), static_cast<char>('0' + (k & 7)));
    if (spec.alternate) digits.insert(digits.begin(), '0');
  } else {
    for (; k != 0; k /= 10) digits.insert(digits.begin(), static_cast<char>('0' + k % 10));
  }
  if (spec.precision >= 0 && static_cast<size_t>(spec.precision) > digits.size())
    digits.insert(0, static_cast<size_t>(spec.precision) - digits.size(), '0');
  pad_field(out, spec, prefix, digits, spec.precision < 0);
}

void format_float(std::string& out, const FormatSpec& spec, double value) {
  bool upper = is_upper(static_cast<unsigned char>(spec.conversion));
  // inf and nan print canonically: no zero padding, nan never signed '-'.
  if (!std::isfinite(value)) {
    std::string_view sign;
    if (std::isnan(value)) {
      sign = spec.space ? " " : "";
    } else {
      sign = sign_of(spec, value < 0);
    }
    std::string_view word = std::isnan(value) ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf");
    pad_field(out, spec, sign, word, false);
    return;
  }
  std::string prefix(sign_of(spec, std::signbit(value)));
  std::string body;
  double magnitude = std::fabs(value);
  if (to_lower(static_cast<unsigned char>(spec.conversion)) == 'a') {
    prefix.append(upper ? "0X" : "0x");
    hex_body(body, spec, magnitude);
  } else {
    decimal_body(body, spec, magnitude);
  }
  pad_field(out, spec, prefix, body, true);
}

void format_quoted(std::string& out, std::string_view text) {
  out.push_back('"');
  for (size_t i = 0; i < text.size(); i++) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\' || c == '\n') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (is_cntrl(c)) {
      // \ddd shortened to \d or \dd unless a digit follows.
      bool digit_follows = i + 1 < text.size() && is_digit(static_cast<unsigned char>(text[i + 1]));
      out.push_back('\\');
      if (c >= 100 || digit_follows) out.push_back(static_cast<char>('0' + c / 100));
      if (c >= 10 || digit_follows) out.push_back(static_cast<char>('0' + c / 10 % 10));
      out.push_back(static_cast<char>('0' + c % 10));
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('"');
}

void format_string(std::string& out, const FormatSpec& spec, std::string_view text) {
  if (spec.precision >= 0 && static_cast<size_t>(spec.precision) < text.size())
    text = text.substr(0, static_cast<size_t>(spec.precision));
  pad_field(out, spec, "", text, false);
}

void format_char(std::string& out, const FormatSpec& spec, double value) {
  char c = static_cast<char>(to_int32_like_x86(value));
  pad_field(out, spec, "", std::string_view(&c, 1), false);
}

void format_pointer(std::string& out, uintptr_t address) {
  if (address == 0) {
    out.append("NULL");
    return;
  }
  // 8 hex digits, or more when the high half is in use.
  uint64_t x = address;
  int high_bits = 64 - std::countl_zero(x >> 32);  // bit length of the high half
  int hex_digits = 8 + (high_bits ? 2 + 2 * ((high_bits - 1) >> 3) : 0);
  out.append("0x");
  for (int k = hex_digits - 1; k >= 0; k--) out.push_back("0123456789abcdef"[(x >> (4 * k)) & 15]);
}

std::string FormatError::message(std::string_view function_name) const {
  std::string text(error_text(error));
  size_t slot = text.find("%s");
  if (slot != std::string::npos) text.replace(slot, 2, detail);
  if (error == Error::kFormatInvalidOption) return text;
  return "bad argument #" + std::to_string(argument) + " to '" + std::string(function_name) +
         "' (" + text + ")";
}

namespace {

// Parses one conversion after its '%' at fmt[i]; false on an invalid one,
// leaving i where the reference's error excerpt stops.
bool parse_spec(std::string_view fmt, size_t& i, FormatSpec& spec) {
  auto at = [&](size_t k) { return k < fmt.size() ? static_cast<unsigned char>(fmt[k]) : 0; };
  for (;; i++) {
    unsigned char c = at(i);
    if (c == '-') spec.left = true;
    else if (c == '+') spec.plus = true;
    else if (c == '0') spec.zero = true;
    else if (c == ' ') spec.space = true;
    else if (c == '#') spec.alternate = true;
    else break;
  }
  for (int n = 0; n < 2 && is_digit(at(i)); n++) spec.width = spec.width * 10 + (at(i++) - '0');
  if (at(i) == '.') {
    i++;
    spec.precision = 0;
    for (int n = 0; n < 2 && is_digit(at(i)); n++)
      spec.precision = spec.precision * 10 + (at(i++) - '0');
  }
  unsigned char c = at(i);
  if (std::strchr("aAcdeEfFgGiopqsuxX", c) != nullptr && c != 0) {
    spec.conversion = static_cast<char>(c);
    i++;
    return true;
  }
  if (c >= 32) i++;
  return false;
}

// Converts one argument for a parsed spec.
FormatError convert(std::string& out, const FormatSpec& spec, FormatArgs& args, int index) {
  int lua_argument = index + 2;
  if (index >= args.size()) return FormatError{Error::kFormatValueExpected, lua_argument, ""};
  switch (spec.conversion) {
    case 's': format_string(out, spec, args.text(index)); return {};
    case 'q': format_quoted(out, args.text(index)); return {};
    case 'p': format_pointer(out, args.pointer(index)); return {};
    default: break;
  }
  std::optional<double> number = args.number(index);
  if (!number)
    return FormatError{Error::kFormatNumberExpected, lua_argument, args.type_name(index)};
  switch (spec.conversion) {
    case 'c': format_char(out, spec, *number); break;
    case 'd': case 'i': case 'o': case 'u': case 'x': case 'X':
      format_integer(out, spec, *number);
      break;
    default: format_float(out, spec, *number); break;
  }
  return {};
}

}  // namespace

FormatResult format(std::string_view fmt, FormatArgs& args) {
  FormatResult result;
  result.text.reserve(fmt.size() + 16);
  int next_argument = 0;
  size_t i = 0;
  while (i < fmt.size()) {
    size_t percent = fmt.find('%', i);
    if (percent == std::string_view::npos) percent = fmt.size();
    result.text.append(fmt.substr(i, percent - i));
    if (percent >= fmt.size()) break;
    if (percent + 1 < fmt.size() && fmt[percent + 1] == '%') {
      result.text.push_back('%');
      i = percent + 2;
      continue;
    }
    // A conversion: parse it, then convert the next argument.
    FormatSpec spec;
    i = percent + 1;
    if (!parse_spec(fmt, i, spec)) {
      result.error = FormatError{Error::kFormatInvalidOption, 0,
                                 std::string(fmt.substr(percent, i - percent))};
      return result;
    }
    result.error = convert(result.text, spec, args, next_argument++);
    if (!result.ok()) return result;
  }
  return result;
}

}  // namespace lj::strlib
