#include "lj/opt/opt.h"

namespace lj::opt {

using ir::Ins;
using ir::Ref;
using ir::Trace;

namespace {

// Stores, calls with effects, and non-weak guards must stay even if unused.
bool has_side_effect(const Ins& ins) {
  const ir::OpInfo& oi = ins.op_info();
  if (oi.kind == ir::OpKind::kStore) return true;
  return ins.t.is_guard() && !oi.weak_guard;
}

void mark(Trace& trace, Ref r) {
  if (r >= ir::kRefFirst && r < trace.nins()) trace[r].t.set_mark();
}

}  // namespace

// One backward sweep: an instruction lives if it is marked (used by a live
// one or a snapshot) or has a side effect; a live one marks its operands.
void eliminate_dead_code(Trace& trace) {
  for (size_t n = 0; n < trace.snaps.size(); ++n) {
    const ir::SnapEntry* entries = trace.snapshot_entries(n);
    for (uint32_t e = 0; e < trace.snaps[n].nent; ++e) mark(trace, entries[e].ref());
  }
  for (Ref r = trace.nins() - 1; r >= ir::kRefFirst; --r) {
    Ins& ins = trace[r];
    if (ins.t.is_marked()) {
      ins.t.clear_mark();
    } else if (!has_side_effect(ins) && ins.o != ir::Op::LOOP && ins.o != ir::Op::NOP) {
      ins = Ins{};  // a NOP; chains are rebuilt once at the end
      continue;
    }
    // Literal operands are below the bias, so they never mark anything.
    const ir::OpInfo& oi = ins.op_info();
    if (oi.op1 == ir::OperandKind::ref) mark(trace, ins.op1);
    if (oi.op2 == ir::OperandKind::ref) mark(trace, ins.op2);
  }
  trace.rebuild_chains();
}

}  // namespace lj::opt
