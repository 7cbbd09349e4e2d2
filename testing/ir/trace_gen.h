// Random well-typed traces for property tests. A Recipe is a list of small
// steps; any sub-list is still a valid recipe, so rapidcheck can shrink a
// counterexample step by step. build() turns a recipe into an unoptimized
// trace (emitted raw, as a recorder without FOLD/CSE would) plus the machine
// state it starts from.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <rapidcheck.h>

#include "lj/ir/eval.h"
#include "lj/ir/ir.h"
#include "testing/ir/test_binding.h"

namespace lj::testing {

struct Step {
  uint8_t kind = 0;   // what to emit (see trace_gen.cc)
  uint8_t op = 0;     // which opcode of the kind
  uint16_t a = 0;     // first operand: index into the values so far
  uint16_t b = 0;     // second operand: index, or a constant when `konst`
  uint8_t constant = 0;  // which constant, from a fixed table
  bool konst = false;    // second operand is a constant
  uint8_t slots = 0;     // snapshot: bit mask of slots 1..5 to write
};

struct Recipe {
  std::vector<Step> steps;
  bool loops = false;             // the trace links to itself
  std::array<uint8_t, 3> inputs{};  // slots 1..3, from the constant tables
  std::array<uint8_t, 4> array{};   // the table's array part
  bool same_tables = false;         // slots 0 and 5 hold the same table
  uint8_t trip = 0;                 // a loop's counter limit: 2 + trip % 30
  // A looping trace leaves its newest allocation in slot 5, so the next
  // iteration reads it back: a loop-carried allocation (a PHI after LOOP).
  bool carry_table = false;
};

struct BuiltTrace {
  ir::Trace trace;
  ir::MachineState state;
};

rc::Gen<Recipe> arbitrary_recipe();
BuiltTrace build(const Recipe& recipe, TestBinding& binding);

// Same exit, same snapshot (by pc), same iterations, same stack and memory
// (NaNs compare equal whatever their payload). Empty when equivalent.
// Objects with ids below `first_new_object` existed before the run.
std::string compare_results(const ir::Trace& a_trace, const ir::EvalResult& a,
                            const ir::Trace& b_trace, const ir::EvalResult& b,
                            uint64_t first_new_object = ir::MachineState{}.next_object_id);

// The property for passes that may hoist or widen a guard (ABC): `b` (the
// optimized run) is a consistent prefix of `a` (run with
// record_crossings) — it takes the same exit with the same state, or it
// exits at a snapshot `a` passed in the same iteration, to the very state
// `a` would have restored there. Empty when that holds.
std::string compare_prefix(const ir::Trace& a_trace, const ir::EvalResult& a,
                           const ir::Trace& b_trace, const ir::EvalResult& b,
                           uint64_t first_new_object = ir::MachineState{}.next_object_id);

}  // namespace lj::testing
