// Debug information over GC prototypes and live frames: how error messages
// name values ("local 'x'"), source positions, the frame walk behind
// error levels and tracebacks.
#pragma once

#include <string>
#include <vector>

#include "lj/vm/interp/vm.h"

namespace lj::interp {

// Index of the instruction before `pc_after` in its prototype.
inline uint32_t pc_index(const Proto* pt, const uint32_t* pc_after) {
  return static_cast<uint32_t>(pc_after - 1 - pt->bc());
}

// Source line of the instruction before pc_after.
uint32_t line_of(const Proto* pt, const uint32_t* pc_after);
// Lua's short source name: "@file" -> "file", "=name" -> "name", source
// text -> [string "first line..."].
std::string short_source(const String* chunkname);
// The same for a prototype; LuaJIT's bytecode builtins (firstline ~0) are
// "[builtin:name]".
inline constexpr uint32_t kBuiltinFirstLine = ~0u;
std::string short_source(const Proto* pt);

// Kind ("local", "global", "field", "method", "upvalue") and name of the
// value in `slot` at instruction index `pc`; empty kind if unnamed.
struct ValueName {
  std::string kind;
  std::string name;
};
ValueName name_of_slot(const Proto* pt, uint32_t pc, uint32_t slot);
// The local variable in `slot` at instruction index pc, hidden ones like
// "(for index)" included; null if none is alive there.
const String* local_name(const Proto* pt, uint32_t pc, uint32_t slot);
// " local 'x'"-style phrase for messages ("" when unnamed).
std::string describe_slot(const Proto* pt, uint32_t pc, uint32_t slot);

// One frame of a thread's stack: the function's base and, for Lua
// functions, the pc past the instruction it is executing.
struct FrameInfo {
  TValue* base;
  const uint32_t* pc;  // null for C functions
  Function* function() const { return base[-2].as_function(); }
};
// Frames from the top (index 0: the running function) to the bottom.
std::vector<FrameInfo> walk_frames(Thread* L, const uint32_t* top_pc);
// The frames of any thread: the running one from the VM's pc, a suspended
// or normal coroutine from its top C frame (yield/resume).
std::vector<FrameInfo> thread_frames(Thread* L);
// How the function of frames[i] was called, as lua_Debug's name and
// namewhat: kind "global", "local", "method", "field", "upvalue" or
// "metamethod"; empty if its caller does not name it.
ValueName frame_call_name(const std::vector<FrameInfo>& frames, size_t i);
// The name alone, for tracebacks ("in function 'name'").
std::string frame_function_name(const std::vector<FrameInfo>& frames, size_t i);

// A local variable or temporary of frames[level] (debug.getlocal/setlocal):
// n > 0 counts slots from 1 (named locals, else "(*temporary)" below the
// next frame), n < 0 the varargs ("(*vararg)"). slot is null if none.
struct LocalSlot {
  std::string name;
  TValue* slot = nullptr;
};
LocalSlot frame_local(Thread* L, const std::vector<FrameInfo>& frames, size_t level, int n);

}  // namespace lj::interp
