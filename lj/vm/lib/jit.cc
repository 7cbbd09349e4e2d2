// The jit library as LuaJIT 2.1.0-beta3 shows it: version strings, on/off/
// flush, status() and opt.start. There is no trace compiler yet, so status()
// answers as `luajit -joff` does (false, CPU features, enabled flags); the
// switches land in the Vm's JitSettings, which the trace compiler will read.
#include <string>
#include <vector>

#include "lj/vm/interp/debug.h"

#include "lj/vm/lib/api.h"
#include "lj/vm/lib/lib.h"

namespace lj::lib {

namespace {

using interp::JitFlag;

// Sets or clears kProtoNoJit on a prototype and, if asked, its children.
void flag_proto(vm::Proto* pt, bool on, bool recursive) {
  pt->flags = on ? (pt->flags & ~bc::kProtoNoJit) : (pt->flags | bc::kProtoNoJit);
  if (!recursive) return;
  for (uint32_t i = 0; i < pt->sizekgc; i++) {
    vm::GCObject* o = pt->kgc(i);
    if (o->tag() == vm::TypeTag::Proto) flag_proto(reinterpret_cast<vm::Proto*>(o), on, true);
  }
}

// jit.on/off(fn|true [, recursive]): the per-function JIT flag
// (kProtoNoJit; `true` means the calling function); no argument switches
// the whole JIT.
int switch_jit(Thread* L, bool on) {
  Vm& vm = Vm::of(L);
  TValue a = arg(L, 1);
  if (a.is_nil()) {
    vm.set_jit_enabled(on);
    return 0;
  }
  bool recursive = arg(L, 2).is_truthy();
  if (a.is_true()) {
    std::vector<interp::FrameInfo> frames = interp::walk_frames(L, vm.saved_pc());
    if (frames.size() > 1 && frames[1].function()->is_lua()) flag_proto(frames[1].function()->proto(), on, recursive);
    return 0;
  }
  if (a.is_function() && a.as_function()->is_lua()) {
    flag_proto(a.as_function()->proto(), on, recursive);
    return 0;
  }
  vm.type_error(L, 1, "function");  // luajit: "function expected, got function" for C
}

int jit_on(Thread* L) { return switch_jit(L, true); }
int jit_off(Thread* L) { return switch_jit(L, false); }
// No traces exist yet, so there is nothing to flush (and flushing never
// resets counters or blacklisting anyway).
int jit_flush(Thread*) { return 0; }

// x86-64 CPU features LuaJIT names in jit.status().
void push_cpu_features(Thread* L) {
  if (__builtin_cpu_supports("sse3")) push(L, str(L, "SSE3"));
  if (__builtin_cpu_supports("sse4.1")) push(L, str(L, "SSE4.1"));
  if (__builtin_cpu_supports("bmi2")) push(L, str(L, "BMI2"));
}

int jit_status(Thread* L) {
  Vm& vm = Vm::of(L);
  TValue* first = L->top;
  // Without a trace compiler the JIT never runs: luajit -joff's answer.
  push(L, TValue::boolean(false));
  push_cpu_features(L);
  for (int i = 0; i < interp::kJitFlagCount; i++) {
    if (vm.jit_settings().has(static_cast<JitFlag>(i))) push(L, str(L, interp::jit_flag_name(static_cast<JitFlag>(i))));
  }
  return static_cast<int>(L->top - first);
}

int jit_opt_start(Thread* L) {
  Vm& vm = Vm::of(L);
  int n = arg_count(L);
  if (n == 0) vm.reset_jit_flags();
  for (int i = 1; i <= n; i++) {
    std::string option(check_string(L, i)->view());
    if (!vm.apply_jit_option(option)) vm.error_at(L, 1, "unknown or malformed optimization flag '" + option + "'");
  }
  return 0;
}

}  // namespace

void open_jit(Vm& vm) {
  vm::GlobalState& g = vm.global();
  Table* t = new_library(vm, "jit");
  set_function(vm, t, "on", jit_on);
  set_function(vm, t, "off", jit_off);
  set_function(vm, t, "flush", jit_flush);
  set_function(vm, t, "status", jit_status);
  t->set_str(g, g.intern("version"), TValue::string(g.intern("LuaJIT 2.1.0-beta3")));
  t->set_str(g, g.intern("version_num"), TValue::number(20100));
  t->set_str(g, g.intern("arch"), TValue::string(g.intern("x64")));
  t->set_str(g, g.intern("os"), TValue::string(g.intern("Linux")));
  Table* opt = g.new_table(0, 1);
  t->set_str(g, g.intern("opt"), TValue::table(opt));
  set_function(vm, opt, "start", jit_opt_start);
}

}  // namespace lj::lib
