// NARROW: integer narrowing of number arithmetic (after LuaJIT's
// lj_opt_narrow.c). Lua numbers are doubles; int arithmetic pays off for
// loop indexes, array indexes and bit operations. Two directions:
//
// * Backwards, demand-driven (a FOLD rule): the recorder emits a conversion
//   to int (CONV int.num for an index, TOBIT for a bit operation) of an
//   ADD/SUB tree over numbers. The conversion is pushed down the tree: each
//   ADD/SUB becomes an int op (overflow-checked when the conversion is
//   checked), int sources `CONV num.int x` become x, integral constants
//   become KINTs. This is done only when it needs at most one conversion
//   inside the tree (never more conversions than the one it replaces):
//   t[a+b] with two unknown numbers stays as it is. A recursive collector
//   writes a little stack program, which an emitter then runs, so nothing is
//   emitted for a tree that turns out not to pay.
// * Forwards, predictive (class Narrowing): the recorder passes runtime
//   values; int + int that is an int now becomes ADDOV, whose guard exits if
//   a later iteration overflows.
#include <cmath>
#include <optional>
#include <vector>

#include "lj/opt/fold_state.h"
#include "lj/opt/opt.h"

namespace lj::opt {

using ir::Ins;
using ir::IrType;
using ir::Op;
using ir::Ref;
using ir::Type;
using fold_internal::FoldState;
using fold_internal::kNextFold;

namespace {

// Conversion modes as stored in the cache: CONV's op2 (types in the low 12
// bits, check mode above). TOBIT narrows under mode 0 (wrapping, no check);
// stripped overflow ops are cached under int.int (wrapping).
constexpr uint16_t kTypeBits = 0x0fff;
constexpr uint16_t kTobitMode = 0;
constexpr uint16_t kWrapMode = ir::conv::mode(IrType::INT, IrType::INT);

// LuaJIT's limits: recursion depth and stack program size.
constexpr int kMaxBackprop = 100;
constexpr size_t kMaxStack = 256 - 4;

uint16_t check_of(uint16_t mode) { return mode >> ir::conv::kModeShift; }
uint16_t with_check(uint16_t mode, uint16_t check) {
  return static_cast<uint16_t>((mode & kTypeBits) | (check << ir::conv::kModeShift));
}
constexpr uint16_t kAnyCheck = 1, kIndexCheck = 2, kStrictCheck = 3;

// Small signed constants cannot overflow an int32 into the valid array
// index range [0, 2^27], so the unsigned ABC that follows catches overflow.
bool index_safe_constant(const ir::Trace& t, Ref r) {
  return ir::is_constant_ref(r) && t[r].o == Op::KINT &&
         static_cast<uint32_t>(t[r].int_value()) + 0x40000000u < 0x80000000u;
}

// One step of the stack program the collector writes.
struct NarrowStep {
  enum Kind : uint8_t { kRef, kConvert, kInt, kOp, kWrapOp } kind;
  Ref ref = 0;     // kRef: push it; kConvert: push its conversion; kOp: the original
  int32_t k = 0;   // kInt
  Op op = Op::NOP; // kOp / kWrapOp: int opcode (pops two, pushes one)
};

class BackwardNarrowing {
 public:
  explicit BackwardNarrowing(FoldState& f)
      : f_(f), t_(f.trace), tobit_(f.ins.o == Op::TOBIT),
        mode_(tobit_ ? kTobitMode : f.ins.op2) {}

  // The replacement for f.ins, or kNextFold.
  Ref run() {
    if (collect(f_.ins.op1, 0) > 1) return kNextFold;
    return emit();
  }

 private:
  void push(NarrowStep s) { program_.push_back(s); }
  bool full() const { return program_.size() >= kMaxStack; }

  // Overflow ops under a wrapping conversion compute the same bits without
  // their check (it already ran where they were emitted): ADDOV → ADD.
  void collect_stripped(Ref ref, int depth) {
    const Ins& ins = t_[ref];
    bool strippable = !ir::is_constant_ref(ref) &&
                      (ins.o == Op::ADDOV || ins.o == Op::SUBOV ||
                       (ins.o == Op::MULOV && check_of(mode_) == kAnyCheck));
    if (strippable) {
      if (Ref cached = f_.narrow.find(t_, ref, kWrapMode)) {
        push({NarrowStep::kRef, cached});
        return;
      }
      if (++depth < kMaxBackprop && !full()) {
        size_t saved = program_.size();
        collect_stripped(ins.op1, depth);
        if (!full()) {
          collect_stripped(ins.op2, depth);
          if (!full()) {
            Op plain = ir::op_offset(Op::ADD, static_cast<int>(ins.o) - static_cast<int>(Op::ADDOV));
            push({NarrowStep::kWrapOp, ref, 0, plain});
            return;
          }
        }
        program_.resize(saved);
      }
    }
    push({NarrowStep::kRef, ref});
  }

  // A number constant that is exactly an int the mode allows, else nullopt.
  std::optional<int32_t> narrow_constant(double n) const {
    if (tobit_) {
      // TOBIT keeps the low 32 bits; sums of such constants stay exact.
      if (n != std::trunc(n) || std::fabs(n) >= 4294967296.0) return std::nullopt;
      return static_cast<int32_t>(static_cast<uint32_t>(static_cast<int64_t>(n)));
    }
    // Only small integers: larger ones rarely pay and may overflow.
    if (!is_int32_value(n) || n < -32768.0 || n > 32767.0) return std::nullopt;
    return static_cast<int32_t>(n);
  }

  // An existing conversion of `ref` as strong as ours.
  Ref existing_conversion(Ref ref) const {
    for (Ref c = t_.chain(f_.ins.o); c > ref; c = t_[c].prev) {
      const Ins& conv = t_[c];
      if (conv.op1 != ref) continue;
      if (tobit_ || ((conv.op2 & kTypeBits) == (mode_ & kTypeBits) &&
                     conv.t.is_guard() >= f_.ins.t.is_guard()))
        return c;
    }
    return 0;
  }

  // Writes the program for the int value of number `ref`; returns how many
  // conversions it needs (10 = never).
  int collect(Ref ref, int depth) {
    if (full()) return 10;
    const Ins& ins = t_[ref];
    // The easy cases: an int converted to a number, or a constant.
    if (ins.o == Op::CONV && ir::conv::source(ins.op2) == IrType::INT) {
      if (check_of(mode_) <= kAnyCheck) collect_stripped(ins.op1, depth + 1);
      else push({NarrowStep::kRef, ins.op1});
      return 0;
    }
    if (ins.o == Op::KNUM) {
      auto k = narrow_constant(t_.number(ref));
      if (!k) return 10;
      push({NarrowStep::kInt, 0, *k});
      return 0;
    }
    if (Ref c = existing_conversion(ref)) {
      push({NarrowStep::kRef, c});
      return 0;
    }
    if ((ins.o == Op::ADD || ins.o == Op::SUB) && !ir::is_constant_ref(ref)) {
      // Inner conversions of an index need the full check.
      uint16_t mode = mode_;
      if (check_of(mode) == kIndexCheck && depth > 0) mode = with_check(mode, kStrictCheck);
      if (Ref cached = f_.narrow.find(t_, ref, mode)) {
        push({NarrowStep::kRef, cached});
        return 0;
      }
      if (++depth < kMaxBackprop && !full()) {
        size_t saved = program_.size();
        int count = collect(ins.op1, depth);
        count += collect(ins.op2, depth);
        if (count <= 1 && !full()) {
          push({NarrowStep::kOp, ref, 0, ins.o});
          return count;
        }
        program_.resize(saved);  // too many conversions: backtrack
      }
    }
    push({NarrowStep::kConvert, ref});
    return 1;
  }

  // Runs the program: a stack of int references.
  Ref emit() {
    const Ins conv = f_.ins;
    std::vector<Ref> stack;
    for (size_t i = 0; i < program_.size(); ++i) {
      const NarrowStep& s = program_[i];
      switch (s.kind) {
        case NarrowStep::kRef: stack.push_back(s.ref); break;
        case NarrowStep::kConvert:
          // Raw: folding it again would recurse into this rule.
          stack.push_back(f_.b.append(ir::Builder::make(conv.o, conv.t, s.ref, conv.op2)));
          break;
        case NarrowStep::kInt: stack.push_back(f_.b.kint(s.k)); break;
        case NarrowStep::kOp:
        case NarrowStep::kWrapOp: {
          lj::check(stack.size() >= 2, "NARROW stack underflow");
          Ref right = stack.back();
          stack.pop_back();
          stack.back() = apply(s, stack.back(), right, i + 1 == program_.size());
          break;
        }
      }
    }
    lj::check(stack.size() == 1, "NARROW stack misaligned");
    return stack.back();
  }

  // One int op of the tree: overflow-checked under a guarded conversion,
  // except an index's outermost op with a small constant (ABC checks it).
  // The result is cached under the mode its check proves.
  Ref apply(const NarrowStep& s, Ref left, Ref right, bool outermost) {
    bool guard = f_.ins.t.is_guard() && s.kind == NarrowStep::kOp;
    uint16_t mode = s.kind == NarrowStep::kWrapOp ? kWrapMode : mode_;
    if (s.kind == NarrowStep::kOp && check_of(mode_) == kIndexCheck) {
      if (outermost && index_safe_constant(t_, right)) guard = false;
      else mode = with_check(mode_, kStrictCheck);
    }
    Op op = guard ? ir::op_offset(s.op, static_cast<int>(Op::ADDOV) - static_cast<int>(Op::ADD)) : s.op;
    Ref result = f_.b.emit(op, guard ? Type::guarded(IrType::INT) : Type(IrType::INT), left, right);
    if (result != ir::kRefDrop) f_.narrow.add(t_, s.ref, result, mode);
    return result;
  }

  FoldState& f_;
  const ir::Trace& t_;
  bool tobit_;
  uint16_t mode_;
  std::vector<NarrowStep> program_;
};

bool is_integer_ref(const ir::Trace& t, Ref r) { return t[r].t.is_integer(); }

}  // namespace

// ---- The backprop cache ------------------------------------------------------

void NarrowCache::adopt(const ir::Trace& trace) {
  if (trace_ == &trace) return;
  entries_ = {};
  next_ = 0;
  trace_ = &trace;
}

namespace {
// The instruction without its chain link and marks, for comparison.
uint64_t fingerprint(const ir::Trace& trace, Ref r) {
  Ins ins = trace[r];
  ins.prev = 0;
  ins.t.clear_mark();
  ins.t.clear_phi();
  return ins.raw64();
}
}  // namespace

bool NarrowCache::holds(const ir::Trace& trace, Ref r, uint64_t ins) {
  return r >= trace.nk() && r < trace.nins() && fingerprint(trace, r) == ins;
}

Ref NarrowCache::find(const ir::Trace& trace, Ref key, uint16_t mode) {
  adopt(trace);
  for (const Entry& e : entries_) {
    // A stronger check is fine too; the types must be the same.
    if (e.key == key && e.mode >= mode && ((e.mode ^ mode) & kTypeBits) == 0 &&
        holds(trace, e.key, e.key_ins) && holds(trace, e.value, e.value_ins))
      return e.value;
  }
  return 0;
}

void NarrowCache::add(const ir::Trace& trace, Ref key, Ref value, uint16_t mode) {
  adopt(trace);
  entries_[next_] = Entry{key, value, mode, fingerprint(trace, key), fingerprint(trace, value)};
  next_ = (next_ + 1) % kSlots;
}

// ---- Backward narrowing (FOLD rule) -------------------------------------------

namespace fold_internal {

// CONV int.num / TOBIT of ADD or SUB: narrow the whole tree when that needs
// at most one conversion. Not after LOOP (PHIs; the pre-roll already did it).
Ref narrow_convert(FoldState& f) {
  if (!f.options.has(Flag::kNarrow) || f.left_is_phi() || f.trace.chain(Op::LOOP)) return kNextFold;
  // An unchecked truncation (mode 0) does not wrap: not narrowed.
  if (f.ins.o == Op::CONV && (!f.ins.t.is_int() || check_of(f.ins.op2) == 0)) return kNextFold;
  if (!f.left.t.is_num()) return kNextFold;
  return BackwardNarrowing(f).run();
}

}  // namespace fold_internal

// ---- Forward narrowing (the recorder's calls) ----------------------------------

bool is_int32_value(double n) {
  return n >= -2147483648.0 && n <= 2147483647.0 && n == std::trunc(n);
}

IrType narrow_for_loop(const Options& options, double start, double stop, double step) {
  if (!options.has(Flag::kNarrow)) return IrType::NUM;
  if (!is_int32_value(start) || !is_int32_value(stop) || !is_int32_value(step)) return IrType::NUM;
  // The index must not overflow when it steps past stop.
  double beyond = stop + step;
  bool fits = step >= 0 ? beyond <= 2147483647.0 : beyond >= -2147483648.0;
  return fits ? IrType::INT : IrType::NUM;
}

Ref Narrowing::to_number(Ref value) {
  const ir::Trace& t = b_.trace();
  if (t[value].t.is_num()) return value;
  lj::check(t[value].t.is_integer(), "NARROW: not a number");
  return b_.emit(Op::CONV, Type(IrType::NUM), value, ir::conv::mode(IrType::NUM, t[value].t.base()));
}

// ADDOV … last_op (recursively) to their wrapping counterparts, cached.
Ref Narrowing::strip_overflow(Ref value, Op last_op) {
  ir::Trace& t = b_.trace();
  if (ir::is_constant_ref(value)) return value;
  Ins ins = t[value];
  if (ins.o < Op::ADDOV || ins.o > last_op) return value;
  if (Ref cached = engine_.narrow_cache().find(t, value, kWrapMode)) return cached;
  Ref left = strip_overflow(ins.op1, last_op);
  Ref right = strip_overflow(ins.op2, last_op);
  Op plain = ir::op_offset(Op::ADD, static_cast<int>(ins.o) - static_cast<int>(Op::ADDOV));
  Ref result = b_.emit(plain, Type(IrType::INT), left, right);
  engine_.narrow_cache().add(t, value, result, kWrapMode);
  return result;
}

Ref Narrowing::index(Ref key) {
  ir::Trace& t = b_.trace();
  if (t[key].t.is_num())
    return b_.emit(Op::CONV, Type::guarded(IrType::INT), key,
                   ir::conv::mode(IrType::INT, IrType::NUM) | ir::conv::kIndex);
  lj::check(t[key].t.is_integer(), "NARROW: index is not a number");
  // The ABC that follows is unsigned: it also catches the overflow.
  Ins ins = t[key];
  if ((ins.o == Op::ADDOV || ins.o == Op::SUBOV) && index_safe_constant(t, ins.op2))
    return b_.emit(ins.o == Op::ADDOV ? Op::ADD : Op::SUB, Type(IrType::INT), ins.op1, ins.op2);
  return key;
}

Ref Narrowing::to_int(Ref value) {
  ir::Trace& t = b_.trace();
  if (t[value].t.is_num())
    return b_.emit(Op::CONV, Type(IrType::INT), value,
                   ir::conv::mode(IrType::INT, IrType::NUM) | ir::conv::kAny);
  lj::check(t[value].t.is_integer(), "NARROW: not a number");
  return strip_overflow(value, Op::MULOV);
}

Ref Narrowing::to_bit(Ref value) {
  ir::Trace& t = b_.trace();
  if (t[value].t.is_num()) return b_.emit(Op::TOBIT, Type(IrType::INT), value, b_.knum(0x1.8p52));
  lj::check(t[value].t.is_integer(), "NARROW: not a number");
  // MULOV keeps its check: a wider product would differ in the low bits.
  return strip_overflow(value, Op::SUBOV);
}

Ref Narrowing::arith(Op op, Ref b, Ref c, double vb, double vc) {
  const ir::Trace& t = b_.trace();
  bool predict = (op == Op::ADD || op == Op::SUB) && is_integer_ref(t, b) && is_integer_ref(t, c);
  // MUL is never narrowed (0 * -1 is -0, which no int holds).
  if (predict && is_int32_value(ir::semantics::num_arith(op, vb, vc)))
    return b_.emit(op == Op::ADD ? Op::ADDOV : Op::SUBOV, Type::guarded(IrType::INT), b, c);
  Ref x = to_number(b);
  Ref y = to_number(c);
  return b_.emit(op, Type(IrType::NUM), x, y);
}

Ref Narrowing::negate(Ref c, double vc) {
  ir::Trace& t = b_.trace();
  if (is_integer_ref(t, c) && is_int32_value(vc) && vc != 0 && vc != -2147483648.0) {
    Ref zero = b_.kint(0);
    b_.emit(Op::NE, Type::guarded(IrType::INT), c, zero);  // -0 is no int
    return b_.emit(Op::SUBOV, Type::guarded(IrType::INT), zero, c);
  }
  return b_.emit(Op::NEG, Type(IrType::NUM), to_number(c), b_.knum(-0.0));
}

Ref Narrowing::modulo(Ref b, Ref c, double vc) {
  ir::Trace& t = b_.trace();
  if (engine_.options().has(Flag::kNarrow) && is_integer_ref(t, b) && is_integer_ref(t, c) && vc != 0) {
    b_.emit(Op::NE, Type::guarded(IrType::INT), c, b_.kint(0));
    return b_.emit(Op::MOD, Type(IrType::INT), b, c);
  }
  // b % c = b - floor(b/c)*c
  Ref x = to_number(b), y = to_number(c);
  Ref quotient = b_.emit(Op::DIV, Type(IrType::NUM), x, y);
  Ref floored = b_.emit(Op::FPMATH, Type(IrType::NUM), quotient, static_cast<Ref>(ir::FpMath::FLOOR));
  Ref product = b_.emit(Op::MUL, Type(IrType::NUM), floored, y);
  return b_.emit(Op::SUB, Type(IrType::NUM), x, product);
}

Ref Narrowing::power(Ref b, Ref c) {
  Ref x = to_number(b), y = to_number(c);
  return b_.emit(Op::POW, Type(IrType::NUM), x, y);
}

}  // namespace lj::opt
