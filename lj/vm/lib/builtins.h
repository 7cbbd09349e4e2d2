// LuaJIT's library functions written in bytecode (see builtins.cc).
#pragma once

#include "lj/vm/bc/bc.h"
#include "lj/vm/interp/vm.h"

namespace lj::lib {

enum class Builtin { Deg, Rad, Len, Getn, Remove, Foreach, Foreachi };

// The builtin's prototype: LuaJIT 2.1's instructions and constants.
bc::Proto BuiltinProto(Builtin which);
// Its name inside its library ("remove").
const char* BuiltinName(Builtin which);
// Loads the builtin as a Lua function into lib[name].
void set_builtin(interp::Vm& vm, vm::Table* lib, Builtin which);

}  // namespace lj::lib
