// LuaJIT's rules for laying out a table, shared by the runtime tables
// (lj/vm/object) and the parser's model of constructor templates
// (lj/vm/parse): which node a number key hashes to, how many array slots a
// rehash keeps, how many hash nodes n keys get. `#` on a table with holes
// and `pairs` order over number keys follow from them, so both must agree
// with each other and with luajit.
#pragma once

#include <bit>
#include <cstdint>

namespace lj::table_rules {

// Integer keys 0 .. 2^27 may live in the array part (slot 0 included).
inline constexpr uint32_t kMaxArrayBits = 27;
inline constexpr uint32_t kMaxArraySize = (1u << kMaxArrayBits) + 1;

// LuaJIT's hash of a number key: its hashrot mix over the two 32-bit halves
// of the double (the high half shifted left once).
inline uint32_t number_hash(uint64_t bits) {
  uint32_t lo = static_cast<uint32_t>(bits), hi = static_cast<uint32_t>(bits >> 32) << 1;
  lo ^= hi;
  hi = std::rotl(hi, 14);
  lo -= hi;
  hi = std::rotl(hi, 5);
  hi ^= lo;
  hi -= std::rotl(lo, 13);
  return hi;
}

// Bin of an integer key for array sizing: bin 0 holds keys 0..2, bin b >= 1
// holds keys in (2^b, 2^(b+1)].
inline uint32_t key_bin(uint32_t k) { return k <= 2 ? 0 : 31 - std::countl_zero(k - 1); }

// Lua 5.1's computesizes as LuaJIT adapts it to slot 0: the largest array
// 0..2^(b+1) such that the integer keys up to 2^(b+1) number more than
// 2^(b-1). Returns the array size (0 or 2^(b+1)+1), in_array the keys it takes.
inline uint32_t best_array_size(const uint32_t bins[kMaxArrayBits], uint32_t integer_keys, uint32_t& in_array) {
  uint32_t sum = 0, best = 0;
  in_array = 0;
  for (uint32_t b = 0; b < kMaxArrayBits && 2 * uint64_t{integer_keys} > (uint64_t{1} << b) && sum != integer_keys; b++) {
    if (bins[b] == 0) continue;
    sum += bins[b];
    if (2 * uint64_t{sum} > (uint64_t{1} << b)) {
      best = (2u << b) + 1;
      in_array = sum;
    }
  }
  return best;
}

// Hash bits for n keys (hsize2hbits): the next power of two, at least 2 nodes.
inline uint32_t hash_bits_for(uint32_t n) {
  if (n == 0) return 0;
  if (n <= 2) return 1;
  return 32 - std::countl_zero(n - 1);
}

}  // namespace lj::table_rules
