#include "lj/asm/x64/assembler.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <optional>

#include "absl/container/inlined_vector.h"
#include "lj/asm/x64/cpu.h"

namespace lj::x64 {
namespace {

using ir::Ins;
using ir::Op;
using ir::Ref;
using regalloc::AsmAbort;
using regalloc::AsmError;
using regalloc::Home;
using regalloc::kNoReg;
using regalloc::Reg;
using regalloc::RegClass;
using regalloc::RegSet;

// Every GPR but rsp (the spill area), r14 (the context) and r15 (the base),
// and all 16 XMMs.
constexpr RegSet kAllocatable{0xffff0000u | 0x3fefu};
// Loop-pinned values never take rcx: variable shifts need it.
constexpr RegSet kPinnable{kAllocatable.bits & ~(1u << kRcx)};
// SysV: what a helper may clobber (every XMM, rax rcx rdx rsi rdi r8-r11).
constexpr RegSet kCallerSaved{0xffff0000u | (1u << kRax) | (1u << kRcx) | (1u << kRdx) |
                              (1u << kRsi) | (1u << kRdi) | (1u << kR8) | (1u << kR9) |
                              (1u << kR10) | (1u << kR11)};
// SysV argument registers in order: integers/pointers, then doubles.
constexpr Reg kIntArgRegs[] = {kRdi, kRsi, kRdx, kRcx, kR8, kR9};
constexpr int kFpArgRegs = 8;  // xmm0..xmm7
// Registers each class keeps unpinned in a loop, so the body can compute.
constexpr int kUnpinnedReserve = 5;
// NaN-boxed values whose top 17 bits are at or above this are not numbers.
constexpr int32_t kFirstTag = 0x1fff2;

Gp gpr(Reg r) { check(r < regalloc::kFirstFpr, "not a GPR"); return gp64(r); }
Gp gpr32(Reg r) { return gpr(r).r32(); }
Xmm fpr(Reg r) { check(r >= regalloc::kFirstFpr, "not an XMM"); return xmm(r - regalloc::kFirstFpr); }
Mem spill_slot(uint16_t slot) { return Mem::at(rsp, 8 * slot); }
Mem stack_slot(uint32_t slot) { return Mem::at(kBaseReg, static_cast<int32_t>(8 * slot)); }

// The condition under which an integer comparison guard holds.
Cond int_condition(Op op) {
  switch (op) {
    case Op::LT: return Cond::kL;
    case Op::GE: return Cond::kGE;
    case Op::LE: return Cond::kLE;
    case Op::GT: return Cond::kG;
    case Op::ULT: return Cond::kB;
    case Op::UGE: return Cond::kAE;
    case Op::ULE: return Cond::kBE;
    case Op::UGT: return Cond::kA;
    case Op::EQ: return Cond::kE;
    default: return Cond::kNE;
  }
}

// The same comparison with its operands swapped (a < b is b > a).
Op mirrored(Op op) { return op == Op::EQ || op == Op::NE ? op : ir::op_offset(op, (static_cast<int>(op) ^ 3) - static_cast<int>(op)); }

// Arithmetic the trace calls out for (LuaJIT's lj_vm_modi, pow, ldexp,
// log): plain SysV functions of their IR operands.
namespace math {
// Lua's modulo: the result takes the divisor's sign. A zero divisor never
// reaches here (the recorder guards it); it gives 0 rather than trapping.
int32_t int_mod(int32_t a, int32_t b) {
  if (b == 0 || b == -1) return 0;
  const int32_t r = a % b;
  return r != 0 && (r ^ b) < 0 ? r + b : r;
}
double num_mod(double a, double b) { return a - std::floor(a / b) * b; }
// 32-bit lj_carith_divi64: the two cases idiv would trap on give INT_MIN.
int32_t int_div(int32_t a, int32_t b) {
  const bool traps = b == 0 || (b == -1 && a == std::numeric_limits<int32_t>::min());
  return traps ? std::numeric_limits<int32_t>::min() : a / b;
}
// 32-bit lj_carith_powi64: square-and-multiply modulo 2^32; negative
// exponents leave only |x| <= 1 non-zero (0 gives INT_MAX).
int32_t int_pow(int32_t x, int32_t k) {
  if (k < 0) {
    switch (x) {
      case 0: return std::numeric_limits<int32_t>::max();
      case 1: return 1;
      case -1: return k % 2 == 0 ? 1 : -1;
      default: return 0;
    }
  }
  uint64_t power = 1;
  for (uint64_t square = static_cast<uint32_t>(x); k > 0; k /= 2, square = (square * square) & 0xffffffffu)
    if (k % 2) power = (power * square) & 0xffffffffu;
  return static_cast<int32_t>(static_cast<uint32_t>(power));
}
double pow(double a, double b) { return std::pow(a, b); }
double ldexp(double a, double e) {
  // The exponent truncated as cvttsd2si does: NaN and out-of-range give INT_MIN.
  const bool fits = e > -2147483649.0 && e < 2147483648.0;
  return std::ldexp(a, fits ? static_cast<int>(e) : std::numeric_limits<int>::min());
}
double log(double x) { return std::log(x); }
double log2(double x) { return std::log2(x); }
}  // namespace math

class Assembler {
 public:
  Assembler(const ir::Trace& trace, CodeBuffer& buffer, const AssembleOptions& options)
      : trace_(trace), buffer_(buffer), e_(buffer), options_(options),
        ra_(trace.nk(), trace.nins(), kAllocatable, kSpillSlots),
        memory_pinned_(trace.nins() - trace.nk(), false) {}

  AssembledTrace run() {
    if (trace_.snaps.empty()) throw AsmAbort(AsmError::kNyiInstruction, 0);
    out_.stubs = emit_exit_stubs(buffer_, options_.trace_number,
                                 static_cast<uint32_t>(trace_.snaps.size()), options_.exit_handler);
    // Not even the stubs fit the window: assemble() retries in a fresh area.
    if (buffer_.overflowed()) return {};
    emit_constant_pool();
    out_.code_end = buffer_.position();
    for (Ref r = ir::kRefFirst; r < trace_.nins(); ++r)
      if (calls_helper(at(r)))
        hint_[r - trace_.nk()] = at(r).t.is_fp() ? regalloc::kFirstFpr : static_cast<Reg>(kRax);
    if (!trace_.sunk().empty()) index_sunk_stores();
    index_snapshot_changes();
    count_uses();
    emit_trace_end();
    for (Ref r = trace_.nins() - 1; r >= ir::kRefFirst; --r) assemble_instruction(r);
    materialize_constants();
    for (Reg r = 0; r < regalloc::kRegCount; ++r)
      check(!ra_.assigned().has(r), "a value is live at the trace entry");
    out_.entry = buffer_.position();
    out_.nk = trace_.nk();
    out_.homes.reserve(trace_.nins() - trace_.nk());
    for (Ref r = trace_.nk(); r < trace_.nins(); ++r) out_.homes.push_back(ra_.home(r));
    out_.spill_slots = ra_.spill_slots_used();
    return std::move(out_);
  }

 private:
  // ---- Constants -----------------------------------------------------------

  // Sign and absolute-value masks (16-byte aligned for xorpd/andpd) and every
  // KNUM, placed above the code so the code reads them rip-relative.
  void emit_constant_pool() {
    std::vector<uint64_t> words = {0x8000000000000000ull, 0, 0x7fffffffffffffffull, 0,
                                   std::bit_cast<uint64_t>(4503599627370496.0),  // 2^52
                                   std::bit_cast<uint64_t>(1.0)};
    std::vector<Ref> knums;
    for (Ref k = trace_.nk(); k < ir::kRefBias; ++k)
      if (at(k).o == Op::KNUM) knums.push_back(k), words.push_back(trace_.payload64(k));
    if (words.size() % 2) words.push_back(0);
    while (buffer_.position() % 16 && !buffer_.overflowed()) {  // a full window stops advancing
      const uint8_t pad = 0xcc;
      buffer_.place(&pad, 1);
    }
    buffer_.place(reinterpret_cast<const uint8_t*>(words.data()), words.size() * 8);
    const uint64_t base = buffer_.position();
    sign_mask_ = base;
    abs_mask_ = base + 16;
    two_pow_52_ = base + 32;
    one_ = base + 40;
    for (size_t i = 0; i < knums.size(); ++i) knum_address_[knums[i] - trace_.nk()] = base + 48 + 8 * i;
  }

  uint64_t knum_address(Ref k) const { return knum_address_[k - trace_.nk()]; }

  // trace_[r] without its range check: the walk reads every instruction
  // many times, and every reference it reads lies in [nk, nins).
  const Ins& at(Ref r) const { return first_[r - trace_.nk()]; }

  static RegClass class_of(const Ins& ins) {
    return ins.t.is_fp() ? RegClass::kFpr : RegClass::kGpr;
  }
  RegClass class_of(Ref r) const { return class_of(at(r)); }
  bool is_const(Ref r) const { return ir::is_constant_ref(r); }
  bool is_kint(Ref r) const { return is_const(r) && at(r).o == Op::KINT; }
  bool is_knum(Ref r) const { return is_const(r) && at(r).o == Op::KNUM; }

  // Loads constant `k` into `reg` (rematerialization).
  void load_constant(Reg reg, Ref k) {
    const Ins& ins = at(k);
    if (regalloc::class_of(reg) == RegClass::kFpr) {
      check(ins.o == Op::KNUM, "only numbers live in XMMs");
      if (trace_.payload64(k) == 0) e_.xorpd(fpr(reg), fpr(reg));
      else e_.movsd(fpr(reg), Mem::rip(knum_address(k)));
    } else if (ins.o == Op::KINT) {
      e_.mov(gpr32(reg), ins.int_value());
    } else if (ins.o == Op::KPRI) {
      e_.mov(gpr32(reg), 0);
    } else {
      e_.mov_imm64(gpr(reg), trace_.payload64(k));
    }
  }

  // ---- Moves between registers and spill slots -----------------------------

  void move(Reg dst, Reg src) {
    if (regalloc::class_of(dst) == RegClass::kFpr) e_.movaps(fpr(dst), fpr(src));
    else e_.mov(gpr(dst), gpr(src));
  }
  // Exchanges two registers of one class without a scratch (emitted
  // backwards: the three xors run in the order a^=b, b^=a, a^=b).
  void swap_registers(Reg a, Reg b) {
    for (int i = 0; i < 3; ++i) {
      const Reg dst = i == 1 ? b : a, src = i == 1 ? a : b;
      if (regalloc::class_of(a) == RegClass::kFpr) e_.xorpd(fpr(dst), fpr(src));
      else e_.xor_(gpr(dst), gpr(src));
    }
  }
  void store_spill(Reg reg, uint16_t slot) {
    if (regalloc::class_of(reg) == RegClass::kFpr) e_.movsd(spill_slot(slot), fpr(reg));
    else e_.mov(spill_slot(slot), gpr(reg));
  }
  void reload(Reg reg, uint16_t slot) {
    if (regalloc::class_of(reg) == RegClass::kFpr) e_.movsd(fpr(reg), spill_slot(slot));
    else e_.mov(gpr(reg), spill_slot(slot));
  }

  // ---- Register allocation -------------------------------------------------

  bool holds(Reg reg, Ref ref) { return reg != kNoReg && ra_.holder(reg) == ref && !ra_.free().has(reg); }
  bool is_memory_pinned(Ref r) { return in_loop_body_ && !is_const(r) && memory_pinned_[r - trace_.nk()]; }

  // Frees `reg`; the code after this point (already emitted) gets the value
  // back by a rematerialization or a reload.
  void evict(Reg reg) {
    const Ref ref = ra_.holder(reg);
    if (is_const(ref)) load_constant(reg, ref);
    else reload(reg, ra_.spill(ref));
    ra_.release(reg, false);
  }

  // A register of class `c` for this instruction, freed by eviction if need be.
  Reg pick(RegClass c, RegSet exclude = {}) {
    const RegSet candidates = (RegSet::of_class(c) & kAllocatable) - busy_ - exclude;
    if (auto r = ra_.pick_free(candidates)) return claim(*r);
    auto victim = ra_.pick_victim(candidates);
    // Nothing evictable: only at the back edge, with every register a PHI's.
    if (!victim) throw AsmAbort(current_ ? AsmError::kNyiInstruction : AsmError::kPhiTooComplex, current_);
    evict(*victim);
    return claim(*victim);
  }
  Reg claim(Reg r) { busy_.add(r); return r; }

  // A register for `ref`: its hint when that one is free (a call result
  // defined in rax/xmm0 then needs no move), else any.
  Reg pick_hinted(Ref ref, RegSet exclude) {
    const Reg hint = is_const(ref) ? kNoReg : hint_[ref - trace_.nk()];
    if (hint != kNoReg && ra_.free().has(hint) && !busy_.has(hint) && !exclude.has(hint))
      return claim(hint);
    return pick(class_of(ref), exclude);
  }

  // `reg` no longer holds `ref`: its definition is here. A link of a PHI
  // chain hands its register on to its left operand, whose value lives
  // there up to this point (see rename_phi_operands).
  void release_at_definition(Reg reg, Ref ref) {
    ra_.release(reg, true);
    const Ref next = next_holder_[ref - trace_.nk()];
    if (!next) return;
    ra_.assign(reg, next);
    ra_.pin(reg);
  }

  // `ref` in a register at this use (from here back to its definition).
  Reg use(Ref ref, RegSet exclude = {}) {
    const Home& h = ra_.home(ref);
    if (holds(h.reg, ref)) return claim(h.reg);
    const Reg r = pick_hinted(ref, exclude);
    ra_.assign(r, ref);
    if (is_memory_pinned(ref)) transient_.push_back(r);
    return r;
  }

  // The register instruction `r` computes into: its own, or a scratch one
  // when nothing reads it in a register. A spilled value is stored after.
  Reg define(Ref r, RegSet exclude = {}) {
    const Home h = ra_.home(r);
    Reg reg;
    if (holds(h.reg, r)) {
      reg = claim(h.reg);
      release_at_definition(reg, r);
    } else {
      reg = pick(class_of(r), exclude);
    }
    if (h.has_spill()) store_spill(reg, h.spill);
    return reg;
  }

  // Gets `left` into `dest` before the instruction runs: a move, a constant,
  // a reload, or (a value with no register) by living in `dest` from its
  // definition on (coalescing, no code).
  void left_into(Reg dest, Ref left) {
    const Home& h = ra_.home(left);
    if (holds(h.reg, left)) {
      if (h.reg != dest) move(dest, h.reg);
    } else if (is_const(left)) {
      load_constant(dest, left);
    } else if (is_memory_pinned(left)) {
      reload(dest, h.spill);
    } else {
      ra_.assign(dest, left);
    }
  }

  // Every value the snapshot names stays recoverable at its exit: in a
  // register if one is free, else in a spill slot. Once per snapshot (as
  // LuaJIT's asm_snap_alloc): a value kept here stays recoverable back to
  // its definition, which precedes the snapshot — its register is only
  // ever given up by an eviction, which spills it.
  void keep_snapshot_alive(int snap) {
    if (snap == snapshot_kept_) return;
    // What the next snapshot (handled just before, backwards) kept stays kept.
    const bool next_kept = snapshot_kept_ == snap + 1;
    snapshot_kept_ = snap;
    for_each_snapshot_value(static_cast<size_t>(snap), [&](Ref ref) {
      const Home& h = ra_.home(ref);
      if (holds(h.reg, ref) || h.has_spill()) return;
      const RegSet candidates = (RegSet::of_class(class_of(ref)) & kAllocatable) - busy_;
      if (auto r = ra_.pick_free(candidates)) ra_.assign(*r, ref);
      else ra_.spill(ref);
    }, next_kept);
  }

  // Calls `f` with every non-constant value an exit through snapshot `n`
  // reads: its entries and, for a sunk allocation it names, the values its
  // sunk stores before the snapshot wrote (the exit rebuilds the object
  // from them, recover_snapshot's caller does; nested sunk objects too).
  // With `next_seen` (the walk has visited snapshot n + 1 and a repeat
  // gains it nothing: snapshot n + 1 reaches at least as far, sunk stores
  // included) only the entries that differ from n + 1's at the same index:
  // consecutive snapshots mostly repeat each other.
  template <typename F>
  void for_each_snapshot_value(size_t n, F&& f, bool next_seen = false) {
    const ir::Snapshot& snap = trace_.snaps[n];
    const ir::SnapEntry* entries = trace_.snapshot_entries(n);
    auto visit = [&](uint32_t i) {
      if (!entries[i].has(ir::SnapEntry::kNoRestore)) visit_snapshot_value(entries[i].ref(), snap.ref, f);
    };
    if (!next_seen) {
      for (uint32_t i = 0; i < snap.nent; ++i) visit(i);
      return;
    }
    for (uint32_t k = change_begin_[n]; k < change_begin_[n + 1]; ++k) visit(changes_[k]);
  }

  // Per snapshot, the indexes of its entries that differ from the next
  // snapshot's entry at the same index (the last snapshot: all of them).
  void index_snapshot_changes() {
    const size_t count = trace_.snaps.size();
    change_begin_.assign(count + 1, 0);
    changes_.clear();
    for (size_t n = 0; n < count; ++n) {
      change_begin_[n] = static_cast<uint32_t>(changes_.size());
      const uint32_t nent = trace_.snaps[n].nent;
      const ir::SnapEntry* entries = trace_.snapshot_entries(n);
      const bool has_next = n + 1 < count;
      const ir::SnapEntry* next = has_next ? trace_.snapshot_entries(n + 1) : nullptr;
      const uint32_t shared = has_next ? std::min<uint32_t>(nent, trace_.snaps[n + 1].nent) : 0;
      for (uint32_t i = 0; i < nent; ++i)
        if (i >= shared || !(entries[i] == next[i])) changes_.push_back(i);
    }
    change_begin_[count] = static_cast<uint32_t>(changes_.size());
  }

  template <typename F>
  void visit_snapshot_value(Ref ref, Ref limit, F& f) {
    if (is_const(ref)) return;
    if (!sunk(ref)) return f(ref);
    const size_t k = ref - trace_.nk();
    for (size_t i = sunk_store_begin_[k]; i < sunk_store_begin_[k + 1] && sunk_stores_[i] < limit; ++i)
      visit_snapshot_value(at(sunk_stores_[i]).op2, limit, f);
  }

  // Marks the sunk references and lists each sunk allocation's sunk stores
  // in trace order (grouped by allocation: begin offsets per reference), so
  // every snapshot walk finds them without scanning the trace.
  void index_sunk_stores() {
    const size_t n = trace_.nins() - trace_.nk();
    sunk_.assign(n, false);
    for (Ref r : trace_.sunk()) sunk_[r - trace_.nk()] = true;
    std::vector<std::pair<Ref, Ref>> stores;  // (allocation, store)
    for (Ref s = ir::kRefFirst; s < trace_.nins(); ++s) {
      const Ins& store = at(s);
      if (!sunk(s) || store.op_info().kind != ir::OpKind::kStore || store.o == Op::PHI || store.o == Op::LOOP)
        continue;
      const Ref allocation = ir::allocation_of(trace_, store.op1);
      if (allocation >= trace_.nk() && allocation < s) stores.emplace_back(allocation, s);
    }
    std::sort(stores.begin(), stores.end());
    sunk_store_begin_.assign(n + 1, 0);
    for (auto [allocation, store] : stores) ++sunk_store_begin_[allocation - trace_.nk() + 1];
    for (size_t i = 0; i < n; ++i) sunk_store_begin_[i + 1] += sunk_store_begin_[i];
    sunk_stores_.clear();
    for (auto [allocation, store] : stores) sunk_stores_.push_back(store);
  }

  // After an instruction: memory-pinned loop invariants it used are loaded
  // into their registers just before it, and the registers freed again.
  void finish_instruction() {
    for (Reg r : transient_) {
      const Ref ref = ra_.holder(r);
      reload(r, ra_.home(ref).spill);
      ra_.release(r, false);
    }
    transient_.clear();
    busy_ = {};
  }

  // ---- Exits ---------------------------------------------------------------

  // Trace::snapshot_for, in O(1) amortized: the walk only moves backwards.
  int covering_snapshot(Ref r) {
    while (snap_cursor_ >= 0 && trace_.snaps[static_cast<size_t>(snap_cursor_)].ref > r) --snap_cursor_;
    return snap_cursor_;
  }

  void guard(Cond exit_when, Ref r) {
    const int snap = covering_snapshot(r);
    check(snap >= 0, "guard without a snapshot");
    const uint64_t end = e_.jcc_rel32(exit_when, out_.stubs.address(static_cast<uint32_t>(snap)));
    out_.exit_branches.emplace_back(end, static_cast<uint32_t>(snap));
  }

  // ---- The trace's end: loop back edge with PHI moves, or the last exit ----

  void emit_trace_end() {
    for (Ref r = ir::kRefFirst; r < trace_.nins(); ++r)
      if (at(r).o == Op::LOOP) loop_ = r;
    if (!loop_) {
      if (trace_.loops_to_self) throw AsmAbort(AsmError::kNyiInstruction, 0);
      const int last = static_cast<int>(trace_.snaps.size()) - 1;
      keep_snapshot_alive(last);
      const uint64_t end = e_.jmp_rel32(out_.stubs.address(static_cast<uint32_t>(last)));
      out_.exit_branches.emplace_back(end, static_cast<uint32_t>(last));
      finish_instruction();
      return;
    }
    // Pinned values stay in their register back to their definition, which
    // may precede a call in the pre-roll too: with any call in the trace
    // they live in callee-saved GPRs or in memory.
    for (Ref r = ir::kRefFirst; r < trace_.nins(); ++r)
      if (calls_helper(at(r))) pinnable_ = kPinnable - kCallerSaved;
    pin_loop_values();
    in_loop_body_ = true;
    back_edge_ = e_.jmp_unbound();
    emit_phi_moves();
    finish_instruction();
  }

  // PHI left operands get a register for the whole trace; invariants the
  // body reads get one while enough stay free, else a spill slot they are
  // reloaded from at each use, so the state at the loop label is the same
  // on entry and at the back edge.
  void pin_loop_values() {
    // Every PHI's right operand may need a register of its class at the
    // back edge (a store source or a move source): keep that many free.
    int reserve[2] = {kUnpinnedReserve, kUnpinnedReserve};
    int needed[2] = {1, 1};
    for (Ref r = loop_ + 1; r < trace_.nins(); ++r)
      if (at(r).o == Op::PHI && !is_const(at(r).op2))
        ++needed[static_cast<int>(class_of(at(r).op1))];
    for (int c = 0; c < 2; ++c) reserve[c] = std::max(reserve[c], needed[c]);
    auto keeps_reserve = [&](RegClass c) {
      const RegSet free = ra_.free() & RegSet::of_class(c) & kPinnable;
      return !(free & pinnable_).empty() && std::popcount(free.bits) > reserve[static_cast<int>(c)];
    };
    for (Ref r = loop_ + 1; r < trace_.nins(); ++r) {
      if (at(r).o != Op::PHI) continue;
      const Ref a = at(r).op1;
      // LOOP copies CARG chains like values; a PHI joining two chains
      // carries nothing (each call reads its own chain).
      if (at(a).o == Op::CARG) continue;
      phis_.emplace_back(a, at(r).op2);
      phi_left_[a - trace_.nk()] = true;
      // Past the reserve a PHI lives in its spill slot: body uses reload
      // it, the back edge stores the next value there.
      if (keeps_reserve(class_of(a))) {
        const Reg reg = (ra_.free() & RegSet::of_class(class_of(a)) & pinnable_).first();
        ra_.assign(reg, a);
        ra_.pin(reg);
      } else {
        ra_.spill(a);
        memory_pinned_[a - trace_.nk()] = true;
      }
    }
    for (Ref inv : loop_invariants()) {
      if (keeps_reserve(class_of(inv))) {
        const Reg reg = (ra_.free() & RegSet::of_class(class_of(inv)) & pinnable_).first();
        ra_.assign(reg, inv);
        ra_.pin(reg);
      } else {
        ra_.spill(inv);
        memory_pinned_[inv - trace_.nk()] = true;
      }
    }
  }

  // Values defined before LOOP that the body or its snapshots read.
  std::vector<Ref> loop_invariants() {
    std::vector<bool> seen(trace_.nins() - trace_.nk(), false);
    std::vector<Ref> result;
    auto note_chain = [&](auto& self, Ref ref) -> void {
      if (is_const(ref) || ref >= loop_ || seen[ref - trace_.nk()]) return;
      // A CARG chain is no value: its arguments are what the call reads.
      if (at(ref).o == Op::CARG) {
        self(self, at(ref).op1);
        self(self, at(ref).op2);
        return;
      }
      if (phi_left_[ref - trace_.nk()]) return;  // pinned already
      seen[ref - trace_.nk()] = true;
      result.push_back(ref);
    };
    auto note = [&](Ref ref) { note_chain(note_chain, ref); };
    for (Ref r = loop_ + 1; r < trace_.nins(); ++r) {
      const Ins& ins = at(r);
      if (ins.o == Op::PHI) { note(ins.op2); continue; }
      if (ins.op_info().op1 == ir::OperandKind::ref) note(ins.op1);
      if (ins.op_info().op2 == ir::OperandKind::ref) note(ins.op2);
    }
    for (size_t n = 0; n < trace_.snaps.size(); ++n)
      if (trace_.snaps[n].ref > loop_)
        for_each_snapshot_value(n, note, true);  // later snapshots are body ones too
    return result;
  }

  // At the back edge every PHI's register takes its right operand's value,
  // all at once: register moves ordered so none overwrites a pending
  // source, cycles broken through a free scratch register; constants and
  // memory-pinned values are loaded last.
  void emit_phi_moves() {
    struct Move { Reg dst, src; bool swap = false; };
    std::vector<Move> moves;
    std::vector<std::pair<Reg, Ref>> loads;
    std::vector<std::pair<uint16_t, Reg>> stores;  // memory PHIs: slot <- register
    rename_phi_operands();
    for (auto [a, b] : phis_)
      if (!is_memory_pinned(a)) busy_.add(ra_.home(a).reg);
    for (auto [a, b] : phis_) {
      if (is_memory_pinned(a)) {
        stores.emplace_back(ra_.home(a).spill, use(b));
        continue;
      }
      const Reg dst = ra_.home(a).reg;
      if (is_const(b)) loads.emplace_back(dst, b);
      else if (Reg src = use(b); src != dst) moves.push_back({dst, src});
    }
    std::vector<Move> order;  // execution order
    while (!moves.empty()) {
      auto is_source = [&](Reg r) {
        for (const Move& m : moves) if (m.src == r) return true;
        return false;
      };
      bool progressed = false;
      for (size_t i = 0; i < moves.size(); ++i) {
        if (is_source(moves[i].dst)) continue;
        order.push_back(moves[i]);
        moves.erase(moves.begin() + static_cast<long>(i));
        progressed = true;
        break;
      }
      if (progressed) continue;
      // A cycle: park the first destination's current value in a scratch.
      // A scratch is free again once no pending move reads it.
      const Reg blocked = moves[0].dst;
      RegSet pending_sources;
      for (const Move& m : moves) pending_sources.add(m.src);
      auto scratch = ra_.pick_free((RegSet::of_class(regalloc::class_of(blocked)) & kAllocatable) -
                                   busy_ - pending_sources);
      if (!scratch) {
        // No scratch left: swap the first move's registers in place (three
        // xors); its destination is then done, and its old value now sits
        // in the source register.
        const Move done = moves[0];
        moves.erase(moves.begin());
        order.push_back({done.dst, done.src, true});
        for (Move& m : moves) if (m.src == done.dst) m.src = done.src;
        continue;
      }
      order.push_back({*scratch, blocked});
      for (Move& m : moves) if (m.src == blocked) m.src = *scratch;
    }
    // Execution order: (memory-pinned sources reloaded by finish_instruction),
    // stores to memory PHIs, register moves, constant loads, jmp.
    for (auto it = loads.rbegin(); it != loads.rend(); ++it) load_constant(it->first, it->second);
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
      if (it->swap) swap_registers(it->dst, it->src);
      else move(it->dst, it->src);
    }
    for (auto [slot, reg] : stores) store_spill(reg, slot);
  }

  // PHI(a, b) where b is computed from a through a chain of two-address
  // instructions (i = i + 1; s = s * 0.5 + 1.25) and nothing reads a link
  // once the next one is computed: every link takes over a's register in
  // turn, so the chain computes in place and the back edge needs no move.
  // The register stays pinned while a link holds it; at each link's
  // definition it passes to the link's left operand (release_at_definition),
  // and finally back to a. Each link's home is that register: no exit after
  // the next link's definition names it.
  void rename_phi_operands() {
    std::vector<uint32_t> last_use;  // computed once a PHI could use it
    constexpr int kMaxChain = 8;
    for (auto [a, b] : phis_) {
      if (is_memory_pinned(a) || is_const(b) || b <= loop_ || ra_.home(b).has_reg() || !computes_in_place(b)) continue;
      if (last_use.empty()) last_use = last_uses();
      std::vector<Ref> chain{b};
      for (Ref link = b; chain.size() <= kMaxChain; link = at(link).op1) {
        const Ref left = at(link).op1;
        if (!computes_in_place(link) || last_use[left - trace_.nk()] > 2 * link) break;
        if (left == a) {
          chain.push_back(a);
          break;
        }
        if (left <= loop_ || next_holder_[left - trace_.nk()] || ra_.home(left).has_reg()) break;
        chain.push_back(left);
      }
      if (chain.back() != a || next_holder_[b - trace_.nk()]) continue;
      const Reg reg = ra_.home(a).reg;
      ra_.release(reg, true);
      ra_.assign(reg, b);
      ra_.pin(reg);
      for (size_t k = 0; k + 1 < chain.size(); ++k) next_holder_[chain[k] - trace_.nk()] = chain[k + 1];
    }
  }

  // Whether `b` is a two-address instruction whose destination starts as
  // its left operand (b = x + y): computed in x's register it reads x there
  // before overwriting it, and nothing else of b's lowering writes that
  // register first.
  bool computes_in_place(Ref b) {
    const Ins& ins = at(b);
    if (ins.op_info().op1 != ir::OperandKind::ref || is_const(ins.op1)) return false;
    switch (ins.o) {
      case Op::ADD: case Op::SUB: case Op::MUL: case Op::BAND: case Op::BOR:
      case Op::BXOR: case Op::ADDOV: case Op::SUBOV: case Op::MULOV: case Op::NEG: case Op::ABS:
      case Op::BNOT: case Op::BSHL: case Op::BSHR: case Op::BSAR: case Op::BROL: case Op::BROR:
      case Op::BSWAP:
        return true;
      case Op::DIV: case Op::FPMATH:
        return math_helper(ins) == 0;
      default:
        return false;
    }
  }

  // Per reference, the last position reading it, as 2 * ref: an instruction
  // operand at that instruction, a snapshot entry at the last guard the
  // snapshot covers plus one (its exit reads it before that guard's own
  // result exists), a PHI's right operand at the trace's end.
  std::vector<uint32_t> last_uses() {
    std::vector<uint32_t> last(trace_.nins() - trace_.nk(), 0);
    auto note = [&](Ref ref, uint32_t position) {
      if (!is_const(ref) && ref >= trace_.nk()) last[ref - trace_.nk()] = std::max(last[ref - trace_.nk()], position);
    };
    for (Ref r = ir::kRefFirst; r < trace_.nins(); ++r) {
      const Ins& ins = at(r);
      if (ins.o == Op::PHI) {
        note(ins.op2, 2 * trace_.nins());
        continue;
      }
      // A CARG chain (possibly shared by CSE) is read where its call is.
      if (ins.o == Op::CARG) continue;
      if (is_call(ins.o)) {
        args_scratch_.clear();
        if (ins.op1 != ir::kRefNil) gather_args(ins.op1, args_scratch_);
        for (Ref arg : args_scratch_) note(arg, 2 * r);
        if (ins.o == Op::CALLXS) note(ins.op2, 2 * r);  // the callee
        continue;
      }
      if (ins.op_info().op1 == ir::OperandKind::ref) note(ins.op1, 2 * r);
      if (ins.op_info().op2 == ir::OperandKind::ref) note(ins.op2, 2 * r);
      // A BUFPUT fused with its TOSTR reads the TOSTR's operand itself.
      if (ins.o == Op::BUFPUT && is_op(ins.op2, Op::TOSTR)) note(at(ins.op2).op1, 2 * r);
    }
    // Backwards: a snapshot's entries repeated from the next one (whose
    // guards come later) cannot raise a last use, unless that one has none.
    bool next_has_guard = false;
    for (size_t n = trace_.snaps.size(); n-- > 0;) {
      const Ref end = n + 1 < trace_.snaps.size() ? trace_.snaps[n + 1].ref : trace_.nins();
      Ref guard_at = 0;
      for (Ref r = trace_.snaps[n].ref; r < end; ++r)
        if (at(r).t.is_guard() || can_fail(at(r).o)) guard_at = r;
      for_each_snapshot_value(n, [&](Ref ref) { note(ref, guard_at ? 2 * guard_at + 1 : 0); }, next_has_guard);
      next_has_guard = guard_at != 0;
    }
    return last;
  }

  // Crossing LOOP backwards: the body expects at its label what the back
  // edge provides. Constants are rematerialized at the label; everything
  // else still in a register must be pinned.
  void cross_loop() {
    for (Reg r = 0; r < regalloc::kRegCount; ++r) {
      if (!ra_.assigned().has(r)) continue;
      const Ref ref = ra_.holder(r);
      if (is_const(ref)) {
        load_constant(r, ref);
        ra_.release(r, false);
      } else {
        check(ra_.pinned().has(r), "an unpinned value is live across the loop label");
      }
    }
    in_loop_body_ = false;
    out_.loop = buffer_.position();
    buffer_.patch_rel32(back_edge_, out_.loop);
  }

  // At the entry: constants still in registers are loaded there.
  void materialize_constants() {
    for (Reg r = 0; r < regalloc::kRegCount; ++r) {
      if (!ra_.assigned().has(r) || !is_const(ra_.holder(r))) continue;
      load_constant(r, ra_.holder(r));
      ra_.release(r, false);
    }
  }

  // ---- Lowering ------------------------------------------------------------

  void assemble_instruction(Ref r) {
    const Ins& ins = at(r);
    current_ = static_cast<int>(r - ir::kRefBias);
    if (ins.o == Op::LOOP) return cross_loop();
    if (ins.o == Op::NOP || ins.o == Op::PHI || ins.o == Op::BASE) return;
    const Home& h = ra_.home(r);
    // Sunk allocations, their stores and references into them leave their
    // work to the exits.
    if (part_of_sunk_object(r)) return;
    // Stores and the buffer ops write memory whether or not their result is used.
    const bool side_effect = ir::writes_memory(ins.o, ins.op_info().kind);
    if (!ins.t.is_guard() && !side_effect && !holds(h.reg, r) && !h.has_spill()) return;  // dead
    if (ins.t.is_guard()) keep_snapshot_alive(covering_snapshot(r));
    lower(r, ins);
    finish_instruction();
  }

  // A sunk allocation or store, or a reference into a sunk object (what the
  // evaluator turns into placeholders), decided once per reference.
  bool part_of_sunk_object(Ref r) {
    if (sunk(r)) return true;
    const Ins& ins = at(r);
    switch (ins.o) {
      case Op::FLOAD: case Op::AREF: case Op::FREF: case Op::HREF: case Op::NEWREF: case Op::HREFK:
      case Op::TBAR:
        return !is_const(ins.op1) && part_of_sunk_object(ins.op1);
      default:
        return false;
    }
  }

  [[noreturn]] void not_yet() { throw AsmAbort(AsmError::kNyiInstruction, current_); }

  void lower(Ref r, const Ins& ins) {
    const bool is_int = ins.t.is_int();
    const bool is_num = ins.t.is_num();
    switch (ins.o) {
      case Op::SLOAD: return lower_sload(r, ins);
      case Op::MOD: case Op::POW: case Op::LDEXP: return lower_math_call(r, ins);
      case Op::DIV:
        if (is_num) return lower_num_arith(r, ins.op1, ins.op2, ins.o);
        if (is_int) return lower_math_call(r, ins);
        break;
      case Op::TOBIT: return lower_tobit(r, ins);
      case Op::BSWAP: if (is_int) return lower_bswap(r, ins); break;
      case Op::ADD: case Op::SUB: case Op::MUL:
        if (is_num) return lower_num_arith(r, ins.op1, ins.op2, ins.o);
        if (is_int) return lower_int_arith(r, ins, false);
        break;
      case Op::BAND: case Op::BOR: case Op::BXOR:
        if (is_int) return lower_int_arith(r, ins, false);
        break;
      case Op::ADDOV: case Op::SUBOV: case Op::MULOV:
        if (is_int) return lower_int_arith(r, ins, true);
        break;
      case Op::MIN: case Op::MAX:
        // MIN(a, b) is a > b ? b : a, which minsd computes with b first.
        if (is_num) return lower_num_arith(r, ins.op2, ins.op1, ins.o);
        if (is_int) return lower_int_min_max(r, ins);
        break;
      case Op::NEG: case Op::ABS: case Op::BNOT: return lower_unary(r, ins);
      case Op::BSHL: case Op::BSHR: case Op::BSAR: case Op::BROL: case Op::BROR:
        if (is_int) return lower_shift(r, ins);
        break;
      case Op::FPMATH: return lower_fpmath(r, ins);
      case Op::CONV: return lower_conv(r, ins);
      case Op::CALLN: case Op::CALLA: case Op::CALLL: case Op::CALLS: return lower_call(r, ins);
      case Op::CALLXS: return lower_indirect_call(r, ins);
      case Op::CARG: return;  // read by its CALL
      case Op::ALOAD: case Op::HLOAD: case Op::ULOAD: return lower_load(r, ins);
      case Op::ASTORE: case Op::HSTORE: case Op::USTORE: return store_boxed(value_slot(ins.op1), ins.op2);
      case Op::FLOAD: return lower_fload(r, ins);
      case Op::FSTORE: return lower_fstore(ins);
      case Op::AREF: case Op::FREF: return lower_address(r, ins);
      case Op::HREFK: return lower_hrefk(r, ins);
      case Op::UREFO: case Op::UREFC: return lower_uref(r, ins);
      case Op::ABC: return lower_abc(r, ins);
      case Op::HREF: case Op::NEWREF: return lower_hash_helper(r, ins);
      case Op::TNEW: case Op::TDUP: return lower_allocation(r, ins);
      case Op::GCSTEP: return lower_gcstep(r);
      case Op::TBAR: return lower_table_barrier(ins);
      case Op::OBAR: return lower_upvalue_barrier(r, ins);
      case Op::XBAR: return;  // an FFI memory barrier: no code on x86
      case Op::STRREF: return lower_strref(r, ins);
      case Op::BUFHDR: return lower_bufhdr(r, ins);
      case Op::SNEW: case Op::TOSTR: case Op::STRTO: case Op::BUFPUT: case Op::BUFSTR:
        return lower_string_helper(r, ins);
      default:
        if (ir::is_comparison(ins.o)) return ins.t.is_num() ? lower_num_compare(r, ins) : lower_int_compare(r, ins);
        break;
    }
    not_yet();
  }

  // NaN-boxed type check of a stack slot: exits unless it holds a number.
  void check_number(Ref r, const Mem& slot, Reg scratch) {
    guard(Cond::kAE, r);
    e_.cmp(gpr32(scratch), kFirstTag);
    e_.shr(gpr(scratch), 47);
    e_.mov(gpr(scratch), slot);
  }

  void lower_sload(Ref r, const Ins& ins) {
    constexpr uint16_t kSupported = ir::sload::kTypeCheck | ir::sload::kConvert | ir::sload::kReadOnly;
    if (ins.op2 & ~kSupported) not_yet();
    const bool type_check = ins.op2 & ir::sload::kTypeCheck;
    const Mem slot = stack_slot(ins.op1);
    if (ins.t.is_num()) {
      const Reg dest = is_fused(r) ? kNoReg : define(r);
      const Reg scratch = type_check ? pick(RegClass::kGpr) : kNoReg;
      if (dest != kNoReg) e_.movsd(fpr(dest), slot);  // else fused into its user
      if (type_check) check_number(r, slot, scratch);
      return;
    }
    if (!ins.t.is_int()) return load_boxed(r, ins, define(r), slot);
    // An integer slot holds a double; T without C also demands it be integral.
    const bool exact = type_check && !(ins.op2 & ir::sload::kConvert);
    const Reg dest = define(r);
    const Reg scratch = type_check ? pick(RegClass::kGpr) : kNoReg;
    const Reg back = exact ? pick(RegClass::kFpr) : kNoReg;
    if (exact) {
      guard(Cond::kP, r);
      guard(Cond::kNE, r);
      e_.ucomisd(fpr(back), slot);
      e_.cvtsi2sd(fpr(back), gpr32(dest));
    }
    e_.cvttsd2si(gpr32(dest), slot);
    if (type_check) check_number(r, slot, scratch);
  }

  void lower_int_arith(Ref r, const Ins& ins, bool overflow_guard) {
    const Reg dest = define(r);
    const bool immediate = is_kint(ins.op2);
    const std::optional<Mem> memory = immediate ? std::nullopt : fused_load(r, ins.op2);
    const Reg right = immediate || memory ? kNoReg : use(ins.op2);
    if (overflow_guard) guard(Cond::kO, r);
    const bool mul = ins.o == Op::MUL || ins.o == Op::MULOV;
    AluOp alu = AluOp::add;
    switch (ins.o) {
      case Op::SUB: case Op::SUBOV: alu = AluOp::sub; break;
      case Op::BAND: alu = AluOp::and_; break;
      case Op::BOR: alu = AluOp::or_; break;
      case Op::BXOR: alu = AluOp::xor_; break;
      default: break;
    }
    const Gp d = gpr32(dest);
    if (immediate && mul) e_.imul(d, d, at(ins.op2).int_value());
    else if (immediate) e_.alu(alu, d, at(ins.op2).int_value());
    else if (memory && mul) e_.imul(d, *memory);
    else if (memory) e_.alu(alu, d, *memory);
    else if (mul) e_.imul(d, gpr32(right));
    else e_.alu(alu, d, gpr32(right));
    left_into(dest, ins.op1);
  }

  void lower_unary(Ref r, const Ins& ins) {
    const Reg dest = define(r);
    if (ins.t.is_num() && ins.o != Op::BNOT) {
      if (ins.o == Op::NEG) e_.xorpd(fpr(dest), Mem::rip(sign_mask_));
      else e_.andpd(fpr(dest), Mem::rip(abs_mask_));
    } else if (ins.t.is_int() && ins.o != Op::ABS) {
      if (ins.o == Op::NEG) e_.neg(gpr32(dest));
      else e_.not_(gpr32(dest));
    } else {
      not_yet();
    }
    left_into(dest, ins.op1);
  }

  // Variable shifts count in cl: the count moves to rcx, whose occupant (if
  // any other value) is evicted; a result homed in rcx is computed elsewhere.
  void lower_shift(Ref r, const Ins& ins) {
    const ShiftOp op = ins.o == Op::BSHL ? ShiftOp::shl : ins.o == Op::BSHR ? ShiftOp::shr
                     : ins.o == Op::BSAR ? ShiftOp::sar : ins.o == Op::BROL ? ShiftOp::rol : ShiftOp::ror;
    const RegSet rcx_set{1u << kRcx};
    if (is_kint(ins.op2)) {
      const Reg dest = define(r);
      e_.shift(op, gpr32(dest), static_cast<uint8_t>(at(ins.op2).int_value() & 31));
      return left_into(dest, ins.op1);
    }
    const Reg home = define(r, rcx_set);
    const Ref count = ins.op2;
    const bool count_in_rcx = holds(kRcx, count);
    if (!count_in_rcx && ra_.assigned().has(kRcx) && home != kRcx) evict(kRcx);
    busy_.add(kRcx);
    Reg dest = home;
    if (home == kRcx) {
      dest = pick(RegClass::kGpr, rcx_set);
      e_.mov(gpr32(kRcx), gpr32(dest));
    }
    const Home& h = ra_.home(count);
    const bool count_elsewhere = !count_in_rcx && holds(h.reg, count);
    if (count_elsewhere) busy_.add(h.reg);
    e_.shift_cl(op, gpr32(dest));
    if (count_elsewhere) e_.mov(gpr32(kRcx), gpr32(h.reg));
    else if (is_memory_pinned(count)) reload(kRcx, h.spill);
    else if (!count_in_rcx) ra_.assign(kRcx, count);
    left_into(dest, ins.op1);
  }

  void lower_num_arith(Ref r, Ref left, Ref right, Op op) {
    const Reg dest = define(r);
    const bool fused = is_knum(right);
    const std::optional<Mem> memory = fused ? std::nullopt : fused_load(r, right);
    const Reg rr = fused || memory ? kNoReg : use(right);
    SseOp sse = SseOp::addsd;
    switch (op) {
      case Op::SUB: sse = SseOp::subsd; break;
      case Op::MUL: sse = SseOp::mulsd; break;
      case Op::DIV: sse = SseOp::divsd; break;
      case Op::MIN: sse = SseOp::minsd; break;
      case Op::MAX: sse = SseOp::maxsd; break;
      default: break;
    }
    if (fused) e_.sse(sse, fpr(dest), Mem::rip(knum_address(right)));
    else if (memory) e_.sse(sse, fpr(dest), *memory);
    else e_.sse(sse, fpr(dest), fpr(rr));
    left_into(dest, left);
  }

  void lower_fpmath(Ref r, const Ins& ins) {
    const auto f = static_cast<ir::FpMath>(ins.op2);
    const bool rounding = f == ir::FpMath::FLOOR || f == ir::FpMath::CEIL || f == ir::FpMath::TRUNC;
    if (f != ir::FpMath::SQRT && !rounding) return lower_math_call(r, ins);
    const Reg dest = define(r);
    if (f == ir::FpMath::SQRT) {
      e_.sqrtsd(fpr(dest), fpr(dest));
    } else if (!options_.use_sse4_1) {
      round_without_sse4_1(dest, f);
    } else {
      const RoundMode mode = f == ir::FpMath::FLOOR ? RoundMode::kFloor
                           : f == ir::FpMath::CEIL  ? RoundMode::kCeil
                                                    : RoundMode::kTrunc;
      e_.roundsd(fpr(dest), fpr(dest), mode);
    }
    left_into(dest, ins.op1);
  }

  // floor/ceil/trunc of `dest` in place without roundsd: |x| >= 2^52, inf
  // and NaN are already integral; else (|x| + 2^52) - 2^52 rounds |x| to
  // nearest, one step corrects it, and x's sign is put back last (so
  // ceil(-0.5) is -0). Execution order, emitted backwards:
  //   movaps u, d; andpd u, abs; ucomisd u, 2^52; jp done; jae done
  //   movaps t, d; andpd t, sign; movaps d, u; addsd u, 2^52; subsd u, 2^52
  //   [floor/ceil: xorpd u, t; xorpd d, t]  compare; j skip; +-1.0  skip:
  //   andpd u, abs; xorpd u, t; movaps d, u  done:
  void round_without_sse4_1(Reg dest, ir::FpMath f) {
    const Xmm d = fpr(dest), u = fpr(pick(RegClass::kFpr)), t = fpr(pick(RegClass::kFpr));
    const uint64_t done = buffer_.position();
    e_.movaps(d, u);
    e_.xorpd(u, t);
    e_.andpd(u, Mem::rip(abs_mask_));
    const uint64_t skip = buffer_.position();
    if (f == ir::FpMath::CEIL) {
      e_.addsd(u, Mem::rip(one_));
      e_.jcc(Cond::kBE, skip);  // x <= rint(x)
      e_.ucomisd(d, u);
    } else {
      e_.subsd(u, Mem::rip(one_));
      e_.jcc(Cond::kBE, skip);  // rint <= x (floor), rint|x| <= |x| (trunc)
      e_.ucomisd(u, d);
    }
    if (f != ir::FpMath::TRUNC) {
      e_.xorpd(d, t);
      e_.xorpd(u, t);
    }
    e_.subsd(u, Mem::rip(two_pow_52_));
    e_.addsd(u, Mem::rip(two_pow_52_));
    e_.movaps(d, u);
    e_.andpd(t, Mem::rip(sign_mask_));
    e_.movaps(t, d);
    e_.jcc(Cond::kAE, done);
    e_.jcc(Cond::kP, done);
    e_.ucomisd(u, Mem::rip(two_pow_52_));
    e_.andpd(u, Mem::rip(abs_mask_));
    e_.movaps(u, d);
  }

  // TOBIT(x, 2^52 + 2^51): the low 32 bits of x + bias are x's integer
  // (mod 2^32, rounded to nearest): addsd into a scratch XMM, movd out.
  void lower_tobit(Ref r, const Ins& ins) {
    const Reg dest = define(r);
    const Reg sum = pick(RegClass::kFpr);
    const bool fused = is_knum(ins.op2);
    const Reg bias = fused ? kNoReg : use(ins.op2);
    e_.movd(gpr32(dest), fpr(sum));
    if (fused) e_.addsd(fpr(sum), Mem::rip(knum_address(ins.op2)));
    else e_.addsd(fpr(sum), fpr(bias));
    left_into(sum, ins.op1);
  }

  void lower_bswap(Ref r, const Ins& ins) {
    const Reg dest = define(r);
    e_.bswap(gpr32(dest));
    left_into(dest, ins.op1);
  }

  // Integer MIN(a, b) = a > b ? b : a: cmp, then cmovg takes b (MAX: cmovl).
  void lower_int_min_max(Ref r, const Ins& ins) {
    const Reg dest = define(r);
    const Reg right = use(ins.op2);
    e_.cmov(ins.o == Op::MIN ? Cond::kG : Cond::kL, gpr32(dest), gpr32(right));
    e_.cmp(gpr32(dest), gpr32(right));
    left_into(dest, ins.op1);
  }

  // MOD, POW, LDEXP and FPMATH log/log2 call C++ (as LuaJIT calls
  // lj_vm_modi, pow, ldexp, log): the operands in their SysV registers.
  void lower_math_call(Ref r, const Ins& ins) {
    const uint64_t helper = math_helper(ins);
    if (!helper) not_yet();
    HelperArgs args{HelperArg::value(ins.op1)};
    if (ins.o != Op::FPMATH) args.push_back(HelperArg::value(ins.op2));
    call_helper(r, helper, args, AfterCall::kNothing);
  }

  // The C++ function an arithmetic op is lowered to, 0 if inline (or NYI).
  static uint64_t math_helper(const Ins& ins) {
    const bool num = ins.t.is_num();
    switch (ins.o) {
      case Op::MOD:
        if (num) return reinterpret_cast<uint64_t>(&math::num_mod);
        return ins.t.is_int() ? reinterpret_cast<uint64_t>(&math::int_mod) : 0;
      case Op::DIV: return ins.t.is_int() ? reinterpret_cast<uint64_t>(&math::int_div) : 0;
      case Op::POW:
        if (num) return reinterpret_cast<uint64_t>(&math::pow);
        return ins.t.is_int() ? reinterpret_cast<uint64_t>(&math::int_pow) : 0;
      case Op::LDEXP: return num ? reinterpret_cast<uint64_t>(&math::ldexp) : 0;
      case Op::FPMATH:
        switch (static_cast<ir::FpMath>(ins.op2)) {
          case ir::FpMath::LOG: return reinterpret_cast<uint64_t>(&math::log);
          case ir::FpMath::LOG2: return reinterpret_cast<uint64_t>(&math::log2);
          default: return 0;
        }
      default: return 0;
    }
  }

  void lower_conv(Ref r, const Ins& ins) {
    const ir::IrType dst = ir::conv::dest(ins.op2), src = ir::conv::source(ins.op2);
    if (dst == ir::IrType::NUM && src == ir::IrType::INT) {
      const Reg dest = define(r);
      const Reg from = use(ins.op1);
      e_.cvtsi2sd(fpr(dest), gpr32(from));
      return;
    }
    // FLOAT (FFI call arguments and results) lives in an XMM's low 32 bits.
    // The IR has no FLOAT constants: a constant argument is CONV flt.num of
    // a KNUM, which reads the number from the constant pool.
    const bool to_float = dst == ir::IrType::FLOAT && src == ir::IrType::NUM;
    if (to_float || (dst == ir::IrType::NUM && src == ir::IrType::FLOAT)) {
      const Reg dest = define(r);
      const SseOp op = to_float ? SseOp::cvtsd2ss : SseOp::cvtss2sd;
      if (is_knum(ins.op1)) return e_.sse(op, fpr(dest), Mem::rip(knum_address(ins.op1)));
      e_.sse(op, fpr(dest), fpr(use(ins.op1)));
      return;
    }
    // float <- int: exactly to double, then rounded once to single.
    if (dst == ir::IrType::FLOAT && src == ir::IrType::INT) {
      const Reg dest = define(r);
      const Reg from = use(ins.op1);
      e_.cvtsd2ss(fpr(dest), fpr(dest));
      e_.cvtsi2sd(fpr(dest), gpr32(from));
      return;
    }
    const bool from_float = src == ir::IrType::FLOAT;
    if ((dst != ir::IrType::INT && dst != ir::IrType::U32) || (src != ir::IrType::NUM && !from_float)) not_yet();
    if (!ins.t.is_guard()) return lower_truncation(r, ins);
    // int <- num or float, exact or exit: truncate, convert back, compare
    // (a float widened to double first: exact, so the checks are the same).
    if (dst != ir::IrType::INT) not_yet();
    const Reg dest = define(r);
    const Reg from = use(ins.op1);
    const Reg number = from_float ? pick(RegClass::kFpr) : from;
    const Reg back = pick(RegClass::kFpr);
    guard(Cond::kP, r);
    guard(Cond::kNE, r);
    e_.ucomisd(fpr(back), fpr(number));
    e_.cvtsi2sd(fpr(back), gpr32(dest));
    e_.cvttsd2si(gpr32(dest), fpr(number));
    if (from_float) e_.cvtss2sd(fpr(number), fpr(from));
  }

  // Unchecked int/u32 <- num or float, as LuaJIT's x64 code: INT is a
  // 32-bit cvttsd2si (NaN and out of range give 0x80000000); U32 a 64-bit
  // one (t mod 2^32 while |t| < 2^63, else 0), its upper half then cleared
  // (the GPR invariant). A float is widened to double first (exact). FOLD
  // leaves CONV u32.num of a KNUM an instruction: it reads the pool.
  void lower_truncation(Ref r, const Ins& ins) {
    const bool to_u32 = ir::conv::dest(ins.op2) == ir::IrType::U32;
    const bool from_float = ir::conv::source(ins.op2) == ir::IrType::FLOAT;
    const Reg dest = define(r);
    const Gp out = to_u32 ? gpr(dest) : gpr32(dest);
    if (to_u32) e_.mov(gpr32(dest), gpr32(dest));
    if (is_knum(ins.op1)) return e_.cvttsd2si(out, Mem::rip(knum_address(ins.op1)));
    const Reg from = use(ins.op1);
    const Reg number = from_float ? pick(RegClass::kFpr) : from;
    e_.cvttsd2si(out, fpr(number));
    if (from_float) e_.cvtss2sd(fpr(number), fpr(from));
  }

  void lower_int_compare(Ref r, const Ins& ins) {
    if ((ins.o == Op::EQ || ins.o == Op::NE) && is_pointer(ins.t.base())) return lower_pointer_compare(r, ins);
    if (!ins.t.is_int()) not_yet();
    Ref left = ins.op1, right = ins.op2;
    Op op = ins.o;
    if (is_kint(left) && !is_kint(right)) std::swap(left, right), op = mirrored(op);
    const Reg l = use(left);
    const bool immediate = is_kint(right);
    const std::optional<Mem> memory = immediate ? std::nullopt : fused_load(r, right);
    const Reg rr = immediate || memory ? kNoReg : use(right);
    guard(negate(int_condition(op)), r);
    if (immediate) e_.cmp(gpr32(l), at(right).int_value());
    else if (memory) e_.cmp(gpr32(l), *memory);
    else e_.cmp(gpr32(l), gpr32(rr));
  }

  // GC objects and pointers live in registers as their 64-bit address.
  static bool is_pointer(ir::IrType t) {
    return (t >= ir::IrType::LIGHTUD && t <= ir::IrType::UDATA && t != ir::IrType::P32);
  }

  // EQ / NE of two objects (an identity check, e.g. of the function
  // called): 64-bit compare, a constant operand through a scratch register
  // unless it fits a sign-extended imm32.
  void lower_pointer_compare(Ref r, const Ins& ins) {
    Ref left = ins.op1, right = ins.op2;
    if (is_const(left)) std::swap(left, right);
    const Reg l = use(left);
    const bool constant = is_const(right);
    const uint64_t k = constant ? trace_.payload64(right) : 0;
    const bool imm32 = constant && static_cast<int64_t>(k) == static_cast<int32_t>(k);
    const Reg rr = !constant ? use(right) : imm32 ? kNoReg : pick(RegClass::kGpr);
    guard(ins.o == Op::EQ ? Cond::kNE : Cond::kE, r);
    if (imm32) return e_.cmp(gpr(l), static_cast<int32_t>(k));
    e_.cmp(gpr(l), gpr(rr));
    if (constant) e_.mov_imm64(gpr(rr), k);
  }

  // ucomisd sets CF for "below or unordered", ZF for "equal or unordered":
  // each guard compares in the order whose exit condition is also taken on
  // NaN when the guard must fail on NaN, and not taken when it must hold.
  void lower_num_compare(Ref r, const Ins& ins) {
    Op op = ins.o;
    bool swap = op == Op::LT || op == Op::LE || op == Op::UGE || op == Op::UGT;
    Cond exit_when = Cond::kNE;
    switch (op) {
      case Op::GT: case Op::LT: exit_when = Cond::kBE; break;
      case Op::GE: case Op::LE: exit_when = Cond::kB; break;
      case Op::ULT: case Op::UGT: exit_when = Cond::kAE; break;
      case Op::ULE: case Op::UGE: exit_when = Cond::kA; break;
      default: break;
    }
    const Ref x = swap ? ins.op2 : ins.op1, y = swap ? ins.op1 : ins.op2;
    const Reg rx = use(x);
    const bool fused = is_knum(y);
    const std::optional<Mem> memory = fused ? std::nullopt : fused_load(r, y);
    const Reg ry = fused || memory ? kNoReg : use(y);
    if (op == Op::EQ) {
      guard(Cond::kP, r);
      guard(Cond::kNE, r);
    } else if (op == Op::NE) {
      const uint64_t after = buffer_.position();
      guard(Cond::kE, r);
      e_.jcc(Cond::kP, after);
    } else {
      guard(exit_when, r);
    }
    if (fused) e_.ucomisd(fpr(rx), Mem::rip(knum_address(y)));
    else if (memory) e_.ucomisd(fpr(rx), *memory);
    else e_.ucomisd(fpr(rx), fpr(ry));
  }

  // ---- FUSE: loads as memory operands --------------------------------------

  // How many places read each value: operands, PHIs, snapshot entries (and
  // what sunk objects in them need). A load read once can be fused.
  void count_uses() {
    auto note = [&](Ref ref) {
      if (!is_const(ref) && ref >= trace_.nk() && uses_[ref - trace_.nk()] < 2) ++uses_[ref - trace_.nk()];
    };
    for (Ref r = ir::kRefFirst; r < trace_.nins(); ++r) {
      const Ins& ins = at(r);
      if (ins.op_info().op1 == ir::OperandKind::ref) note(ins.op1);
      if (ins.op_info().op2 == ir::OperandKind::ref) note(ins.op2);
    }
    // Snapshot entries count as many reads (a sunk store's value is also
    // its store's operand, counted above).
    // (An entry the next snapshot repeats is counted there.)
    for (size_t n = 0; n < trace_.snaps.size(); ++n) {
      const ir::SnapEntry* entries = trace_.snapshot_entries(n);
      for (uint32_t k = change_begin_[n]; k < change_begin_[n + 1]; ++k)
        note(entries[changes_[k]].ref()), note(entries[changes_[k]].ref());
    }
  }

  bool is_fused(Ref r) const { return fused_[r - trace_.nk()]; }
  // Trace::is_sunk without a hash lookup (asked for every snapshot entry).
  bool sunk(Ref r) const { return !sunk_.empty() && sunk_[r - trace_.nk()]; }

  // The memory operand `user` may read `operand` from instead of a
  // register: a number (or integer field) load nothing else reads, with no
  // store or call between it and its user, not a loop invariant read in
  // the body. Its own lowering then keeps only its type check.
  std::optional<Mem> fused_load(Ref user, Ref operand) {
    if (!options_.fuse_loads || is_const(operand) || uses_[operand - trace_.nk()] != 1) return std::nullopt;
    if (in_loop_body_ && operand < loop_) return std::nullopt;
    const Ins& load = at(operand);
    const bool number = load.t.is_num();
    switch (load.o) {
      case Op::SLOAD: if (!number || (load.op2 & ir::sload::kConvert)) return std::nullopt; break;
      case Op::ALOAD: case Op::HLOAD: case Op::ULOAD: if (!number) return std::nullopt; break;
      case Op::FLOAD: if (!number && !load.t.is_int()) return std::nullopt; break;
      default: return std::nullopt;
    }
    constexpr Ref kMaxDistance = 16;
    if (user - operand > kMaxDistance) return std::nullopt;
    for (Ref between = operand + 1; between < user; ++between) {
      const Op op = at(between).o;
      if ((at(between).op_info().kind == ir::OpKind::kStore && op != Op::PHI) || calls_helper(at(between)))
        return std::nullopt;
    }
    fused_[operand - trace_.nk()] = true;
    if (load.o == Op::SLOAD) return stack_slot(load.op1);
    if (load.o == Op::FLOAD)
      return Mem::at(gpr(use(load.op1)), static_cast<int32_t>(field(load.op2).offset), load.t.is_int() ? Width::k32 : Width::kNone);
    return value_slot(load.op1);
  }

  // ---- Memory: NaN-boxed slots in tables and upvalues, raw fields ----------

  const ObjectLayout& layout() {
    if (!options_.layout) not_yet();
    return *options_.layout;
  }
  bool is_op(Ref ref, Op op) const { return !is_const(ref) && at(ref).o == op; }
  // An address computation folded into its user's memory operand. Not a
  // loop invariant used in the body: that one is pinned in a register,
  // its operands are not.
  bool fusable(Ref ref, Op op) const { return is_op(ref, op) && !(in_loop_body_ && ref < loop_); }
  // The boxed 64-bit form of a constant, as machine memory holds it.
  uint64_t boxed_constant(Ref k) const {
    const Ins& ins = at(k);
    ir::Value v{ins.t.base(), 0};
    if (ins.o == Op::KINT) v = ir::Value::integer(ins.int_value());
    else if (ir::has_64bit_payload(ins.o)) v.bits = trace_.payload64(k);
    return ir::nanbox::box(v);
  }

  // The 8-byte slot a reference points at. AREF is fused into the address
  // (array + index * 8), so it needs no register of its own.
  Mem value_slot(Ref ref) {
    if (fusable(ref, Op::AREF)) {
      const Ins& aref = at(ref);
      const Gp array = gpr(use(aref.op1));
      if (is_kint(aref.op2)) return Mem::at(array, 8 * at(aref.op2).int_value());
      return Mem::at(array, gpr(use(aref.op2)), 8);
    }
    return Mem::at(gpr(use(ref)), 0);
  }

  // Exits unless the boxed value at `slot` has type `t` (a number: any tag
  // below the first itype; else exactly t's itype in the top 17 bits).
  void check_type(Ref r, const Mem& slot, ir::IrType t, Reg scratch) {
    if (t == ir::IrType::NUM) return check_number(r, slot, scratch);
    guard(Cond::kNE, r);
    e_.cmp(gpr32(scratch), static_cast<int32_t>(~static_cast<uint32_t>(t)));
    e_.sar(gpr(scratch), 47);
    e_.mov(gpr(scratch), slot);
  }

  // A load of a boxed value (SLOAD of a non-number, ALOAD/HLOAD/ULOAD):
  // the type check when guarded, then numbers into an XMM, GC values as
  // their 47-bit payload, primitives as nothing (their value is the type).
  void lower_load(Ref r, const Ins& ins) {
    const Reg dest = is_fused(r) ? kNoReg : define(r);
    load_boxed(r, ins, dest, value_slot(ins.op1));
  }
  void load_boxed(Ref r, const Ins& ins, Reg dest, const Mem& slot) {
    const ir::IrType t = ins.t.base();
    if (ins.t.is_int() || t == ir::IrType::FLOAT || ins.t.is_int64() || t == ir::IrType::U32) not_yet();
    const Reg scratch = ins.t.is_guard() ? pick(RegClass::kGpr) : kNoReg;
    if (t == ir::IrType::NUM) {
      if (dest != kNoReg) e_.movsd(fpr(dest), slot);  // else fused into its user
    } else if (!ins.t.is_pri()) {
      e_.shr(gpr(dest), 17);
      e_.shl(gpr(dest), 17);
      e_.mov(gpr(dest), slot);
    }
    if (ins.t.is_guard()) check_type(r, slot, t, scratch);
  }

  // Stores `value` boxed into an 8-byte slot.
  void store_boxed(const Mem& slot, Ref value) {
    const Ins& v = at(value);
    if (is_const(value) || v.t.is_pri()) {
      const Reg scratch = pick(RegClass::kGpr);
      e_.mov(slot, gpr(scratch));
      e_.mov_imm64(gpr(scratch), is_const(value) ? boxed_constant(value)
                                                  : ir::nanbox::box(ir::Value{v.t.base(), 0}));
      return;
    }
    if (v.t.is_num()) return e_.movsd(slot, fpr(use(value)));
    if (v.t.is_int()) {
      const Reg from = use(value);
      const Reg number = pick(RegClass::kFpr);
      e_.movsd(slot, fpr(number));
      e_.cvtsi2sd(fpr(number), gpr32(from));
      return;
    }
    if (v.t.is_fp() || v.t.is_int64() || v.t.base() == ir::IrType::U32 || v.t.base() > ir::IrType::NUM) not_yet();
    const Reg payload = use(value);
    const Reg boxed = pick(RegClass::kGpr);
    e_.mov(slot, gpr(boxed));
    e_.or_(gpr(boxed), gpr(payload));
    e_.mov_imm64(gpr(boxed), ~static_cast<uint64_t>(v.t.base()) << ir::nanbox::kTagShift);
  }

  const ir::FieldInfo& field(uint16_t index) {
    if (!options_.binding || index >= options_.binding->fields.size()) not_yet();
    return options_.binding->fields[index];
  }

  // FLOAD reads a raw field at the binding's offset, as wide as its type.
  void lower_fload(Ref r, const Ins& ins) {
    const int32_t offset = static_cast<int32_t>(field(ins.op2).offset);
    const Reg dest = define(r);
    const Mem m = Mem::at(gpr(use(ins.op1)), offset);
    switch (ins.t.base()) {
      case ir::IrType::NUM: return e_.movsd(fpr(dest), m);
      case ir::IrType::INT: case ir::IrType::U32: return e_.mov(gpr32(dest), m.sized(Width::k32));
      case ir::IrType::U8: return e_.movzx(gpr32(dest), m.sized(Width::k8));
      case ir::IrType::I8: return e_.movsx(gpr32(dest), m.sized(Width::k8));
      case ir::IrType::U16: return e_.movzx(gpr32(dest), m.sized(Width::k16));
      case ir::IrType::I16: return e_.movsx(gpr32(dest), m.sized(Width::k16));
      default:
        if (ins.t.is_fp() || ins.t.is_pri()) not_yet();
        return e_.mov(gpr(dest), m);
    }
  }

  // FSTORE into FREF(object, field): the address fused, the value raw.
  void lower_fstore(const Ins& ins) {
    if (!is_op(ins.op1, Op::FREF)) not_yet();
    const Ins& ref = at(ins.op1);
    const ir::IrType t = field(ref.op2).type;
    const Mem m = fusable(ins.op1, Op::FREF)
                      ? Mem::at(gpr(use(ref.op1)), static_cast<int32_t>(field(ref.op2).offset))
                      : Mem::at(gpr(use(ins.op1)), 0);
    const Ref value = ins.op2;
    if (t == ir::IrType::NUM) {
      if (at(value).t.is_int()) {
        const Reg from = use(value);
        const Reg number = pick(RegClass::kFpr);
        e_.movsd(m, fpr(number));
        return e_.cvtsi2sd(fpr(number), gpr32(from));
      }
      return e_.movsd(m, fpr(use(value)));
    }
    const Width width = t == ir::IrType::U8 || t == ir::IrType::I8 ? Width::k8
                        : t == ir::IrType::U16 || t == ir::IrType::I16 ? Width::k16
                        : t == ir::IrType::INT || t == ir::IrType::U32 ? Width::k32 : Width::k64;
    if (at(value).t.is_fp()) not_yet();
    if (is_kint(value) && width != Width::k64) return e_.mov(m.sized(width), at(value).int_value());
    const Reg from = use(value);
    const Gp reg = width == Width::k8 ? gpr(from).r8() : width == Width::k16 ? gp16(from)
                 : width == Width::k32 ? gpr32(from) : gpr(from);
    e_.mov(m, reg);
  }

  // AREF / FREF wanted in a register (not fused into a load or store).
  void lower_address(Ref r, const Ins& ins) {
    const Reg dest = define(r);
    if (ins.o == Op::FREF) return e_.lea(gpr(dest), Mem::at(gpr(use(ins.op1)), static_cast<int32_t>(field(ins.op2).offset)));
    e_.lea(gpr(dest), value_slot(r));
  }

  // HREFK(table or node pointer, KSLOT(key, n)): node n must hold the key.
  void lower_hrefk(Ref r, const Ins& ins) {
    const ObjectLayout& l = layout();
    const Ins& kslot = at(ins.op2);
    if (kslot.o != Op::KSLOT) not_yet();
    const int32_t node = static_cast<int32_t>(kslot.op2) * l.node_size;
    const bool from_table = !at(ins.op1).t.is(ir::IrType::P64);
    const Reg dest = define(r);
    const Reg table = from_table ? use(ins.op1) : kNoReg;
    const Reg nodes = from_table ? dest : use(ins.op1);
    const Reg key = pick(RegClass::kGpr);
    e_.lea(gpr(dest), Mem::at(gpr(nodes), node + l.node_value));
    guard(Cond::kNE, r);
    e_.cmp(Mem::at(gpr(nodes), node + l.node_key), gpr(key));
    e_.mov_imm64(gpr(key), boxed_constant(kslot.op1));
    if (from_table) e_.mov(gpr(dest), Mem::at(gpr(table), l.table_node));
  }

  // ---- Strings and string buffers (docs/assembler.md, "Strings") ----------

  // STRREF(str, offset): the address of byte `offset` of the string. A
  // variable offset is an int, whose register's upper half is zero (the
  // GPR invariant: extend_int_result), so it indexes with all 64 bits.
  void lower_strref(Ref r, const Ins& ins) {
    const int32_t data = layout().string_data;
    if (data < 0) not_yet();
    const Reg dest = define(r);
    if (is_kint(ins.op2)) return e_.lea(gpr(dest), Mem::at(gpr(use(ins.op1)), data + at(ins.op2).int_value()));
    const Reg str = use(ins.op1);
    const Reg offset = use(ins.op2);
    e_.lea(gpr(dest), Mem::at(gpr(str), gpr(offset), 1, data));
  }

  // BUFHDR(buffer, mode): the buffer itself; RESET also empties it inline
  // (as LuaJIT's asm_bufhdr sets sb->w = sb->b). APPEND and WRITE (a
  // string.buffer written to) keep its contents.
  void lower_bufhdr(Ref r, const Ins& ins) {
    const bool reset = ins.op2 == ir::bufhdr::kReset;
    const bool keep = ins.op2 == ir::bufhdr::kAppend || ins.op2 == ir::bufhdr::kWrite;
    if ((!reset && !keep) || (reset && layout().buffer_length < 0)) not_yet();
    const Reg dest = define(r);
    if (reset) e_.mov(Mem::at(gpr(dest), layout().buffer_length, Width::k32), 0);
    left_into(dest, ins.op1);
  }

  // SNEW, TOSTR, STRTO, BUFPUT, BUFSTR: the layout's helpers (LuaJIT's
  // lj_str_new, lj_strfmt_int/num, lj_str_fromchar-like, lj_strscan_num,
  // lj_buf_putstr, lj_buf_tostr), the TraceContext first.
  void lower_string_helper(Ref r, const Ins& ins) {
    const ObjectLayout& l = layout();
    HelperArgs args{HelperArg::context(), HelperArg::value(ins.op1)};
    uint64_t helper = 0;
    switch (ins.o) {
      case Op::SNEW: helper = l.str_new; args.push_back(HelperArg::value(ins.op2)); break;
      case Op::TOSTR: helper = tostr_helper(ins.op2); break;
      case Op::STRTO: helper = l.str_to_num; break;
      case Op::BUFPUT:
        helper = fused_put_helper(ins.op2);
        args.push_back(HelperArg::value(helper ? at(ins.op2).op1 : ins.op2));
        if (!helper) helper = l.buf_put;
        break;
      case Op::BUFSTR: helper = l.buf_str; break;
      default: break;
    }
    if (!helper) not_yet();
    call_helper(r, helper, args, ins.o == Op::STRTO ? AfterCall::kAnswer : AfterCall::kFailure);
  }
  // BUFPUT(buffer, TOSTR(x)) formats x straight into the buffer (LuaJIT's
  // asm_bufput) when nothing later reads the string: it holds no register
  // and no spill slot here, so the TOSTR is dead and emits nothing. (A read
  // between the two, walked later, makes the TOSTR live again: then both
  // run, which is still right.) 0 when not fused.
  uint64_t fused_put_helper(Ref piece) {
    if (is_const(piece) || at(piece).o != Op::TOSTR) return 0;
    const Home& h = ra_.home(piece);
    if (holds(h.reg, piece) || h.has_spill()) return 0;
    switch (at(piece).op2) {
      case ir::tostr::kInt: return layout().buf_put_int;
      case ir::tostr::kNum: return layout().buf_put_num;
      case ir::tostr::kChar: return layout().buf_put_char;
      default: return 0;
    }
  }
  uint64_t tostr_helper(uint16_t mode) {
    switch (mode) {
      case ir::tostr::kInt: return layout().str_from_int;
      case ir::tostr::kNum: return layout().str_from_num;
      case ir::tostr::kChar: return layout().str_from_char;
      default: return 0;
    }
  }

  // UREFO / UREFC: function -> upvalue object -> its value slot: the
  // pointer it holds (UREFO), or its own cell (UREFC, closed upvalues; the
  // pointer when the layout has no cell offset). Guarded: UREFO exits once
  // the upvalue is closed, UREFC while it is open.
  void lower_uref(Ref r, const Ins& ins) {
    const ObjectLayout& l = layout();
    const bool guarded = ins.t.is_guard();
    if (guarded && l.upvalue_closed < 0) not_yet();
    const Reg dest = define(r);
    const Reg fn = use(ins.op1);
    if (ins.o == Op::UREFC && l.upvalue_cell >= 0) e_.lea(gpr(dest), Mem::at(gpr(dest), l.upvalue_cell));
    else e_.mov(gpr(dest), Mem::at(gpr(dest), l.upvalue_value));
    if (guarded) {
      guard(ins.o == Op::UREFO ? Cond::kNE : Cond::kE, r);
      e_.cmp(Mem::at(gpr(dest), l.upvalue_closed, Width::k8), 0);
    }
    e_.mov(gpr(dest), Mem::at(gpr(fn), l.func_upvalues + 8 * static_cast<int32_t>(ins.op2 & 0xff)));
  }

  // TBAR (LuaJIT's lj_gc_barrierback, inline): a black table written to
  // loses its black bit and goes on the gray-again list. In execution order:
  //   test byte [t+marked], black; jz skip; and byte [t+marked], ~black
  //   mov head, &list; mov link, [head]; mov [t+gclist], link; mov [head], t
  void lower_table_barrier(const Ins& ins) {
    const ObjectLayout& l = layout();
    if (l.gc_marked < 0 || l.gc_list < 0 || !l.gc_grayagain) not_yet();
    const Gp table = gpr(use(ins.op1));
    const Gp head = gpr(pick(RegClass::kGpr)), link = gpr(pick(RegClass::kGpr));
    const Mem marked = Mem::at(table, l.gc_marked, Width::k8);
    const uint64_t skip = buffer_.position();
    e_.mov(Mem::at(head, 0), table);
    e_.mov(Mem::at(table, l.gc_list), link);
    e_.mov(link, Mem::at(head, 0));
    e_.mov_imm64(head, l.gc_grayagain);
    e_.and_(marked, static_cast<uint8_t>(~ir::gc_marked::kBlack));
    e_.jcc(Cond::kE, skip);
    e_.test(marked, ir::gc_marked::kBlack);
  }

  // OBAR(UREFC, value): lj_gc_barrieruv's check (black upvalue, white
  // object) is the helper's: the trace always calls it (LuaJIT tests the
  // colours inline first; the call is rare: stores of objects into closed
  // upvalues). Values that are not GC objects need no barrier.
  void lower_upvalue_barrier(Ref r, const Ins& ins) {
    const ObjectLayout& l = layout();
    if (!is_op(ins.op1, Op::UREFC) || !l.barrier_upvalue || l.upvalue_cell < 0) not_yet();
    const ir::IrType t = at(ins.op2).t.base();
    if (t != ir::IrType::TAB && t != ir::IrType::FUNC && t != ir::IrType::UDATA) return;
    call_helper(r, l.barrier_upvalue, {HelperArg::context(), HelperArg::value(ins.op1), HelperArg::value(ins.op2)}, AfterCall::kNothing);
  }

  // ABC(size, index): exits unless index < size, unsigned.
  void lower_abc(Ref r, const Ins& ins) {
    if (is_kint(ins.op1) && !is_kint(ins.op2)) {
      const Reg index = use(ins.op2);
      guard(Cond::kAE, r);
      return e_.cmp(gpr32(index), at(ins.op1).int_value());
    }
    const std::optional<Mem> memory = fused_load(r, ins.op1);
    const Reg size = memory ? kNoReg : use(ins.op1);
    const bool immediate = is_kint(ins.op2);
    const Reg index = immediate ? kNoReg : use(ins.op2);
    guard(Cond::kBE, r);
    if (memory && immediate) e_.cmp(memory->sized(Width::k32), at(ins.op2).int_value());
    else if (memory) e_.cmp(*memory, gpr32(index));
    else if (immediate) e_.cmp(gpr32(size), at(ins.op2).int_value());
    else e_.cmp(gpr32(size), gpr32(index));
  }

  // HREF (lookup, never fails) and NEWREF (inserts, may fail) call the
  // front end's helpers with the key boxed.
  void lower_hash_helper(Ref r, const Ins& ins) {
    const bool insert = ins.o == Op::NEWREF;
    const uint64_t helper = insert ? layout().newref : layout().href;
    if (!helper) not_yet();
    call_helper(r, helper, {HelperArg::context(), HelperArg::value(ins.op1), HelperArg::boxed(ins.op2)},
                can_fail(ins.o) ? AfterCall::kFailure : AfterCall::kNothing);
  }

  void lower_allocation(Ref r, const Ins& ins) {
    if (ins.o == Op::TNEW) {
      if (!layout().tnew) not_yet();
      return call_helper(r, layout().tnew, {HelperArg::context(), HelperArg::immediate_of(ins.op1), HelperArg::immediate_of(ins.op2)}, AfterCall::kFailure);
    }
    if (!layout().tdup) not_yet();
    call_helper(r, layout().tdup, {HelperArg::context(), HelperArg::value(ins.op1)}, AfterCall::kFailure);
  }

  // Ops whose helper may fail: an exit follows the call (a guard in effect).
  static bool can_fail(Op op) {
    return op == Op::NEWREF || op == Op::TNEW || op == Op::TDUP || op == Op::GCSTEP || op == Op::SNEW ||
           op == Op::TOSTR || op == Op::BUFPUT || op == Op::BUFSTR;
  }
  // Ops lowered as a call to a helper (caller-saved registers clobbered).
  static bool calls_helper(const Ins& ins) {
    const Op op = ins.o;
    return is_call(op) || op == Op::HREF || op == Op::NEWREF || op == Op::TNEW || op == Op::TDUP ||
           op == Op::GCSTEP || op == Op::OBAR || op == Op::SNEW || op == Op::TOSTR || op == Op::STRTO ||
           op == Op::BUFPUT || op == Op::BUFSTR || math_helper(ins) != 0;
  }
  static bool is_call(Op op) {
    return op == Op::CALLN || op == Op::CALLA || op == Op::CALLL || op == Op::CALLS || op == Op::CALLXS;
  }

  // ---- Calls through the call table (SysV) ---------------------------------

  // The CARG chain of a call flattened into argument order.
  void gather_args(Ref r, std::vector<Ref>& args) {
    const size_t first = args.size();
    for (; !is_const(r) && at(r).o == Op::CARG; r = at(r).op1) args.push_back(at(r).op2);
    args.push_back(r);
    std::reverse(args.begin() + static_cast<long>(first), args.end());
  }

  // One argument of a helper call: an IR value as it lives in registers,
  // an IR value NaN-boxed, an integer immediate, or the TraceContext.
  struct HelperArg {
    enum class Kind : uint8_t { kValue, kBoxed, kImmediate, kContext } kind;
    Ref ref = 0;
    uint64_t immediate = 0;
    static HelperArg value(Ref r) { return {Kind::kValue, r, 0}; }
    static HelperArg boxed(Ref r) { return {Kind::kBoxed, r, 0}; }
    static HelperArg immediate_of(uint64_t v) { return {Kind::kImmediate, 0, v}; }
    static HelperArg context() { return {Kind::kContext, 0, 0}; }
  };

  // Most calls have few arguments: no heap allocation per call.
  using HelperArgs = absl::InlinedVector<HelperArg, 8>;
  using ArgRegs = absl::InlinedVector<Reg, 8>;

  // Each argument's SysV register: integers, pointers, boxed values and
  // the context in rdi rsi rdx rcx r8 r9, doubles in xmm0..7; the rest go
  // to the stack, in order (kNoReg here, then 8 bytes each from [rsp] at
  // the call). FLOAT arguments go where doubles go, as their low 32 bits.
  ArgRegs argument_registers(const HelperArgs& args) {
    ArgRegs regs;
    size_t ints = 0, fps = 0;
    for (const HelperArg& a : args) {
      if (a.kind == HelperArg::Kind::kValue && at(a.ref).t.is_fp()) {
        if (is_const(a.ref) && !at(a.ref).t.is_num()) not_yet();
        regs.push_back(fps < kFpArgRegs ? static_cast<Reg>(regalloc::kFirstFpr + fps++) : kNoReg);
      } else {
        regs.push_back(ints < std::size(kIntArgRegs) ? kIntArgRegs[ints++] : kNoReg);
      }
    }
    return regs;
  }

  // Stack-passed arguments: in execution order `sub rsp, n`, each one
  // stored to its slot, the call, `add rsp, n` (emitted backwards by the
  // caller around this). Their values come from registers that are not
  // argument registers, so the register arguments, loaded before, keep them.
  int stack_arguments(const HelperArgs& args, const ArgRegs& regs) {
    int offset = 0;
    for (size_t i = 0; i < args.size(); ++i) {
      if (regs[i] != kNoReg) continue;
      if (args[i].kind != HelperArg::Kind::kValue) not_yet();
      offset += 8;
    }
    const int bytes = (offset + 15) & ~15;
    if (!bytes) return 0;
    e_.add(rsp, bytes);  // after the call
    return bytes;
  }
  void store_stack_arguments(const HelperArgs& args, const ArgRegs& regs, int bytes) {
    if (!bytes) return;
    RegSet arg_regs;
    for (Reg r : regs) if (r != kNoReg) arg_regs.add(r);
    int offset = 0;
    for (size_t i = 0; i < args.size(); ++i) {
      if (regs[i] != kNoReg) continue;
      const Ref a = args[i].ref;
      const Mem slot = Mem::at(rsp, offset);
      offset += 8;
      // Any eviction's reload would land after `sub rsp` and read the
      // wrong spill slot: take only free registers (else NYI).
      const RegSet candidates = (RegSet::of_class(class_of(a)) & kAllocatable) - busy_ - arg_regs;
      if (!holds(ra_.home(a).reg, a) && !ra_.pick_free(candidates)) not_yet();
      Reg from;
      if (is_const(a)) {
        from = pick(class_of(a), arg_regs);
        if (regalloc::class_of(from) == RegClass::kFpr) e_.movsd(slot, fpr(from));
        else e_.mov(slot, gpr(from));
        load_constant(from, a);
        continue;
      }
      from = use(a, arg_regs);
      if (regalloc::class_of(from) == RegClass::kFpr) e_.movsd(slot, fpr(from));
      else e_.mov(slot, gpr(from));
    }
    e_.sub(rsp, bytes);
  }

  // Emitted backwards, so in execution order: arguments into their
  // registers (and onto the stack), call, [helper-failure guard], result
  // out of rax/xmm0 into its home, then every value a caller-saved
  // register held before the call reloaded (LuaJIT's ra_evictset: the
  // eviction spills them, the reload follows the call).
  void lower_call(Ref r, const Ins& ins) {
    if (!options_.binding || ins.op2 >= options_.binding->calls.size()) not_yet();
    const ir::CallInfo& info = options_.binding->calls[ins.op2];
    std::vector<Ref> refs;
    if (ins.op1 != ir::kRefNil) gather_args(ins.op1, refs);
    if (refs.size() != info.nargs) not_yet();
    HelperArgs args;
    for (Ref a : refs) args.push_back(HelperArg::value(a));
    call_helper(r, info.address, args, AfterCall::kNothing);
  }

  // CALLXS: the callee is op2, a function pointer value. A constant one is
  // called directly (rel32 when in reach); else through its register, which
  // is none of the argument registers.
  void lower_indirect_call(Ref r, const Ins& ins) {
    if (!is_pointer(at(ins.op2).t.base())) not_yet();
    HelperArgs args;
    if (ins.op1 != ir::kRefNil) {
      args_scratch_.clear();
      gather_args(ins.op1, args_scratch_);
      for (Ref a : args_scratch_) args.push_back(HelperArg::value(a));
    }
    if (is_const(ins.op2)) return call_helper(r, trace_.payload64(ins.op2), args, AfterCall::kNothing);
    call_helper(r, 0, args, AfterCall::kNothing, CallWhen::kAlways, ins.op2);
  }

  // `only_when` (GCSTEP): the call and its guard are skipped unless the
  // check emitted before them holds (the reloads after it run either way:
  // spill slots are valid on both paths).
  enum class CallWhen : uint8_t { kAlways, kGcDebt };
  // `callee` (CALLXS): a value holding the address to call instead.
  // What the trace checks right after the call: nothing, the guarded<>
  // helper's failure flag, or the helper's yes/no answer (exit on "no").
  enum class AfterCall : uint8_t { kNothing, kFailure, kAnswer };
  void call_helper(Ref r, uint64_t address, const HelperArgs& args, AfterCall after,
                   CallWhen only_when = CallWhen::kAlways, Ref callee = 0) {
    const bool can_fail = after == AfterCall::kFailure;
    const Ins& ins = at(r);
    const ArgRegs arg_regs = argument_registers(args);
    if (can_fail) keep_snapshot_alive(covering_snapshot(r));
    const Home h = ra_.home(r);
    const bool has_result = !ins.t.is_pri() && ins.t.base() != ir::IrType::NIL;
    const Reg result = ins.t.is_fp() ? regalloc::kFirstFpr : static_cast<Reg>(kRax);
    const Reg held = has_result && holds(h.reg, r) ? h.reg : kNoReg;
    for (uint32_t bits = (ra_.assigned() & kCallerSaved).bits; bits; bits &= bits - 1) {
      const Reg reg = static_cast<Reg>(std::countr_zero(bits));
      if (reg == held) continue;
      check(!ra_.pinned().has(reg), "a pinned value in a caller-saved register across a call");
      evict(reg);
    }
    if (held != kNoReg) {
      if (held != result) move(held, result);
      release_at_definition(held, r);
    }
    if (has_result && h.has_spill()) store_spill(result, h.spill);
    if (held != kNoReg || h.has_spill()) extend_int_result(ins.t.base());
    const uint64_t skip = buffer_.position();
    if (can_fail) {
      guard(Cond::kNE, r);
      e_.cmp(Mem::at(kContextReg, offsetof(TraceContext, helper_failed), Width::k8), 0);
    } else if (after == AfterCall::kAnswer) {
      guard(Cond::kE, r);
      e_.cmp(Mem::at(kContextReg, offsetof(TraceContext, helper_answer), Width::k8), 0);
    }
    const int stack_bytes = stack_arguments(args, arg_regs);
    if (callee) call_through_register(callee, arg_regs, stack_bytes);
    else emit_call(address);
    store_stack_arguments(args, arg_regs, stack_bytes);
    load_arguments(args, arg_regs);
    if (only_when == CallWhen::kGcDebt) {
      // r10/r11: caller-saved, evicted above, never argument registers.
      check(stack_bytes == 0 && !ra_.assigned().has(kR10) && !ra_.assigned().has(kR11), "GC check scratch registers busy");
      e_.jcc(Cond::kB, skip);
      e_.cmp(r10, Mem::at(r11, 8));
      e_.mov(r10, Mem::at(r11, 0));
      e_.mov_imm64(r11, layout().gc_counters);
    }
  }

  // The GPR invariant (docs/assembler.md, "Integers in 64-bit registers"):
  // an integer of 32 bits or fewer has its upper 32 bits zero. SysV leaves
  // the bits of rax above an int result's width undefined, so the result is
  // extended right after the call, before it is stored or moved anywhere.
  void extend_int_result(ir::IrType t) {
    switch (t) {
      case ir::IrType::INT: case ir::IrType::U32: return e_.mov(eax, eax);
      case ir::IrType::I8: return e_.movsx(eax, al);
      case ir::IrType::U8: return e_.movzx(eax, al);
      case ir::IrType::I16: return e_.movsx(eax, gp16(kRax));
      case ir::IrType::U16: return e_.movzx(eax, gp16(kRax));
      default: return;
    }
  }

  // GCSTEP: when the collector's debt is due (total >= threshold), call its
  // step helper, which may fail (out of memory): then exit.
  void lower_gcstep(Ref r) {
    if (!layout().gc_step || !layout().gc_counters) not_yet();
    call_helper(r, layout().gc_step, {HelperArg::context()}, AfterCall::kFailure, CallWhen::kGcDebt);
  }

  // `call reg` with the callee in a register no argument is loaded into
  // (every caller-saved register was evicted above, so none holds it yet).
  // With stack arguments an eviction's reload would run inside the shifted
  // frame (before `add rsp`): then only a free register will do (else NYI).
  void call_through_register(Ref callee, const ArgRegs& arg_regs, int stack_bytes) {
    RegSet exclude;
    for (Reg a : arg_regs) if (a != kNoReg) exclude.add(a);
    const RegSet candidates = (RegSet::of_class(RegClass::kGpr) & kAllocatable) - busy_ - exclude;
    if (stack_bytes && !holds(ra_.home(callee).reg, callee) && !ra_.pick_free(candidates)) not_yet();
    e_.call(gpr(use(callee, exclude)));
  }

  // rel32 when the helper is within reach (mcode areas are placed so), else
  // through r11, which is neither an argument register nor live here.
  void emit_call(uint64_t target) {
    const int64_t distance = static_cast<int64_t>(target - (buffer_.position() - 5));
    if (distance == static_cast<int32_t>(distance)) return e_.call(target);
    e_.call(r11);
    e_.mov_imm64(r11, target);
  }

  // Every argument register is free here (the caller-saved ones were all
  // evicted): a value not yet in a register simply lives in its argument
  // register from its definition on; others are moved or loaded. Boxed
  // arguments are constants (boxed now) or numbers (their bits).
  void load_arguments(const HelperArgs& args, const ArgRegs& regs) {
    for (size_t i = 0; i < args.size(); ++i) {
      const Reg target = regs[i];
      if (target == kNoReg) continue;  // on the stack
      switch (args[i].kind) {
        case HelperArg::Kind::kContext: e_.mov(gpr(target), kContextReg); continue;
        case HelperArg::Kind::kImmediate: e_.mov_imm64(gpr(target), args[i].immediate); continue;
        case HelperArg::Kind::kBoxed: load_boxed_argument(target, args[i].ref); continue;
        case HelperArg::Kind::kValue: break;
      }
      const Ref a = args[i].ref;
      const Home& h = ra_.home(a);
      if (is_const(a)) {
        load_constant(target, a);
      } else if (holds(h.reg, a)) {
        if (h.reg != target) move(target, h.reg);
      } else if (is_memory_pinned(a)) {
        reload(target, h.spill);
      } else {
        ra_.assign(target, a);
      }
    }
  }

  void load_boxed_argument(Reg target, Ref value) {
    if (is_const(value)) return e_.mov_imm64(gpr(target), boxed_constant(value));
    if (!at(value).t.is_num()) not_yet();
    e_.movq(gpr(target), fpr(use(value)));
  }

  const ir::Trace& trace_;
  const Ins* first_ = &trace_[trace_.nk()];  // the instructions and constants, from nk
  CodeBuffer& buffer_;
  Encoder e_;
  AssembleOptions options_;
  regalloc::RegState ra_;
  AssembledTrace out_;
  std::vector<bool> memory_pinned_;  // by ref - nk
  std::vector<uint8_t> uses_ = std::vector<uint8_t>(trace_.nins() - trace_.nk(), 0);  // 0, 1, 2 = many
  std::vector<bool> fused_ = std::vector<bool>(trace_.nins() - trace_.nk(), false);
  std::vector<bool> sunk_;  // empty when nothing is sunk
  // Sunk stores by allocation: sunk_stores_[begin[a - nk] .. begin[a - nk + 1]).
  std::vector<uint32_t> sunk_store_begin_;
  std::vector<Ref> sunk_stores_;
  std::vector<Ref> args_scratch_;
  // Snapshot entries that differ from the next snapshot's (index_snapshot_changes).
  std::vector<uint32_t> change_begin_, changes_;  // a call's flattened CARG chain (reused)
  std::vector<bool> phi_left_ = std::vector<bool>(trace_.nins() - trace_.nk(), false);
  std::vector<std::pair<Ref, Ref>> phis_;
  std::vector<uint64_t> knum_address_ = std::vector<uint64_t>(ir::kRefBias - trace_.nk(), 0);
  uint64_t sign_mask_ = 0, abs_mask_ = 0, two_pow_52_ = 0, one_ = 0;
  Ref loop_ = 0;
  RegSet pinnable_ = kPinnable;  // where loop-carried values may live
  std::vector<Reg> hint_ = std::vector<Reg>(trace_.nins() - trace_.nk(), kNoReg);
  // A link of a PHI chain -> the value its register passes to at its definition.
  std::vector<Ref> next_holder_ = std::vector<Ref>(trace_.nins() - trace_.nk(), 0);
  int snap_cursor_ = static_cast<int>(trace_.snaps.size()) - 1;
  int snapshot_kept_ = -1;  // the snapshot keep_snapshot_alive last handled
  uint64_t back_edge_ = 0;
  bool in_loop_body_ = false;
  RegSet busy_;                 // registers the current instruction uses
  std::vector<Reg> transient_;  // memory-pinned invariants loaded for it
  int current_ = 0;             // IR instruction number, for NYI messages
};

}  // namespace

AssembledTrace assemble(const ir::Trace& trace, mcode::McodeSpace& space,
                        const AssembleOptions& options) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    mcode::Window window;
    if (space.reserve(&window) != mcode::Status::kOk) throw AsmAbort(AsmError::kMcodeAllocation);
    CodeBuffer buffer(window.write_lo, window.exec_lo, window.size(), Direction::kBackward);
    AssembledTrace code;
    try {
      code = Assembler(trace, buffer, options).run();
    } catch (...) {
      space.abort();
      throw;
    }
    if (!buffer.overflowed()) {
      space.commit(buffer.code_begin());
      return code;
    }
    // A full area cannot hold it: too long; else retry once in a fresh area.
    const size_t needed = window.size() == space.area_bytes() ? window.size() + 1 : window.size();
    const mcode::Status status = space.limit_reached(needed);
    if (status == mcode::Status::kTooLong) throw AsmAbort(AsmError::kMcodeTooLong);
    if (status != mcode::Status::kHitLimitRetrying) throw AsmAbort(AsmError::kMcodeAllocation);
  }
  throw AsmAbort(AsmError::kMcodeTooLong);
}

ir::Value recover_value(const ir::Trace& trace, const AssembledTrace& code, Ref ref,
                        const ExitState& state) {
  const Ins& ins = trace[ref];
  uint64_t bits = 0;
  if (ir::is_constant_ref(ref)) {
    bits = ins.o == Op::KINT ? static_cast<uint64_t>(static_cast<int64_t>(ins.int_value()))
         : ir::has_64bit_payload(ins.o) ? trace.payload64(ref) : 0;
  } else if (trace.is_sunk(ref)) {
    bits = kSunkPlaceholder | ref;
  } else {
    const Home& h = code.home(ref);
    check(h.has_spill() || h.has_reg(), "snapshot value without a home");
    if (h.has_spill()) bits = state.spill_slot(h.spill);
    else if (h.reg < regalloc::kFirstFpr) bits = state.gpr[h.reg];
    else bits = state.fpr_bits(h.reg - regalloc::kFirstFpr);
  }
  ir::Value v{ins.t.base(), bits};
  if (ins.t.is_int()) v = ir::Value::integer(static_cast<int32_t>(bits));
  else if (ins.t.is_pri()) v.bits = 0;
  return v;
}

std::vector<std::pair<int32_t, ir::Value>> recover_snapshot(const ir::Trace& trace,
                                                            const AssembledTrace& code,
                                                            uint32_t exit,
                                                            const ExitState& state) {
  check(exit < trace.snaps.size(), "exit number beyond the trace's snapshots");
  const ir::Snapshot& snap = trace.snaps[exit];
  const ir::SnapEntry* entries = trace.snapshot_entries(exit);
  std::vector<std::pair<int32_t, ir::Value>> values;
  for (uint32_t i = 0; i < snap.nent; ++i) {
    if (entries[i].has(ir::SnapEntry::kNoRestore)) continue;
    values.emplace_back(static_cast<int32_t>(entries[i].slot()),
                        recover_value(trace, code, entries[i].ref(), state));
  }
  return values;
}

}  // namespace lj::x64
