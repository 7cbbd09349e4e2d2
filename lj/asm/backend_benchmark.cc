// Component benchmarks for the backend's IR-independent parts: encoder
// throughput (ns per instruction, backwards and forwards) and the per-trace
// cost of the mcode space's protection (reserve + commit) and of patching an
// exit branch, under both W^X strategies. Figures: docs/mcode.md and
// docs/x64_encoder.md.
#include <benchmark/benchmark.h>

#include <vector>

#include "lj/asm/mcode.h"
#include "lj/asm/x64/encoder.h"

namespace lj {
namespace {

using x64::CodeBuffer;
using x64::Cond;
using x64::Direction;
using x64::Encoder;
using x64::Mem;

// The kind of code a trace is made of: loads with type checks, integer and
// FP arithmetic, guards, stores. 16 instructions.
void emit_typical_block(Encoder& e, uint64_t exit_target) {
  e.mov(x64::rax, Mem::at(x64::rdx, 8));
  e.mov(x64::r11, x64::rax);
  e.sar(x64::r11, 47);
  e.cmp(x64::r11d, -14);
  e.jcc(Cond::kNE, exit_target);
  e.movq(x64::xmm(0), x64::rax);
  e.addsd(x64::xmm(0), Mem::at(x64::rdx, 16));
  e.cvttsd2si(x64::ecx, x64::xmm(0));
  e.add(x64::ecx, 1);
  e.jcc(Cond::kO, exit_target);
  e.lea(x64::r8, Mem::at(x64::rbx, x64::rcx, 8, 0x10));
  e.movsd(Mem::at(x64::r8, 0), x64::xmm(0));
  e.mov(x64::r9, Mem::at(x64::r14, x64::r12, 8, -8));
  e.imul(x64::eax, x64::ecx, 10);
  e.test(x64::eax, x64::eax);
  e.jcc(Cond::kL, exit_target);
}
constexpr int kBlockInstructions = 16;

void BM_EncodeTypicalInstructions(benchmark::State& state) {
  const Direction direction = state.range(0) == 0 ? Direction::kBackward : Direction::kForward;
  std::vector<uint8_t> memory(1 << 16);
  int64_t instructions = 0;
  for (auto _ : state) {
    CodeBuffer buffer = CodeBuffer::in_place(memory.data(), memory.size(), direction);
    Encoder encoder(buffer);
    const uint64_t exit_target = buffer.position();
    // 64 KB hold about 200 blocks; stay below so nothing overflows.
    for (int block = 0; block < 128; ++block) emit_typical_block(encoder, exit_target);
    benchmark::DoNotOptimize(memory.data());
    instructions += 128 * kBlockInstructions;
  }
  state.SetItemsProcessed(instructions);
  state.SetLabel(direction == Direction::kBackward ? "backward" : "forward");
}
BENCHMARK(BM_EncodeTypicalInstructions)->Arg(0)->Arg(1);

// One trace of `bytes` of code: reserve, write, commit. When the space is
// full it is flushed and a new area mapped outside the timed region.
void BM_TraceInstall(benchmark::State& state) {
  mcode::Options options;
  options.protection = state.range(0) == 0 ? mcode::Protection::kDoubleMap : mcode::Protection::kMprotect;
  options.max_total_kb = 64;
  const int instructions = static_cast<int>(state.range(1));
  mcode::McodeSpace space(options);
  int64_t traces = 0;
  for (auto _ : state) {
    mcode::Window window;
    if (space.reserve(&window) != mcode::Status::kOk) state.SkipWithError("reserve failed");
    CodeBuffer buffer(window.write_lo, window.exec_lo, window.size(), Direction::kBackward);
    Encoder encoder(buffer);
    encoder.ret();
    for (int i = 1; i < instructions; ++i) encoder.add(x64::eax, 1);
    space.commit(buffer.code_begin());
    ++traces;
    if (buffer.code_begin() - window.exec_lo < 8192) {
      state.PauseTiming();
      space.flush();
      space.reserve(&window);  // map the next area untimed
      space.abort();
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(traces);
  state.SetLabel(options.protection == mcode::Protection::kDoubleMap ? "double map" : "mprotect");
}
BENCHMARK(BM_TraceInstall)->Args({0, 1})->Args({1, 1})->Args({0, 500})->Args({1, 500});

// Re-targeting an exit branch of committed code (side-trace link).
void BM_PatchExitBranch(benchmark::State& state) {
  mcode::Options options;
  options.protection = state.range(0) == 0 ? mcode::Protection::kDoubleMap : mcode::Protection::kMprotect;
  mcode::McodeSpace space(options);
  mcode::Window window;
  space.reserve(&window);
  CodeBuffer buffer(window.write_lo, window.exec_lo, window.size(), Direction::kBackward);
  Encoder encoder(buffer);
  encoder.ret();
  const uint64_t branch_end = encoder.jcc_rel32(Cond::kNE, buffer.position());
  space.commit(buffer.code_begin());
  int32_t rel = 0;
  for (auto _ : state) {
    space.patch(branch_end - 4, &rel, 4);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(options.protection == mcode::Protection::kDoubleMap ? "double map" : "mprotect");
}
BENCHMARK(BM_PatchExitBranch)->Arg(0)->Arg(1);

}  // namespace
}  // namespace lj
