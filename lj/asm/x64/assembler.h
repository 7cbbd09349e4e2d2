// lj::x64 trace assembler: lowers an optimized IR trace to x86-64 machine
// code, backwards (last instruction first) with reverse linear-scan register
// allocation (lj/asm/regalloc.h), into an mcode area, with one exit stub per
// snapshot (lj/asm/x64/trace_abi.h). docs/assembler.md explains the walk,
// the lowering rules and what is not lowered yet.
//
// Machine model the code assumes (the trace ABI's): r15 holds the base of a
// stack of 8-byte NaN-boxed slots (ir::nanbox), slot n at [r15 + 8n]; r14 the
// TraceContext; rsp the spill area. The code leaves only through exits.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "lj/asm/mcode.h"
#include "lj/asm/regalloc.h"
#include "lj/asm/x64/trace_abi.h"
#include "lj/ir/binding.h"
#include "lj/ir/ir.h"

namespace lj::x64 {

// What assembling a trace produced: where its code is and, for every IR
// reference, where its value lives (what exits read snapshot values from).
struct AssembledTrace {
  uint64_t entry = 0;     // first instruction (TraceAbi::enter target)
  uint64_t code_end = 0;  // end of the trace's code (its exit stubs follow)
  uint64_t loop = 0;      // the LOOP label, 0 for a straight trace
  ExitStubs stubs;
  // Guard branch ends by exit number (for linking, and the dump's "->N").
  std::vector<std::pair<uint64_t, uint32_t>> exit_branches;
  ir::Ref nk = 0;
  std::vector<regalloc::Home> homes;  // indexed by ref - nk
  int spill_slots = 0;

  size_t code_bytes() const { return code_end - entry; }
  const regalloc::Home& home(ir::Ref r) const { return homes[r - nk]; }
};

struct AssembleOptions {
  uint32_t trace_number = 1;
  uint64_t exit_handler = 0;  // TraceAbi::exit_handler_address()
  bool use_sse4_1 = true;     // roundsd for floor/ceil/trunc (else NYI)
  // The front end's call table, for CALL* (address, result); a trace with
  // calls and no binding aborts with NYI.
  const ir::Binding* binding = nullptr;
};

// Assembles `trace` into `space` (reserve, emit, commit). Throws
// regalloc::AsmAbort for what it cannot assemble; the space is then left as
// it was (the reservation aborted).
AssembledTrace assemble(const ir::Trace& trace, mcode::McodeSpace& space,
                        const AssembleOptions& options);

// Snapshot value recovery at an exit: the value of every entry of snapshot
// `exit` (slot, value as the IR types it: INT stays INT), read from the
// ExitState's registers, the spill area, or the trace's constants.
std::vector<std::pair<int32_t, ir::Value>> recover_snapshot(const ir::Trace& trace,
                                                            const AssembledTrace& code,
                                                            uint32_t exit,
                                                            const ExitState& state);

}  // namespace lj::x64
