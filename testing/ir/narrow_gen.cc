#include "testing/ir/narrow_gen.h"

#include <bit>
#include <cmath>
#include <optional>

#include "lj/ir/builder.h"

namespace lj::testing {

namespace {

using ir::IrType;
using ir::Op;
using ir::Ref;
using ir::Type;

// Constants and inputs: small ints, halves, int16/int32 limits, huge, -0.
const double kConstants[] = {0, 1, -1, 2, 3, 7, 0.5, -2.5, 40000, 32767, 1073741824.0,
                             2147483647.0, -2147483648.0, 1e10, -0.0, 65536};
const double kStarts[] = {0, 1, -3, 10, 0.5, 2147483640.0};
const double kStops[] = {5, 10, -5, 2.5, 2147483647.0, 3};
const double kSteps[] = {1, 2, -1, 0.5, 3, 1};
const double kArray[] = {1, -2, 0.5, 3, 7, 0, 100, -0.25};
constexpr Op kArith[] = {Op::ADD, Op::SUB, Op::MUL, Op::DIV};
constexpr Op kCompares[] = {Op::LT, Op::GE, Op::LE, Op::GT, Op::EQ, Op::NE};
constexpr int kArraySize = 8;
constexpr uint32_t kResultSlot = 4;  // slots 4..7: the newest values

enum Kind : uint8_t { kArith_, kNegate, kModulo, kPower, kIndex, kToBit, kToInt, kCompare, kKinds };

template <typename T, size_t N>
const T& pick(const T (&table)[N], size_t i) { return table[i % N]; }

// A Lua value while recording: its reference, its value now, and whether it
// is an exact integer small enough that sums of two stay exact (what a bit
// operation or a wrapping conversion needs to agree with int arithmetic).
struct LuaValue {
  Ref ref;
  double now;
  bool exact;
};

bool exact_integer(double v) { return v == std::trunc(v) && std::fabs(v) < 0x1p40; }

// TOBIT as the evaluator computes it.
int32_t tobit(double v) {
  return static_cast<int32_t>(std::bit_cast<uint64_t>(v + 0x1.8p52));
}

class NarrowRecorder {
 public:
  NarrowRecorder(const NarrowRecipe& recipe, TestBinding& binding, const opt::Options& options,
                 bool narrow)
      : recipe_(recipe), binding_(binding), options_(options), narrow_(narrow),
        fold_(options, &binding.binding()), b_(built_.trace, &fold_, options.emit_options()),
        narrowing_(b_, fold_) {}

  BuiltTrace run() {
    built_.trace.loops_to_self = recipe_.loops;
    start_ = pick(kStarts, recipe_.for_loop[0]);
    stop_ = pick(kStops, recipe_.for_loop[1]);
    step_ = pick(kSteps, recipe_.for_loop[2]);
    make_state();
    b_.snapshot(pc_++, 8, 8, {});
    table_ = b_.emit(Op::SLOAD, Type::guarded(IrType::TAB), 0, ir::sload::kTypeCheck);
    index_type_ = narrow_ ? opt::narrow_for_loop(options_, start_, stop_, step_) : IrType::NUM;
    Ref i = index_type_ == IrType::INT
                ? b_.emit(Op::SLOAD, Type(IrType::INT), 1, ir::sload::kConvert | ir::sload::kInherit)
                : b_.emit(Op::SLOAD, Type::guarded(IrType::NUM), 1, ir::sload::kTypeCheck);
    index_ = i;
    values_.push_back({i, start_, exact_integer(start_) && exact_integer(step_)});
    for (int slot = 2; slot <= 3; ++slot) {
      double v = built_.state.slots[slot].as_num();
      values_.push_back({b_.emit(Op::SLOAD, Type::guarded(IrType::NUM), static_cast<Ref>(slot),
                                 ir::sload::kTypeCheck),
                         v, false});
    }
    for (const NarrowStep& step : recipe_.steps) {
      snapshot(pc_++, index_);
      Ref emitted = built_.trace.nins();
      record(step);
      // The number code keeps every step's snapshot (a NOP stops the next
      // one replacing it), so each step's start is a state a crossing can
      // name when the narrowed code exits there.
      if (!narrow_ && built_.trace.nins() == emitted)
        b_.append(ir::Builder::make(Op::NOP, Type(IrType::NIL), 0, 0));
    }
    end_loop();
    return std::move(built_);
  }

 private:
  void make_state() {
    ir::Object table;
    for (uint8_t v : recipe_.array) table.array.push_back(ir::Value::number(pick(kArray, v)));
    built_.state.objects[0x7000] = table;
    built_.state.slots[0] = ir::Value::object(IrType::TAB, 0x7000);
    built_.state.slots[1] = ir::Value::number(start_);
    built_.state.slots[2] = ir::Value::number(pick(kConstants, recipe_.inputs[0]));
    built_.state.slots[3] = ir::Value::number(pick(kConstants, recipe_.inputs[1]));
  }

  // The recorder's constant: KINT for an int value when narrowing.
  LuaValue constant(double v) {
    bool as_int = narrow_ && opt::is_int32_value(v) && !(v == 0 && std::signbit(v));
    Ref k = as_int ? b_.kint(static_cast<int32_t>(v)) : b_.knum(v);
    return {k, v, exact_integer(v)};
  }
  const LuaValue& value(uint16_t i) const { return values_[i % values_.size()]; }
  LuaValue second(const NarrowStep& s) {
    if (s.konst) return constant(pick(kConstants, s.constant));
    return (s.constant & 3) == 0 ? values_[0] : value(s.b);
  }
  bool is_int(Ref r) { return built_.trace[r].t.is_integer(); }
  Ref number(Ref r) { return narrowing_.to_number(r); }

  void push(Ref ref, double now, bool exact) { values_.push_back({ref, now, exact && exact_integer(now)}); }

  void record(const NarrowStep& s) {
    // Half of the steps start from the loop index (often an int).
    LuaValue x = (s.op & 0x20) ? values_[0] : value(s.a);
    Kind kind = static_cast<Kind>(s.kind % kKinds);
    switch (kind) {
      case kArith_: {
        Op op = pick(kArith, s.op);
        LuaValue y = second(s);
        double now = ir::semantics::num_arith(op, x.now, y.now);
        Ref r = narrow_ ? narrowing_.arith(op, x.ref, y.ref, x.now, y.now)
                        : b_.emit(op, Type(IrType::NUM), number(x.ref), number(y.ref));
        push(r, now, x.exact && y.exact && op != Op::DIV);
        break;
      }
      case kNegate: {
        Ref r = narrow_ ? narrowing_.negate(x.ref, x.now)
                        : b_.emit(Op::NEG, Type(IrType::NUM), number(x.ref), b_.knum(-0.0));
        push(r, -x.now, x.exact);
        break;
      }
      case kModulo: {
        LuaValue y = second(s);
        double now = ir::semantics::num_arith(Op::MOD, x.now, y.now);
        Ref r = narrow_ ? narrowing_.modulo(x.ref, y.ref, y.now) : plain_modulo(x.ref, y.ref);
        push(r, now, x.exact && y.exact && y.now != 0);
        break;
      }
      case kPower: {
        LuaValue y = second(s);
        Ref r = narrow_ ? narrowing_.power(x.ref, y.ref)
                        : b_.emit(Op::POW, Type(IrType::NUM), number(x.ref), number(y.ref));
        push(r, std::pow(x.now, y.now), false);
        break;
      }
      case kIndex: index(x); break;
      case kToBit: {
        // Bit operations on non-integers or huge numbers round in ways
        // the narrowed form need not reproduce (LuaJIT: undefined).
        if (recipe_.loops || !x.exact) break;
        Ref r = narrow_ ? narrowing_.to_bit(x.ref)
                : is_int(x.ref) ? x.ref
                                : b_.emit(Op::TOBIT, Type(IrType::INT), x.ref, b_.knum(0x1.8p52));
        push(r, tobit(x.now), true);
        break;
      }
      case kToInt: {
        // Overflow is undefined for this conversion: only values that fit.
        if (recipe_.loops || !x.exact || !opt::is_int32_value(x.now)) break;
        Ref r = narrow_ ? narrowing_.to_int(x.ref)
                : is_int(x.ref) ? x.ref
                                : b_.emit(Op::CONV, Type(IrType::INT), x.ref,
                                          ir::conv::mode(IrType::INT, IrType::NUM) | ir::conv::kAny);
        push(r, x.now, true);
        break;
      }
      case kCompare: compare(s, x, second(s)); break;
      case kKinds: break;
    }
  }

  Ref plain_modulo(Ref b, Ref c) {
    Ref x = number(b), y = number(c);
    Ref q = b_.emit(Op::DIV, Type(IrType::NUM), x, y);
    Ref f = b_.emit(Op::FPMATH, Type(IrType::NUM), q, static_cast<Ref>(ir::FpMath::FLOOR));
    return b_.emit(Op::SUB, Type(IrType::NUM), x, b_.emit(Op::MUL, Type(IrType::NUM), f, y));
  }

  // t[x]: recorded only when x is a valid index now (else a recorder
  // would have taken another path).
  void index(const LuaValue& x) {
    if (x.now != std::trunc(x.now) || x.now < 0 || x.now >= kArraySize) return;
    Ref key;
    if (narrow_) key = narrowing_.index(x.ref);
    else if (is_int(x.ref)) key = x.ref;
    else key = b_.emit(Op::CONV, Type::guarded(IrType::INT), x.ref,
                       ir::conv::mode(IrType::INT, IrType::NUM) | ir::conv::kIndex);
    Ref size = b_.emit(Op::FLOAD, Type(IrType::INT), table_, binding_.field("tab.asize"));
    b_.emit(Op::ABC, Type::guarded(IrType::INT), size, key);
    Ref array = b_.emit(Op::FLOAD, Type(IrType::P64), table_, binding_.field("tab.array"));
    Ref slot = b_.emit(Op::AREF, Type(IrType::P64), array, key);
    Ref loaded = b_.emit(Op::ALOAD, Type::guarded(IrType::NUM), slot, 0);
    push(loaded, pick(kArray, recipe_.array[static_cast<size_t>(x.now)]), true);
  }

  // if x < y …: the guard records the branch taken now.
  void compare(const NarrowStep& s, const LuaValue& x, const LuaValue& y) {
    Op op = pick(kCompares, s.op);
    if (!ir::semantics::compare(op, ir::Value::number(x.now), ir::Value::number(y.now)))
      op = static_cast<Op>(static_cast<int>(op) ^ 1);  // the opposite holds
    bool ints = narrow_ && is_int(x.ref) && is_int(y.ref);
    Ref a = ints ? x.ref : number(x.ref), c = ints ? y.ref : number(y.ref);
    b_.emit(op, Type::guarded(ints ? IrType::INT : IrType::NUM), a, c);
  }

  // The newest values in slots 4..7 and the loop index in slot 1.
  void snapshot(uint64_t pc, Ref index) {
    std::vector<ir::SnapEntry> entries;
    entries.push_back(ir::SnapEntry::make(0, 0, table_));
    entries.push_back(ir::SnapEntry::make(1, 0, index));
    size_t first = values_.size() > 4 ? values_.size() - 4 : 0;
    for (size_t v = first; v < values_.size(); ++v)
      entries.push_back(ir::SnapEntry::make(kResultSlot + static_cast<uint32_t>(v - first), 0, values_[v].ref));
    b_.snapshot(pc, 8, 8, entries);
  }

  // FORL: i += step, leave when past stop; a loop resumes at pc 1.
  void end_loop() {
    bool as_int = index_type_ == IrType::INT;
    Ref next = as_int ? b_.emit(Op::ADD, Type(IrType::INT), index_, b_.kint(static_cast<int32_t>(step_)))
                      : b_.emit(Op::ADD, Type(IrType::NUM), index_, b_.knum(step_));
    Ref stop = as_int ? b_.kint(static_cast<int32_t>(stop_)) : b_.knum(stop_);
    snapshot(pc_++, next);
    b_.emit(step_ >= 0 ? Op::LE : Op::GE, Type::guarded(as_int ? IrType::INT : IrType::NUM), next, stop);
    snapshot(recipe_.loops ? 1 : pc_++, next);
  }

  const NarrowRecipe& recipe_;
  TestBinding& binding_;
  const opt::Options& options_;
  bool narrow_;
  BuiltTrace built_;
  opt::FoldEngine fold_;
  ir::Builder b_;
  opt::Narrowing narrowing_;
  double start_ = 0, stop_ = 0, step_ = 1;
  IrType index_type_ = IrType::NUM;
  Ref table_ = 0, index_ = 0;
  std::vector<LuaValue> values_;
  uint64_t pc_ = 1;
};

}  // namespace

rc::Gen<NarrowRecipe> arbitrary_narrow_recipe() {
  auto step = rc::gen::resize(100, rc::gen::construct<NarrowStep>(
      rc::gen::inRange<uint8_t>(0, kKinds), rc::gen::arbitrary<uint8_t>(),
      rc::gen::arbitrary<uint16_t>(), rc::gen::arbitrary<uint16_t>(),
      rc::gen::arbitrary<uint8_t>(), rc::gen::arbitrary<bool>()));
  return rc::gen::construct<NarrowRecipe>(
      rc::gen::container<std::vector<NarrowStep>>(step), rc::gen::arbitrary<bool>(),
      rc::gen::arbitrary<std::array<uint8_t, 3>>(), rc::gen::arbitrary<std::array<uint8_t, 2>>(),
      rc::gen::arbitrary<std::array<uint8_t, 8>>());
}

void showValue(const NarrowRecipe& recipe, std::ostream& os) {
  os << (recipe.loops ? "loop" : "no loop") << " for " << pick(kStarts, recipe.for_loop[0]) << ", "
     << pick(kStops, recipe.for_loop[1]) << ", " << pick(kSteps, recipe.for_loop[2]) << "; steps:";
  for (const NarrowStep& s : recipe.steps)
    os << " {kind " << s.kind % kKinds << " op " << int{s.op} << " a " << s.a << " b " << s.b
       << (s.konst ? " k " : " v ") << int{s.constant} << "}";
  os << "\n";
}

BuiltTrace record_narrow(const NarrowRecipe& recipe, TestBinding& binding,
                         const opt::Options& options, bool narrow) {
  return NarrowRecorder(recipe, binding, options, narrow).run();
}

}  // namespace lj::testing
