// Debug hooks: call, return, line and count events decided per dispatched
// instruction, as LuaJIT's lj_dispatch_ins / lj_dispatch_call decide them.
#include "lj/vm/interp/hooks.h"

#include <memory>
#include <utility>

#include "absl/container/flat_hash_map.h"

namespace lj::interp {

namespace {

using bc::Op;

// Slots the hook's own call needs above the hooked frame.
constexpr uint32_t kHookSlots = 8 + 20;

struct HookState {
  HookMask mask;
  HookFunction fn;
  int countdown = 0;
  bool active = false;     // a hook is running: no events until it returns
  bool installed = false;  // on_instruction/on_c_entry are ours
  // LuaJIT's saved pc of each C frame (one per thread and interpreter
  // nesting): the last hooked instruction there, or null after a call hook,
  // which makes the next instruction report its line.
  absl::flat_hash_map<std::pair<const Thread*, int>, const uint32_t*> oldpc;
};

HookState& state_of(Vm& vm) {
  if (!vm.hook_state) vm.hook_state = std::make_shared<HookState>();
  return *static_cast<HookState*>(vm.hook_state.get());
}

bool is_function_header(Op op) { return op >= Op::FUNCF && op <= Op::FUNCCW; }
bool is_return(Op op) { return op >= Op::RETM && op <= Op::RET1; }

// Runs the hook with the frame's first `live` slots kept below the hook's
// frame; L->top comes back afterwards (by offset: the stack may move).
void run_hook(Vm& vm, HookState& state, Thread* L, uint32_t live, HookEvent event, int line) {
  struct Restore {
    HookState& state;
    Thread* L;
    ptrdiff_t top;
    ~Restore() {
      state.active = false;
      L->top = L->stack + top;
    }
  } restore{state, L, L->top - L->stack};
  L->top = L->base + live;
  if (L->top + kHookSlots > L->maxstack) L->grow_stack(vm.global(), kHookSlots);
  state.active = true;
  // A copy: the hook may replace the hook function while it runs.
  HookFunction fn = state.fn;
  fn(L, event, line);
}

// Slots in use by the running instruction (LuaJIT's cur_topslot): the frame,
// or more when the instruction consumes multiple results.
uint32_t live_slots(Thread* L, const Proto* pt, Op op) {
  uint32_t used = static_cast<uint32_t>(L->top - L->base);
  bool multres = op == Op::CALLM || op == Op::CALLMT || op == Op::RETM || op == Op::TSETM;
  return multres && used > pt->framesize ? used : pt->framesize;
}

// A line event when the line changes, on a backward jump, or when the last
// hooked pc of this frame is elsewhere (another function, a call hook).
bool line_changed(const Proto* pt, const uint32_t* pc, const uint32_t* oldpc) {
  intptr_t start = reinterpret_cast<intptr_t>(pt->bc());
  uint32_t now = static_cast<uint32_t>((reinterpret_cast<intptr_t>(pc) - start) / 4) - 1;
  uint32_t before = static_cast<uint32_t>((reinterpret_cast<intptr_t>(oldpc) - start) / 4) - 1;
  if (pc <= oldpc || before >= pt->sizebc) return true;
  return pt->lineinfo[now] != pt->lineinfo[before];
}

// The call event of a Lua function, at its FUNCF/FUNCV header: missing
// parameters read as nil, as LuaJIT sets them up before the hook.
void lua_call_event(Vm& vm, HookState& state, Thread* L) {
  const Proto* pt = L->base[-2].as_function()->proto();
  uint32_t nargs = static_cast<uint32_t>(L->top - L->base);
  for (uint32_t i = nargs; i < pt->numparams; i++) L->base[i] = TValue::nil();
  run_hook(vm, state, L, nargs > pt->numparams ? nargs : pt->numparams, HookEvent::Call, -1);
  state.oldpc[{L, vm.nesting()}] = nullptr;
}

void on_instruction(Vm& vm, HookState& state, const uint32_t* pc) {
  if (state.active) return;
  Thread* L = vm.current_thread();
  Op op = bc::OpOf(pc[-1]);
  if (is_function_header(op)) {
    if (state.mask.call) lua_call_event(vm, state, L);
    return;
  }
  const Proto* pt = L->base[-2].as_function()->proto();
  const uint32_t*& oldpc = state.oldpc.try_emplace({L, vm.nesting()}, nullptr).first->second;
  const uint32_t* previous = oldpc;
  oldpc = pc;
  // The countdown runs whenever line or count hooks are on (LuaJIT's rule).
  if ((state.mask.count > 0 || state.mask.line) && --state.countdown == 0 && state.mask.count > 0) {
    state.countdown = state.mask.count;
    run_hook(vm, state, L, live_slots(L, pt, op), HookEvent::Count, -1);
  }
  if (state.mask.line && line_changed(pt, pc, previous)) {
    int line = static_cast<int>(pt->lineinfo[pc - 1 - pt->bc()]);
    run_hook(vm, state, L, live_slots(L, pt, op), HookEvent::Line, line);
  }
  if (state.mask.ret && is_return(op)) run_hook(vm, state, L, live_slots(L, pt, op), HookEvent::Return, -1);
}

// A C function is entered (its frame at newbase): the call event. LuaJIT
// reports no return event for C functions.
void on_c_entry(Vm& vm, HookState& state, Thread* L, ptrdiff_t newbase_offset, uint32_t nargs) {
  if (state.active || !state.mask.call) return;
  ptrdiff_t caller_base = L->base - L->stack;
  L->base = L->stack + newbase_offset;
  run_hook(vm, state, L, nargs, HookEvent::Call, -1);
  L->base = L->stack + caller_base;
  state.oldpc[{L, vm.nesting()}] = nullptr;
}

}  // namespace

const char* hook_event_name(HookEvent event) {
  static const char* const kNames[] = {"call", "return", "line", "count", "tail return"};
  return kNames[static_cast<int>(event)];
}

void set_hook(Vm& vm, HookMask mask, HookFunction fn) {
  HookState& state = state_of(vm);
  bool on = mask.any() && fn;
  state.mask = on ? mask : HookMask{};
  state.fn = on ? std::move(fn) : HookFunction{};
  state.countdown = mask.count;
  state.oldpc.clear();
  // The instruction that set the hook counts as seen: its line does not
  // fire again (LuaJIT's saved pc of the calling frame).
  state.oldpc[{vm.current_thread(), vm.nesting()}] = vm.saved_pc();
  // Installed once: replacing them from inside a running hook would
  // destroy the callable that is executing.
  if (on && !state.installed) {
    state.installed = true;
    vm.on_instruction = [&vm, &state](const uint32_t* pc) { on_instruction(vm, state, pc); };
    vm.on_c_entry = [&vm, &state](Thread* L, ptrdiff_t newbase_offset, uint32_t nargs) {
      on_c_entry(vm, state, L, newbase_offset, nargs);
    };
  }
  vm.set_instruction_hook(on);
}

HookMask hook_mask(Vm& vm) { return state_of(vm).mask; }

}  // namespace lj::interp
