// Debug hooks (debug.sethook) through the interpreter's dispatch update:
// while hooks are set every instruction first runs Vm::on_instruction and
// every C function entry Vm::on_c_entry; with no hook both are idle and the
// dispatch table is the plain one, so hooks cost nothing when off.
// Events follow LuaJIT 2.1 (docs/interpreter.md, "Debug hooks").
#pragma once

#include <functional>

#include "lj/vm/interp/vm.h"

namespace lj::interp {

// lua_Debug event codes, in Lua's order.
enum class HookEvent : uint8_t { Call, Return, Line, Count, TailReturn };
// Lua's name of an event ("call", "return", "line", "count", "tail return").
const char* hook_event_name(HookEvent event);

struct HookMask {
  bool call = false;
  bool ret = false;
  bool line = false;
  int count = 0;  // > 0: a count event every `count` instructions
  bool any() const { return call || ret || line || count > 0; }
};

// What a hook runs: the running thread, the event and, for line events,
// the line (-1 otherwise). The frame that caused the event is level 1 of
// the hook's own frame walk, as lua_Debug's level 0 is in LuaJIT.
using HookFunction = std::function<void(Thread* L, HookEvent event, int line)>;

// Sets (or with an empty mask or no function, removes) the hook of the VM.
// Hooks are global to the VM, as LuaJIT's are, and not re-entered: events
// while a hook runs are dropped.
void set_hook(Vm& vm, HookMask mask, HookFunction fn);
// The mask last set (empty when no hook is set).
HookMask hook_mask(Vm& vm);

}  // namespace lj::interp
