#include <optional>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "lj/ir/dump.h"
#include "lj/ir/eval.h"
#include "lj/opt/opt.h"
#include "testing/ir/narrow_gen.h"
#include "testing/ir/trace_gen.h"

namespace lj::testing {
namespace {

constexpr ir::EvalOptions kBound{.max_iterations = 20};

// Strict: the same exit with the same state. Prefix: for passes that may
// hoist or widen guards (ABC), an earlier exit is allowed when it restores
// a state the unoptimized run passed through (compare_prefix).
enum class Property { kSameExit, kConsistentPrefix };

// Runs `options` over a random trace and checks it behaves as before; on a
// failure the shrunk counterexample prints both dumps.
void check_equivalent(const Recipe& recipe, const opt::Options& options,
                      Property property = Property::kSameExit) {
  TestBinding tb;
  BuiltTrace built = build(recipe, tb);
  ir::EvalOptions bound = kBound;
  bound.record_crossings = property == Property::kConsistentPrefix;
  ir::EvalResult before = ir::evaluate(built.trace, tb.binding(), built.state, bound);
  RC_ASSERT(before.outcome != ir::Outcome::kInvalid);
  // The distribution rapidcheck prints shows the cases are not vacuous.
  RC_TAG(before.outcome == ir::Outcome::kGuardExit ? "guard exit"
         : before.outcome == ir::Outcome::kIterationLimit ? "iteration limit"
                                                          : "trace end");
  if (before.outcome == ir::Outcome::kGuardExit && before.iterations >= 2)
    RC_TAG("exit in a later iteration");
  ir::Ref aborted_at = 0;
  try {
    ir::Trace after = opt::reemit(built.trace, options, &aborted_at, &tb.binding());
    if (options.has(opt::Flag::kLoop) && recipe.loops) {
      std::string before_loop = ir::dump(after, tb.binding());
      opt::FoldEngine fold(options, &tb.binding());
      ir::Builder b(after, &fold, options.emit_options());
      if (auto failure = opt::optimize_loop(b)) {
        RC_TAG(std::string("LOOP failed: ") + std::string(ir::message(*failure)));
        RC_ASSERT(ir::dump(after, tb.binding()) == before_loop);
      } else {
        RC_TAG("LOOP applied");
      }
    }
    if (options.has(opt::Flag::kSink) && opt::sink_allocations(after) > 0) {
      RC_TAG("sunk");
      for (ir::Ref r = ir::kRefFirst; r < after.nins(); ++r)
        if (after[r].o == ir::Op::PHI && after.is_sunk(r)) {
          RC_TAG("sunk a loop-carried allocation");
          break;
        }
    }
    ir::EvalResult result = ir::evaluate(after, tb.binding(), built.state, kBound);
    if (ir::dump(after, tb.binding()) != ir::dump(built.trace, tb.binding()))
      RC_TAG("changed by the pass");
    std::string difference = compare_results(built.trace, before, after, result);
    if (!difference.empty() && property == Property::kConsistentPrefix) {
      difference = compare_prefix(built.trace, before, after, result);
      if (difference.empty()) RC_TAG("exits earlier, to a state the unoptimized run passed");
    }
    if (!difference.empty() || result.outcome == ir::Outcome::kInvalid)
      RC_FAIL(difference + "\n--- unoptimized: " + ir::describe(before) + "\n" +
              ir::dump(built.trace, tb.binding()) + "--- optimized: " + ir::describe(result) +
              "\n" + ir::dump(after, tb.binding()));
  } catch (const ir::TraceAbort& abort) {
    // "guard would always fail": the unoptimized trace must never get past
    // that guard — it exits there or earlier, in its first iteration.
    RC_ASSERT(abort.reason() == ir::AbortReason::kGuardFail);
    RC_TAG("aborted: guard would always fail");
    if (before.outcome != ir::Outcome::kGuardExit || before.iterations != 0 ||
        before.guard > aborted_at)
      RC_FAIL("folded guard " + std::to_string(aborted_at - ir::kRefBias) +
              " as always failing, but: " + ir::describe(before) + "\n" +
              ir::dump(built.trace, tb.binding()));
  }
}

opt::Options only(std::initializer_list<opt::Flag> flags) {
  opt::Options o;
  for (opt::Flag f : flags) o.set(f, true);
  return o;
}

RC_GTEST_PROP(Optimizer, FoldPreservesBehaviour, ()) {
  check_equivalent(*arbitrary_recipe(), only({opt::Flag::kFold}));
}

RC_GTEST_PROP(Optimizer, CsePreservesBehaviour, ()) {
  check_equivalent(*arbitrary_recipe(), only({opt::Flag::kCse}));
}

RC_GTEST_PROP(Optimizer, DcePreservesBehaviour, ()) {
  check_equivalent(*arbitrary_recipe(), only({opt::Flag::kDce}));
}

RC_GTEST_PROP(Optimizer, FwdPreservesBehaviour, ()) {
  check_equivalent(*arbitrary_recipe(), only({opt::Flag::kFold, opt::Flag::kCse, opt::Flag::kFwd}));
}

RC_GTEST_PROP(Optimizer, DsePreservesBehaviour, ()) {
  check_equivalent(*arbitrary_recipe(), only({opt::Flag::kFold, opt::Flag::kDse}));
}

// Backward narrowing may convert one operand of a sum on its own: int(x)
// fails for x = 1e-300 where int(x + 100) holds. An earlier exit to a
// state the program passed, as in LuaJIT: a consistent prefix.
RC_GTEST_PROP(Optimizer, NarrowIsAConsistentPrefix, ()) {
  check_equivalent(*arbitrary_recipe(), only({opt::Flag::kFold, opt::Flag::kNarrow}),
                   Property::kConsistentPrefix);
}

RC_GTEST_PROP(Optimizer, SinkPreservesBehaviour, ()) {
  check_equivalent(*arbitrary_recipe(), only({opt::Flag::kSink}));
}

// Loop-carried allocations (a table left in slot 5 for the next
// iteration) become PHI operands after LOOP; FWD turns loads from the
// previous iteration's table into PHI values; SINK may then sink both.
RC_GTEST_PROP(Optimizer, SinkAfterLoopPreservesBehaviour, ()) {
  Recipe recipe = *arbitrary_recipe();
  recipe.loops = true;
  recipe.carry_table = true;
  check_equivalent(recipe, only({opt::Flag::kFold, opt::Flag::kCse, opt::Flag::kDce, opt::Flag::kFwd,
                                 opt::Flag::kLoop, opt::Flag::kSink}));
}

// ABC may widen an earlier bounds check: a consistent prefix, not an
// equivalence. With LOOP, so checks in the body meet those of the pre-roll.
RC_GTEST_PROP(Optimizer, AbcIsAConsistentPrefix, ()) {
  check_equivalent(*arbitrary_recipe(), only({opt::Flag::kFold, opt::Flag::kCse, opt::Flag::kFwd, opt::Flag::kAbc}),
                   Property::kConsistentPrefix);
}

RC_GTEST_PROP(Optimizer, AbcAfterLoopIsAConsistentPrefix, ()) {
  Recipe recipe = *arbitrary_recipe();
  recipe.loops = true;
  check_equivalent(recipe, only({opt::Flag::kFold, opt::Flag::kCse, opt::Flag::kFwd, opt::Flag::kLoop,
                                 opt::Flag::kAbc}),
                   Property::kConsistentPrefix);
}

// The whole -O3 pipeline includes ABC and NARROW, which add or widen
// guards; without them every pass is held to the strict property.
RC_GTEST_PROP(Optimizer, PipelineIsAConsistentPrefix, ()) {
  check_equivalent(*arbitrary_recipe(), opt::Options::level(3), Property::kConsistentPrefix);
}

RC_GTEST_PROP(Optimizer, PipelineWithoutAbcAndNarrowPreservesBehaviour, ()) {
  opt::Options options = opt::Options::level(3);
  options.set(opt::Flag::kAbc, false);
  options.set(opt::Flag::kNarrow, false);
  check_equivalent(*arbitrary_recipe(), options);
}

RC_GTEST_PROP(Optimizer, LoopPreservesBehaviour, ()) {
  Recipe recipe = *arbitrary_recipe();
  recipe.loops = true;
  check_equivalent(recipe, only({opt::Flag::kLoop}));
}

// -O2 without NARROW: narrowed code may exit earlier (x + 1 rounds to an
// integer where x does not), so NARROW has its own consistent-prefix
// properties; this one holds the rest of -O2 to strict equivalence.
RC_GTEST_PROP(Optimizer, LoopAfterFoldCseDcePreservesBehaviour, ()) {
  Recipe recipe = *arbitrary_recipe();
  recipe.loops = true;
  opt::Options options = opt::Options::level(2);
  options.set(opt::Flag::kNarrow, false);
  check_equivalent(recipe, options);
}

// NARROW's recorder calls (predictive ADDOV/SUBOV, int MOD/negation with
// their guards, index and bit-operand narrowing, FORL int loops) and the
// backward conversion narrowing in FOLD, against the same code recorded
// as plain number work: same exit, same slots — or an earlier exit to a
// state the number code passed (a snapshot's start in the same iteration,
// restoring the same slots): in a loop a prediction may fail in a later
// iteration, and an inner int op of a narrowed index or conversion may
// overflow where the number sum did not (t[(i+i) % i]), as in LuaJIT.
RC_GTEST_PROP(Optimizer, NarrowRecorderPreservesBehaviour, ()) {
  NarrowRecipe recipe = *arbitrary_narrow_recipe();
  opt::Options plain = only({opt::Flag::kFold, opt::Flag::kCse, opt::Flag::kFwd});
  opt::Options narrow = plain;
  narrow.set(opt::Flag::kNarrow, true);
  narrow.set(opt::Flag::kLoop, recipe.loops);
  TestBinding tb;
  std::optional<BuiltTrace> traces[2];
  for (int n = 0; n < 2; ++n) {
    try {
      traces[n] = record_narrow(recipe, tb, n ? narrow : plain, n == 1);
    } catch (const ir::TraceAbort& abort) {
      RC_ASSERT(abort.reason() == ir::AbortReason::kGuardFail);
    }
  }
  // A guard that would always fail aborts both recordings or neither.
  RC_ASSERT(traces[0].has_value() == traces[1].has_value());
  if (!traces[0]) {
    RC_TAG("aborted: guard would always fail");
    return;
  }
  // LOOP on the narrowed trace only: the number code runs as recorded (a
  // self-linked trace; LOOP's own property covers the difference), where
  // every snapshot's range starts before anything it names is recomputed,
  // so an exit at its start is a state the program really passes.
  if (recipe.loops) {
    opt::FoldEngine fold(narrow, &tb.binding());
    ir::Builder b(traces[1]->trace, &fold, narrow.emit_options());
    if (opt::optimize_loop(b)) RC_TAG("LOOP failed");
  }
  const ir::Trace& narrowed = traces[1]->trace;
  bool overflow_op = false, int_mod = false, int_loop = false;
  for (ir::Ref r = ir::kRefFirst; r < narrowed.nins(); ++r) {
    const ir::Ins& ins = narrowed[r];
    overflow_op |= ins.o == ir::Op::ADDOV || ins.o == ir::Op::SUBOV;
    int_mod |= ins.o == ir::Op::MOD && ins.t.is_int();
    int_loop |= ins.o == ir::Op::SLOAD && ins.op1 == 1 && ins.t.is_int();
  }
  if (overflow_op) RC_TAG("ADDOV/SUBOV");
  if (int_mod) RC_TAG("int MOD");
  if (int_loop) RC_TAG("int FORL index");
  ir::EvalOptions bound = kBound;
  bound.record_crossings = bound.record_snapshot_crossings = true;
  ir::EvalResult before = ir::evaluate(traces[0]->trace, tb.binding(), traces[0]->state, bound);
  ir::EvalResult after = ir::evaluate(narrowed, tb.binding(), traces[1]->state, kBound);
  RC_ASSERT(before.outcome != ir::Outcome::kInvalid);
  RC_TAG(before.outcome == ir::Outcome::kGuardExit ? "guard exit"
         : before.outcome == ir::Outcome::kIterationLimit ? "iteration limit"
                                                          : "trace end");
  if (before.outcome == ir::Outcome::kGuardExit && before.iterations >= 2) RC_TAG("exit in a later iteration");
  std::string difference = compare_results(traces[0]->trace, before, narrowed, after);
  if (!difference.empty()) {
    difference = compare_prefix(traces[0]->trace, before, narrowed, after);
    if (difference.empty()) RC_TAG("exits earlier, to a state the number code passed");
  }
  if (!difference.empty() || after.outcome == ir::Outcome::kInvalid)
    RC_FAIL(difference + "\n--- numbers: " + ir::describe(before) + "\n" +
            ir::dump(traces[0]->trace, tb.binding()) + "--- narrowed: " + ir::describe(after) + "\n" +
            ir::dump(narrowed, tb.binding()));
}

RC_GTEST_PROP(TextForm, DumpParsesBackToTheSameTrace, ()) {
  TestBinding tb;
  BuiltTrace built = build(*arbitrary_recipe(), tb);
  std::string text = ir::dump(built.trace, tb.binding());
  auto parsed = ir::parse(text, tb.binding());
  RC_ASSERT(parsed.ok());
  std::string why;
  if (!ir::same_trace(built.trace, *parsed, &why)) RC_FAIL(why + "\n" + text);
  RC_ASSERT(ir::dump(*parsed, tb.binding()) == text);
}

}  // namespace
}  // namespace lj::testing
