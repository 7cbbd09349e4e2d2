// Random traces restricted to what the x86-64 assembler lowers (stack loads,
// int and number arithmetic, overflow/conversion/comparison guards, FPMATH,
// loops with PHI swaps and rotations, snapshots naming many values), built
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
};

rc::Gen<AsmStep> arbitrary_asm_step();
rc::Gen<AsmRecipe> arbitrary_asm_recipe();

struct AsmCase {
  ir::Trace trace;  // optimized, ready to assemble
  ir::MachineState state;
};

// The optimized trace and its start state; nullopt when optimization
// aborts ("guard would always fail" — nothing to assemble).
std::optional<AsmCase> build_asm_case(const AsmRecipe& recipe);

// The binding the generated traces use: testing/ir's test binding plus the
// pure C++ helpers the generator calls (CALLN/CALLL/CALLS with CARG chains):
//   mix(int a, int b) -> int           a * 31 + b, wrapping
//   fma(num a, num b, num c) -> num    a * b + c
//   eight(int, num, int, num, int, num, int, num) -> num   a weighted sum
// Their `evaluate` calls the very same C++ functions, so the evaluator and
// the machine code compute through the call table alike.
const ir::Binding& asm_binding();

}  // namespace lj::testing
