// The trace ABI, exercised with hand-assembled "traces": exits deliver every
// register to the C++ handler (a property over random register values),
// stubs decode as documented, linked exits and tails run the other trace and
// unlink back, helper errors reach C++ with the exit's state, and the
// trampoline gives its caller back every callee-saved register.
#include "lj/asm/x64/trace_abi.h"

#include <Zydis/Zydis.h>
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "lj/asm/mcode.h"
#include "lj/asm/x64/encoder.h"

namespace lj::x64 {
namespace {

// What the test's exit handler saw at the last exit.
struct Capture {
  ExitState state{};
  uint32_t trace = 0;
  uint32_t exit = 0;
  int exits = 0;
  // The spill area lives on the trace's stack: valid only during the handler.
  uint64_t spill[kSpillSlots] = {};
};

// The test's exit handler: records the exit, returns the trace's rax.
uint64_t record_exit(TraceContext* ctx, uint32_t trace, uint32_t exit, ExitState* state) noexcept {
  Capture* capture = static_cast<Capture*>(ctx->user);
  capture->state = *state;
  capture->trace = trace;
  capture->exit = exit;
  ++capture->exits;
  for (int slot = 0; slot < kSpillSlots; ++slot) capture->spill[slot] = state->spill_slot(slot);
  return state->gpr[kRax];
}

TraceAbi& abi() {
  static TraceAbi instance;
  return instance;
}

// A context whose exits land in `capture`, with `base` in r15.
TraceContext context_for(Capture* capture, void* base) {
  TraceContext ctx;
  ctx.base = base;
  ctx.exit_handler = &record_exit;
  ctx.user = capture;
  return ctx;
}

// Writes one trace forwards into a chunk at the top of the current area and
// commits it; `body` returns the trace's entry address.
constexpr size_t kChunkBytes = 8192;
uint64_t write_trace(mcode::McodeSpace& space, const std::function<uint64_t(Encoder&)>& body) {
  mcode::Window window;
  lj::check(space.reserve(&window) == mcode::Status::kOk, "mcode reserve");
  if (window.size() < kChunkBytes) {
    space.abort();
    space.flush();
    lj::check(space.reserve(&window) == mcode::Status::kOk, "mcode reserve");
  }
  const uint64_t start = window.exec_hi - kChunkBytes;
  CodeBuffer buffer(window.write_lo + (start - window.exec_lo), start, kChunkBytes, Direction::kForward);
  Encoder encoder(buffer);
  const uint64_t entry = body(encoder);
  lj::check(!buffer.overflowed(), "test trace larger than its chunk");
  space.commit(start);
  return entry;
}

// ---- Exits deliver every register ---------------------------------------------

// The registers a trace may use freely: all but rsp and the context register.
std::vector<int> allocatable_ids() {
  std::vector<int> ids;
  for (int id = 0; id < 16; ++id) {
    if (id != kRsp && id != kContextReg.id) ids.push_back(id);
  }
  return ids;
}

// Input block at r15: GPR values [0,16), XMM bits [16,32), spill values [32,40).
constexpr int kFprInput = 16;
constexpr int kSpillInput = 32;
constexpr int kSpillWrites = 8;

// One random case of the summing loop.
struct LoopCase {
  std::vector<uint64_t> input = std::vector<uint64_t>(kSpillInput + kSpillWrites);
  std::vector<int> spill_slots;
  int acc = 0, step = 0, counter = 0;  // GPR ids
  int fsum = 0, fstep = 0;             // XMM ids
  int iterations = 0;
  uint32_t exit_count = 0, taken_exit = 0, trace_number = 0;
};

LoopCase generate_loop_case() {
  LoopCase c;
  const std::vector<int> ids = allocatable_ids();
  const auto pick_distinct = [&](std::vector<int> taken) {
    return *rc::gen::suchThat(rc::gen::elementOf(ids), [taken](int id) {
      for (int used : taken) {
        if (used == id) return false;
      }
      return true;
    });
  };
  c.acc = pick_distinct({});
  c.step = pick_distinct({c.acc});
  c.counter = pick_distinct({c.acc, c.step});
  c.fsum = *rc::gen::inRange(0, 16);
  c.fstep = *rc::gen::suchThat(rc::gen::inRange(0, 16), [&](int id) { return id != c.fsum; });
  c.iterations = *rc::gen::inRange(1, 51);
  c.exit_count = *rc::gen::inRange<uint32_t>(1, 101);
  c.taken_exit = *rc::gen::inRange<uint32_t>(0, c.exit_count);
  c.trace_number = *rc::gen::inRange<uint32_t>(1, 1001);
  for (int i = 0; i < kSpillInput + kSpillWrites; ++i) c.input[i] = *rc::gen::arbitrary<uint64_t>();
  // The two summed XMMs hold numbers: NaN payload choice is not the point.
  for (int id : {c.fsum, c.fstep}) {
    c.input[kFprInput + id] = std::bit_cast<uint64_t>(*rc::gen::suchThat(
        rc::gen::arbitrary<double>(), [](double d) { return !std::isnan(d); }));
  }
  c.input[c.counter] = static_cast<uint64_t>(c.iterations);
  for (int i = 0; i < kSpillWrites; ++i) c.spill_slots.push_back(*rc::gen::inRange(0, kSpillSlots));
  return c;
}

// Loads every register from the input block (r15 last), fills spill slots,
// then loops: acc += step, fsum += fstep, counter -= 1, exit `taken_exit`
// when it reaches zero; every other exit is a guard that never fails.
uint64_t emit_loop_trace(Encoder& e, const LoopCase& c) {
  const ExitStubs stubs =
      emit_exit_stubs(e.buffer(), c.trace_number, c.exit_count, abi().exit_handler_address());
  const uint64_t entry = e.buffer().position();
  for (int i = 0; i < kSpillWrites; ++i) {
    e.mov(rax, Mem::at(kBaseReg, 8 * (kSpillInput + i)));
    e.mov(Mem::at(rsp, 8 * c.spill_slots[i]), rax);
  }
  for (int id = 0; id < 16; ++id) e.movsd(xmm(id), Mem::at(kBaseReg, 8 * (kFprInput + id)));
  for (int id : allocatable_ids()) {
    if (id != kBaseReg.id) e.mov(gp64(id), Mem::at(kBaseReg, 8 * id));
  }
  e.mov(kBaseReg, Mem::at(kBaseReg, 8 * kBaseReg.id));
  const uint64_t loop = e.buffer().position();
  e.add(gp64(c.acc), gp64(c.step));
  e.addsd(xmm(c.fsum), xmm(c.fstep));
  for (uint32_t exit = 0; exit < c.exit_count; ++exit) {
    if (exit == c.taken_exit) continue;
    e.test(rsp, 15);  // the trace's rsp is always 16-byte aligned
    e.jcc_rel32(Cond::kNE, stubs.address(exit));
  }
  e.sub(gp64(c.counter), 1);
  e.jcc_rel32(Cond::kE, stubs.address(c.taken_exit));
  e.jmp(loop);
  return entry;
}

void check_loop_exit(const LoopCase& c, const Capture& capture, const TraceContext& ctx,
                     uint64_t result) {
  const ExitState& s = capture.state;
  RC_ASSERT(capture.exits == 1);
  RC_ASSERT(capture.trace == c.trace_number);
  RC_ASSERT(capture.exit == c.taken_exit);
  RC_ASSERT(s.trace_number == c.trace_number);
  RC_ASSERT(s.exit_number == c.taken_exit);
  RC_ASSERT(result == s.gpr[kRax]);
  for (int id : allocatable_ids()) {
    uint64_t expected = c.input[id];
    if (id == c.acc) expected = c.input[c.acc] + static_cast<uint64_t>(c.iterations) * c.input[c.step];
    if (id == c.counter) expected = 0;
    RC_ASSERT(s.gpr[id] == expected);
  }
  RC_ASSERT(s.gpr[kContextReg.id] == reinterpret_cast<uint64_t>(&ctx));
  RC_ASSERT(s.gpr[kRsp] == reinterpret_cast<uint64_t>(s.spill));
  RC_ASSERT(s.gpr[kRsp] % 16 == 0);
  double sum = std::bit_cast<double>(c.input[kFprInput + c.fsum]);
  const double step = std::bit_cast<double>(c.input[kFprInput + c.fstep]);
  for (int i = 0; i < c.iterations; ++i) sum += step;
  for (int id = 0; id < 16; ++id) {
    const uint64_t expected =
        id == c.fsum ? std::bit_cast<uint64_t>(sum) : c.input[kFprInput + id];
    RC_ASSERT(s.fpr_bits(id) == expected);
  }
  std::map<int, uint64_t> spilled;
  for (int i = 0; i < kSpillWrites; ++i) spilled[c.spill_slots[i]] = c.input[kSpillInput + i];
  for (const auto& [slot, value] : spilled) RC_ASSERT(capture.spill[slot] == value);
}

TEST(TraceAbi, ExitStateHoldsEveryRegisterTheLoopLeft) {
  mcode::McodeSpace space;
  EXPECT_TRUE(rc::check("random registers, random exit of a summing loop", [&] {
    const LoopCase c = generate_loop_case();
    const uint64_t entry = write_trace(space, [&](Encoder& e) { return emit_loop_trace(e, c); });
    Capture capture;
    std::vector<uint64_t> input = c.input;
    TraceContext ctx = context_for(&capture, input.data());
    const uint64_t result = abi().enter(entry, &ctx);
    check_loop_exit(c, capture, ctx, result);
  }));
}

// ---- Stub layout, decoded by Zydis ------------------------------------------------

struct Decoded {
  ZydisDecodedInstruction insn;
  ZydisDecodedOperand operands[ZYDIS_MAX_OPERAND_COUNT];
};

Decoded decode_at(uint64_t address) {
  ZydisDecoder decoder;
  lj::check(ZYAN_SUCCESS(ZydisDecoderInit(&decoder, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64)),
            "zydis init");
  Decoded d;
  const bool ok = ZYAN_SUCCESS(ZydisDecoderDecodeFull(&decoder, reinterpret_cast<const void*>(address),
                                                      ZYDIS_MAX_INSTRUCTION_LENGTH, &d.insn, d.operands));
  lj::check(ok, "zydis decode");
  return d;
}

uint64_t absolute_target(const Decoded& d, int operand, uint64_t address) {
  ZyanU64 target = 0;
  lj::check(ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(&d.insn, &d.operands[operand], address, &target)),
            "zydis target");
  return target;
}

// Each stub: push its index, reach the group tail, which pushes trace<<8|group
// and jumps through a literal holding the common handler's address.
void expect_stub_decodes(const ExitStubs& stubs, uint32_t exit, uint64_t handler) {
  uint64_t at = stubs.address(exit);
  Decoded push = decode_at(at);
  ASSERT_EQ(push.insn.mnemonic, ZYDIS_MNEMONIC_PUSH) << exit;
  EXPECT_EQ(push.operands[0].imm.value.s, exit % kExitsPerGroup);
  at += push.insn.length;
  Decoded next = decode_at(at);
  if (next.insn.mnemonic == ZYDIS_MNEMONIC_JMP) {
    EXPECT_EQ(next.insn.length, 2) << "short jump to the group tail";
    at = absolute_target(next, 0, at);
    next = decode_at(at);
  }
  ASSERT_EQ(next.insn.mnemonic, ZYDIS_MNEMONIC_PUSH);
  EXPECT_EQ(next.operands[0].imm.value.s, (stubs.trace_number << 8) | (exit / kExitsPerGroup));
  at += next.insn.length;
  const Decoded jump = decode_at(at);
  ASSERT_EQ(jump.insn.mnemonic, ZYDIS_MNEMONIC_JMP);
  ASSERT_EQ(jump.operands[0].type, ZYDIS_OPERAND_TYPE_MEMORY);
  const uint64_t literal = absolute_target(jump, 0, at);
  uint64_t literal_value;  // the literal is not 8-byte aligned (x86 does not mind)
  std::memcpy(&literal_value, reinterpret_cast<const void*>(literal), 8);
  EXPECT_EQ(literal_value, handler);
}

TEST(TraceAbi, StubsDecodeAsDocumentedForwardsAndBackwards) {
  mcode::McodeSpace space;
  const uint64_t handler = abi().exit_handler_address();
  for (Direction direction : {Direction::kForward, Direction::kBackward}) {
    for (uint32_t count : {1u, 31u, 32u, 33u, 70u, 4096u}) {
      mcode::Window window;
      ASSERT_EQ(space.reserve(&window), mcode::Status::kOk);
      if (window.size() < 32768) {
        space.abort();
        space.flush();
        ASSERT_EQ(space.reserve(&window), mcode::Status::kOk);
      }
      CodeBuffer buffer(window.write_lo, window.exec_lo, window.size(), direction);
      const uint64_t before = buffer.position();
      const ExitStubs stubs = emit_exit_stubs(buffer, 7, count, handler);
      ASSERT_FALSE(buffer.overflowed());
      EXPECT_EQ(buffer.code_end() - buffer.code_begin(), ExitStubs::block_bytes(count));
      EXPECT_EQ(stubs.block, direction == Direction::kForward ? before : before - ExitStubs::block_bytes(count));
      space.commit(direction == Direction::kBackward ? buffer.code_begin() : window.exec_lo);
      for (uint32_t exit = 0; exit < count; ++exit) expect_stub_decodes(stubs, exit, handler);
    }
  }
}

TEST(TraceAbi, StubBlockThatDoesNotFitOverflows) {
  std::vector<uint8_t> memory(64);
  CodeBuffer buffer = CodeBuffer::in_place(memory.data(), memory.size(), Direction::kBackward);
  emit_exit_stubs(buffer, 1, 32, 0);
  EXPECT_TRUE(buffer.overflowed());
  EXPECT_EQ(ExitStubs::block_bytes(32), 32u * 4 - 2 + 11 + 8);
  EXPECT_EQ(ExitStubs::block_bytes(33), (32u * 4 - 2 + 11) + (4 - 2 + 11) + 8);
}

// ---- Backwards, as the assembler writes traces ---------------------------------------

// The assembler emits the stub block first (it lands at the window's top),
// then the trace's last instruction, then the one before it, and so on.
TEST(TraceAbi, TraceAssembledBackwardsBelowItsStubsRuns) {
  mcode::McodeSpace space;
  mcode::Window window;
  ASSERT_EQ(space.reserve(&window), mcode::Status::kOk);
  CodeBuffer buffer(window.write_lo, window.exec_lo, window.size(), Direction::kBackward);
  Encoder e(buffer);
  const ExitStubs stubs = emit_exit_stubs(buffer, 12, 40, abi().exit_handler_address());
  EXPECT_EQ(stubs.block + ExitStubs::block_bytes(40), window.exec_hi);
  e.jmp_rel32(stubs.address(39));                  // exit 39: rax = [base] + 5
  e.add(rax, 5);
  e.jcc_rel32(Cond::kE, stubs.address(33));        // exit 33 if [base] == 0
  e.test(rax, rax);
  e.mov(rax, Mem::at(kBaseReg, 0));
  ASSERT_FALSE(buffer.overflowed());
  space.commit(buffer.code_begin());
  Capture capture;
  int64_t value = 10;
  TraceContext ctx = context_for(&capture, &value);
  EXPECT_EQ(abi().enter(buffer.code_begin(), &ctx), 15u);
  EXPECT_EQ(capture.trace, 12u);
  EXPECT_EQ(capture.exit, 39u);
  value = 0;
  EXPECT_EQ(abi().enter(buffer.code_begin(), &ctx), 0u);
  EXPECT_EQ(capture.exit, 33u);
}

// ---- Linking --------------------------------------------------------------------

// Trace 1: rax = [base]; exit 3 if rax < 100; rax += 1; its tail jumps to exit 0.
// Trace 2: rax += 1000, exit 0. Trace 3: rax *= 3, exit 0.
struct LinkedTraces {
  uint64_t entry_a = 0, guard_a = 0, tail_a = 0, entry_b = 0, entry_c = 0;
  ExitStubs stubs_a;
};

LinkedTraces write_linked_traces(mcode::McodeSpace& space) {
  LinkedTraces t;
  const uint64_t handler = abi().exit_handler_address();
  t.entry_a = write_trace(space, [&](Encoder& e) {
    t.stubs_a = emit_exit_stubs(e.buffer(), 1, 4, handler);
    const uint64_t entry = e.buffer().position();
    e.mov(rax, Mem::at(kBaseReg, 0));
    e.cmp(rax, 100);
    t.guard_a = e.jcc_rel32(Cond::kL, t.stubs_a.address(3));
    e.add(rax, 1);
    t.tail_a = e.jmp_rel32(t.stubs_a.address(0));
    return entry;
  });
  t.entry_b = write_trace(space, [&](Encoder& e) {
    const ExitStubs stubs = emit_exit_stubs(e.buffer(), 2, 1, handler);
    const uint64_t entry = e.buffer().position();
    e.add(rax, 1000);
    e.jmp_rel32(stubs.address(0));
    return entry;
  });
  t.entry_c = write_trace(space, [&](Encoder& e) {
    const ExitStubs stubs = emit_exit_stubs(e.buffer(), 3, 1, handler);
    const uint64_t entry = e.buffer().position();
    e.imul(rax, rax, 3);
    e.jmp_rel32(stubs.address(0));
    return entry;
  });
  return t;
}

// Runs trace 1 on `x`; returns {trace, exit, result}.
std::vector<uint64_t> run_a(const LinkedTraces& t, int64_t x) {
  Capture capture;
  TraceContext ctx = context_for(&capture, &x);
  const uint64_t result = abi().enter(t.entry_a, &ctx);
  return {capture.trace, capture.exit, result};
}

TEST(TraceAbi, ExitPatchedToSideTraceAndBack) {
  for (mcode::Protection protection : {mcode::Protection::kDoubleMap, mcode::Protection::kMprotect}) {
    mcode::McodeSpace space(mcode::Options{.protection = protection});
    const LinkedTraces t = write_linked_traces(space);
    using V = std::vector<uint64_t>;
    EXPECT_EQ(run_a(t, 5), (V{1, 3, 5}));
    EXPECT_EQ(run_a(t, 200), (V{1, 0, 201}));
    // Side trace: exit 3's branch now enters trace 2.
    ASSERT_TRUE(retarget_branch(space, t.guard_a, t.entry_b));
    EXPECT_EQ(branch_target(t.guard_a), t.entry_b);
    EXPECT_EQ(run_a(t, 5), (V{2, 0, 1005}));
    EXPECT_EQ(run_a(t, 200), (V{1, 0, 201}));
    // Trace-to-trace link: trace 1's final jmp now enters trace 3.
    ASSERT_TRUE(retarget_branch(space, t.tail_a, t.entry_c));
    EXPECT_EQ(run_a(t, 200), (V{3, 0, 603}));
    // Unlinking restores both exits.
    ASSERT_TRUE(retarget_branch(space, t.guard_a, t.stubs_a.address(3)));
    ASSERT_TRUE(retarget_branch(space, t.tail_a, t.stubs_a.address(0)));
    EXPECT_EQ(run_a(t, 5), (V{1, 3, 5}));
    EXPECT_EQ(run_a(t, 200), (V{1, 0, 201}));
  }
}

TEST(TraceAbi, RetargetBeyondRel32ReachIsRefusedAndChangesNothing) {
  mcode::McodeSpace space;
  const LinkedTraces t = write_linked_traces(space);
  EXPECT_FALSE(retarget_branch(space, t.guard_a, t.guard_a + (uint64_t{1} << 32)));
  EXPECT_EQ(branch_target(t.guard_a), t.stubs_a.address(3));
  EXPECT_EQ(run_a(t, 5), (std::vector<uint64_t>{1, 3, 5}));
}

// ---- Errors in helpers ------------------------------------------------------------

// Stands in for the VM's Lua error: any type travels, not only std::exception.
struct FakeLuaError {
  std::string message;
};

int64_t divide_or_raise(TraceContext*, int64_t dividend, int64_t divisor) {
  if (divisor == 0) throw FakeLuaError{"attempt to divide by zero"};
  return dividend / divisor;
}

// rbx = 42 (callee-saved, live across the call); rax = helper(a, b);
// exit 1 if the helper failed, else exit 0 with the quotient in rax.
uint64_t write_helper_trace(mcode::McodeSpace& space) {
  return write_trace(space, [](Encoder& e) {
    const ExitStubs stubs = emit_exit_stubs(e.buffer(), 9, 2, abi().exit_handler_address());
    const uint64_t entry = e.buffer().position();
    e.mov(rbx, 42);
    e.mov(rdi, kContextReg);
    e.mov(rsi, Mem::at(kBaseReg, 0));
    e.mov(rdx, Mem::at(kBaseReg, 8));
    e.mov_imm64(rax, guarded<&divide_or_raise>::address());
    e.call(rax);
    emit_helper_failure_guard(e, stubs.address(1));
    e.jmp_rel32(stubs.address(0));
    return entry;
  });
}

TEST(TraceAbi, HelperErrorReachesCppThroughItsExit) {
  mcode::McodeSpace space;
  const uint64_t entry = write_helper_trace(space);
  Capture capture;
  int64_t operands[2] = {84, 2};
  TraceContext ctx = context_for(&capture, operands);
  EXPECT_EQ(abi().enter(entry, &ctx), 42u);
  EXPECT_EQ(capture.exit, 0u);
  EXPECT_FALSE(ctx.has_pending_error());

  operands[1] = 0;
  abi().enter(entry, &ctx);
  EXPECT_EQ(capture.trace, 9u);
  EXPECT_EQ(capture.exit, 1u);
  EXPECT_TRUE(ctx.has_pending_error());
  EXPECT_EQ(capture.state.gpr[kRbx], 42u);
  EXPECT_EQ(capture.state.gpr[kContextReg.id], reinterpret_cast<uint64_t>(&ctx));
  try {
    ctx.rethrow_pending_error();
    ADD_FAILURE() << "no error rethrown";
  } catch (const FakeLuaError& error) {
    EXPECT_EQ(error.message, "attempt to divide by zero");
  }
  EXPECT_FALSE(ctx.has_pending_error());
  // The context is clean again: the next run succeeds.
  operands[1] = 4;
  EXPECT_EQ(abi().enter(entry, &ctx), 21u);
  EXPECT_EQ(capture.exit, 0u);
}

void note_call(TraceContext*, int32_t) {}

TEST(TraceAbi, GuardedWrapsVoidHelpers) {
  TraceContext ctx;
  guarded<&note_call>::call(&ctx, 1);
  EXPECT_FALSE(ctx.has_pending_error());
}

// ---- Re-entry: a helper that runs another trace ----------------------------------------

// The inner trace: rax = [base] * 2, exit 0.
uint64_t inner_trace_entry = 0;

int64_t run_inner_trace(TraceContext* outer, int64_t value) {
  Capture capture;
  TraceContext inner = context_for(&capture, &value);
  const uint64_t result = abi().enter(inner_trace_entry, &inner);
  lj::check(capture.trace == 21 && outer->exit_handler == &record_exit, "inner exit");
  return static_cast<int64_t>(result) + 1;
}

// The trampoline keeps no global state: a helper called from one trace may
// enter another, and the outer trace continues with its registers intact.
TEST(TraceAbi, HelperMayEnterAnotherTrace) {
  mcode::McodeSpace space;
  inner_trace_entry = write_trace(space, [](Encoder& e) {
    const ExitStubs stubs = emit_exit_stubs(e.buffer(), 21, 1, abi().exit_handler_address());
    const uint64_t entry = e.buffer().position();
    e.mov(rax, Mem::at(kBaseReg, 0));
    e.add(rax, rax);
    e.mov(rbx, -1);  // clobbers a callee-saved register of the helper's caller
    e.jmp_rel32(stubs.address(0));
    return entry;
  });
  const uint64_t outer = write_trace(space, [](Encoder& e) {
    const ExitStubs stubs = emit_exit_stubs(e.buffer(), 20, 2, abi().exit_handler_address());
    const uint64_t entry = e.buffer().position();
    e.mov(rbx, 1000);
    e.mov(rdi, kContextReg);
    e.mov(rsi, Mem::at(kBaseReg, 0));
    e.mov_imm64(rax, guarded<&run_inner_trace>::address());
    e.call(rax);
    emit_helper_failure_guard(e, stubs.address(1));
    e.add(rax, rbx);
    e.jmp_rel32(stubs.address(0));
    return entry;
  });
  Capture capture;
  int64_t value = 7;
  TraceContext ctx = context_for(&capture, &value);
  EXPECT_EQ(abi().enter(outer, &ctx), 7u * 2 + 1 + 1000);
  EXPECT_EQ(capture.trace, 20u);
  EXPECT_EQ(capture.exit, 0u);
  EXPECT_EQ(capture.state.gpr[kRbx], 1000u);
}

// ---- The trampoline's caller gets its registers back --------------------------------

// A generated caller sets all six callee-saved registers, enters a trace that
// overwrites them and exits, then stores what it finds afterwards.
TEST(TraceAbi, TrampolineRestoresCalleeSavedRegisters) {
  mcode::McodeSpace space;
  const Gp saved[] = {rbx, rbp, r12, r13, r14, r15};
  const uint64_t trace = write_trace(space, [&](Encoder& e) {
    const ExitStubs stubs = emit_exit_stubs(e.buffer(), 4, 1, abi().exit_handler_address());
    const uint64_t entry = e.buffer().position();
    for (Gp reg : saved) {
      if (reg != kContextReg) e.mov(reg, -1);
    }
    e.mov(rax, 77);
    e.jmp_rel32(stubs.address(0));
    return entry;
  });
  // caller(out = rdi, trace = rsi, ctx = rdx, trampoline = rcx)
  const uint64_t caller = write_trace(space, [&](Encoder& e) {
    const uint64_t entry = e.buffer().position();
    for (Gp reg : saved) e.push(reg);
    e.push(rdi);  // seven pushes: rsp is 16-byte aligned at the call
    for (int i = 0; i < 6; ++i) e.mov_imm64(saved[i], 0x1111111111111111ull * (i + 1));
    e.mov(rax, rcx);
    e.mov(rdi, rsi);
    e.mov(rsi, rdx);
    e.call(rax);
    e.pop(rdi);
    for (int i = 0; i < 6; ++i) e.mov(Mem::at(rdi, 8 * i), saved[i]);
    e.mov(Mem::at(rdi, 48), rax);
    for (int i = 5; i >= 0; --i) e.pop(saved[i]);
    e.ret();
    return entry;
  });
  Capture capture;
  TraceContext ctx = context_for(&capture, nullptr);
  uint64_t out[7] = {};
  using Caller = void (*)(uint64_t*, uint64_t, TraceContext*, uint64_t);
  reinterpret_cast<Caller>(caller)(out, trace, &ctx, abi().trampoline_address());
  for (int i = 0; i < 6; ++i) EXPECT_EQ(out[i], 0x1111111111111111ull * (i + 1)) << i;
  EXPECT_EQ(out[6], 77u);
  EXPECT_EQ(capture.state.gpr[kRbx], ~uint64_t{0});
}

}  // namespace
}  // namespace lj::x64
