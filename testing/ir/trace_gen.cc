#include "testing/ir/trace_gen.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_format.h"
#include "lj/ir/builder.h"
#include "testing/ir/arith_steps.h"

namespace lj::testing {

using ir::Builder;
using ir::IrType;
using ir::Op;
using ir::Ref;
using ir::SnapEntry;
using ir::Type;

namespace {

// Exactly printable with %.14g, so dumps round-trip.
const double kNums[] = {0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 3.25, -2.5, 1e300, 1e-300,
                        INFINITY, -INFINITY, NAN, 0.125, 100.0, -0.75};
// Snapshot constants must not be integral numbers (the text form reads
// those back as KINT).
const double kSnapNums[] = {0.5, -2.5, 3.25, 0.125, -0.75, 1e-300};

// The arithmetic this generator draws from: every int and number op FOLD knows.
constexpr Op kIntOps[] = {Op::ADD, Op::SUB, Op::MUL, Op::BAND, Op::BOR, Op::BXOR,
                          Op::BSHL, Op::BSHR, Op::BSAR, Op::BROL, Op::BROR,
                          Op::MIN, Op::MAX, Op::BNOT, Op::BSWAP, Op::NEG};
constexpr Op kNumOps[] = {Op::ADD, Op::SUB, Op::MUL, Op::DIV, Op::MIN, Op::MAX,
                          Op::POW, Op::NEG, Op::ABS};

// The arithmetic kinds (testing/ir/arith_steps.h) come first.
enum Kind : uint8_t {
  kArrayLoad = kArithKindCount, kArrayStore, kSnapshot, kHashLoad, kHashStore, kFieldLoad,
  kFieldStore, kAllocate, kNarrowable, kKindCount
};

class TraceBuilder {
 public:
  TraceBuilder(const Recipe& recipe, TestBinding& binding)
      : recipe_(recipe), binding_(binding), b_(built_.trace, nullptr, raw_emit_options()),
        arith_(b_, ints_, nums_, {kIntOps, kNumOps, kNums}) {}

  BuiltTrace run() {
    built_.trace.loops_to_self = recipe_.loops;
    make_state();
    b_.snapshot(pc_++, 6, 6, {});
    tables_.push_back(b_.emit(Op::SLOAD, Type::guarded(IrType::TAB), 0, ir::sload::kTypeCheck));
    tables_.push_back(b_.emit(Op::SLOAD, Type::guarded(IrType::TAB), 5, ir::sload::kTypeCheck));
    nums_.push_back(b_.emit(Op::SLOAD, Type::guarded(IrType::NUM), 1, ir::sload::kTypeCheck));
    nums_.push_back(b_.emit(Op::SLOAD, Type::guarded(IrType::NUM), 2, ir::sload::kTypeCheck));
    ints_.push_back(b_.emit(Op::SLOAD, Type(IrType::INT), 3, ir::sload::kConvert));
    // Loops count their iterations in slot 4 and leave after a few.
    counter_slot_ = b_.emit(Op::SLOAD, Type(IrType::INT), 4, ir::sload::kConvert);
    counter_ = b_.emit(Op::ADD, Type(IrType::INT), counter_slot_, b_.kint(1));
    if (recipe_.loops) {
      snapshot(Step{});
      b_.emit(Op::LT, Type::guarded(IrType::INT), counter_, b_.kint(2 + recipe_.trip % 30));
    }
    for (const Step& step : recipe_.steps) emit(step);
    final_snapshot();
    return std::move(built_);
  }

 private:
  void make_state() {
    ir::Object table;
    for (uint8_t v : recipe_.array) table.array.push_back(ir::Value::number(pick(kNums, v)));
    for (int k = 0; k < 3; ++k)
      table.hash.emplace_back(key(k), ir::Value::number(pick(kNums, recipe_.array[k] + 1)));
    table.fields[binding_.field("test.x")] = ir::Value::number(pick(kNums, recipe_.inputs[0] + 3));
    built_.state.objects[0x7000] = table;
    built_.state.objects[0x7100] = table;
    // A TDUP template with the same shape (keys a b c exist: HREFK holds).
    template_ = binding_.add_template("{gen}", table);
    built_.state.objects[template_.bits] = table;
    built_.state.slots[0] = ir::Value::object(IrType::TAB, 0x7000);
    built_.state.slots[5] = ir::Value::object(IrType::TAB, recipe_.same_tables ? 0x7000 : 0x7100);
    built_.state.slots[1] = ir::Value::number(pick(kNums, recipe_.inputs[0]));
    built_.state.slots[2] = ir::Value::number(pick(kNums, recipe_.inputs[1]));
    built_.state.slots[3] = ir::Value::number(static_cast<double>(pick(kGenInts, recipe_.inputs[2])));
    built_.state.slots[4] = ir::Value::number(0);
  }

  Ref int_operand(uint16_t index) { return arith_.int_operand(index); }
  Ref num_operand(uint16_t index) { return arith_.num_operand(index); }

  void emit(const Step& s) {
    const uint8_t kind = s.kind % kKindCount;
    if (kind < kArithKindCount) {
      // A guarded CONV or overflow result is a weak guard (see weak()).
      const ArithOperands operands{s.op, s.a, s.b, s.constant, s.konst, (s.constant & 1) != 0};
      if (Ref r = arith_.emit(kind, operands, [&] { snapshot(s); })) live_weak_.push_back(r);
      return;
    }
    switch (kind) {
      case kArrayLoad: {
        snapshot(s);
        Ref ref = array_ref(s);
        load(Op::ALOAD, s, ref);
        break;
      }
      case kArrayStore:
        b_.emit(Op::ASTORE, Type(IrType::NUM), array_ref(s), num_operand(s.b));
        break;
      case kSnapshot: snapshot(s); break;
      case kHashLoad: {
        snapshot(s);
        Ref ref = hash_ref(s);
        load(Op::HLOAD, s, ref);
        break;
      }
      case kHashStore:
        snapshot(s);
        b_.emit(Op::HSTORE, Type(IrType::NUM), hash_ref(s), num_operand(s.b));
        break;
      case kFieldLoad:
        snapshot(s);
        nums_.push_back(b_.emit(Op::FLOAD, Type::guarded(IrType::NUM), table(s), field(s)));
        break;
      case kFieldStore: {
        Ref ref = b_.emit(Op::FREF, Type(IrType::P64), table(s), field(s));
        b_.emit(Op::FSTORE, Type(IrType::NUM), ref, num_operand(s.b));
        break;
      }
      case kNarrowable: {
        // int(num(a) ± num(b)), checked: what NARROW turns into ADDOV/SUBOV.
        Ref a = b_.emit(Op::CONV, Type(IrType::NUM), int_operand(s.a), ir::conv::mode(IrType::NUM, IrType::INT));
        Ref c = s.konst ? b_.knum(static_cast<double>(pick(kGenInts, s.constant)))
                        : b_.emit(Op::CONV, Type(IrType::NUM), int_operand(s.b), ir::conv::mode(IrType::NUM, IrType::INT));
        Ref sum = b_.emit(s.op & 1 ? Op::SUB : Op::ADD, Type(IrType::NUM), a, c);
        nums_.push_back(sum);
        snapshot(s);
        weak(b_.emit(Op::CONV, Type::guarded(IrType::INT), sum,
                     ir::conv::mode(IrType::INT, IrType::NUM) | ir::conv::kCheck));
        break;
      }
      case kAllocate:
        // TNEW, or TDUP of the template (loads before stores fold to its values).
        if (s.op & 1)
          tables_.push_back(b_.emit(Op::TDUP, Type::guarded(IrType::TAB),
                                    b_.kgc(IrType::TAB, template_.bits), 0));
        else
          tables_.push_back(b_.emit(Op::TNEW, Type::guarded(IrType::TAB), 4, 0));
        break;
    }
  }

  // A slot of a table the trace allocated is nil until stored to, so the
  // recorder would have checked for nil there (what FWD folds away).
  void load(Op op, const Step& s, Ref ref) {
    if (built_.trace[table(s)].o == Op::TNEW) {
      b_.emit(op, Type::guarded(IrType::NIL), ref, 0);
      return;
    }
    nums_.push_back(b_.emit(op, Type::guarded(IrType::NUM), ref, 0));
  }

  ir::Value key(int k) { return binding_.string(std::string(1, static_cast<char>('a' + k))); }
  Ref table(const Step& s) { return tables_[s.op % tables_.size()]; }

  // Constant indexes mostly; sometimes x+k of a small int, so alias
  // analysis meets indexes it cannot separate.
  Ref array_ref(const Step& s) {
    Ref array = b_.emit(Op::FLOAD, Type(IrType::P64), table(s), binding_.field("tab.array"));
    Ref index = b_.kint(s.constant % 4);
    // Sometimes a bounds check first, with an index that may be too big.
    if (s.slots & 0x80) {
      index = b_.kint(s.constant % 6);
      // In loops, also t[i] and t[i-1] with the loop counter i, checked.
      int offset = s.constant & 0x20 ? 0 : -1;
      bool counter = recipe_.loops && (s.constant & 0x10);
      if (counter)
        index = offset == 0 ? counter_slot_
                            : b_.emit(Op::ADD, Type(IrType::INT), counter_slot_, b_.kint(offset));
      Ref size = b_.emit(Op::FLOAD, Type(IrType::INT), table(s), binding_.field("tab.asize"));
      snapshot(s);
      if (counter && (s.constant & 0x40)) {
        // As LuaJIT's recorder hoists it: the loop's last index (the counter
        // stays below the limit) and this one, both marked invariant (P32).
        int32_t last = 2 + recipe_.trip % 30 - 2 + offset;
        b_.emit(Op::ABC, Type::guarded(IrType::P32), size, b_.kint(last));
        b_.emit(Op::ABC, Type::guarded(IrType::P32), size, index);
      } else {
        b_.emit(Op::ABC, Type::guarded(IrType::INT), size, index);
      }
      return b_.emit(Op::AREF, Type(IrType::P64), array, index);
    }
    if (s.konst && (s.constant & 8)) {
      Ref small = b_.emit(Op::BAND, Type(IrType::INT), int_operand(s.a), b_.kint(1));
      index = b_.emit(Op::ADD, Type(IrType::INT), small, b_.kint(s.constant % 3));
    }
    return b_.emit(Op::AREF, Type(IrType::P64), array, index);
  }

  // Existing keys through HREFK (a guard); a table allocated in the trace
  // gets its keys through NEWREF.
  Ref hash_ref(const Step& s) {
    Ref k = b_.kgc(IrType::STR, key(s.constant % 3).bits);
    Ref t = table(s);
    if (built_.trace[t].o == Op::TNEW) return b_.emit(Op::NEWREF, Type(IrType::P64), t, k);
    return b_.emit(Op::HREFK, Type::guarded(IrType::P64), t, built_.trace.kslot(k, s.constant % 3));
  }

  uint16_t field(const Step& s) { return binding_.field(s.constant & 1 ? "test.y" : "test.x"); }

  // Weak guards are only dropped by DCE when unused: keep them used (in a
  // slot of every later snapshot, as a recorder keeps live values), so the
  // exit they may take is part of the compared behaviour.
  void weak(Ref r) {
    ints_.push_back(r);
    live_weak_.push_back(r);
  }

  Ref snapshot_value(const Step& s, int slot) {
    uint32_t choice = (s.a * 7u + s.b * 13u + static_cast<uint32_t>(slot) * 5u + s.constant) % 9;
    if (choice == 8) return tables_[(s.b + static_cast<uint16_t>(slot)) % tables_.size()];
    if (choice == 0) return b_.kint(pick(kGenInts, s.b + static_cast<uint16_t>(slot)));
    if (choice == 1) return b_.knum(pick(kSnapNums, s.a + static_cast<uint16_t>(slot)));
    if (choice < 5) return int_operand(static_cast<uint16_t>(s.b + slot));
    return num_operand(static_cast<uint16_t>(s.a + slot));
  }

  void snapshot(const Step& s) {
    std::vector<SnapEntry> entries;
    for (int slot = 1; slot <= 5; ++slot)
      if (s.slots & (1 << (slot - 1)))
        entries.push_back(SnapEntry::make(static_cast<uint32_t>(slot), 0, snapshot_value(s, slot)));
    add_weak(entries);
  }

  void add_weak(std::vector<SnapEntry>& entries, uint64_t pc = 0) {
    uint32_t slot = 6;
    for (Ref r : live_weak_) entries.push_back(SnapEntry::make(slot++, 0, r));
    b_.snapshot(pc ? pc : pc_++, static_cast<uint8_t>(slot), static_cast<uint8_t>(slot), entries);
  }

  // A looping trace writes its loop-carried slots back before re-entering.
  void final_snapshot() {
    std::vector<SnapEntry> entries;
    entries.push_back(SnapEntry::make(1, 0, nums_[nums_.size() - 1]));
    entries.push_back(SnapEntry::make(2, 0, nums_[nums_.size() / 2]));
    entries.push_back(SnapEntry::make(3, 0, ints_[ints_.size() - 1]));
    entries.push_back(SnapEntry::make(4, 0, counter_));
    if (recipe_.loops && recipe_.carry_table && built_.trace[tables_.back()].o == Op::TNEW)
      entries.push_back(SnapEntry::make(5, 0, tables_.back()));
    // The loop snapshot resumes where snapshot #0 starts: the loop's pc.
    add_weak(entries, recipe_.loops ? 1 : 0);
  }

  const Recipe& recipe_;
  TestBinding& binding_;
  BuiltTrace built_;
  Builder b_;
  std::vector<Ref> tables_;
  ir::Value template_;    // TDUP's template
  Ref counter_slot_ = 0;  // the loop counter as the iteration starts
  Ref counter_ = 0;       // … and as it ends
  std::vector<Ref> ints_, nums_, live_weak_;
  ArithSteps arith_;
  uint64_t pc_ = 1;
};

bool same_value(const ir::Value& a, const ir::Value& b) {
  if (a.type == IrType::NUM && b.type == IrType::NUM && std::isnan(a.as_num()) &&
      std::isnan(b.as_num()))
    return true;
  return a == b;
}

// Compares two machine states as object graphs: objects that existed before
// the run must be the same objects; objects created by the trace (or
// rebuilt by an exit from a sunk allocation) are matched one to one.
class GraphMatcher {
 public:
  GraphMatcher(const ir::MachineState& a, const ir::MachineState& b, uint64_t first_new)
      : a_(a), b_(b), first_new_(first_new) {}

  bool values(const ir::Value& x, const ir::Value& y) {
    bool x_object = a_.objects.contains(x.bits), y_object = b_.objects.contains(y.bits);
    if (!x_object && !y_object) return same_value(x, y);
    if (x_object != y_object || x.type != y.type) return false;
    if (x.bits < first_new_ || y.bits < first_new_) return x.bits == y.bits;
    if (auto it = a_to_b_.find(x.bits); it != a_to_b_.end()) return it->second == y.bits;
    if (b_to_a_.contains(y.bits)) return false;
    a_to_b_[x.bits] = y.bits;
    b_to_a_[y.bits] = x.bits;
    return objects(x.bits, y.bits);
  }

  bool objects(uint64_t x, uint64_t y) {
    const ir::Object& p = a_.objects.at(x);
    const ir::Object& q = b_.objects.at(y);
    // A hash key holding nil is absent (a NEWREF nothing stored to).
    auto present = [](const ir::Object& o) {
      return std::count_if(o.hash.begin(), o.hash.end(),
                           [](const auto& kv) { return kv.second.type != IrType::NIL; });
    };
    if (p.array.size() != q.array.size() || p.fields.size() != q.fields.size() ||
        present(p) != present(q))
      return false;
    for (size_t i = 0; i < p.array.size(); ++i)
      if (!values(p.array[i], q.array[i])) return false;
    for (const auto& [field, v] : p.fields) {
      auto it = q.fields.find(field);
      if (it == q.fields.end() || !values(v, it->second)) return false;
    }
    for (size_t i = 0; i < p.hash.size(); ++i) {
      if (p.hash[i].second.type == IrType::NIL) continue;
      bool found = false;
      for (const auto& [key, v] : q.hash)
        if (same_value(key, p.hash[i].first)) found = values(p.hash[i].second, v);
      if (!found) return false;
    }
    return true;
  }

 private:
  const ir::MachineState& a_;
  const ir::MachineState& b_;
  uint64_t first_new_;
  absl::flat_hash_map<uint64_t, uint64_t> a_to_b_, b_to_a_;
};

}  // namespace

rc::Gen<Recipe> arbitrary_recipe() {
  // Fields at full range whatever the size (rapidcheck scales integer
  // ranges with size, which would starve the later step kinds).
  auto step = rc::gen::resize(100, rc::gen::construct<Step>(
      rc::gen::inRange<uint8_t>(0, kKindCount), rc::gen::arbitrary<uint8_t>(),
      rc::gen::arbitrary<uint16_t>(), rc::gen::arbitrary<uint16_t>(),
      rc::gen::arbitrary<uint8_t>(), rc::gen::arbitrary<bool>(),
      rc::gen::arbitrary<uint8_t>()));
  return rc::gen::construct<Recipe>(
      rc::gen::container<std::vector<Step>>(step), rc::gen::arbitrary<bool>(),
      rc::gen::arbitrary<std::array<uint8_t, 3>>(),
      rc::gen::arbitrary<std::array<uint8_t, 4>>(), rc::gen::arbitrary<bool>(),
      rc::gen::arbitrary<uint8_t>(), rc::gen::arbitrary<bool>());
}

BuiltTrace build(const Recipe& recipe, TestBinding& binding) {
  return TraceBuilder(recipe, binding).run();
}

std::string compare_results(const ir::Trace& a_trace, const ir::EvalResult& a,
                            const ir::Trace& b_trace, const ir::EvalResult& b,
                            uint64_t first_new_object) {
  if (a.outcome != b.outcome) return "different outcomes";
  if (a.iterations != b.iterations) return "different iteration counts";
  if (a.snapshot >= 0 && b.snapshot >= 0 &&
      a_trace.snapshot_pc(static_cast<size_t>(a.snapshot)) !=
          b_trace.snapshot_pc(static_cast<size_t>(b.snapshot)))
    return "exits through different snapshots";
  GraphMatcher graphs(a.state, b.state, first_new_object);
  // Objects that existed before the run are visible to the program.
  for (const auto& [id, object] : a.state.objects)
    if (id < first_new_object && !graphs.values(ir::Value{object.type, id}, ir::Value{object.type, id}))
      return absl::StrFormat("object %#x differs", id);
  // Slots at or above the exit snapshot's nslots are dead at its pc.
  int32_t live = a.snapshot >= 0 ? a_trace.snaps[static_cast<size_t>(a.snapshot)].nslots : 256;
  for (int32_t slot = 0; slot < live; ++slot) {
    auto x = a.state.slots.find(slot);
    auto y = b.state.slots.find(slot);
    bool has_x = x != a.state.slots.end(), has_y = y != b.state.slots.end();
    if (has_x != has_y || (has_x && !graphs.values(x->second, y->second)))
      return absl::StrFormat("slot %d differs", slot);
  }
  return "";
}

std::string compare_prefix(const ir::Trace& a_trace, const ir::EvalResult& a,
                           const ir::Trace& b_trace, const ir::EvalResult& b,
                           uint64_t first_new_object) {
  std::string same_exit = compare_results(a_trace, a, b_trace, b, first_new_object);
  if (same_exit.empty()) return "";
  if (b.outcome != ir::Outcome::kGuardExit) return same_exit;
  // An earlier exit: a crossing of the same snapshot in the same iteration.
  for (const ir::EvalResult& crossing : a.crossings)
    if (crossing.iterations == b.iterations &&
        compare_results(a_trace, crossing, b_trace, b, first_new_object).empty())
      return "";
  return same_exit + ", and no snapshot the unoptimized run passed matches the exit";
}

}  // namespace lj::testing
