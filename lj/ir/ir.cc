#include "lj/ir/ir.h"

#include <bit>
#include <string>

#include "absl/strings/str_format.h"

namespace lj::ir {

std::string_view message(AbortReason reason) {
  static constexpr std::string_view kMessages[] = {
#define LJ_IR_ABORTMSG(name, text) text,
      LJ_IR_ABORTDEF(LJ_IR_ABORTMSG)
#undef LJ_IR_ABORTMSG
  };
  return kMessages[static_cast<uint8_t>(reason)];
}

// Room for a few constants below and instructions above before growing.
Trace::Trace() : origin_(kRefBias - 64), nk_(kRefTrue), nins_(kRefFirst) {
  slots_.resize(64 + 256);
  // The three primitive constants and BASE exist in every trace.
  const IrType pris[] = {IrType::TRUE, IrType::FALSE, IrType::NIL};
  for (Ref r = kRefTrue; r <= kRefNil; ++r) {
    Ins& k = slots_[r - origin_];
    k.o = Op::KPRI;
    k.t = Type(pris[r - kRefTrue]);
    constants_[ConstKey{static_cast<uint8_t>(Op::KPRI), k.t.bits, 0}] = r;
  }
  Ins& base = slots_[kRefBase - origin_];
  base.o = Op::BASE;
  base.t = Type(IrType::P64);
}

double Trace::number(Ref k) const {
  return std::bit_cast<double>(payload64(k));
}

// Makes room for `extra` more slots below the lowest constant.
void Trace::grow_down(size_t extra) {
  size_t add = std::max(extra, slots_.size());
  std::vector<Ins> bigger(slots_.size() + add);
  std::copy(slots_.begin(), slots_.end(), bigger.begin() + add);
  slots_ = std::move(bigger);
  origin_ -= static_cast<Ref>(add);
}

// Constants take one slot, or two when their payload is 64 bits wide.
Ref Trace::alloc_constant(bool two_slots) {
  Ref need = two_slots ? 2 : 1;
  check(nk_ > need + 1, "constant space exhausted");
  if (nk_ - need < origin_) grow_down(need);
  nk_ -= need;
  return nk_;
}

Ref Trace::intern(Op op, Type t, uint64_t value, Ins ins, bool two_slots) {
  ConstKey key{static_cast<uint8_t>(op), t.bits, value};
  if (auto it = constants_.find(key); it != constants_.end()) return it->second;
  Ref r = alloc_constant(two_slots);
  ins.o = op;
  ins.t = t;
  ins.prev = chain(op);
  slots_[r - origin_] = ins;
  if (two_slots) slots_[r + 1 - origin_] = Ins::from_raw64(value);
  set_chain(op, r);
  constants_.emplace(key, r);
  return r;
}

Ref Trace::kint(int32_t v) {
  Ins ins;
  ins.set_int_value(v);
  return intern(Op::KINT, Type(IrType::INT), static_cast<uint32_t>(v), ins,
                false);
}
Ref Trace::knum(double v) {
  return intern(Op::KNUM, Type(IrType::NUM), std::bit_cast<uint64_t>(v), Ins{},
                true);
}
Ref Trace::kint64(int64_t v) {
  return intern(Op::KINT64, Type(IrType::I64), static_cast<uint64_t>(v), Ins{},
                true);
}
Ref Trace::kgc(IrType t, uint64_t payload) {
  return intern(Op::KGC, Type(t), payload, Ins{}, true);
}
Ref Trace::kptr(uint64_t address) {
  return intern(Op::KPTR, Type(IrType::P64), address, Ins{}, true);
}
Ref Trace::kkptr(uint64_t address) {
  return intern(Op::KKPTR, Type(IrType::P64), address, Ins{}, true);
}
Ref Trace::knull(IrType t) { return intern(Op::KNULL, Type(t), 0, Ins{}, true); }
Ref Trace::kpri(IrType t) {
  check(t <= IrType::TRUE, "KPRI of a non-primitive type");
  return kRefNil - static_cast<Ref>(t);
}
Ref Trace::kslot(Ref key, uint32_t slot) {
  check(is_constant_ref(key) && slot < kRefBias, "KSLOT of a non-constant");
  Ins ins;
  ins.op1 = static_cast<Ref1>(key);
  ins.op2 = static_cast<Ref1>(slot);
  Type t = (*this)[key].t;
  return intern(Op::KSLOT, Type(t.base()), ins.op12(), ins, false);
}

Ref Trace::konst(Op op, Type t, uint64_t value) {
  switch (op) {
    case Op::KINT: return kint(static_cast<int32_t>(value));
    case Op::KNUM: return knum(std::bit_cast<double>(value));
    case Op::KINT64:
      return intern(Op::KINT64, t, value, Ins{}, true);
    case Op::KGC: return kgc(t.base(), value);
    case Op::KPTR: return intern(Op::KPTR, t, value, Ins{}, true);
    case Op::KKPTR: return intern(Op::KKPTR, t, value, Ins{}, true);
    case Op::KNULL: return knull(t.base());
    case Op::KPRI: return kpri(t.base());
    case Op::KSLOT:
      return kslot(static_cast<Ref>(value & 0xffff),
                   static_cast<uint32_t>(value >> 16));
    default: check(false, "konst of a non-constant opcode"); return kRefNil;
  }
}

// Instructions grow upwards; prev links the chain of the same opcode.
Ref Trace::append(Ins ins) {
  check(!is_constant_op(ins.o), "constants are interned, not appended");
  check(nins_ < kRefDrop - 1, "IR buffer full");
  if (nins_ - origin_ >= slots_.size()) slots_.resize(slots_.size() * 2);
  Ref r = nins_++;
  ins.prev = chain(ins.o);
  slots_[r - origin_] = ins;
  set_chain(ins.o, r);
  return r;
}

void Trace::truncate(Ref first) {
  check(first >= kRefFirst && first <= nins_, "truncate out of range");
  nins_ = first;
  absl::erase_if(sunk_, [first](Ref r) { return r >= first; });
  rebuild_chains();
}

void Trace::make_nop(Ref r) {
  Ins& ins = (*this)[r];
  // Unlink from the chain of its opcode before rewriting it.
  Ref1* link = &chain_[static_cast<uint8_t>(ins.o)];
  while (*link != 0 && *link != r) link = &(*this)[*link].prev;
  if (*link == r) *link = ins.prev;
  ins.o = Op::NOP;
  ins.t = Type(IrType::NIL);
  ins.op1 = ins.op2 = 0;
  ins.prev = chain(Op::NOP);
  set_chain(Op::NOP, r);
}

void Trace::rebuild_chains() {
  chain_.fill(0);
  for (Ref r = nk_; r < kRefBias; ++r) {
    Ins& k = slots_[r - origin_];
    k.prev = chain(k.o);
    set_chain(k.o, r);
    if (has_64bit_payload(k.o)) ++r;
  }
  for (Ref r = kRefFirst; r < nins_; ++r) {
    Ins& ins = slots_[r - origin_];
    ins.prev = chain(ins.o);
    set_chain(ins.o, r);
  }
}

uint64_t Trace::snapshot_pc(size_t n) const {
  const Snapshot& s = snaps[n];
  uint32_t lo = snap_map[s.map_offset + s.nent].bits;
  uint32_t hi = snap_map[s.map_offset + s.nent + 1].bits;
  return uint64_t{lo} | (uint64_t{hi} << 32);
}

int Trace::snapshot_for(Ref r) const {
  int found = -1;
  for (size_t i = 0; i < snaps.size() && snaps[i].ref <= r; ++i)
    found = static_cast<int>(i);
  return found;
}

Ref allocation_of(const Trace& trace, Ref xref) {
  if (is_constant_ref(xref) || xref >= trace.nins()) return 0;
  const Ins& ref = trace[xref];
  Ref object;
  switch (ref.o) {
    case Op::AREF:
    case Op::HREFK:
      if (!is_constant_ref(ref.op2)) return 0;
      object = ref.op1;
      if (!is_constant_ref(object) && trace[object].o == Op::FLOAD) object = trace[object].op1;
      break;
    case Op::FREF: object = ref.op1; break;
    case Op::NEWREF:
    case Op::HREF:
      if (!is_constant_ref(ref.op2)) return 0;
      object = ref.op1;
      break;
    default: return 0;
  }
  if (is_constant_ref(object)) return 0;
  Op op = trace[object].o;
  return op == Op::TNEW || op == Op::TDUP ? object : 0;
}

namespace {

// Compares the constant behind two references by value.
bool same_operand(const Trace& a, const Trace& b, OperandKind kind, Ref ra,
                  Ref rb) {
  if (kind != OperandKind::ref || !is_constant_ref(ra) ||
      !is_constant_ref(rb))
    return ra == rb;
  const Ins& ka = a[ra];
  const Ins& kb = b[rb];
  if (ka.o != kb.o || ka.t != kb.t) return false;
  if (has_64bit_payload(ka.o)) return a.payload64(ra) == b.payload64(rb);
  if (ka.o == Op::KSLOT)
    return ka.op2 == kb.op2 &&
           same_operand(a, b, OperandKind::ref, ka.op1, kb.op1);
  return ka.op12() == kb.op12();
}

}  // namespace

bool same_trace(const Trace& a, const Trace& b, std::string* why) {
  auto fail = [&](std::string text) {
    if (why) *why = std::move(text);
    return false;
  };
  if (a.nins() != b.nins())
    return fail(absl::StrFormat("nins %d vs %d", a.nins(), b.nins()));
  for (Ref r = kRefFirst; r < a.nins(); ++r) {
    const Ins& x = a[r];
    const Ins& y = b[r];
    const OpInfo& oi = x.op_info();
    if (x.o != y.o || x.t != y.t || !same_operand(a, b, oi.op1, x.op1, y.op1) ||
        !same_operand(a, b, oi.op2, x.op2, y.op2))
      return fail(absl::StrFormat("instruction %04d differs", r - kRefBias));
    if (a.is_sunk(r) != b.is_sunk(r))
      return fail(absl::StrFormat("instruction %04d sunk differs", r - kRefBias));
  }
  if (a.snaps.size() != b.snaps.size())
    return fail(absl::StrFormat("%d vs %d snapshots", a.snaps.size(),
                                b.snaps.size()));
  for (size_t n = 0; n < a.snaps.size(); ++n) {
    const Snapshot& s = a.snaps[n];
    const Snapshot& t = b.snaps[n];
    if (s.ref != t.ref || s.nslots != t.nslots || s.nent != t.nent)
      return fail(absl::StrFormat("snapshot #%d header differs", n));
    for (uint32_t e = 0; e < s.nent; ++e) {
      SnapEntry x = a.snapshot_entries(n)[e];
      SnapEntry y = b.snapshot_entries(n)[e];
      if (x.slot() != y.slot() || x.flags() != y.flags() ||
          !same_operand(a, b, OperandKind::ref, x.ref(), y.ref()))
        return fail(absl::StrFormat("snapshot #%d entry %d differs", n, e));
    }
  }
  return true;
}

}  // namespace lj::ir
