// Hand-written assembler cases that read as documentation: a loop whose
// PHIs swap two values, the aborts (NYI, too many spill slots) and the mcode
// space staying usable after them.
#include "lj/asm/x64/assembler.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <limits>

#include "lj/asm/x64/disasm.h"
#include "lj/ir/builder.h"
#include "lj/ir/eval.h"
#include "testing/asm/trace_run.h"

namespace lj::x64 {
namespace {

using ir::IrType;
using ir::Op;
using ir::Ref;
using ir::SnapEntry;
using ir::Type;

AssembleOptions options() {
  AssembleOptions o = testing::test_options();
  o.trace_number = 3;
  return o;
}

// Assembling `trace` must abort with `message` (and leave the space usable).
void ExpectAbort(const ir::Trace& trace, mcode::McodeSpace& space, const char* message) {
  try {
    assemble(trace, space, options());
    FAIL() << "expected an abort: " << message;
  } catch (const regalloc::AsmAbort& abort) {
    EXPECT_STREQ(abort.what(), message);
  }
}

using Exit = testing::TraceExit;

// Runs `code` over `stack` and returns what its exit recovered.
Exit run(const ir::Trace& trace, const AssembledTrace& code, std::array<uint64_t, 8>& stack) {
  TraceContext ctx;
  return testing::run_trace(trace, code, stack.data(), ctx);
}

uint64_t boxed(double d) { return ir::nanbox::box(ir::Value::number(d)); }

// x, y = y, x each iteration; i counts to 7. The loop exits at i >= 7 with
// x and y swapped 6 times after the pre-roll's one: swapped overall.
TEST(Assembler, LoopWithPhiSwapExitsWithSwappedValues) {
  ir::Trace t;
  ir::Builder b(t);
  b.snapshot(0, 4, 4, {});
  const Ref x = b.emit(Op::SLOAD, Type::guarded(IrType::NUM), 1, ir::sload::kTypeCheck);
  const Ref y = b.emit(Op::SLOAD, Type::guarded(IrType::NUM), 2, ir::sload::kTypeCheck);
  const Ref i = b.emit(Op::SLOAD, Type(IrType::INT), 3, ir::sload::kConvert);
  const Ref i1 = b.emit(Op::ADD, Type(IrType::INT), i, b.kint(1));
  const SnapEntry before[] = {SnapEntry::make(1, 0, x), SnapEntry::make(2, 0, y), SnapEntry::make(3, 0, i)};
  b.snapshot(1, 4, 4, before);
  b.emit(Op::LT, Type::guarded(IrType::INT), i1, b.kint(7));
  b.emit(Op::LOOP, Type(IrType::NIL));
  const Ref i2 = b.emit(Op::ADD, Type(IrType::INT), i1, b.kint(1));
  const SnapEntry inside[] = {SnapEntry::make(1, 0, y), SnapEntry::make(2, 0, x), SnapEntry::make(3, 0, i1)};
  b.snapshot(2, 4, 4, inside);
  b.emit(Op::LT, Type::guarded(IrType::INT), i2, b.kint(7));
  t[b.emit(Op::PHI, Type(IrType::INT), i1, i2)].t.set_phi();
  b.emit(Op::PHI, Type(IrType::NUM), x, y);
  b.emit(Op::PHI, Type(IrType::NUM), y, x);

  mcode::McodeSpace space;
  const AssembledTrace code = assemble(t, space, options());
  EXPECT_NE(code.loop, 0u);
  std::array<uint64_t, 8> stack{};
  stack[1] = boxed(1.5);
  stack[2] = boxed(-2.5);
  stack[3] = boxed(0);
  const Exit e = run(t, code, stack);
  EXPECT_EQ(e.exit, 2u);
  ASSERT_EQ(e.values.size(), 3u);
  // i2 = 7 fails in the 6th body iteration, after 5 PHI swaps: slot 1
  // names y, which then holds x's start value.
  EXPECT_EQ(e.values[0].second, ir::Value::number(1.5));
  EXPECT_EQ(e.values[1].second, ir::Value::number(-2.5));
  EXPECT_EQ(e.values[2].second, ir::Value::integer(6));
  // The -jdump mcode listing marks the loop label, the back edge and exits.
  const std::string listing = dump_mcode(code, 3);
  EXPECT_EQ(listing.rfind("---- TRACE 3 mcode ", 0), 0u) << listing;
  EXPECT_NE(listing.find("\n->LOOP:\n"), std::string::npos) << listing;
  EXPECT_NE(listing.find("\t->LOOP\n"), std::string::npos) << listing;
  EXPECT_NE(listing.find("\t->2\n"), std::string::npos) << listing;
  EXPECT_NE(listing.find("movaps"), std::string::npos) << listing;  // the PHI swap
  // The reference evaluator agrees.
  ir::MachineState state;
  state.slots[1] = ir::Value::number(1.5);
  state.slots[2] = ir::Value::number(-2.5);
  state.slots[3] = ir::Value::number(0);
  const ir::EvalResult expected = ir::evaluate(t, ir::Binding{}, state);
  EXPECT_EQ(expected.snapshot, 2);
  EXPECT_EQ(expected.restored.at(1), ir::Value::number(1.5));
  EXPECT_EQ(expected.restored.at(3), ir::slot_value(ir::Value::integer(6)));
}

// for i = 1, 100 do s = s + 0.5 end, as LuaJIT records it: the exits name
// the new i, so once i2 is computed the body never reads i1 again and i2
// takes over i1's register (the PHI hint). The body is then free of moves:
// add, cmp, jnl, addsd, jmp.
TEST(Assembler, PhiOperandsShareTheirRegisterWithoutBackEdgeMoves) {
  ir::Trace t;
  ir::Builder b(t);
  b.snapshot(0, 3, 3, {});
  const Ref i = b.emit(Op::SLOAD, Type(IrType::INT), 1, ir::sload::kConvert);
  const Ref s = b.emit(Op::SLOAD, Type::guarded(IrType::NUM), 2, ir::sload::kTypeCheck);
  const Ref i1 = b.emit(Op::ADD, Type(IrType::INT), i, b.kint(1));
  const SnapEntry before[] = {SnapEntry::make(1, 0, i1), SnapEntry::make(2, 0, s)};
  b.snapshot(1, 3, 3, before);
  b.emit(Op::LT, Type::guarded(IrType::INT), i1, b.kint(100));
  const Ref s1 = b.emit(Op::ADD, Type(IrType::NUM), s, b.knum(0.5));
  b.emit(Op::LOOP, Type(IrType::NIL));
  const Ref i2 = b.emit(Op::ADD, Type(IrType::INT), i1, b.kint(1));
  const SnapEntry inside[] = {SnapEntry::make(1, 0, i2), SnapEntry::make(2, 0, s1)};
  b.snapshot(2, 3, 3, inside);
  b.emit(Op::LT, Type::guarded(IrType::INT), i2, b.kint(100));
  const Ref s2 = b.emit(Op::ADD, Type(IrType::NUM), s1, b.knum(0.5));
  t[b.emit(Op::PHI, Type(IrType::INT), i1, i2)].t.set_phi();
  b.emit(Op::PHI, Type(IrType::NUM), s1, s2);

  mcode::McodeSpace space;
  const AssembledTrace code = assemble(t, space, options());
  std::array<uint64_t, 8> stack{};
  stack[1] = boxed(0);
  stack[2] = boxed(10.0);
  const Exit e = run(t, code, stack);
  ir::MachineState state;
  state.slots[1] = ir::Value::number(0);
  state.slots[2] = ir::Value::number(10.0);
  const ir::EvalResult expected = ir::evaluate(t, ir::Binding{}, state, ir::EvalOptions{.max_iterations = 1000});
  EXPECT_EQ(static_cast<int>(e.exit), expected.snapshot) << ir::describe(expected);
  ASSERT_EQ(e.values.size(), 2u);
  EXPECT_EQ(e.values[0].second, ir::Value::integer(100));
  EXPECT_EQ(ir::slot_value(e.values[1].second), expected.restored.at(2));
  const std::string listing = dump_mcode(code, 3);
  const std::string body = listing.substr(listing.find("->LOOP:"));
  EXPECT_EQ(body.find("mov"), std::string::npos) << listing;
  EXPECT_NE(body.find("add e"), std::string::npos) << listing;
  EXPECT_NE(body.find("addsd xmm"), std::string::npos) << listing;
}

// Unchecked truncations as x86-64's cvttsd2si gives them: int with 32
// bits (out of range: 0x80000000), u32 with 64 bits keeping the low half,
// which reaches the exit with its upper half zero (the GPR invariant); a
// u32.num of a constant (FOLD leaves it) reads the pool.
TEST(Assembler, UncheckedTruncationsGiveWhatCvttsd2siGives) {
  ir::Trace t;
  ir::Builder b(t);
  b.snapshot(0, 5, 5, {});
  const Ref x = b.emit(Op::SLOAD, Type::guarded(IrType::NUM), 1, ir::sload::kTypeCheck);
  const Ref to_int = b.emit(Op::CONV, Type(IrType::INT), x, ir::conv::mode(IrType::INT, IrType::NUM));
  const Ref to_u32 = b.emit(Op::CONV, Type(IrType::U32), x, ir::conv::mode(IrType::U32, IrType::NUM));
  const Ref constant = b.emit(Op::CONV, Type(IrType::U32), b.knum(-0x1p32 + 3), ir::conv::mode(IrType::U32, IrType::NUM));
  const SnapEntry entries[] = {SnapEntry::make(2, 0, to_int), SnapEntry::make(3, 0, to_u32),
                               SnapEntry::make(4, 0, constant)};
  b.snapshot(1, 5, 5, entries);
  mcode::McodeSpace space;
  const AssembledTrace code = assemble(t, space, options());
  constexpr int32_t kIndefinite = std::numeric_limits<int32_t>::min();
  const struct { double x; int32_t to_int; uint32_t to_u32; } cases[] = {
      {0x1p32 + 1, kIndefinite, 1}, {-1.5, -1, 0xffffffffu}, {NAN, kIndefinite, 0},
      {-0x1p31 - 1, kIndefinite, 0x7fffffffu}, {0x1p63, kIndefinite, 0}, {0x1p31 - 0.5, 0x7fffffff, 0x7fffffffu}};
  for (const auto& c : cases) {
    std::array<uint64_t, 8> stack{};
    stack[1] = boxed(c.x);
    const Exit e = run(t, code, stack);
    ASSERT_EQ(e.values.size(), 3u);
    EXPECT_EQ(e.values[0].second, ir::Value::integer(c.to_int)) << c.x;
    EXPECT_EQ(e.values[1].second, (ir::Value{IrType::U32, c.to_u32})) << c.x << ": all 64 bits";
    EXPECT_EQ(e.values[2].second, (ir::Value{IrType::U32, 3})) << "-2^32 + 3: all 64 bits";
  }
  const std::string listing = dump_mcode(code, 3);
  EXPECT_NE(listing.find("cvttsd2si e"), std::string::npos) << listing;
  EXPECT_NE(listing.find("cvttsd2si r"), std::string::npos) << listing;
}

TEST(Assembler, UnsupportedInstructionAbortsWithItsNumber) {
  ir::Trace t;
  ir::Builder b(t);
  b.snapshot(0, 2, 2, {});
  const Ref k = b.emit(Op::SLOAD, Type(IrType::INT), 1, ir::sload::kConvert);
  const Ref n = b.emit(Op::BSWAP, Type(IrType::I64), k, 0);  // 64-bit integers: not lowered
  const SnapEntry entries[] = {SnapEntry::make(1, 0, n)};
  b.snapshot(1, 2, 2, entries);
  mcode::McodeSpace space;
  ExpectAbort(t, space, "NYI: cannot assemble IR instruction 2");
  mcode::Window window;
  EXPECT_EQ(space.reserve(&window), mcode::Status::kOk);  // the reservation was dropped
  space.abort();
}

// 300 numbers loaded, then summed in order: all live at once, far beyond
// 16 XMMs and the 256 spill slots.
TEST(Assembler, TooManyLiveValuesAbortsWithTooManySpillSlots) {
  ir::Trace t;
  ir::EmitOptions unlimited;
  unlimited.max_instructions = 60000;
  unlimited.max_constants = 60000;
  ir::Builder b(t, nullptr, unlimited);
  b.snapshot(0, 2, 2, {});
  std::vector<Ref> values;
  for (uint16_t slot = 0; slot < 300; ++slot)
    values.push_back(b.emit(Op::SLOAD, Type(IrType::NUM), slot, 0));
  Ref sum = values[0];
  for (size_t k = 1; k < values.size(); ++k) sum = b.emit(Op::ADD, Type(IrType::NUM), sum, values[k]);
  const SnapEntry entries[] = {SnapEntry::make(1, 0, sum)};
  b.snapshot(1, 2, 2, entries);
  mcode::McodeSpace space;
  ExpectAbort(t, space, "too many spill slots");
}

// Below the limit the same shape assembles and sums correctly.
TEST(Assembler, ManyLiveValuesSpillAndStillSumCorrectly) {
  ir::Trace t;
  ir::Builder b(t);
  b.snapshot(0, 2, 2, {});
  std::vector<Ref> values;
  for (uint16_t slot = 0; slot < 8; ++slot) values.push_back(b.emit(Op::SLOAD, Type(IrType::NUM), slot % 8, 0));
  // Each value is used again at the end, so all stay live across 40 adds.
  Ref sum = values[0];
  for (int round = 0; round < 5; ++round)
    for (size_t k = 1; k < 8; ++k) {
      sum = b.emit(Op::ADD, Type(IrType::NUM), sum, values[k]);
      values.push_back(sum);
    }
  Ref total = values[0];
  for (size_t k = 1; k < values.size(); ++k) total = b.emit(Op::ADD, Type(IrType::NUM), total, values[k]);
  const SnapEntry entries[] = {SnapEntry::make(1, 0, total)};
  b.snapshot(1, 2, 2, entries);
  mcode::McodeSpace space;
  const AssembledTrace code = assemble(t, space, options());
  EXPECT_GT(code.spill_slots, 0);
  std::array<uint64_t, 8> stack{};
  std::vector<double> model;
  for (int s = 0; s < 8; ++s) stack[static_cast<size_t>(s)] = boxed(s + 1), model.push_back(s + 1);
  double running = model[0];
  for (int round = 0; round < 5; ++round)
    for (size_t k = 1; k < 8; ++k) running += model[k], model.push_back(running);
  double expected = model[0];
  for (size_t k = 1; k < model.size(); ++k) expected += model[k];
  const Exit e = run(t, code, stack);
  ASSERT_EQ(e.values.size(), 1u);
  EXPECT_EQ(e.values[0].second, ir::Value::number(expected));
}

// A trace that overflows a fresh window retries once in a new area, and one
// larger than a whole area is "machine code too long".
TEST(Assembler, OversizeTraceIsMachineCodeTooLong) {
  auto build = [](int adds) {
    ir::Trace t;
    ir::Builder b(t);
    b.snapshot(0, 2, 2, {});
    Ref sum = b.emit(Op::SLOAD, Type(IrType::NUM), 1, 0);
    for (int k = 0; k < adds; ++k) {
      const SnapEntry entries[] = {SnapEntry::make(1, 0, sum)};
      b.snapshot(static_cast<uint64_t>(k + 1), 2, 2, entries);
      sum = b.emit(Op::ADD, Type(IrType::NUM), sum, b.knum(0.5));
      b.emit(Op::LT, Type::guarded(IrType::NUM), sum, b.knum(1e9));
    }
    const SnapEntry last[] = {SnapEntry::make(1, 0, sum)};
    b.snapshot(static_cast<uint64_t>(adds + 1), 2, 2, last);
    return t;
  };
  mcode::Options small;
  small.area_kb = 4;
  mcode::McodeSpace space(small);
  // About 1.6 KB each: the third no longer fits the first area's rest.
  const ir::Trace medium = build(60);
  AssembledTrace first = assemble(medium, space, options());
  AssembledTrace second = assemble(medium, space, options());
  AssembledTrace third = assemble(medium, space, options());
  EXPECT_GE(space.area_count(), 2u);
  std::array<uint64_t, 8> stack{};
  stack[1] = boxed(2.0);
  const Exit e = run(medium, third, stack);
  EXPECT_EQ(e.exit, 61u);  // every guard held: the trace ran to its end
  ASSERT_EQ(e.values.size(), 1u);
  EXPECT_EQ(e.values[0].second, ir::Value::number(2.0 + 60 * 0.5));
  ExpectAbort(build(400), space, "machine code too long");
  (void)first;
  (void)second;
}

// A trace whose exit stubs alone no longer fit the area's rest (300 exits,
// about 1.3 KB of stubs) is retried in a fresh area too.
TEST(Assembler, TraceWhoseStubsDoNotFitRetriesInAFreshArea) {
  auto build = [](int snapshots) {
    ir::Trace t;
    ir::EmitOptions unlimited;
    unlimited.max_snapshots = 60000;
    ir::Builder b(t, nullptr, unlimited);
    b.snapshot(0, 2, 2, {});
    Ref sum = b.emit(Op::SLOAD, Type(IrType::NUM), 1, 0);
    for (int k = 0; k < snapshots; ++k) {
      const SnapEntry entries[] = {SnapEntry::make(1, 0, sum)};
      b.snapshot(static_cast<uint64_t>(k + 1), 2, 2, entries);
      sum = b.emit(Op::ADD, Type(IrType::NUM), sum, b.knum(0.5));
    }
    return t;
  };
  mcode::Options small;
  small.area_kb = 8;
  mcode::McodeSpace space(small);
  const ir::Trace filler = build(600);  // ~7.3 KB: 2.5 KB of stubs, ~8 bytes of code per exit
  AssembledTrace first = assemble(filler, space, options());
  const ir::Trace many_exits = build(300);
  AssembledTrace second = assemble(many_exits, space, options());
  EXPECT_EQ(space.area_count(), 2u);
  std::array<uint64_t, 8> stack{};
  stack[1] = boxed(1.0);
  const Exit e = run(many_exits, second, stack);
  EXPECT_EQ(e.exit, 300u);  // the trace's end
  ASSERT_EQ(e.values.size(), 1u);
  EXPECT_EQ(e.values[0].second, ir::Value::number(1.0 + 299 * 0.5));
  (void)first;
}

// ---- Calls through the call table -------------------------------------------

int g_bumps = 0;
int32_t bump(int32_t a) { ++g_bumps; return a + 1; }
double weigh(double a, int32_t n, double b) { return a * n - b; }

ir::Binding call_table() {
  ir::Binding binding;
  binding.calls.push_back({"bump", reinterpret_cast<uint64_t>(&bump), 1, IrType::INT, 0, nullptr});
  binding.calls.push_back({"weigh", reinterpret_cast<uint64_t>(&weigh), 3, IrType::NUM, 0, nullptr});
  return binding;
}

// x and k stay live across both calls (in an XMM and a GPR the helpers may
// clobber): they are spilled before and reloaded after. The CALLS result is
// unused but the call still runs (side effect).
TEST(Assembler, CallsPassSysVArgumentsAndKeepLiveValues) {
  ir::Trace t;
  ir::Builder b(t);
  b.snapshot(0, 6, 6, {});
  const Ref x = b.emit(Op::SLOAD, Type::guarded(IrType::NUM), 1, ir::sload::kTypeCheck);
  const Ref k = b.emit(Op::SLOAD, Type(IrType::INT), 2, ir::sload::kConvert);
  const Ref y = b.emit(Op::ADD, Type(IrType::NUM), x, b.knum(0.25));
  b.emit(Op::CALLS, Type(IrType::INT), k, 0);  // bump(k), result unused
  const Ref args = b.emit(Op::CARG, Type(IrType::NIL), b.emit(Op::CARG, Type(IrType::NIL), y, k), x);
  const Ref w = b.emit(Op::CALLN, Type(IrType::NUM), args, 1);  // weigh(y, k, x)
  const Ref k1 = b.emit(Op::CALLN, Type(IrType::INT), k, 0);   // bump(k)
  const SnapEntry entries[] = {SnapEntry::make(1, 0, x), SnapEntry::make(2, 0, k),
                               SnapEntry::make(3, 0, w), SnapEntry::make(4, 0, k1),
                               SnapEntry::make(5, 0, y)};
  b.snapshot(1, 6, 6, entries);
  mcode::McodeSpace space;
  const ir::Binding binding = call_table();
  AssembleOptions o = options();
  o.binding = &binding;
  const AssembledTrace code = assemble(t, space, o);
  EXPECT_GT(code.spill_slots, 0);  // x, k and y cross a call
  std::array<uint64_t, 8> stack{};
  stack[1] = boxed(1.5);
  stack[2] = boxed(3);
  g_bumps = 0;
  const Exit e = run(t, code, stack);
  EXPECT_EQ(g_bumps, 2);
  EXPECT_EQ(e.exit, 1u);
  ASSERT_EQ(e.values.size(), 5u);
  EXPECT_EQ(e.values[0].second, ir::Value::number(1.5));
  EXPECT_EQ(e.values[1].second, ir::Value::integer(3));
  EXPECT_EQ(e.values[2].second, ir::Value::number(1.75 * 3 - 1.5));
  EXPECT_EQ(e.values[3].second, ir::Value::integer(4));
  EXPECT_EQ(e.values[4].second, ir::Value::number(1.75));
  const std::string listing = dump_mcode(code, 3);
  EXPECT_NE(listing.find("call "), std::string::npos) << listing;
}

// A call needs the front end's call table; stack arguments are not lowered.
int32_t weighted_seven(int32_t a, int32_t b, int32_t c, int32_t d, int32_t e, int32_t f, int32_t g) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g;
}

// A call without a call table is NYI; a seventh integer argument goes on
// the stack (SysV) and the helper sees all seven.
TEST(Assembler, CallsWithoutTableAreNyiAndASeventhArgumentGoesOnTheStack) {
  ir::Trace t;
  ir::Builder b(t);
  b.snapshot(0, 2, 2, {});
  const Ref k = b.emit(Op::SLOAD, Type(IrType::INT), 1, ir::sload::kConvert);
  const Ref r = b.emit(Op::CALLN, Type(IrType::INT), k, 0);
  const SnapEntry entries[] = {SnapEntry::make(1, 0, r)};
  b.snapshot(1, 2, 2, entries);
  mcode::McodeSpace space;
  ExpectAbort(t, space, "NYI: cannot assemble IR instruction 2");
  ir::Binding seven_ints;
  seven_ints.calls.push_back({"seven", reinterpret_cast<uint64_t>(&weighted_seven), 7, IrType::INT, 0, nullptr});
  ir::Trace u;
  ir::Builder c(u);
  c.snapshot(0, 2, 2, {});
  const Ref n = c.emit(Op::SLOAD, Type(IrType::INT), 1, ir::sload::kConvert);
  Ref chain = n;
  for (int i = 1; i < 7; ++i) chain = c.emit(Op::CARG, Type(IrType::NIL), chain, n);
  const Ref seven = c.emit(Op::CALLN, Type(IrType::INT), chain, 0);
  const SnapEntry last[] = {SnapEntry::make(1, 0, seven)};
  c.snapshot(1, 2, 2, last);
  AssembleOptions o = options();
  o.binding = &seven_ints;
  const AssembledTrace code = assemble(u, space, o);
  std::array<uint64_t, 8> stack{};
  stack[1] = boxed(3);
  const Exit e = run(u, code, stack);
  ASSERT_EQ(e.values.size(), 1u);
  EXPECT_EQ(e.values[0].second, ir::Value::integer(3 * 28));
}

}  // namespace
}  // namespace lj::x64
