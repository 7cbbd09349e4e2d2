// Random traces restricted to what the x86-64 assembler lowers (stack loads,
// loads and stores through arrays, hash slots, fields and upvalues with
// type guards that pass and fail, upvalue open/closed guards, TBAR/OBAR,
// int and number arithmetic, TOBIT, rotations, byte swaps, MIN/MAX,
// MOD/POW/LDEXP/log and int DIV/POW through helpers, CALLXS, FLOAT call
// arguments and FLOAT<->int conversions, unchecked truncations to int and
// u32 (also of FLOATs, u32 results as array indexes), ints returned with garbage above
// bit 31 (also as array indexes and string offsets), strings (TOSTR,
// STRTO, SNEW/STRREF, buffer chains with fused TOSTR pieces and WRITE to a
// string.buffer; slots 46-47 hold strings), overflow/conversion/comparison
// guards, FPMATH, loops with PHI swaps and rotations, snapshots naming many values), built
// raw and then optimized as the trace compiler would (FOLD/CSE/DCE, LOOP).
// Any prefix of a recipe's steps is a valid recipe, so rapidcheck shrinks.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include <rapidcheck.h>

#include "lj/ir/binding.h"
#include "lj/ir/eval.h"
#include "lj/ir/ir.h"
#include "testing/asm/test_heap.h"

namespace lj::testing {

struct AsmStep {
  uint8_t kind = 0;
  uint8_t op = 0;
  uint16_t a = 0;         // operand: index into the values of its class
  uint16_t b = 0;         // second operand, or constant index when `konst`
  bool konst = false;
  uint32_t live = 0;      // snapshot: which of slots 10..41 to write
  uint16_t live_seed = 0; // snapshot: which values those slots name
};

struct AsmRecipe {
  std::vector<AsmStep> steps;
  bool loops = false;
  bool rotate = false;               // slots 5..9 carry PHI swaps/rotations
  std::array<uint8_t, 9> inputs{};  // slots 1..9
  uint8_t trip = 0;                  // loop iterations before the counter exits
  // Only valid inputs and no guards but the loop counter's: the loop runs
  // its full trip count (many iterations) before exiting.
  bool calm = false;
  // Memory the trace reaches: tables A (slot 42) and B (slot 43, or A
  // itself, or not a table), function F (slot 44) with 3 upvalues. Each
  // byte picks one stored value (mostly numbers; nil, true or table B so
  // type guards fail).
  std::array<uint8_t, 16> memory{};
  bool same_tables = false;
};

// AsmStep::kind of a memory step (its `op` picks the kind of access).
inline constexpr uint8_t kMemoryStepKind = 9;
// Math steps: TOBIT, BROL/BROR/BSWAP, integer MIN/MAX, and MOD, POW, LDEXP,
// log/log2 (calls the assembler makes to C++), unchecked CONV int/u32.
inline constexpr uint8_t kMathStepKind = 11;
// String steps: TOSTR (int, num, char), STRTO, SNEW of STRREF behind a
// length guard, BUFHDR/BUFPUT/BUFSTR chains, EQ/NE of interned strings.
inline constexpr uint8_t kStringStepKind = 12;

rc::Gen<AsmStep> arbitrary_asm_step();
rc::Gen<AsmRecipe> arbitrary_asm_recipe();

struct AsmCase {
  ir::Trace trace;  // optimized, ready to assemble
  ir::MachineState state;
};

// The optimized trace and its start state; nullopt when optimization
// aborts ("guard would always fail" — nothing to assemble).
// The objects get their ids from `heap` (its blocks' addresses), or fake
// ids without one (enough to assemble, not to run).
std::optional<AsmCase> build_asm_case(const AsmRecipe& recipe, TestHeap* heap = nullptr);

// The binding the generated traces use: testing/ir's test binding plus the
// pure C++ helpers the generator calls (CALLN/CALLL/CALLS with CARG chains):
//   mix(int a, int b) -> int           a * 31 + b, wrapping
//   fma(num a, num b, num c) -> num    a * b + c
//   eight(int, num, int, num, int, num, int, num) -> num   a weighted sum
//   many(8 ints, 10 nums) -> num       a weighted sum; 2 + 2 stack arguments
//   floats(float, num, float) -> float a - b * c in single precision
//   dirty(int x) -> int                x, with garbage in rax's upper half
//                                      (assembly: SysV allows it, C++ won't)
// Their `evaluate` calls the very same C++ functions (dirty's returns x), so the evaluator and
// the machine code compute through the call table alike.
const ir::Binding& asm_binding();

}  // namespace lj::testing
