// LOOP: copy-substitution loop optimization (after LuaJIT's lj_opt_loop).
//
// Meaning of references after LOOP: a body instruction computes the current
// iteration's value; a pre-roll reference read by the body denotes that
// instruction's value in the *previous* iteration. PHI(p, q) implements it:
// at the back edge every p takes the value of its q, all at once.
#include <algorithm>
#include <vector>

#include "lj/opt/opt.h"

namespace lj::opt {

using ir::Ins;
using ir::IrType;
using ir::Op;
using ir::Ref;
using ir::SnapEntry;
using ir::Type;

namespace {

class LoopUnroller {
 public:
  explicit LoopUnroller(ir::Builder& b)
      : b_(b), trace_(b.trace()), invariant_end_(trace_.nins()),
        subst_(trace_.nins() - ir::kRefBias, 0) {}

  void run() {
    lj::check(!trace_.snaps.empty(), "LOOP needs a loop snapshot");
    loop_snap_ = trace_.snaps.size() - 1;
    read_loop_snapshot();
    subst_[0] = ir::kRefBase;  // BASE is BASE in every iteration
    b_.append(ir::Builder::make(Op::LOOP, Type::guarded(IrType::NIL), 0, 0));
    // Snapshot #0 is the loop entry; its exits are the loop snapshot's.
    size_t next_snap = 1;
    for (Ref r = ir::kRefFirst; r < invariant_end_; ++r) {
      while (next_snap < loop_snap_ && trace_.snaps[next_snap].ref <= r)
        copy_snapshot(next_snap++);
      Ref result = copy(r);
      subst_[index(r)] = result;
      // A pre-roll value standing for a body value may need a PHI: mark it
      // now so FOLD does not look through it.
      if (result != r && is_preroll(result) && !trace_[result].t.is_phi() &&
          !trace_[result].t.is_pri()) {
        trace_[result].t.set_phi();
        discovered_.push_back(result);
      }
    }
    while (next_snap < loop_snap_) copy_snapshot(next_snap++);
    // A trailing snapshot with no guard after it can't be used by any exit.
    if (trace_.snaps.size() > loop_snap_ + 1 && !b_.guard_emitted_since_snapshot()) {
      trace_.snap_map.resize(trace_.snaps.back().map_offset);
      trace_.snaps.pop_back();
    }
    emit_phis();
  }

 private:
  size_t index(Ref r) const { return r - ir::kRefBias; }
  bool is_preroll(Ref r) const { return r >= ir::kRefFirst && r < invariant_end_; }

  // Slot → value at the back edge (the loop snapshot's entries).
  void read_loop_snapshot() {
    const ir::Snapshot& s = trace_.snaps[loop_snap_];
    const SnapEntry* entries = trace_.snapshot_entries(loop_snap_);
    loop_entries_.assign(entries, entries + s.nent);
  }

  Ref substitute(ir::OperandKind kind, Ref operand) const {
    if (kind != ir::OperandKind::ref || !is_preroll(operand)) return operand;
    return subst_[index(operand)];
  }

  // SLOAD in the next iteration reads what the loop snapshot wrote.
  Ref copy_sload(Ref r, const Ins ins) {
    for (SnapEntry e : loop_entries_) {
      if (e.slot() != ins.op1 || e.has(SnapEntry::kNoRestore)) continue;
      Ref value = e.ref();
      IrType have = trace_[value].t.base();
      IrType want = ins.t.base();
      if (have == want) return value;
      if (want == IrType::NUM && have == IrType::INT)
        return b_.emit(Op::CONV, Type(IrType::NUM), value, ir::conv::mode(IrType::NUM, IrType::INT));
      if (want == IrType::INT && have == IrType::NUM) {
        bool checked = (ins.op2 & ir::sload::kTypeCheck) && !(ins.op2 & ir::sload::kConvert);
        uint16_t mode = ir::conv::mode(IrType::INT, IrType::NUM);
        if (checked) return b_.emit(Op::CONV, Type::guarded(IrType::INT), value, mode | ir::conv::kCheck);
        return b_.emit(Op::CONV, Type(IrType::INT), value, mode);
      }
      throw ir::TraceAbort(ir::AbortReason::kTypeInstability);
    }
    return r;  // the slot keeps its value: invariant
  }

  // Re-emits one pre-roll instruction with substituted operands. (A copy:
  // emitting may grow the buffer under a reference.)
  Ref copy(Ref r) {
    const Ins ins = trace_[r];
    if (ins.o == Op::NOP) return r;
    if (ins.o == Op::SLOAD) return copy_sload(r, ins);
    const ir::OpInfo& oi = ins.op_info();
    Ins next = ins;
    next.t.clear_phi();
    next.t.clear_mark();
    next.op1 = static_cast<ir::Ref1>(substitute(oi.op1, ins.op1));
    next.op2 = static_cast<ir::Ref1>(substitute(oi.op2, ins.op2));
    // Pure work on unchanged operands is invariant: it stays above LOOP.
    if (oi.kind == ir::OpKind::kNormal && next.op1 == ins.op1 && next.op2 == ins.op2) return r;
    Ref result = b_.emit(next);
    if (result != ir::kRefDrop && trace_[result].t.base() != ins.t.base())
      throw ir::TraceAbort(ir::AbortReason::kTypeInstability);
    return result;
  }

  // A body snapshot: the original entries substituted, plus the loop
  // snapshot's slots below nslots (their values from the previous
  // iteration); merged with the previous one when no guard came between.
  void copy_snapshot(size_t n) {
    const ir::Snapshot& s = trace_.snaps[n];
    std::vector<SnapEntry> original(trace_.snapshot_entries(n), trace_.snapshot_entries(n) + s.nent);
    uint64_t pc = trace_.snapshot_pc(n);
    std::vector<SnapEntry> merged;
    size_t o = 0, l = 0;
    while (o < original.size() || (l < loop_entries_.size() && loop_entries_[l].slot() < s.nslots)) {
      bool take_loop = o >= original.size() ||
                       (l < loop_entries_.size() && loop_entries_[l].slot() < original[o].slot());
      if (take_loop) {
        merged.push_back(loop_entries_[l++]);
        continue;
      }
      if (l < loop_entries_.size() && loop_entries_[l].slot() == original[o].slot()) ++l;
      SnapEntry e = original[o++];
      Ref ref = ir::is_constant_ref(e.ref()) ? e.ref() : subst_[index(e.ref())];
      merged.push_back(SnapEntry::make(e.slot(), e.flags(), ref));
    }
    b_.snapshot(pc, s.nslots, s.topslot, merged, /*merge=*/true);
  }

  // PHIs for every pre-roll value the body, its snapshots, the loop
  // snapshot or another PHI reads and that changes between iterations.
  void emit_phis() {
    std::vector<bool> read(invariant_end_ - ir::kRefBias, false);
    std::vector<Ref> work;
    auto note = [&](Ref r) {
      if (is_preroll(r) && !read[index(r)]) {
        read[index(r)] = true;
        work.push_back(r);
      }
    };
    for (Ref r = invariant_end_ + 1; r < trace_.nins(); ++r) {
      const Ins& ins = trace_[r];
      if (ins.op_info().op1 == ir::OperandKind::ref) note(ins.op1);
      if (ins.op_info().op2 == ir::OperandKind::ref) note(ins.op2);
    }
    for (size_t n = loop_snap_; n < trace_.snaps.size(); ++n)
      for (uint32_t e = 0; e < trace_.snaps[n].nent; ++e) note(trace_.snapshot_entries(n)[e].ref());
    std::vector<Ref> phis;
    while (!work.empty()) {
      Ref p = work.back();
      work.pop_back();
      Ref next = subst_[index(p)];
      if (next == p || next == 0) continue;
      // nil/false/true values are the same in every iteration (LuaJIT
      // makes no PHI for them either). A CARG link is nil-typed and holds
      // no value: the body's call reads its operands, which may need PHIs.
      if (trace_[p].t.is_pri()) {
        if (trace_[p].o == Op::CARG) note(trace_[p].op1), note(trace_[p].op2);
        continue;
      }
      lj::check(next != ir::kRefDrop, "a dropped guard has no value to carry");
      phis.push_back(p);
      note(next);
    }
    if (phis.size() > kMaxPhis) throw ir::TraceAbort(ir::AbortReason::kTooManyPhis);
    // LuaJIT's order: PHIs found while copying first, then the others.
    std::vector<bool> is_phi(invariant_end_ - ir::kRefBias, false);
    for (Ref p : phis) is_phi[index(p)] = true;
    std::sort(phis.begin(), phis.end());
    std::vector<Ref> ordered;
    for (Ref p : discovered_)
      if (is_phi[index(p)]) ordered.push_back(p), is_phi[index(p)] = false;
    for (Ref p : phis)
      if (is_phi[index(p)]) ordered.push_back(p);
    phis = std::move(ordered);
    for (Ref r = ir::kRefFirst; r < invariant_end_; ++r) trace_[r].t.clear_phi();
    for (Ref p : phis) {
      Ref next = subst_[index(p)];
      if (trace_[p].t.base() != trace_[next].t.base())
        throw ir::TraceAbort(ir::AbortReason::kTypeInstability);
      trace_[p].t.set_phi();
      if (!ir::is_constant_ref(next)) trace_[next].t.set_phi();
      b_.append(ir::Builder::make(Op::PHI, Type(trace_[p].t.base()), p, next));
    }
  }

  ir::Builder& b_;
  ir::Trace& trace_;
  Ref invariant_end_;
  size_t loop_snap_ = 0;
  std::vector<Ref> subst_;
  std::vector<SnapEntry> loop_entries_;
  std::vector<Ref> discovered_;  // potential PHIs in the order found
};

}  // namespace

std::optional<ir::AbortReason> optimize_loop(ir::Builder& builder) {
  ir::Trace& trace = builder.trace();
  Ref nins = trace.nins();
  size_t nsnap = trace.snaps.size();
  size_t nsnapmap = trace.snap_map.size();
  try {
    LoopUnroller(builder).run();
    return std::nullopt;
  } catch (const ir::TraceAbort& abort) {
    // Undo: back to the recorded trace, PHI marks included.
    trace.truncate(nins);
    trace.snaps.resize(nsnap);
    trace.snap_map.resize(nsnapmap);
    for (Ref r = ir::kRefFirst; r < nins; ++r) trace[r].t.clear_phi();
    return abort.reason();
  }
}

}  // namespace lj::opt
