// What the hand-written assembler tests share to assemble and run a trace:
// the process's one trace ABI, the options this CPU allows, and a run that
// records the exit it leaves through.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "lj/asm/x64/assembler.h"
#include "lj/asm/x64/trace_abi.h"
#include "lj/ir/ir.h"

namespace lj::testing {

// Built once: its trampolines live as long as the process.
const x64::TraceAbi& test_abi();

// Exits go to test_abi()'s handler; SSE4.1 rounding where the CPU has it.
x64::AssembleOptions test_options();

// The exit a run left through and its snapshot's recovered values.
struct TraceExit {
  const ir::Trace* trace = nullptr;
  const x64::AssembledTrace* code = nullptr;
  uint32_t exit = 0;
  std::vector<std::pair<int32_t, ir::Value>> values;
};

// Enters `code` with `stack` as its slots through `ctx` (whose other fields,
// such as a pending error, the caller reads afterwards).
TraceExit run_trace(const ir::Trace& trace, const x64::AssembledTrace& code, uint64_t* stack,
                    x64::TraceContext& ctx);

}  // namespace lj::testing
