// A first debug library: getinfo (fields S, l, u, f) and traceback. Hooks,
// locals and upvalue access come with the full library (issue 4).
#include <string>

#include "lj/vm/interp/debug.h"
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
  set_field(L, info, "what", str(L, pt->firstline == 0 ? "main" : "Lua"));
}

// 'u': upvalue count and, as LuaJIT 2.1 adds, parameters and varargness.
void upvalue_fields(Thread* L, Table* info, Function* fn) {
  bool lua = fn->is_lua();
  set_field(L, info, "nups", TValue::number(fn->nupvalues));
  set_field(L, info, "nparams", TValue::number(lua ? fn->proto()->numparams : 0));
  set_field(L, info, "isvararg", TValue::boolean(!lua || (fn->proto()->flags & bc::kProtoVararg)));
}

// debug.getinfo([thread,] f|level [, what])
int debug_getinfo(Thread* L) {
  Vm& vm = Vm::of(L);
  TValue target = arg(L, 1);
  std::string what = arg(L, 2).is_nil() ? "flnSu" : std::string(check_string(L, 2)->view());
  Function* fn = nullptr;
  const uint32_t* pc = nullptr;
  if (target.is_function()) {
    fn = target.as_function();
  } else {
    int64_t level = check_integer(L, 1);
    std::vector<FrameInfo> frames = interp::walk_frames(L, vm.saved_pc());
    if (level < 0 || static_cast<size_t>(level) >= frames.size()) {
      push(L, TValue::nil());
      return 1;
    }
    fn = frames[static_cast<size_t>(level)].function();
    pc = frames[static_cast<size_t>(level)].pc;
  }
  Table* info = vm.global().new_table(0, 4);
  for (char c : what) {
    switch (c) {
      case 'S': source_fields(L, info, fn); break;
      case 'l':
        set_field(L, info, "currentline",
                  TValue::number(pc && fn->is_lua() ? interp::line_of(fn->proto(), pc) : -1));
        break;
      case 'u': upvalue_fields(L, info, fn); break;
      case 'f': set_field(L, info, "func", TValue::function(fn)); break;
      case 'n': case 'L': break;  // names and line sets: not yet
      default: vm.arg_error(L, 2, "invalid option");
    }
  }
  push(L, TValue::table(info));
  return 1;
}

// debug.traceback([msg [, level]]): msg, newline, "stack traceback:" ...
int debug_traceback(Thread* L) {
  Vm& vm = Vm::of(L);
  TValue msg = arg(L, 1);
  if (!msg.is_nil() && !msg.is_string() && !msg.is_number()) {
    push(L, msg);
    return 1;
  }
  int level = static_cast<int>(opt_integer(L, 2, 1));
  std::string text = msg.is_nil() ? "" : std::string(check_string(L, 1)->view()) + "\n";
  text += vm.traceback(L, level);
  push(L, str(L, text));
  return 1;
}

}  // namespace

void open_debug(Vm& vm) {
  Table* t = new_library(vm, "debug");
  set_function(vm, t, "getinfo", debug_getinfo);
  set_function(vm, t, "traceback", debug_traceback);
}

}  // namespace lj::lib
