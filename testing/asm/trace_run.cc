#include "testing/asm/trace_run.h"

#include "lj/asm/x64/cpu.h"

namespace lj::testing {

namespace {

// Records the exit in the TraceExit that ctx->user points to.
uint64_t record_exit(x64::TraceContext* ctx, uint32_t, uint32_t exit, x64::ExitState* state) noexcept {
  auto* run = static_cast<TraceExit*>(ctx->user);
  run->exit = exit;
  run->values = x64::recover_snapshot(*run->trace, *run->code, exit, *state);
  return 0;
}

}  // namespace

const x64::TraceAbi& test_abi() {
  static const x64::TraceAbi instance;
  return instance;
}

x64::AssembleOptions test_options() {
  x64::AssembleOptions o;
  o.exit_handler = test_abi().exit_handler_address();
  o.use_sse4_1 = x64::cpu_features().sse4_1;
  return o;
}

TraceExit run_trace(const ir::Trace& trace, const x64::AssembledTrace& code, uint64_t* stack,
                    x64::TraceContext& ctx) {
  TraceExit run{&trace, &code, 0, {}};
  ctx.base = stack;
  ctx.exit_handler = record_exit;
  ctx.user = &run;
  test_abi().enter(code.entry, &ctx);
  return run;
}

}  // namespace lj::testing
