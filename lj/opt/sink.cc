// SINK: allocation sinking (after LuaJIT's lj_opt_sink).
#include <vector>

#include "lj/opt/opt.h"

namespace lj::opt {

using ir::Ins;
using ir::Op;
using ir::Ref;

namespace {

class Sinker {
 public:
  explicit Sinker(ir::Trace& trace)
      : trace_(trace), escapes_(trace.nins() - ir::kRefBias, false) {}

  int run() {
    mark_last_snapshot();
    mark_snapshot_values();
    mark_escapes();
    return sweep();
  }

 private:
  void mark(Ref r) {
    if (r >= ir::kRefFirst && r < trace_.nins()) escapes_[r - ir::kRefBias] = true;
  }
  bool escapes(Ref r) const { return escapes_[r - ir::kRefBias]; }

  // The trace's last snapshot describes the state it leaves behind (for
  // the trace it links to, or the next round of a self-linked trace): its
  // objects must exist for real.
  void mark_last_snapshot() {
    if (trace_.snaps.empty()) return;
    size_t n = trace_.snaps.size() - 1;
    Ref loop = trace_.chain(Op::LOOP);
    if (loop) n = static_cast<size_t>(trace_.snapshot_for(loop));
    for (uint32_t e = 0; e < trace_.snaps[n].nent; ++e) mark(trace_.snapshot_entries(n)[e].ref());
  }

  // Exits restore snapshot values: everything but an allocation (which an
  // exit can rebuild) must really be computed.
  void mark_snapshot_values() {
    for (size_t n = 0; n < trace_.snaps.size(); ++n)
      for (uint32_t e = 0; e < trace_.snaps[n].nent; ++e) {
        Ref r = trace_.snapshot_entries(n)[e].ref();
        if (r >= ir::kRefFirst && trace_[r].o != Op::TNEW && trace_[r].o != Op::TDUP) mark(r);
      }
  }

  // Backwards: whatever a live use needs escapes. Stores into an allocation
  // (constant key) do not make it escape, the stored value does; guards,
  // PHIs, side effects and escaping values make their operands escape.
  void mark_escapes() {
    for (Ref r = trace_.nins() - 1; r >= ir::kRefFirst; --r) {
      const Ins& ins = trace_[r];
      const ir::OpInfo& oi = ins.op_info();
      bool store = oi.kind == ir::OpKind::kStore && ins.o >= Op::ASTORE && ins.o <= Op::XSTORE;
      if (store) {
        if (!ir::allocation_of(trace_, ins.op1)) mark(ins.op1);
        mark(ins.op2);
        continue;
      }
      // NEWREF only makes room in the table: a sunk table can take it.
      if (ins.o == Op::NEWREF && !escapes(r)) {
        mark(ins.op2);
        continue;
      }
      bool live = escapes(r) || ins.t.is_guard() || oi.kind == ir::OpKind::kStore;
      if (!live) continue;
      if (oi.op1 == ir::OperandKind::ref) mark(ins.op1);
      if (oi.op2 == ir::OperandKind::ref) mark(ins.op2);
    }
  }

  int sweep() {
    int sunk = 0;
    for (Ref r = ir::kRefFirst; r < trace_.nins(); ++r) {
      Ins& ins = trace_[r];
      if ((ins.o == Op::TNEW || ins.o == Op::TDUP) && !escapes(r)) {
        trace_.set_sunk(r);
        ins.t.bits &= static_cast<uint8_t>(~ir::Type::kGuard);
        ++sunk;
      } else if (ins.op_info().kind == ir::OpKind::kStore && ins.o >= Op::ASTORE &&
                 ins.o <= Op::XSTORE) {
        Ref alloc = ir::allocation_of(trace_, ins.op1);
        if (alloc && trace_.is_sunk(alloc)) trace_.set_sunk(r);
      }
    }
    return sunk;
  }

  ir::Trace& trace_;
  std::vector<bool> escapes_;
};

}  // namespace

int sink_allocations(ir::Trace& trace) { return Sinker(trace).run(); }

}  // namespace lj::opt
