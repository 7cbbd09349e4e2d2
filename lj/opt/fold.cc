// FOLD: constant folding, algebraic simplification and guard folding, as one
// declarative table of rules keyed by (instruction, left operand, right
// operand) like LuaJIT's lj_opt_fold. Constant folding uses the reference
// evaluator's semantics (lj::ir::semantics), so a folded constant is what the
// instruction would have computed.
#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "lj/ir/eval.h"
#include "lj/opt/fold_state.h"
#include "lj/opt/opt.h"

namespace lj::opt {
namespace {

using namespace fold_internal;
using ir::Ins;
using ir::IrType;
using ir::Op;
using ir::Ref;
using ir::Type;
using ir::Value;

using Rule = Ref (*)(FoldState&);

// ---- Constant folding --------------------------------------------------------

// Number arithmetic on two constants (NEG/ABS ignore their mask operand).
Ref kfold_numarith(FoldState& f) {
  if (!f.is_num()) return kNextFold;
  double b = f.ins.op2 < ir::kRefBias && f.right.o == Op::KNUM ? f.right_num() : 0;
  return f.b.knum(ir::semantics::num_arith(f.ins.o, f.left_num(), b));
}

// int arithmetic on two constants wraps, shifts mask their count.
Ref kfold_intarith(FoldState& f) {
  if (!f.is_int() || !ir::semantics::int_arith_defined(f.ins.o, f.left_int(), f.right_int()))
    return kNextFold;
  return f.b.kint(ir::semantics::int_arith(f.ins.o, f.left_int(), f.right_int()));
}

// Unary int ops on a constant.
Ref kfold_intunary(FoldState& f) {
  if (!f.is_int()) return kNextFold;
  return f.b.kint(ir::semantics::int_arith(f.ins.o, f.left_int(), 0));
}

// Overflow-checked arithmetic folds only when it does not overflow.
Ref kfold_intov(FoldState& f) {
  int64_t x = f.left_int(), y = f.right_int();
  int64_t wide = f.ins.o == Op::ADDOV ? x + y : f.ins.o == Op::SUBOV ? x - y : x * y;
  if (wide < std::numeric_limits<int32_t>::min() || wide > std::numeric_limits<int32_t>::max())
    return kNextFold;
  return f.b.kint(static_cast<int32_t>(wide));
}

// 64-bit integer arithmetic on constants (shift counts may be KINT).
Ref kfold_int64arith(FoldState& f) {
  if (!f.ins.t.is_int64()) return kNextFold;
  Value a = f.constant(f.ins.op1), c = f.constant(f.ins.op2);
  int64_t y = c.type == IrType::INT ? c.as_int() : static_cast<int64_t>(c.bits);
  int64_t r = ir::semantics::int64_arith(f.ins.o, static_cast<int64_t>(a.bits), y);
  return f.konst(Value{f.ins.t.base(), static_cast<uint64_t>(r)});
}

// A comparison of two constants: the guard always holds or always fails.
Ref kfold_compare(FoldState& f) {
  Value a = f.constant(f.ins.op1), c = f.constant(f.ins.op2);
  if (f.ins.t.is_int64()) {
    a.type = c.type = IrType::I64;
  }
  return f.condition(ir::semantics::compare(f.ins.o, a, c));
}

// EQ/NE of interned constants: same reference, same value.
Ref kfold_kref_equal(FoldState& f) {
  return f.condition((f.ins.op1 == f.ins.op2) == (f.ins.o == Op::EQ));
}

// A bounds check of constants.
Ref kfold_abc(FoldState& f) {
  return f.condition(static_cast<uint32_t>(f.right_int()) < static_cast<uint32_t>(f.left_int()));
}

// Conversions of constants; a checked one that would fail is a failing guard.
Ref kfold_conv(FoldState& f) {
  bool ok = true;
  Value v = ir::semantics::convert(f.ins.op2, f.ins.t.is_guard(), f.constant(f.ins.op1), &ok);
  if (!ok && f.ins.t.is_guard()) return kFailFold;
  return f.konst(v);
}

// TOBIT of a constant number (op2 is the 2^52+2^51 bias).
Ref kfold_tobit(FoldState& f) {
  double biased = f.left_num() + f.right_num();
  return f.b.kint(static_cast<int32_t>(std::bit_cast<uint64_t>(biased)));
}

Ref kfold_fpmath(FoldState& f) {
  if (f.ins.op2 > static_cast<uint16_t>(ir::FpMath::LOG2)) return kNextFold;
  return f.b.knum(ir::semantics::fpmath(static_cast<ir::FpMath>(f.ins.op2), f.left_num()));
}

// ---- Canonical operand order -------------------------------------------------

// Commutative ops keep the higher reference on the left: constants go right
// and equal expressions meet in CSE.
Ref comm_swap(FoldState& f) {
  bool nan_sensitive = (f.ins.o == Op::MIN || f.ins.o == Op::MAX) && !f.ins.t.is_integer();
  if (nan_sensitive || f.ins.op1 >= f.ins.op2) return kNextFold;
  return f.retry_with(f.ins.o, f.ins.op2, f.ins.op1);
}

// x==x holds unless x may be NaN.
Ref comm_equal(FoldState& f) {
  if (f.ins.op1 == f.ins.op2 && !f.ins.t.is_fp()) return f.condition(f.ins.o == Op::EQ);
  return comm_swap(f);
}

// x<x fails, x<=x holds (not for numbers: NaN); swap to put constants right.
Ref comm_compare(FoldState& f) {
  if (f.ins.op1 == f.ins.op2 && !f.ins.t.is_fp()) {
    Op op = f.ins.o;
    return f.condition(op == Op::GE || op == Op::LE || op == Op::UGE || op == Op::ULE);
  }
  if (f.ins.op1 >= f.ins.op2) return kNextFold;
  // a<b is b>a: ^3 swaps LT/GT and LE/GE, keeping the unsigned bit.
  return f.retry_with(ir::op_offset(Op::LT, static_cast<int>(f.ins.o) ^ 3), f.ins.op2, f.ins.op1);
}

// ---- Algebraic simplification ------------------------------------------------

// x&x = x|x = min(x,x) = max(x,x) = x for integers.
Ref simplify_dup(FoldState& f) {
  if (f.ins.op1 == f.ins.op2 && f.ins.t.is_integer()) return f.ins.op1;
  return comm_swap(f);
}

// x^x = x-x = 0 for integers.
Ref simplify_self_zero(FoldState& f) {
  if (f.ins.op1 == f.ins.op2 && f.is_int()) return f.b.kint(0);
  return f.ins.o == Op::BXOR ? comm_swap(f) : kNextFold;
}

Ref simplify_intadd_k(FoldState& f) {
  if (f.is_int() && f.right_int() == 0) return f.ins.op1;
  return kNextFold;
}

// x-0 = x; x-k = x+(-k) so that reassociation sees ADDs only.
Ref simplify_intsub_k(FoldState& f) {
  if (!f.is_int()) return kNextFold;
  int32_t k = f.right_int();
  if (k == 0) return f.ins.op1;
  if (k == std::numeric_limits<int32_t>::min()) return kNextFold;
  return f.retry_with(Op::ADD, f.ins.op1, f.b.kint(-k));
}

// (a+b)-a = b and (a+b)-b = a for wrapping integers.
Ref simplify_intsub_addcancel(FoldState& f) {
  if (f.left_is_phi()) return kNextFold;
  if (!f.is_int() || !f.left.t.is_int()) return kNextFold;
  if (f.left.op1 == f.ins.op2) return f.left.op2;
  if (f.left.op2 == f.ins.op2) return f.left.op1;
  return kNextFold;
}

// x*0 = 0, x*1 = x, x*-1 = 0-x, x*2^n = x<<n.
Ref simplify_intmul_k(FoldState& f) {
  if (!f.is_int()) return kNextFold;
  int32_t k = f.right_int();
  if (k == 0) return f.b.kint(0);
  if (k == 1) return f.ins.op1;
  if (k == -1) return f.retry_with(Op::SUB, f.b.kint(0), f.ins.op1);
  if (k > 0 && std::has_single_bit(static_cast<uint32_t>(k)))
    return f.retry_with(Op::BSHL, f.ins.op1, f.b.kint(std::countr_zero(static_cast<uint32_t>(k))));
  return kNextFold;
}

// x&0 = 0, x&-1 = x, x|0 = x, x|-1 = -1, x^0 = x, x^-1 = ~x.
Ref simplify_bitwise_k(FoldState& f) {
  if (!f.is_int()) return kNextFold;
  int32_t k = f.right_int();
  switch (f.ins.o) {
    case Op::BAND: return k == 0 ? f.b.kint(0) : k == -1 ? f.ins.op1 : kNextFold;
    case Op::BOR: return k == 0 ? f.ins.op1 : k == -1 ? f.b.kint(-1) : kNextFold;
    case Op::BXOR:
      if (k == 0) return f.ins.op1;
      if (k == -1) return f.retry_with(Op::BNOT, f.ins.op1, 0);
      return kNextFold;
    default: return kNextFold;
  }
}

// Shift counts are masked to 5 bits; a shift by 0 is the operand.
Ref simplify_shift_k(FoldState& f) {
  if (!f.is_int()) return kNextFold;
  int32_t k = f.right_int();
  if ((k & 31) == 0) return f.ins.op1;
  if (k != (k & 31)) return f.retry_with(f.ins.o, f.ins.op1, f.b.kint(k & 31));
  return kNextFold;
}

// 0 shifted or rotated stays 0; -1 arithmetic-shifted or rotated stays -1.
Ref simplify_shift_of_k(FoldState& f) {
  if (!f.is_int()) return kNextFold;
  int32_t k = f.left_int();
  if (k == 0) return f.ins.op1;
  if (k == -1 && (f.ins.o == Op::BSAR || f.ins.o == Op::BROL || f.ins.o == Op::BROR))
    return f.ins.op1;
  return kNextFold;
}

// (x op k1) op k2 = x op (k1 op k2) for op in + * & | ^ on wrapping ints.
Ref reassoc_intarith_k(FoldState& f) {
  if (f.left_is_phi()) return kNextFold;
  if (!f.is_int() || !f.left.t.is_int() || !ir::is_constant_ref(f.left.op2) ||
      f.trace[f.left.op2].o != Op::KINT)
    return kNextFold;
  int32_t k1 = f.trace[f.left.op2].int_value();
  int32_t k = ir::semantics::int_arith(f.ins.o, k1, f.right_int());
  // (x&k1)&k2 with k = k1 is the left side itself (same for |).
  if (k == k1 && (f.ins.o == Op::BAND || f.ins.o == Op::BOR)) return f.ins.op1;
  return f.retry_with(f.ins.o, f.left.op1, f.b.kint(k));
}

// (x << k1) << k2 = x << (k1 + k2), saturating or wrapping by kind.
Ref reassoc_shift(FoldState& f) {
  if (f.left_is_phi()) return kNextFold;
  if (!f.is_int() || !f.left.t.is_int() || !ir::is_constant_ref(f.left.op2) ||
      f.trace[f.left.op2].o != Op::KINT)
    return kNextFold;
  int32_t total = (f.trace[f.left.op2].int_value() & 31) + (f.right_int() & 31);
  switch (f.ins.o) {
    case Op::BSHL:
    case Op::BSHR:
      if (total > 31) return f.b.kint(0);
      break;
    case Op::BSAR: total = std::min(total, 31); break;
    default: total &= 31; break;
  }
  return f.retry_with(f.ins.o, f.left.op1, f.b.kint(total));
}

// x + (-0) = x and x - (+0) = x exactly, for every double.
Ref simplify_numadd_negzero(FoldState& f) {
  if (f.is_num() && std::bit_cast<uint64_t>(f.right_num()) == (uint64_t{1} << 63)) return f.ins.op1;
  return kNextFold;
}
Ref simplify_numsub_zero(FoldState& f) {
  if (f.is_num() && std::bit_cast<uint64_t>(f.right_num()) == 0) return f.ins.op1;
  return kNextFold;
}

// x*1 = x/1 = x, x*-1 = x/-1 = -x, x*2 = x+x, x/2^n = x*2^-n (exact).
Ref simplify_nummuldiv_k(FoldState& f) {
  if (!f.is_num()) return kNextFold;
  double k = f.right_num();
  if (k == 1.0) return f.ins.op1;
  if (k == -1.0) return f.retry_with(Op::NEG, f.ins.op1, f.b.knum(-0.0));
  if (f.ins.o == Op::MUL && k == 2.0) return f.retry_with(Op::ADD, f.ins.op1, f.ins.op1);
  if (f.ins.o == Op::DIV && std::isfinite(k) && k != 0) {
    int exponent;
    double mantissa = std::frexp(k, &exponent);
    double inverse = 1.0 / k;
    if (std::fabs(mantissa) == 0.5 && std::isnormal(inverse) && inverse * k == 1.0)
      return f.retry_with(Op::MUL, f.ins.op1, f.b.knum(inverse));
  }
  return kNextFold;
}

// -(-x) = x, ~~x = x, bswap(bswap x) = x, |(|x|)| = |x|.
Ref simplify_involution(FoldState& f) {
  if (f.left_is_phi()) return kNextFold;
  if (f.ins.t.bits != (f.left.t.bits & ~ir::Type::kMark)) return kNextFold;
  return f.ins.o == Op::ABS ? f.ins.op1 : f.left.op1;
}

// |-x| = |x|.
Ref simplify_absneg(FoldState& f) {
  if (f.left_is_phi()) return kNextFold;
  if (!f.is_num() || !f.left.t.is_num()) return kNextFold;
  return f.retry_with(Op::ABS, f.left.op1, f.ins.op2);
}

// int(num(x)) = x: converting an int to a number and back is exact.
Ref simplify_conv_int_num(FoldState& f) {
  if (f.left_is_phi()) return kNextFold;
  if (ir::conv::source(f.left.op2) != IrType::INT || ir::conv::dest(f.left.op2) != IrType::NUM)
    return kNextFold;
  if (!f.ins.t.is_int()) return kNextFold;
  return f.left.op1;
}

// ---- ABC ---------------------------------------------------------------------

// ABC len, k after ABC len, k0 (unsigned): one check of the larger
// constant proves both, so the later one goes and the earlier one is
// widened to the larger constant (LuaJIT's abc_k). Widening makes the
// trace exit at the earlier check where it would have exited at the later
// one: an earlier exit to a consistent snapshot, not an equivalence.
// A PHI'd length changes at the back edge: not across it.
Ref abc_k(FoldState& f) {
  if (!f.options.has(Flag::kAbc) || f.left_is_phi()) return kNextFold;
  uint32_t k = static_cast<uint32_t>(f.right_int());
  for (Ref r = f.trace.chain(Op::ABC); r > f.ins.op1; r = f.trace[r].prev) {
    Ins& abc = f.trace[r];
    if (abc.op1 != f.ins.op1 || !ir::is_constant_ref(abc.op2) || f.trace[abc.op2].o != Op::KINT)
      continue;
    if (k > static_cast<uint32_t>(f.trace[abc.op2].int_value())) abc.op2 = f.ins.op2;
    return kDropFold;
  }
  return kNextFold;
}

// ABC len, (i+k)+(-k) after ABC len, i: the same index, already checked
// (LuaJIT's abc_fwd: after LOOP, t[i-1] with i+1 PHI'd, which FOLD's
// reassociation may not look through). Searched only below i and len, so
// the earlier check saw the same values — or, for a PHI'd i, its value in
// the previous iteration, which that iteration's copy of the check saw.
Ref abc_fwd(FoldState& f) {
  if (!f.options.has(Flag::kAbc) || f.left_is_phi()) return kNextFold;
  if (!ir::is_constant_ref(f.right.op2) || f.trace[f.right.op2].o != Op::KINT ||
      ir::is_constant_ref(f.right.op1))
    return kNextFold;
  const Ins& inner = f.trace[f.right.op1];
  if (inner.o != Op::ADD || !ir::is_constant_ref(inner.op2) || f.trace[inner.op2].o != Op::KINT)
    return kNextFold;
  int64_t k_outer = f.trace[f.right.op2].int_value(), k_inner = f.trace[inner.op2].int_value();
  if (k_outer != -k_inner) return kNextFold;
  Ref index = inner.op1;
  Ref limit = std::max<Ref>(index, f.ins.op1);
  for (Ref r = f.trace.chain(Op::ABC); r > limit; r = f.trace[r].prev)
    if (f.trace[r].op1 == f.ins.op1 && f.trace[r].op2 == index) return kDropFold;
  return kNextFold;
}

// An ABC the recorder typed non-int (P32, or U32 for a constant length)
// is one it proved invariant: it also checked the loop's last index before
// the loop (LuaJIT's rec_idx_abc). After LOOP its copy is dropped when the
// length is invariant too (LuaJIT's abc_invar).
Ref abc_invar(FoldState& f) {
  Ref loop = f.trace.chain(Op::LOOP);
  if (f.ins.t.is_int() || !loop || f.ins.op1 >= loop) return kNextFold;
  if (!ir::is_constant_ref(f.ins.op1) && f.left.t.is_phi()) return kNextFold;
  return kDropFold;
}

// ---- The rule table ----------------------------------------------------------

// Pattern names: opcodes, "any", and the CONV literals rules match on.
namespace pattern {
#define LJ_FOLD_OPPATTERN(name, mode, m1, m2) \
  inline constexpr uint16_t name = static_cast<uint16_t>(Op::name);
LJ_IR_OPDEF(LJ_FOLD_OPPATTERN)
#undef LJ_FOLD_OPPATTERN
inline constexpr uint16_t any = 0xffff;
inline constexpr uint16_t INT_NUM = ir::conv::mode(IrType::INT, IrType::NUM);
}  // namespace pattern

// (rule, instruction, left operand, right operand); tried in this order
// within one key, keys from most to least specific.
#define LJ_FOLD_RULEDEF(_) \
  _(kfold_numarith, ADD, KNUM, KNUM) \
  _(kfold_numarith, SUB, KNUM, KNUM) \
  _(kfold_numarith, MUL, KNUM, KNUM) \
  _(kfold_numarith, DIV, KNUM, KNUM) \
  _(kfold_numarith, MOD, KNUM, KNUM) \
  _(kfold_numarith, POW, KNUM, KNUM) \
  _(kfold_numarith, MIN, KNUM, KNUM) \
  _(kfold_numarith, MAX, KNUM, KNUM) \
  _(kfold_numarith, NEG, KNUM, any) \
  _(kfold_numarith, ABS, KNUM, any) \
  _(kfold_fpmath, FPMATH, KNUM, any) \
  _(kfold_intarith, ADD, KINT, KINT) \
  _(kfold_intarith, SUB, KINT, KINT) \
  _(kfold_intarith, MUL, KINT, KINT) \
  _(kfold_intarith, MOD, KINT, KINT) \
  _(kfold_intarith, BAND, KINT, KINT) \
  _(kfold_intarith, BOR, KINT, KINT) \
  _(kfold_intarith, BXOR, KINT, KINT) \
  _(kfold_intarith, BSHL, KINT, KINT) \
  _(kfold_intarith, BSHR, KINT, KINT) \
  _(kfold_intarith, BSAR, KINT, KINT) \
  _(kfold_intarith, BROL, KINT, KINT) \
  _(kfold_intarith, BROR, KINT, KINT) \
  _(kfold_intarith, MIN, KINT, KINT) \
  _(kfold_intarith, MAX, KINT, KINT) \
  _(kfold_intunary, NEG, KINT, any) \
  _(kfold_intunary, BNOT, KINT, any) \
  _(kfold_intunary, BSWAP, KINT, any) \
  _(kfold_intov, ADDOV, KINT, KINT) \
  _(kfold_intov, SUBOV, KINT, KINT) \
  _(kfold_intov, MULOV, KINT, KINT) \
  _(kfold_int64arith, ADD, KINT64, KINT64) \
  _(kfold_int64arith, SUB, KINT64, KINT64) \
  _(kfold_int64arith, MUL, KINT64, KINT64) \
  _(kfold_int64arith, BAND, KINT64, KINT64) \
  _(kfold_int64arith, BOR, KINT64, KINT64) \
  _(kfold_int64arith, BXOR, KINT64, KINT64) \
  _(kfold_int64arith, BSHL, KINT64, KINT) \
  _(kfold_int64arith, BSHR, KINT64, KINT) \
  _(kfold_int64arith, BSAR, KINT64, KINT) \
  _(kfold_int64arith, BROL, KINT64, KINT) \
  _(kfold_int64arith, BROR, KINT64, KINT) \
  _(kfold_compare, LT, KNUM, KNUM) \
  _(kfold_compare, GE, KNUM, KNUM) \
  _(kfold_compare, LE, KNUM, KNUM) \
  _(kfold_compare, GT, KNUM, KNUM) \
  _(kfold_compare, ULT, KNUM, KNUM) \
  _(kfold_compare, UGE, KNUM, KNUM) \
  _(kfold_compare, ULE, KNUM, KNUM) \
  _(kfold_compare, UGT, KNUM, KNUM) \
  _(kfold_compare, EQ, KNUM, KNUM) \
  _(kfold_compare, NE, KNUM, KNUM) \
  _(kfold_compare, LT, KINT, KINT) \
  _(kfold_compare, GE, KINT, KINT) \
  _(kfold_compare, LE, KINT, KINT) \
  _(kfold_compare, GT, KINT, KINT) \
  _(kfold_compare, ULT, KINT, KINT) \
  _(kfold_compare, UGE, KINT, KINT) \
  _(kfold_compare, ULE, KINT, KINT) \
  _(kfold_compare, UGT, KINT, KINT) \
  _(kfold_compare, EQ, KINT, KINT) \
  _(kfold_compare, NE, KINT, KINT) \
  _(kfold_compare, LT, KINT64, KINT64) \
  _(kfold_compare, GE, KINT64, KINT64) \
  _(kfold_compare, LE, KINT64, KINT64) \
  _(kfold_compare, GT, KINT64, KINT64) \
  _(kfold_compare, ULT, KINT64, KINT64) \
  _(kfold_compare, UGE, KINT64, KINT64) \
  _(kfold_compare, ULE, KINT64, KINT64) \
  _(kfold_compare, UGT, KINT64, KINT64) \
  _(kfold_compare, EQ, KINT64, KINT64) \
  _(kfold_compare, NE, KINT64, KINT64) \
  _(kfold_kref_equal, EQ, KPRI, KPRI) \
  _(kfold_kref_equal, NE, KPRI, KPRI) \
  _(kfold_kref_equal, EQ, KGC, KGC) \
  _(kfold_kref_equal, NE, KGC, KGC) \
  _(kfold_abc, ABC, KINT, KINT) \
  _(abc_k, ABC, any, KINT) \
  _(abc_fwd, ABC, any, ADD) \
  _(abc_invar, ABC, any, any) \
  _(kfold_conv, CONV, KINT, any) \
  _(kfold_conv, CONV, KNUM, any) \
  _(kfold_conv, CONV, KINT64, any) \
  _(kfold_tobit, TOBIT, KNUM, KNUM) \
  _(simplify_conv_int_num, CONV, CONV, INT_NUM) \
  _(narrow_convert, CONV, ADD, INT_NUM) \
  _(narrow_convert, CONV, SUB, INT_NUM) \
  _(narrow_convert, TOBIT, ADD, KNUM) \
  _(narrow_convert, TOBIT, SUB, KNUM) \
  _(simplify_intadd_k, ADD, any, KINT) \
  _(simplify_numadd_negzero, ADD, any, KNUM) \
  _(simplify_intsub_k, SUB, any, KINT) \
  _(simplify_numsub_zero, SUB, any, KNUM) \
  _(simplify_intsub_addcancel, SUB, ADD, any) \
  _(simplify_intmul_k, MUL, any, KINT) \
  _(simplify_nummuldiv_k, MUL, any, KNUM) \
  _(simplify_nummuldiv_k, DIV, any, KNUM) \
  _(simplify_bitwise_k, BAND, any, KINT) \
  _(simplify_bitwise_k, BOR, any, KINT) \
  _(simplify_bitwise_k, BXOR, any, KINT) \
  _(reassoc_intarith_k, ADD, ADD, KINT) \
  _(reassoc_intarith_k, MUL, MUL, KINT) \
  _(reassoc_intarith_k, BAND, BAND, KINT) \
  _(reassoc_intarith_k, BOR, BOR, KINT) \
  _(reassoc_intarith_k, BXOR, BXOR, KINT) \
  _(reassoc_shift, BSHL, BSHL, KINT) \
  _(reassoc_shift, BSHR, BSHR, KINT) \
  _(reassoc_shift, BSAR, BSAR, KINT) \
  _(reassoc_shift, BROL, BROL, KINT) \
  _(reassoc_shift, BROR, BROR, KINT) \
  _(simplify_shift_k, BSHL, any, KINT) \
  _(simplify_shift_k, BSHR, any, KINT) \
  _(simplify_shift_k, BSAR, any, KINT) \
  _(simplify_shift_k, BROL, any, KINT) \
  _(simplify_shift_k, BROR, any, KINT) \
  _(simplify_shift_of_k, BSHL, KINT, any) \
  _(simplify_shift_of_k, BSHR, KINT, any) \
  _(simplify_shift_of_k, BSAR, KINT, any) \
  _(simplify_shift_of_k, BROL, KINT, any) \
  _(simplify_shift_of_k, BROR, KINT, any) \
  _(simplify_involution, NEG, NEG, any) \
  _(simplify_involution, BNOT, BNOT, any) \
  _(simplify_involution, BSWAP, BSWAP, any) \
  _(simplify_involution, ABS, ABS, any) \
  _(simplify_absneg, ABS, NEG, any) \
  _(simplify_self_zero, SUB, any, any) \
  _(simplify_self_zero, BXOR, any, any) \
  _(simplify_dup, BAND, any, any) \
  _(simplify_dup, BOR, any, any) \
  _(simplify_dup, MIN, any, any) \
  _(simplify_dup, MAX, any, any) \
  _(comm_swap, ADD, any, any) \
  _(comm_swap, MUL, any, any) \
  _(comm_swap, ADDOV, any, any) \
  _(comm_swap, MULOV, any, any) \
  _(comm_equal, EQ, any, any) \
  _(comm_equal, NE, any, any) \
  _(comm_compare, LT, any, any) \
  _(comm_compare, GE, any, any) \
  _(comm_compare, LE, any, any) \
  _(comm_compare, GT, any, any) \
  _(comm_compare, ULT, any, any) \
  _(comm_compare, UGE, any, any) \
  _(comm_compare, ULE, any, any) \
  _(comm_compare, UGT, any, any) \
  _(fwd_load, ALOAD, any, any) \
  _(fwd_load, HLOAD, any, any) \
  _(fwd_load, ULOAD, any, any) \
  _(fwd_load, FLOAD, any, any) \
  _(dse_store, ASTORE, any, any) \
  _(dse_store, HSTORE, any, any) \
  _(dse_store, USTORE, any, any) \
  _(dse_store, FSTORE, any, any) \
  _(cse_reference, HREF, any, any) \
  _(cse_reference, UREFO, any, any) \
  _(cse_reference, UREFC, any, any)

uint64_t rule_key(uint16_t op, uint16_t left, uint16_t right) {
  return (uint64_t{op} << 32) | (uint64_t{left} << 16) | right;
}

const absl::flat_hash_map<uint64_t, std::vector<Rule>>& rule_table() {
  static const auto* table = [] {
    auto* t = new absl::flat_hash_map<uint64_t, std::vector<Rule>>();
#define LJ_FOLD_RULEENTRY(rule, ins, left, right) \
  (*t)[rule_key(pattern::ins, pattern::left, pattern::right)].push_back(&rule);
    LJ_FOLD_RULEDEF(LJ_FOLD_RULEENTRY)
#undef LJ_FOLD_RULEENTRY
    return t;
  }();
  return *table;
}

// The key part for one operand: the operand instruction's opcode, or the
// literal's low 10 bits (CONV rules match on the conversion's types).
uint16_t operand_key(const ir::Trace& trace, ir::OperandKind kind, Ref operand, Ins* copy) {
  if (kind == ir::OperandKind::ref && operand >= trace.nk() && operand < trace.nins()) {
    *copy = trace[operand];
    return static_cast<uint16_t>(copy->o);
  }
  if (kind == ir::OperandKind::lit) return static_cast<uint16_t>(operand & 0x3ff);
  return 0xfffe;
}

}  // namespace

ir::Ref FoldEngine::fold(ir::Builder& builder, ir::Ins ins) {
  // As LuaJIT: without FOLD only CSE; loads are forwarded only with FOLD,
  // FWD and CSE; stores are eliminated only with FOLD and DSE.
  ir::OpKind kind = ins.op_info().kind;
  bool fold = options_.has(Flag::kFold);
  if (!fold && kind == ir::OpKind::kNormal) return builder.cse_or_append(ins);
  if (kind == ir::OpKind::kLoad && ins.o != Op::SLOAD &&
      !(fold && options_.has(Flag::kFwd) && options_.has(Flag::kCse)))
    return builder.append(ins);
  if (kind == ir::OpKind::kStore && !(fold && options_.has(Flag::kDse)))
    return builder.append(ins);
  if (!fold) return builder.cse_or_append(ins);
  const auto& table = rule_table();
  FoldState f{builder, options_, builder.trace(), ins, Ins{}, Ins{}, narrow_cache_, binding_};
  for (int retries = 0; retries < 100; ++retries) {
    const ir::OpInfo& oi = f.ins.op_info();
    uint16_t op = static_cast<uint16_t>(f.ins.o);
    uint16_t left = operand_key(f.trace, oi.op1, f.ins.op1, &f.left);
    uint16_t right = operand_key(f.trace, oi.op2, f.ins.op2, &f.right);
    const uint64_t keys[] = {rule_key(op, left, right), rule_key(op, pattern::any, right),
                             rule_key(op, left, pattern::any),
                             rule_key(op, pattern::any, pattern::any)};
    Ref result = kNextFold;
    for (uint64_t key : keys) {
      auto it = table.find(key);
      if (it == table.end()) continue;
      for (Rule rule : it->second) {
        result = rule(f);
        if (result != kNextFold) break;
      }
      if (result != kNextFold) break;
    }
    if (result == kRetryFold) continue;
    if (result == kFailFold) throw ir::TraceAbort(ir::AbortReason::kGuardFail);
    if (result == kDropFold) return ir::kRefDrop;
    if (result == kNextFold) return builder.cse_or_append(f.ins);
    return result;
  }
  return builder.cse_or_append(f.ins);
}

}  // namespace lj::opt
