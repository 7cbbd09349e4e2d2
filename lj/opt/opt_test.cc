#include "lj/opt/opt.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "lj/ir/dump.h"
#include "lj/ir/eval.h"
#include "testing/ir/test_binding.h"

namespace lj::opt {
namespace {

TEST(Options, LevelsAndNamesFollowLuaJit) {
  EXPECT_EQ(Options::level(0).flags, 0u);
  Options o1 = Options::level(1);
  EXPECT_TRUE(o1.has(Flag::kFold) && o1.has(Flag::kCse) && o1.has(Flag::kDce));
  EXPECT_FALSE(o1.has(Flag::kLoop));
  Options o2 = Options::level(2);
  EXPECT_TRUE(o2.has(Flag::kNarrow) && o2.has(Flag::kLoop));
  EXPECT_FALSE(o2.has(Flag::kFwd));
  Options o3 = Options::level(3);
  for (Flag f : {Flag::kFwd, Flag::kDse, Flag::kAbc, Flag::kSink, Flag::kFuse})
    EXPECT_TRUE(o3.has(f)) << name(f);
  EXPECT_EQ(name(Flag::kFold), "fold");
  EXPECT_EQ(name(Flag::kFuse), "fuse");
  EXPECT_TRUE(o3.apply("-cse"));
  EXPECT_FALSE(o3.has(Flag::kCse));
  EXPECT_TRUE(o3.apply("+cse"));
  EXPECT_TRUE(o3.has(Flag::kCse));
  EXPECT_TRUE(o3.apply("O1"));
  EXPECT_FALSE(o3.has(Flag::kSink));
  EXPECT_FALSE(o3.apply("nonsense"));
}

struct TextCase {
  std::string title;
  std::string input;
  std::string expected;
};

// "=== title", the input dump, "---", the expected dump; "# options: …"
// lines set the passes for the cases that follow.
std::vector<std::pair<Options, TextCase>> read_cases(const std::string& path) {
  std::ifstream file(path);
  EXPECT_TRUE(file.good()) << path;
  std::vector<std::pair<Options, TextCase>> cases;
  Options options;
  std::string line;
  bool in_expected = false;
  while (std::getline(file, line)) {
    if (line.starts_with("# options:")) {
      options = Options::level(0);
      std::istringstream words(line.substr(10));
      std::string word;
      while (words >> word) EXPECT_TRUE(options.apply(word)) << word;
    } else if (line.starts_with("===")) {
      cases.push_back({options, TextCase{line.substr(4), "", ""}});
      in_expected = false;
    } else if (line == "---") {
      in_expected = true;
    } else if (!line.starts_with("#") && !cases.empty()) {
      (in_expected ? cases.back().second.expected : cases.back().second.input) += line + "\n";
    }
  }
  // Blank lines separate cases; they are not part of a dump.
  for (auto& [o, c] : cases) {
    while (c.input.ends_with("\n\n")) c.input.pop_back();
    while (c.expected.ends_with("\n\n")) c.expected.pop_back();
    if (c.expected == "\n") c.expected.clear();
  }
  return cases;
}

std::string run_case(const Options& options, const TextCase& c) {
  testing::TestBinding tb;
  auto trace = ir::parse(c.input, tb.binding());
  if (!trace.ok()) return "PARSE ERROR: " + std::string(trace.status().message());
  try {
    trace->loops_to_self = options.has(Flag::kLoop);
    ir::Trace result = reemit(*trace, options, nullptr, &tb.binding());
    std::string failure;
    if (options.has(Flag::kLoop)) {
      FoldEngine fold(options, &tb.binding());
      ir::Builder b(result, &fold, options.emit_options());
      if (auto reason = optimize_loop(b)) failure = "LOOP failed: " + std::string(ir::message(*reason)) + "\n";
    }
    if (options.has(Flag::kSink)) sink_allocations(result);
    return ir::dump(result, tb.binding()) + failure;
  } catch (const ir::TraceAbort& abort) {
    return std::string("ABORT: ") + abort.what() + "\n";
  }
}

class TextCases : public ::testing::TestWithParam<std::string> {};

TEST_P(TextCases, OptimizedDumpMatches) {
  auto cases = read_cases("lj/opt/testdata/" + GetParam());
  EXPECT_FALSE(cases.empty());
  for (const auto& [options, c] : cases)
    EXPECT_EQ(run_case(options, c), c.expected) << "case: " << c.title;
}

INSTANTIATE_TEST_SUITE_P(Passes, TextCases,
                         ::testing::Values("fold.txt", "cse.txt", "dce.txt", "mem.txt", "narrow.txt", "abc.txt",
                                           "loop.txt", "sink.txt"));

TEST(Fold, GuardThatAlwaysFailsAborts) {
  ir::Trace trace;
  FoldEngine fold;
  ir::Builder b(trace, &fold);
  try {
    b.emit(ir::Op::LT, ir::Type::guarded(ir::IrType::INT), b.kint(3), b.kint(2));
    FAIL() << "no abort";
  } catch (const ir::TraceAbort& abort) {
    EXPECT_EQ(abort.reason(), ir::AbortReason::kGuardFail);
    EXPECT_STREQ(abort.what(), "guard would always fail");
  }
  EXPECT_EQ(b.emit(ir::Op::LT, ir::Type::guarded(ir::IrType::INT), b.kint(2), b.kint(3)),
            ir::kRefDrop);
  EXPECT_EQ(trace.nins(), ir::kRefFirst);
}

TEST(Dce, KeepsWhatSnapshotsAndSideEffectsNeed) {
  testing::TestBinding tb;
  auto trace = ir::parse(
      "....        SNAP   #0   [ ---- ---- ]\n"
      "0001 >  num SLOAD  #1    T\n"
      "0002    num ADD    0001  +1  \n"
      "0003    num MUL    0001  +3  \n"
      "0004 >  num LT     0003  +9  \n"
      "0005    num SUB    0001  +5  \n"
      "0006    int CONV   0001  int.num check\n"
      "0007 >  int ADDOV  0006  +1  \n"
      "....        SNAP   #1   [ ---- 0002 ]\n",
      tb.binding());
  ASSERT_TRUE(trace.ok());
  eliminate_dead_code(*trace);
  EXPECT_EQ(ir::dump(*trace, tb.binding()),
            "....        SNAP   #0   [ ---- ---- ]\n"
            "0001 >  num SLOAD  #1    T\n"
            "0002    num ADD    0001  +1  \n"
            "0003    num MUL    0001  +3  \n"
            "0004 >  num LT     0003  +9  \n"
            "....        SNAP   #1   [ ---- 0002 ]\n");
  EXPECT_EQ(trace->chain(ir::Op::SUB), 0);
}

// t = {x = t.x + 1} in a loop: the sunk table an exit in the 5th iteration
// rebuilds is the one the previous iteration made (x = 4 more than at entry).
TEST(Sink, ExitRebuildsTheLoopCarriedTableOfThePreviousIteration) {
  testing::TestBinding tb;
  auto recorded = ir::parse(
      "....        SNAP   #0   [ ---- ---- ---- ]\n"
      "0001 >  tab SLOAD  #1    T\n"
      "0002 >  num SLOAD  #2    T\n"
      "0003 >  num FLOAD  0001  test.x\n"
      "0004    num ADD    0003  +1  \n"
      "0005    num ADD    0002  +1  \n"
      "....        SNAP   #1   [ ---- 0001 0002 ]\n"
      "0006 >  num LT     0005  +5  \n"
      "0007 >  tab TNEW   #0    #0  \n"
      "0008    p64 FREF   0007  test.x\n"
      "0009    num FSTORE 0008  0004\n"
      "....        SNAP   #2   [ ---- 0007 0005 ]\n",
      tb.binding());
  ASSERT_TRUE(recorded.ok());
  recorded->loops_to_self = true;
  Options options;
  for (const char* flag : {"fold", "cse", "dce", "fwd", "loop", "sink"}) options.apply(flag);
  ir::Trace optimized = reemit(*recorded, options);
  FoldEngine fold(options);
  ir::Builder b(optimized, &fold, options.emit_options());
  ASSERT_FALSE(optimize_loop(b).has_value());
  EXPECT_EQ(sink_allocations(optimized), 2);
  ir::MachineState state;
  state.objects[0x7000].fields[tb.field("test.x")] = ir::Value::number(10);
  state.slots[1] = ir::Value::object(ir::IrType::TAB, 0x7000);
  state.slots[2] = ir::Value::number(0);
  for (const ir::Trace* trace : {&*recorded, &optimized}) {
    ir::EvalResult result = ir::evaluate(*trace, tb.binding(), state);
    ASSERT_EQ(result.outcome, ir::Outcome::kGuardExit) << ir::describe(result);
    EXPECT_EQ(result.iterations, 4);
    const ir::Object& table = result.state.objects.at(result.state.slots.at(1).bits);
    EXPECT_EQ(table.fields.at(tb.field("test.x")).as_num(), 14.0);
  }
}

}  // namespace
}  // namespace lj::opt

namespace lj::opt {
namespace {

// What the reference build records for -(i-50), i % 7, 1.0001^i, t[i+1]
// with an int loop index i (luajit -jdump on such loops).
TEST(Narrowing, RecorderCallsEmitWhatLuaJitRecords) {
  testing::TestBinding tb;
  ir::Trace trace;
  FoldEngine fold(Options::level(3), &tb.binding());
  ir::Builder b(trace, &fold);
  Narrowing narrow(b, fold);
  b.snapshot(0, 2, 2, {});
  ir::Ref i = b.emit(ir::Op::SLOAD, ir::Type(ir::IrType::INT), 1, ir::sload::kConvert | ir::sload::kInherit);
  ir::Ref d = narrow.arith(ir::Op::SUB, i, b.kint(50), 7, 50);
  narrow.negate(d, -43);
  narrow.modulo(i, b.kint(7), 7);
  narrow.power(b.knum(1.0001), i);
  narrow.index(narrow.arith(ir::Op::ADD, i, b.kint(1), 7, 1));
  narrow.arith(ir::Op::ADD, i, b.kint(2147483647), 7, 2147483647);  // would overflow now
  narrow.to_bit(narrow.arith(ir::Op::SUB, i, b.kint(3), 7, 3));
  EXPECT_EQ(ir::dump(trace, tb.binding()),
            "....        SNAP   #0   [ ---- ---- ]\n"
            "0001    int SLOAD  #1    CI\n"
            "0002 >  int SUBOV  0001  +50 \n"
            "0003 >  int NE     0002  +0  \n"
            "0004 >  int SUBOV  +0    0002\n"
            "0005    int MOD    0001  +7  \n"
            "0006    num CONV   0001  num.int\n"
            "0007    num POW    +1.0001  0006\n"
            "0008 >  int ADDOV  0001  +1  \n"
            "0009    int ADD    0001  +1  \n"
            "0010    num ADD    0006  +2147483647\n"
            "0011 >  int SUBOV  0001  +3  \n"
            "0012    int ADD    0001  -3  \n");
}

TEST(Narrowing, ForLoopIndexIsIntOnlyWhenItCannotOverflow) {
  Options o = Options::level(3);
  EXPECT_EQ(narrow_for_loop(o, 1, 100, 1), ir::IrType::INT);
  EXPECT_EQ(narrow_for_loop(o, 100, -5, -1), ir::IrType::INT);
  EXPECT_EQ(narrow_for_loop(o, 1, 2147483647, 1), ir::IrType::NUM);
  EXPECT_EQ(narrow_for_loop(o, 1, -2147483647, -2), ir::IrType::NUM);
  EXPECT_EQ(narrow_for_loop(o, 0.5, 10, 1), ir::IrType::NUM);
  EXPECT_EQ(narrow_for_loop(o, 1, 10, 0.25), ir::IrType::NUM);
  o.set(Flag::kNarrow, false);
  EXPECT_EQ(narrow_for_loop(o, 1, 100, 1), ir::IrType::NUM);
  EXPECT_TRUE(is_int32_value(-0.0));
  EXPECT_FALSE(is_int32_value(2147483648.0));
  EXPECT_FALSE(is_int32_value(std::nan("")));
}

}  // namespace
}  // namespace lj::opt
