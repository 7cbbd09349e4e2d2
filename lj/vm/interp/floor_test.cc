// floor.h: the roundsd floor and Lua's modulo against glibc's floor and
// the reference formula, on random doubles and the edge cases.
#include "lj/vm/interp/floor.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace lj::interp {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

// Doubles where floor and modulo are easy to get wrong, then random ones of
// every kind: any bit pattern, integers small and large, fractions.
double any_operand() {
  switch (*rc::gen::inRange(0, 6)) {
    case 0:
      return *rc::gen::element(0.0, -0.0, kInf, -kInf, kNan, -kNan, std::numeric_limits<double>::denorm_min(),
                               -std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::max(),
                               -std::numeric_limits<double>::max(), 0.5, -0.5, 1.0, -1.0, 0x1p52, -0x1p52,
                               0x1p52 + 1, 0x1p53, 0x1p52 - 0.5, -(0x1p52 - 0.5), 0.49999999999999994,
                               -0.49999999999999994, 2147483647.0, -2147483648.0);
    case 1: return std::bit_cast<double>(*rc::gen::arbitrary<uint64_t>());
    case 2: return static_cast<double>(*rc::gen::arbitrary<int32_t>());
    case 3: return static_cast<double>(*rc::gen::arbitrary<int64_t>());
    case 4: return *rc::gen::arbitrary<int32_t>() / 8.0;
    default: return *rc::gen::arbitrary<double>();
  }
}

// The same double, or both NaN (TValues hold one NaN; payloads don't matter).
bool same_number(double a, double b) {
  return std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b) || (std::isnan(a) && std::isnan(b));
}

// The formula of Lua 5.1 and LuaJIT, with glibc's floor.
double reference_modulo(double a, double b) { return a - std::floor(a / b) * b; }

RC_GTEST_PROP(Floor, FloorNumberMatchesLibm, ()) {
  double x = any_operand();
  RC_ASSERT(same_number(floor_number(x), std::floor(x)));
}

RC_GTEST_PROP(Floor, ModuloMatchesReferenceFormula, ()) {
  double a = any_operand(), b = any_operand();
  RC_ASSERT(same_number(lua_modulo(a, b), reference_modulo(a, b)));
}

TEST(Floor, RoundsdMatchesLibmOnEdgeCases) {
  if (!kCpuHasRoundsd) GTEST_SKIP() << "no SSE4.1: floor_number uses glibc's floor";
  for (double x : {0.0, -0.0, kInf, -kInf, 0.5, -0.5, -1.5, 0x1p52 - 0.5, -(0x1p52 - 0.5), 1e300, -1e-300}) {
    EXPECT_EQ(std::bit_cast<uint64_t>(floor_by_roundsd(x)), std::bit_cast<uint64_t>(std::floor(x))) << x;
  }
  // The canonical NaN stays itself (the interpreter stores MOD's result unchecked).
  EXPECT_EQ(std::bit_cast<uint64_t>(floor_by_roundsd(kNan)), std::bit_cast<uint64_t>(kNan));
}

// Results luajit -joff prints for these expressions.
TEST(Floor, ModuloAsLuaJit) {
  EXPECT_EQ(lua_modulo(5, -3), -1);
  EXPECT_EQ(lua_modulo(-5, 3), 1);
  EXPECT_EQ(lua_modulo(5.5, 2), 1.5);
  EXPECT_EQ(lua_modulo(3581448387.0 * 16807, 2147483647), 1583898546);
  EXPECT_TRUE(std::isnan(lua_modulo(5, kInf)));
  EXPECT_TRUE(std::isnan(lua_modulo(-5, kInf)));
  EXPECT_TRUE(std::isnan(lua_modulo(5, 0)));
  EXPECT_TRUE(std::isnan(lua_modulo(kInf, 2)));
}

}  // namespace
}  // namespace lj::interp
