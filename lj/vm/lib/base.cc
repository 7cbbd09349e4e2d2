// The base library: print, type, tostring, tonumber, iteration, raw
// access, metatables, errors and protected calls, environments, loading
// and the collector's knobs.
#include <cctype>
#include <cstdio>
#include <cstring>
#include <optional>

#include "lj/vm/interp/debug.h"
#include "lj/vm/lib/api.h"
#include "lj/vm/lib/lib.h"
#include "lj/vm/strlib/number.h"

namespace lj::lib {

namespace {

int lib_tostring(Thread* L);

// print converts through the global tostring, as Lua 5.1's does.
int lib_print(Thread* L) {
  Vm& vm = Vm::of(L);
  int n = arg_count(L);
  // The name "tostring" is print's upvalue, as in luajit, so it is not
  // interned again on every call.
  String* tostring_name = L->base[-2].as_function()->c_upvalues()[0].as_string();
  TValue tostring = L->global->globals()->get_str(tostring_name);
  bool builtin = tostring.is_function() && tostring.as_function()->is_c() &&
                 tostring.as_function()->cfunction() == lib_tostring;
  for (int i = 1; i <= n; i++) {
    String* piece;
    // Strings and numbers skip the builtin tostring; anything else calls
    // it, as luajit's print does (a call hook sees those calls).
    TValue arg = L->base[i - 1];
    if (builtin && (arg.is_string() || arg.is_number())) {
      piece = vm.to_string(L, arg);
    } else {
      TValue* f = L->top;
      f[0] = tostring;
      f[2] = L->base[i - 1];
      L->top = f + 3;
      f = vm.call(L, f, 1);
      TValue s = f[0];
      L->top = f;
      if (s.is_number()) s = TValue::string(vm.number_to_string(s.as_number()));
      if (!s.is_string()) vm.error_at(L, 1, "'tostring' must return a string to 'print'");
      piece = s.as_string();
    }
    // Each piece goes to stdout as soon as it is known, as luajit writes
    // them: a failing __tostring leaves the earlier ones written, and
    // print, io.write and io.stdout share stdout's buffer.
    if (i > 1) std::fputc('\t', stdout);
    std::fwrite(piece->data(), 1, piece->len, stdout);
  }
  std::fputc('\n', stdout);
  return 0;
}

int lib_type(Thread* L) {
  check_any(L, 1);
  push(L, TValue::string(Vm::of(L).type_name_string(static_cast<int>(arg(L, 1).tag()))));
  return 1;
}

int lib_tostring(Thread* L) {
  check_any(L, 1);
  push(L, TValue::string(Vm::of(L).to_string(L, arg(L, 1))));
  return 1;
}

int lib_tonumber(Thread* L) {
  int64_t base = opt_integer(L, 2, 10);
  TValue v = arg(L, 1);
  double n;
  if (base == 10) {
    check_any(L, 1);
    if (v.is_number()) {
      push(L, v);
      return 1;
    }
    if (v.is_string() && Vm::string_to_number(v.as_string()->view(), &n)) {
      push(L, TValue::number(n));
      return 1;
    }
  } else {
    // luajit checks the string before the base.
    String* s = check_string(L, 1);
    if (base < 2 || base > 36) Vm::of(L).arg_error(L, 2, "base out of range");
    if (std::optional<double> v = strlib::string_to_number_base(s->view(), static_cast<int>(base))) {
      push(L, TValue::number(*v));
      return 1;
    }
  }
  push(L, TValue::nil());
  return 1;
}

int lib_next(Thread* L) {
  Table* t = check_table(L, 1);
  TValue key = arg(L, 2), val;
  if (t->next(L->global[0], key, val)) {
    push(L, key);
    push(L, val);
    return 2;
  }
  push(L, TValue::nil());
  return 1;
}

int lib_pairs(Thread* L) {
  Table* t = check_table(L, 1);
  push(L, L->base[-2].as_function()->c_upvalues()[0]);
  push(L, TValue::table(t));
  push(L, TValue::nil());
  return 3;
}

int lib_ipairs_aux(Thread* L) {
  Table* t = check_table(L, 1);
  double i = check_number(L, 2) + 1;
  TValue v = t->get_num(i);
  if (v.is_nil()) return 0;
  push(L, TValue::number(i));
  push(L, v);
  return 2;
}

int lib_ipairs(Thread* L) {
  Table* t = check_table(L, 1);
  push(L, L->base[-2].as_function()->c_upvalues()[0]);
  push(L, TValue::table(t));
  push(L, TValue::number(0));
  return 3;
}

int lib_select(Thread* L) {
  int n = arg_count(L);
  TValue which = arg(L, 1);
  if (which.is_string() && which.as_string()->view() == "#") {
    push(L, TValue::number(n - 1));
    return 1;
  }
  int64_t i = check_integer(L, 1);
  if (i < 0) {
    i = n + i;
  } else if (i > n - 1) {
    i = n - 1;
    return 0;
  }
  if (i < 1) Vm::of(L).arg_error(L, 1, "index out of range");
  return static_cast<int>(n - i);
}

int lib_rawget(Thread* L) {
  Table* t = check_table(L, 1);
  check_any(L, 2);
  push(L, t->get(arg(L, 2)));
  return 1;
}

int lib_rawset(Thread* L) {
  Table* t = check_table(L, 1);
  check_any(L, 3);
  t->set(*L->global, arg(L, 2), arg(L, 3));
  push(L, TValue::table(t));
  return 1;
}

int lib_rawequal(Thread* L) {
  check_any(L, 2);
  push(L, TValue::boolean(arg(L, 1).raw_equals(arg(L, 2))));
  return 1;
}

int lib_setmetatable(Thread* L) {
  Vm& vm = Vm::of(L);
  Table* t = check_table(L, 1);
  TValue mt = arg(L, 2);
  if (!mt.is_nil() && !mt.is_table()) vm.type_error(L, 2, "nil or table");
  if (t->metatable && !t->metatable->get_str(vm.global().metamethod_name(vm::Metamethod::Metatable)).is_nil()) {
    vm.error_at(L, 1, "cannot change a protected metatable");
  }
  t->set_metatable(vm.global(), mt.is_nil() ? nullptr : mt.as_table());
  push(L, TValue::table(t));
  return 1;
}

int lib_getmetatable(Thread* L) {
  Vm& vm = Vm::of(L);
  check_any(L, 1);
  Table* mt = vm.metatable_of(arg(L, 1));
  if (!mt) {
    push(L, TValue::nil());
    return 1;
  }
  TValue protected_mt = mt->get_str(vm.global().metamethod_name(vm::Metamethod::Metatable));
  push(L, protected_mt.is_nil() ? TValue::table(mt) : protected_mt);
  return 1;
}

int lib_assert(Thread* L) {
  Vm& vm = Vm::of(L);
  check_any(L, 1);
  if (arg(L, 1).is_truthy()) return arg_count(L);
  if (arg_count(L) >= 2) vm.raise_value(L, arg(L, 2));
  vm.error_at(L, 1, "assertion failed!");
}

int lib_error(Thread* L) {
  Vm& vm = Vm::of(L);
  TValue msg = arg(L, 1);
  int64_t level = opt_integer(L, 2, 1);
  if ((msg.is_string() || msg.is_number()) && level > 0) {
    std::string text = vm.where(L, static_cast<int>(level)) + std::string(vm.to_string_raw(msg)->view());
    vm.raise_value(L, str(L, text));
  }
  vm.raise_value(L, msg);
}

int lib_unpack(Thread* L) {
  Table* t = check_table(L, 1);
  int64_t i = opt_integer(L, 2, 1);
  int64_t j = arg(L, 3).is_nil() ? static_cast<int64_t>(t->length()) : check_integer(L, 3);
  if (i > j) return 0;
  int64_t n = j - i + 1;
  if (n >= 8000 || L->top + n + 20 > L->stack + vm::kStackMaxSlots) {
    Vm::of(L).error_at(L, 1, "too many results to unpack");
  }
  if (L->top + n + 20 > L->maxstack) L->grow_stack(*L->global, static_cast<uint32_t>(n + 20));
  for (int64_t k = i; k <= j; k++) push(L, t->get_int(k));
  return static_cast<int>(n);
}

// The function at `level` for getfenv/setfenv (level 0: the thread).
Function* function_at_level(Thread* L, int64_t level) {
  Vm& vm = Vm::of(L);
  auto frames = interp::walk_frames(L, nullptr);
  if (level < 0 || static_cast<size_t>(level) >= frames.size()) vm.arg_error(L, 1, "invalid level");
  return frames[static_cast<size_t>(level)].function();
}

int lib_getfenv(Thread* L) {
  TValue f = arg(L, 1);
  if (f.is_function()) {
    push(L, TValue::table(f.as_function()->env));
    return 1;
  }
  int64_t level = opt_integer(L, 1, 1);
  if (level == 0) {
    push(L, TValue::table(L->global->globals()));
    return 1;
  }
  push(L, TValue::table(function_at_level(L, level)->env));
  return 1;
}

int lib_setfenv(Thread* L) {
  Vm& vm = Vm::of(L);
  Table* env = check_table(L, 2);
  TValue f = arg(L, 1);
  Function* fn;
  if (f.is_function()) {
    fn = f.as_function();
  } else {
    int64_t level = check_integer(L, 1);
    if (level == 0) {
      L->env = env;
      return 0;
    }
    fn = function_at_level(L, level);
  }
  if (fn->is_c()) vm.error_at(L, 1, "'setfenv' cannot change environment of given object");
  fn->env = env;
  vm.global().barrier_forward(vm::as_object(fn), vm::as_object(env));
  push(L, TValue::function(fn));
  return 1;
}

int lib_collectgarbage(Thread* L) {
  Vm& vm = Vm::of(L);
  vm::GlobalState& g = vm.global();
  std::string opt = arg(L, 1).is_nil() ? "collect" : std::string(check_string(L, 1)->view());
  if (opt == "collect") {
    g.full_gc();
    push(L, TValue::number(0));
  } else if (opt == "count") {
    push(L, TValue::number(g.count_kb()));
  } else if (opt == "step") {
    push(L, TValue::boolean(g.gc_step_kb(static_cast<uint32_t>(opt_integer(L, 2, 0)))));
  } else if (opt == "setpause") {
    push(L, TValue::number(g.set_pause(static_cast<uint32_t>(opt_integer(L, 2, 0)))));
  } else if (opt == "setstepmul") {
    push(L, TValue::number(g.set_stepmul(static_cast<uint32_t>(opt_integer(L, 2, 0)))));
  } else if (opt == "stop") {
    g.gc_stop();
    push(L, TValue::number(0));
  } else if (opt == "restart") {
    g.gc_restart();
    push(L, TValue::number(0));
  } else if (opt == "isrunning") {
    push(L, TValue::boolean(g.gc_running()));
  } else {
    vm.arg_error(L, 1, "invalid option '" + opt + "'");
  }
  return 1;
}

// Compiles source; on a syntax error returns nil and the message.
// load/loadstring/loadfile as LuaJIT 2.1: argument mode_arg is the mode
// ("b", "t" or both; a chunk of the wrong kind is refused), the next one an
// environment table for the new function (anything else is ignored).
int load_source(Thread* L, std::string_view source, const std::string& chunkname, int mode_arg) {
  Vm& vm = Vm::of(L);
  std::string mode = arg(L, mode_arg).is_nil() ? "bt" : std::string(check_string(L, mode_arg)->view());
  bool binary = !source.empty() && source[0] == '\x1b';
  if (mode.find(binary ? 'b' : 't') == std::string::npos) {
    push(L, TValue::nil());
    push(L, str(L, "attempt to load chunk with wrong mode"));
    return 2;
  }
  TValue env = arg(L, mode_arg + 1);
  try {
    Function* fn = vm.load(source, chunkname, env.is_table() ? env.as_table() : L->global->globals());
    push(L, TValue::function(fn));
    return 1;
  } catch (const vm::LuaError& e) {
    push(L, TValue::nil());
    push(L, e.value());
    return 2;
  }
}

int lib_loadstring(Thread* L) {
  String* s = check_string(L, 1);
  std::string name = arg(L, 2).is_nil() ? std::string(s->view()) : std::string(check_string(L, 2)->view());
  return load_source(L, s->view(), name, 3);
}

int lib_load(Thread* L) {
  Vm& vm = Vm::of(L);
  TValue src = arg(L, 1);
  if (src.is_string()) return lib_loadstring(L);
  if (!src.is_function()) vm.type_error(L, 1, "function");
  std::string name = arg(L, 2).is_nil() ? "=(load)" : std::string(check_string(L, 2)->view());
  // Calls the reader until it returns nil or an empty string.
  std::string text;
  TValue reader = src;
  for (;;) {
    TValue* f = L->top;
    f[0] = reader;
    L->top = f + 2;
    f = vm.call(L, f, 1);
    TValue piece = f[0];
    L->top = f;
    if (piece.is_nil() || (piece.is_string() && piece.as_string()->len == 0)) break;
    if (!piece.is_string()) {
      push(L, TValue::nil());
      push(L, str(L, "reader function must return a string"));
      return 2;
    }
    text.append(piece.as_string()->view());
  }
  return load_source(L, text, name, 3);
}

// Reads a whole file; false with Lua's message on failure.
bool read_file(const std::string& path, std::string* text, std::string* error) {
  FILE* fp = std::fopen(path.c_str(), "rb");
  if (!fp) {
    *error = "cannot open " + path;
    return false;
  }
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, fp)) > 0) text->append(buf, n);
  std::fclose(fp);
  // A first line starting with '#' is skipped, as by the CLI.
  if (!text->empty() && (*text)[0] == '#') {
    size_t nl = text->find('\n');
    text->replace(0, nl == std::string::npos ? text->size() : nl, "");
  }
  return true;
}

int lib_loadfile(Thread* L) {
  std::string path(check_string(L, 1)->view());
  std::string text, error;
  if (!read_file(path, &text, &error)) {
    push(L, TValue::nil());
    push(L, str(L, error));
    return 2;
  }
  return load_source(L, text, "@" + path, 2);
}

int lib_dofile(Thread* L) {
  Vm& vm = Vm::of(L);
  std::string path(check_string(L, 1)->view());
  std::string text, error;
  if (!read_file(path, &text, &error)) vm.raise_value(L, str(L, error));
  Function* fn = vm.load(text, "@" + path, L->global->globals());
  TValue* f = L->top;
  f[0] = TValue::function(fn);
  L->top = f + 2;
  f = vm.call(L, f, -1);
  return static_cast<int>(L->top - f);
}

int lib_newproxy(Thread* L) {
  vm::GlobalState& g = *L->global;
  vm::Userdata* ud = g.new_userdata(0, g.globals());
  TValue a = arg(L, 1);
  if (a.is_true()) {
    ud->metatable = g.new_table(0, 0);
  } else if (a.is_userdata() && a.as_userdata()->metatable) {
    ud->metatable = a.as_userdata()->metatable;
  } else if (!a.is_nil() && !a.is_false()) {
    Vm::of(L).arg_error(L, 1, "boolean or proxy expected");
  }
  push(L, TValue::userdata(ud));
  return 1;
}

// pcall/xpcall run inside the interpreter loop; these bodies never run.
int lib_fast_function_body(Thread*) { return 0; }

// -- Fast paths (interp::FastPath): the common arguments of the functions above.
int fast_type(Thread* L, TValue* args, uint32_t nargs) {
  if (nargs < 1) return -1;
  args[0] = TValue::string(Vm::of(L).type_name_string(static_cast<int>(args[0].tag())));
  return 1;
}

// tonumber(v) in base 10: every type has an answer.
int fast_tonumber(Thread*, TValue* args, uint32_t nargs) {
  if (nargs != 1) return -1;
  double n;
  if (args[0].is_string()) {
    args[0] = Vm::string_to_number(args[0].as_string()->view(), &n) ? TValue::number(n) : TValue::nil();
  } else if (!args[0].is_number()) {
    args[0] = TValue::nil();
  }
  return 1;
}

int fast_select(Thread*, TValue* args, uint32_t nargs) {
  if (nargs < 1) return -1;
  int64_t n = nargs, i;
  if (args[0].is_string() && args[0].as_string()->view() == "#") {
    args[0] = TValue::number(static_cast<double>(n - 1));
    return 1;
  }
  if (!fast_integer(args[0], &i)) return -1;
  if (i < 0) i += n;
  if (i < 1) return -1;  // the C function raises "index out of range"
  if (i > n - 1) return 0;
  std::memmove(args, args + i, sizeof(TValue) * static_cast<size_t>(n - i));
  return static_cast<int>(n - i);
}

int fast_rawget(Thread*, TValue* args, uint32_t nargs) {
  if (nargs < 2 || !args[0].is_table()) return -1;
  args[0] = args[0].as_table()->get(args[1]);
  return 1;
}

int fast_ipairs_aux(Thread*, TValue* args, uint32_t nargs) {
  if (nargs < 2 || !args[0].is_table() || !args[1].is_number()) return -1;
  double i = args[1].as_number() + 1;
  TValue v = args[0].as_table()->get_num(i);
  if (v.is_nil()) return 0;
  args[0] = TValue::number(i);
  args[1] = v;
  return 2;
}

// unpack(t [, i [, j]]) of fewer than 8000 values with room on the stack.
int fast_unpack(Thread* L, TValue* args, uint32_t nargs) {
  if (nargs < 1 || !args[0].is_table()) return -1;
  Table* t = args[0].as_table();
  int64_t i, j;
  if (!fast_opt_integer(args, nargs, 1, 1, &i)) return -1;
  if (nargs >= 3 && !args[2].is_nil()) {
    if (!fast_integer(args[2], &j)) return -1;
  } else {
    j = static_cast<int64_t>(t->length());
  }
  if (i > j) return 0;
  int64_t n = j - i + 1;
  if (n >= 8000 || args + n + 20 > L->maxstack) return -1;
  for (int64_t k = 0; k < n; k++) args[k] = t->get_int(i + k);
  return static_cast<int>(n);
}

// Registers name = f in G with one upvalue, as luajit's print, pairs and
// ipairs have (debug.getupvalue shows it).
void set_closure(vm::GlobalState& g, Table* G, const char* name, vm::CFunction f, TValue upvalue) {
  Function* fn = g.new_c_function(f, 1, G);
  fn->c_upvalues()[0] = upvalue;
  G->set_str(g, g.intern(name), TValue::function(fn));
}

}  // namespace

void open_base(Vm& vm) {
  vm::GlobalState& g = vm.global();
  Table* G = g.globals();
  G->set_str(g, g.intern("_G"), TValue::table(G));
  G->set_str(g, g.intern("_VERSION"), TValue::string(g.intern("Lua 5.1")));
  set_closure(g, G, "print", lib_print, TValue::string(g.intern("tostring")));
  set_fast_function(vm, G, "type", lib_type, interp::kFfType, fast_type);
  set_function(vm, G, "tostring", lib_tostring);
  set_fast_function(vm, G, "tonumber", lib_tonumber, interp::kFfTonumber, fast_tonumber);
  Function* next = set_function(vm, G, "next", lib_next, interp::kFfNext);
  // pairs/ipairs return their iterator, kept as an upvalue.
  set_closure(g, G, "pairs", lib_pairs, TValue::function(next));
  vm.set_fast_path(interp::kFfIpairsAux, fast_ipairs_aux);
  set_closure(g, G, "ipairs", lib_ipairs, TValue::function(vm.new_c_function(lib_ipairs_aux, interp::kFfIpairsAux)));
  set_fast_function(vm, G, "select", lib_select, interp::kFfSelect, fast_select);
  set_fast_function(vm, G, "rawget", lib_rawget, interp::kFfRawget, fast_rawget);
  set_function(vm, G, "rawset", lib_rawset);
  set_function(vm, G, "rawequal", lib_rawequal);
  set_function(vm, G, "setmetatable", lib_setmetatable);
  set_function(vm, G, "getmetatable", lib_getmetatable);
  set_function(vm, G, "assert", lib_assert);
  set_function(vm, G, "error", lib_error);
  set_function(vm, G, "pcall", lib_fast_function_body, interp::kFfPcall);
  set_function(vm, G, "xpcall", lib_fast_function_body, interp::kFfXpcall);
  set_fast_function(vm, G, "unpack", lib_unpack, interp::kFfUnpack, fast_unpack);
  set_function(vm, G, "getfenv", lib_getfenv);
  set_function(vm, G, "setfenv", lib_setfenv);
  set_function(vm, G, "collectgarbage", lib_collectgarbage);
  set_function(vm, G, "load", lib_load);
  set_function(vm, G, "loadstring", lib_loadstring);
  set_function(vm, G, "loadfile", lib_loadfile);
  set_function(vm, G, "dofile", lib_dofile);
  set_function(vm, G, "newproxy", lib_newproxy);
}

void open_all(Vm& vm) {
  open_base(vm);
  open_table(vm);
  open_math(vm);
  open_coroutine(vm);
  open_string(vm);
  open_io(vm);
  open_os(vm);
  open_bit(vm);
  open_jit(vm);
  open_debug(vm);
  open_package(vm);
}

}  // namespace lj::lib
