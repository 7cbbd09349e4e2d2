// The math library, with LuaJIT 2.1's Tausworthe generator behind
// math.random so a seed gives luajit's sequence.
#include <algorithm>
#include <bit>
#include <cmath>

#include "lj/vm/lib/api.h"
#include "lj/vm/lib/builtins.h"
#include "lj/vm/lib/lib.h"

namespace lj::lib {

namespace {

// X-macro: math functions of one argument, what they compute and their
// fast-function id.
#define LJ_MATH_UNARY(_)                                                                           \
  _(abs, std::fabs, MathAbs) _(acos, std::acos, MathAcos) _(asin, std::asin, MathAsin)             \
  _(atan, std::atan, MathAtan) _(ceil, std::ceil, MathCeil) _(cos, std::cos, MathCos)              \
  _(cosh, std::cosh, MathCosh) _(exp, std::exp, MathExp) _(floor, std::floor, MathFloor)           \
  _(sin, std::sin, MathSin) _(sinh, std::sinh, MathSinh) _(sqrt, std::sqrt, MathSqrt)              \
  _(tan, std::tan, MathTan) _(tanh, std::tanh, MathTanh) _(log10, std::log10, MathLog10)

// Each as a C function and as a fast path for a number argument.
#define LJ_MATH_DEFINE(name, fn, id)                                 \
  int math_##name(Thread* L) {                                       \
    push(L, TValue::number(fn(check_number(L, 1))));                 \
    return 1;                                                        \
  }                                                                  \
  int fast_##name(Thread*, TValue* args, uint32_t nargs) {           \
    if (nargs < 1 || !args[0].is_number()) return -1;                \
    args[0] = TValue::number(fn(args[0].as_number()));               \
    return 1;                                                        \
  }
LJ_MATH_UNARY(LJ_MATH_DEFINE)
#undef LJ_MATH_DEFINE

int math_log(Thread* L) {
  double x = check_number(L, 1);
  if (arg(L, 2).is_nil()) {
    push(L, TValue::number(std::log(x)));
  } else {
    double b = check_number(L, 2);
    push(L, TValue::number(b == 2 ? std::log2(x) : b == 10 ? std::log10(x) : std::log(x) / std::log(b)));
  }
  return 1;
}

// atan2, pow, fmod: two numbers, argument 1 checked first as in luajit
// (separate statements: C++ leaves the order of call arguments open).
template <auto kOp>
int math_binary(Thread* L) {
  double a = check_number(L, 1);
  double b = check_number(L, 2);
  push(L, TValue::number(kOp(a, b)));
  return 1;
}

int math_modf(Thread* L) {
  double x = check_number(L, 1);
  double ip;
  double frac = std::isinf(x) ? 0.0 : std::modf(x, &ip);
  if (std::isinf(x)) ip = x;
  push(L, TValue::number(ip));
  push(L, TValue::number(frac));
  return 2;
}

int math_frexp(Thread* L) {
  int e;
  double m = std::frexp(check_number(L, 1), &e);
  push(L, TValue::number(m));
  push(L, TValue::number(e));
  return 2;
}

int math_ldexp(Thread* L) {
  double m = check_number(L, 1);  // argument 1 is checked first
  // luajit scales by 2^trunc(e) with e a double (x87 fscale): a NaN
  // exponent gives NaN, a huge one saturates to inf or 0.
  double e = check_number(L, 2);
  double scaled = std::isnan(e) ? e + m : std::ldexp(m, static_cast<int>(std::clamp(std::trunc(e), -1e5, 1e5)));
  push(L, TValue::number(scaled));
  return 1;
}

// min/max as x86's minsd/maxsd, which LuaJIT uses: keep m only if it
// compares below (above) v, so a NaN on either side picks v.
template <bool kMax>
double extreme(double m, double v) {
  return (kMax ? m > v : m < v) ? m : v;
}

template <bool kMax>
int math_extreme(Thread* L) {
  double m = check_number(L, 1);
  for (int i = 2; i <= arg_count(L); i++) m = extreme<kMax>(m, check_number(L, i));
  push(L, TValue::number(m));
  return 1;
}

template <bool kMax>
int fast_extreme(Thread*, TValue* args, uint32_t nargs) {
  if (nargs < 1 || !args[0].is_number()) return -1;
  double m = args[0].as_number();
  for (uint32_t i = 1; i < nargs; i++) {
    if (!args[i].is_number()) return -1;
    m = extreme<kMax>(m, args[i].as_number());
  }
  args[0] = TValue::number(m);
  return 1;
}

// LuaJIT 2.1's TW223 generator: four combined Tausworthe generators whose
// output fills the mantissa of a double in [1, 2).
struct Random {
  uint64_t gen[4] = {};
  bool valid = false;

  uint64_t step() {
    uint64_t r = 0;
    r ^= advance(0, 63, 31, 18);
    r ^= advance(1, 58, 19, 28);
    r ^= advance(2, 55, 24, 7);
    r ^= advance(3, 47, 21, 8);
    return (r & 0x000fffffffffffffull) | 0x3ff0000000000000ull;
  }
  uint64_t advance(int i, int k, int q, int s) {
    uint64_t z = gen[i];
    z = (((z << q) ^ z) >> (k - s)) ^ ((z & (~uint64_t{0} << (64 - k))) << s);
    gen[i] = z;
    return z;
  }
  void seed(double d) {
    // 64-k of each generator, one byte each: its top bits must be non-zero.
    uint32_t shifts = 0x11090601;
    for (int i = 0; i < 4; i++) {
      uint64_t m = uint64_t{1} << (shifts & 255);
      shifts >>= 8;
      d = d * 3.14159265358979323846 + 2.7182818284590452354;
      uint64_t u = std::bit_cast<uint64_t>(d);
      if (u < m) u += m;
      gen[i] = u;
    }
    valid = true;
    for (int i = 0; i < 10; i++) step();
  }
};

Random& random_state() {
  static Random state;
  return state;
}

int math_random(Thread* L) {
  Random& rs = random_state();
  if (!rs.valid) rs.seed(0.0);
  double d = std::bit_cast<double>(rs.step()) - 1.0;
  int n = arg_count(L);
  if (n >= 1) {
    double r1 = check_number(L, 1);
    if (n == 1) {
      d = std::floor(d * r1) + 1.0;
    } else {
      double r2 = check_number(L, 2);
      d = std::floor(d * (r2 - r1 + 1.0)) + r1;
    }
  }
  push(L, TValue::number(d));
  return 1;
}

int math_randomseed(Thread* L) {
  random_state().seed(check_number(L, 1));
  return 0;
}

}  // namespace

void open_math(Vm& vm) {
  Table* m = new_library(vm, "math");
#define LJ_MATH_REGISTER(name, fn, id) set_fast_function(vm, m, #name, math_##name, interp::kFf##id, fast_##name);
  LJ_MATH_UNARY(LJ_MATH_REGISTER)
#undef LJ_MATH_REGISTER
  set_function(vm, m, "log", math_log);
  // Lambdas: the standard does not promise std:: functions have addresses.
  set_function(vm, m, "atan2", math_binary<[](double y, double x) { return std::atan2(y, x); }>);
  set_function(vm, m, "pow", math_binary<[](double x, double y) { return std::pow(x, y); }>);
  set_function(vm, m, "fmod", math_binary<[](double x, double y) { return std::fmod(x, y); }>);
  set_builtin(vm, m, Builtin::Deg);
  set_builtin(vm, m, Builtin::Rad);
  set_function(vm, m, "modf", math_modf);
  set_function(vm, m, "frexp", math_frexp);
  set_function(vm, m, "ldexp", math_ldexp);
  set_fast_function(vm, m, "min", math_extreme<false>, interp::kFfMathMin, fast_extreme<false>);
  set_fast_function(vm, m, "max", math_extreme<true>, interp::kFfMathMax, fast_extreme<true>);
  set_function(vm, m, "random", math_random);
  set_function(vm, m, "randomseed", math_randomseed);
  vm::GlobalState& g = vm.global();
  m->set_str(g, g.intern("pi"), TValue::number(3.14159265358979323846));
  m->set_str(g, g.intern("huge"), TValue::number(HUGE_VAL));
}

}  // namespace lj::lib
