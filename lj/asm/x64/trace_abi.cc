// The trace ABI's generated code (entry trampoline, common exit handler, exit
// stub blocks) and branch re-targeting. Layout and register conventions are
// documented in trace_abi.h and docs/trace_abi.md.
#include "lj/asm/x64/trace_abi.h"

#include <bit>
#include <cstring>
#include <vector>

#include "lj/base/check.h"

namespace lj::x64 {

namespace {

// The six callee-saved GPRs of the SysV ABI, in the trampoline's push order.
constexpr Gp kCalleeSaved[] = {rbx, rbp, r12, r13, r14, r15};
constexpr int kCalleeSavedCount = 6;

// After the return address and six pushes rsp is 8 mod 16: the spill area
// plus 8 bytes of padding brings it back to a 16-byte boundary.
constexpr int32_t kTrampolineReserve = kSpillBytes + 8;

// The ExitState is built right below the two words the stub pushed.
constexpr int32_t kExitFrame = sizeof(ExitState);
constexpr int32_t kPushedByStub = 16;

// Stub layout: `push imm8` + `jmp rel8` per stub (the last has no jmp), then
// the group tail `push imm32` + `jmp [rip + disp32]`; one 8-byte literal
// holding the common handler's address ends the block.
constexpr size_t kStubBytes = 4;
constexpr size_t kGroupTailBytes = 5 + 6;
constexpr size_t kFullGroupBytes = kExitsPerGroup * kStubBytes - 2 + kGroupTailBytes;
constexpr size_t kLiteralBytes = 8;

// Room reserved for the trampoline and the common exit handler.
constexpr size_t kAbiCodeBytes = 1024;

int32_t gpr_offset(int id) { return static_cast<int32_t>(offsetof(ExitState, gpr) + 8 * id); }
int32_t fpr_offset(int id) { return static_cast<int32_t>(offsetof(ExitState, fpr) + 8 * id); }

// Stubs in group `group` of a block holding `count` exits.
uint32_t stubs_in_group(uint32_t count, uint32_t group) {
  const uint32_t rest = count - group * kExitsPerGroup;
  return rest < kExitsPerGroup ? rest : kExitsPerGroup;
}

// One group: stub i pushes i and jumps to the tail, which pushes the trace
// and group numbers and jumps to the handler through the block's literal.
void emit_stub_group(Encoder& e, uint32_t trace_number, uint32_t group, uint32_t stubs,
                     uint64_t literal) {
  const uint64_t start = e.buffer().position();
  const uint64_t tail = start + kStubBytes * (stubs - 1) + 2;
  // Every stub but the last is `push imm8; jmp rel8` to the tail (the last
  // falls into it): 4 fixed bytes written directly, as traces have hundreds
  // of exits and the general encoder path costs more than the stub.
  static_assert(kExitsPerGroup <= 128 && kStubBytes == 4, "stubs are push imm8; jmp rel8");
  for (uint32_t i = 0; i + 1 < stubs; ++i) {
    const uint64_t end = e.buffer().position() + kStubBytes;
    const uint8_t stub[kStubBytes] = {0x6A, static_cast<uint8_t>(i), 0xEB, static_cast<uint8_t>(tail - end)};
    e.buffer().place(stub, kStubBytes);
  }
  e.push(static_cast<int32_t>(stubs - 1));
  check(e.buffer().position() == tail, "exit stubs are 4 bytes each");
  e.push(static_cast<int32_t>(trace_number << 8 | group));
  e.jmp(Mem::rip(literal));
  check(e.buffer().position() == tail + kGroupTailBytes, "exit group tail is 11 bytes");
}

// Trampoline: save the callee-saved registers, reserve the spill area, load
// the context and base registers, jump into the trace.
void emit_trampoline(Encoder& e) {
  for (Gp reg : kCalleeSaved) e.push(reg);
  e.sub(rsp, kTrampolineReserve);
  e.mov(kContextReg, rsi);
  e.mov(kBaseReg, Mem::at(rsi, offsetof(TraceContext, base)));
  e.jmp(rdi);
}

// Saves every register into the ExitState below the stub's two words, then
// decodes the exit and trace numbers they hold.
void emit_exit_state_fill(Encoder& e) {
  e.sub(rsp, kExitFrame);
  for (int id = 0; id < 16; ++id) {
    if (id != kRsp) e.mov(Mem::at(rsp, gpr_offset(id)), gp64(id));
  }
  for (int id = 0; id < 16; ++id) e.movsd(Mem::at(rsp, fpr_offset(id)), xmm(id));
  e.lea(rax, Mem::at(rsp, kExitFrame + kPushedByStub));
  e.mov(Mem::at(rsp, gpr_offset(kRsp)), rax);
  e.mov(Mem::at(rsp, offsetof(ExitState, spill)), rax);
  // [rsp + frame] = trace << 8 | group, [rsp + frame + 8] = index in group.
  e.mov(eax, Mem::at(rsp, kExitFrame));
  e.movzx(ecx, al);
  e.shr(eax, 8);
  e.mov(Mem::at(rsp, offsetof(ExitState, trace_number)), eax);
  e.shl(ecx, 5);
  e.add(ecx, Mem::at(rsp, kExitFrame + 8));
  e.mov(Mem::at(rsp, offsetof(ExitState, exit_number)), ecx);
}

// The common exit handler: fill the ExitState, call ctx->exit_handler with
// rsp 16-byte aligned, then leave the trampoline's frame with its result.
void emit_exit_handler(Encoder& e) {
  emit_exit_state_fill(e);
  e.mov(rdi, kContextReg);
  e.mov(esi, eax);
  e.mov(edx, ecx);
  e.mov(rcx, rsp);
  e.call(Mem::at(kContextReg, offsetof(TraceContext, exit_handler)));
  e.add(rsp, kExitFrame + kPushedByStub + kTrampolineReserve);
  for (int i = kCalleeSavedCount - 1; i >= 0; --i) e.pop(kCalleeSaved[i]);
  e.ret();
}

// The opcode bytes of the rel32 branch ending at `branch_end`: E9 (jmp) or
// 0F 8x (jcc). Execution views are readable, so they are read in place.
bool is_rel32_branch(uint64_t branch_end) {
  const uint8_t* code = reinterpret_cast<const uint8_t*>(branch_end);
  if (code[-5] == 0xE9) return true;
  return code[-6] == 0x0F && (code[-5] & 0xF0) == 0x80;
}

}  // namespace

// ---- ExitState / TraceContext ------------------------------------------------

uint64_t ExitState::spill_slot(int slot) const {
  check(slot >= 0 && slot < kSpillSlots, "spill slot out of range");
  uint64_t value;
  std::memcpy(&value, spill + 8 * slot, 8);
  return value;
}

uint64_t ExitState::fpr_bits(int id) const { return std::bit_cast<uint64_t>(fpr[id]); }

void TraceContext::fail(std::exception_ptr error) noexcept {
  pending_error = std::move(error);
  helper_failed = 1;
}

void TraceContext::rethrow_pending_error() {
  check(helper_failed != 0 && pending_error != nullptr, "no pending error to rethrow");
  std::exception_ptr error = std::move(pending_error);
  pending_error = nullptr;
  helper_failed = 0;
  std::rethrow_exception(error);
}

// ---- Exit stubs --------------------------------------------------------------

uint64_t ExitStubs::address(uint32_t exit) const {
  check(exit < count, "exit number beyond the trace's stubs");
  return block + (exit / kExitsPerGroup) * kFullGroupBytes + (exit % kExitsPerGroup) * kStubBytes;
}

size_t ExitStubs::block_bytes(uint32_t count) {
  const uint32_t full = count / kExitsPerGroup;
  const uint32_t rest = count % kExitsPerGroup;
  size_t bytes = full * kFullGroupBytes + kLiteralBytes;
  if (rest != 0) bytes += rest * kStubBytes - 2 + kGroupTailBytes;
  return bytes;
}

// Encodes the whole block forwards into scratch memory at its final
// execution address, then places it in `buffer` as one piece, so it works
// for backward (assembler) and forward buffers alike.
ExitStubs emit_exit_stubs(CodeBuffer& buffer, uint32_t trace_number, uint32_t count,
                          uint64_t exit_handler) {
  check(trace_number >= 1 && trace_number <= kMaxTraceNumber, "trace number out of range");
  check(count >= 1 && count <= static_cast<uint32_t>(kMaxExits), "exit count out of range");
  const size_t size = ExitStubs::block_bytes(count);
  std::vector<uint8_t> scratch(size);
  if (size > buffer.remaining()) {
    buffer.place(scratch.data(), size);  // marks the overflow
    return ExitStubs{};
  }
  const uint64_t start =
      buffer.direction() == Direction::kBackward ? buffer.position() - size : buffer.position();
  CodeBuffer block(scratch.data(), start, size, Direction::kForward);
  Encoder encoder(block);
  const uint64_t literal = start + size - kLiteralBytes;
  const uint32_t groups = (count + kExitsPerGroup - 1) / kExitsPerGroup;
  for (uint32_t group = 0; group < groups; ++group) {
    emit_stub_group(encoder, trace_number, group, stubs_in_group(count, group), literal);
  }
  check(block.position() == literal, "stub block size matches block_bytes");
  uint8_t address_bytes[kLiteralBytes];
  std::memcpy(address_bytes, &exit_handler, kLiteralBytes);
  block.place(address_bytes, kLiteralBytes);
  buffer.place(scratch.data(), size);
  return ExitStubs{start, count, trace_number};
}

uint64_t emit_helper_failure_guard(Encoder& encoder, uint64_t stub) {
  encoder.cmp(Mem::at(kContextReg, offsetof(TraceContext, helper_failed), Width::k8), 0);
  return encoder.jcc_rel32(Cond::kNE, stub);
}

// ---- Linking -----------------------------------------------------------------

uint64_t branch_target(uint64_t branch_end) {
  check(is_rel32_branch(branch_end), "not the end of a rel32 jmp/jcc");
  int32_t rel;
  std::memcpy(&rel, reinterpret_cast<const void*>(branch_end - 4), 4);
  return branch_end + static_cast<int64_t>(rel);
}

bool retarget_branch(mcode::McodeSpace& space, uint64_t branch_end, uint64_t target) {
  check(is_rel32_branch(branch_end), "not the end of a rel32 jmp/jcc");
  const int64_t rel = static_cast<int64_t>(target - branch_end);
  if (rel != static_cast<int32_t>(rel)) return false;
  const int32_t rel32 = static_cast<int32_t>(rel);
  space.patch(branch_end - 4, &rel32, 4);
  return true;
}

// ---- TraceAbi ----------------------------------------------------------------

// One small area of its own, written once: the trampoline, then the handler.
TraceAbi::TraceAbi() : space_(mcode::Options{.area_kb = 4, .max_total_kb = 4}) {
  mcode::Window window;
  check(space_.reserve(&window) == mcode::Status::kOk, "no mcode memory for the trace ABI");
  check(window.size() >= kAbiCodeBytes, "trace ABI area too small");
  const uint64_t start = window.exec_hi - kAbiCodeBytes;
  CodeBuffer buffer(window.write_lo + (start - window.exec_lo), start, kAbiCodeBytes,
                    Direction::kForward);
  Encoder encoder(buffer);
  emit_trampoline(encoder);
  while (buffer.position() % 16 != 0) encoder.int3();
  exit_handler_ = buffer.position();
  emit_exit_handler(encoder);
  check(!buffer.overflowed(), "trace ABI code larger than its reservation");
  space_.commit(start);
  trampoline_ = reinterpret_cast<Trampoline>(start);
}

}  // namespace lj::x64
