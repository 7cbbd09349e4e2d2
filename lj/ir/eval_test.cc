#include "lj/ir/eval.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>

#include "lj/ir/builder.h"
#include "lj/ir/dump.h"
#include "testing/ir/test_binding.h"

namespace lj::ir {
namespace {

Trace parsed(std::string_view text, const Binding& binding) {
  auto trace = parse(text, binding);
  EXPECT_TRUE(trace.ok()) << trace.status();
  return trace.ok() ? std::move(*trace) : Trace();
}

// fidelity/09_side_exit_link.lua, trace 1: `for i = 1, 58 do end`.
constexpr std::string_view kInnerLoop =
    "....        SNAP   #0   [ ---- ---- ]\n"
    "0001    int SLOAD  #6    CI\n"
    "0002  + int ADD    0001  +1  \n"
    "....        SNAP   #1   [ ---- ---- ---- ---- ---- ---- ]\n"
    "0003 >  int LE     0002  +58 \n"
    "....        SNAP   #2   [ ---- ---- ---- ---- ---- ---- 0002 ---- ---- 0002 ]\n"
    "0004 ------ LOOP ------------\n"
    "0005  + int ADD    0002  +1  \n"
    "....        SNAP   #3   [ ---- ---- ---- ---- ---- ---- ]\n"
    "0006 >  int LE     0005  +58 \n"
    "0007    int PHI    0002  0005\n";

TEST(Evaluate, LoopRunsUntilItsGuardFails) {
  testing::TestBinding tb;
  Trace trace = parsed(kInnerLoop, tb.binding());
  MachineState state;
  state.slots[6] = Value::number(1);
  EvalResult r = evaluate(trace, tb.binding(), state, {.max_iterations = 1000});
  ASSERT_EQ(r.outcome, Outcome::kGuardExit) << describe(r);
  EXPECT_EQ(r.guard, kRefBias + 6);
  EXPECT_EQ(r.snapshot, 3);
  EXPECT_EQ(r.iterations, 57);
  EXPECT_TRUE(r.restored.empty());
}

TEST(Evaluate, IterationBoundRestoresTheLoopSnapshot) {
  testing::TestBinding tb;
  Trace trace = parsed(kInnerLoop, tb.binding());
  MachineState state;
  state.slots[6] = Value::number(1);
  EvalResult r = evaluate(trace, tb.binding(), state, {.max_iterations = 10});
  EXPECT_EQ(r.outcome, Outcome::kIterationLimit);
  // The loop snapshot (#2), with the PHI'd 0002 of the 10th iteration.
  EXPECT_EQ(r.snapshot, 2);
  EXPECT_EQ(r.iterations, 10);
  EXPECT_EQ(r.state.slots[6], Value::number(11));
  EXPECT_EQ(r.state.slots[9], Value::number(11));
}

// Every guard that held is a crossing: what an exit there would restore.
TEST(Evaluate, RecordsWhatEachPassedGuardsSnapshotWouldRestore) {
  testing::TestBinding tb;
  Trace trace = parsed(kInnerLoop, tb.binding());
  MachineState state;
  state.slots[6] = Value::number(55);
  EvalResult r = evaluate(trace, tb.binding(), state, {.max_iterations = 1000, .record_crossings = true});
  ASSERT_EQ(r.outcome, Outcome::kGuardExit) << describe(r);
  EXPECT_EQ(r.iterations, 3);
  // Guards that held: 0003 (pre-roll), then 0006 twice; then 0006 failed.
  ASSERT_EQ(r.crossings.size(), 3u);
  EXPECT_EQ(r.crossings[0].guard, kRefBias + 3);
  EXPECT_EQ(r.crossings[0].snapshot, 1);
  EXPECT_EQ(r.crossings[0].iterations, 0);
  EXPECT_EQ(r.crossings[1].iterations, 1);
  EXPECT_EQ(r.crossings[2].guard, kRefBias + 6);
  EXPECT_EQ(r.crossings[2].snapshot, 3);
  EXPECT_EQ(r.crossings[2].iterations, 2);
  EXPECT_EQ(r.crossings[2].outcome, Outcome::kGuardExit);
  // The run itself is unchanged by recording.
  EvalResult plain = evaluate(trace, tb.binding(), state, {.max_iterations = 1000});
  EXPECT_EQ(plain.state, r.state);
  EXPECT_EQ(plain.guard, r.guard);
  EXPECT_TRUE(plain.crossings.empty());
}

TEST(Evaluate, GuardExitRestoresSnapshotSlots) {
  testing::TestBinding tb;
  Trace trace = parsed(
      "....        SNAP   #0   [ ---- ---- ---- ]\n"
      "0001 >  num SLOAD  #1    T\n"
      "0002    num ADD    0001  +0.5\n"
      "0003    int CONV   0002  int.num check\n"
      "....        SNAP   #1   [ ---- 0002 +7   ]\n"
      "0004 >  int LT     0003  +10 \n"
      "....        SNAP   #2   [ ---- 0003 ]\n",
      tb.binding());
  MachineState state;
  state.slots[1] = Value::number(20.5);
  EvalResult r = evaluate(trace, tb.binding(), state);
  ASSERT_EQ(r.outcome, Outcome::kGuardExit) << describe(r);
  EXPECT_EQ(r.snapshot, 1);
  EXPECT_EQ(r.state.slots[1], Value::number(21));
  EXPECT_EQ(r.state.slots[2], Value::number(7)) << "restored ints are numbers";
  // A wrong type fails the SLOAD's check: snapshot #0, nothing restored.
  state.slots[1] = tb.string("x");
  r = evaluate(trace, tb.binding(), state);
  EXPECT_EQ(r.outcome, Outcome::kGuardExit);
  EXPECT_EQ(r.snapshot, 0);
  EXPECT_EQ(r.guard, kRefFirst);
  // All guards pass: the trace ends with its last snapshot.
  state.slots[1] = Value::number(1.5);
  r = evaluate(trace, tb.binding(), state);
  EXPECT_EQ(r.outcome, Outcome::kTraceEnd);
  EXPECT_EQ(r.snapshot, 2);
  EXPECT_EQ(r.state.slots[1], Value::number(2));
}

TEST(Evaluate, MemoryThroughReferences) {
  testing::TestBinding tb;
  Trace trace = parsed(
      "....        SNAP   #0   [ ---- ---- ]\n"
      "0001 >  tab SLOAD  #1    T\n"
      "0002    p64 FLOAD  0001  tab.array\n"
      "0003    p64 AREF   0002  +1  \n"
      "0004 >  num ALOAD  0003\n"
      "0005    num ADD    0004  +1  \n"
      "0006    num ASTORE 0003  0005\n"
      "0007 >  p64 HREFK  0001  \"k\" @0\n"
      "0008 >  num HLOAD  0007\n"
      "0009    num HSTORE 0007  0005\n"
      "....        SNAP   #1   [ ---- 0001 0008 ]\n",
      tb.binding());
  MachineState state;
  Object table;
  table.array = {Value::nil(), Value::number(41)};
  table.hash = {{tb.string("k"), Value::number(3)}};
  state.objects[0x9000] = table;
  state.slots[1] = Value::object(IrType::TAB, 0x9000);
  EvalResult r = evaluate(trace, tb.binding(), state);
  ASSERT_EQ(r.outcome, Outcome::kTraceEnd) << describe(r);
  EXPECT_EQ(r.state.objects[0x9000].array[1], Value::number(42));
  EXPECT_EQ(r.state.objects[0x9000].hash[0].second, Value::number(42));
  EXPECT_EQ(r.state.slots[2], Value::number(3));
  // A type guard on the loaded value.
  state.objects[0x9000].array[1] = Value::boolean(true);
  r = evaluate(trace, tb.binding(), state);
  EXPECT_EQ(r.outcome, Outcome::kGuardExit);
  EXPECT_EQ(r.guard, kRefBias + 4);
}

TEST(Evaluate, OverflowGuardsAndCalls) {
  testing::TestBinding tb;
  Trace trace = parsed(
      "....        SNAP   #0   [ ---- ---- ]\n"
      "0001    int SLOAD  #1    CI\n"
      "0002 >  int ADDOV  0001  +2147483600\n"
      "0003    num CONV   0002  num.int\n"
      "0005    num CALLN  pow         (0003 +2  )\n"
      "....        SNAP   #1   [ ---- 0005 ]\n",
      tb.binding());
  MachineState state;
  state.slots[1] = Value::number(3);
  EvalResult r = evaluate(trace, tb.binding(), state);
  ASSERT_EQ(r.outcome, Outcome::kTraceEnd) << describe(r);
  EXPECT_EQ(r.state.slots[1], Value::number(2147483603.0 * 2147483603.0));
  state.slots[1] = Value::number(100);
  r = evaluate(trace, tb.binding(), state);
  EXPECT_EQ(r.outcome, Outcome::kGuardExit);
  EXPECT_EQ(r.snapshot, 0);
}

TEST(Evaluate, SelfLinkedTraceReentersWithRestoredStack) {
  testing::TestBinding tb;
  Trace trace = parsed(
      "....        SNAP   #0   [ ---- ---- ]\n"
      "0001 >  num SLOAD  #1    T\n"
      "0002    num ADD    0001  +1  \n"
      "....        SNAP   #1   [ ---- 0002 ]\n"
      "0003 >  num LT     0002  +5  \n"
      "....        SNAP   #2   [ ---- 0002 ]\n",
      tb.binding());
  trace.loops_to_self = true;
  MachineState state;
  state.slots[1] = Value::number(0);
  EvalResult r = evaluate(trace, tb.binding(), state);
  ASSERT_EQ(r.outcome, Outcome::kGuardExit) << describe(r);
  EXPECT_EQ(r.iterations, 4);
  EXPECT_EQ(r.state.slots[1], Value::number(5));
}

// BUFHDR: RESET empties the buffer, APPEND and WRITE keep what it holds;
// any other mode is not guessed at.
TEST(Evaluate, BufferHeadersResetOrKeepTheContents) {
  testing::TestBinding tb;
  for (const uint16_t mode : {bufhdr::kReset, bufhdr::kAppend, bufhdr::kWrite, uint16_t{3}}) {
    Trace trace;
    Builder b(trace);
    b.snapshot(0, 2, 2, {});
    const Ref piece = b.emit(Op::SLOAD, Type::guarded(IrType::STR), 1, sload::kTypeCheck);
    const Ref header = b.emit(Op::BUFHDR, Type(IrType::P64), b.kptr(0x9100), mode);
    const Ref put = b.emit(Op::BUFPUT, Type(IrType::P64), header, piece);
    const Ref str = b.emit(Op::BUFSTR, Type(IrType::STR), put, header);
    const SnapEntry end[] = {SnapEntry::make(1, 0, str)};
    b.snapshot(1, 2, 2, end);
    MachineState state;
    Object buffer, text;
    buffer.type = IrType::UDATA;
    buffer.text = "ab";
    text.type = IrType::STR;
    text.text = "c";
    state.objects[0x9100] = buffer;
    state.objects[0x9200] = text;
    state.slots[1] = Value::object(IrType::STR, 0x9200);
    const EvalResult r = evaluate(trace, tb.binding(), state);
    if (mode == 3) {
      EXPECT_EQ(r.outcome, Outcome::kInvalid);
      continue;
    }
    ASSERT_EQ(r.outcome, Outcome::kTraceEnd) << describe(r);
    EXPECT_EQ(r.state.objects.at(0x9100).text, mode == bufhdr::kReset ? "c" : "abc") << "mode " << mode;
  }
}

TEST(Evaluate, UnsupportedOpsAreReportedNotGuessed) {
  testing::TestBinding tb;
  Trace trace = parsed(
      "....        SNAP   #0   [ ---- ---- ]\n"
      "0001    p64 XLOAD  0001  #0  \n",
      tb.binding());
  EvalResult r = evaluate(trace, tb.binding(), {});
  EXPECT_EQ(r.outcome, Outcome::kInvalid);
  EXPECT_NE(r.error.find("XLOAD"), std::string::npos);
}

}  // namespace
}  // namespace lj::ir

namespace lj::ir {
namespace {

// An exit through a snapshot that references a sunk table rebuilds it with
// the sunk stores made before the snapshot.
TEST(Evaluate, ExitsRebuildSunkAllocations) {
  testing::TestBinding tb;
  Trace trace = parsed(
      "....        SNAP   #0   [ ---- ---- ]\n"
      "0001 >  num SLOAD  #1    T\n"
      "0002 }  tab TNEW   #2    #0  \n"
      "0003    p64 FLOAD  0002  tab.array\n"
      "0004    p64 AREF   0003  +1  \n"
      "0005 }  num ASTORE 0004  0001\n"
      "0006    p64 FREF   0002  test.x\n"
      "0007 }  num FSTORE 0006  +2.5\n"
      "....        SNAP   #1   [ ---- 0002 0002 ]\n"
      "0008 >  num LT     0001  +10 \n"
      "0009 }  num FSTORE 0006  +9  \n"
      "....        SNAP   #2   [ ---- 0001 ]\n",
      tb.binding());
  ASSERT_TRUE(trace.is_sunk(kRefBias + 2));
  MachineState state;
  state.slots[1] = Value::number(20);
  EvalResult r = evaluate(trace, tb.binding(), state);
  ASSERT_EQ(r.outcome, Outcome::kGuardExit) << describe(r);
  Value table = r.state.slots[1];
  ASSERT_EQ(table.type, IrType::TAB);
  EXPECT_EQ(r.state.slots[2], table) << "one object for both slots";
  const Object& rebuilt = r.state.objects.at(table.bits);
  EXPECT_EQ(rebuilt.array[1], Value::number(20));
  EXPECT_EQ(rebuilt.fields.at(tb.field("test.x")), Value::number(2.5)) << "store after the snapshot not replayed";
  // Without an exit no table is ever created.
  state.slots[1] = Value::number(1);
  r = evaluate(trace, tb.binding(), state);
  EXPECT_EQ(r.outcome, Outcome::kTraceEnd);
  EXPECT_TRUE(r.state.objects.empty());
}

// STRTO's reading and TOSTR's writing of numbers, against what Debian's
// luajit 2.1 prints for tostring(tonumber(s)) and tostring(x).
TEST(Semantics, StringsReadAsNumbersAsLuajitReadsThem) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"0x10", "16"}, {" 12 ", "12"}, {"1e5", "100000"}, {"abc", "nil"}, {"", "nil"},
      {"12a", "nil"}, {"inf", "inf"}, {"nan", "nan"}, {"0x1p4", "16"}, {"  -3.5  ", "-3.5"},
      {"1e", "nil"}, {"0x", "nil"}, {"- 1", "nil"}, {".5", "0.5"}, {"5.", "5"},
      {"1e+2\t", "100"}, {"infinity", "inf"}, {"INF", "inf"}, {"+5", "5"}, {"0x1.8p1", "3"},
      {" nan ", "nan"}, {"1e400", "inf"}, {"-0x10", "-16"}, {"NaN", "nan"}, {"-inf", "-inf"},
      {"0X1P-2", "0.25"}, {"1.5e", "nil"}, {"  ", "nil"}, {"\t7\n", "7"}, {"0x.8", "0.5"},
      {"1..2", "nil"}, {"0b1", "1"}, {"12 3", "nil"}, {"nan(1)", "nil"}, {"1_0", "nil"},
      {"1e+", "nil"}, {"0x1g", "nil"}, {"-.5e1", "-5"}, {"infx", "nil"}};
  for (const auto& [text, luajit] : cases) {
    double value = 0;
    const bool number = semantics::string_to_number(text, &value);
    EXPECT_EQ(number ? semantics::number_to_string(value) : "nil", luajit) << '"' << text << '"';
  }
}

TEST(Semantics, NumbersPrintAsLuajitPrintsThem) {
  const std::pair<double, std::string_view> cases[] = {
      {0.1, "0.1"}, {1.0 / 3, "0.33333333333333"}, {1e300, "1e+300"}, {0x1p53, "9.007199254741e+15"},
      {-0.0, "-0"}, {1e-300, "1e-300"}, {123456789012345678.0, "1.2345678901235e+17"}, {100, "100"},
      {-7.25, "-7.25"}, {2147483648.0, "2147483648"}, {1e15, "1e+15"}, {1e16, "1e+16"},
      {5e-324, "4.9406564584125e-324"}, {INFINITY, "inf"}, {-INFINITY, "-inf"}, {NAN, "nan"}, {-NAN, "nan"}};
  for (const auto& [x, luajit] : cases) EXPECT_EQ(semantics::number_to_string(x), luajit) << x;
}

// int DIV and POW at 32 bits as lj_carith_divi64/powi64 at 64: total.
TEST(Semantics, IntegerDivisionAndPowerAreTotal) {
  constexpr int32_t kMin = std::numeric_limits<int32_t>::min();
  EXPECT_EQ(semantics::int_arith(Op::DIV, 7, 2), 3);
  EXPECT_EQ(semantics::int_arith(Op::DIV, -7, 2), -3);
  EXPECT_EQ(semantics::int_arith(Op::DIV, 7, 0), kMin);
  EXPECT_EQ(semantics::int_arith(Op::DIV, kMin, -1), kMin);
  EXPECT_EQ(semantics::int_arith(Op::POW, 3, 4), 81);
  EXPECT_EQ(semantics::int_arith(Op::POW, 2, 31), kMin);
  EXPECT_EQ(semantics::int_arith(Op::POW, 2, 32), 0);  // wraps
  EXPECT_EQ(semantics::int_arith(Op::POW, 0, -1), std::numeric_limits<int32_t>::max());
  EXPECT_EQ(semantics::int_arith(Op::POW, -1, -3), -1);
  EXPECT_EQ(semantics::int_arith(Op::POW, -1, -4), 1);
  EXPECT_EQ(semantics::int_arith(Op::POW, 5, -1), 0);
  EXPECT_EQ(semantics::int_arith(Op::POW, 5, 0), 1);
}

// Unchecked CONV int.num / u32.num as x86-64's cvttsd2si, which LuaJIT's
// backend emits: INT with 32 bits (NaN and out of range: 0x80000000, the
// "integer indefinite"), U32 with 64 bits keeping the low half (|t| >= 2^63
// and NaN: the low half of 0x8000000000000000, 0).
constexpr int32_t kIndefinite = std::numeric_limits<int32_t>::min();
struct Truncation {
  double x;
  int32_t to_int;
  uint32_t to_u32;
};
constexpr Truncation kTruncations[] = {
    {0x1p31, kIndefinite, 0x80000000u},
    {0x1p31 - 1, 0x7fffffff, 0x7fffffffu},
    {0x1p32 - 1, kIndefinite, 0xffffffffu},
    {0x1p32, kIndefinite, 0},
    {0x1p32 + 5.5, kIndefinite, 5},
    {-0x1p31, kIndefinite, 0x80000000u},
    {-0x1p31 - 1, kIndefinite, 0x7fffffffu},
    {-0x1p32 + 1, kIndefinite, 1},
    {INFINITY, kIndefinite, 0},
    {-INFINITY, kIndefinite, 0},
    {NAN, kIndefinite, 0},
    {-0.5, 0, 0},
    {-0.0, 0, 0},
    {3.75, 3, 3},
    {-3.75, -3, 0xfffffffdu},
    {-1.0, -1, 0xffffffffu},
    {0x1p63, kIndefinite, 0},
    {-0x1p63, kIndefinite, 0},
    {0x1p63 - 1024, kIndefinite, 0xfffffc00u},  // the largest double below 2^63
    {1e300, kIndefinite, 0},
};

TEST(Semantics, UncheckedConversionsTruncateAsCvttsd2siDoes) {
  for (const Truncation& c : kTruncations) {
    bool ok = true;
    const Value i = semantics::convert(conv::mode(IrType::INT, IrType::NUM), false, Value::number(c.x), &ok);
    EXPECT_EQ(i, Value::integer(c.to_int)) << c.x;
    const Value u = semantics::convert(conv::mode(IrType::U32, IrType::NUM), false, Value::number(c.x), &ok);
    EXPECT_EQ(u.type, IrType::U32);
    EXPECT_EQ(static_cast<uint32_t>(u.bits), c.to_u32) << c.x;
    EXPECT_EQ(slot_value(u), Value::number(c.to_u32)) << c.x;
    EXPECT_TRUE(ok) << "unchecked conversions never fail: " << c.x;
  }
}

// From FLOAT (kept as the double its single rounding is): the same, exact.
TEST(Semantics, UncheckedConversionsOfFloatsTruncateAlike) {
  for (float f : {0x1p31f, -0x1p31f, 0x1p32f, -1.5f, 2.75f, INFINITY, NAN, 0x1p40f}) {
    const Value v{IrType::FLOAT, std::bit_cast<uint64_t>(static_cast<double>(f))};
    bool ok = true;
    const Value from_float_int = semantics::convert(conv::mode(IrType::INT, IrType::FLOAT), false, v, &ok);
    const Value from_num_int = semantics::convert(conv::mode(IrType::INT, IrType::NUM), false, Value::number(f), &ok);
    EXPECT_EQ(from_float_int, from_num_int) << f;
    const Value from_float_u32 = semantics::convert(conv::mode(IrType::U32, IrType::FLOAT), false, v, &ok);
    const Value from_num_u32 = semantics::convert(conv::mode(IrType::U32, IrType::NUM), false, Value::number(f), &ok);
    EXPECT_EQ(from_float_u32, from_num_u32) << f;
  }
}

#if defined(__x86_64__)
// The table above against the instruction itself.
TEST(Semantics, UncheckedConversionsAgreeWithTheMachine) {
  for (const Truncation& c : kTruncations) {
    int32_t narrow;
    int64_t wide;
    asm("cvttsd2si %1, %0" : "=r"(narrow) : "x"(c.x));
    asm("cvttsd2si %1, %0" : "=r"(wide) : "x"(c.x));
    EXPECT_EQ(narrow, c.to_int) << c.x;
    EXPECT_EQ(static_cast<uint32_t>(wide), c.to_u32) << c.x;
  }
}
#endif

// Checked conversions (guarded or mode check/index) succeed on exact
// int32 values only, -0 included; the value is the unchecked one.
TEST(Semantics, CheckedConversionsDemandAnExactInt) {
  const std::pair<double, bool> cases[] = {{0x1p31, false}, {0x1p31 - 1, true}, {-0x1p31, true},
                                           {-0x1p31 - 1, false}, {-0.0, true}, {1.5, false},
                                           {NAN, false}, {INFINITY, false}, {-7, true}};
  for (const auto& [x, exact] : cases) {
    bool guarded_ok = true, mode_ok = true;
    const uint16_t mode = conv::mode(IrType::INT, IrType::NUM);
    semantics::convert(mode, true, Value::number(x), &guarded_ok);
    semantics::convert(mode | conv::kCheck, false, Value::number(x), &mode_ok);
    EXPECT_EQ(guarded_ok, exact) << x;
    EXPECT_EQ(mode_ok, exact) << x;
  }
}

}  // namespace
}  // namespace lj::ir
