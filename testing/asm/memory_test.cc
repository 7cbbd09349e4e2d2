// Hand-written memory cases: a table read and written through AREF/HREFK,
// the type guard of a load exiting, NEWREF's helper failing (the exit of
// the snapshot covering it, the error pending for the interpreter to
// re-raise) and the mcode of a fused array load.
#include <gtest/gtest.h>

#include <array>
#include <map>
#include <string>
#include <stdexcept>

#include "lj/asm/x64/assembler.h"
#include "lj/asm/x64/disasm.h"
#include "lj/ir/builder.h"
#include "lj/ir/eval.h"
#include "testing/asm/asm_trace_gen.h"
#include "testing/asm/test_heap.h"
#include "testing/asm/trace_run.h"

namespace lj::testing {
namespace {

using ir::IrType;
using ir::Op;
using ir::Ref;
using ir::SnapEntry;
using ir::Type;

class MemoryTest : public ::testing::Test {
 protected:
  const ir::Binding& binding_ = asm_binding();
  TestHeap heap_{binding_};
  mcode::McodeSpace space_;
  uint16_t field(const char* name) { return *binding_.field_by_name(name); }

  x64::AssembledTrace assemble(const ir::Trace& trace) {
    x64::AssembleOptions o = test_options();
    o.binding = &binding_;
    o.layout = &TestHeap::layout(binding_);
    return x64::assemble(trace, space_, o);
  }

  // Runs the trace with `table` in slot 1 and `number` in slot 2.
  TraceExit run(const ir::Trace& trace, const x64::AssembledTrace& code, uint64_t table, double number,
                x64::TraceContext& ctx) {
    std::array<uint64_t, 4> stack{};
    stack[1] = ir::nanbox::box(ir::Value::object(IrType::TAB, table));
    stack[2] = ir::nanbox::box(ir::Value::number(number));
    heap_.activate();
    return run_trace(trace, code, stack.data(), ctx);
  }

  // Every trace here starts alike: snapshot #0, then the table in slot 1
  // and the number in slot 2, both type-checked.
  std::pair<Ref, Ref> start(ir::Builder& b) {
    b.snapshot(0, 3, 3, {});
    const Ref tab = b.emit(Op::SLOAD, Type::guarded(IrType::TAB), 1, ir::sload::kTypeCheck);
    const Ref x = b.emit(Op::SLOAD, Type::guarded(IrType::NUM), 2, ir::sload::kTypeCheck);
    return {tab, x};
  }

  // Runs `t` over the heap built from `state` (the table in slot 1, `number`
  // in slot 2): "" when its exit and memory equal the evaluator's.
  std::string machine_differs(const ir::Trace& t, const ir::MachineState& state, const ir::EvalResult& expected,
                              double number) {
    heap_.store(state);
    const x64::AssembledTrace code = assemble(t);
    x64::TraceContext ctx;
    const TraceExit r = run(t, code, state.slots.at(1).bits, number, ctx);
    if (static_cast<int>(r.exit) != expected.snapshot) return "exit " + std::to_string(r.exit);
    return heap_.compare(std::map<int32_t, ir::Value>(r.values.begin(), r.values.end()), expected);
  }

  // A table with `keys` number keys 1..keys (values 10*k) and array {1,2,3,4}.
  uint64_t table(int keys, ir::MachineState& state) {
    const uint64_t id = heap_.new_object();
    ir::Object o;
    for (int i = 1; i <= 4; ++i) o.array.push_back(ir::Value::number(i));
    for (int k = 1; k <= keys; ++k) o.hash.emplace_back(ir::Value::number(k), ir::Value::number(10 * k));
    state.objects[id] = o;
    state.slots[1] = ir::Value::object(IrType::TAB, id);
    return id;
  }
};

// t[2] = t[1] + x, then t[3] loaded as a number: the array part holds
// numbers, so the trace runs to its end; the machine's memory and snapshot
// equal the evaluator's.
TEST_F(MemoryTest, ArrayLoadAddStoreMatchesTheEvaluator) {
  ir::Trace t;
  ir::Builder b(t);
  const auto [tab, x] = start(b);
  const Ref array = b.emit(Op::FLOAD, Type(IrType::P64), tab, field("tab.array"));
  const Ref r1 = b.emit(Op::AREF, Type(IrType::P64), array, b.kint(1));
  const Ref v1 = b.emit(Op::ALOAD, Type::guarded(IrType::NUM), r1, 0);
  const Ref sum = b.emit(Op::ADD, Type(IrType::NUM), v1, x);
  b.emit(Op::ASTORE, Type(IrType::NUM), b.emit(Op::AREF, Type(IrType::P64), array, b.kint(2)), sum);
  const SnapEntry end[] = {SnapEntry::make(2, 0, sum)};
  b.snapshot(1, 3, 3, end);

  ir::MachineState state;
  table(0, state);
  state.slots[2] = ir::Value::number(0.5);
  const ir::EvalResult expected = ir::evaluate(t, binding_, state);
  heap_.store(state);
  const x64::AssembledTrace code = assemble(t);
  x64::TraceContext ctx;
  const TraceExit r = run(t, code, state.slots[1].bits, 0.5, ctx);
  EXPECT_EQ(r.exit, 1u);
  EXPECT_EQ(heap_.compare(std::map<int32_t, ir::Value>(r.values.begin(), r.values.end()), expected), "");
  ASSERT_EQ(r.values.size(), 1u);
  EXPECT_EQ(r.values[0].second, ir::Value::number(2.5));
}

// TBAR before a store: a black table becomes gray again (black bit
// cleared, on the gray-again list), a white one is left alone; the machine's
// colour and list equal the evaluator's.
TEST_F(MemoryTest, TableBarrierTurnsABlackTableGrayAgain) {
  for (const uint8_t colour : {ir::gc_marked::kBlack, uint8_t{1}}) {
    ir::Trace t;
    ir::Builder b(t);
    const auto [tab, x] = start(b);
    b.emit(Op::TBAR, Type(IrType::NIL), tab, 0);
    const Ref array = b.emit(Op::FLOAD, Type(IrType::P64), tab, field("tab.array"));
    b.emit(Op::ASTORE, Type(IrType::NUM), b.emit(Op::AREF, Type(IrType::P64), array, b.kint(0)), x);
    b.snapshot(1, 3, 3, {});
    ir::MachineState state;
    const uint64_t id = table(0, state);
    state.objects[id].marked = colour;
    state.slots[2] = ir::Value::number(0.5);
    const ir::EvalResult expected = ir::evaluate(t, binding_, state);
    EXPECT_EQ(expected.state.objects.at(id).gray_again, colour == ir::gc_marked::kBlack);
    EXPECT_EQ(expected.state.objects.at(id).marked, colour & ~ir::gc_marked::kBlack);
    EXPECT_EQ(machine_differs(t, state, expected, 0.5), "");
  }
}

// An int a helper returns (dirty: garbage above bit 31, as SysV allows)
// indexes the array behind its bounds check: the index must count with its
// 32 bits only. Again with the result kept across a second call (spilled
// and reloaded), and for each index of the array.
TEST_F(MemoryTest, HelperIntResultIndexesAnArrayWithItsLow32Bits) {
  const uint16_t dirty = *binding_.call_by_name("dirty");
  for (const bool across_call : {false, true}) {
    for (int i = 0; i < 4; ++i) {
      ir::Trace t;
      ir::Builder b(t);
      const auto [tab, x] = start(b);
      const Ref n = b.emit(Op::CONV, Type::guarded(IrType::INT), x, ir::conv::mode(IrType::INT, IrType::NUM) | ir::conv::kCheck);
      const Ref index = b.emit(Op::CALLN, Type(IrType::INT), n, dirty);
      // A later call evicts the index from rax: its spill slot carries it.
      const Ref other = across_call ? b.emit(Op::CALLN, Type(IrType::INT), n, dirty) : index;
      const Ref array = b.emit(Op::FLOAD, Type(IrType::P64), tab, field("tab.array"));
      const Ref size = b.emit(Op::FLOAD, Type(IrType::INT), tab, field("tab.asize"));
      b.emit(Op::ABC, Type::guarded(IrType::INT), size, index);
      const Ref v = b.emit(Op::ALOAD, Type::guarded(IrType::NUM), b.emit(Op::AREF, Type(IrType::P64), array, index), 0);
      const Ref sum = b.emit(Op::ADD, Type(IrType::INT), index, other);
      const SnapEntry end[] = {SnapEntry::make(2, 0, v), SnapEntry::make(3, 0, sum)};
      b.snapshot(1, 4, 4, end);
      ir::MachineState state;
      table(0, state);
      state.slots[2] = ir::Value::number(i);
      const ir::EvalResult expected = ir::evaluate(t, binding_, state);
      ASSERT_EQ(expected.snapshot, 1);
      EXPECT_EQ(expected.restored.at(2), ir::Value::number(i + 1));
      EXPECT_EQ(machine_differs(t, state, expected, i), "") << "index " << i << (across_call ? " across a call" : "");
    }
  }
}

// The array load fuses its AREF: [array + 8] is the load's own operand.
TEST_F(MemoryTest, ArrayLoadFusesItsAddress) {
  ir::Trace t;
  ir::Builder b(t);
  b.snapshot(0, 3, 3, {});
  const Ref tab = b.emit(Op::SLOAD, Type::guarded(IrType::TAB), 1, ir::sload::kTypeCheck);
  const Ref array = b.emit(Op::FLOAD, Type(IrType::P64), tab, field("tab.array"));
  const Ref v = b.emit(Op::ALOAD, Type::guarded(IrType::NUM), b.emit(Op::AREF, Type(IrType::P64), array, b.kint(1)), 0);
  const SnapEntry end[] = {SnapEntry::make(2, 0, v)};
  b.snapshot(1, 3, 3, end);
  const std::string listing = x64::dump_mcode(assemble(t), 1);
  // A line "movsd xmmN, [rX+0x8]" (the listing's spelling of sizes and
  // hex digits aside), rX not the stack base.
  bool fused = false;
  for (size_t at = listing.find("movsd xmm"); at != std::string::npos; at = listing.find("movsd xmm", at + 1)) {
    const std::string line = listing.substr(at, listing.find('\n', at) - at);
    fused |= line.find("[r") != std::string::npos && line.find("[r15") == std::string::npos &&
             (line.ends_with("+0x8]") || line.ends_with("+0x08]"));
  }
  EXPECT_TRUE(fused) << listing;
  EXPECT_EQ(listing.find("lea"), std::string::npos) << listing;
}

// A hash slot holding a number read as a table: the type guard exits
// through the snapshot before the load, which names the table.
TEST_F(MemoryTest, HashLoadOfTheWrongTypeExits) {
  ir::Trace t;
  ir::Builder b(t);
  b.snapshot(0, 3, 3, {});
  const Ref tab = b.emit(Op::SLOAD, Type::guarded(IrType::TAB), 1, ir::sload::kTypeCheck);
  const Ref key = b.knum(2);
  const Ref slot = b.emit(Op::HREFK, Type::guarded(IrType::P64), tab, t.kslot(key, 1));
  const SnapEntry before[] = {SnapEntry::make(2, 0, tab)};
  b.snapshot(1, 3, 3, before);
  const Ref v = b.emit(Op::HLOAD, Type::guarded(IrType::TAB), slot, 0);
  const SnapEntry end[] = {SnapEntry::make(2, 0, v)};
  b.snapshot(2, 3, 3, end);

  ir::MachineState state;
  const uint64_t id = table(3, state);
  const ir::EvalResult expected = ir::evaluate(t, binding_, state);
  ASSERT_EQ(expected.snapshot, 1);
  heap_.store(state);
  const x64::AssembledTrace code = assemble(t);
  x64::TraceContext ctx;
  const TraceExit r = run(t, code, id, 0, ctx);
  EXPECT_EQ(r.exit, 1u);
  EXPECT_EQ(heap_.compare(std::map<int32_t, ir::Value>(r.values.begin(), r.values.end()), expected), "");
}

// t[k] = 1 for a new key k through NEWREF. With room in the hash part the
// key is inserted; with a full hash part the helper fails and the trace
// leaves through the snapshot covering NEWREF, the error pending in the
// context for the interpreter to re-raise after restoring that snapshot.
TEST_F(MemoryTest, NewrefInsertsOrExitsWhenItsHelperFails) {
  ir::Trace t;
  ir::Builder b(t);
  const auto [tab, x] = start(b);
  const SnapEntry before[] = {SnapEntry::make(2, 0, x)};
  b.snapshot(1, 3, 3, before);
  const Ref slot = b.emit(Op::NEWREF, Type(IrType::P64), tab, b.knum(99.5));
  b.emit(Op::HSTORE, Type(IrType::NUM), slot, x);
  const SnapEntry end[] = {SnapEntry::make(2, 0, b.knum(0.25))};
  b.snapshot(2, 3, 3, end);
  const x64::AssembledTrace code = assemble(t);

  ir::MachineState state;
  const uint64_t roomy = table(TestHeap::kNodes - 1, state);
  const uint64_t full = table(TestHeap::kNodes, state);
  heap_.store(state);
  x64::TraceContext ok_ctx;
  EXPECT_EQ(run(t, code, roomy, 7.0, ok_ctx).exit, 2u);
  EXPECT_FALSE(ok_ctx.has_pending_error());
  state.slots[1] = ir::Value::object(IrType::TAB, roomy);
  state.slots[2] = ir::Value::number(7.0);
  state.objects.erase(full);
  const ir::EvalResult inserted = ir::evaluate(t, binding_, state);
  EXPECT_EQ(heap_.compare({{2, ir::Value::number(0.25)}}, inserted), "");

  x64::TraceContext failing_ctx;
  const TraceExit r = run(t, code, full, 7.0, failing_ctx);
  EXPECT_EQ(r.exit, 1u);
  ASSERT_EQ(r.values.size(), 1u);
  EXPECT_EQ(r.values[0].second, ir::Value::number(7.0));
  ASSERT_TRUE(failing_ctx.has_pending_error());
  EXPECT_THROW(failing_ctx.rethrow_pending_error(), std::runtime_error);
}

// GCSTEP calls the collector's step only when its debt is due, and exits
// through its snapshot when the step fails.
TEST_F(MemoryTest, GcStepRunsWhenDueAndExitsWhenItFails) {
  ir::Trace t;
  ir::Builder b(t);
  b.snapshot(0, 3, 3, {});
  const Ref x = b.emit(Op::SLOAD, Type::guarded(IrType::NUM), 2, ir::sload::kTypeCheck);
  const Ref y = b.emit(Op::MUL, Type(IrType::NUM), x, b.knum(3));
  const SnapEntry before[] = {SnapEntry::make(2, 0, y)};
  b.snapshot(1, 3, 3, before);
  b.emit(Op::GCSTEP, Type(IrType::NIL), 0, 0);
  const SnapEntry end[] = {SnapEntry::make(2, 0, b.emit(Op::ADD, Type(IrType::NUM), y, x))};
  b.snapshot(2, 3, 3, end);
  const x64::AssembledTrace code = assemble(t);
  ir::MachineState state;
  const uint64_t id = table(0, state);
  heap_.store(state);
  TestHeap::GcCounters& gc = TestHeap::gc();
  struct Case { uint64_t total; bool fail; int steps; uint32_t exit; double value; };
  for (const Case c : {Case{0, false, 0, 2, 8.0}, Case{5, false, 1, 2, 8.0}, Case{5, true, 1, 1, 6.0}}) {
    gc = TestHeap::GcCounters{.total = c.total, .threshold = 1, .steps = 0, .fail = c.fail};
    x64::TraceContext ctx;
    const TraceExit r = run(t, code, id, 2.0, ctx);
    EXPECT_EQ(gc.steps, c.steps) << c.total;
    EXPECT_EQ(r.exit, c.exit);
    ASSERT_EQ(r.values.size(), 1u);
    EXPECT_EQ(r.values[0].second, ir::Value::number(c.value));
    EXPECT_EQ(ctx.has_pending_error(), c.fail);
  }
  gc = TestHeap::GcCounters{};
}

}  // namespace
}  // namespace lj::testing
