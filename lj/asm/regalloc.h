// lj::regalloc — the target-independent state of LuaJIT-style reverse
// linear-scan register allocation. The assembler walks the IR from the last
// instruction to the first: a value gets a register at its last use (seen
// first), keeps it back to its definition, where the register is freed. When
// no register is free one is taken from the value that is cheapest to lose
// (a constant, rematerialized; else the value defined earliest, which gets a
// spill slot and is reloaded after the point of eviction). Each value ends
// with a Home: its spill slot if it ever had one (valid everywhere after the
// definition: the store follows the definition), else the one register it
// lived in for its whole lifetime. Exits recover snapshot values from homes.
// The target supplies register numbers: 0..31 in two classes of 16.
#pragma once

#include <bit>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "lj/base/check.h"
#include "lj/ir/ir.h"

namespace lj::regalloc {

// Assembler aborts, with LuaJIT's messages (lj_traceerr.h).
#define LJ_ASM_ERRDEF(_)                                          \
  _(kTooManySpills, "too many spill slots")                       \
  _(kNyiInstruction, "NYI: cannot assemble IR instruction %d")    \
  _(kPhiTooComplex, "NYI: PHI shuffling too complex")             \
  _(kMcodeTooLong, "machine code too long")                       \
  _(kMcodeAllocation, "failed to allocate mcode memory")

enum class AsmError : uint8_t {
#define LJ_ASM_ERRENUM(name, text) name,
  LJ_ASM_ERRDEF(LJ_ASM_ERRENUM)
#undef LJ_ASM_ERRENUM
};

const char* message_format(AsmError error);

// Thrown out of the assembler; the trace compiler turns it into an abort.
class AsmAbort : public std::exception {
 public:
  AsmAbort(AsmError error, int argument = 0);
  AsmError error() const { return error_; }
  int argument() const { return argument_; }
  const char* what() const noexcept override { return text_.c_str(); }

 private:
  AsmError error_;
  int argument_;
  std::string text_;
};

using Reg = uint8_t;
inline constexpr Reg kNoReg = 0xff;
inline constexpr int kRegCount = 32;
// Register classes: general-purpose 0..15, floating-point 16..31.
enum class RegClass : uint8_t { kGpr, kFpr };
inline constexpr Reg kFirstFpr = 16;
inline RegClass class_of(Reg r) { return r < kFirstFpr ? RegClass::kGpr : RegClass::kFpr; }

// A set of registers as a bit mask.
struct RegSet {
  uint32_t bits = 0;
  static constexpr RegSet of_class(RegClass c) {
    return RegSet{c == RegClass::kGpr ? 0x0000ffffu : 0xffff0000u};
  }
  bool has(Reg r) const { return (bits >> r) & 1; }
  void add(Reg r) { bits |= 1u << r; }
  void remove(Reg r) { bits &= ~(1u << r); }
  bool empty() const { return bits == 0; }
  Reg first() const { return static_cast<Reg>(std::countr_zero(bits)); }
  RegSet operator&(RegSet o) const { return RegSet{bits & o.bits}; }
  RegSet operator-(RegSet o) const { return RegSet{bits & ~o.bits}; }
  RegSet operator|(RegSet o) const { return RegSet{bits | o.bits}; }
};

// Where a value lives: spill slot (kNoSpill if none) and/or register.
struct Home {
  static constexpr uint16_t kNoSpill = 0xffff;
  Reg reg = kNoReg;
  uint16_t spill = kNoSpill;
  bool has_spill() const { return spill != kNoSpill; }
  bool has_reg() const { return reg != kNoReg; }
};

// The allocator's state during one backwards walk: which register holds
// which reference, which are pinned (PHIs, loop invariants: never evicted),
// each reference's Home, and the spill slots handed out so far.
class RegState {
 public:
  RegState(ir::Ref nk, ir::Ref nins, RegSet allocatable, int max_spill_slots)
      : nk_(nk), homes_(nins - nk), allocatable_(allocatable), free_(allocatable),
        max_spill_slots_(max_spill_slots) {
    for (ir::Ref& r : holder_) r = 0;
  }

  // Inlined: the assembler asks for homes at every use and snapshot entry.
  [[gnu::always_inline]] Home& home(ir::Ref r) {
    check(r >= nk_ && r - nk_ < homes_.size(), "home of a reference outside the trace");
    return homes_[r - nk_];
  }
  ir::Ref holder(Reg r) const { return holder_[r]; }
  RegSet free() const { return free_; }
  RegSet allocatable() const { return allocatable_; }
  RegSet assigned() const { return allocatable_ - free_; }
  RegSet pinned() const { return pinned_; }
  int spill_slots_used() const { return next_spill_; }

  // `r` now holds `ref` (going backwards: from here back to ref's definition).
  void assign(Reg reg, ir::Ref ref) {
    check(free_.has(reg), "assigning a register that is not free");
    free_.remove(reg);
    holder_[reg] = ref;
    home(ref).reg = reg;
  }
  // The register no longer holds its value (definition reached, or evicted).
  // The value keeps `reg` as its Home only if it was never spilled.
  void release(Reg reg, bool keep_home) {
    check(!free_.has(reg) && allocatable_.has(reg), "releasing a free register");
    if (!keep_home) home(holder_[reg]).reg = kNoReg;
    holder_[reg] = 0;
    free_.add(reg);
    pinned_.remove(reg);
  }
  void pin(Reg reg) { pinned_.add(reg); }

  // A spill slot for `ref` (allocated on first need).
  uint16_t spill(ir::Ref ref) {
    Home& h = home(ref);
    if (!h.has_spill()) {
      if (next_spill_ >= max_spill_slots_) throw AsmAbort(AsmError::kTooManySpills);
      h.spill = static_cast<uint16_t>(next_spill_++);
    }
    return h.spill;
  }

  // A free register of `candidates`, if any.
  std::optional<Reg> pick_free(RegSet candidates) const {
    RegSet f = free_ & candidates;
    if (f.empty()) return std::nullopt;
    return f.first();
  }
  // The register in `candidates` whose value is cheapest to lose: constants
  // first (rematerialized for free), then the earliest definition (its live
  // range reaches furthest back, so freeing it helps longest). Pinned
  // registers never qualify.
  std::optional<Reg> pick_victim(RegSet candidates) const {
    RegSet c = (candidates & assigned()) - pinned_;
    std::optional<Reg> best;
    for (uint32_t bits = c.bits; bits; bits &= bits - 1) {
      Reg r = static_cast<Reg>(std::countr_zero(bits));
      if (!best || holder_[r] < holder_[*best]) best = r;
    }
    return best;
  }

 private:
  ir::Ref nk_;
  std::vector<Home> homes_;
  ir::Ref holder_[kRegCount];
  RegSet allocatable_;
  RegSet free_;
  RegSet pinned_;
  int next_spill_ = 0;
  int max_spill_slots_;
};

}  // namespace lj::regalloc
