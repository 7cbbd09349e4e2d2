// LuaJIT's bit library: operations on 32-bit integers with signed results.
// Arguments are numbers (or numeric strings) normalised as LuaJIT's
// lj_num2bit does: add 2^52 + 2^51 and keep the low 32 bits of the double,
// which rounds to nearest-even and wraps modulo 2^32.
#include <bit>
#include <cstdint>
#include <string>

#include "lj/vm/lib/api.h"
#include "lj/vm/lib/lib.h"

namespace lj::lib {

namespace {

// lj_num2bit: the low word of n + 1.5 * 2^52.
int32_t num_to_bit(double n) {
  uint64_t bits = std::bit_cast<uint64_t>(n + 6755399441055744.0);
  return static_cast<int32_t>(static_cast<uint32_t>(bits));
}

// Argument i as a 32-bit pattern ("number expected, got no value" when
// absent: LuaJIT's lj_carith_check64 counts against the real top).
uint32_t check_bit(Thread* L, int i) {
  if (i > arg_count(L)) Vm::of(L).type_error(L, i, "number");
  return static_cast<uint32_t>(num_to_bit(check_number(L, i)));
}

int result(Thread* L, uint32_t bits) {
  push(L, TValue::number(static_cast<int32_t>(bits)));
  return 1;
}

int bit_tobit(Thread* L) { return result(L, check_bit(L, 1)); }
int bit_bnot(Thread* L) { return result(L, ~check_bit(L, 1)); }
int bit_bswap(Thread* L) { return result(L, __builtin_bswap32(check_bit(L, 1))); }

// band/bor/bxor fold over all their arguments (at least one).
template <typename Op>
int fold(Thread* L, Op op) {
  uint32_t acc = check_bit(L, 1);
  for (int i = 2; i <= arg_count(L); i++) acc = op(acc, check_bit(L, i));
  return result(L, acc);
}
int bit_band(Thread* L) { return fold(L, [](uint32_t a, uint32_t b) { return a & b; }); }
int bit_bor(Thread* L) { return fold(L, [](uint32_t a, uint32_t b) { return a | b; }); }
int bit_bxor(Thread* L) { return fold(L, [](uint32_t a, uint32_t b) { return a ^ b; }); }

// Shift and rotate counts are taken modulo 32, as x86's instructions do.
int bit_lshift(Thread* L) {
  uint32_t x = check_bit(L, 1);
  return result(L, x << (check_bit(L, 2) & 31));
}
int bit_rshift(Thread* L) {
  uint32_t x = check_bit(L, 1);
  return result(L, x >> (check_bit(L, 2) & 31));
}
int bit_arshift(Thread* L) {
  int32_t x = static_cast<int32_t>(check_bit(L, 1));
  return result(L, static_cast<uint32_t>(x >> (check_bit(L, 2) & 31)));
}
int bit_rol(Thread* L) {
  uint32_t x = check_bit(L, 1);
  return result(L, std::rotl(x, static_cast<int>(check_bit(L, 2) & 31)));
}
int bit_ror(Thread* L) {
  uint32_t x = check_bit(L, 1);
  return result(L, std::rotr(x, static_cast<int>(check_bit(L, 2) & 31)));
}

// tohex(x [, n]): |n| hex digits (default 8) of x zero-extended to 64 bits,
// upper case when n < 0; digits past the 16th are 0 as in LuaJIT.
int bit_tohex(Thread* L) {
  uint64_t x = check_bit(L, 1);
  int32_t n = arg_count(L) >= 2 ? static_cast<int32_t>(check_bit(L, 2)) : 8;
  const char* digits = "0123456789abcdef";
  if (n < 0) {
    n = static_cast<int32_t>(0u - static_cast<uint32_t>(n));
    digits = "0123456789ABCDEF";
  }
  std::string out(n > 0 ? static_cast<size_t>(n) : 0, '0');
  for (size_t i = 0; i < out.size() && i < 16; i++) out[out.size() - 1 - i] = digits[(x >> (4 * i)) & 15];
  push(L, str(L, out));
  return 1;
}

}  // namespace

void open_bit(Vm& vm) {
  Table* t = new_library(vm, "bit");
  set_function(vm, t, "tobit", bit_tobit);
  set_function(vm, t, "bnot", bit_bnot);
  set_function(vm, t, "band", bit_band);
  set_function(vm, t, "bor", bit_bor);
  set_function(vm, t, "bxor", bit_bxor);
  set_function(vm, t, "lshift", bit_lshift);
  set_function(vm, t, "rshift", bit_rshift);
  set_function(vm, t, "arshift", bit_arshift);
  set_function(vm, t, "rol", bit_rol);
  set_function(vm, t, "ror", bit_ror);
  set_function(vm, t, "bswap", bit_bswap);
  set_function(vm, t, "tohex", bit_tohex);
}

}  // namespace lj::lib
