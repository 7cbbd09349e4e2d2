#include "lj/asm/x64/disasm.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lj/asm/x64/jdump_format.h"

namespace lj::x64 {
namespace {

using SymbolTable = absl::flat_hash_map<uint64_t, std::string>;

// The names LuaJIT's dumper knows for a trace: the helpers it may call, its
// exit stubs by number and the loop label (the later win a tie, as there).
SymbolTable trace_symbols(const AssembledTrace& code, const ir::Binding* binding) {
  SymbolTable symbols;
  if (binding != nullptr) {
    for (const ir::CallInfo& call : binding->calls) {
      if (call.address != 0) symbols[call.address] = call.name;
    }
  }
  for (uint32_t i = 0; i < code.stubs.count; ++i) symbols[code.stubs.address(i)] = absl::StrCat(i);
  if (code.loop != 0) symbols[code.loop] = "LOOP";
  return symbols;
}

// Lists [begin, end) one instruction per line. Like LuaJIT, an instruction
// that would cross `end` is not decoded past it.
void list_range(const JdumpFormatter& formatter, const SymbolTable& symbols, uint64_t begin,
                uint64_t end, std::string& out) {
  for (uint64_t address = begin; address < end;) {
    const auto* bytes = reinterpret_cast<const uint8_t*>(address);
    const JdumpLine line = formatter.format(bytes, end - address, address);
    if (line.length == 0) break;
    std::string name;
    if (line.symbol_key) {
      if (auto it = symbols.find(*line.symbol_key); it != symbols.end()) name = it->second;
    }
    out += jdump_listing_line(address, line.text, name);
    address += line.length;
  }
}

// The listing of a trace with `symbols` as LuaJIT's dump_mcode makes it.
std::string dump_with_symbols(const AssembledTrace& code, uint32_t trace_number,
                              const SymbolTable& symbols) {
  const JdumpFormatter formatter;
  std::string out = absl::StrFormat("---- TRACE %d mcode %d\n", trace_number, code.code_bytes());
  // The loop label splits the listing in two, as in LuaJIT's dump.
  const bool has_loop = code.loop != 0;
  list_range(formatter, symbols, code.entry, has_loop ? code.loop : code.code_end, out);
  if (has_loop) {
    out += "->LOOP:\n";
    list_range(formatter, symbols, code.loop, code.code_end, out);
  }
  return out;
}

}  // namespace

std::string dump_mcode(const AssembledTrace& code, uint32_t trace_number) {
  return dump_with_symbols(code, trace_number, trace_symbols(code, nullptr));
}

std::string dump_mcode(const AssembledTrace& code, uint32_t trace_number,
                       const ir::Binding& binding) {
  return dump_with_symbols(code, trace_number, trace_symbols(code, &binding));
}

}  // namespace lj::x64
