// The bit library's operations on 32-bit patterns: one definition shared by
// lj/vm/lib/bit.cc (C functions and fast paths) and the CALL handler, which
// answers the common bit.* calls inline (docs/interpreter-profile.md, round 6).
#pragma once

#include <bit>
#include <cstdint>

namespace lj::interp::bit_ops {

// LuaJIT's lj_num2bit: the low word of n + 1.5 * 2^52, which rounds to
// nearest-even and wraps modulo 2^32.
[[gnu::always_inline]] inline uint32_t num_to_bit(double n) {
  return static_cast<uint32_t>(std::bit_cast<uint64_t>(n + 6755399441055744.0));
}

[[gnu::always_inline]] inline uint32_t same(uint32_t x) { return x; }
[[gnu::always_inline]] inline uint32_t flip(uint32_t x) { return ~x; }
[[gnu::always_inline]] inline uint32_t swap_bytes(uint32_t x) { return __builtin_bswap32(x); }
[[gnu::always_inline]] inline uint32_t and_bits(uint32_t a, uint32_t b) { return a & b; }
[[gnu::always_inline]] inline uint32_t or_bits(uint32_t a, uint32_t b) { return a | b; }
[[gnu::always_inline]] inline uint32_t xor_bits(uint32_t a, uint32_t b) { return a ^ b; }
// Shift and rotate counts arrive modulo 32, as x86's instructions take them.
[[gnu::always_inline]] inline uint32_t shift_left(uint32_t x, uint32_t n) { return x << n; }
[[gnu::always_inline]] inline uint32_t shift_right(uint32_t x, uint32_t n) { return x >> n; }
[[gnu::always_inline]] inline uint32_t shift_right_arith(uint32_t x, uint32_t n) {
  return static_cast<uint32_t>(static_cast<int32_t>(x) >> n);
}
[[gnu::always_inline]] inline uint32_t rotate_left(uint32_t x, uint32_t n) { return std::rotl(x, static_cast<int>(n)); }
[[gnu::always_inline]] inline uint32_t rotate_right(uint32_t x, uint32_t n) {
  return std::rotr(x, static_cast<int>(n));
}

}  // namespace lj::interp::bit_ops
