#include "testing/ir/arith_steps.h"

namespace lj::testing {

using ir::IrType;
using ir::Op;
using ir::Ref;
using ir::Type;

namespace {

constexpr Op kCompares[] = {Op::LT, Op::GE, Op::LE, Op::GT, Op::ULT,
                            Op::UGE, Op::ULE, Op::UGT, Op::EQ, Op::NE};
constexpr Op kOverflowOps[] = {Op::ADDOV, Op::SUBOV, Op::MULOV};
constexpr ir::FpMath kFpMathOps[] = {ir::FpMath::FLOOR, ir::FpMath::CEIL,
                                     ir::FpMath::TRUNC, ir::FpMath::SQRT};

}  // namespace

ir::EmitOptions raw_emit_options() {
  ir::EmitOptions o;
  o.cse = false;
  o.max_constants = 60000;
  o.max_instructions = 60000;
  o.max_snapshots = 60000;
  return o;
}

Ref ArithSteps::int_arith(Op op, const ArithOperands& s) {
  const Ref y = op == Op::BNOT || op == Op::BSWAP ? 0 : op == Op::NEG ? b_.kint(0) : int_second(s);
  ints_.push_back(b_.emit(op, Type(IrType::INT), int_operand(s.a), y));
  return ints_.back();
}

Ref ArithSteps::num_arith(Op op, const ArithOperands& s) {
  const Ref y = op == Op::NEG || op == Op::ABS ? b_.knum(-0.0) : num_second(s);
  nums_.push_back(b_.emit(op, Type(IrType::NUM), num_operand(s.a), y));
  return nums_.back();
}

Ref ArithSteps::emit(uint8_t kind, const ArithOperands& s, absl::FunctionRef<void()> before_guard) {
  switch (kind) {
    case kIntArith: int_arith(tables_.int_ops[s.op % tables_.int_ops.size()], s); return 0;
    case kNumArith: num_arith(tables_.num_ops[s.op % tables_.num_ops.size()], s); return 0;
    case kFpMathStep:
      nums_.push_back(b_.emit(Op::FPMATH, Type(IrType::NUM), num_operand(s.a),
                              static_cast<Ref>(pick(kFpMathOps, s.op))));
      return 0;
    case kIntToNum:
      nums_.push_back(b_.emit(Op::CONV, Type(IrType::NUM), int_operand(s.a),
                              ir::conv::mode(IrType::NUM, IrType::INT)));
      return 0;
    case kNumToInt:
      before_guard();
      ints_.push_back(b_.emit(Op::CONV, Type::guarded(IrType::INT), num_operand(s.a),
                              ir::conv::mode(IrType::INT, IrType::NUM) | ir::conv::kCheck));
      return ints_.back();
    case kOverflow:
      before_guard();
      ints_.push_back(b_.emit(pick(kOverflowOps, s.op), Type::guarded(IrType::INT),
                              int_operand(s.a), int_second(s)));
      return ints_.back();
    case kCompare: {
      before_guard();
      const Op op = pick(kCompares, s.op);
      if (s.num_compare) b_.emit(op, Type::guarded(IrType::NUM), num_operand(s.a), num_second(s));
      else b_.emit(op, Type::guarded(IrType::INT), int_operand(s.a), int_second(s));
      return 0;
    }
    default: return 0;
  }
}

}  // namespace lj::testing
