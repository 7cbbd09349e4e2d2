// lj::ir — the trace IR: opcodes, types, 64-bit instructions, the buffer that
// grows both ways from a bias, interned constants, per-opcode CSE chains and
// snapshots. Language-neutral: everything a front end knows about its values
// and objects arrives through lj/ir/binding.h.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <exception>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "lj/base/check.h"
#include "lj/ir/ir_def.h"

namespace lj::ir {

// ---- Opcodes ---------------------------------------------------------------

enum class Op : uint8_t {
#define LJ_IR_OPENUM(name, mode, m1, m2) name,
  LJ_IR_OPDEF(LJ_IR_OPENUM)
#undef LJ_IR_OPENUM
};
inline constexpr int kOpCount = 0
#define LJ_IR_OPCOUNT(name, mode, m1, m2) +1
    LJ_IR_OPDEF(LJ_IR_OPCOUNT)
#undef LJ_IR_OPCOUNT
    ;

// What an operand slot holds.
enum class OperandKind : uint8_t { ref, lit, cst, none };

// The memory/side-effect class of an opcode (LuaJIT's N/R, A, L, S).
enum class OpKind : uint8_t { kNormal, kAlloc, kLoad, kStore };

struct OpInfo {
  std::string_view name;
  OpKind kind;
  bool commutative;
  bool weak_guard;  // guard may be dropped by DCE when the result is unused
  OperandKind op1;
  OperandKind op2;
};

namespace opmode {
struct Mode {
  OpKind kind;
  bool commutative;
  bool weak_guard;
};
inline constexpr Mode N{OpKind::kNormal, false, false};
inline constexpr Mode R{OpKind::kNormal, false, false};
inline constexpr Mode C{OpKind::kNormal, true, false};
inline constexpr Mode A{OpKind::kAlloc, false, false};
inline constexpr Mode L{OpKind::kLoad, false, false};
inline constexpr Mode S{OpKind::kStore, false, false};
inline constexpr Mode NW{OpKind::kNormal, false, true};
inline constexpr Mode CW{OpKind::kNormal, true, true};
inline constexpr Mode AW{OpKind::kAlloc, false, true};
inline constexpr Mode LW{OpKind::kLoad, false, true};
}  // namespace opmode

inline constexpr std::array<OpInfo, kOpCount> kOpInfo = {{
#define LJ_IR_OPINFO(name, mode, m1, m2)                                    \
  OpInfo{#name, opmode::mode.kind, opmode::mode.commutative,               \
         opmode::mode.weak_guard, OperandKind::m1, OperandKind::m2},
    LJ_IR_OPDEF(LJ_IR_OPINFO)
#undef LJ_IR_OPINFO
}};

inline const OpInfo& info(Op op) { return kOpInfo[static_cast<uint8_t>(op)]; }

// The mode byte LuaJIT's jit.util.traceir returns (lj_ir_mode): operand
// kinds in bits 0-3, C 0x10, kind A 0x20 / L 0x40 / S 0x60, and 0x80 set
// unless the guard is weak.
constexpr uint8_t luajit_mode(const OpInfo& oi) {
  uint8_t kind = oi.kind == OpKind::kAlloc ? 0x20 : oi.kind == OpKind::kLoad ? 0x40
               : oi.kind == OpKind::kStore ? 0x60 : 0x00;
  return static_cast<uint8_t>(static_cast<uint8_t>(oi.op1) | (static_cast<uint8_t>(oi.op2) << 2) |
                              (oi.commutative ? 0x10 : 0) | kind | (oi.weak_guard ? 0 : 0x80));
}
inline std::string_view name(Op op) { return info(op).name; }

// Comparison opcode algebra relies on LuaJIT's ordering.
static_assert((static_cast<int>(Op::EQ) ^ 1) == static_cast<int>(Op::NE));
static_assert((static_cast<int>(Op::LT) ^ 1) == static_cast<int>(Op::GE));
static_assert((static_cast<int>(Op::LE) ^ 1) == static_cast<int>(Op::GT));
static_assert((static_cast<int>(Op::LT) ^ 3) == static_cast<int>(Op::GT));
static_assert((static_cast<int>(Op::LT) ^ 4) == static_cast<int>(Op::ULT));
// Loads and stores are parallel lists.
inline constexpr int kLoadToStore =
    static_cast<int>(Op::ASTORE) - static_cast<int>(Op::ALOAD);
static_assert(static_cast<int>(Op::XLOAD) + kLoadToStore ==
              static_cast<int>(Op::XSTORE));

inline bool is_comparison(Op op) { return op <= Op::NE; }
inline bool is_constant_op(Op op) { return op >= Op::KPRI && op <= Op::KSLOT; }
// Ops whose work stays in the code when nothing reads their result: the
// stores, and the buffer ops, which write their buffer. The assembler
// emits them and SINK treats them as live (DCE, as LuaJIT's, may still
// drop an unread buffer chain: a string.buffer chain is kept by a USE).
inline bool writes_memory(Op op, OpKind kind) {
  return kind == OpKind::kStore || op == Op::BUFHDR || op == Op::BUFPUT;
}
inline Op op_offset(Op op, int delta) {
  return static_cast<Op>(static_cast<int>(op) + delta);
}

// ---- Types -----------------------------------------------------------------

enum class IrType : uint8_t {
#define LJ_IR_TYPEENUM(name, text, size) name,
  LJ_IR_TYPEDEF(LJ_IR_TYPEENUM)
#undef LJ_IR_TYPEENUM
};
inline constexpr int kTypeCount = 0
#define LJ_IR_TYPECOUNT(name, text, size) +1
    LJ_IR_TYPEDEF(LJ_IR_TYPECOUNT)
#undef LJ_IR_TYPECOUNT
    ;
inline constexpr std::array<std::string_view, kTypeCount> kTypeNames = {{
#define LJ_IR_TYPENAME(name, text, size) text,
    LJ_IR_TYPEDEF(LJ_IR_TYPENAME)
#undef LJ_IR_TYPENAME
}};
inline constexpr std::array<uint8_t, kTypeCount> kTypeSizes = {{
#define LJ_IR_TYPESIZE(name, text, size) size,
    LJ_IR_TYPEDEF(LJ_IR_TYPESIZE)
#undef LJ_IR_TYPESIZE
}};

inline std::string_view name(IrType t) {
  return kTypeNames[static_cast<uint8_t>(t)];
}

// The instruction's type byte: a base type in the low 5 bits plus flags.
struct Type {
  static constexpr uint8_t kMark = 0x20;   // scratch mark used by passes
  static constexpr uint8_t kPhi = 0x40;    // operand of a PHI
  static constexpr uint8_t kGuard = 0x80;  // instruction is a guard
  static constexpr uint8_t kBaseMask = 0x1f;

  uint8_t bits = 0;

  constexpr Type() = default;
  constexpr Type(IrType base) : bits(static_cast<uint8_t>(base)) {}
  static constexpr Type guarded(IrType base) {
    Type t(base);
    t.bits |= kGuard;
    return t;
  }
  constexpr IrType base() const { return static_cast<IrType>(bits & kBaseMask); }
  constexpr bool is_guard() const { return bits & kGuard; }
  constexpr bool is_phi() const { return bits & kPhi; }
  constexpr bool is_marked() const { return bits & kMark; }
  constexpr bool is(IrType t) const { return base() == t; }
  constexpr bool is_num() const { return is(IrType::NUM); }
  constexpr bool is_int() const { return is(IrType::INT); }
  constexpr bool is_fp() const { return is_num() || is(IrType::FLOAT); }
  // I8 … INT: the integer types narrower than 64 bits.
  constexpr bool is_integer() const {
    return base() >= IrType::I8 && base() <= IrType::INT;
  }
  constexpr bool is_int64() const {
    return base() == IrType::I64 || base() == IrType::U64;
  }
  constexpr bool is_pri() const { return base() <= IrType::TRUE; }
  // STR … UDATA: garbage-collected object references.
  constexpr bool is_gc() const {
    return base() >= IrType::STR && base() <= IrType::UDATA;
  }
  constexpr void set_guard() { bits |= kGuard; }
  constexpr void set_phi() { bits |= kPhi; }
  constexpr void clear_phi() { bits &= ~kPhi; }
  constexpr void set_mark() { bits |= kMark; }
  constexpr void clear_mark() { bits &= ~kMark; }
  friend constexpr bool operator==(Type a, Type b) { return a.bits == b.bits; }
};

// ---- References ------------------------------------------------------------

using Ref = uint32_t;   // passed around
using Ref1 = uint16_t;  // stored in instructions
inline constexpr Ref kRefBias = 0x8000;
inline constexpr Ref kRefTrue = kRefBias - 3;
inline constexpr Ref kRefFalse = kRefBias - 2;
inline constexpr Ref kRefNil = kRefBias - 1;  // constants grow downwards
inline constexpr Ref kRefBase = kRefBias;     // instructions grow upwards
inline constexpr Ref kRefFirst = kRefBias + 1;
inline constexpr Ref kRefDrop = 0xffff;  // a guard folded away
inline constexpr bool is_constant_ref(Ref r) { return r < kRefBias; }

// ---- Instructions ----------------------------------------------------------

// One 64-bit IR instruction: | op1 | op2 | t | o | prev |. KINT keeps its
// value in op1/op2; 64-bit constants keep theirs in the following slot.
struct Ins {
  Ref1 op1 = 0;
  Ref1 op2 = 0;
  Type t;
  Op o = Op::NOP;
  Ref1 prev = 0;

  uint32_t op12() const { return uint32_t{op1} | (uint32_t{op2} << 16); }
  int32_t int_value() const {
    int32_t v;
    uint32_t raw = op12();
    std::memcpy(&v, &raw, 4);
    return v;
  }
  void set_int_value(int32_t v) {
    uint32_t raw;
    std::memcpy(&raw, &v, 4);
    op1 = static_cast<Ref1>(raw);
    op2 = static_cast<Ref1>(raw >> 16);
  }
  uint64_t raw64() const { return std::bit_cast<uint64_t>(*this); }
  static Ins from_raw64(uint64_t v) { return std::bit_cast<Ins>(v); }
  const OpInfo& op_info() const { return info(o); }
};
static_assert(sizeof(Ins) == 8);

// Opcodes whose constant payload takes a second slot (GC64 mode).
inline bool has_64bit_payload(Op op) {
  return op == Op::KNUM || op == Op::KINT64 || op == Op::KGC ||
         op == Op::KPTR || op == Op::KKPTR || op == Op::KNULL;
}

// ---- Named literals --------------------------------------------------------

namespace sload {
#define LJ_IR_SLOADENUM(name, bit, letter) inline constexpr uint16_t name = bit;
LJ_IR_SLOADDEF(LJ_IR_SLOADENUM)
#undef LJ_IR_SLOADENUM
}  // namespace sload

// TOSTR's literal: what is turned into a string (LuaJIT's IRTOSTR_*).
namespace tostr {
inline constexpr uint16_t kInt = 0, kNum = 1, kChar = 2;
}  // namespace tostr
// BUFHDR's literal: start the buffer over or append to it (IRBUFHDR_*).
namespace bufhdr {
inline constexpr uint16_t kReset = 0, kAppend = 1, kWrite = 2;
}  // namespace bufhdr

enum class FpMath : uint8_t {
#define LJ_IR_FPMENUM(name, text) name,
  LJ_IR_FPMDEF(LJ_IR_FPMENUM)
#undef LJ_IR_FPMENUM
};

// CONV's op2: source type, destination type, sign-extension and check mode.
namespace conv {
inline constexpr uint16_t kSrcMask = 0x001f;
inline constexpr uint16_t kDstShift = 5;
inline constexpr uint16_t kDstMask = 0x03e0;
inline constexpr uint16_t kSignExtend = 0x0800;
inline constexpr uint16_t kModeShift = 12;
inline constexpr uint16_t kAny = 1 << kModeShift;
inline constexpr uint16_t kIndex = 2 << kModeShift;
inline constexpr uint16_t kCheck = 3 << kModeShift;
constexpr uint16_t mode(IrType dst, IrType src) {
  return static_cast<uint16_t>((static_cast<uint16_t>(dst) << kDstShift) |
                               static_cast<uint16_t>(src));
}
inline IrType source(uint16_t op2) { return static_cast<IrType>(op2 & kSrcMask); }
inline IrType dest(uint16_t op2) {
  return static_cast<IrType>((op2 & kDstMask) >> kDstShift);
}
inline uint16_t check_mode(uint16_t op2) { return op2 >> kModeShift; }
}  // namespace conv

// ---- Aborts ----------------------------------------------------------------

enum class AbortReason : uint8_t {
#define LJ_IR_ABORTENUM(name, text) name,
  LJ_IR_ABORTDEF(LJ_IR_ABORTENUM)
#undef LJ_IR_ABORTENUM
};
std::string_view message(AbortReason reason);

// Thrown out of emission or a pass; the trace compiler turns it into an abort
// with LuaJIT's message (recording runs as a protected call, as in LuaJIT).
class TraceAbort : public std::exception {
 public:
  explicit TraceAbort(AbortReason reason) : reason_(reason) {}
  AbortReason reason() const { return reason_; }
  const char* what() const noexcept override { return message(reason_).data(); }

 private:
  AbortReason reason_;
};

// ---- Snapshots -------------------------------------------------------------

// One snapshot map entry: | slot:8 | flags:8 | ref:16 |.
struct SnapEntry {
  static constexpr uint32_t kFrame = 0x010000;      // frame link / function
  static constexpr uint32_t kCont = 0x020000;       // continuation frame
  static constexpr uint32_t kNoRestore = 0x040000;  // never written back
  static constexpr uint32_t kSoftFpNum = 0x080000;
  static constexpr uint32_t kKeyIndex = 0x100000;

  uint32_t bits = 0;

  static SnapEntry make(uint32_t slot, uint32_t flags, Ref ref) {
    return SnapEntry{(slot << 24) | flags | ref};
  }
  uint32_t slot() const { return bits >> 24; }
  uint32_t flags() const { return bits & 0xff0000; }
  Ref ref() const { return bits & 0xffff; }
  bool has(uint32_t flag) const { return bits & flag; }
  friend bool operator==(SnapEntry a, SnapEntry b) { return a.bits == b.bits; }
};

// A snapshot: where to resume (pc) and which slots to restore from which
// IR values once a guard after `ref` fails.
struct Snapshot {
  uint32_t map_offset = 0;   // first entry in Trace::snap_map
  Ref1 ref = 0;              // first instruction the snapshot covers
  uint16_t mcode_offset = 0; // machine-code offset of the exit (unwinding)
  uint8_t nslots = 0;        // slots restored: 0 … nslots-1
  uint8_t topslot = 0;       // highest slot used by the trace at this point
  uint8_t nent = 0;          // entries in the map
  uint8_t count = 0;         // exit counter (hot exits)
  friend bool operator==(const Snapshot&, const Snapshot&) = default;
};

// ---- The trace IR buffer ---------------------------------------------------

// Instructions and constants of one trace in one array indexed by Ref:
// constants occupy [nk, kRefBias), instructions [kRefBias, nins).
class Trace {
 public:
  Trace();

  Ins& operator[](Ref r) {
    check(r >= nk_ && r < nins_, "IR reference out of range");
    return slots_[r - origin_];
  }
  const Ins& operator[](Ref r) const {
    check(r >= nk_ && r < nins_, "IR reference out of range");
    return slots_[r - origin_];
  }
  Ref nk() const { return nk_; }
  Ref nins() const { return nins_; }
  Ref1 chain(Op op) const { return chain_[static_cast<uint8_t>(op)]; }
  void set_chain(Op op, Ref r) {
    chain_[static_cast<uint8_t>(op)] = static_cast<Ref1>(r);
  }

  // Payloads of constants.
  uint64_t payload64(Ref k) const { return (*this)[k + 1].raw64(); }
  double number(Ref k) const;
  int64_t int64(Ref k) const { return static_cast<int64_t>(payload64(k)); }

  // Interned constants: one copy of each (op, type, value).
  Ref kint(int32_t v);
  Ref knum(double v);
  Ref kint64(int64_t v);
  Ref kgc(IrType t, uint64_t payload);
  Ref kptr(uint64_t address);   // pointer to mutable data
  Ref kkptr(uint64_t address);  // pointer to constant data
  Ref knull(IrType t);
  Ref kpri(IrType t);
  Ref kslot(Ref key, uint32_t slot);
  // Any constant by opcode; the value's meaning depends on the opcode.
  Ref konst(Op op, Type t, uint64_t value);

  // Appends an instruction (no fold, no CSE) and links it into its chain.
  Ref append(Ins ins);
  // Drops everything from `first` up (LOOP undo, tests).
  void truncate(Ref first);
  // Turns an instruction into a NOP and unlinks it from its chain.
  void make_nop(Ref r);
  // Rebuilds all per-opcode chains from scratch.
  void rebuild_chains();

  // Snapshots.
  std::vector<Snapshot> snaps;
  std::vector<SnapEntry> snap_map;  // entries, then 2 words of pc per snap
  uint64_t snapshot_pc(size_t n) const;
  const SnapEntry* snapshot_entries(size_t n) const {
    return snap_map.data() + snaps[n].map_offset;
  }
  // The snapshot that covers instruction `r` (the last one with ref <= r).
  int snapshot_for(Ref r) const;

  // Whether the trace links back to its own start (a looping root trace).
  bool loops_to_self = false;

  // Sunk instructions (SINK): allocations and their stores that only exits
  // perform, by rebuilding the object from the snapshot. Dumps print "}".
  bool is_sunk(Ref r) const { return sunk_.contains(r); }
  void set_sunk(Ref r) { sunk_.insert(r); }
  const absl::flat_hash_set<Ref>& sunk() const { return sunk_; }

 private:
  Ref alloc_constant(bool two_slots);
  void grow_down(size_t extra);
  Ref intern(Op op, Type t, uint64_t value, Ins ins, bool two_slots);

  std::vector<Ins> slots_;
  Ref origin_;  // Ref of slots_[0]
  Ref nk_;
  Ref nins_;
  std::array<Ref1, kOpCount> chain_{};
  struct ConstKey {
    uint8_t op, type;
    uint64_t value;
    friend bool operator==(const ConstKey&, const ConstKey&) = default;
    template <typename H>
    friend H AbslHashValue(H h, const ConstKey& k) {
      return H::combine(std::move(h), k.op, k.type, k.value);
    }
  };
  absl::flat_hash_map<ConstKey, Ref> constants_;
  absl::flat_hash_set<Ref> sunk_;
};

// The allocation (TNEW/TDUP in this trace) a store reference writes into
// with a constant key or index, or 0: AREF/HREFK through `FLOAD obj …`,
// FREF, NEWREF and HREF on the object itself.
Ref allocation_of(const Trace& trace, Ref xref);

// Structural equality of two traces (instructions, constants by value,
// snapshots); what the dump/parse round trip preserves.
bool same_trace(const Trace& a, const Trace& b, std::string* why = nullptr);

}  // namespace lj::ir
