// SINK: allocation sinking (after LuaJIT's lj_opt_sink).
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"

#include "lj/opt/opt.h"

namespace lj::opt {

using ir::Ins;
using ir::Op;
using ir::Ref;

namespace {

bool is_allocation(Op op) { return op == Op::TNEW || op == Op::TDUP; }

class Sinker {
 public:
  explicit Sinker(ir::Trace& trace)
      : trace_(trace), escapes_(size(), false) {}

  int run() {
    bool loop = trace_.chain(Op::LOOP) != 0;
    if (loop) mark_unjoined_loop_allocations();
    else mark_last_snapshot();
    mark_snapshot_values();
    mark_escapes();
    if (loop) remark_phis();
    return sweep();
  }

 private:
  size_t size() const { return static_cast<size_t>(trace_.nins() - ir::kRefBias); }
  static size_t index(Ref r) { return static_cast<size_t>(r - ir::kRefBias); }
  void mark(Ref r) {
    if (r >= ir::kRefFirst && r < trace_.nins()) escapes_[index(r)] = true;
  }
  bool escapes(Ref r) const { return escapes_[index(r)]; }

  // A trace without LOOP leaves its last snapshot's objects to whatever
  // runs next: they must exist for real.
  void mark_last_snapshot() {
    if (trace_.snaps.empty()) return;
    size_t n = trace_.snaps.size() - 1;
    for (uint32_t e = 0; e < trace_.snaps[n].nent; ++e) mark(trace_.snapshot_entries(n)[e].ref());
  }

  // With LOOP the loop snapshot's allocations are PHI operands, which the
  // PHI rules below decide about (LuaJIT does not mark that snapshot). An
  // allocation there that no PHI joins could not be rebuilt: keep it.
  void mark_unjoined_loop_allocations() {
    size_t n = static_cast<size_t>(trace_.snapshot_for(trace_.chain(Op::LOOP)));
    for (uint32_t e = 0; e < trace_.snaps[n].nent; ++e) {
      Ref r = trace_.snapshot_entries(n)[e].ref();
      if (r >= ir::kRefFirst && !trace_[r].t.is_phi()) mark(r);
    }
  }

  // Exits restore snapshot values: everything but an allocation (which an
  // exit can rebuild) must really be computed.
  void mark_snapshot_values() {
    for (size_t n = 0; n < trace_.snaps.size(); ++n)
      for (uint32_t e = 0; e < trace_.snaps[n].nent; ++e) {
        Ref r = trace_.snapshot_entries(n)[e].ref();
        if (r >= ir::kRefFirst && !is_allocation(trace_[r].o)) mark(r);
      }
  }

  // Backwards: whatever a live use needs escapes. Stores into an allocation
  // (constant key) do not make it escape, the stored value does; guards,
  // side effects and escaping values make their operands escape. A PHI
  // joining two allocations of the same kind leaves them sinkable.
  void mark_escapes() {
    for (Ref r = trace_.nins() - 1; r >= ir::kRefFirst; --r) {
      const Ins& ins = trace_[r];
      const ir::OpInfo& oi = ins.op_info();
      bool store = oi.kind == ir::OpKind::kStore && ins.o >= Op::ASTORE && ins.o <= Op::XSTORE;
      if (store) {
        Ref alloc = ir::allocation_of(trace_, ins.op1);
        if (!alloc) mark(ins.op1);
        mark(ins.op2);
        continue;
      }
      if (ins.o == Op::PHI) {
        bool joinable = ins.op1 >= ir::kRefFirst && ins.op2 >= ir::kRefFirst &&
                        trace_[ins.op1].o == trace_[ins.op2].o && is_allocation(trace_[ins.op1].o);
        if (!joinable) {
          mark(ins.op1);
          mark(ins.op2);
        }
        continue;
      }
      // NEWREF only makes room in the table: a sunk table can take it.
      if (ins.o == Op::NEWREF && !escapes(r)) {
        mark(ins.op2);
        continue;
      }
      bool live = escapes(r) || ins.t.is_guard() || ir::writes_memory(ins.o, oi.kind);
      if (!live) continue;
      if (oi.op1 == ir::OperandKind::ref) mark(ins.op1);
      if (oi.op2 == ir::OperandKind::ref) mark(ins.op2);
    }
  }

  // Both sides of a PHI are sunk or neither is; repeat until nothing
  // changes.
  void remark_phis() {
    collect_phis();
    for (bool changed = true; changed;) {
      changed = false;
      for (auto [left, right] : phis_) {
        if (escapes(left) && escapes(right)) continue;
        if (escapes(left) == escapes(right) && rebuildable(left, right)) continue;
        mark(left);
        mark(right);
        changed = true;
      }
    }
  }

  void collect_phis() {
    for (Ref r = trace_.nins() - 1; r >= ir::kRefFirst && trace_[r].o == Op::PHI; --r) {
      Ref left = trace_[r].op1, right = trace_[r].op2;
      if (left < ir::kRefFirst || right < ir::kRefFirst) continue;
      phi_right_[left] = right;
      if (is_allocation(trace_[left].o)) phis_.emplace_back(left, right);
    }
  }

  // An exit in iteration k > 1 rebuilds the previous iteration's object
  // (the PHI's left) by replaying the pre-roll's stores into it with
  // today's values. That is the object only if the body's stores into
  // the PHI's right mirror them one to one: same place, and a value that
  // is either the same loop-invariant one or joined to the pre-roll's by
  // a PHI (which then holds exactly what the body stored). LuaJIT counts
  // PHI-valued stores instead; the evaluator found that count accepting
  // a pre-roll value that changes without a PHI (a stale rebuild).
  bool rebuildable(Ref left, Ref right) const {
    const Ins& a = trace_[left];
    const Ins& b = trace_[right];
    Ref loop = trace_.chain(Op::LOOP);
    if (a.o != b.o || a.op1 != b.op1 || a.op2 != b.op2 || left > loop || right < loop) return false;
    std::vector<Ref> before = stores_into(left, left + 1, loop);
    std::vector<Ref> after = stores_into(right, right + 1, trace_.nins());
    if (before.size() != after.size()) return false;
    for (size_t i = 0; i < before.size(); ++i)
      if (!mirrored_store(before[i], after[i])) return false;
    return true;
  }

  std::vector<Ref> stores_into(Ref alloc, Ref from, Ref to) const {
    std::vector<Ref> stores;
    for (Ref r = from; r < to; ++r) {
      const Ins& ins = trace_[r];
      if (ins.op_info().kind == ir::OpKind::kStore && ins.o >= Op::ASTORE && ins.o <= Op::XSTORE &&
          ir::allocation_of(trace_, ins.op1) == alloc)
        stores.push_back(r);
    }
    return stores;
  }

  bool mirrored_store(Ref pre, Ref body) const {
    const Ins& p = trace_[pre];
    const Ins& q = trace_[body];
    const Ins& pref = trace_[p.op1];
    const Ins& qref = trace_[q.op1];
    if (p.o != q.o || p.t.base() != q.t.base() || pref.o != qref.o || pref.op2 != qref.op2)
      return false;
    return mirrored_value(p.op2, q.op2);
  }

  // The same value in every iteration (a constant, or a pre-roll value
  // no PHI updates), or the PHI-joined successor. LuaJIT also accepts
  // CONV num.int of a PHI, restoring it from the PHI's register; the
  // evaluator (like an exit reading the CONV's own value) would see the
  // pre-roll conversion, so that case is not sunk here.
  bool mirrored_value(Ref pre, Ref body) const {
    if (pre == body) return pre < ir::kRefFirst || !phi_right_.contains(pre);
    auto it = phi_right_.find(pre);
    return it != phi_right_.end() && it->second == body;
  }

  // Unmarked allocations lose their guard and are sunk with their stores;
  // a PHI of sunk allocations is sunk too (nothing to move at the back edge).
  int sweep() {
    int sunk = 0;
    for (Ref r = ir::kRefFirst; r < trace_.nins(); ++r) {
      Ins& ins = trace_[r];
      if (is_allocation(ins.o) && !escapes(r)) {
        trace_.set_sunk(r);
        ins.t.bits &= static_cast<uint8_t>(~ir::Type::kGuard);
        ++sunk;
      } else if (ins.op_info().kind == ir::OpKind::kStore && ins.o >= Op::ASTORE &&
                 ins.o <= Op::XSTORE) {
        Ref alloc = ir::allocation_of(trace_, ins.op1);
        if (alloc && trace_.is_sunk(alloc)) trace_.set_sunk(r);
      } else if (ins.o == Op::PHI && ins.op2 >= ir::kRefFirst && trace_.is_sunk(ins.op2)) {
        trace_.set_sunk(r);
      }
    }
    return sunk;
  }

  ir::Trace& trace_;
  std::vector<bool> escapes_;
  absl::flat_hash_map<Ref, Ref> phi_right_;      // PHI left → right
  std::vector<std::pair<Ref, Ref>> phis_;        // PHIs joining allocations
};

}  // namespace

int sink_allocations(ir::Trace& trace) { return Sinker(trace).run(); }

}  // namespace lj::opt
