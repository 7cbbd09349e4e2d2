// Argument access and result pushing for library functions: a C function
// sees its arguments at L->base .. L->top and leaves n results on top.
#pragma once

#include <string>
#include <string_view>

#include "lj/vm/interp/vm.h"

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

inline int64_t check_integer(Thread* L, int i) { return static_cast<int64_t>(check_number(L, i)); }
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

// Registers name = f in table t.
inline Function* set_function(Vm& vm, Table* t, const char* name, vm::CFunction f,
                              uint8_t ffid = vm::kFfidC) {
  Function* fn = vm.new_c_function(f, ffid);
  t->set_str(vm.global(), vm.global().intern(name), TValue::function(fn));
  return fn;
}

// A library table under globals[name].
inline Table* new_library(Vm& vm, const char* name) {
  Table* t = vm.global().new_table(0, 4);
  vm.global().globals()->set_str(vm.global(), vm.global().intern(name), TValue::table(t));
  return t;
}

}  // namespace lj::lib
