// The standard libraries of ljit written in C++: base, table, math,
// coroutine, string, io, os, bit, jit, debug and package. Each open_* fills
// its table in the globals; open_all opens them all (docs/interpreter.md,
// docs/stdlib.md for io and os).
#pragma once

#include <string_view>

#include "lj/vm/interp/vm.h"

namespace lj::lib {

void open_base(interp::Vm& vm);
void open_table(interp::Vm& vm);
void open_math(interp::Vm& vm);
void open_coroutine(interp::Vm& vm);
void open_string(interp::Vm& vm);
void open_io(interp::Vm& vm);
void open_os(interp::Vm& vm);
void open_bit(interp::Vm& vm);
void open_jit(interp::Vm& vm);
void open_package(interp::Vm& vm);
void open_debug(interp::Vm& vm);
void open_all(interp::Vm& vm);

}  // namespace lj::lib
