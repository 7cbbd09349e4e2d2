// The machine-code section of a -jdump trace dump, as LuaJIT prints it:
//   ---- TRACE 1 mcode 76
//   562d38c5ffac  mov dword [r14-0xec8], 0x1
//   562d38c5ffc3  jnb 0x562d38c5004c	->0
//   ->LOOP:
//   562d38c5fff1  jle 0x562d38c5ffe0	->LOOP
// Instructions are decoded and printed (Intel syntax) by Zydis; branches to
// an exit stub are marked ->N, to the loop label ->LOOP.
#pragma once

#include <cstdint>
#include <string>

#include "lj/asm/x64/assembler.h"

namespace lj::x64 {

std::string dump_mcode(const AssembledTrace& code, uint32_t trace_number);

}  // namespace lj::x64
