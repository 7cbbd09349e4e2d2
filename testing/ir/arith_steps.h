// The recipe steps both random trace generators share (testing/ir's
// trace_gen for the optimizer, testing/asm's asm_trace_gen for the
// assembler): int and number arithmetic, FPMATH, CONV between int and
// number, overflow and comparison guards, over pools of int and number
// values. Each generator passes the op subset it draws from (the assembler's
// leaves out what it lowers through other steps) and its own constants.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "absl/functional/function_ref.h"
#include "lj/ir/builder.h"
#include "lj/ir/ir.h"

namespace lj::testing {

// table[i], wrapping: any byte of a recipe picks an entry.
template <typename T, size_t N>
const T& pick(const T (&table)[N], size_t i) { return table[i % N]; }

// Integer constants and inputs: edges of shifts, bytes and int32.
inline constexpr int32_t kGenInts[] = {0, 1, -1, 2, 3, 7, 31, 32, 33, 255, -256, 1 << 20,
                                       std::numeric_limits<int32_t>::max(),
                                       std::numeric_limits<int32_t>::min(), 1000, -7};

// A raw trace, as a recorder without FOLD/CSE emits it, with room for long
// recipes.
ir::EmitOptions raw_emit_options();

// The step kinds, the first kinds of both generators' step enums.
enum ArithKind : uint8_t {
  kIntArith, kNumArith, kFpMathStep, kIntToNum, kNumToInt, kOverflow, kCompare, kArithKindCount
};

// Steps that emit a guard (may exit).
constexpr bool is_guard_step(uint8_t kind) { return kind == kNumToInt || kind == kOverflow || kind == kCompare; }

// What one step says, whatever the generator's step layout.
struct ArithOperands {
  uint8_t op = 0;         // which opcode of the kind
  uint16_t a = 0;         // first operand: index into the pool
  uint16_t b = 0;         // second operand: index into the pool
  uint16_t constant = 0;  // second operand when `konst`: index into the constants
  bool konst = false;
  bool num_compare = false;  // a comparison of numbers (else of ints)
};

// The op subset and constants a generator draws from.
struct ArithTables {
  std::span<const ir::Op> int_ops;  // binary, or BNOT/BSWAP (unary), NEG (0 - x)
  std::span<const ir::Op> num_ops;  // binary, or NEG/ABS (with the -0.0 mask)
  std::span<const double> nums;     // number constants
};

class ArithSteps {
 public:
  // `ints` and `nums` are the generator's value pools: steps read and append.
  ArithSteps(ir::Builder& b, std::vector<ir::Ref>& ints, std::vector<ir::Ref>& nums, const ArithTables& tables)
      : b_(b), ints_(ints), nums_(nums), tables_(tables) {}

  // Emits the step `kind` (an ArithKind); `before_guard` runs before a guard
  // is emitted (the generator's snapshot). Returns the int result of a
  // guarded CONV or overflow op (also appended to the ints), else 0.
  ir::Ref emit(uint8_t kind, const ArithOperands& s, absl::FunctionRef<void()> before_guard);

  // `op` on ints: a (unary ops take no or a zero second operand), second.
  ir::Ref int_arith(ir::Op op, const ArithOperands& s);
  // `op` on numbers, likewise.
  ir::Ref num_arith(ir::Op op, const ArithOperands& s);

  ir::Ref int_operand(uint16_t i) const { return ints_[i % ints_.size()]; }
  ir::Ref num_operand(uint16_t i) const { return nums_[i % nums_.size()]; }
  ir::Ref int_second(const ArithOperands& s) {
    return s.konst ? b_.kint(pick(kGenInts, s.constant)) : int_operand(s.b);
  }
  ir::Ref num_second(const ArithOperands& s) {
    return s.konst ? b_.knum(tables_.nums[s.constant % tables_.nums.size()]) : num_operand(s.b);
  }

 private:
  ir::Builder& b_;
  std::vector<ir::Ref>& ints_;
  std::vector<ir::Ref>& nums_;
  ArithTables tables_;
};

}  // namespace lj::testing
