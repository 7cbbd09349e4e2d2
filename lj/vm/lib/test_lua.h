// Test support for lj/vm/lib's C++ tests: a fresh VM with every library
// and Eval, which runs a chunk and gives its first result as a string.
#pragma once

#include <cstddef>
#include <string>

#include "lj/vm/interp/vm.h"
#include "lj/vm/lib/lib.h"

namespace lj::lib {

class TestLua {
 public:
  TestLua() : vm_(g_) { open_all(vm_); }

  // The chunk's first result as tostring gives it, or "ERROR: message".
  std::string Eval(const std::string& source) {
    vm::Thread* L = g_.main_thread();
    vm::TValue* f = L->top;
    f[0] = vm::TValue::function(vm_.load(source, "=test", g_.globals()));
    L->top = f + 2;
    ptrdiff_t offset = f - L->stack;
    std::string traceback;
    bool ok = vm_.pcall(L, f, 1, &traceback);
    f = L->stack + offset;
    std::string out = std::string(ok ? "" : "ERROR: ") + std::string(vm_.to_string(L, *f)->view());
    L->top = f;
    return out;
  }

  vm::GlobalState& global() { return g_; }
  interp::Vm& vm() { return vm_; }

 private:
  vm::GlobalState g_;
  interp::Vm vm_;
};

}  // namespace lj::lib
