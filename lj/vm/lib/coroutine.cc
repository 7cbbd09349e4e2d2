// The coroutine library. resume, yield and the functions wrap returns are
// fast functions the interpreter loop switches threads for; the rest are
// plain C functions.
#include "lj/vm/lib/api.h"
#include "lj/vm/lib/lib.h"

namespace lj::lib {

namespace {

int co_create(Thread* L) {
  TValue f = arg(L, 1);
  if (!f.is_function()) Vm::of(L).type_error(L, 1, "function");
  push(L, TValue::thread(Vm::of(L).new_coroutine(L, f.as_function())));
  return 1;
}

int co_status(Thread* L) {
  TValue co = arg(L, 1);
  if (!co.is_thread()) Vm::of(L).type_error(L, 1, "coroutine");
  push(L, str(L, Vm::of(L).coroutine_status(L, co.as_thread())));
  return 1;
}

int co_running(Thread* L) {
  // Lua 5.1: nil in the main thread.
  push(L, Vm::of(L).is_main_thread(L) ? TValue::nil() : TValue::thread(L));
  return 1;
}

int co_isyieldable(Thread* L) {
  push(L, TValue::boolean(!Vm::of(L).is_main_thread(L) && L->resume_nesting == static_cast<uint32_t>(Vm::of(L).nesting())));
  return 1;
}

int co_fast_body(Thread*) { return 0; }

int co_wrap(Thread* L) {
  Vm& vm = Vm::of(L);
  TValue f = arg(L, 1);
  if (!f.is_function()) vm.type_error(L, 1, "function");
  Thread* co = vm.new_coroutine(L, f.as_function());
  Function* w = vm.new_c_function(co_fast_body, interp::kFfWrapCall);
  w->c_upvalues()[0] = TValue::thread(co);
  push(L, TValue::function(w));
  return 1;
}

}  // namespace

void open_coroutine(Vm& vm) {
  Table* t = new_library(vm, "coroutine");
  set_function(vm, t, "create", co_create);
  set_function(vm, t, "status", co_status);
  set_function(vm, t, "running", co_running);
  set_function(vm, t, "isyieldable", co_isyieldable);
  set_function(vm, t, "wrap", co_wrap);
  set_function(vm, t, "resume", co_fast_body, interp::kFfResume);
  set_function(vm, t, "yield", co_fast_body, interp::kFfYield);
}

}  // namespace lj::lib
