// The machine-code section of a -jdump trace dump, exactly as LuaJIT's
// `-jdump=m` prints it for the same bytes at the same addresses:
//   ---- TRACE 1 mcode 76
//   562d38c5ffac  mov dword [r14-0xec8], 0x1
//   562d38c5ffc3  jnb 0x562d38c5004c	->0
//   ->LOOP:
//   562d38c5fff1  jle 0x562d38c5ffe0	->LOOP
// Zydis decodes; jdump_format.h prints in the syntax of LuaJIT's
// jit/dis_x86.lua. A line gets "\t->N" when it refers to exit N's stub and
// "\t->LOOP" when it refers to the loop label (LuaJIT's symbol lookup).
#pragma once

#include <cstdint>
#include <string>

#include "lj/asm/x64/assembler.h"
#include "lj/ir/binding.h"

namespace lj::x64 {

std::string dump_mcode(const AssembledTrace& code, uint32_t trace_number);

// The same, also naming the call table's helpers: "\t->name" on a line that
// refers to a helper's address (a call), as LuaJIT names its IR call targets.
std::string dump_mcode(const AssembledTrace& code, uint32_t trace_number,
                       const ir::Binding& binding);

}  // namespace lj::x64
