// Assembler component benchmark: time to assemble one trace of about 500 IR
// instructions (register allocation, lowering, encoding, mcode reserve and
// commit), per trace and per IR instruction, and machine-code bytes per IR
// instruction. Figures: docs/assembler.md.
//   bazel run -c opt //testing/asm:assembler_benchmark
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>

#include "lj/asm/mcode.h"
#include "lj/asm/x64/assembler.h"
#include "lj/ir/builder.h"
#include "testing/asm/asm_trace_gen.h"
#include "testing/asm/trace_run.h"

namespace lj::testing {
namespace {

// A deterministic recipe (an LCG picks the steps) whose optimized trace has
// about `target` instructions; `loops` adds LOOP, PHIs and a copied body.
// Without `math` the steps are of the kinds the rows measured before math
// steps existed (kinds below kMathStepKind), so their figures compare.
ir::Trace make_trace(uint32_t target, bool loops, bool memory_heavy = false, bool math = false,
                     bool strings = false) {
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
    if (!math) s.kind %= kMathStepKind;
    // With strings, one step in three is a string step (from the memory share).
    if (strings && s.kind % 3 == 1) s.kind = kStringStepKind;
    else if (memory_heavy && s.kind % 3 != 0) s.kind = kMemoryStepKind;
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

// Assembles `trace` over and over (flushing the space now and then),
// reporting time and bytes per IR instruction; returns the loop body's
// bytes (0 without a loop).
size_t measure_assembly(benchmark::State& state, const ir::Trace& trace, const x64::AssembleOptions& options) {
  mcode::McodeSpace space;
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
    body_bytes = code.loop ? code.code_end - code.loop : 0;
    benchmark::DoNotOptimize(code.entry);
  }
  state.SetItemsProcessed(state.iterations() * instructions);
  state.counters["ir_ins"] = static_cast<double>(instructions);
  state.counters["bytes_per_ir"] = static_cast<double>(bytes) / static_cast<double>(instructions);
  return body_bytes;
}

// Arguments: loop (0/1), memory-heavy (0/1), fuse loads into their users
// (0/1), math steps (0/1: MOD/POW/LDEXP/log through helper calls, TOBIT;
// int DIV/POW, FLOAT calls; every step kind), string steps (0/1: one step in
// three TOSTR, STRTO, SNEW, buffer chains).
void BM_AssembleTrace(benchmark::State& state) {
  const bool loops = state.range(0) != 0;
  const bool memory_heavy = state.range(1) != 0;
  const bool math = state.range(3) != 0;
  const ir::Trace trace = make_trace(500, loops, memory_heavy, math, state.range(4) != 0);
  x64::AssembleOptions options = test_options();
  options.binding = &asm_binding();
  options.layout = &TestHeap::layout(asm_binding());
  options.fuse_loads = state.range(2) != 0;
  measure_assembly(state, trace, options);
  const int64_t instructions = trace.nins() - ir::kRefBias - 1;
  state.counters["ns_per_ir"] = benchmark::Counter(
      static_cast<double>(state.iterations() * instructions),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  std::string label = loops ? "loop" : "straight";
  if (memory_heavy) label += options.fuse_loads ? ", memory, fused" : ", memory, not fused";
  if (math) label += ", math helpers";
  if (state.range(4)) label += ", strings";
  state.SetLabel(label);
}
BENCHMARK(BM_AssembleTrace)
    ->Args({0, 0, 1, 0, 0})
    ->Args({1, 0, 1, 0, 0})
    ->Args({0, 1, 0, 0, 0})
    ->Args({0, 1, 1, 0, 0})
    ->Args({1, 1, 0, 0, 0})
    ->Args({1, 1, 1, 0, 0})
    ->Args({0, 1, 1, 1, 0})
    ->Args({1, 1, 1, 1, 0})
    ->Args({0, 1, 1, 1, 1})
    ->Args({1, 1, 1, 1, 1})
    ->Unit(benchmark::kMicrosecond);

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

// A looping trace's figures add its loop body's bytes.
void measure_loop(benchmark::State& state, const ir::Trace& trace, const x64::AssembleOptions& options) {
  state.counters["loop_body_bytes"] = static_cast<double>(measure_assembly(state, trace, options));
}

void BM_AssembleForLoop(benchmark::State& state) {
  measure_loop(state, make_for_loop(), test_options());
}
BENCHMARK(BM_AssembleForLoop)->Unit(benchmark::kMicrosecond);

// s = s + t[i] + t[i+1] + ... + t[i+7], i = i + 8, as a loop: each load is
// read once, by an ADD, so FUSE turns `movsd x, [t+8i]; addsd s, x` into
// `addsd s, [t+8i]` (the load keeps its type check).
ir::Trace make_array_sum() {
  using ir::IrType;
  using ir::Op;
  using ir::Ref;
  using ir::SnapEntry;
  using ir::Type;
  ir::Trace t;
  ir::Builder b(t);
  const ir::Binding& binding = asm_binding();
  b.snapshot(0, 4, 4, {});
  const Ref tab = b.emit(Op::SLOAD, Type::guarded(IrType::TAB), 1, ir::sload::kTypeCheck);
  const Ref s0 = b.emit(Op::SLOAD, Type::guarded(IrType::NUM), 2, ir::sload::kTypeCheck);
  const Ref i0 = b.emit(Op::SLOAD, Type(IrType::INT), 3, ir::sload::kConvert);
  const Ref array = b.emit(Op::FLOAD, Type(IrType::P64), tab, *binding.field_by_name("tab.array"));
  auto iteration = [&](Ref i, Ref s, uint64_t pc) {
    const SnapEntry entries[] = {SnapEntry::make(2, 0, s), SnapEntry::make(3, 0, i)};
    b.snapshot(pc, 4, 4, entries);
    for (int k = 0; k < 8; ++k) {
      const Ref index = k ? b.emit(Op::ADD, Type(IrType::INT), i, b.kint(k)) : i;
      const Ref v = b.emit(Op::ALOAD, Type::guarded(IrType::NUM), b.emit(Op::AREF, Type(IrType::P64), array, index), 0);
      s = b.emit(Op::ADD, Type(IrType::NUM), s, v);
    }
    const Ref next = b.emit(Op::ADD, Type(IrType::INT), i, b.kint(8));
    b.emit(Op::LT, Type::guarded(IrType::INT), next, b.kint(1000));
    return std::pair{next, s};
  };
  const auto [i1, s1] = iteration(i0, s0, 1);
  b.emit(Op::LOOP, Type(IrType::NIL));
  const auto [i2, s2] = iteration(i1, s1, 2);
  t[b.emit(Op::PHI, Type(IrType::INT), i1, i2)].t.set_phi();
  t[b.emit(Op::PHI, Type(IrType::NUM), s1, s2)].t.set_phi();
  return t;
}

void BM_AssembleArraySum(benchmark::State& state) {
  x64::AssembleOptions options = test_options();
  options.binding = &asm_binding();
  options.layout = &TestHeap::layout(asm_binding());
  options.fuse_loads = state.range(0) != 0;
  measure_loop(state, make_array_sum(), options);
  state.SetLabel(options.fuse_loads ? "fused" : "not fused");
}
BENCHMARK(BM_AssembleArraySum)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace lj::testing
