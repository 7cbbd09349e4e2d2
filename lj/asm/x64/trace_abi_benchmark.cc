// Exit round trip: C++ enters a trace through the trampoline, the trace takes
// an exit at once, the common handler fills the ExitState and calls the C++
// exit handler, and enter() returns. Compared in docs/trace_abi.md with the
// 25-50 ns a taken exit costs the reference LuaJIT.
#include <benchmark/benchmark.h>

#include "lj/asm/mcode.h"
#include "lj/asm/x64/encoder.h"
#include "lj/asm/x64/trace_abi.h"

namespace lj::x64 {
namespace {

uint64_t count_exit(TraceContext* ctx, uint32_t, uint32_t exit, ExitState* state) noexcept {
  ++*static_cast<uint64_t*>(ctx->user);
  return state->gpr[kRax] + exit;
}

// A trace that loads one value, fails its guard, and exits through exit 5.
uint64_t write_exiting_trace(mcode::McodeSpace& space, const TraceAbi& abi) {
  mcode::Window window;
  if (space.reserve(&window) != mcode::Status::kOk) return 0;
  CodeBuffer buffer(window.write_lo, window.exec_lo, window.size(), Direction::kForward);
  Encoder e(buffer);
  const ExitStubs stubs = emit_exit_stubs(buffer, 1, 8, abi.exit_handler_address());
  const uint64_t entry = buffer.position();
  e.mov(rax, Mem::at(kBaseReg, 0));
  e.test(rax, rax);
  e.jcc_rel32(Cond::kNE, stubs.address(5));
  e.ud2();
  // Forward code sits at the window's bottom: commit the whole window.
  space.commit(window.exec_lo);
  return entry;
}

void BM_ExitRoundTrip(benchmark::State& state) {
  const TraceAbi abi;
  mcode::McodeSpace space;
  const uint64_t entry = write_exiting_trace(space, abi);
  uint64_t value = 1;
  uint64_t exits = 0;
  TraceContext ctx;
  ctx.base = &value;
  ctx.exit_handler = &count_exit;
  ctx.user = &exits;
  for (auto _ : state) benchmark::DoNotOptimize(abi.enter(entry, &ctx));
  if (exits != static_cast<uint64_t>(state.iterations())) state.SkipWithError("an exit was lost");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ExitRoundTrip);

int64_t add_one(TraceContext*, int64_t value) { return value + 1; }

// A trace calling a helper 1000 times in a loop, then exiting; with `guarded`
// the call goes through the catching wrapper and is followed by the
// helper-failure guard, the price of the error mechanism (docs/trace_abi.md).
constexpr int kCallsPerTrace = 1000;
uint64_t write_calling_trace(mcode::McodeSpace& space, const TraceAbi& abi, bool guarded_call) {
  mcode::Window window;
  if (space.reserve(&window) != mcode::Status::kOk) return 0;
  CodeBuffer buffer(window.write_lo, window.exec_lo, window.size(), Direction::kForward);
  Encoder e(buffer);
  const ExitStubs stubs = emit_exit_stubs(buffer, 1, 2, abi.exit_handler_address());
  const uint64_t entry = buffer.position();
  const uint64_t helper =
      guarded_call ? guarded<&add_one>::address() : reinterpret_cast<uint64_t>(&add_one);
  e.mov(rbx, kCallsPerTrace);
  e.mov(rax, 0);
  const uint64_t loop = buffer.position();
  e.mov(rdi, kContextReg);
  e.mov(rsi, rax);
  e.mov_imm64(r11, helper);
  e.call(r11);
  if (guarded_call) emit_helper_failure_guard(e, stubs.address(1));
  e.sub(rbx, 1);
  e.jcc(Cond::kNE, loop);
  e.jmp_rel32(stubs.address(0));
  space.commit(window.exec_lo);
  return entry;
}

void BM_HelperCallFromTrace(benchmark::State& state) {
  const bool guarded_call = state.range(0) != 0;
  const TraceAbi abi;
  mcode::McodeSpace space;
  const uint64_t entry = write_calling_trace(space, abi, guarded_call);
  uint64_t exits = 0;
  TraceContext ctx;
  ctx.exit_handler = &count_exit;
  ctx.user = &exits;
  for (auto _ : state) {
    if (abi.enter(entry, &ctx) != kCallsPerTrace) state.SkipWithError("wrong helper result");
  }
  state.SetItemsProcessed(state.iterations() * kCallsPerTrace);
  state.SetLabel(guarded_call ? "guarded + failure guard" : "plain call");
}
BENCHMARK(BM_HelperCallFromTrace)->Arg(0)->Arg(1);

}  // namespace
}  // namespace lj::x64
