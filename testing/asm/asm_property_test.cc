// Differential property test of the x86-64 backend: random traces (optimized
// as the trace compiler would) are assembled, entered through the trampoline
// with random slot values, and must leave through the same exit as the
// reference evaluator, with every value of that exit's snapshot equal.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <cmath>
#include <cstring>
#include <map>
#include <set>
#include <string>

#include "lj/asm/mcode.h"
#include "lj/asm/x64/assembler.h"
#include "lj/asm/x64/cpu.h"
#include "lj/asm/x64/disasm.h"
#include "lj/asm/x64/trace_abi.h"
#include "lj/ir/dump.h"
#include "lj/ir/eval.h"
#include "testing/asm/asm_trace_gen.h"
#include "testing/asm/trace_run.h"
#include "testing/ir/test_binding.h"

namespace lj::testing {
namespace {

// Loops exit through their counter guard (at most ~200 iterations) well
// before this bound, so the evaluator never stops on it.
constexpr ir::EvalOptions kBound{.max_iterations = 1000};

// What the exit handler saw: the exit and the snapshot's recovered values.
struct ExitRecord {
  const ir::Trace* trace = nullptr;
  const x64::AssembledTrace* code = nullptr;
  TestHeap* heap = nullptr;
  uint32_t trace_number = 0;
  uint32_t exit = 0;
  bool exited = false;
  std::vector<std::pair<int32_t, ir::Value>> values;
};

uint64_t record_exit(x64::TraceContext* ctx, uint32_t trace, uint32_t exit,
                     x64::ExitState* state) noexcept {
  auto* record = static_cast<ExitRecord*>(ctx->user);
  record->exited = true;
  record->trace_number = trace;
  record->exit = exit;
  record->values = x64::recover_snapshot(*record->trace, *record->code, exit, *state);
  // Sunk allocations are rebuilt from the trace and the exit's registers.
  const ir::Trace& traced = *record->trace;
  auto value = [&](ir::Ref ref) { return x64::recover_value(traced, *record->code, ref, *state); };
  // One object per allocation, however many slots name it.
  std::map<ir::Ref, uint64_t> rebuilt;
  for (auto& [slot, v] : record->values)
    if (v.bits & x64::kSunkPlaceholder && v.type == ir::IrType::TAB) {
      const ir::Ref alloc = static_cast<ir::Ref>(v.bits & 0xffff);
      if (!rebuilt.contains(alloc))
        rebuilt[alloc] = record->heap->rebuild(traced, alloc, traced.snaps[exit].ref, value);
      v.bits = rebuilt[alloc];
    }
  return exit;
}

// Machine code that never exits (a broken back edge) cannot be interrupted
// from C++: a watchdog alarm prints the trace being run and fails the test.
std::string running_dump;
void on_watchdog(int) {
  const char header[] = "\nwatchdog: machine code did not exit within 5 s\n";
  (void)!write(2, header, sizeof header - 1);
  (void)!write(2, running_dump.data(), running_dump.size());
  _exit(1);
}

// An invariant failing inside the assembler aborts: print the trace first.
void on_abort(int) {
  const char header[] = "\nabort while assembling or running this trace:\n";
  (void)!write(2, header, sizeof header - 1);
  (void)!write(2, running_dump.data(), running_dump.size());
  _exit(1);
}

std::string describe_values(const std::vector<std::pair<int32_t, ir::Value>>& values) {
  std::string out;
  for (const auto& [slot, v] : values)
    out += "\n  slot " + std::to_string(slot) + " = " + std::string(ir::name(v.type)) + " " +
           std::to_string(v.bits);
  return out;
}

// Machine code that faults (a wrong address: an index with garbage in its
// upper half, an offset off) prints the trace, then faults again with the
// handler that was there before (ASan's report, or the default death).
struct sigaction crash_fallback;
void on_crash(int) {
  const char header[] = "\nfault while running this trace:\n";
  (void)!write(2, header, sizeof header - 1);
  (void)!write(2, running_dump.data(), running_dump.size());
  sigaction(SIGSEGV, &crash_fallback, nullptr);
}

// Assembles and runs one recipe's trace and compares with the evaluator.
void check_backend(const AsmRecipe& recipe, bool use_sse4_1 = x64::cpu_features().sse4_1) {
  const ir::Binding& binding = asm_binding();
  TestHeap heap(binding);
  std::optional<AsmCase> c = build_asm_case(recipe, &heap);
  if (!c) RC_DISCARD("optimizer: guard would always fail");
  const ir::EvalResult expected = ir::evaluate(c->trace, binding, c->state, kBound);
  RC_ASSERT(expected.outcome != ir::Outcome::kInvalid);
  RC_ASSERT(expected.outcome != ir::Outcome::kIterationLimit);

  running_dump = ir::dump(c->trace, binding);
  signal(SIGABRT, on_abort);
  static mcode::McodeSpace space;
  space.flush();
  x64::AssembleOptions options = test_options();
  options.trace_number = 5;
  options.use_sse4_1 = use_sse4_1;
  options.binding = &binding;
  options.layout = &TestHeap::layout(binding);
  x64::AssembledTrace code;
  try {
    code = x64::assemble(c->trace, space, options);
  } catch (const regalloc::AsmAbort& abort) {
    RC_FAIL(std::string("assembler: ") + abort.what() + "\n" + ir::dump(c->trace, binding));
  }
  RC_TAG(c->trace.loops_to_self ? "loop" : "straight");
  if (expected.iterations >= 10) RC_TAG("exit after >= 10 iterations");
  RC_TAG(expected.outcome == ir::Outcome::kGuardExit ? "guard exit" : "trace end");
  if (code.spill_slots > 0) RC_TAG("spills");
  for (ir::Ref r = ir::kRefFirst; r < c->trace.nins(); ++r)
    if (c->trace[r].o == ir::Op::GCSTEP) {
      RC_TAG(TestHeap::gc().total ? "GC check taken" : "GC check not taken");
      break;
    }
  for (ir::Ref r = ir::kRefFirst; r < c->trace.nins(); ++r) {
    const ir::Op op = c->trace[r].o;
    if (op != ir::Op::TNEW && op != ir::Op::TDUP) continue;
    RC_TAG(c->trace.is_sunk(r) ? "sunk allocation" : "allocation through a helper");
    break;
  }
  if (expected.outcome == ir::Outcome::kGuardExit) {
    const ir::Op op = c->trace[expected.guard].o;
    if (op == ir::Op::ALOAD || op == ir::Op::HLOAD || op == ir::Op::ULOAD || op == ir::Op::HREFK ||
        op == ir::Op::ABC || (op == ir::Op::SLOAD && c->trace[expected.guard].op1 >= 42))
      RC_TAG("exit at a memory guard");
    if (op == ir::Op::UREFO || op == ir::Op::UREFC) RC_TAG("exit at an upvalue open/closed guard");
  }
  for (ir::Ref r = ir::kRefFirst; r < c->trace.nins(); ++r)
    if (c->trace[r].o == ir::Op::ALOAD || c->trace[r].o == ir::Op::HLOAD || c->trace[r].o == ir::Op::ULOAD) {
      RC_TAG("memory loads");
      break;
    }
  for (ir::Ref r = ir::kRefFirst; r < c->trace.nins(); ++r)
    if (c->trace[r].o == ir::Op::ASTORE || c->trace[r].o == ir::Op::HSTORE ||
        c->trace[r].o == ir::Op::USTORE || c->trace[r].o == ir::Op::FSTORE) {
      RC_TAG("memory stores");
      break;
    }
  for (ir::Ref r = ir::kRefFirst; r < c->trace.nins(); ++r)
    if (c->trace[r].o == ir::Op::CALLN || c->trace[r].o == ir::Op::CALLL || c->trace[r].o == ir::Op::CALLS) {
      RC_TAG("helper calls");
      break;
    }
  for (ir::Ref r = ir::kRefFirst; r < c->trace.nins(); ++r)
    if (c->trace[r].o == ir::Op::TBAR || c->trace[r].o == ir::Op::OBAR) {
      RC_TAG("write barriers");
      break;
    }
  for (ir::Ref r = ir::kRefFirst; r < c->trace.nins(); ++r)
    if (c->trace[r].o == ir::Op::CALLXS) {
      RC_TAG(ir::is_constant_ref(c->trace[r].op2) ? "indirect call, constant callee" : "indirect call, loaded callee");
      break;
    }
  for (ir::Ref r = ir::kRefFirst; r < c->trace.nins(); ++r) {
    const ir::Ins& ins = c->trace[r];
    const bool math_call = ins.o == ir::Op::MOD || ins.o == ir::Op::POW || ins.o == ir::Op::LDEXP ||
                           (ins.o == ir::Op::FPMATH && ins.op2 > static_cast<ir::Ref>(ir::FpMath::SQRT));
    if (math_call) {
      RC_TAG("math helper calls");
      break;
    }
  }
  bool int_div_pow = false, float_call = false;
  for (ir::Ref r = ir::kRefFirst; r < c->trace.nins(); ++r) {
    const ir::Ins& ins = c->trace[r];
    int_div_pow |= (ins.o == ir::Op::DIV || ins.o == ir::Op::POW) && ins.t.is_int();
    float_call |= ins.o == ir::Op::CALLN && ins.t.is(ir::IrType::FLOAT);
  }
  // Each tag once per case (a std::set: RC_TAG counts repeats as new tags).
  std::set<std::string> tags;
  const uint16_t dirty = *binding.call_by_name("dirty");
  for (ir::Ref r = ir::kRefFirst; r < c->trace.nins(); ++r) {
    const ir::Ins& ins = c->trace[r];
    if (ins.o == ir::Op::SNEW) tags.insert(ir::is_constant_ref(c->trace[ins.op1].op2) ? "SNEW at a constant offset" : "SNEW at a variable offset");
    if (ins.o == ir::Op::TOSTR) tags.insert("TOSTR");
    if (ins.o == ir::Op::BUFHDR)
      tags.insert(ins.op2 == ir::bufhdr::kReset ? "buffer RESET" : ins.op2 == ir::bufhdr::kWrite ? "buffer WRITE" : "buffer APPEND");
    if (ins.o == ir::Op::BUFPUT && c->trace[ins.op2].o == ir::Op::TOSTR) tags.insert("BUFPUT of a TOSTR");
    const ir::IrType from = ir::conv::source(ins.op2), to = ir::conv::dest(ins.op2);
    if (ins.o == ir::Op::CONV && (from == ir::IrType::FLOAT || to == ir::IrType::FLOAT) &&
        (from == ir::IrType::INT || to == ir::IrType::INT))
      tags.insert("CONV between FLOAT and INT");
    if (ins.o == ir::Op::CONV && !ins.t.is_guard() && (to == ir::IrType::INT || to == ir::IrType::U32) &&
        (from == ir::IrType::NUM || from == ir::IrType::FLOAT))
      tags.insert(std::string("unchecked CONV ") + (to == ir::IrType::U32 ? "u32" : "int") +
                  (ir::is_constant_ref(ins.op1) ? " of a constant" : ""));
    if (ins.o == ir::Op::AREF && c->trace[ins.op2].t.is(ir::IrType::U32)) tags.insert("u32 as an index");
    if (ins.o == ir::Op::CALLN && ins.op2 == dirty) {
      bool indexes = false;
      for (ir::Ref u = r + 1; u < c->trace.nins(); ++u)
        indexes |= (c->trace[u].o == ir::Op::AREF || c->trace[u].o == ir::Op::STRREF) && c->trace[u].op2 == r;
      tags.insert(indexes ? "dirty helper int as an index" : "dirty helper int");
    }
  }
  for (const std::string& tag : tags) RC_TAG(tag);
  if (expected.outcome == ir::Outcome::kGuardExit && c->trace[expected.guard].o == ir::Op::STRTO)
    RC_TAG("exit at STRTO (not a number)");
  if (int_div_pow) RC_TAG("int DIV/POW helper calls");
  if (float_call) RC_TAG("FLOAT call arguments and result");

  std::array<uint64_t, 64> stack{};
  for (const auto& [slot, v] : c->state.slots) stack[static_cast<size_t>(slot)] = ir::nanbox::box(v);
  ExitRecord record;
  record.trace = &c->trace;
  record.code = &code;
  record.heap = &heap;
  x64::TraceContext ctx;
  ctx.base = stack.data();
  ctx.exit_handler = record_exit;
  ctx.user = &record;
  running_dump = ir::describe(expected) + "\n" + ir::dump(c->trace, binding);
  heap.store(c->state);
  heap.activate();
  // The GC check takes both ways: its step helper runs in half the cases.
  TestHeap::gc().total = recipe.memory[0] & 1;
  signal(SIGALRM, on_watchdog);
  struct sigaction crash = {};
  crash.sa_handler = on_crash;
  sigaction(SIGSEGV, &crash, &crash_fallback);
  alarm(5);
  test_abi().enter(code.entry, &ctx);
  alarm(0);
  sigaction(SIGSEGV, &crash_fallback, nullptr);

  RC_ASSERT(record.exited);
  RC_ASSERT(record.trace_number == 5u);
  const std::string context = "\nevaluator: " + ir::describe(expected) + "\nmachine: exit " +
                              std::to_string(record.exit) + describe_values(record.values) +
                              "\n" + ir::dump(c->trace, binding) +
                              (getenv("ASM_DUMP_MCODE") ? x64::dump_mcode(code, 5) : "");
  if (static_cast<int>(record.exit) != expected.snapshot) RC_FAIL("different exit" + context);
  const std::map<int32_t, ir::Value> restored(record.values.begin(), record.values.end());
  if (std::string why = heap.compare(restored, expected); !why.empty()) RC_FAIL(why + context);
}

RC_GTEST_PROP(Backend, AnyTraceMatchesTheEvaluator, ()) {
  check_backend(*arbitrary_asm_recipe());
}

// Valid inputs and only the counter guard: loops run up to ~200 iterations.
RC_GTEST_PROP(Backend, LongRunningLoopsMatchTheEvaluator, ()) {
  AsmRecipe recipe = *arbitrary_asm_recipe();
  recipe.loops = true;
  recipe.calm = true;
  check_backend(recipe);
}

// Loop-carried slots swapped and rotated: PHI cycles at the back edge.
RC_GTEST_PROP(Backend, PhiSwapsAndRotationsMatchTheEvaluator, ()) {
  AsmRecipe recipe = *arbitrary_asm_recipe();
  recipe.loops = true;
  recipe.rotate = true;
  recipe.calm = *rc::gen::arbitrary<bool>();
  check_backend(recipe);
}

// Every snapshot names 32 values: far more live values than registers.
RC_GTEST_PROP(Backend, SpillingTracesMatchTheEvaluator, ()) {
  AsmRecipe recipe = *arbitrary_asm_recipe();
  // At least 64 steps: enough values of each class to outnumber registers.
  const auto extra = *rc::gen::container<std::vector<AsmStep>>(64, arbitrary_asm_step());
  recipe.steps.insert(recipe.steps.begin(), extra.begin(), extra.end());
  for (AsmStep& step : recipe.steps) step.live = 0xffffffffu;
  check_backend(recipe);
}

// Mostly loads and stores through tables, hash slots, fields and upvalues.
RC_GTEST_PROP(Backend, MemoryHeavyTracesMatchTheEvaluator, ()) {
  AsmRecipe recipe = *arbitrary_asm_recipe();
  for (AsmStep& step : recipe.steps)
    if (step.kind % 3 != 0) step.kind = kMemoryStepKind;
  check_backend(recipe);
}

// Bit rotations, byte swaps, integer MIN/MAX, TOBIT and the arithmetic the
// assembler calls C++ for (MOD, POW, LDEXP, log, log2).
RC_GTEST_PROP(Backend, BitOpsAndMathHelpersMatchTheEvaluator, ()) {
  AsmRecipe recipe = *arbitrary_asm_recipe();
  for (AsmStep& step : recipe.steps)
    if (step.kind % 3 != 0) step.kind = kMathStepKind;
  check_backend(recipe);
}

// floor/ceil/trunc through the SSE2 fallback (no roundsd), on every CPU.
RC_GTEST_PROP(Backend, RoundingWithoutSse41MatchesTheEvaluator, ()) {
  AsmRecipe recipe = *arbitrary_asm_recipe();
  for (AsmStep& step : recipe.steps)
    if (step.kind % 2 == 0) step.kind = 2;  // FPMATH
  check_backend(recipe, false);
}

}  // namespace
}  // namespace lj::testing
