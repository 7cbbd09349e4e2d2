// Memory optimizations as FOLD rules (after LuaJIT's lj_opt_mem): alias
// analysis of references, load forwarding from stores (FWD), load CSE, and
// dead-store elimination (DSE).
//
// A memory reference is AREF (array slot), HREFK/HREF/NEWREF (hash slot),
// FREF (field) or UREFO/UREFC (upvalue); FLOAD names its field directly.
// Array slots, hash slots, fields and upvalues are disjoint memories, as in
// the reference evaluator.
#include <algorithm>
#include <optional>

#include "lj/opt/fold_state.h"

namespace lj::opt::fold_internal {
namespace {

enum class Alias { kNo, kMay, kMust };

// A reference as (memory family, object, key) for comparison.
struct Address {
  Op family;   // AREF, HREF (for all hash refs), FREF, UREFO (for both)
  Ref object;  // the object's reference
  Ref key;     // index / key reference, or the literal field / upvalue
  bool literal_key;
};

// The object behind an array base: `FLOAD obj tab.array` stands for obj.
Ref base_object(const ir::Trace& t, Ref r) {
  if (!ir::is_constant_ref(r) && t[r].o == Op::FLOAD) return t[r].op1;
  return r;
}

Address address_of(const ir::Trace& t, Ref r) {
  const Ins& ref = t[r];
  switch (ref.o) {
    case Op::AREF: return {Op::AREF, base_object(t, ref.op1), ref.op2, false};
    case Op::HREFK: return {Op::HREF, ref.op1, t[ref.op2].op1, false};
    case Op::HREF:
    case Op::NEWREF: return {Op::HREF, ref.op1, ref.op2, false};
    case Op::FREF: return {Op::FREF, ref.op1, ref.op2, true};
    case Op::UREFO:
    case Op::UREFC: return {Op::UREFO, ref.op1, static_cast<Ref>(ref.op2 & 0xff), true};
    default: lj::check(false, "not a memory reference"); return {};
  }
}

bool is_allocation(const ir::Trace& t, Ref r) {
  return !ir::is_constant_ref(r) && (t[r].o == Op::TNEW || t[r].o == Op::TDUP);
}

// Two objects are surely different when both were allocated in this trace.
Alias alias_objects(const ir::Trace& t, Ref a, Ref b) {
  if (a == b) return Alias::kMust;
  if (is_allocation(t, a) && is_allocation(t, b)) return Alias::kNo;
  return Alias::kMay;
}

// x vs x+k (k != 0) and x+k1 vs x+k2 are different integers.
bool surely_different_index(const ir::Trace& t, Ref a, Ref b) {
  auto split = [&](Ref r, Ref* base, int64_t* offset) {
    *base = r;
    *offset = 0;
    if (!ir::is_constant_ref(r) && t[r].o == Op::ADD && t[r].t.is_int() &&
        ir::is_constant_ref(t[r].op2) && t[t[r].op2].o == Op::KINT) {
      *base = t[r].op1;
      *offset = t[t[r].op2].int_value();
    }
  };
  Ref base_a, base_b;
  int64_t off_a, off_b;
  split(a, &base_a, &off_a);
  split(b, &base_b, &off_b);
  return base_a == base_b && off_a != off_b;
}

Alias alias_keys(const ir::Trace& t, const Address& a, const Address& b) {
  if (a.key == b.key) return Alias::kMust;
  if (a.literal_key) return Alias::kNo;
  bool const_a = ir::is_constant_ref(a.key), const_b = ir::is_constant_ref(b.key);
  // Interned constants: different references, different values.
  if (const_a && const_b) return Alias::kNo;
  if (t[a.key].t.base() != t[b.key].t.base()) return Alias::kNo;
  if (a.family == Op::AREF && surely_different_index(t, a.key, b.key)) return Alias::kNo;
  return Alias::kMay;
}

Alias alias(const ir::Trace& t, const Address& a, const Address& b) {
  if (a.family != b.family) return Alias::kNo;
  Alias keys = alias_keys(t, a, b);
  if (keys == Alias::kNo) return Alias::kNo;
  Alias objects = alias_objects(t, a.object, b.object);
  if (objects == Alias::kNo) return Alias::kNo;
  return keys == Alias::kMust && objects == Alias::kMust ? Alias::kMust : Alias::kMay;
}

// The address a load reads: FLOAD's is (object, field) without a FREF.
Address load_address(const ir::Trace& t, const Ins& load) {
  if (load.o == Op::FLOAD) return {Op::FREF, load.op1, load.op2, true};
  return address_of(t, load.op1);
}

// Calls with side effects may write any memory.
Ref newest_call_barrier(const ir::Trace& t) {
  return std::max<Ref>(t.chain(Op::CALLS), t.chain(Op::CALLXS));
}

// The constant for a template value (TDUP), or kNextFold.
Ref template_constant(FoldState& f, const Value& v) {
  switch (v.type) {
    case IrType::NIL: case IrType::FALSE: case IrType::TRUE: return f.b.kpri(v.type);
    case IrType::NUM: return f.b.knum(v.as_num());
    case IrType::INT: return f.b.kint(v.as_int());
    default: return ir::Type(v.type).is_gc() ? f.b.kgc(v.type, v.bits) : kNextFold;
  }
}

// What a fresh table holds at `address` before any store: nil for TNEW;
// for TDUP at a constant key, the template's value as the binding tells.
std::optional<Value> fresh_table_value(FoldState& f, const Address& address) {
  const ir::Trace& t = f.trace;
  const Ins& alloc = t[address.object];
  if (alloc.o == Op::TNEW) return Value::nil();
  if (!f.binding || !f.binding->template_value || !ir::is_constant_ref(address.key) ||
      !ir::is_constant_ref(alloc.op1))
    return std::nullopt;
  ir::TablePart part = address.family == Op::AREF ? ir::TablePart::kArray : ir::TablePart::kHash;
  return f.binding->template_value(f.constant(alloc.op1), part, f.constant(address.key));
}

// An array or hash slot of a table this trace allocated (TNEW, TDUP), which
// no store may have written since (the store search reached below the
// allocation): nil, or TDUP's template value, as LuaJIT's fwd_ahload folds
// it. A load checked for another type always fails.
Ref load_from_fresh_table(FoldState& f, const Address& address, Ref store_limit) {
  const ir::Trace& t = f.trace;
  if (f.ins.o != Op::ALOAD && f.ins.o != Op::HLOAD) return kNextFold;
  if (!is_allocation(t, address.object) || store_limit >= address.object) return kNextFold;
  std::optional<Value> value = fresh_table_value(f, address);
  if (!value) return kNextFold;
  if (f.ins.t.base() == value->type) return template_constant(f, *value);
  return f.ins.t.is_guard() ? kFailFold : kNextFold;
}

}  // namespace

// Load: forward the value of the newest store that surely writes the same
// place; else reuse an identical load not separated from us by a store that
// may write it.
Ref fwd_load(FoldState& f) {
  if (!f.options.has(Flag::kFwd)) return kNextFold;
  const ir::Trace& t = f.trace;
  Address address = load_address(t, f.ins);
  Ref limit = std::max<Ref>(newest_call_barrier(t), ir::kRefFirst - 1);
  Op store_op = ir::op_offset(f.ins.o, ir::kLoadToStore);
  for (Ref r = t.chain(store_op); r > limit; r = t[r].prev) {
    const Ins& store = t[r];
    Alias a = alias(t, address, address_of(t, store.op1));
    if (a == Alias::kNo) continue;
    if (a == Alias::kMay) {
      limit = r;
      break;
    }
    Ref value = store.op2;
    bool same_type = t[value].t.base() == f.ins.t.base();
    if (same_type) return value;
    // A type-checked load of a value of another type always fails.
    return f.ins.t.is_guard() ? kFailFold : value;
  }
  if (Ref fresh = load_from_fresh_table(f, address, limit); fresh != kNextFold) return fresh;
  for (Ref r = t.chain(f.ins.o); r > limit; r = t[r].prev) {
    const Ins& load = t[r];
    if (load.op1 == f.ins.op1 && load.op2 == f.ins.op2 &&
        load.t.base() == f.ins.t.base() &&
        (load.t.is_guard() || !f.ins.t.is_guard()))
      return r;
  }
  return kNextFold;
}

// Store: a store of the value the place already holds is dropped; an
// earlier store to the same place that nothing could observe (no guard,
// load or call since, not across LOOP) is removed.
Ref dse_store(FoldState& f) {
  if (!f.options.has(Flag::kDse)) return kNextFold;
  ir::Trace& t = f.trace;
  Address address = address_of(t, f.ins.op1);
  Ref limit = std::max<Ref>({newest_call_barrier(t), t.chain(Op::LOOP), ir::kRefFirst - 1});
  Op load_op = ir::op_offset(f.ins.o, -ir::kLoadToStore);
  for (Ref r = t.chain(f.ins.o); r > limit; r = t[r].prev) {
    const Ins& store = t[r];
    Alias a = alias(t, address, address_of(t, store.op1));
    if (a == Alias::kNo) continue;
    if (a == Alias::kMay) {
      if (store.op2 != f.ins.op2) return kNextFold;
      continue;
    }
    if (store.op2 == f.ins.op2) return kDropFold;
    for (Ref between = t.nins() - 1; between > r; --between) {
      const Ins& ins = t[between];
      if (ins.t.is_guard() || ins.o == load_op || ins.o == Op::ALEN ||
          ins.op_info().kind == ir::OpKind::kStore)
        return kNextFold;
    }
    t.make_nop(r);
    return kNextFold;
  }
  return kNextFold;
}

// HREF/UREF are loads of a slot's address: equal ones are the same place
// unless a NEWREF or a call came between.
Ref cse_reference(FoldState& f) {
  if (!f.options.has(Flag::kFwd)) return kNextFold;
  const ir::Trace& t = f.trace;
  Ref limit = std::max<Ref>({newest_call_barrier(t), t.chain(Op::NEWREF), f.ins.op1});
  for (Ref r = t.chain(f.ins.o); r > limit; r = t[r].prev)
    if (t[r].op12() == f.ins.op12() && t[r].t == f.ins.t) return r;
  return kNextFold;
}

}  // namespace lj::opt::fold_internal
