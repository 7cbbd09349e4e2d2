// The debug library as LuaJIT 2.1 has it: getinfo, getlocal/setlocal,
// getupvalue/setupvalue, sethook/gethook, getmetatable/setmetatable,
// getregistry, getfenv/setfenv, traceback and debug.debug. Frame walks and
// slot names come from lj/vm/interp/debug.h, hooks from hooks.h
// (docs/interpreter.md, "The debug library").
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "lj/vm/interp/debug.h"
#include "lj/vm/interp/hooks.h"
#include "lj/vm/lib/api.h"
#include "lj/vm/lib/lib.h"

namespace lj::lib {

namespace {

using interp::FrameInfo;
using interp::kBuiltinFirstLine;

void set_field(Thread* L, Table* t, const char* key, TValue v) {
  vm::GlobalState& g = *L->global;
  t->set_str(g, g.intern(key), v);
}

// LuaJIT's optional leading thread argument: the thread and the index of
// the first argument after it (0 or 1, added to argument numbers).
Thread* thread_argument(Thread* L, int* shift) {
  TValue first = arg(L, 1);
  *shift = first.is_thread() ? 1 : 0;
  return first.is_thread() ? first.as_thread() : L;
}

// -- getinfo ---------------------------------------------------------------------------

// 'S': where the function comes from. LuaJIT's builtins report their bare
// name as source and -1 as their lines.
void source_fields(Thread* L, Table* info, Function* fn) {
  if (fn->is_c()) {
    set_field(L, info, "source", str(L, "=[C]"));
    set_field(L, info, "short_src", str(L, "[C]"));
    set_field(L, info, "linedefined", TValue::number(-1));
    set_field(L, info, "lastlinedefined", TValue::number(-1));
    set_field(L, info, "what", str(L, "C"));
    return;
  }
  const vm::Proto* pt = fn->proto();
  bool builtin = pt->firstline == kBuiltinFirstLine;
  double first = builtin ? -1.0 : static_cast<double>(pt->firstline);
  double last = builtin ? -1.0 : static_cast<double>(pt->firstline) + pt->numline;
  set_field(L, info, "source", TValue::string(pt->chunkname));
  set_field(L, info, "short_src", str(L, interp::short_source(pt)));
  set_field(L, info, "linedefined", TValue::number(first));
  set_field(L, info, "lastlinedefined", TValue::number(last));
  // A stripped dump keeps no line range: LuaJIT calls every such function "Lua".
  set_field(L, info, "what", str(L, pt->firstline == 0 && pt->numline != 0 ? "main" : "Lua"));
}

// 'u': upvalue count and, as LuaJIT 2.1 adds, parameters and varargness.
void upvalue_fields(Thread* L, Table* info, Function* fn) {
  bool lua = fn->is_lua();
  set_field(L, info, "nups", TValue::number(fn->nupvalues));
  set_field(L, info, "nparams", TValue::number(lua ? fn->proto()->numparams : 0));
  set_field(L, info, "isvararg", TValue::boolean(!lua || (fn->proto()->flags & bc::kProtoVararg)));
}

// 'L': the set of lines that have code, every instruction but the header.
void active_lines_field(Thread* L, Table* info, Function* fn) {
  if (!fn->is_lua()) return;
  const vm::Proto* pt = fn->proto();
  Table* lines = L->global->new_table(0, 0);
  set_field(L, info, "activelines", TValue::table(lines));
  if (pt->firstline == kBuiltinFirstLine) return;
  for (uint32_t i = 1; i < pt->sizebc; i++) lines->set_int(*L->global, pt->lineinfo[i], TValue::boolean(true));
}

// 'n': how the caller named the function at frames[level].
void name_fields(Thread* L, Table* info, const std::vector<FrameInfo>* frames, size_t level) {
  interp::ValueName name = frames ? interp::frame_call_name(*frames, level) : interp::ValueName{};
  if (!name.kind.empty()) set_field(L, info, "name", str(L, name.name));
  set_field(L, info, "namewhat", str(L, name.kind));
}

// debug.getinfo([thread,] f|level [, what])
int debug_getinfo(Thread* L) {
  Vm& vm = Vm::of(L);
  int shift;
  Thread* L1 = thread_argument(L, &shift);
  TValue target = arg(L, shift + 1);
  std::string what = arg(L, shift + 2).is_nil() ? "flnSu" : std::string(check_string(L, shift + 2)->view());
  Function* fn = nullptr;
  const uint32_t* pc = nullptr;
  std::vector<FrameInfo> frames;
  size_t level = 0;
  if (target.is_function()) {
    fn = target.as_function();
  } else if (target.is_number()) {
    int64_t n = check_integer(L, shift + 1);
    frames = interp::thread_frames(L1);
    if (n < 0 || static_cast<size_t>(n) >= frames.size()) {
      push(L, TValue::nil());
      return 1;
    }
    level = static_cast<size_t>(n);
    fn = frames[level].function();
    pc = frames[level].pc;
  } else {
    vm.arg_error(L, shift + 1, "function or level expected");
  }
  Table* info = vm.global().new_table(0, 8);
  TValue info_value = TValue::table(info);
  push(L, info_value);  // rooted while the fields are built
  for (char c : what) {
    switch (c) {
      case 'S': source_fields(L, info, fn); break;
      case 'l':
        set_field(L, info, "currentline",
                  TValue::number(pc && fn->is_lua() ? static_cast<double>(interp::line_of(fn->proto(), pc)) : -1.0));
        break;
      case 'u': upvalue_fields(L, info, fn); break;
      case 'f': set_field(L, info, "func", TValue::function(fn)); break;
      case 'n': name_fields(L, info, frames.empty() ? nullptr : &frames, level); break;
      case 'L': active_lines_field(L, info, fn); break;
      default: vm.arg_error(L, shift + 2, "invalid option");
    }
  }
  return 1;
}

// -- Locals and upvalues ------------------------------------------------------------

// The frames of L1 and the checked level argument ("level out of range").
std::vector<FrameInfo> frames_at_level(Thread* L, Thread* L1, int level_arg, size_t* level) {
  std::vector<FrameInfo> frames = interp::thread_frames(L1);
  int64_t n = check_integer(L, level_arg);
  if (n < 0 || static_cast<size_t>(n) >= frames.size()) Vm::of(L).arg_error(L, level_arg, "level out of range");
  *level = static_cast<size_t>(n);
  return frames;
}

// debug.getlocal([thread,] level, n) -> name, value; getlocal(f, n) -> the
// name of parameter n of a Lua function.
int debug_getlocal(Thread* L) {
  int shift;
  Thread* L1 = thread_argument(L, &shift);
  TValue target = arg(L, shift + 1);
  if (target.is_function()) {
    int64_t n = check_integer(L, shift + 2);
    Function* fn = target.as_function();
    const String* name = fn->is_lua() && n > 0 ? interp::local_name(fn->proto(), 0, static_cast<uint32_t>(n - 1))
                                               : nullptr;
    push(L, name ? TValue::string(name) : TValue::nil());
    return 1;
  }
  size_t level;
  std::vector<FrameInfo> frames = frames_at_level(L, L1, shift + 1, &level);
  int n = static_cast<int>(check_integer(L, shift + 2));
  interp::LocalSlot local = interp::frame_local(L1, frames, level, n);
  if (!local.slot) {
    push(L, TValue::nil());
    return 1;
  }
  TValue value = *local.slot;
  push(L, str(L, local.name));
  push(L, value);
  return 2;
}

// debug.setlocal([thread,] level, n, value) -> name (nil if no such slot).
int debug_setlocal(Thread* L) {
  int shift;
  Thread* L1 = thread_argument(L, &shift);
  size_t level;
  std::vector<FrameInfo> frames = frames_at_level(L, L1, shift + 1, &level);
  int n = static_cast<int>(check_integer(L, shift + 2));
  check_any(L, shift + 3);
  interp::LocalSlot local = interp::frame_local(L1, frames, level, n);
  if (!local.slot) {
    push(L, TValue::nil());
    return 1;
  }
  *local.slot = arg(L, shift + 3);
  push(L, str(L, local.name));
  return 1;
}

// Upvalue n (from 1) of f: its name ("" for C functions) and its cell.
bool find_upvalue(Thread* L, Function* fn, int64_t n, String** name, TValue** cell) {
  if (n < 1 || n > fn->nupvalues) return false;
  uint32_t i = static_cast<uint32_t>(n - 1);
  if (fn->is_c()) {
    *name = L->global->intern("");
    *cell = &fn->c_upvalues()[i];
    return true;
  }
  const vm::Proto* pt = fn->proto();
  *name = i < pt->sizeuv ? pt->uvnames[i] : L->global->intern("");
  *cell = fn->upvalues()[i]->v;
  return true;
}

Function* check_function(Thread* L, int i) {
  TValue v = arg(L, i);
  if (!v.is_function()) Vm::of(L).type_error(L, i, "function");
  return v.as_function();
}

// debug.getupvalue(f, n) -> name, value (nothing if there is none).
int debug_getupvalue(Thread* L) {
  int64_t n = check_integer(L, 2);
  Function* fn = check_function(L, 1);
  String* name;
  TValue* cell;
  if (!find_upvalue(L, fn, n, &name, &cell)) return 0;
  TValue value = *cell;
  push(L, TValue::string(name));
  push(L, value);
  return 2;
}

// debug.setupvalue(f, n, value) -> name (nothing if there is none).
int debug_setupvalue(Thread* L) {
  check_any(L, 3);
  int64_t n = check_integer(L, 2);
  Function* fn = check_function(L, 1);
  String* name;
  TValue* cell;
  if (!find_upvalue(L, fn, n, &name, &cell)) return 0;
  vm::GlobalState& g = *L->global;
  TValue value = arg(L, 3);
  if (fn->is_c()) {
    *cell = value;
    if (value.is_gc()) g.barrier_forward(vm::as_object(fn), value.as_gc());
  } else {
    g.set_upvalue(fn->upvalues()[n - 1], value);
  }
  push(L, TValue::string(name));
  return 1;
}

// -- Hooks ---------------------------------------------------------------------------

// The registry key of the Lua hook function (a light userdata no Lua code
// can forge).
TValue hook_key() {
  static const char kKey = 0;
  return TValue::light_userdata(&kKey);
}

// Calls the Lua hook function with the event name and, for line events,
// the line (nil otherwise), as LuaJIT's hookf does.
void call_lua_hook(Thread* L, interp::HookEvent event, int line) {
  Vm& vm = Vm::of(L);
  TValue hook = vm.global().registry()->get(hook_key());
  if (!hook.is_function()) return;
  TValue* f = L->top;
  f[0] = hook;
  f[2] = str(L, interp::hook_event_name(event));
  f[3] = line >= 0 ? TValue::number(line) : TValue::nil();
  L->top = f + 4;
  f = vm.call(L, f, 0);
  L->top = f;
}

// debug.sethook([thread,] [f, mask [, count]]): hooks are global to the VM,
// the thread argument is accepted and ignored, as in LuaJIT.
int debug_sethook(Thread* L) {
  Vm& vm = Vm::of(L);
  int shift;
  thread_argument(L, &shift);
  TValue fn = arg(L, shift + 1);
  interp::HookMask mask;
  if (!fn.is_nil()) {
    std::string_view letters = check_string(L, shift + 2)->view();
    if (!fn.is_function()) vm.type_error(L, shift + 1, "function");
    mask.count = static_cast<int>(opt_integer(L, shift + 3, 0));
    mask.call = letters.find('c') != std::string_view::npos;
    mask.ret = letters.find('r') != std::string_view::npos;
    mask.line = letters.find('l') != std::string_view::npos;
  }
  vm::GlobalState& g = vm.global();
  g.registry()->set(g, hook_key(), fn);
  interp::set_hook(vm, mask, mask.any() ? interp::HookFunction(call_lua_hook) : interp::HookFunction{});
  return 0;
}

// debug.gethook([thread]) -> function, mask letters, count.
int debug_gethook(Thread* L) {
  Vm& vm = Vm::of(L);
  interp::HookMask mask = interp::hook_mask(vm);
  std::string letters = std::string(mask.call ? "c" : "") + (mask.ret ? "r" : "") + (mask.line ? "l" : "");
  push(L, vm.global().registry()->get(hook_key()));
  push(L, str(L, letters));
  push(L, TValue::number(mask.count));
  return 3;
}

// -- Metatables, environments, registry ------------------------------------------

// debug.getmetatable(v): the raw metatable of any value, __metatable ignored.
int debug_getmetatable(Thread* L) {
  check_any(L, 1);
  Table* mt = Vm::of(L).metatable_of(arg(L, 1));
  push(L, mt ? TValue::table(mt) : TValue::nil());
  return 1;
}

// debug.setmetatable(v, mt|nil) -> true: tables and userdata have their own,
// every other type shares one per type.
int debug_setmetatable(Thread* L) {
  Vm& vm = Vm::of(L);
  vm::GlobalState& g = vm.global();
  TValue v = arg(L, 1);
  TValue mtv = arg(L, 2);
  if (!mtv.is_nil() && !mtv.is_table()) vm.arg_error(L, 2, "nil or table expected");
  Table* mt = mtv.is_nil() ? nullptr : mtv.as_table();
  if (v.is_table()) {
    v.as_table()->set_metatable(g, mt);
  } else if (v.is_userdata()) {
    v.as_userdata()->metatable = mt;
    if (mt) g.barrier_forward(vm::as_object(v.as_userdata()), vm::as_object(mt));
  } else {
    g.base_metatable(v.tag()) = mt;
  }
  push(L, TValue::boolean(true));
  return 1;
}

int debug_getregistry(Thread* L) {
  push(L, TValue::table(L->global->registry()));
  return 1;
}

// debug.getfenv(o): the environment of a function, thread or userdata.
int debug_getfenv(Thread* L) {
  check_any(L, 1);
  TValue o = arg(L, 1);
  Table* env = o.is_function() ? o.as_function()->env
               : o.is_thread() ? o.as_thread()->env
               : o.is_userdata() ? o.as_userdata()->env
                                 : nullptr;
  push(L, env ? TValue::table(env) : TValue::nil());
  return 1;
}

// debug.setfenv(o, t) -> o.
int debug_setfenv(Thread* L) {
  Vm& vm = Vm::of(L);
  vm::GlobalState& g = vm.global();
  Table* env = check_table(L, 2);
  TValue o = arg(L, 1);
  vm::GCObject* owner;
  if (o.is_function()) {
    o.as_function()->env = env;
    owner = vm::as_object(o.as_function());
  } else if (o.is_thread()) {
    o.as_thread()->env = env;
    owner = vm::as_object(o.as_thread());
  } else if (o.is_userdata()) {
    o.as_userdata()->env = env;
    owner = vm::as_object(o.as_userdata());
  } else {
    vm.error_at(L, 1, "'setfenv' cannot change environment of given object");
  }
  g.barrier_forward(owner, vm::as_object(env));
  push(L, o);
  return 1;
}

// -- traceback and debug.debug ---------------------------------------------------------

// debug.traceback([thread,] [msg [, level]]): a message that is neither a
// string nor a number comes back unchanged; the level defaults to 1 for the
// running thread and 0 for another one.
int debug_traceback(Thread* L) {
  Vm& vm = Vm::of(L);
  int shift;
  Thread* L1 = thread_argument(L, &shift);
  TValue msg = arg(L, shift + 1);
  bool has_text = msg.is_string() || msg.is_number();
  if (!has_text && arg_count(L) > shift) {
    push(L, msg);
    return 1;
  }
  int level = arg_count(L) >= shift + 2 ? static_cast<int>(check_integer(L, shift + 2)) : (L1 == L ? 1 : 0);
  std::string text = has_text ? std::string(check_string(L, shift + 1)->view()) + "\n" : "";
  text += vm.traceback(L1, level);
  push(L, str(L, text));
  return 1;
}

// debug.debug(): runs lines from stdin until "cont" or end of input,
// reporting errors on stderr, as LuaJIT's does.
int debug_debug(Thread* L) {
  Vm& vm = Vm::of(L);
  char line[250];
  for (;;) {
    std::fputs("lua_debug> ", stderr);
    if (!std::fgets(line, sizeof line, stdin) || std::strcmp(line, "cont\n") == 0) return 0;
    TValue* f = L->top;
    ptrdiff_t offset = f - L->stack;
    bool ok;
    try {
      f[0] = TValue::function(vm.load(line, "=(debug command)", vm.global().globals()));
      L->top = f + 2;
      ok = vm.pcall(L, f, 0, nullptr);
    } catch (const vm::LuaError& e) {
      L->top = L->stack + offset + 1;
      L->stack[offset] = e.value();
      ok = false;
    }
    f = L->stack + offset;
    if (!ok) {
      std::string text = f->is_string() || f->is_number() ? std::string(vm.to_string_raw(*f)->view())
                                                          : "(error object is not a string)";
      std::fputs((text + "\n").c_str(), stderr);
    }
    L->top = f;
  }
}

}  // namespace

void open_debug(Vm& vm) {
  Table* t = new_library(vm, "debug");
  set_function(vm, t, "getinfo", debug_getinfo);
  set_function(vm, t, "getlocal", debug_getlocal);
  set_function(vm, t, "setlocal", debug_setlocal);
  set_function(vm, t, "getupvalue", debug_getupvalue);
  set_function(vm, t, "setupvalue", debug_setupvalue);
  set_function(vm, t, "sethook", debug_sethook);
  set_function(vm, t, "gethook", debug_gethook);
  set_function(vm, t, "getmetatable", debug_getmetatable);
  set_function(vm, t, "setmetatable", debug_setmetatable);
  set_function(vm, t, "getregistry", debug_getregistry);
  set_function(vm, t, "getfenv", debug_getfenv);
  set_function(vm, t, "setfenv", debug_setfenv);
  set_function(vm, t, "traceback", debug_traceback);
  set_function(vm, t, "debug", debug_debug);
}

}  // namespace lj::lib
