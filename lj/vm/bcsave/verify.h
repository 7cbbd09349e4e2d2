// Internal to lj/vm/bcsave: the structural check a prototype read from a
// dump must pass before the loader builds it (docs/bytecode.md).
#ifndef LJ_VM_BCSAVE_VERIFY_H_
#define LJ_VM_BCSAVE_VERIFY_H_

#include <string>

#include "lj/vm/bc/bc.h"

namespace lj::bcsave {

// Empty when every operand stays inside the prototype: registers below the
// frame size, constants of the right kind, upvalues that exist, jumps
// into the code, and the instruction pairs the interpreter relies on
// (a comparison then JMP, ITERC/ITERN then ITERL, a multi-result
// producer right before CALLM/CALLMT/RETM/TSETM). Children have been
// verified already; their upvalue references are checked against pt.
// Otherwise the first rule broken and where ("operand at 12").
std::string Verify(const bc::Proto& pt);

}  // namespace lj::bcsave

#endif  // LJ_VM_BCSAVE_VERIFY_H_
