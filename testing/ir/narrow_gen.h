// Random Lua-like number code recorded twice, as a front end would: once
// through NARROW's recorder calls (lj::opt::Narrowing, FORL narrowing, the
// backward conversion narrowing in FOLD) and once as plain number work.
// Under the reference evaluator the narrowed code takes the same exit, or
// exits earlier (an overflow check) to a state the number code passed.
#pragma once

#include <array>
#include <cstdint>
#include <ostream>
#include <vector>

#include <rapidcheck.h>

#include "lj/opt/opt.h"
#include "testing/ir/trace_gen.h"

namespace lj::testing {

struct NarrowStep {
  uint8_t kind = 0;      // arith, negate, modulo, power, index, to_bit, to_int, compare
  uint8_t op = 0;        // which arithmetic / comparison
  uint16_t a = 0;        // operand: index into the values so far
  uint16_t b = 0;        // second operand, unless `konst`
  uint8_t constant = 0;  // which constant
  bool konst = false;
};

struct NarrowRecipe {
  std::vector<NarrowStep> steps;
  bool loops = false;             // the trace links to itself (a for loop)
  std::array<uint8_t, 3> for_loop{};  // start, stop, step choices
  std::array<uint8_t, 2> inputs{};    // two number slots
  std::array<uint8_t, 8> array{};     // the table's array part
};

rc::Gen<NarrowRecipe> arbitrary_narrow_recipe();
// For rapidcheck's counterexample output.
void showValue(const NarrowRecipe& recipe, std::ostream& os);

// Records `recipe` with the FOLD engine set up by `options` (NARROW's calls
// are used when `narrow`; the options should then include Flag::kNarrow).
BuiltTrace record_narrow(const NarrowRecipe& recipe, TestBinding& binding,
                         const opt::Options& options, bool narrow);

}  // namespace lj::testing
