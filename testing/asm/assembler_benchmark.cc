// Assembler component benchmark: time to assemble one trace of about 500 IR
// instructions (register allocation, lowering, encoding, mcode reserve and
// commit), per trace and per IR instruction, and machine-code bytes per IR
// instruction. Figures: docs/assembler.md.
//   bazel run -c opt //testing/asm:assembler_benchmark
#include <benchmark/benchmark.h>

#include <cstdint>

#include "lj/asm/mcode.h"
#include "lj/asm/x64/assembler.h"
#include "lj/asm/x64/cpu.h"
#include "lj/asm/x64/trace_abi.h"
#include "lj/ir/builder.h"
#include "testing/asm/asm_trace_gen.h"

namespace lj::testing {
namespace {

// A deterministic recipe (an LCG picks the steps) whose optimized trace has
// about `target` instructions; `loops` adds LOOP, PHIs and a copied body.
ir::Trace make_trace(uint32_t target, bool loops) {
  AsmRecipe recipe;
  recipe.loops = loops;
  recipe.rotate = loops;
  recipe.calm = false;
  recipe.trip = 100;
  for (size_t i = 0; i < recipe.inputs.size(); ++i) recipe.inputs[i] = static_cast<uint8_t>(i + 2);
  uint32_t seed = 12345;
  auto next = [&] { seed = seed * 1103515245u + 12345u; return seed >> 8; };
  for (;;) {
    AsmStep s;
    s.kind = static_cast<uint8_t>(next());
    s.op = static_cast<uint8_t>(next());
    s.a = static_cast<uint16_t>(next());
    s.b = static_cast<uint16_t>(next());
    s.konst = next() & 1;
    s.live = next() & 0x3f;
    s.live_seed = static_cast<uint16_t>(next());
    recipe.steps.push_back(s);
    std::optional<AsmCase> c = build_asm_case(recipe);
    if (c && c->trace.nins() - ir::kRefBias >= target) return std::move(c->trace);
    if (!c) recipe.steps.pop_back();
  }
}

void BM_AssembleTrace(benchmark::State& state) {
  const bool loops = state.range(0) != 0;
  const ir::Trace trace = make_trace(500, loops);
  static const x64::TraceAbi abi;
  mcode::McodeSpace space;
  x64::AssembleOptions options;
  options.exit_handler = abi.exit_handler_address();
  options.use_sse4_1 = x64::cpu_features().sse4_1;
  options.binding = &asm_binding();
  const int64_t instructions = trace.nins() - ir::kRefBias - 1;
  size_t bytes = 0;
  int traces = 0;
  for (auto _ : state) {
    if (++traces % 16 == 0) {
      state.PauseTiming();
      space.flush();
      state.ResumeTiming();
    }
    x64::AssembledTrace code = x64::assemble(trace, space, options);
    bytes = code.code_bytes();
    benchmark::DoNotOptimize(code.entry);
  }
  state.SetItemsProcessed(state.iterations() * instructions);
  state.counters["ir_ins"] = static_cast<double>(instructions);
  state.counters["bytes_per_ir"] = static_cast<double>(bytes) / static_cast<double>(instructions);
  state.counters["ns_per_ir"] = benchmark::Counter(
      static_cast<double>(state.iterations() * instructions),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.SetLabel(loops ? "loop" : "straight");
}
BENCHMARK(BM_AssembleTrace)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// A numeric for loop as LuaJIT records it: i and 12 accumulators carried by
// PHIs, each updated once per iteration (s = s * 0.5 + 1.25), exits naming
// the new i. Every PHI operand can take over its PHI's register (hints):
// the body needs no back-edge moves.
ir::Trace make_for_loop() {
  using ir::IrType;
  using ir::Op;
  using ir::Ref;
  using ir::SnapEntry;
  using ir::Type;
  constexpr int kAccumulators = 12;
  ir::Trace t;
  ir::Builder b(t);
  b.snapshot(0, 16, 16, {});
  const Ref i = b.emit(Op::SLOAD, Type(IrType::INT), 1, ir::sload::kConvert);
  std::vector<Ref> s;
  for (int k = 0; k < kAccumulators; ++k)
    s.push_back(b.emit(Op::SLOAD, Type::guarded(IrType::NUM), static_cast<uint16_t>(2 + k), ir::sload::kTypeCheck));
  auto iteration = [&](Ref counter, std::vector<Ref> acc, uint64_t pc) {
    const Ref next = b.emit(Op::ADD, Type(IrType::INT), counter, b.kint(1));
    std::vector<SnapEntry> entries{SnapEntry::make(1, 0, next)};
    for (int k = 0; k < kAccumulators; ++k) entries.push_back(SnapEntry::make(static_cast<uint32_t>(2 + k), 0, acc[k]));
    b.snapshot(pc, 16, 16, entries);
    b.emit(Op::LT, Type::guarded(IrType::INT), next, b.kint(1000));
    for (Ref& a : acc)
      a = b.emit(Op::ADD, Type(IrType::NUM), b.emit(Op::MUL, Type(IrType::NUM), a, b.knum(0.5)), b.knum(1.25));
    return std::pair{next, acc};
  };
  const auto [i1, s1] = iteration(i, s, 1);
  b.emit(Op::LOOP, Type(IrType::NIL));
  const auto [i2, s2] = iteration(i1, s1, 2);
  t[b.emit(Op::PHI, Type(IrType::INT), i1, i2)].t.set_phi();
  for (int k = 0; k < kAccumulators; ++k) t[b.emit(Op::PHI, Type(IrType::NUM), s1[k], s2[k])].t.set_phi();
  return t;
}

void BM_AssembleForLoop(benchmark::State& state) {
  const ir::Trace trace = make_for_loop();
  static const x64::TraceAbi abi;
  mcode::McodeSpace space;
  x64::AssembleOptions options;
  options.exit_handler = abi.exit_handler_address();
  options.use_sse4_1 = x64::cpu_features().sse4_1;
  const int64_t instructions = trace.nins() - ir::kRefBias - 1;
  size_t bytes = 0, body_bytes = 0;
  int traces = 0;
  for (auto _ : state) {
    if (++traces % 16 == 0) {
      state.PauseTiming();
      space.flush();
      state.ResumeTiming();
    }
    x64::AssembledTrace code = x64::assemble(trace, space, options);
    bytes = code.code_bytes();
    body_bytes = code.code_end - code.loop;
    benchmark::DoNotOptimize(code.entry);
  }
  state.SetItemsProcessed(state.iterations() * instructions);
  state.counters["ir_ins"] = static_cast<double>(instructions);
  state.counters["bytes_per_ir"] = static_cast<double>(bytes) / static_cast<double>(instructions);
  state.counters["loop_body_bytes"] = static_cast<double>(body_bytes);
}
BENCHMARK(BM_AssembleForLoop)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace lj::testing
