// Component benchmarks: emission through FOLD/CSE and each pass on a
// 500-instruction random trace (built by the property-test generator).
#include <benchmark/benchmark.h>

#include "lj/ir/eval.h"
#include "lj/opt/opt.h"
#include "testing/ir/narrow_gen.h"
#include "testing/ir/trace_gen.h"

namespace lj::opt {
namespace {

// A deterministic recipe whose raw trace has at least `size` instructions.
testing::Recipe recipe_of_size(uint32_t size, bool loops) {
  auto gen = testing::arbitrary_recipe();
  for (uint64_t seed = 1;; ++seed) {
    testing::Recipe recipe = gen(rc::Random(seed), 100).value();
    while (recipe.steps.size() < size) {
      testing::Recipe more = gen(rc::Random(seed * 7919 + recipe.steps.size()), 100).value();
      recipe.steps.insert(recipe.steps.end(), more.steps.begin(), more.steps.end());
    }
    recipe.loops = loops;
    testing::TestBinding tb;
    testing::BuiltTrace built = testing::build(recipe, tb);
    if (built.trace.nins() - ir::kRefBias > size) {
      // Trim to the requested size by dropping steps from the end.
      while (recipe.steps.size() > 1) {
        testing::Recipe shorter = recipe;
        shorter.steps.pop_back();
        testing::TestBinding tb2;
        if (testing::build(shorter, tb2).trace.nins() - ir::kRefBias < size) break;
        recipe = shorter;
      }
      // Keep only recipes the pipeline accepts (no always-failing guard).
      try {
        testing::TestBinding tb3;
        reemit(testing::build(recipe, tb3).trace, Options::level(3));
        return recipe;
      } catch (const ir::TraceAbort&) {
      }
    }
  }
}

const testing::Recipe& trace_recipe() {
  static const testing::Recipe recipe = recipe_of_size(500, true);
  return recipe;
}

ir::Trace raw_trace() {
  testing::TestBinding tb;
  return testing::build(trace_recipe(), tb).trace;
}

int64_t instructions(const ir::Trace& t) { return t.nins() - ir::kRefFirst; }

// Emission without FOLD/CSE (the recorder's raw path).
void BM_EmitRaw(benchmark::State& state) {
  ir::Trace source = raw_trace();
  for (auto _ : state) benchmark::DoNotOptimize(reemit(source, Options::level(0)));
  state.SetItemsProcessed(state.iterations() * instructions(source));
}
BENCHMARK(BM_EmitRaw);

void BM_EmitCse(benchmark::State& state) {
  ir::Trace source = raw_trace();
  Options o;
  o.set(Flag::kCse, true);
  for (auto _ : state) benchmark::DoNotOptimize(reemit(source, o));
  state.SetItemsProcessed(state.iterations() * instructions(source));
}
BENCHMARK(BM_EmitCse);

void BM_EmitFoldCse(benchmark::State& state) {
  ir::Trace source = raw_trace();
  Options o;
  o.set(Flag::kFold, true);
  o.set(Flag::kCse, true);
  for (auto _ : state) benchmark::DoNotOptimize(reemit(source, o));
  state.SetItemsProcessed(state.iterations() * instructions(source));
}
BENCHMARK(BM_EmitFoldCse);

void BM_Dce(benchmark::State& state) {
  ir::Trace source = raw_trace();
  for (auto _ : state) {
    state.PauseTiming();
    ir::Trace copy = source;
    state.ResumeTiming();
    eliminate_dead_code(copy);
    benchmark::DoNotOptimize(copy);
  }
  state.SetItemsProcessed(state.iterations() * instructions(source));
}
BENCHMARK(BM_Dce);

void BM_Loop(benchmark::State& state) {
  ir::Trace source = reemit(raw_trace(), Options::level(1));
  FoldEngine fold;
  for (auto _ : state) {
    state.PauseTiming();
    ir::Trace copy = source;
    state.ResumeTiming();
    ir::Builder b(copy, &fold);
    benchmark::DoNotOptimize(optimize_loop(b));
  }
  state.SetItemsProcessed(state.iterations() * instructions(source));
}
BENCHMARK(BM_Loop);

void BM_Sink(benchmark::State& state) {
  ir::Trace source = reemit(raw_trace(), Options::level(1));
  for (auto _ : state) {
    state.PauseTiming();
    ir::Trace copy = source;
    state.ResumeTiming();
    benchmark::DoNotOptimize(sink_allocations(copy));
  }
  state.SetItemsProcessed(state.iterations() * instructions(source));
}
BENCHMARK(BM_Sink);

// Emission through FOLD/CSE/FWD/DSE/NARROW, DCE, LOOP, SINK: -O3.
void BM_Pipeline(benchmark::State& state) {
  ir::Trace source = raw_trace();
  FoldEngine fold;
  for (auto _ : state) {
    ir::Trace t = reemit(source, Options::level(3));
    ir::Builder b(t, &fold);
    benchmark::DoNotOptimize(optimize_loop(b));
    benchmark::DoNotOptimize(sink_allocations(t));
  }
  state.SetItemsProcessed(state.iterations() * instructions(source));
}
BENCHMARK(BM_Pipeline);

// NARROW's recorder calls: a random number-heavy recipe recorded through
// Narrowing (and FOLD/CSE with the backward narrowing rule), ~500
// instructions; against the same recipe recorded as plain number work.
const testing::NarrowRecipe& narrow_recipe() {
  static const testing::NarrowRecipe recipe = [] {
    auto gen = testing::arbitrary_narrow_recipe();
    testing::NarrowRecipe r = gen(rc::Random(1), 100).value();
    r.loops = false;
    r.for_loop = {0, 1, 0};  // for i = 0, 10: an int index
    for (uint64_t seed = 2; r.steps.size() < 400; ++seed) {
      testing::NarrowRecipe more = gen(rc::Random(seed), 100).value();
      r.steps.insert(r.steps.end(), more.steps.begin(), more.steps.end());
    }
    return r;
  }();
  return recipe;
}

void record_numbers(benchmark::State& state, bool narrow) {
  testing::TestBinding tb;
  Options o = Options::level(3);
  o.set(Flag::kNarrow, narrow);
  int64_t recorded = 0;
  for (auto _ : state) {
    testing::BuiltTrace t = testing::record_narrow(narrow_recipe(), tb, o, narrow);
    recorded = instructions(t.trace);
    benchmark::DoNotOptimize(t);
  }
  state.counters["instructions"] = static_cast<double>(recorded);
  state.SetItemsProcessed(state.iterations() * recorded);
}
void BM_RecordNumbersPlain(benchmark::State& state) { record_numbers(state, false); }
void BM_RecordNumbersNarrowed(benchmark::State& state) { record_numbers(state, true); }
BENCHMARK(BM_RecordNumbersPlain);
BENCHMARK(BM_RecordNumbersNarrowed);

// The reference evaluator: one run of the trace until its first exit.
void BM_Evaluate(benchmark::State& state) {
  testing::TestBinding tb;
  testing::BuiltTrace built = testing::build(trace_recipe(), tb);
  ir::EvalResult probe = ir::evaluate(built.trace, tb.binding(), built.state, {.max_iterations = 20});
  state.counters["exit_ref"] = static_cast<double>(probe.guard - ir::kRefBias);
  state.counters["iterations"] = probe.iterations;
  for (auto _ : state)
    benchmark::DoNotOptimize(ir::evaluate(built.trace, tb.binding(), built.state, {.max_iterations = 20}));
}
BENCHMARK(BM_Evaluate);

}  // namespace
}  // namespace lj::opt
