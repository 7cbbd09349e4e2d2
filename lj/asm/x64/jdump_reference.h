// Test support: LuaJIT's own listing of machine code, from Debian's luajit
// running jit.dis_x64 (the disassembler behind `-jdump=m`) over the bytes,
// set up as jit/dump.lua sets it up (no hex column, the symbol table, the
// listing split at the loop label). The reference the formatter in
// jdump_format.h is compared with.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lj::x64 {

struct ReferenceRequest {
  std::vector<uint8_t> bytes;
  uint64_t address = 0;
  // Offset of the loop label, 0 for none (then no "->LOOP:" line).
  uint64_t loop_offset = 0;
  // Address -> name, printed as "\t->name" on lines that refer to it.
  std::map<uint64_t, std::string> symbols;
};

// Whether luajit with jit.dis_x64 can be run here.
bool luajit_disassembler_available();

// LuaJIT's listing (lines as "%08x  text[\t->name]\n", "->LOOP:\n"), or
// nullopt if luajit could not be run.
std::optional<std::string> luajit_listing(const ReferenceRequest& request);

}  // namespace lj::x64
