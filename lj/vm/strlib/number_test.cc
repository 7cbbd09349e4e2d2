// Unit tests of number <-> string conversion, checked against luajit.
#include "lj/vm/strlib/number.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"

namespace lj::strlib {
namespace {

std::string tonum(std::string_view s) {
  std::optional<double> v = string_to_number(s);
  return v ? number_to_string(*v) : "nil";
}

std::string tonum_base(std::string_view s, int base) {
  std::optional<double> v = string_to_number_base(s, base);
  return v ? number_to_string(*v) : "nil";
}

TEST(NumberToString, PrintsAsLuajitTostring) {
  EXPECT_EQ(number_to_string(0), "0");
  EXPECT_EQ(number_to_string(-0.0), "-0");
  EXPECT_EQ(number_to_string(1e15), "1e+15");
  EXPECT_EQ(number_to_string(1e14), "1e+14");
  EXPECT_EQ(number_to_string(99999999999999), "99999999999999");
  EXPECT_EQ(number_to_string(123456789012345678.0), "1.2345678901235e+17");
  EXPECT_EQ(number_to_string(9007199254740992.0), "9.007199254741e+15");
  EXPECT_EQ(number_to_string(-9223372036854775808.0), "-9.2233720368548e+18");
  EXPECT_EQ(number_to_string(0.1), "0.1");
  EXPECT_EQ(number_to_string(1.0 / 3), "0.33333333333333");
  EXPECT_EQ(number_to_string(-1.0 / 3), "-0.33333333333333");
  EXPECT_EQ(number_to_string(5e-324), "4.9406564584125e-324");
  EXPECT_EQ(number_to_string(1e-4), "0.0001");
  EXPECT_EQ(number_to_string(1e-5), "1e-05");
  EXPECT_EQ(number_to_string(123.456), "123.456");
  EXPECT_EQ(number_to_string(HUGE_VAL), "inf");
  EXPECT_EQ(number_to_string(-HUGE_VAL), "-inf");
  EXPECT_EQ(number_to_string(std::numeric_limits<double>::quiet_NaN()), "nan");
  EXPECT_EQ(number_to_string(-std::numeric_limits<double>::quiet_NaN()), "nan");
}

TEST(NumberToString, ExactTiesRoundHalfUp) {
  // 123456789012345 has 15 digits; the 14-digit cut is an exact tie.
  EXPECT_EQ(number_to_string(123456789012345.0), "1.2345678901235e+14");
  EXPECT_EQ(number_to_string(100000000000002.5 * 10), "1e+15");
  EXPECT_EQ(round_decimal(0.5, 0).digits, "1");
  EXPECT_EQ(round_decimal(2.5, 0).digits, "3");
  EXPECT_EQ(round_decimal(0.25, -1).digits, "3");
  // 1.005 is really 1.00499999999999989...: not a tie, rounds down.
  EXPECT_EQ(round_decimal(1.005, -2).digits, "1");
  EXPECT_EQ(round_decimal(9.96, -1).digits, "1");
  EXPECT_EQ(round_decimal(9.96, -1).exponent, 1);
  EXPECT_TRUE(round_decimal(0.004, -2).digits.empty());
  EXPECT_EQ(decimal_exponent(1e23), 22);  // 1e23 is just below 10^23
  EXPECT_EQ(decimal_exponent(1), 0);
  EXPECT_EQ(decimal_exponent(0.999), -1);
}

TEST(StringToNumber, AcceptsWhatLuajitAccepts) {
  EXPECT_EQ(tonum("10"), "10");
  EXPECT_EQ(tonum(" 10 "), "10");
  EXPECT_EQ(tonum("\t\n12\v\f\r"), "12");
  EXPECT_EQ(tonum("0x10"), "16");
  EXPECT_EQ(tonum("0X1p4"), "16");
  EXPECT_EQ(tonum("0x.8"), "0.5");
  EXPECT_EQ(tonum("0x1P-2"), "0.25");
  EXPECT_EQ(tonum("0x1.8p1"), "3");
  EXPECT_EQ(tonum("0x1.fffffffffffffffffp0"), "2");
  EXPECT_EQ(tonum("-0x10"), "-16");
  EXPECT_EQ(tonum("+5"), "5");
  EXPECT_EQ(tonum("1."), "1");
  EXPECT_EQ(tonum(".5"), "0.5");
  EXPECT_EQ(tonum("1E-2"), "0.01");
  EXPECT_EQ(tonum("00012"), "12");
  EXPECT_EQ(tonum("1e400"), "inf");
  EXPECT_EQ(tonum("-1e400"), "-inf");
  EXPECT_EQ(tonum("1e-400"), "0");
  EXPECT_EQ(tonum("0xffffffffffffffffff"), "4.7223664828696e+21");
  EXPECT_EQ(tonum("inf"), "inf");
  EXPECT_EQ(tonum("-inf"), "-inf");
  EXPECT_EQ(tonum("  INFINITY  "), "inf");
  EXPECT_EQ(tonum("NaN"), "nan");
  EXPECT_EQ(tonum("-0"), "-0");
  // LuaJIT's binary literals.
  EXPECT_EQ(tonum("0b101"), "5");
  EXPECT_EQ(tonum(" 0B11 "), "3");
  EXPECT_EQ(tonum("-0b101"), "-5");
  EXPECT_EQ(tonum("0b11111111111111111111111111111111111"), "34359738367");
  // The largest exponent LuaJIT's scanner takes (one more is no number).
  EXPECT_EQ(tonum("1e1048575"), "inf");
  EXPECT_EQ(tonum("1e-01048575"), "0");
  EXPECT_EQ(tonum("0x1p+1048575"), "inf");
  EXPECT_EQ(tonum("10e1048575"), "inf");
}

TEST(StringToNumber, RejectsWhatLuajitRejects) {
  for (std::string_view bad : {"", " ", "0x", "1e", "1e+", " 0x ", "..1", "- 5", "1 2", "1__",
                               "0b", "0b2", "0b1.1", "0b1e1", "0b1p2", "1f", "1.5e3.2", "nan(1)", "infx", "0x.p1", "0x1p", ".",
                               "1e1048576", "1e-1048576", "0x1p1048576", "1e00001048576", "1e40012345", "0.1e1048576"}) {
    EXPECT_EQ(tonum(bad), "nil") << bad;
  }
  EXPECT_EQ(tonum(std::string_view("12\0", 3)), "nil");
}

TEST(StringToNumber, WithABase) {
  EXPECT_EQ(tonum_base("10", 2), "2");
  EXPECT_EQ(tonum_base("ff", 16), "255");
  EXPECT_EQ(tonum_base("FF", 16), "255");
  EXPECT_EQ(tonum_base("zz", 36), "1295");
  EXPECT_EQ(tonum_base(" 11 ", 2), "3");
  EXPECT_EQ(tonum_base("-11", 2), "-3");
  EXPECT_EQ(tonum_base("12", 2), "nil");
  EXPECT_EQ(tonum_base("", 16), "nil");
  EXPECT_EQ(tonum_base("0x10", 16), "16");
  EXPECT_EQ(tonum_base("0x", 16), "nil");
  EXPECT_EQ(tonum_base("  -0x1f  ", 16), "-31");
  EXPECT_EQ(tonum_base("- 1", 16), "nil");
  EXPECT_EQ(tonum_base("1e1", 16), "481");
  EXPECT_EQ(tonum_base("1e1", 10), "10");
  EXPECT_EQ(tonum_base("0x1", 10), "1");
  EXPECT_EQ(tonum_base("ffffffffffffffffffff", 16), "1.844674407371e+19");
  EXPECT_EQ(tonum_base(std::string_view("1\0", 2), 16), "1");  // a C string
  EXPECT_EQ(tonum_base(std::string_view("1\0", 2), 10), "nil");
  EXPECT_EQ(tonum_base("-0", 16), "-0");
  EXPECT_TRUE(base_in_range(2));
  EXPECT_TRUE(base_in_range(36));
  EXPECT_FALSE(base_in_range(1));
  EXPECT_FALSE(base_in_range(37));
}

}  // namespace
}  // namespace lj::strlib
