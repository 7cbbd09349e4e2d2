// Metamethod lookup, conversions and the metamethod-aware operations that
// C functions use (they nest an interpreter loop to call Lua).
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "lj/vm/interp/vm.h"
#include "lj/vm/strlib/number.h"

namespace lj::interp {

Table* Vm::metatable_of(TValue o) {
  if (o.is_table()) return o.as_table()->metatable;
  if (o.is_userdata()) return o.as_userdata()->metatable;
  return g_.base_metatable(o.tag());
}

TValue Vm::metamethod(TValue o, vm::Metamethod mm) {
  Table* mt = metatable_of(o);
  if (!mt) return TValue::nil();
  return mt->metamethod(g_, mm);
}

bool Vm::string_to_number(std::string_view s, double* out) {
  // LuaJIT's lj_strscan rules (strlib): hex, exponents, inf/nan spellings.
  std::optional<double> n = strlib::string_to_number(s);
  if (!n) return false;
  *out = *n;
  return true;
}

String* Vm::number_to_string(double n) { return g_.intern(strlib::number_to_string(n)); }

String* Vm::to_string_raw(TValue v) {
  if (v.is_string()) return v.as_string();
  if (v.is_number()) return number_to_string(v.as_number());
  if (v.is_nil()) return g_.intern("nil");
  if (v.is_false()) return g_.intern("false");
  if (v.is_true()) return g_.intern("true");
  char tmp[64];
  const char* kind = v.type_name();
  void* p = v.is_light_userdata() ? v.as_light_userdata() : static_cast<void*>(v.as_gc());
  if (v.is_function() && v.as_function()->ffid > vm::kFfidC) {
    std::snprintf(tmp, sizeof tmp, "function: builtin#%d", v.as_function()->ffid);
  } else {
    std::snprintf(tmp, sizeof tmp, "%s: %p", kind, p);
  }
  return g_.intern(tmp);
}

String* Vm::to_string(Thread* L, TValue v) {
  TValue mm = metamethod(v, vm::Metamethod::ToString);
  if (mm.is_nil()) return to_string_raw(v);
  TValue* f = L->top;
  if (f + 4 > L->maxstack) L->grow_stack(g_, 4), f = L->top;
  f[0] = mm;
  f[2] = v;
  L->top = f + 3;
  f = call(L, f, 1);
  TValue r = f[0];
  L->top = f;
  if (!r.is_string()) {
    if (r.is_number()) return number_to_string(r.as_number());
    error_at(L, 1, "'__tostring' must return a string");
  }
  return r.as_string();
}

namespace {

// Calls mm(a, b) from C++ and returns its first result.
TValue call_binary(Vm& vm, Thread* L, TValue mm, TValue a, TValue b) {
  if (L->top + 5 > L->maxstack) L->grow_stack(vm.global(), 5);
  TValue* f = L->top;
  f[0] = mm;
  f[2] = a;
  f[3] = b;
  L->top = f + 4;
  f = vm.call(L, f, 1);
  TValue r = f[0];
  L->top = f;
  return r;
}

}  // namespace

TValue Vm::get(Thread* L, TValue obj, TValue key) {
  for (int loop = 0; loop < 100; loop++) {
    if (obj.is_table()) {
      TValue v = obj.as_table()->get(key);
      if (!v.is_nil()) return v;
    }
    TValue mm = metamethod(obj, vm::Metamethod::Index);
    if (mm.is_nil()) {
      if (obj.is_table()) return TValue::nil();
      error_at(L, 1, std::string("attempt to index a ") + obj.type_name() + " value");
    }
    if (mm.is_function()) return call_binary(*this, L, mm, obj, key);
    obj = mm;
  }
  error_at(L, 1, "loop in gettable");
}

void Vm::set(Thread* L, TValue obj, TValue key, TValue value) {
  for (int loop = 0; loop < 100; loop++) {
    if (obj.is_table()) {
      Table* t = obj.as_table();
      const TValue* slot = t->find(key);
      if (slot && !slot->is_nil()) {
        t->set(g_, key, value);
        return;
      }
    }
    TValue mm = metamethod(obj, vm::Metamethod::NewIndex);
    if (mm.is_nil()) {
      if (!obj.is_table()) error_at(L, 1, std::string("attempt to index a ") + obj.type_name() + " value");
      obj.as_table()->set(g_, key, value);
      return;
    }
    if (mm.is_function()) {
      if (L->top + 6 > L->maxstack) L->grow_stack(g_, 6);
      TValue* f = L->top;
      f[0] = mm;
      f[2] = obj;
      f[3] = key;
      f[4] = value;
      L->top = f + 5;
      f = call(L, f, 0);
      L->top = f;
      return;
    }
    obj = mm;
  }
  error_at(L, 1, "loop in settable");
}

bool Vm::equals(Thread* L, TValue a, TValue b) {
  if (a.raw_equals(b)) return true;
  if (a.tag() != b.tag() || !(a.is_table() || a.is_userdata())) return false;
  TValue mm = shared_metamethod(a, b, vm::Metamethod::Eq);
  if (mm.is_nil()) return false;
  return call_binary(*this, L, mm, a, b).is_truthy();
}

TValue Vm::shared_metamethod(TValue a, TValue b, vm::Metamethod which) {
  if (a.tag() != b.tag()) return TValue::nil();
  TValue mm = metamethod(a, which);
  if (mm.is_nil() || !mm.raw_equals(metamethod(b, which))) return TValue::nil();
  return mm;
}

bool Vm::less_than(Thread* L, TValue a, TValue b) {
  if (a.is_number() && b.is_number()) return a.as_number() < b.as_number();
  if (a.is_string() && b.is_string()) {
    std::string_view x = a.as_string()->view(), y = b.as_string()->view();
    return x < y;
  }
  TValue mm = shared_metamethod(a, b, vm::Metamethod::Lt);
  if (mm.is_nil()) {
    const char* ta = a.type_name();
    const char* tb = b.type_name();
    if (std::strcmp(ta, tb) == 0) error_at(L, 1, std::string("attempt to compare two ") + ta + " values");
    error_at(L, 1, std::string("attempt to compare ") + ta + " with " + tb);
  }
  return call_binary(*this, L, mm, a, b).is_truthy();
}

}  // namespace lj::interp
