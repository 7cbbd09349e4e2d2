// Structural verification of prototypes read from a dump. LuaJIT trusts
// its dumps; we must not crash on any input, so every operand the
// interpreter uses as an index is checked here against the prototype.
#include "lj/vm/bcsave/verify.h"

#include <algorithm>
#include <bitset>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "lj/vm/object/value.h"

namespace lj::bcsave {

namespace {

using bc::Mode;
using bc::Op;

// LuaJIT's limit on a frame (LJ_MAX_SLOTS).
constexpr uint32_t kMaxSlots = 250;
// Our tables' limits: hash part bits (TNEW's D holds hbits in its top 5
// bits) and array index bits.
constexpr uint32_t kMaxHashBits = 26;
constexpr uint32_t kMaxArrayBits = 27;
// "Every slot from here up" in a written range.
constexpr uint32_t kAnySlot = ~0u;

class Verifier {
 public:
  explicit Verifier(const bc::Proto& pt)
      : pt_(pt), size_(static_cast<uint32_t>(pt.code.size())), targets_(pt.code.size()) {}

  // The first broken rule, or empty.
  std::string Run() {
    if (size_ < 2 || pt_.framesize > kMaxSlots || pt_.numparams > pt_.framesize) return "header";
    if (!pt_.lines.empty() && pt_.lines.size() != size_) return "line count";
    for (uint32_t pc = 1; pc < size_; pc++) {
      if (!Operands(pc)) return "operand at " + std::to_string(pc);
      if (!Ranges(pt_.code[pc])) return "slot range at " + std::to_string(pc);
    }
    for (uint32_t pc = 1; pc < size_; pc++) {
      if (!Neighbours(pc)) return "instruction pair at " + std::to_string(pc);
    }
    ComputeOpenCaptures();
    for (uint32_t pc = 1; pc < size_; pc++) {
      if (!GuardedSlotsIntact(pc)) return "hidden slots exposed at " + std::to_string(pc);
      if (!FramesUnaliased(pc)) return "open upvalue over a frame at " + std::to_string(pc);
    }
    if (!EndsWithTransfer()) return "falls off the end";
    if (!ChildUpvalues()) return "child upvalue";
    if (!Variables()) return "variables";
    return "";
  }

 private:
  // Instructions LuaJIT never writes to a dump, KCDATA (no FFI), and the
  // builtins' TGETR/TSETR, which trust the slot to hold a table.
  static bool Loadable(Op op) {
    switch (op) {
      case Op::KCDATA: case Op::TGETR: case Op::TSETR: case Op::JFORI: case Op::JFORL: case Op::JITERL:
      case Op::JLOOP: case Op::FUNCF: case Op::IFUNCF: case Op::JFUNCF:
      case Op::FUNCV: case Op::IFUNCV: case Op::JFUNCV: case Op::FUNCC:
      case Op::FUNCCW:
        return false;
      default:
        return true;
    }
  }

  template <class T>
  bool GcConstIs(uint32_t index) const {
    return index < pt_.gc_consts.size() && std::holds_alternative<T>(pt_.gc_consts[index]);
  }

  // One operand against its kind (bc.h's operand-mode table).
  bool Operand(Mode mode, uint32_t value, uint32_t pc, uint32_t ins) {
    uint32_t frame = pt_.framesize;
    switch (mode) {
      case Mode::___: case Mode::lit: case Mode::lits: return true;
      case Mode::dst: case Mode::var: case Mode::base: return value < frame;
      case Mode::rbase: return value <= frame;
      case Mode::uv: return value < pt_.upvalues.size();
      case Mode::pri: return value <= bc::kPriTrue;
      case Mode::num: return value < pt_.num_consts.size();
      case Mode::str: return GcConstIs<std::string>(value);
      case Mode::tab: return GcConstIs<bc::TableTemplate>(value);
      case Mode::func: return GcConstIs<std::shared_ptr<bc::Proto>>(value);
      case Mode::cdata: return false;
      case Mode::jump: {
        int64_t target = int64_t{pc} + 1 + bc::JOf(ins);
        if (target < 1 || target >= size_) return false;
        targets_[target]++;
        return true;
      }
    }
    return false;
  }

  bool Operands(uint32_t pc) {
    uint32_t ins = pt_.code[pc];
    if (static_cast<int>(bc::OpOf(ins)) >= bc::kNumOpcodes || !Loadable(bc::OpOf(ins))) return false;
    const bc::OpInfo& info = bc::Info(bc::OpOf(ins));
    if (!Operand(info.a, bc::AOf(ins), pc, ins)) return false;
    if (info.b == Mode::___) return Operand(info.c, bc::DOf(ins), pc, ins);
    return Operand(info.b, bc::BOf(ins), pc, ins) && Operand(info.c, bc::COf(ins), pc, ins);
  }

  // Slot ranges beyond the A operand: call arguments and results, the
  // hidden loop slots below or above A, return values.
  bool Ranges(uint32_t ins) const {
    uint32_t a = bc::AOf(ins), b = bc::BOf(ins), c = bc::COf(ins), d = bc::DOf(ins);
    uint32_t frame = pt_.framesize;
    switch (bc::OpOf(ins)) {
      case Op::CALL: return c >= 1 && a + c <= frame && a + b <= frame + 1;
      case Op::CALLM: return a + c <= frame && a + b <= frame + 1;
      case Op::CALLT: return d >= 1 && a + d <= frame;
      case Op::CALLMT: return a + d <= frame;
      case Op::ITERC: case Op::ITERN: return a >= 3 && a + 3 <= frame && a + b <= frame + 1;
      case Op::VARG: return pt_.is_vararg() && a + b <= frame + 1;  // reads the vararg frame
      case Op::RET: return d >= 1 && a + d <= frame + 1;
      case Op::RET1: return a < frame;
      case Op::RETM: return a + d <= frame;
      case Op::TSETM: return a >= 1 && TsetmIndexOk(d);
      case Op::CAT: return b <= c && c < frame;
      case Op::KNIL: return a <= d;
      case Op::TNEW: return (d >> 11) <= kMaxHashBits;
      case Op::ISTYPE: return d >= 1 && d <= vm::kTypeTagCount;  // ~itype + 1 names a type
      case Op::FORI: case Op::FORL: case Op::IFORL: return a + 3 < frame;
      case Op::ITERL: case Op::IITERL: return a >= 1;
      case Op::ISNEXT: return a >= 3;
      default: return true;
    }
  }

  // TSETM's constant is 2^52 + the first array index (its low word is
  // the index); keep the index within what a table can hold.
  bool TsetmIndexOk(uint32_t d) const {
    double k = pt_.num_consts[d];
    return k >= 4503599627370496.0 && k <= 4503599627370496.0 + (1 << kMaxArrayBits);
  }

  static bool IsComparison(Op op) {
    return op <= Op::ISNEP || op == Op::ISTC || op == Op::ISFC || op == Op::IST || op == Op::ISF;
  }
  static bool ProducesMultres(uint32_t ins) {
    Op op = bc::OpOf(ins);
    return (op == Op::CALL || op == Op::CALLM || op == Op::VARG) && bc::BOf(ins) == 0;
  }
  static bool UsesMultres(Op op) {
    return op == Op::CALLM || op == Op::CALLMT || op == Op::RETM || op == Op::TSETM;
  }

  // A multi-result consumer runs right after its producer, or after a UCLO
  // that closes upvalues on the way (`return f(x)` in a scope with a
  // captured local); only that UCLO may jump to it.
  bool AfterProducer(uint32_t pc) const {
    uint32_t prev = pc - 1;
    uint32_t jumps_allowed = 0;
    uint32_t ins = pt_.code[prev];
    if (bc::OpOf(ins) == Op::UCLO && prev + 1 + bc::JOf(ins) == pc && prev > 1) {
      prev--;
      jumps_allowed = 1;
    }
    return targets_[pc] == jumps_allowed && ProducesMultres(pt_.code[prev]);
  }

  // Pairs the interpreter reads together.
  bool Neighbours(uint32_t pc) const {
    uint32_t ins = pt_.code[pc];
    Op op = bc::OpOf(ins);
    bool has_next = pc + 1 < size_;
    Op next = has_next ? bc::OpOf(pt_.code[pc + 1]) : Op::RET0;
    if (IsComparison(op) && !(has_next && next == Op::JMP)) return false;
    if ((op == Op::ITERC || op == Op::ITERN) &&
        !(has_next && (next == Op::ITERL || next == Op::IITERL))) {
      return false;
    }
    if (UsesMultres(op) && !AfterProducer(pc)) return false;
    if (op == Op::ISNEXT) {  // forward, so the loop body lies in between
      int64_t target = int64_t{pc} + 1 + bc::JOf(ins);
      uint32_t iter = pt_.code[target];
      if (target <= pc || bc::OpOf(iter) != Op::ITERN || bc::AOf(iter) != bc::AOf(ins)) return false;
    }
    return true;
  }

  // The slots an instruction may write, as [lo, hi] (hi kAnySlot: the
  // rest of the frame, as calls and varargs do); lo > hi: none.
  static std::pair<uint32_t, uint32_t> Writes(uint32_t ins) {
    uint32_t a = bc::AOf(ins);
    Op op = bc::OpOf(ins);
    if (bc::Info(op).a == Mode::dst) return {a, a};
    switch (op) {
      case Op::KNIL: return {a, bc::DOf(ins)};
      case Op::FORI: case Op::FORL: case Op::IFORL: return {a, a + 3};
      case Op::ITERL: case Op::IITERL: return {a - 1, a};
      case Op::ISNEXT: return {a - 1, a - 1};
      case Op::CALL: case Op::CALLM: case Op::CALLT: case Op::CALLMT: case Op::ITERC:
      case Op::ITERN: case Op::VARG:
        return {a, kAnySlot};
      default: return {1, 0};
    }
  }
  static bool MayWrite(uint32_t ins, uint32_t lo, uint32_t hi) {
    auto [wlo, whi] = Writes(ins);
    return wlo <= whi && wlo <= hi && lo <= whi;
  }

  // Where control may go after pc (over-approximated: more edges only
  // make the capture analysis more cautious).
  std::vector<uint32_t> Successors(uint32_t pc) const {
    uint32_t ins = pt_.code[pc];
    Op op = bc::OpOf(ins);
    std::vector<uint32_t> next;
    switch (op) {
      case Op::JMP: case Op::UCLO: case Op::ISNEXT: case Op::RET: case Op::RET0: case Op::RET1:
      case Op::RETM: case Op::CALLT: case Op::CALLMT:
        break;
      default:
        next.push_back(pc + 1);
    }
    const bc::OpInfo& info = bc::Info(op);
    if (info.b == Mode::___ && info.c == Mode::jump) next.push_back(pc + 1 + bc::JOf(ins));
    if (IsComparison(op)) next.push_back(pc + 2);
    if (op == Op::ITERC || op == Op::ITERN) next.push_back(pc + 2 + bc::JOf(pt_.code[pc + 1]));
    return next;
  }

  // Slots of this frame that closures may still hold open upvalues on,
  // at each pc (a may-analysis): FNEW opens its child's local captures,
  // UCLO closes everything from its A up. A closure can write such a
  // slot at any call, so the slots below must never be among them.
  void ComputeOpenCaptures() {
    open_.assign(size_, {});
    std::vector<bool> seen(size_);
    std::vector<uint32_t> work = {1};
    seen[1] = true;
    while (!work.empty()) {
      uint32_t pc = work.back();
      work.pop_back();
      SlotSet out = open_[pc];
      uint32_t ins = pt_.code[pc];
      if (bc::OpOf(ins) == Op::FNEW) {
        const auto& child = std::get<std::shared_ptr<bc::Proto>>(pt_.gc_consts[bc::DOf(ins)]);
        for (uint16_t uv : child->upvalues) {
          if (uv & bc::kUvLocal) out.set(uv & 0xff);
        }
      } else if (bc::OpOf(ins) == Op::UCLO) {
        for (uint32_t slot = bc::AOf(ins); slot < out.size(); slot++) out.reset(slot);
      }
      for (uint32_t next : Successors(pc)) {
        if (next >= size_) continue;
        SlotSet merged = open_[next] | out;
        if (seen[next] && merged == open_[next]) continue;
        open_[next] = merged;
        seen[next] = true;
        work.push_back(next);
      }
    }
  }

  // No open capture of slots [lo, hi] anywhere in (from, to].
  bool NoCapturesOf(uint32_t lo, uint32_t hi, uint32_t from, uint32_t to) const {
    for (uint32_t pc = from + 1; pc <= to && pc < size_; pc++) {
      for (uint32_t slot = lo; slot <= hi; slot++) {
        if (open_[pc].test(slot)) return false;
      }
    }
    return true;
  }

  // A call's frame starts at its A: the function and link slots there are
  // trusted, so no closure may hold a slot at or above A open. Returns and
  // tail calls hand the frame over: every capture must be closed by then
  // (the parser puts a UCLO before them).
  bool FramesUnaliased(uint32_t pc) const {
    uint32_t ins = pt_.code[pc];
    const SlotSet& open = open_[pc];
    switch (bc::OpOf(ins)) {
      case Op::CALL: case Op::CALLM: case Op::ITERC: case Op::ITERN:
        for (uint32_t slot = bc::AOf(ins); slot < open.size(); slot++) {
          if (open.test(slot)) return false;
        }
        return true;
      case Op::CALLT: case Op::CALLMT: case Op::RET: case Op::RET0: case Op::RET1: case Op::RETM:
        return open.none();
      default:
        return true;
    }
  }

  // No jump from outside [from, to + 1] lands in (from, to]: the code in
  // between is entered only through `from` (to + 1 is a loop's ITERL).
  bool EnteredOnlyFrom(uint32_t from, uint32_t to) const {
    for (uint32_t src = 1; src < size_; src++) {
      uint32_t ins = pt_.code[src];
      if (bc::Info(bc::OpOf(ins)).c != Mode::jump || bc::Info(bc::OpOf(ins)).b != Mode::___) continue;
      int64_t target = int64_t{src} + 1 + bc::JOf(ins);
      bool inside = target > from && target <= to;
      if (inside && (src < from || src > to + 1)) return false;
    }
    return true;
  }

  // Slots the interpreter reads without checking their type: ITERN's
  // generator/state/index (set by its ISNEXT) and TSETM's table (set by
  // TNEW/TDUP). Nothing between setter and user may write them, no
  // closure may hold them open, and the code between is entered only
  // through the setter, as the parser emits.
  bool GuardedSlotsIntact(uint32_t pc) const {
    uint32_t ins = pt_.code[pc];
    Op op = bc::OpOf(ins);
    uint32_t a = bc::AOf(ins);
    if (op == Op::ISNEXT) {
      uint32_t iter = pc + 1 + bc::JOf(ins);
      for (uint32_t p = pc + 1; p < iter; p++) {
        if (MayWrite(pt_.code[p], a - 3, a - 1)) return false;
      }
      return EnteredOnlyFrom(pc, iter) && NoCapturesOf(a - 3, a - 1, pc, iter + 1);
    }
    if (op == Op::ITERN) {
      // Reached only from its ISNEXT's jump or that loop's body.
      uint32_t from = 0;
      for (uint32_t p = pc; p-- > 1;) {
        uint32_t prev = pt_.code[p];
        if (bc::OpOf(prev) == Op::ISNEXT && p + 1 + bc::JOf(prev) == pc) {
          from = p;
          break;
        }
      }
      return from != 0;
    }
    if (op == Op::TSETM) {
      for (uint32_t p = pc; p-- > 1;) {
        uint32_t prev = pt_.code[p];
        if (!MayWrite(prev, a - 1, a - 1)) continue;
        Op setter = bc::OpOf(prev);
        return (setter == Op::TNEW || setter == Op::TDUP) && bc::AOf(prev) == a - 1 &&
               EnteredOnlyFrom(p, pc) && NoCapturesOf(a - 1, a - 1, p, pc);
      }
      return false;
    }
    return true;
  }

  // Execution must not run off the end of the code.
  bool EndsWithTransfer() const {
    switch (bc::OpOf(pt_.code[size_ - 1])) {
      case Op::RET: case Op::RET0: case Op::RET1: case Op::RETM: case Op::JMP:
      case Op::CALLT: case Op::CALLMT:
        return true;
      default:
        return false;
    }
  }

  // A closure captures this frame's slots or this function's upvalues.
  bool ChildUpvalues() const {
    for (const bc::GcConst& k : pt_.gc_consts) {
      auto* child = std::get_if<std::shared_ptr<bc::Proto>>(&k);
      if (child == nullptr) continue;
      if (!(pt_.flags & bc::kProtoChild)) return false;
      // A local capture is kUvLocal (maybe kUvImmutable) | slot; any other
      // descriptor is used as the parent's upvalue index as it stands.
      for (uint16_t uv : (*child)->upvalues) {
        if (!(uv & bc::kUvLocal)) {
          if (uv >= pt_.upvalues.size()) return false;
        } else if ((uv & 0x3f00) != 0 || (uv & 0xff) >= pt_.framesize) {
          return false;
        }
      }
    }
    return true;
  }

  // Variable ranges lie in the code and never name more slots than the
  // frame has (debug.getlocal reads the n-th live variable's slot).
  bool Variables() const {
    std::vector<std::pair<uint32_t, int>> events;
    for (const bc::VarInfo& v : pt_.vars) {
      if (v.endpc > size_) return false;
      events.emplace_back(v.startpc, 1);
      events.emplace_back(v.endpc, -1);
    }
    std::sort(events.begin(), events.end());
    int live = 0;
    for (const auto& [pc, delta] : events) {
      live += delta;
      if (live > static_cast<int>(pt_.framesize)) return false;
    }
    return true;
  }

  using SlotSet = std::bitset<256>;

  const bc::Proto& pt_;
  uint32_t size_;
  std::vector<SlotSet> open_;  // open captures on entry to each pc
  std::vector<uint32_t> targets_;  // jumps arriving at each pc
};

}  // namespace

std::string Verify(const bc::Proto& pt) { return Verifier(pt).Run(); }

}  // namespace lj::bcsave
