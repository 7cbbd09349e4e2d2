// LuaJIT's bit library: operations on 32-bit integers with signed results.
// Arguments are numbers (or numeric strings) normalised as LuaJIT's
// lj_num2bit does: add 2^52 + 2^51 and keep the low 32 bits of the double,
// which rounds to nearest-even and wraps modulo 2^32.
#include <bit>
#include <cstdint>
#include <string>

#include "lj/vm/interp/bit_ops.h"
#include "lj/vm/lib/api.h"
#include "lj/vm/lib/lib.h"

namespace lj::lib {

namespace {

// The operations (bit_ops.h) are shared with the CALL handler.
using namespace interp::bit_ops;

// Argument i as a 32-bit pattern ("number expected, got no value" when
// absent: LuaJIT's lj_carith_check64 counts against the real top).
uint32_t check_bit(Thread* L, int i) {
  if (i > arg_count(L)) Vm::of(L).type_error(L, i, "number");
  return num_to_bit(check_number(L, i));
}

int result(Thread* L, uint32_t bits) {
  push(L, TValue::number(static_cast<int32_t>(bits)));
  return 1;
}

int bit_tobit(Thread* L) { return result(L, check_bit(L, 1)); }
int bit_bnot(Thread* L) { return result(L, flip(check_bit(L, 1))); }
int bit_bswap(Thread* L) { return result(L, swap_bytes(check_bit(L, 1))); }

// band/bor/bxor fold over all their arguments (at least one).
template <uint32_t (*op)(uint32_t, uint32_t)>
int fold(Thread* L) {
  uint32_t acc = check_bit(L, 1);
  for (int i = 2; i <= arg_count(L); i++) acc = op(acc, check_bit(L, i));
  return result(L, acc);
}

// Shift and rotate counts are taken modulo 32, as x86's instructions do.
template <uint32_t (*op)(uint32_t, uint32_t)>
int shift(Thread* L) {
  uint32_t x = check_bit(L, 1);
  return result(L, op(x, check_bit(L, 2) & 31));
}

// Fast paths: number arguments only (a string or a missing argument goes to
// the C function, which converts or raises).
bool fast_bits(const TValue* args, uint32_t count, uint32_t nargs) {
  if (nargs < count) return false;
  for (uint32_t i = 0; i < count; i++) {
    if (!args[i].is_number()) return false;
  }
  return true;
}
uint32_t bits_of(TValue v) { return num_to_bit(v.as_number()); }
int fast_result(TValue* args, uint32_t bits) {
  args[0] = TValue::number(static_cast<int32_t>(bits));
  return 1;
}

template <uint32_t (*op)(uint32_t)>
int fast_unary(Thread*, TValue* args, uint32_t nargs) {
  if (!fast_bits(args, 1, nargs)) return -1;
  return fast_result(args, op(bits_of(args[0])));
}
template <uint32_t (*op)(uint32_t, uint32_t)>
int fast_fold(Thread*, TValue* args, uint32_t nargs) {
  if (nargs == 0 || !fast_bits(args, nargs, nargs)) return -1;
  uint32_t acc = bits_of(args[0]);
  for (uint32_t i = 1; i < nargs; i++) acc = op(acc, bits_of(args[i]));
  return fast_result(args, acc);
}
template <uint32_t (*op)(uint32_t, uint32_t)>
int fast_shift(Thread*, TValue* args, uint32_t nargs) {
  if (!fast_bits(args, 2, nargs)) return -1;
  return fast_result(args, op(bits_of(args[0]), bits_of(args[1]) & 31));
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
  set_fast_function(vm, t, "tobit", bit_tobit, interp::kFfBitTobit, fast_unary<same>);
  set_fast_function(vm, t, "bnot", bit_bnot, interp::kFfBitBnot, fast_unary<flip>);
  set_fast_function(vm, t, "band", fold<and_bits>, interp::kFfBitBand, fast_fold<and_bits>);
  set_fast_function(vm, t, "bor", fold<or_bits>, interp::kFfBitBor, fast_fold<or_bits>);
  set_fast_function(vm, t, "bxor", fold<xor_bits>, interp::kFfBitBxor, fast_fold<xor_bits>);
  set_fast_function(vm, t, "lshift", shift<shift_left>, interp::kFfBitLshift, fast_shift<shift_left>);
  set_fast_function(vm, t, "rshift", shift<shift_right>, interp::kFfBitRshift, fast_shift<shift_right>);
  set_fast_function(vm, t, "arshift", shift<shift_right_arith>, interp::kFfBitArshift, fast_shift<shift_right_arith>);
  set_fast_function(vm, t, "rol", shift<rotate_left>, interp::kFfBitRol, fast_shift<rotate_left>);
  set_fast_function(vm, t, "ror", shift<rotate_right>, interp::kFfBitRor, fast_shift<rotate_right>);
  set_fast_function(vm, t, "bswap", bit_bswap, interp::kFfBitBswap, fast_unary<swap_bytes>);
  set_function(vm, t, "tohex", bit_tohex);
}

}  // namespace lj::lib
