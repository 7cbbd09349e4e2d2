#include "lj/asm/x64/disasm.h"

#include <Zydis/Zydis.h>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"

namespace lj::x64 {
namespace {

// Where a relative branch goes, if `insn` is one.
bool branch_target(const ZydisDecodedInstruction& insn, const ZydisDecodedOperand* operands,
                   uint64_t address, uint64_t* target) {
  if (insn.meta.branch_type == ZYDIS_BRANCH_TYPE_NONE || insn.operand_count_visible == 0) return false;
  if (operands[0].type != ZYDIS_OPERAND_TYPE_IMMEDIATE || !operands[0].imm.is_relative) return false;
  return ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(&insn, &operands[0], address, target));
}

}  // namespace

std::string dump_mcode(const AssembledTrace& code, uint32_t trace_number) {
  ZydisDecoder decoder;
  ZydisDecoderInit(&decoder, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
  ZydisFormatter formatter;
  ZydisFormatterInit(&formatter, ZYDIS_FORMATTER_STYLE_INTEL);
  ZydisFormatterSetProperty(&formatter, ZYDIS_FORMATTER_PROP_HEX_UPPERCASE, ZYAN_FALSE);
  // Exit stubs by address, for the ->N marks.
  absl::flat_hash_map<uint64_t, uint32_t> exits;
  for (uint32_t i = 0; i < code.stubs.count; ++i) exits[code.stubs.address(i)] = i;

  std::string out = absl::StrFormat("---- TRACE %d mcode %d\n", trace_number, code.code_bytes());
  const auto* bytes = reinterpret_cast<const uint8_t*>(code.entry);
  for (uint64_t address = code.entry; address < code.code_end;) {
    if (address == code.loop) out += "->LOOP:\n";
    ZydisDecodedInstruction insn;
    ZydisDecodedOperand operands[ZYDIS_MAX_OPERAND_COUNT];
    const size_t offset = address - code.entry;
    if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&decoder, bytes + offset, code.code_end - address, &insn,
                                             operands))) {
      out += absl::StrFormat("%012x  (bad)\n", address);
      break;
    }
    char text[256];
    ZydisFormatterFormatInstruction(&formatter, &insn, operands, insn.operand_count_visible, text,
                                    sizeof text, address, nullptr);
    out += absl::StrFormat("%012x  %s", address, text);
    uint64_t target = 0;
    if (branch_target(insn, operands, address, &target)) {
      if (auto it = exits.find(target); it != exits.end()) out += absl::StrFormat("\t->%d", it->second);
      else if (target == code.loop && code.loop != 0) out += "\t->LOOP";
    }
    out += "\n";
    address += insn.length;
  }
  return out;
}

}  // namespace lj::x64
