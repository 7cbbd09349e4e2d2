#include <vector>

#include "lj/opt/opt.h"

namespace lj::opt {

using ir::Ins;
using ir::Op;
using ir::Ref;

ir::Ref copy_constant(const ir::Trace& from, ir::Trace& to, ir::Ref k) {
  const Ins& c = from[k];
  switch (c.o) {
    case Op::KPRI: return k;
    case Op::KINT: return to.kint(c.int_value());
    case Op::KSLOT: return to.kslot(copy_constant(from, to, c.op1), c.op2);
    default: return to.konst(c.o, c.t, from.payload64(k));
  }
}

namespace {

class Reemitter {
 public:
  Reemitter(const ir::Trace& source, const Options& options, const ir::Binding* binding)
      : source_(source),
        fold_(options, binding),
        builder_(target_, &fold_,
                 options.emit_options()),
        map_(source.nins() - ir::kRefBias, ir::kRefNil) {}

  ir::Trace run(const Options& options) {
    target_.loops_to_self = source_.loops_to_self;
    size_t next_snap = 0;
    for (Ref r = ir::kRefFirst; r < source_.nins(); ++r) {
      while (next_snap < source_.snaps.size() && source_.snaps[next_snap].ref <= r)
        copy_snapshot(next_snap++);
      current_ = r;
      map_[r - ir::kRefBias] = copy_instruction(source_[r]);
    }
    while (next_snap < source_.snaps.size()) copy_snapshot(next_snap++);
    if (options.has(Flag::kDce)) eliminate_dead_code(target_);
    return std::move(target_);
  }

 private:
  Ref map(ir::OperandKind kind, Ref operand) {
    if (kind != ir::OperandKind::ref) return operand;
    if (ir::is_constant_ref(operand)) return copy_constant(source_, target_, operand);
    return map_[operand - ir::kRefBias];
  }

  Ref copy_instruction(const Ins& ins) {
    if (ins.o == Op::NOP) return ir::kRefNil;
    Ins copy = ins;
    copy.t.clear_mark();
    copy.op1 = static_cast<ir::Ref1>(map(ins.op_info().op1, ins.op1));
    copy.op2 = static_cast<ir::Ref1>(map(ins.op_info().op2, ins.op2));
    // Control and PHIs keep their place; everything else is emitted.
    if (ins.o == Op::LOOP || ins.o == Op::PHI) return builder_.append(copy);
    return builder_.emit(copy);
  }

  void copy_snapshot(size_t n) {
    const ir::Snapshot& s = source_.snaps[n];
    std::vector<ir::SnapEntry> entries;
    const ir::SnapEntry* in = source_.snapshot_entries(n);
    for (uint32_t e = 0; e < s.nent; ++e) {
      Ref ref = ir::is_constant_ref(in[e].ref()) ? copy_constant(source_, target_, in[e].ref())
                                                 : map_[in[e].ref() - ir::kRefBias];
      entries.push_back(ir::SnapEntry::make(in[e].slot(), in[e].flags(), ref));
    }
    builder_.snapshot(source_.snapshot_pc(n), s.nslots, s.topslot, entries);
  }

  const ir::Trace& source_;
  ir::Trace target_;
  FoldEngine fold_;
  ir::Builder builder_;
  std::vector<Ref> map_;

 public:
  Ref current_ = 0;
};

}  // namespace

ir::Trace reemit(const ir::Trace& source, const Options& options, ir::Ref* aborted_at,
                 const ir::Binding* binding) {
  Reemitter reemitter(source, options, binding);
  try {
    return reemitter.run(options);
  } catch (const ir::TraceAbort&) {
    if (aborted_at) *aborted_at = reemitter.current_;
    throw;
  }
}

}  // namespace lj::opt
