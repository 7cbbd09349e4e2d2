#include "lj/asm/x64/jdump_format.h"

#include <array>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace lj::x64 {
namespace {

// LuaJIT's spelling of the 16 condition codes, in hardware order (the low
// nibble of jcc, setcc and cmovcc): it says pe/po, ge/g where Zydis says p/np, nl/nle.
constexpr std::array<const char*, 16> kConditionSuffix = {
    "o", "no", "b", "nb", "z", "nz", "be", "a", "s", "ns", "pe", "po", "l", "ge", "le", "g"};

// Names LuaJIT gives memory operand sizes, by bits.
const char* size_name(uint16_t bits) {
  switch (bits) {
    case 8: return "byte";
    case 16: return "word";
    case 32: return "dword";
    case 64: return "qword";
    case 128: return "xword";
    case 256: return "yword";
    default: return nullptr;
  }
}

bool in_legacy_map(const ZydisDecodedInstruction& insn) {
  return insn.opcode_map == ZYDIS_OPCODE_MAP_DEFAULT;
}

// The multi-byte nop (0F 1F /0), which LuaJIT calls after its hint-nop row
// and lists with its memory operand only (ModRM.reg means nothing there).
bool is_hint_nop(const ZydisDecodedInstruction& insn) {
  return insn.opcode_map == ZYDIS_OPCODE_MAP_0F && insn.opcode == 0x1F;
}

// jcc, setcc and cmovcc: the opcode rows whose low nibble is a condition.
// (jrcxz and loop are conditional branches too, but spelled as they are.)
const char* condition_prefix(const ZydisDecodedInstruction& insn) {
  const int row = insn.opcode >> 4;
  if (in_legacy_map(insn)) return row == 0x7 ? "j" : nullptr;
  if (insn.opcode_map != ZYDIS_OPCODE_MAP_0F) return nullptr;
  if (row == 0x8) return "j";
  if (row == 0x9) return "set";
  if (row == 0x4) return "cmov";
  return nullptr;
}

std::string mnemonic_text(const ZydisDecodedInstruction& insn) {
  if (const char* prefix = condition_prefix(insn)) {
    return absl::StrCat(prefix, kConditionSuffix[insn.opcode & 0xF]);
  }
  if (is_hint_nop(insn)) return "hintnop";
  return ZydisMnemonicGetString(insn.mnemonic);
}

// "+0x10" / "-0x8": a displacement relative to a register.
std::string signed_offset(int64_t value) {
  return value < 0 ? absl::StrFormat("-0x%x", -value) : absl::StrFormat("+0x%x", value);
}

// [base+index*scale+disp] as LuaJIT writes it: scale 1 is not written, a
// disp8 of 0 is (it is in the encoding), an operand with neither base nor
// index is an absolute address.
std::string memory_text(const ZydisDecodedInstruction& insn, const ZydisDecodedOperand& op) {
  const auto& mem = op.mem;
  const bool has_base = mem.base != ZYDIS_REGISTER_NONE;
  const bool has_index = mem.index != ZYDIS_REGISTER_NONE;
  const int64_t disp = mem.disp.value;
  if (!has_base && !has_index) {
    // A negative disp32 is sign-extended to 64 bits, and printed so.
    return disp < 0 ? absl::StrFormat("[0x%016x]", static_cast<uint64_t>(disp))
                    : absl::StrFormat("[0x%08x]", disp);
  }
  std::string text = "[";
  if (has_base) text += ZydisRegisterGetString(mem.base);
  if (has_index) {
    if (has_base) text += "+";
    text += ZydisRegisterGetString(mem.index);
    if (mem.scale > 1) absl::StrAppend(&text, "*", mem.scale);
  }
  if (insn.raw.disp.size != 0) text += signed_offset(disp);
  return text + "]";
}

// LuaJIT writes the size of a memory operand only when no register operand
// (encoded in ModRM.reg or the opcode) implies it, or when the sizes differ
// (movzx, movsx, movsxd, cvtsi2sd); never for call/jmp targets.
bool memory_size_written(const ZydisDecodedInstruction& insn, const ZydisDecodedOperand* ops) {
  if (is_hint_nop(insn)) return true;
  switch (insn.mnemonic) {
    case ZYDIS_MNEMONIC_CALL:
    case ZYDIS_MNEMONIC_JMP:
      return false;
    case ZYDIS_MNEMONIC_MOVZX:
    case ZYDIS_MNEMONIC_MOVSX:
    case ZYDIS_MNEMONIC_MOVSXD:
    case ZYDIS_MNEMONIC_CVTSI2SD:
    case ZYDIS_MNEMONIC_CVTSI2SS:
      return true;
    default:
      break;
  }
  for (int i = 0; i < insn.operand_count_visible; ++i) {
    if (ops[i].type != ZYDIS_OPERAND_TYPE_REGISTER) continue;
    if (ops[i].encoding == ZYDIS_OPERAND_ENCODING_MODRM_REG ||
        ops[i].encoding == ZYDIS_OPERAND_ENCODING_OPCODE) {
      return false;
    }
  }
  return true;
}

// An imm8 that LuaJIT prints signed ("+0x01", "-0x80"): the sign-extending
// forms of the ALU group, imul and push.
bool is_sign_extended_imm8(const ZydisDecodedInstruction& insn) {
  return in_legacy_map(insn) && (insn.opcode == 0x83 || insn.opcode == 0x6B || insn.opcode == 0x6A);
}

// An imm8 that LuaJIT prints as two unsigned hex digits ("0x03"): shift
// counts and the immediates of 0F-map instructions (roundsd's mode).
bool is_unsigned_imm8(const ZydisDecodedInstruction& insn) {
  if (!in_legacy_map(insn)) return true;
  return insn.opcode == 0xC0 || insn.opcode == 0xC1;
}

// "0x%x" up to 0xffff, "0x%08x" beyond.
std::string hex_magnitude(uint64_t value) {
  return value > 0xFFFF ? absl::StrFormat("0x%08x", value) : absl::StrFormat("0x%x", value);
}

// An immediate of the operand's own width; a 64-bit operation's imm32 is
// sign-extended and printed with its sign.
std::string sized_immediate(const ZydisDecodedInstruction& insn, uint64_t raw) {
  if (insn.operand_width == 64 && insn.raw.imm[0].size == 32) {
    const int64_t value = static_cast<int32_t>(static_cast<uint32_t>(raw));
    if (value < 0) return "-" + hex_magnitude(static_cast<uint64_t>(-value));
  }
  return hex_magnitude(raw);
}

std::string immediate_text(const ZydisDecodedInstruction& insn, const ZydisDecodedOperand& op,
                           uint64_t address) {
  if (op.imm.is_relative) {
    uint64_t target = 0;
    ZydisCalcAbsoluteAddress(&insn, &op, address, &target);
    return absl::StrFormat("0x%08x", target);
  }
  const int bits = insn.raw.imm[0].size;
  // The implicit count of D0/D1/D3-style shifts by one.
  if (bits == 0) return absl::StrCat(op.imm.value.u);
  const uint64_t raw = bits == 64 ? op.imm.value.u : op.imm.value.u & ((uint64_t{1} << bits) - 1);
  if (bits == 64) return absl::StrFormat("0x%016x", raw);
  if (bits == 8 && is_sign_extended_imm8(insn)) {
    const int value = static_cast<int8_t>(raw);
    return value < 0 ? absl::StrFormat("-0x%02x", -value) : absl::StrFormat("+0x%02x", value);
  }
  if (bits == 8 && is_unsigned_imm8(insn)) return absl::StrFormat("0x%02x", raw);
  return sized_immediate(insn, raw);
}

std::string operand_text(const ZydisDecodedInstruction& insn, const ZydisDecodedOperand* ops,
                         int index, uint64_t address) {
  const ZydisDecodedOperand& op = ops[index];
  switch (op.type) {
    case ZYDIS_OPERAND_TYPE_REGISTER:
      return ZydisRegisterGetString(op.reg.value);
    case ZYDIS_OPERAND_TYPE_MEMORY: {
      std::string text = memory_text(insn, op);
      const char* size = size_name(op.size);
      if (size != nullptr && memory_size_written(insn, ops)) text = absl::StrCat(size, " ", text);
      return text;
    }
    case ZYDIS_OPERAND_TYPE_IMMEDIATE:
      return immediate_text(insn, op, address);
    default:
      return "?";
  }
}

// What LuaJIT's dumper would look up in its symbol table (see JdumpLine).
std::optional<uint64_t> symbol_key(const ZydisDecodedInstruction& insn,
                                   const ZydisDecodedOperand* ops, uint64_t address) {
  for (int i = 0; i < insn.operand_count_visible; ++i) {
    if (ops[i].type != ZYDIS_OPERAND_TYPE_IMMEDIATE || !ops[i].imm.is_relative) continue;
    uint64_t target = 0;
    if (ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(&insn, &ops[i], address, &target))) return target;
  }
  const auto& imm = insn.raw.imm[0];
  if (imm.size == 32) return imm.value.u & 0xFFFFFFFFu;
  if (imm.size == 64) return imm.value.u >> 32;
  if (insn.raw.disp.size == 32) return static_cast<uint64_t>(insn.raw.disp.value) & 0xFFFFFFFFu;
  return std::nullopt;
}

// Whether every part of the instruction is something this file prints as
// LuaJIT does (else the caller falls back to Zydis's syntax).
bool printable(const ZydisDecodedInstruction& insn, const ZydisDecodedOperand* ops) {
  if (insn.attributes & (ZYDIS_ATTRIB_HAS_SEGMENT | ZYDIS_ATTRIB_HAS_LOCK |
                         ZYDIS_ATTRIB_HAS_ADDRESSSIZE)) {
    return false;
  }
  if (insn.encoding != ZYDIS_INSTRUCTION_ENCODING_LEGACY) return false;
  for (int i = 0; i < insn.operand_count_visible; ++i) {
    if (ops[i].type == ZYDIS_OPERAND_TYPE_POINTER) return false;
    // Plain memory operands and lea's address computation (AGEN).
    if (ops[i].type == ZYDIS_OPERAND_TYPE_MEMORY && ops[i].mem.type != ZYDIS_MEMOP_TYPE_MEM &&
        ops[i].mem.type != ZYDIS_MEMOP_TYPE_AGEN) {
      return false;
    }
  }
  return true;
}

}  // namespace

JdumpFormatter::JdumpFormatter() {
  ZydisDecoderInit(&decoder_, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
  ZydisFormatterInit(&fallback_, ZYDIS_FORMATTER_STYLE_INTEL);
  ZydisFormatterSetProperty(&fallback_, ZYDIS_FORMATTER_PROP_HEX_UPPERCASE, ZYAN_FALSE);
}

JdumpLine JdumpFormatter::format(const uint8_t* bytes, size_t size, uint64_t address) const {
  ZydisDecodedInstruction insn;
  ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
  if (size == 0) return {};
  if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&decoder_, bytes, size, &insn, ops))) {
    return {1, "(unknown)", std::nullopt};
  }
  JdumpLine line{insn.length, "", symbol_key(insn, ops, address)};
  if (!printable(insn, ops)) {
    char text[256];
    ZydisFormatterFormatInstruction(&fallback_, &insn, ops, insn.operand_count_visible, text,
                                    sizeof text, address, nullptr);
    line.text = text;
    return line;
  }
  // 66 90 is a two-byte nop, which LuaJIT reads as the exchange it encodes.
  if (in_legacy_map(insn) && insn.opcode == 0x90 && insn.operand_width == 16) {
    line.text = "xchg ax, ax";
    return line;
  }
  line.text = mnemonic_text(insn);
  const int operand_count = is_hint_nop(insn) ? 1 : insn.operand_count_visible;
  for (int i = 0; i < operand_count; ++i) {
    absl::StrAppend(&line.text, i == 0 ? " " : ", ", operand_text(insn, ops, i, address));
  }
  return line;
}

std::string jdump_listing_line(uint64_t address, const std::string& text, const std::string& name) {
  if (name.empty()) return absl::StrFormat("%08x  %s\n", address, text);
  return absl::StrFormat("%08x  %s\t->%s\n", address, text, name);
}

}  // namespace lj::x64
