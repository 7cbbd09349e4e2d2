// The x86-64 trace ABI: how C++ enters machine code, how machine code leaves
// it through an exit, how traces are linked to each other, and how errors in
// helpers called from machine code reach C++. IR-independent: the assembler
// and the VM build on it; nothing here knows about Lua. docs/trace_abi.md has
// the pictures and the measurements.
//
// Registers while a trace runs
//   rsp  fixed for the whole trace: 16-byte aligned, the spill area is
//        [rsp, rsp + kSpillBytes). Helpers are called with a plain `call`.
//   r14  kContextReg: the TraceContext*. Reserved: never allocated, never
//        written by trace code. The exit path reads it; it is callee-saved,
//        so helper calls keep it.
//   r15  kBaseReg: TraceContext::base at entry (the value stack's base). The
//        allocator may reuse it once the base is no longer needed (it can be
//        reloaded from the context); exits do not rely on it.
//   everything else (14 GPRs, 16 XMMs) belongs to the register allocator.
//
// Entry: TraceAbi::enter(code, ctx) calls a generated trampoline that pushes
// the six callee-saved GPRs, reserves the spill area, loads r14/r15 and jumps
// to `code`. Machine code never returns to the trampoline directly: it leaves
// only through an exit.
//
// Exits: each trace has exit numbers 0..n-1 (LuaJIT's snapshot numbers). The
// assembler emits the trace's stub block with emit_exit_stubs(), before the
// code that branches to it (code is generated backwards, so the block ends up
// after the trace's code, in the same window). A block is groups of 32 stubs
// (`push i; jmp short tail`, 4 bytes; the last one falls through), each group
// ending in `push (trace << 8 | group)` and `jmp [rip + literal]` to the common
// exit handler. The common handler saves every GPR and the low 64 bits of
// every XMM into an ExitState on the C stack, calls ctx->exit_handler(ctx,
// trace, exit, state) with the SysV ABI, and returns its value from enter(),
// restoring the callee-saved registers. Stubs are per trace (not per area or
// global, as in LuaJIT): areas may be up to 4 GB apart, so shared stubs could
// be out of rel32 reach; per-trace stubs are always near, carry the trace
// number (no store at trace entry), and vanish with the trace on a flush.
//
// Links: guards are `jcc rel32` to a stub (Encoder::jcc_rel32 returns the
// branch's end address); a trace ends with `jmp rel32` (loop, root, stitch).
// retarget_branch() re-points either kind through the mcode space's patcher
// (W^X respected): to a side trace, to another trace's entry, or back to the
// stub.
//
// Errors: a helper that can fail is called through guarded<Fn>, a noexcept
// wrapper that catches any C++ exception, stores it in the TraceContext and
// sets ctx->helper_failed. The trace checks that flag right after the call
// (emit_helper_failure_guard) and exits through the exit whose snapshot
// covers the call; the exit handler sees ctx->has_pending_error() and the VM
// restores that snapshot and re-raises the error in the interpreter
// (TraceContext::rethrow_pending_error, once enter() has returned). So no
// C++ exception ever unwinds through machine code, and the generated code
// needs no unwind tables. The exit handler is noexcept for the same reason.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <type_traits>

#include "lj/asm/mcode.h"
#include "lj/asm/x64/code_buffer.h"
#include "lj/asm/x64/encoder.h"
#include "lj/asm/x64/operand.h"

namespace lj::x64 {

inline constexpr Gp kContextReg = r14;
inline constexpr Gp kBaseReg = r15;

// The fixed spill area every trace finds at [rsp, rsp + kSpillBytes): 256
// slots of 8 bytes ("too many spill slots" beyond that).
inline constexpr int kSpillSlots = 256;
inline constexpr int kSpillBytes = kSpillSlots * 8;

// Stubs per group (LuaJIT's EXITSTUBS_PER_GROUP) and the most exits a trace
// may have: the group number is pushed as a signed byte.
inline constexpr int kExitsPerGroup = 32;
inline constexpr int kMaxExits = 128 * kExitsPerGroup;
// Trace numbers start at 1 and must fit 23 bits (they share a push imm32).
inline constexpr uint32_t kMaxTraceNumber = (1u << 23) - 1;

// Every register as the machine code left it at the exit.
struct ExitState {
  uint64_t gpr[16];        // hardware order (rax, rcx, ...); gpr[rsp] = the trace's rsp
  double fpr[16];          // low 64 bits of xmm0..xmm15
  uint8_t* spill;          // the trace's spill area (== gpr[kRsp]); on the C
                           // stack, so valid only while the exit handler runs
  uint32_t exit_number;    // 0..n-1 within the trace
  uint32_t trace_number;   // as given to emit_exit_stubs

  uint64_t spill_slot(int slot) const;
  uint64_t fpr_bits(int id) const;
};
static_assert(sizeof(ExitState) % 16 == 0, "the exit frame keeps the stack 16-byte aligned");

struct TraceContext;

// Called by the common exit handler on the machine stack of the trace; its
// result is what TraceAbi::enter returns. Must not throw (no unwind info in
// machine code); record errors in the context instead.
using ExitHandlerFn = uint64_t (*)(TraceContext* ctx, uint32_t trace, uint32_t exit,
                                   ExitState* state) noexcept;

// What machine code finds in r14. The fields the generated code touches come
// first; their offsets are part of the ABI.
struct TraceContext {
  void* base = nullptr;                  // loaded into r15 at entry
  ExitHandlerFn exit_handler = nullptr;  // called at every exit
  void* user = nullptr;                  // the VM's own state
  uint8_t helper_failed = 0;             // set by guarded<>, checked after calls
  // A helper's yes/no answer beside its result, checked by a guard after the
  // call (STRTO: the string held a number), as LuaJIT's lj_strscan_num's.
  uint8_t helper_answer = 0;
  std::exception_ptr pending_error;      // the error a guarded helper caught

  bool has_pending_error() const { return helper_failed != 0; }
  // Records `error`; the trace's next helper-failure guard exits.
  void fail(std::exception_ptr error) noexcept;
  // Clears the error and throws it (call only from C++ code, after enter()).
  [[noreturn]] void rethrow_pending_error();
};
static_assert(std::is_standard_layout_v<TraceContext>);

// Where one trace's exit stubs are: exit i jumps to address(i).
struct ExitStubs {
  uint64_t block = 0;  // first byte of the stub block
  uint32_t count = 0;
  uint32_t trace_number = 0;

  uint64_t address(uint32_t exit) const;
  // Bytes of a block holding `count` exits (the assembler sizes windows).
  static size_t block_bytes(uint32_t count);
};

// Emits the stub block for exits 0..count-1 of `trace_number` into `buffer`
// (forwards from, or backwards to, its emission point), jumping to
// `exit_handler` (TraceAbi::exit_handler_address()). If it does not fit the
// buffer overflows (CodeBuffer::overflowed) and the result is invalid.
ExitStubs emit_exit_stubs(CodeBuffer& buffer, uint32_t trace_number, uint32_t count,
                          uint64_t exit_handler);

// After a call to a guarded helper: exit through `stub` if it failed.
// Returns the guard branch's end (it is an ordinary, patchable exit branch).
uint64_t emit_helper_failure_guard(Encoder& encoder, uint64_t stub);

// Re-points the rel32 jcc or jmp that ends at `branch_end` to `target`
// (side-trace link, trace-to-trace link, or back to its exit stub). False,
// and nothing changed, if `target` is beyond rel32 reach of the branch.
bool retarget_branch(mcode::McodeSpace& space, uint64_t branch_end, uint64_t target);

// Where a rel32 branch ending at `branch_end` currently jumps.
uint64_t branch_target(uint64_t branch_end);

// The entry trampoline and the common exit handler, generated once into an
// mcode area of their own (a VM flushing its trace space keeps them).
class TraceAbi {
 public:
  TraceAbi();
  TraceAbi(const TraceAbi&) = delete;
  TraceAbi& operator=(const TraceAbi&) = delete;

  // Runs the machine code at `trace_code` with `ctx` in r14 and ctx->base in
  // r15, until it leaves through an exit; returns the exit handler's value.
  uint64_t enter(uint64_t trace_code, TraceContext* ctx) const { return trampoline_(trace_code, ctx); }

  uint64_t trampoline_address() const { return reinterpret_cast<uint64_t>(trampoline_); }
  uint64_t exit_handler_address() const { return exit_handler_; }

 private:
  using Trampoline = uint64_t (*)(uint64_t trace_code, TraceContext* ctx);
  mcode::McodeSpace space_;
  Trampoline trampoline_ = nullptr;
  uint64_t exit_handler_ = 0;
};

// A helper that may throw, made callable from machine code: the trace calls
// guarded<Fn>::call (same arguments, the TraceContext first, i.e. rdi = r14),
// then emit_helper_failure_guard. On an exception the result is a zero value.
template <auto Fn>
struct guarded;

template <typename Result, typename... Args, Result (*Fn)(TraceContext*, Args...)>
struct guarded<Fn> {
  static Result call(TraceContext* ctx, Args... args) noexcept {
    try {
      return Fn(ctx, args...);
    } catch (...) {
      ctx->fail(std::current_exception());
    }
    if constexpr (!std::is_void_v<Result>) return Result{};
  }
  static uint64_t address() { return reinterpret_cast<uint64_t>(&call); }
};

}  // namespace lj::x64
