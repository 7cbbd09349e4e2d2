// One x86-64 instruction printed in the syntax of LuaJIT's own disassembler
// (jit/dis_x86.lua, which `-jdump=m` uses), so a trace listing of ours reads
// like LuaJIT's: `mov dword [r14-0xec8], 0x1`, `add ebp, +0x01` for a
// sign-extended imm8, `jnb`/`jg`, no `ptr`, branch targets as absolute
// addresses of at least 8 hex digits.
//
// Zydis decodes; this file only prints. It is held to LuaJIT's output for
// every instruction form the encoder (encoder.h) emits. Other instructions
// print with Zydis's mnemonic and the same operand rules, and those with
// segment, lock or address-size prefixes, VEX/EVEX or far pointers in
// Zydis's own Intel syntax: a listing never stops, but may differ there.
// docs/assembler.md ("Disassembly") lists the rules and the one known LuaJIT
// quirk we do not reproduce (0F 0B printed as `ud1`).
#pragma once

#include <Zydis/Zydis.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace lj::x64 {

struct JdumpLine {
  size_t length = 0;  // bytes the instruction takes (0: nothing decodable)
  std::string text;   // mnemonic and operands, no address
  // The number LuaJIT's dumper looks up in its symbol table to print
  // "\t->name": a branch's target, else the last 32-bit field read (an
  // imm32, the high half of an imm64, or a disp32). None if no such field.
  std::optional<uint64_t> symbol_key;
};

class JdumpFormatter {
 public:
  JdumpFormatter();
  // Formats the instruction at `bytes` (at most `size` readable) that runs
  // at `address`. An undecodable byte gives {1, "(unknown)"}, as LuaJIT.
  JdumpLine format(const uint8_t* bytes, size_t size, uint64_t address) const;

 private:
  ZydisDecoder decoder_;
  ZydisFormatter fallback_;
};

// "%08x  text" plus "\t->name" when `name` is not empty: one listing line,
// newline included.
std::string jdump_listing_line(uint64_t address, const std::string& text, const std::string& name);

}  // namespace lj::x64
