// floor() and Lua's modulo for the interpreter's hot paths: one roundsd
// where the CPU has SSE4.1 (tested once at start), glibc's floor elsewhere.
// The baseline x86-64 target has no roundsd, so without this GCC either
// calls glibc (a call on MOD's dependency chain, and the operands spilled
// around it) or inlines a long SSE2 sequence (docs/interpreter-profile.md).
#pragma once

#include <cmath>

namespace lj::interp {

// Whether roundsd may be used: read once during static initialization.
inline const bool kCpuHasRoundsd = [] {
  __builtin_cpu_init();  // may run before libgcc's own constructor
  return __builtin_cpu_supports("sse4.1") != 0;
}();

// floor by roundsd (mode 9: toward -inf, no precision exception). In place,
// so the instruction has no false dependency on another register. Same
// bits as std::floor for every input, -0, infinities and NaNs included.
// Only valid where kCpuHasRoundsd holds.
[[gnu::always_inline]] inline double floor_by_roundsd(double x) {
  asm("roundsd $9, %0, %0" : "+x"(x));
  return x;
}

// floor() on this CPU: the branch on a constant flag is always predicted.
[[gnu::always_inline]] inline double floor_number(double x) {
  if (kCpuHasRoundsd) [[likely]] return floor_by_roundsd(x);
  return std::floor(x);
}

// Lua's a % b as LuaJIT computes it: a - floor(a / b) * b, so 5 % -3 is
// -1 and x % 0, x % inf, inf % x are all nan.
[[gnu::always_inline]] inline double lua_modulo(double a, double b) { return a - floor_number(a / b) * b; }

}  // namespace lj::interp
