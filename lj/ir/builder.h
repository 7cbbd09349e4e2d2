// The emitter: every new instruction runs FOLD → CSE → append. FOLD lives in
// lj/opt and plugs in through the Folder interface, so lj/ir alone does
// CSE + append. Also takes snapshots by LuaJIT's sparse rule.
#pragma once

#include <cstdint>
#include <span>

#include "lj/ir/ir.h"

namespace lj::ir {

class Builder;

// A fold engine. fold() returns the reference that replaces `ins` (possibly
// a new one it emitted via Builder::cse_or_append), kRefDrop for a guard that
// always holds, or throws TraceAbort(kGuardFail) for one that never does.
class Folder {
 public:
  virtual ~Folder() = default;
  virtual Ref fold(Builder& builder, Ins ins) = 0;
};

struct EmitOptions {
  bool cse = true;
  uint32_t max_constants = 500;  // maxirconst
  uint32_t max_snapshots = 500;  // maxsnap
  uint32_t max_instructions = 4000;  // maxrecord
};

class Builder {
 public:
  explicit Builder(Trace& trace, Folder* folder = nullptr,
                   EmitOptions options = {})
      : trace_(trace), folder_(folder), options_(options) {}

  Trace& trace() { return trace_; }
  const EmitOptions& options() const { return options_; }
  void set_folder(Folder* folder) { folder_ = folder; }

  // FOLD → CSE → append.
  Ref emit(Op op, Type t, Ref op1 = 0, Ref op2 = 0) {
    return emit(make(op, t, op1, op2));
  }
  Ref emit(Ins ins) {
    return folder_ ? folder_->fold(*this, ins) : cse_or_append(ins);
  }
  // CSE (for pure instructions) then append: what FOLD falls back to.
  Ref cse_or_append(Ins ins);
  // CSE lookup only: an identical earlier instruction, or 0.
  Ref find_equal(const Ins& ins) const;
  // Append without fold or CSE.
  Ref append(Ins ins);

  static Ins make(Op op, Type t, Ref op1, Ref op2) {
    Ins ins;
    ins.o = op;
    ins.t = t;
    ins.op1 = static_cast<Ref1>(op1);
    ins.op2 = static_cast<Ref1>(op2);
    return ins;
  }

  // Constants (interned in the trace, with the maxirconst limit).
  Ref kint(int32_t v) { return limit_constants(trace_.kint(v)); }
  Ref knum(double v) { return limit_constants(trace_.knum(v)); }
  Ref kint64(int64_t v) { return limit_constants(trace_.kint64(v)); }
  Ref kgc(IrType t, uint64_t p) { return limit_constants(trace_.kgc(t, p)); }
  Ref kptr(uint64_t a) { return limit_constants(trace_.kptr(a)); }
  Ref kpri(IrType t) { return trace_.kpri(t); }

  // Takes a snapshot of `entries` (sorted by slot) to resume at `pc`.
  // Replaces the previous snapshot when nothing was emitted since, or when
  // `merge` was asked for and no guard was emitted since; snapshot #0 is
  // never replaced (a NOP is emitted to keep it).
  void snapshot(uint64_t pc, uint8_t nslots, uint8_t topslot,
                std::span<const SnapEntry> entries, bool merge = false);
  bool guard_emitted_since_snapshot() const { return guard_emitted_; }

 private:
  Ref limit_constants(Ref r) {
    if (kRefBias - trace_.nk() > options_.max_constants)
      throw TraceAbort(AbortReason::kTooManyConstants);
    return r;
  }

  Trace& trace_;
  Folder* folder_;
  EmitOptions options_;
  bool guard_emitted_ = false;
};

}  // namespace lj::ir
