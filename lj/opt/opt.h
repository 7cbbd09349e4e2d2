// lj::opt — the trace optimizer: FOLD (constant folding, algebraic
// simplification, guard folding) plugged into the emitter, CSE (in
// lj/ir's Builder), DCE, and the options struct the VM fills from -O.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "lj/ir/binding.h"
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

// NARROW's backward-propagation cache (LuaJIT's bpropcache): which int
// expression replaced a number expression under which conversion mode, so
// narrowing the same expression again reuses it. Round robin, per trace.
class NarrowCache {
 public:
  static constexpr size_t kSlots = 16;
  // The int replacement of `key` under `mode` or a stronger check, or 0.
  ir::Ref find(const ir::Trace& trace, ir::Ref key, uint16_t mode);
  void add(const ir::Trace& trace, ir::Ref key, ir::Ref value, uint16_t mode);

 private:
  struct Entry {
    ir::Ref key = 0, value = 0;
    uint16_t mode = 0;
    uint64_t key_ins = 0, value_ins = 0;  // what the refs held when added
  };
  // Entries belong to one trace; another trace drops them. An entry whose
  // instructions changed (a truncated and regrown trace, another trace at
  // the same address) never matches.
  void adopt(const ir::Trace& trace);
  static bool holds(const ir::Trace& trace, ir::Ref r, uint64_t ins);
  std::array<Entry, kSlots> entries_{};
  size_t next_ = 0;
  const ir::Trace* trace_ = nullptr;
};

// The FOLD engine: rules keyed by (op, left op, right op) tried from most to
// least specific; what no rule folds goes to CSE and is appended.
// FWD/DSE rules (loads and stores) run when `options` enable them.
// One engine per trace being recorded (it keeps NARROW's cache).
// `binding` (optional) lets FWD read TDUP templates (Binding::template_value).
class FoldEngine : public ir::Folder {
 public:
  explicit FoldEngine(Options options = Options::level(3), const ir::Binding* binding = nullptr)
      : options_(options), binding_(binding) {}
  ir::Ref fold(ir::Builder& builder, ir::Ins ins) override;
  const Options& options() const { return options_; }
  NarrowCache& narrow_cache() { return narrow_cache_; }

 private:
  Options options_;
  const ir::Binding* binding_;
  NarrowCache narrow_cache_;
};

// ---- NARROW: what a recorder calls while emitting -------------------------
// (LuaJIT's lj_opt_narrow.c.) Numbers are doubles; int refs appear where
// narrowing proved them (a FORL index, ADDOV results, bit operations).
// Conversions the recorder emits (CONV int.num, TOBIT) of ADD/SUB trees are
// narrowed backwards by FOLD (the whole tree becomes int arithmetic when at
// most one conversion is needed); these functions narrow forwards from the
// runtime values the recorder sees. Operands must be number-typed (NUM or
// an integer type); converting strings etc. is the front end's business.
class Narrowing {
 public:
  Narrowing(ir::Builder& builder, FoldEngine& engine) : b_(builder), engine_(engine) {}

  // An array index: a number key gets a checked CONV int.num in index mode
  // (FOLD narrows it); ADDOV/SUBOV with a small constant lose their overflow
  // check, which the following unsigned ABC makes redundant.
  ir::Ref index(ir::Ref key);
  // An int whatever the number (overflow undefined: ADDOV/SUBOV/MULOV strip).
  ir::Ref to_int(ir::Ref value);
  // A bit operation's operand: TOBIT of a number; ADDOV/SUBOV strip to
  // wrapping ADD/SUB.
  ir::Ref to_bit(ir::Ref value);
  // b op c for ADD SUB MUL DIV with the runtime values the recorder sees:
  // ADD/SUB of two ints whose result is an int becomes ADDOV/SUBOV
  // (predictive: a later overflow exits); anything else is number work.
  ir::Ref arith(ir::Op op, ir::Ref b, ir::Ref c, double vb, double vc);
  // -c: SUBOV(0, c) with a c != 0 guard (no -0) for ints other than 0, INT_MIN.
  ir::Ref negate(ir::Ref c, double vc);
  // b % c: int MOD with a c != 0 guard when both are ints (and NARROW is
  // on); else b - floor(b/c)*c in numbers.
  ir::Ref modulo(ir::Ref b, ir::Ref c, double vc);
  // b ^ c: always a number POW (as the reference build records it).
  ir::Ref power(ir::Ref b, ir::Ref c);
  // A number ref for any number ref (CONV num.int of an int).
  ir::Ref to_number(ir::Ref value);

 private:
  ir::Ref strip_overflow(ir::Ref value, ir::Op last_op);
  ir::Builder& b_;
  FoldEngine& engine_;
};

// FORL: the loop index's IR type from the runtime start/stop/step values:
// INT when NARROW is on, all three are int32 values and stop+step cannot
// overflow; else NUM (LuaJIT's lj_opt_narrow_forl).
ir::IrType narrow_for_loop(const Options& options, double start, double stop, double step);

// Whether a double is an int32 value (-0 counts as 0), as LuaJIT's numisint.
bool is_int32_value(double n);

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
// emission raised it. `binding` (optional) is passed to the FoldEngine.
ir::Trace reemit(const ir::Trace& source, const Options& options,
                 ir::Ref* aborted_at = nullptr, const ir::Binding* binding = nullptr);

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
