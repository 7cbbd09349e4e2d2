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

// How the front end lays out what memory ops reach beyond its field table
// (FLOAD/FREF/FSTORE offsets come from ir::FieldInfo): tables' array and
// hash parts, hash nodes, upvalues, and the helpers for what is not inline.
// Values in arrays, hash nodes and upvalues are 8-byte NaN-boxed slots
// (ir::nanbox); GC values in registers are their raw 47-bit pointers.
struct ObjectLayout {
  int32_t table_array = 0;    // table -> pointer to its array slots (AREF on a table)
  int32_t table_node = 0;     // table -> pointer to its hash nodes (HREFK on a table)
  int32_t node_size = 24;     // hash node stride
  int32_t node_value = 0;     // node -> its value slot
  int32_t node_key = 8;       // node -> its boxed key
  int32_t func_upvalues = 0;  // function -> inline array of upvalue-object pointers
  int32_t upvalue_value = 0;  // upvalue object -> pointer to the slot it holds
  // Helpers, SysV, the TraceContext* first; 0 = not available (NYI). Those
  // marked "can fail" are guarded<> helpers: the trace checks
  // ctx->helper_failed after the call and exits (trace_abi.h).
  uint64_t href = 0;    // uint64_t* (ctx, table, boxed key): the key's slot, or a nil slot
  uint64_t newref = 0;  // can fail: uint64_t* (ctx, table, boxed key): a new (nil) slot
  uint64_t tnew = 0;    // can fail: table (ctx, uint32_t asize, uint32_t hbits)
  uint64_t tdup = 0;    // can fail: table (ctx, template table)
  // GCSTEP: the address of {uint64_t total, threshold}; when total >=
  // threshold the trace calls gc_step (can fail: void (ctx)).
  uint64_t gc_counters = 0;
  uint64_t gc_step = 0;
  // Upvalue guards (UREFO: still open; UREFC: closed) and UREFC's address:
  // offsets into an upvalue object, < 0 when not available (NYI).
  int32_t upvalue_closed = -1;  // a byte, nonzero once closed
  int32_t upvalue_cell = -1;    // the value cell a closed upvalue holds
  // Write barriers (ir::gc_marked colour bits; < 0 / 0: NYI). TBAR inline:
  // a black table loses its black bit and is pushed on the gray-again list
  // (its head at gc_grayagain, linked through gc_list). OBAR calls
  // barrier_upvalue(ctx, uint64_t* cell, object), which marks the object
  // when the upvalue is black and the object white.
  int32_t gc_marked = -1;       // GC object -> its colour byte
  int32_t gc_list = -1;         // table -> its gray-list link
  int32_t upvalue_marked = -1;  // upvalue object -> its colour byte
  uint64_t gc_grayagain = 0;
  uint64_t barrier_upvalue = 0;
  // Strings (a string's length is the binding's "str.len" field) and string
  // buffers (their length at buffer_length, their bytes at string_data, as
  // a string's). STRREF is `lea [str + string_data + offset]`; BUFHDR RESET
  // zeroes the buffer's 32-bit length inline (APPEND and WRITE keep it);
  // the rest are helpers, all but str_to_num able to fail (out of memory).
  // < 0 / 0: NYI.
  int32_t string_data = -1;
  int32_t buffer_length = -1;
  uint64_t str_new = 0;        // string (ctx, const char* bytes, int32_t length)   [SNEW]
  uint64_t str_from_int = 0;   // string (ctx, int32_t)                             [TOSTR INT]
  uint64_t str_from_num = 0;   // string (ctx, double)                              [TOSTR NUM]
  uint64_t str_from_char = 0;  // string (ctx, int32_t): one byte                   [TOSTR CHAR]
  // double (ctx, string): sets ctx->helper_answer to whether it was a number.
  uint64_t str_to_num = 0;     // [STRTO, a guard on the answer]
  uint64_t buf_put = 0;        // buffer (ctx, buffer, string): appends             [BUFPUT]
  // BUFPUT of a TOSTR nothing else reads, fused (LuaJIT's lj_strfmt_putint,
  // putnum, lj_buf_putchar): the value formatted straight into the buffer.
  uint64_t buf_put_int = 0;    // buffer (ctx, buffer, int32_t)                     [BUFPUT of TOSTR INT]
  uint64_t buf_put_num = 0;    // buffer (ctx, buffer, double)                      [BUFPUT of TOSTR NUM]
  uint64_t buf_put_char = 0;   // buffer (ctx, buffer, int32_t): one byte           [BUFPUT of TOSTR CHAR]
  uint64_t buf_str = 0;        // string (ctx, buffer): its contents interned       [BUFSTR]
};

struct AssembleOptions {
  uint32_t trace_number = 1;
  uint64_t exit_handler = 0;  // TraceAbi::exit_handler_address()
  bool use_sse4_1 = true;     // roundsd for floor/ceil/trunc (else NYI)
  // The front end's call table, for CALL* (address, result); a trace with
  // calls and no binding aborts with NYI.
  const ir::Binding* binding = nullptr;
  // Memory ops beyond SLOAD/FLOAD/FSTORE need it (else NYI).
  const ObjectLayout* layout = nullptr;
  // FUSE: a load read only by one ALU/compare instruction becomes that
  // instruction's memory operand (off: for measuring the difference).
  bool fuse_loads = true;
};

// Assembles `trace` into `space` (reserve, emit, commit). Throws
// regalloc::AsmAbort for what it cannot assemble; the space is then left as
// it was (the reservation aborted).
AssembledTrace assemble(const ir::Trace& trace, mcode::McodeSpace& space,
                        const AssembleOptions& options);

// Snapshot value recovery at an exit: the value of every entry of snapshot
// `exit` (slot, value as the IR types it: INT stays INT), read from the
// ExitState's registers, the spill area, or the trace's constants. A sunk
// allocation (ir::Trace::is_sunk) has no object: it comes back as the
// placeholder {its type, kSunkPlaceholder | ref}, and the caller rebuilds it
// as the evaluator does — a new object with every sunk store into it before
// the snapshot replayed, the stored values read with recover_value (the
// assembler keeps them recoverable at every exit whose snapshot names it).
inline constexpr uint64_t kSunkPlaceholder = uint64_t{1} << 62;

// The value of one reference at an exit (constants included).
ir::Value recover_value(const ir::Trace& trace, const AssembledTrace& code, ir::Ref ref,
                        const ExitState& state);

std::vector<std::pair<int32_t, ir::Value>> recover_snapshot(const ir::Trace& trace,
                                                            const AssembledTrace& code,
                                                            uint32_t exit,
                                                            const ExitState& state);

}  // namespace lj::x64
