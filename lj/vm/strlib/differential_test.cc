// Differential property test: random subjects, patterns, replacement
// strings, format strings and numbers go through this library and through
// Debian's luajit (batched, one process per batch); results must be equal
// byte for byte, errors included.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "lj/vm/strlib/format.h"
#include "lj/vm/strlib/luajit_batch.h"
#include "lj/vm/strlib/number.h"
#include "lj/vm/strlib/pattern.h"
#include "rapidcheck.h"

namespace lj::strlib::testing {
namespace {

// Generators ---------------------------------------------------------------

// A string assembled from pieces (the pieces make interesting cases likely).
rc::Gen<std::string> gen_from_pieces(std::vector<std::string> pieces, int max_pieces) {
  return rc::gen::map(
      rc::gen::container<std::vector<std::string>>(rc::gen::elementOf(pieces)),
      [max_pieces](const std::vector<std::string>& parts) {
        std::string out;
        for (size_t i = 0; i < parts.size() && static_cast<int>(i) < max_pieces; i++) out += parts[i];
        return out;
      });
}

rc::Gen<std::string> gen_subject() {
  return gen_from_pieces({"a", "b", "c", "a", "b", " ", "1", "2", "(", ")", "_", ".", "%",
                          std::string(1, '\0'), "\n", "[", "]", "A", "Z", "-", "\xe9", "?", "@",
                          "\x80", "\xff"},
                         24);
}

rc::Gen<std::string> gen_pattern() {
  return gen_from_pieces(
      {"a", "b", "c", ".", "%a", "%d", "%s", "%w", "%p", "%l", "%u", "%x", "%c", "%A", "%S",
       "%W", "%%", "%.", "%z", "%(", "[abc]", "[^a]", "[a-c]", "[%d_]", "[]]", "[^]a]", "[a-]",
       "[%a-z]", "[?-A]", "[\x80-\xff]", "[^%s%p]", "[z-a]", "[%W-]", "*", "+", "-", "?",
       "*", "+", "-", "?", "(", ")", "()", "^", "$", "%b()",
       "%bab", "%f[%w]", "%f[^a]", "%f[%s]", "%1", "%2", "[", "%", " ", "1", "%f", "%b",
       "%0", "%9", std::string(1, '\0'), "(a)", "(.-)", "(%w+)"},
      10);
}

rc::Gen<std::string> gen_replacement() {
  return gen_from_pieces({"x", "%0", "%1", "%2", "%%", "%", "%a", "-", "%3"}, 5);
}

// Doubles that exercise rounding, ties, extremes and the integer paths.
rc::Gen<double> gen_number() {
  static const std::vector<double> kInteresting = {
      0.0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.05, 0.25, 0.125, 1e15, 1e14, 123456789012345.0,
      1.0 / 3, 9007199254740992.0, 9223372036854775808.0, -9223372036854775808.0,
      18446744073709551616.0, 1e300, 5e-324, 2.2250738585072014e-308, HUGE_VAL, -HUGE_VAL,
      std::numeric_limits<double>::quiet_NaN(), 255, -1, 3.7, -3.7, 0.1, 1e-5, 1e21, 9.5,
      99.5, 1e100, 65, 97.9, -190, 4294967362.0, 1e-4, 0.00015, 1.005, 2147483648.0};
  return rc::gen::oneOf(
      rc::gen::elementOf(kInteresting),
      rc::gen::map(rc::gen::inRange(-100000, 100000), [](int k) { return k / 8.0; }),
      rc::gen::map(rc::gen::inRange(-100000, 100000), [](int k) { return k / 1000.0; }),
      rc::gen::map(rc::gen::tuple(rc::gen::inRange(1, 1000000), rc::gen::inRange(-30, 30)),
                   [](std::tuple<int, int> t) {
                     return std::get<0>(t) * std::pow(10.0, std::get<1>(t));
                   }),
      rc::gen::map(rc::gen::arbitrary<uint64_t>(), [](uint64_t bits) {
        double d;
        std::memcpy(&d, &bits, sizeof(d));
        return d;
      }));
}

// Lua source that evaluates to exactly this double.
std::string lua_number(double v) {
  if (std::isnan(v)) return "(0/0)";
  if (std::isinf(v)) return v > 0 ? "(1/0)" : "(-1/0)";
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%a", v);
  return "tonumber(" + lua_string(buffer) + ")";
}

// A format string with one conversion (sometimes invalid) in some text.
rc::Gen<std::string> gen_format() {
  return rc::gen::map(
      rc::gen::tuple(rc::gen::elementOf(std::vector<std::string>{"", "x", "%%", "a b "}),
                     gen_from_pieces({"-", "+", " ", "#", "0"}, 3),
                     rc::gen::elementOf(std::vector<std::string>{"", "", "5", "12", "1", "20", "123"}),
                     rc::gen::elementOf(std::vector<std::string>{"", "", ".", ".0", ".3", ".14", ".17", ".99", ".123"}),
                     rc::gen::elementOf(std::vector<std::string>{
                         "d", "i", "u", "c", "x", "X", "o", "e", "E", "f", "g", "G", "a", "A",
                         "q", "s", "d", "f", "g", "y", "", "%", "F", "\n"}),
                     rc::gen::elementOf(std::vector<std::string>{"", "!", "%"})),
      [](const std::tuple<std::string, std::string, std::string, std::string, std::string,
                          std::string>& t) {
        auto [before, flags, width, precision, conversion, after] = t;
        return before + "%" + flags + width + precision + conversion + after;
      });
}

// Arguments as the VM would present a number or a string.
class OneArgument : public FormatArgs {
 public:
  OneArgument(std::optional<double> number, std::string text)
      : number_(number), text_(std::move(text)) {}
  int size() const override { return 1; }
  std::optional<double> number(int) override {
    return number_ ? number_ : string_to_number(text_);
  }
  std::string text(int) override { return number_ ? number_to_string(*number_) : text_; }
  std::string type_name(int) override { return number_ ? "number" : "string"; }
  uintptr_t pointer(int) override { return 0; }

 private:
  std::optional<double> number_;
  std::string text_;
};

std::string expect_format(const std::string& fmt, OneArgument& arg) {
  FormatResult r = format(fmt, arg);
  if (!r.ok()) return encode_error(r.error.message("?"));
  return "true " + encode_string(r.text);
}

// Runs a batch and reports each mismatch; true if all agree.
bool agree(const std::vector<LuaCase>& cases) {
  std::vector<LuaMismatch> mismatches = run_batch(cases);
  for (const LuaMismatch& m : mismatches)
    RC_LOG() << m.c.lua << "\n  expected " << m.c.expected << "\n  luajit   " << m.actual << "\n";
  return mismatches.empty();
}

constexpr int kBatch = 100;

TEST(Differential, PatternsAgreeWithLuajit) {
  if (!luajit_path()) GTEST_SKIP() << "luajit not installed";
  auto gen_case = rc::gen::map(
      rc::gen::tuple(gen_subject(), gen_pattern(), rc::gen::inRange(-8, 10), gen_replacement(),
                     rc::gen::inRange(-1, 5), rc::gen::inRange(0, 5)),
      [](const std::tuple<std::string, std::string, int, std::string, int, int>& t) {
        auto [s, p, init, repl, max_n, op] = t;
        std::string S = lua_string(s), P = lua_string(p), I = std::to_string(init);
        switch (op) {
          case 0: return LuaCase{"R(pcall(string.find, " + S + ", " + P + ", " + I + "))",
                                 expect_find(s, p, init, false)};
          case 1: return LuaCase{"R(pcall(string.find, " + S + ", " + P + ", " + I + ", true))",
                                 expect_find(s, p, init, true)};
          case 2: return LuaCase{"R(pcall(string.match, " + S + ", " + P + ", " + I + "))",
                                 expect_match(s, p, init)};
          case 3: return LuaCase{"G(" + S + ", " + P + ")", expect_gmatch(s, p)};
          case 4: return LuaCase{"R(pcall(string.gsub, " + S + ", " + P + ", " +
                                     lua_string(repl) + "))",
                                 expect_gsub(s, p, repl, static_cast<int64_t>(s.size()) + 1)};
          default: return LuaCase{"R(pcall(string.gsub, " + S + ", " + P + ", " +
                                      lua_string(repl) + ", " + std::to_string(max_n) + "))",
                                  expect_gsub(s, p, repl, max_n)};
        }
      });
  EXPECT_TRUE(rc::check("patterns", [&] {
    auto cases = *rc::gen::container<std::vector<LuaCase>>(kBatch, gen_case);
    RC_ASSERT(agree(cases));
  }));
}

TEST(Differential, FormatAgreesWithLuajit) {
  if (!luajit_path()) GTEST_SKIP() << "luajit not installed";
  auto gen_case = rc::gen::map(
      rc::gen::tuple(gen_format(), gen_number(), gen_subject(), rc::gen::inRange(0, 4)),
      [](const std::tuple<std::string, double, std::string, int>& t) {
        auto [fmt, number, text, kind] = t;
        if (kind == 0) {  // a string argument (numeric strings coerce)
          OneArgument arg(std::nullopt, text);
          return LuaCase{"R(pcall(string.format, " + lua_string(fmt) + ", " + lua_string(text) + "))",
                         expect_format(fmt, arg)};
        }
        OneArgument arg(number, "");
        return LuaCase{"R(pcall(string.format, " + lua_string(fmt) + ", " + lua_number(number) + "))",
                       expect_format(fmt, arg)};
      });
  EXPECT_TRUE(rc::check("format", [&] {
    auto cases = *rc::gen::container<std::vector<LuaCase>>(kBatch, gen_case);
    RC_ASSERT(agree(cases));
  }));
}

// Several arguments of either kind, to go with several conversions.
class ManyArguments : public FormatArgs {
 public:
  explicit ManyArguments(std::vector<OneArgument> args) : args_(std::move(args)) {}
  int size() const override { return static_cast<int>(args_.size()); }
  std::optional<double> number(int i) override { return args_[i].number(0); }
  std::string text(int i) override { return args_[i].text(0); }
  std::string type_name(int i) override { return args_[i].type_name(0); }
  uintptr_t pointer(int) override { return 0; }

 private:
  std::vector<OneArgument> args_;
};

TEST(Differential, FormatWithSeveralConversionsAgreesWithLuajit) {
  if (!luajit_path()) GTEST_SKIP() << "luajit not installed";
  auto gen_case = rc::gen::map(
      rc::gen::tuple(gen_format(), gen_format(), gen_format(), gen_number(), gen_number(),
                     gen_subject(), rc::gen::inRange(0, 4)),
      [](const std::tuple<std::string, std::string, std::string, double, double, std::string, int>& t) {
        auto [f1, f2, f3, n1, n2, text, count] = t;
        std::string fmt = f1 + f2 + f3;
        // Up to three arguments: two numbers and a string, fewer to test "value expected".
        std::vector<OneArgument> args;
        std::string lua = "R(pcall(string.format, " + lua_string(fmt);
        if (count > 0) args.emplace_back(n1, ""), lua += ", " + lua_number(n1);
        if (count > 1) args.emplace_back(n2, ""), lua += ", " + lua_number(n2);
        if (count > 2) args.emplace_back(std::nullopt, text), lua += ", " + lua_string(text);
        ManyArguments many(std::move(args));
        FormatResult r = format(fmt, many);
        std::string expected =
            r.ok() ? "true " + encode_string(r.text) : encode_error(r.error.message("?"));
        return LuaCase{lua + "))", expected};
      });
  EXPECT_TRUE(rc::check("format with several conversions", [&] {
    auto cases = *rc::gen::container<std::vector<LuaCase>>(kBatch, gen_case);
    RC_ASSERT(agree(cases));
  }));
}

TEST(Differential, NumbersAgreeWithLuajit) {
  if (!luajit_path()) GTEST_SKIP() << "luajit not installed";
  auto gen_numeric_text = gen_from_pieces(
      {" ", "\t", "-", "+", "0", "1", "9", "5", ".", "e", "E", "x", "X", "p", "P", "a", "f",
       "F", "z", "inf", "nan", "INF", "infinity", "0x", "1e", "e-", "e+", std::string(1, '\0'), "_"},
      8);
  auto gen_case = rc::gen::map(
      rc::gen::tuple(gen_number(), gen_numeric_text, rc::gen::inRange(2, 37), rc::gen::inRange(0, 3)),
      [](const std::tuple<double, std::string, int, int>& t) {
        auto [number, text, base, kind] = t;
        auto encode = [](std::optional<double> v) { return v ? encode_number(*v) : std::string("nil"); };
        if (kind == 0)
          return LuaCase{"R(tostring(" + lua_number(number) + "))",
                         encode_string(number_to_string(number))};
        if (kind == 1)
          return LuaCase{"R(tonumber(" + lua_string(text) + "))", encode(string_to_number(text))};
        return LuaCase{"R(tonumber(" + lua_string(text) + ", " + std::to_string(base) + "))",
                       encode(string_to_number_base(text, base))};
      });
  EXPECT_TRUE(rc::check("numbers", [&] {
    auto cases = *rc::gen::container<std::vector<LuaCase>>(kBatch, gen_case);
    RC_ASSERT(agree(cases));
  }));
}

}  // namespace
}  // namespace lj::strlib::testing
