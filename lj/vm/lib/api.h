// Argument access and result pushing for library functions: a C function
// sees its arguments at L->base .. L->top and leaves n results on top.
#pragma once

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <string_view>

#include "lj/vm/interp/vm.h"
#include "lj/vm/strlib/format.h"

namespace lj::lib {

using interp::Vm;
using vm::Function;
using vm::String;
using vm::Table;
using vm::Thread;
using vm::TValue;

inline int arg_count(Thread* L) { return static_cast<int>(L->top - L->base); }
// Argument i (1-based), nil when absent.
inline TValue arg(Thread* L, int i) { return i <= arg_count(L) ? L->base[i - 1] : TValue::nil(); }
// Pushes a result (callers push at most a few; the VM leaves 20 free slots).
inline void push(Thread* L, TValue v) { *L->top++ = v; }

inline Table* check_table(Thread* L, int i) {
  TValue v = arg(L, i);
  if (!v.is_table()) Vm::of(L).type_error(L, i, "table");
  return v.as_table();
}

inline void check_any(Thread* L, int i) {
  if (i > arg_count(L)) Vm::of(L).arg_error(L, i, "value expected");
}

inline double check_number(Thread* L, int i) {
  TValue v = arg(L, i);
  if (v.is_number()) return v.as_number();
  double n;
  if (v.is_string() && Vm::string_to_number(v.as_string()->view(), &n)) return n;
  Vm::of(L).type_error(L, i, "number");
}

inline double opt_number(Thread* L, int i, double def) {
  return arg(L, i).is_nil() ? def : check_number(L, i);
}

// LuaJIT's integer arguments (lj_lib_checkint): truncated to 32 bits, and
// out of range or NaN reads as INT32_MIN, as x86's cvttsd2si gives.
inline int64_t lua_int32(double n) { return strlib::to_int32_like_x86(n); }
inline int64_t check_integer(Thread* L, int i) { return lua_int32(check_number(L, i)); }
inline int64_t opt_integer(Thread* L, int i, int64_t def) {
  return arg(L, i).is_nil() ? def : check_integer(L, i);
}

// A string argument; numbers convert as Lua 5.1's luaL_checklstring.
inline String* check_string(Thread* L, int i) {
  TValue v = arg(L, i);
  if (v.is_string()) return v.as_string();
  if (v.is_number()) return Vm::of(L).number_to_string(v.as_number());
  Vm::of(L).type_error(L, i, "string");
}

inline TValue str(Thread* L, std::string_view s) { return TValue::string(L->global->intern(s)); }

// A double converted to int64 as x86-64 does (cvttsd2si): NaN and values
// out of range give INT64_MIN, which is what C casts in LuaJIT produce.
inline int64_t truncate_to_int64(double d) {
  return d >= -9.2233720368547758e18 && d < 9.2233720368547758e18 ? static_cast<int64_t>(d) : INT64_MIN;
}

// Index of string argument i in options (LuaJIT's lj_lib_checkopt): nil or
// absent gives def (an error if def < 0), anything else unknown is
// "invalid option 'x'".
inline int check_option(Thread* L, int i, std::initializer_list<std::string_view> options, int def) {
  if (def >= 0 && arg(L, i).is_nil()) return def;
  std::string_view s = check_string(L, i)->view();
  int index = 0;
  for (std::string_view o : options) {
    if (o == s) return index;
    index++;
  }
  Vm::of(L).arg_error(L, i, "invalid option '" + std::string(s) + "'");
}

// Lua's luaL_fileresult: true, or nil, "name: reason" ("reason" without a
// name), errno. err is errno as the failing call left it.
inline int file_result(Thread* L, bool ok, int err, const char* name) {
  if (ok) {
    push(L, TValue::boolean(true));
    return 1;
  }
  std::string reason = std::strerror(err);
  push(L, TValue::nil());
  push(L, str(L, name ? std::string(name) + ": " + reason : reason));
  push(L, TValue::number(err));
  return 3;
}

// Registers name = f in table t.
inline Function* set_function(Vm& vm, Table* t, const char* name, vm::CFunction f,
                              uint8_t ffid = vm::kFfidC) {
  Function* fn = vm.new_c_function(f, ffid);
  t->set_str(vm.global(), vm.global().intern(name), TValue::function(fn));
  return fn;
}

// Registers name = f in table t with fast id `ffid` and the fast path the
// interpreter loop runs instead of f for common arguments.
inline Function* set_fast_function(Vm& vm, Table* t, const char* name, vm::CFunction f, uint8_t ffid,
                                   interp::FastPath path) {
  vm.set_fast_path(ffid, path);
  return set_function(vm, t, name, f, ffid);
}

// A fast path that allocates leaves a due GC step to its C function.
inline bool gc_due(Thread* L) {
  const vm::GcStats& gc = L->global->gc_stats();
  return gc.total >= gc.threshold;
}

// A fast path's integer argument: a number, converted as check_integer()
// converts it (a string is left to the C function).
inline bool fast_integer(TValue v, int64_t* out) {
  if (!v.is_number()) return false;
  *out = lua_int32(v.as_number());
  return true;
}
// The same for an optional argument i (0-based): absent or nil gives def.
inline bool fast_opt_integer(const TValue* args, uint32_t nargs, uint32_t i, int64_t def, int64_t* out) {
  if (i >= nargs || args[i].is_nil()) {
    *out = def;
    return true;
  }
  return fast_integer(args[i], out);
}

// One entry of a library's function list.
struct LibFunction {
  const char* name;
  vm::CFunction fn;
};

// Registers every function of a list in table t.
template <size_t N>
void set_functions(Vm& vm, Table* t, const LibFunction (&functions)[N]) {
  for (const LibFunction& f : functions) set_function(vm, t, f.name, f.fn);
}

// A library table under globals[name].
inline Table* new_library(Vm& vm, const char* name) {
  Table* t = vm.global().new_table(0, 4);
  vm.global().globals()->set_str(vm.global(), vm.global().intern(name), TValue::table(t));
  return t;
}

}  // namespace lj::lib
