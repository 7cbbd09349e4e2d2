// Unit tests of string.format, every expectation checked against luajit.
#include "lj/vm/strlib/format.h"

#include <cmath>
#include <limits>
#include <variant>
#include <vector>

#include "gtest/gtest.h"
#include "lj/vm/strlib/number.h"

namespace lj::strlib {
namespace {

// Arguments given as numbers, strings or "nil" (std::monostate).
using Arg = std::variant<std::monostate, double, std::string>;

class TestArgs : public FormatArgs {
 public:
  explicit TestArgs(std::vector<Arg> args) : args_(std::move(args)) {}
  int size() const override { return static_cast<int>(args_.size()); }
  std::optional<double> number(int i) override {
    if (auto* d = std::get_if<double>(&args_[i])) return *d;
    if (auto* s = std::get_if<std::string>(&args_[i])) return string_to_number(*s);
    return std::nullopt;
  }
  std::string text(int i) override {
    if (auto* d = std::get_if<double>(&args_[i])) return number_to_string(*d);
    if (auto* s = std::get_if<std::string>(&args_[i])) return *s;
    return "nil";
  }
  std::string type_name(int i) override {
    return args_[i].index() == 0 ? "nil" : args_[i].index() == 1 ? "number" : "string";
  }
  uintptr_t pointer(int) override { return 0x7fed2dac0a30; }

 private:
  std::vector<Arg> args_;
};

std::string fmt(std::string_view f, std::vector<Arg> args = {}) {
  TestArgs a(std::move(args));
  FormatResult r = format(f, a);
  return r.ok() ? r.text : "ERR " + r.error.message();
}

constexpr double kInf = HUGE_VAL;
const double kNan = std::numeric_limits<double>::quiet_NaN();

TEST(Format, IntegersFollowTheReferencesConversions) {
  EXPECT_EQ(fmt("%d", {3.7}), "3");
  EXPECT_EQ(fmt("%d", {-3.7}), "-3");
  EXPECT_EQ(fmt("%d", {1e100}), "-9223372036854775808");
  EXPECT_EQ(fmt("%d", {kInf}), "-9223372036854775808");
  EXPECT_EQ(fmt("%d", {kNan}), "-9223372036854775808");
  EXPECT_EQ(fmt("%x", {-1.0}), "ffffffffffffffff");
  EXPECT_EQ(fmt("%x", {-1.5}), "ffffffffffffffff");
  EXPECT_EQ(fmt("%x", {9007199254740992.0}), "20000000000000");
  EXPECT_EQ(fmt("%x", {18446744073709551616.0}), "0");
  EXPECT_EQ(fmt("%u", {-1.0}), "18446744073709551615");
  EXPECT_EQ(fmt("%o", {-8.0}), "1777777777777777777770");
  EXPECT_EQ(fmt("%i|%d", {5.0, std::string("10")}), "5|10");
}

TEST(Format, IntegerFlagsWidthAndPrecision) {
  EXPECT_EQ(fmt("%5.2d|%-5.3x|%+x|% o|%#X|%#o|%.0d|%.0x|%#.0o|%05d|%-05d|%+05d|%.3d",
                {7.0, 255.0, 5.0, 8.0, 255.0, 0.0, 0.0, 0.0, 0.0, -3.0, 3.0, 3.0, -7.0}),
            "   07|0ff  |5|10|0XFF|0|||0|-0003|3    |+0003|-007");
  EXPECT_EQ(fmt("%--5d|", {1.0}), "1    |");  // repeated flags are fine in 2.1
  EXPECT_EQ(fmt("%#x|%#x", {0.0, 255.0}), "0|0xff");
}

TEST(Format, FloatsRoundTiesHalfUp) {
  EXPECT_EQ(fmt("%.0f|%.0f|%.0f|%.1f", {0.5, 1.5, 2.5, 0.25}), "1|2|3|0.3");
  EXPECT_EQ(fmt("%.14g", {123456789012345.0}), "1.2345678901235e+14");
  EXPECT_EQ(fmt("%.2e", {1.005}), "1.00e+00");
  EXPECT_EQ(fmt("%.3f|%.0f|%.0f", {-0.0005, -0.5, 1e22}), "-0.001|-1|10000000000000000000000");
}

TEST(Format, FloatLayouts) {
  EXPECT_EQ(fmt("%5.2f|%08.3f|%-10.2f|", {3.14159, -3.14159, 1.5}), " 3.14|-003.142|1.50      |");
  EXPECT_EQ(fmt("%g|%g|%g|%g", {1e15, 100000.0, 1e-5, 0.0001}), "1e+15|100000|1e-05|0.0001");
  EXPECT_EQ(fmt("%#g|%#.0f|%#.0e|%+.3g|% .3g", {1.0, 3.0, 3.0, 2.0, 2.0}),
            "1.00000|3.|3.e+00|+2| 2");
  EXPECT_EQ(fmt("%#5.3g", {1.0}), " 1.00");
  EXPECT_EQ(fmt("%.0e|%e|%E", {12345.0, 0.0, 1.5}), "1e+04|0.000000e+00|1.500000E+00");
  EXPECT_EQ(fmt("%.17g|%.3g|%g", {0.1, 0.0001235, 5e-324}),
            "0.10000000000000001|0.000123|4.94066e-324");
  EXPECT_EQ(fmt("%.20f", {0.1}), "0.10000000000000000555");
  EXPECT_EQ(fmt("%F", {1.5}), "1.500000");
}

TEST(Format, InfinityAndNan) {
  EXPECT_EQ(fmt("%f %g %e", {kInf, -kInf, kNan}), "inf -inf nan");
  EXPECT_EQ(fmt("%f %g %e", {-kNan, kNan, kInf}), "nan nan inf");
  EXPECT_EQ(fmt("%5.1F|%F|%+f|% f|%05f|%-5f|", {kInf, kNan, kInf, kNan, kInf, kInf}),
            "  INF|NAN|+inf| nan|  inf|inf  |");
  EXPECT_EQ(fmt("%d", {kNan}), "-9223372036854775808");
}

TEST(Format, HexFloats) {
  EXPECT_EQ(fmt("%a|%A|%.3a|%.0a|%+a|%#a|%020a|%.20a", {0.1, 0.1, 0.1, 0.1, 0.1, 1.0, 1.0, 0.1}),
            "0x1.999999999999ap-4|0X1.999999999999AP-4|0x1.99ap-4|0x2p-4|+0x1.999999999999ap-4|"
            "0x1.p+0|0x000000000000001p+0|0x1.999999999999a0000000p-4");
  EXPECT_EQ(fmt("%a|%a|%a", {0.0, -0.0, 5e-324}), "0x0p+0|-0x0p+0|0x1p-1074");
  EXPECT_EQ(fmt("%.0a|%.0a|%.1a|%.1a|%.0a", {1.5, 2.5, 0x1.08p0, 0x1.18p0, 0x1.7p0}),
            "0x2p+0|0x1p+1|0x1.1p+0|0x1.2p+0|0x1p+0");
}

TEST(Format, QuotedStrings) {
  EXPECT_EQ(fmt("%q", {std::string("a\0b\n\r\t\"\\\1\0012\xff", 12)}),
            "\"a\\0b\\\n\\13\\9\\\"\\\\\\1\\0012\xff\"");
  EXPECT_EQ(fmt("%q|%q", {1.0, kInf}), "\"1\"|\"inf\"");
  EXPECT_EQ(fmt("%q", {std::string("\x7f" "1")}), "\"\\1271\"");
}

TEST(Format, StringsCharsAndPointers) {
  EXPECT_EQ(fmt("%s", {std::string("a\0b", 3)}), std::string("a\0b", 3));
  EXPECT_EQ(fmt("%.2s|%5s|%-5s|%5.3s|", {std::string("abc"), std::string("ab"), std::string("ab"),
                                           std::string("abcdef")}),
            "ab|   ab|ab   |  abc|");
  EXPECT_EQ(fmt("%s|%s", {std::monostate{}, 2.5}), "nil|2.5");
  EXPECT_EQ(fmt("%c|%c|%5c|%-3c|", {65.7, 321.0, 66.0, 67.0}), "A|A|    B|C  |");
  EXPECT_EQ(fmt("%c", {4294967362.0}), std::string("\0", 1));
  EXPECT_EQ(fmt("%p", {0.0}), "0x7fed2dac0a30");
  std::string out;
  format_pointer(out, 0);
  format_pointer(out, 0x1234);
  EXPECT_EQ(out, "NULL0x00001234");
}

TEST(Format, Errors) {
  EXPECT_EQ(fmt("%y", {1.0}), "ERR invalid option '%y' to 'format'");
  EXPECT_EQ(fmt("%123d", {1.0}), "ERR invalid option '%123' to 'format'");
  EXPECT_EQ(fmt("%1.123d", {1.0}), "ERR invalid option '%1.123' to 'format'");
  EXPECT_EQ(fmt("%", {}), "ERR invalid option '%' to 'format'");
  EXPECT_EQ(fmt("%5", {}), "ERR invalid option '%5' to 'format'");
  EXPECT_EQ(fmt("abc%", {}), "ERR invalid option '%' to 'format'");
  EXPECT_EQ(fmt("%5%d", {}), "ERR invalid option '%5%' to 'format'");
  EXPECT_EQ(fmt("%d", {std::string("x")}),
            "ERR bad argument #2 to 'format' (number expected, got string)");
  EXPECT_EQ(fmt("%s %d", {std::string("x")}), "ERR bad argument #3 to 'format' (value expected)");
  EXPECT_EQ(fmt("%d", {std::monostate{}}),
            "ERR bad argument #2 to 'format' (number expected, got nil)");
  EXPECT_EQ(fmt("%%|%5.1f%%", {1.25}), "%|  1.3%");
}

}  // namespace
}  // namespace lj::strlib
