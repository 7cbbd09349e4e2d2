// lj::opt — the trace optimizer: FOLD (constant folding, algebraic
// simplification, guard folding) plugged into the emitter, CSE (in
// lj/ir's Builder), DCE, and the options struct the VM fills from -O.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "lj/ir/builder.h"
#include "lj/ir/ir.h"

namespace lj::opt {

// Optimization flags in LuaJIT's order (jit.status() prints them so).
#define LJ_OPT_FLAGDEF(_) \
  _(kFold, "fold") \
  _(kCse, "cse") \
  _(kDce, "dce") \
  _(kFwd, "fwd") \
  _(kDse, "dse") \
  _(kNarrow, "narrow") \
  _(kLoop, "loop") \
  _(kAbc, "abc") \
  _(kSink, "sink") \
  _(kFuse, "fuse")

enum class Flag : uint8_t {
#define LJ_OPT_FLAGENUM(name, text) name,
  LJ_OPT_FLAGDEF(LJ_OPT_FLAGENUM)
#undef LJ_OPT_FLAGENUM
};
std::string_view name(Flag flag);
std::optional<Flag> flag_by_name(std::string_view name);

struct Options {
  uint32_t flags = 0;

  // -O0 … -O3 as LuaJIT defines them (-O3 is the default).
  static Options level(int level);
  bool has(Flag f) const { return flags & (1u << static_cast<uint8_t>(f)); }
  void set(Flag f, bool on) {
    uint32_t bit = 1u << static_cast<uint8_t>(f);
    flags = on ? (flags | bit) : (flags & ~bit);
  }
  // "fold", "+fold", "-cse" or "O2" as jit.opt.start accepts them.
  bool apply(std::string_view setting);
  // Emission options for an ir::Builder (CSE on or off).
  ir::EmitOptions emit_options() const;
};

// The FOLD engine: rules keyed by (op, left op, right op) tried from most to
// least specific; what no rule folds goes to CSE and is appended.
// FWD/DSE rules (loads and stores) run when `options` enable them.
class FoldEngine : public ir::Folder {
 public:
  explicit FoldEngine(Options options = Options::level(3)) : options_(options) {}
  ir::Ref fold(ir::Builder& builder, ir::Ins ins) override;

 private:
  Options options_;
};

// Dead-code elimination: keeps what snapshots reference, guards (except
// weak ones whose result is unused), stores and calls with side effects, and
// what those use; the rest become NOPs.
void eliminate_dead_code(ir::Trace& trace);

// ---- Whole-trace passes ----------------------------------------------------

// Re-emits every instruction and snapshot of `source` through a fresh
// Builder (FOLD and CSE as `options` enable them), then runs DCE when
// enabled: what recording would have produced with these optimizations.
// LOOP and PHI are copied as they are. Throws ir::TraceAbort.
// On an abort, *aborted_at (if given) is the source instruction whose
// emission raised it.
ir::Trace reemit(const ir::Trace& source, const Options& options,
                 ir::Ref* aborted_at = nullptr);

// Copies constant `k` of `from` into `to` (interned there by value).
ir::Ref copy_constant(const ir::Trace& from, ir::Trace& to, ir::Ref k);

// LOOP: copy-substitution. The recorded trace (which links to itself and
// ends with its loop snapshot) becomes the pre-roll; LOOP is appended and
// every instruction and snapshot is re-emitted through the builder (FOLD,
// CSE) with operands substituted by their values in the next iteration, so
// invariant work stays above LOOP. PHIs join loop-carried values. On
// failure ("guard would always fail", type instability, too many PHIs) the
// trace is restored exactly and the reason returned, so recording can go
// on for another iteration.
std::optional<ir::AbortReason> optimize_loop(ir::Builder& builder);

// LuaJIT's limit on PHIs per loop.
inline constexpr size_t kMaxPhis = 64;

// SINK: allocations (TNEW, TDUP) that do not escape — used only as the
// target of stores with constant keys and by snapshots other than the last
// one — are sunk together with those stores: the trace does not perform
// them; an exit whose snapshot references the object rebuilds it. Run last,
// after LOOP. Returns the number of sunk allocations.
int sink_allocations(ir::Trace& trace);

}  // namespace lj::opt
