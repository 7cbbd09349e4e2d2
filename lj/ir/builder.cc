#include "lj/ir/builder.h"

namespace lj::ir {

// Only pure instructions are CSE-able; loads, stores and allocations are the
// memory optimizer's business. Constant operands are below every
// instruction, so the search stops at the larger operand: nothing earlier can
// use it.
Ref Builder::find_equal(const Ins& ins) const {
  if (!options_.cse || ins.op_info().kind != OpKind::kNormal) return 0;
  Ref limit = std::max<Ref>(ins.op1, ins.op2);
  uint32_t op12 = ins.op12();
  for (Ref r = trace_.chain(ins.o); r > limit && r >= kRefFirst;
       r = trace_[r].prev) {
    const Ins& other = trace_[r];
    if (other.op12() == op12 &&
        (other.t.bits & ~Type::kMark & ~Type::kPhi) ==
            (ins.t.bits & ~Type::kMark & ~Type::kPhi))
      return r;
  }
  return 0;
}

Ref Builder::cse_or_append(Ins ins) {
  if (Ref same = find_equal(ins)) return same;
  return append(ins);
}

Ref Builder::append(Ins ins) {
  if (trace_.nins() - kRefBias > options_.max_instructions)
    throw TraceAbort(AbortReason::kTraceTooLong);
  if (ins.t.is_guard()) guard_emitted_ = true;
  return trace_.append(ins);
}

void Builder::snapshot(uint64_t pc, uint8_t nslots, uint8_t topslot,
                       std::span<const SnapEntry> entries, bool merge) {
  auto& snaps = trace_.snaps;
  bool replace = !snaps.empty() && (snaps.back().ref == trace_.nins() ||
                                    (merge && !guard_emitted_));
  if (replace && snaps.size() == 1) {
    // Snapshot #0 keeps its pc: separate the new one by a NOP.
    append(make(Op::NOP, Type(IrType::NIL), 0, 0));
    replace = false;
  }
  if (replace) {
    trace_.snap_map.resize(snaps.back().map_offset);
    snaps.pop_back();
  } else if (snaps.size() >= options_.max_snapshots) {
    throw TraceAbort(AbortReason::kTooManySnapshots);
  }
  Snapshot s;
  s.map_offset = static_cast<uint32_t>(trace_.snap_map.size());
  s.ref = static_cast<Ref1>(trace_.nins());
  s.nslots = nslots;
  s.topslot = topslot;
  s.nent = static_cast<uint8_t>(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    check(i == 0 || entries[i - 1].slot() < entries[i].slot(),
          "snapshot entries must be sorted by slot");
    trace_.snap_map.push_back(entries[i]);
  }
  trace_.snap_map.push_back(SnapEntry{static_cast<uint32_t>(pc)});
  trace_.snap_map.push_back(SnapEntry{static_cast<uint32_t>(pc >> 32)});
  snaps.push_back(s);
  guard_emitted_ = false;
}

}  // namespace lj::ir
