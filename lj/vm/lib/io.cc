// io.write to stdout: the one io function the core needs before the io
// library proper (files, io.read, io.lines) is written.
#include <cstdio>

#include "lj/vm/lib/api.h"
#include "lj/vm/lib/lib.h"

namespace lj::lib {

namespace {

int io_write(Thread* L) {
  Vm& vm = Vm::of(L);
  for (int i = 1; i <= arg_count(L); i++) {
    TValue v = L->base[i - 1];
    if (v.is_number()) v = TValue::string(vm.number_to_string(v.as_number()));
    if (!v.is_string()) vm.type_error(L, i, "string");
    std::fwrite(v.as_string()->data(), 1, v.as_string()->len, stdout);
  }
  return 0;
}

}  // namespace

void open_io(Vm& vm) {
  Table* t = new_library(vm, "io");
  set_function(vm, t, "write", io_write);
}

}  // namespace lj::lib
