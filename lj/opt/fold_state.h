// Internal to lj/opt: the state FOLD rules see, shared by fold.cc and the
// memory rules in memory.cc. Not part of the public interface.
#pragma once

#include "lj/ir/builder.h"
#include "lj/ir/eval.h"
#include "lj/opt/opt.h"

namespace lj::opt::fold_internal {

using ir::Ins;
using ir::IrType;
using ir::Op;
using ir::Ref;
using ir::Type;
using ir::Value;

// Rule results that are not references.
constexpr Ref kNextFold = 0x10000;   // this rule does not apply
constexpr Ref kRetryFold = 0x10001;  // the instruction changed: fold again
constexpr Ref kFailFold = 0x10002;   // a guard that always fails
constexpr Ref kDropFold = 0x10003;   // a guard that always holds

struct FoldState {
  ir::Builder& b;
  const Options& options;
  ir::Trace& trace;
  Ins ins;    // the instruction being folded (rules may rewrite it)
  Ins left;   // trace[ins.op1] when op1 is a reference
  Ins right;  // trace[ins.op2] when op2 is a reference
  NarrowCache& narrow;  // NARROW's backprop cache (narrow.cc)
  const ir::Binding* binding;  // may be null

  int32_t left_int() const { return left.int_value(); }
  int32_t right_int() const { return right.int_value(); }
  double left_num() const { return trace.number(ins.op1); }
  double right_num() const { return trace.number(ins.op2); }
  Value constant(Ref k) const {
    const Ins& c = trace[k];
    if (c.o == Op::KINT) return Value::integer(c.int_value());
    if (c.o == Op::KPRI) return Value{c.t.base(), 0};
    return Value{c.t.base(), trace.payload64(k)};
  }
  Ref konst(const Value& v) {
    switch (v.type) {
      case IrType::NUM: return b.knum(v.as_num());
      case IrType::INT: return b.kint(v.as_int());
      case IrType::I64:
      case IrType::U64: return trace.konst(Op::KINT64, Type(v.type), v.bits);
      default: return kNextFold;
    }
  }
  Ref condition(bool always_true) { return always_true ? kDropFold : kFailFold; }
  Ref retry_with(Op op, Ref op1, Ref op2) {
    ins.o = op;
    ins.op1 = static_cast<ir::Ref1>(op1);
    ins.op2 = static_cast<ir::Ref1>(op2);
    return kRetryFold;
  }
  bool is_int() const { return ins.t.is_int(); }
  // A PHI's left operand changes at the back edge: rules must not look
  // through it to its definition (LuaJIT's PHIBARRIER).
  bool left_is_phi() const { return left.t.is_phi(); }
  bool is_num() const { return ins.t.is_num(); }
};


// Memory rules (memory.cc).
Ref fwd_load(FoldState& f);    // ALOAD HLOAD ULOAD FLOAD: FWD + load CSE
Ref dse_store(FoldState& f);   // ASTORE HSTORE USTORE FSTORE: DSE
Ref cse_reference(FoldState& f);  // HREF NEWREF UREFO UREFC: CSE as FWD allows

// NARROW (narrow.cc): CONV int.num / TOBIT of an ADD/SUB tree.
Ref narrow_convert(FoldState& f);

}  // namespace lj::opt::fold_internal
