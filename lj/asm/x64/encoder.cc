// x86-64 instruction encoding: prefixes, REX, opcode, ModRM, SIB,
// displacement and immediate, in that order. Every method builds one
// instruction in a small scratch record and hands it to the CodeBuffer, which
// places it before (backwards) or after (forwards) the code emitted so far.
#include "lj/asm/x64/encoder.h"

#include <cstring>
#include <initializer_list>

namespace lj::x64 {



namespace {

// Mnemonic and property tables expanded from the X-macros in encoder.h.
constexpr const char* kAluMnemonics[] = {
#define LJ_X64_NAME(name, mnemonic, digit) mnemonic,
    LJ_X64_ALU_OPS(LJ_X64_NAME)
#undef LJ_X64_NAME
};
constexpr uint8_t kAluDigits[] = {
#define LJ_X64_DIGIT(name, mnemonic, digit) digit,
    LJ_X64_ALU_OPS(LJ_X64_DIGIT)
#undef LJ_X64_DIGIT
};
constexpr const char* kShiftMnemonics[] = {
#define LJ_X64_NAME(name, mnemonic, digit) mnemonic,
    LJ_X64_SHIFT_OPS(LJ_X64_NAME)
#undef LJ_X64_NAME
};
constexpr uint8_t kShiftDigits[] = {
#define LJ_X64_DIGIT(name, mnemonic, digit) digit,
    LJ_X64_SHIFT_OPS(LJ_X64_DIGIT)
#undef LJ_X64_DIGIT
};
constexpr const char* kUnaryMnemonics[] = {
#define LJ_X64_NAME(name, mnemonic, digit) mnemonic,
    LJ_X64_UNARY_OPS(LJ_X64_NAME)
#undef LJ_X64_NAME
};
constexpr uint8_t kUnaryDigits[] = {
#define LJ_X64_DIGIT(name, mnemonic, digit) digit,
    LJ_X64_UNARY_OPS(LJ_X64_DIGIT)
#undef LJ_X64_DIGIT
};
struct SseInfo {
  const char* mnemonic;
  uint8_t prefix;
  uint8_t opcode;
  int memory_bits;
};
constexpr SseInfo kSseInfo[] = {
#define LJ_X64_SSE_INFO(name, mnemonic, prefix, opcode, bits) {mnemonic, prefix, opcode, bits},
    LJ_X64_SSE_OPS(LJ_X64_SSE_INFO)
#undef LJ_X64_SSE_INFO
};

constexpr bool fits_int8(int64_t value) { return value >= -128 && value <= 127; }
constexpr bool fits_int32(int64_t value) { return value == static_cast<int32_t>(value); }

// The parts of one ModRM-encoded instruction before they are laid out.
struct Form {
  uint8_t operand_size_prefix = 0;  // 0x66 for 16-bit integer operations
  uint8_t mandatory_prefix = 0;     // 0x66/0xF2/0xF3 selecting an SSE instruction
  bool rex_w = false;
  bool force_rex = false;  // an 8-bit spl/bpl/sil/dil operand
  uint8_t opcode[3] = {};
  int opcode_length = 0;
  uint8_t reg = 0;  // ModRM.reg: a register number or an opcode /digit
  bool rm_is_reg = true;
  uint8_t rm_reg = 0;
  Mem rm_mem;
  int imm_bytes = 0;
  int64_t imm = 0;

  void set_opcode(std::initializer_list<uint8_t> bytes) {
    opcode_length = 0;
    for (uint8_t byte : bytes) opcode[opcode_length++] = byte;
  }
  void set_rm(Gp reg_operand) {
    rm_is_reg = true;
    rm_reg = reg_operand.id;
    force_rex |= reg_operand.needs_rex_as_byte();
  }
  void set_rm(Xmm reg_operand) {
    rm_is_reg = true;
    rm_reg = reg_operand.id;
  }
  void set_rm(const Mem& mem) {
    rm_is_reg = false;
    rm_mem = mem;
  }
  void set_reg(Gp reg_operand) {
    reg = reg_operand.id;
    force_rex |= reg_operand.needs_rex_as_byte();
  }
  void set_reg(Xmm reg_operand) { reg = reg_operand.id; }
  // The operand-size prefix or REX.W an integer operation of `width` needs
  // (8-bit operations are selected by the opcode instead).
  void set_width(Width width) {
    check(width != Width::kNone, "operand width unknown: give the memory operand a size");
    if (width == Width::k16) operand_size_prefix = 0x66;
    if (width == Width::k64) rex_w = true;
  }
};

}  // namespace

// One encoded instruction on its way into the buffer.
struct Encoder::Insn {
  uint8_t bytes[16];
  size_t length = 0;
  int rip_field = -1;  // offset of a rip-relative disp32 still to be resolved
  uint64_t rip_target = 0;

  void byte(uint8_t value) { bytes[length++] = value; }
  void le(int64_t value, int count) {
    for (int i = 0; i < count; ++i) byte(static_cast<uint8_t>(static_cast<uint64_t>(value) >> (8 * i)));
  }
};

const char* mnemonic(AluOp op) { return kAluMnemonics[static_cast<int>(op)]; }
const char* mnemonic(ShiftOp op) { return kShiftMnemonics[static_cast<int>(op)]; }
const char* mnemonic(UnaryOp op) { return kUnaryMnemonics[static_cast<int>(op)]; }
const char* mnemonic(SseOp op) { return kSseInfo[static_cast<int>(op)].mnemonic; }
int memory_bits(SseOp op) { return kSseInfo[static_cast<int>(op)].memory_bits; }

namespace {

// ModRM (+ SIB + displacement) for a memory operand. The layout helpers are
// forced inline: each public method then compiles to straight-line code
// (about 15% faster encoding than out-of-line calls).
[[gnu::always_inline]] inline void encode_memory(Encoder::Insn& insn, uint8_t reg_field, const Mem& mem) {
  const uint8_t reg_bits = static_cast<uint8_t>((reg_field & 7) << 3);
  // rip-relative: mod=00 rm=101, the displacement resolved once the end is known.
  if (mem.is_rip()) {
    insn.byte(reg_bits | 0x05);
    insn.rip_field = static_cast<int>(insn.length);
    insn.rip_target = mem.rip_target;
    insn.le(0, 4);
    return;
  }
  const uint8_t index_bits = mem.has_index() ? (mem.index & 7) : 4;  // 100 = no index
  // No base: SIB with base=101 and mod=00 means [index*scale + disp32].
  if (!mem.has_base()) {
    insn.byte(reg_bits | 0x04);
    insn.byte(static_cast<uint8_t>(mem.scale_log2 << 6 | index_bits << 3 | 0x05));
    insn.le(mem.disp, 4);
    return;
  }
  const uint8_t base_bits = mem.base & 7;
  // rbp/r13 with mod=00 would mean "no base", so they always carry a disp8.
  const int mod = (mem.disp == 0 && base_bits != 5) ? 0 : fits_int8(mem.disp) ? 1 : 2;
  // rsp/r12 in ModRM.rm means "a SIB byte follows", so they need one.
  const bool needs_sib = mem.has_index() || base_bits == 4;
  insn.byte(static_cast<uint8_t>(mod << 6 | reg_bits | (needs_sib ? 4 : base_bits)));
  if (needs_sib) insn.byte(static_cast<uint8_t>(mem.scale_log2 << 6 | index_bits << 3 | base_bits));
  if (mod == 1) insn.le(mem.disp, 1);
  if (mod == 2) insn.le(mem.disp, 4);
}

// The REX bits a Form needs: W, R (reg >= 8), X (index >= 8), B (rm or base >= 8).
uint8_t rex_bits(const Form& form) {
  uint8_t rex = form.rex_w ? 0x08 : 0;
  if (form.reg >= 8) rex |= 0x04;
  if (form.rm_is_reg) {
    if (form.rm_reg >= 8) rex |= 0x01;
  } else {
    if (form.rm_mem.has_index() && form.rm_mem.index >= 8) rex |= 0x02;
    if (form.rm_mem.has_base() && form.rm_mem.base >= 8) rex |= 0x01;
  }
  return rex;
}

// Lays out a Form: prefixes, REX, opcode, ModRM/SIB/displacement, immediate.
[[gnu::always_inline]] inline void encode_form(const Form& form, Encoder::Insn& insn) {
  if (form.operand_size_prefix) insn.byte(form.operand_size_prefix);
  if (form.mandatory_prefix) insn.byte(form.mandatory_prefix);
  const uint8_t rex = rex_bits(form);
  if (rex || form.force_rex) insn.byte(0x40 | rex);
  for (int i = 0; i < form.opcode_length; ++i) insn.byte(form.opcode[i]);
  if (form.rm_is_reg) {
    insn.byte(static_cast<uint8_t>(0xC0 | (form.reg & 7) << 3 | (form.rm_reg & 7)));
  } else {
    encode_memory(insn, form.reg, form.rm_mem);
  }
  insn.le(form.imm, form.imm_bytes);
}

// `[prefix] [REX] opcode ModRM/SIB/disp` for a register in ModRM.reg and a
// memory operand, laid out without building a Form: loads, stores and
// spill reloads are most of what a trace assembles into (the same bytes as
// the Form path; no operand-size prefix, no byte registers).
[[gnu::always_inline]] inline Encoder::Insn reg_mem(uint8_t prefix, bool rex_w, uint8_t op0, uint8_t op1,
                                                    uint8_t reg, const Mem& mem) {
  Encoder::Insn insn;
  if (prefix) insn.byte(prefix);
  uint8_t rex = static_cast<uint8_t>((rex_w ? 0x08 : 0) | (reg >= 8 ? 0x04 : 0));
  if (mem.has_index() && mem.index >= 8) rex |= 0x02;
  if (mem.has_base() && mem.base >= 8) rex |= 0x01;
  if (rex) insn.byte(0x40 | rex);
  insn.byte(op0);
  if (op1) insn.byte(op1);
  encode_memory(insn, reg, mem);
  return insn;
}

// A Form laid out as one instruction.
[[gnu::always_inline]] inline Encoder::Insn encoded(const Form& form) {
  Encoder::Insn insn;
  encode_form(form, insn);
  return insn;
}

// An instruction with the register in the opcode's low bits (push, bswap, B8+r).
void encode_plus_reg(Encoder::Insn& insn, bool size_prefix, bool rex_w, bool force_rex,
                     std::initializer_list<uint8_t> opcode, uint8_t id) {
  if (size_prefix) insn.byte(0x66);
  const uint8_t rex = static_cast<uint8_t>((rex_w ? 0x08 : 0) | (id >= 8 ? 0x01 : 0));
  if (rex || force_rex) insn.byte(0x40 | rex);
  size_t i = 0;
  for (uint8_t byte : opcode) insn.byte(++i == opcode.size() ? static_cast<uint8_t>(byte + (id & 7)) : byte);
}

// Immediate size for a width: imm8/imm16/imm32 (64-bit operations take a
// sign-extended imm32).
int imm_bytes_for(Width width) {
  return width == Width::k8 ? 1 : width == Width::k16 ? 2 : 4;
}

// The width of a memory operand, or the register's when the memory has none.
Width operand_width(const Mem& mem, Width fallback) {
  check(mem.size == Width::kNone || fallback == Width::kNone || mem.size == fallback,
        "memory operand size disagrees with the register");
  return mem.size == Width::kNone ? fallback : mem.size;
}

// Range check of an immediate against what the instruction can hold.
void check_imm_fits(Width width, int64_t imm) {
  if (width == Width::k8) check(imm >= -128 && imm <= 255, "immediate does not fit 8 bits");
  if (width == Width::k16) check(imm >= -32768 && imm <= 65535, "immediate does not fit 16 bits");
}

}  // namespace

// Resolves the rip-relative field, then hands the bytes to the buffer.
void Encoder::emit(Insn insn) {
  if (insn.rip_field >= 0) {
    const uint64_t end = buffer_.end_of_next(insn.length);
    const int64_t disp = static_cast<int64_t>(insn.rip_target - end);
    check(fits_int32(disp), "rip-relative target out of ±2 GB range");
    const int32_t disp32 = static_cast<int32_t>(disp);
    std::memcpy(insn.bytes + insn.rip_field, &disp32, 4);
  }
  check(insn.length <= kMaxInstructionBytes, "instruction longer than 15 bytes");
  buffer_.place(insn.bytes, insn.length);
}

// ---- Data movement ---------------------------------------------------------

namespace {

// The classic two-opcode ALU-style encoding: `byte_opcode` for 8-bit
// operands, byte_opcode + 1 otherwise, register in ModRM.reg.
template <class RegOperand, class RmOperand>
Form byte_or_word_form(uint8_t byte_opcode, Width width, RegOperand reg, RmOperand rm) {
  Form form;
  form.set_width(width);
  form.set_opcode({static_cast<uint8_t>(width == Width::k8 ? byte_opcode : byte_opcode + 1)});
  form.set_reg(reg);
  form.set_rm(rm);
  return form;
}

}  // namespace

// mov r/m, r (88/89) with the register source in ModRM.reg.
void Encoder::mov(Gp dst, Gp src) {
  check(dst.width == src.width, "mov operands differ in width");
  emit(encoded(byte_or_word_form(0x88, dst.width, src, dst)));
}

// mov r, r/m (8A/8B): the load.
void Encoder::mov(Gp dst, Mem src) {
  operand_width(src, dst.width);
  if (dst.width == Width::k32 || dst.width == Width::k64)
    return emit(reg_mem(0, dst.width == Width::k64, 0x8B, 0, dst.id, src));
  emit(encoded(byte_or_word_form(0x8A, dst.width, dst, src)));
}

// mov r/m, r (88/89): the store.
void Encoder::mov(Mem dst, Gp src) {
  operand_width(dst, src.width);
  if (src.width == Width::k32 || src.width == Width::k64)
    return emit(reg_mem(0, src.width == Width::k64, 0x89, 0, src.id, dst));
  emit(encoded(byte_or_word_form(0x88, src.width, src, dst)));
}

// 8/16/32-bit: B0+r / B8+r with a full-width immediate; 64-bit: C7 /0 id,
// sign-extended (movabs and mov_imm64 cover the rest).
void Encoder::mov(Gp dst, int32_t imm) {
  check_imm_fits(dst.width, imm);
  Insn insn;
  if (dst.width == Width::k64) {
    Form form;
    form.set_width(Width::k64);
    form.set_opcode({0xC7});
    form.set_rm(dst);
    form.imm_bytes = 4;
    form.imm = imm;
    encode_form(form, insn);
  } else {
    const bool byte = dst.width == Width::k8;
    encode_plus_reg(insn, dst.width == Width::k16, false, dst.needs_rex_as_byte(),
                    {static_cast<uint8_t>(byte ? 0xB0 : 0xB8)}, dst.id);
    insn.le(imm, imm_bytes_for(dst.width));
  }
  emit(insn);
}

// mov r/m, imm (C6 /0 ib, C7 /0 iw/id); the memory operand carries the size.
void Encoder::mov(Mem dst, int32_t imm) {
  const Width width = operand_width(dst, Width::kNone);
  check_imm_fits(width, imm);
  Form form;
  form.set_width(width);
  form.set_opcode({static_cast<uint8_t>(width == Width::k8 ? 0xC6 : 0xC7)});
  form.set_rm(dst);
  form.imm_bytes = imm_bytes_for(width);
  form.imm = imm;
  emit(encoded(form));
}

// REX.W B8+r io: the only instruction with a 64-bit immediate.
void Encoder::movabs(Gp dst, uint64_t imm) {
  check(dst.width == Width::k64, "movabs needs a 64-bit register");
  Insn insn;
  encode_plus_reg(insn, false, true, false, {0xB8}, dst.id);
  insn.le(static_cast<int64_t>(imm), 8);
  emit(insn);
}

// Shortest single instruction: 5 bytes (mov r32 zero-extends), 7 bytes
// (sign-extended imm32), else the 10-byte movabs.
void Encoder::mov_imm64(Gp dst, uint64_t imm) {
  check(dst.width == Width::k64, "mov_imm64 needs a 64-bit register");
  if (imm <= 0xFFFFFFFFu) {
    mov(dst.r32(), static_cast<int32_t>(static_cast<uint32_t>(imm)));
  } else if (fits_int32(static_cast<int64_t>(imm))) {
    mov(dst, static_cast<int32_t>(static_cast<int64_t>(imm)));
  } else {
    movabs(dst, imm);
  }
}

namespace {

// 0F B6/B7 (movzx) or 0F BE/BF (movsx): the source width picks the opcode.
Form extend_form(uint8_t byte_opcode, Gp dst, Width src_width) {
  check(src_width == Width::k8 || src_width == Width::k16, "extension source must be 8 or 16 bits");
  check(dst.width != Width::k8 && bits_of(dst.width) > bits_of(src_width),
        "extension must widen");
  Form form;
  form.set_width(dst.width);
  form.set_opcode({0x0F, static_cast<uint8_t>(byte_opcode + (src_width == Width::k16 ? 1 : 0))});
  form.set_reg(dst);
  return form;
}

}  // namespace

void Encoder::movzx(Gp dst, Gp src) {
  Form form = extend_form(0xB6, dst, src.width);
  form.set_rm(src);
  emit(encoded(form));
}

void Encoder::movzx(Gp dst, Mem src) {
  Form form = extend_form(0xB6, dst, src.size);
  form.set_rm(src);
  emit(encoded(form));
}

void Encoder::movsx(Gp dst, Gp src) {
  Form form = extend_form(0xBE, dst, src.width);
  form.set_rm(src);
  emit(encoded(form));
}

void Encoder::movsx(Gp dst, Mem src) {
  Form form = extend_form(0xBE, dst, src.size);
  form.set_rm(src);
  emit(encoded(form));
}

// REX.W 63 /r.
void Encoder::movsxd(Gp dst, Gp src) {
  check(dst.width == Width::k64 && src.width == Width::k32, "movsxd is r64 <- r/m32");
  Form form;
  form.set_width(Width::k64);
  form.set_opcode({0x63});
  form.set_reg(dst);
  form.set_rm(src);
  emit(encoded(form));
}

void Encoder::movsxd(Gp dst, Mem src) {
  check(dst.width == Width::k64, "movsxd is r64 <- r/m32");
  operand_width(src, Width::k32);
  Form form;
  form.set_width(Width::k64);
  form.set_opcode({0x63});
  form.set_reg(dst);
  form.set_rm(src);
  emit(encoded(form));
}

// 8D /r: address arithmetic without touching memory or flags.
void Encoder::lea(Gp dst, Mem src) {
  check(dst.width == Width::k32 || dst.width == Width::k64, "lea needs a 32- or 64-bit register");
  Form form;
  form.set_width(dst.width);
  form.set_opcode({0x8D});
  form.set_reg(dst);
  form.set_rm(src);
  emit(encoded(form));
}

// ---- Integer arithmetic ----------------------------------------------------

namespace {

// op r/m, r (digit*8 + 0/1) or op r, r/m (digit*8 + 2/3).
Form alu_form(AluOp op, Width width, bool register_is_destination) {
  Form form;
  form.set_width(width);
  const int row = kAluDigits[static_cast<int>(op)] * 8;
  const int direction = register_is_destination ? 2 : 0;
  form.set_opcode({static_cast<uint8_t>(row + direction + (width == Width::k8 ? 0 : 1))});
  return form;
}

// 80 /digit ib (8-bit), 83 /digit ib (imm fits int8), 81 /digit iw/id.
Form alu_imm_form(AluOp op, Width width, int32_t imm) {
  check_imm_fits(width, imm);
  Form form;
  form.set_width(width);
  form.reg = kAluDigits[static_cast<int>(op)];
  if (width == Width::k8) {
    form.set_opcode({0x80});
    form.imm_bytes = 1;
  } else if (fits_int8(imm)) {
    form.set_opcode({0x83});
    form.imm_bytes = 1;
  } else {
    form.set_opcode({0x81});
    form.imm_bytes = imm_bytes_for(width);
  }
  form.imm = imm;
  return form;
}

}  // namespace

void Encoder::alu(AluOp op, Gp dst, Gp src) {
  check(dst.width == src.width, "ALU operands differ in width");
  Form form = alu_form(op, dst.width, false);
  form.set_reg(src);
  form.set_rm(dst);
  emit(encoded(form));
}

// The fused-load form: op r, [mem].
void Encoder::alu(AluOp op, Gp dst, Mem src) {
  operand_width(src, dst.width);
  Form form = alu_form(op, dst.width, true);
  form.set_reg(dst);
  form.set_rm(src);
  emit(encoded(form));
}

void Encoder::alu(AluOp op, Mem dst, Gp src) {
  operand_width(dst, src.width);
  Form form = alu_form(op, src.width, false);
  form.set_reg(src);
  form.set_rm(dst);
  emit(encoded(form));
}

void Encoder::alu(AluOp op, Gp dst, int32_t imm) {
  Form form = alu_imm_form(op, dst.width, imm);
  form.set_rm(dst);
  emit(encoded(form));
}

void Encoder::alu(AluOp op, Mem dst, int32_t imm) {
  Form form = alu_imm_form(op, operand_width(dst, Width::kNone), imm);
  form.set_rm(dst);
  emit(encoded(form));
}

// 84/85 /r.
void Encoder::test(Gp lhs, Gp rhs) {
  check(lhs.width == rhs.width, "test operands differ in width");
  emit(encoded(byte_or_word_form(0x84, lhs.width, rhs, lhs)));
}

void Encoder::test(Mem lhs, Gp rhs) {
  operand_width(lhs, rhs.width);
  emit(encoded(byte_or_word_form(0x84, rhs.width, rhs, lhs)));
}

namespace {

// F6 /0 ib or F7 /0 iw/id (test has no imm8 form for wider operands).
Form test_imm_form(Width width, int32_t imm) {
  check_imm_fits(width, imm);
  Form form;
  form.set_width(width);
  form.set_opcode({static_cast<uint8_t>(width == Width::k8 ? 0xF6 : 0xF7)});
  form.imm_bytes = imm_bytes_for(width);
  form.imm = imm;
  return form;
}

}  // namespace

void Encoder::test(Gp lhs, int32_t imm) {
  Form form = test_imm_form(lhs.width, imm);
  form.set_rm(lhs);
  emit(encoded(form));
}

void Encoder::test(Mem lhs, int32_t imm) {
  Form form = test_imm_form(operand_width(lhs, Width::kNone), imm);
  form.set_rm(lhs);
  emit(encoded(form));
}

// F6/F7 /digit.
void Encoder::unary(UnaryOp op, Gp dst) {
  Form form;
  form.set_width(dst.width);
  form.set_opcode({static_cast<uint8_t>(dst.width == Width::k8 ? 0xF6 : 0xF7)});
  form.reg = kUnaryDigits[static_cast<int>(op)];
  form.set_rm(dst);
  emit(encoded(form));
}

void Encoder::unary(UnaryOp op, Mem dst) {
  const Width width = operand_width(dst, Width::kNone);
  Form form;
  form.set_width(width);
  form.set_opcode({static_cast<uint8_t>(width == Width::k8 ? 0xF6 : 0xF7)});
  form.reg = kUnaryDigits[static_cast<int>(op)];
  form.set_rm(dst);
  emit(encoded(form));
}

namespace {

// 0F AF /r, or 6B /r ib / 69 /r id for the three-operand immediate form.
Form imul_form(Gp dst, bool with_imm, int32_t imm) {
  check(dst.width != Width::k8, "imul has no 8-bit two-operand form");
  Form form;
  form.set_width(dst.width);
  form.set_reg(dst);
  if (!with_imm) {
    form.set_opcode({0x0F, 0xAF});
  } else if (fits_int8(imm)) {
    form.set_opcode({0x6B});
    form.imm_bytes = 1;
    form.imm = imm;
  } else {
    check_imm_fits(dst.width, imm);
    form.set_opcode({0x69});
    form.imm_bytes = imm_bytes_for(dst.width);
    form.imm = imm;
  }
  return form;
}

}  // namespace

void Encoder::imul(Gp dst, Gp src) {
  check(dst.width == src.width, "imul operands differ in width");
  Form form = imul_form(dst, false, 0);
  form.set_rm(src);
  emit(encoded(form));
}

void Encoder::imul(Gp dst, Mem src) {
  operand_width(src, dst.width);
  Form form = imul_form(dst, false, 0);
  form.set_rm(src);
  emit(encoded(form));
}

void Encoder::imul(Gp dst, Gp src, int32_t imm) {
  check(dst.width == src.width, "imul operands differ in width");
  Form form = imul_form(dst, true, imm);
  form.set_rm(src);
  emit(encoded(form));
}

void Encoder::imul(Gp dst, Mem src, int32_t imm) {
  operand_width(src, dst.width);
  Form form = imul_form(dst, true, imm);
  form.set_rm(src);
  emit(encoded(form));
}

namespace {

// Group 2: C0/C1 /digit ib, D0/D1 /digit (count 1), D2/D3 /digit (count cl).
Form shift_form(ShiftOp op, Width width, int count_kind, uint8_t count) {
  Form form;
  form.set_width(width);
  form.reg = kShiftDigits[static_cast<int>(op)];
  const uint8_t wide = width == Width::k8 ? 0 : 1;
  if (count_kind == 0) {
    form.set_opcode({static_cast<uint8_t>(0xC0 + wide)});
    form.imm_bytes = 1;
    form.imm = count;
  } else if (count_kind == 1) {
    form.set_opcode({static_cast<uint8_t>(0xD0 + wide)});
  } else {
    form.set_opcode({static_cast<uint8_t>(0xD2 + wide)});
  }
  return form;
}

// The count-1 form is a byte shorter; the hardware masks counts anyway.
int shift_kind(uint8_t count) { return count == 1 ? 1 : 0; }

}  // namespace

void Encoder::shift(ShiftOp op, Gp dst, uint8_t count) {
  Form form = shift_form(op, dst.width, shift_kind(count), count);
  form.set_rm(dst);
  emit(encoded(form));
}

void Encoder::shift(ShiftOp op, Mem dst, uint8_t count) {
  Form form = shift_form(op, operand_width(dst, Width::kNone), shift_kind(count), count);
  form.set_rm(dst);
  emit(encoded(form));
}

void Encoder::shift_cl(ShiftOp op, Gp dst) {
  Form form = shift_form(op, dst.width, 2, 0);
  form.set_rm(dst);
  emit(encoded(form));
}

void Encoder::shift_cl(ShiftOp op, Mem dst) {
  Form form = shift_form(op, operand_width(dst, Width::kNone), 2, 0);
  form.set_rm(dst);
  emit(encoded(form));
}

// 0F C8+r (32 or 64 bits; the 16-bit form is undefined).
void Encoder::bswap(Gp reg) {
  check(reg.width == Width::k32 || reg.width == Width::k64, "bswap needs 32 or 64 bits");
  Insn insn;
  encode_plus_reg(insn, false, reg.width == Width::k64, false, {0x0F, 0xC8}, reg.id);
  emit(insn);
}

// ---- Control flow ----------------------------------------------------------

// rel8 if the target is reachable from the short form's end, else rel32.
void Encoder::branch(uint8_t short_opcode, const uint8_t* long_opcode, size_t long_length,
                     uint64_t target) {
  const int64_t short_rel = static_cast<int64_t>(target - buffer_.end_of_next(2));
  if (fits_int8(short_rel)) {
    Insn insn;
    insn.byte(short_opcode);
    insn.le(short_rel, 1);
    emit(insn);
    return;
  }
  branch_rel32(long_opcode, long_length, target, true);
}

// The rel32 form; `bound` false leaves a zero displacement for patching.
uint64_t Encoder::branch_rel32(const uint8_t* opcode, size_t length, uint64_t target, bool bound) {
  Insn insn;
  for (size_t i = 0; i < length; ++i) insn.byte(opcode[i]);
  const uint64_t end = buffer_.end_of_next(length + 4);
  const int64_t rel = bound ? static_cast<int64_t>(target - end) : 0;
  check(fits_int32(rel), "branch target out of rel32 range");
  insn.le(rel, 4);
  emit(insn);
  return end;
}

void Encoder::jmp(uint64_t target) {
  const uint8_t opcode[] = {0xE9};
  branch(0xEB, opcode, 1, target);
}

void Encoder::jcc(Cond cond, uint64_t target) {
  const uint8_t opcode[] = {0x0F, static_cast<uint8_t>(0x80 + static_cast<int>(cond))};
  branch(static_cast<uint8_t>(0x70 + static_cast<int>(cond)), opcode, 2, target);
}

uint64_t Encoder::jmp_rel32(uint64_t target) {
  const uint8_t opcode[] = {0xE9};
  return branch_rel32(opcode, 1, target, true);
}

uint64_t Encoder::jcc_rel32(Cond cond, uint64_t target) {
  const uint8_t opcode[] = {0x0F, static_cast<uint8_t>(0x80 + static_cast<int>(cond))};
  return branch_rel32(opcode, 2, target, true);
}

uint64_t Encoder::jmp_unbound() {
  const uint8_t opcode[] = {0xE9};
  return branch_rel32(opcode, 1, 0, false);
}

uint64_t Encoder::jcc_unbound(Cond cond) {
  const uint8_t opcode[] = {0x0F, static_cast<uint8_t>(0x80 + static_cast<int>(cond))};
  return branch_rel32(opcode, 2, 0, false);
}

// E8 rel32: helpers must lie within ±2 GB (the mcode area guarantees it).
void Encoder::call(uint64_t target) {
  const uint8_t opcode[] = {0xE8};
  branch_rel32(opcode, 1, target, true);
}

namespace {

// FF /2 (call) and FF /4 (jmp): 64-bit by default, no REX.W needed.
Form indirect_form(uint8_t digit) {
  Form form;
  form.set_opcode({0xFF});
  form.reg = digit;
  return form;
}

}  // namespace

void Encoder::jmp(Gp target) {
  check(target.width == Width::k64, "indirect jmp needs a 64-bit register");
  Form form = indirect_form(4);
  form.set_rm(target);
  emit(encoded(form));
}

void Encoder::jmp(Mem target) {
  operand_width(target, Width::k64);
  Form form = indirect_form(4);
  form.set_rm(target);
  emit(encoded(form));
}

void Encoder::call(Gp target) {
  check(target.width == Width::k64, "indirect call needs a 64-bit register");
  Form form = indirect_form(2);
  form.set_rm(target);
  emit(encoded(form));
}

void Encoder::call(Mem target) {
  operand_width(target, Width::k64);
  Form form = indirect_form(2);
  form.set_rm(target);
  emit(encoded(form));
}

// 0F 90+cc /0 on an 8-bit operand.
void Encoder::setcc(Cond cond, Gp dst) {
  check(dst.width == Width::k8, "setcc writes an 8-bit register");
  Form form;
  form.set_opcode({0x0F, static_cast<uint8_t>(0x90 + static_cast<int>(cond))});
  form.set_rm(dst);
  emit(encoded(form));
}

void Encoder::setcc(Cond cond, Mem dst) {
  operand_width(dst, Width::k8);
  Form form;
  form.set_opcode({0x0F, static_cast<uint8_t>(0x90 + static_cast<int>(cond))});
  form.set_rm(dst);
  emit(encoded(form));
}

// 0F 40+cc /r.
void Encoder::cmov(Cond cond, Gp dst, Gp src) {
  check(dst.width == src.width && dst.width != Width::k8, "cmov needs equal 16/32/64-bit operands");
  Form form;
  form.set_width(dst.width);
  form.set_opcode({0x0F, static_cast<uint8_t>(0x40 + static_cast<int>(cond))});
  form.set_reg(dst);
  form.set_rm(src);
  emit(encoded(form));
}

void Encoder::cmov(Cond cond, Gp dst, Mem src) {
  check(dst.width != Width::k8, "cmov has no 8-bit form");
  operand_width(src, dst.width);
  Form form;
  form.set_width(dst.width);
  form.set_opcode({0x0F, static_cast<uint8_t>(0x40 + static_cast<int>(cond))});
  form.set_reg(dst);
  form.set_rm(src);
  emit(encoded(form));
}

// ---- SSE -------------------------------------------------------------------

namespace {

// [prefix] [REX] 0F opcode /r with the XMM destination in ModRM.reg.
Form sse_form(uint8_t prefix, std::initializer_list<uint8_t> opcode) {
  Form form;
  form.mandatory_prefix = prefix;
  form.set_opcode(opcode);
  return form;
}

// cvtsi2sd/cvt(t)sd2si carry the integer width in REX.W.
void set_integer_width(Form& form, Width width) {
  check(width == Width::k32 || width == Width::k64, "conversion integer must be 32 or 64 bits");
  form.rex_w = width == Width::k64;
}

// The scalar conversions: F2 [REX.W] 0F op /r, REX.W taken from the
// integer operand's width, whichever side it is on.
template <class RegOperand, class RmOperand>
Form convert_form(uint8_t opcode, Width integer_width, RegOperand reg, RmOperand rm) {
  Form form = sse_form(0xF2, {0x0F, opcode});
  set_integer_width(form, integer_width);
  form.set_reg(reg);
  form.set_rm(rm);
  return form;
}

}  // namespace

void Encoder::sse(SseOp op, Xmm dst, Xmm src) {
  const SseInfo& info = kSseInfo[static_cast<int>(op)];
  Form form = sse_form(info.prefix, {0x0F, info.opcode});
  form.set_reg(dst);
  form.set_rm(src);
  emit(encoded(form));
}

void Encoder::sse(SseOp op, Xmm dst, Mem src) {
  const SseInfo& info = kSseInfo[static_cast<int>(op)];
  emit(reg_mem(info.prefix, false, 0x0F, info.opcode, dst.id, src));
}

// F2 0F 11 /r: store the low double.
void Encoder::movsd(Mem dst, Xmm src) {
  emit(reg_mem(0xF2, false, 0x0F, 0x11, src.id, dst));
}

// F2 [REX.W] 0F 2A /r.
void Encoder::cvtsi2sd(Xmm dst, Gp src) {
  emit(encoded(convert_form(0x2A, src.width, dst, src)));
}

void Encoder::cvtsi2sd(Xmm dst, Mem src) {
  emit(encoded(convert_form(0x2A, src.size, dst, src)));
}

// F2 [REX.W] 0F 2C /r (truncating) and 0F 2D /r (current rounding mode).
void Encoder::cvttsd2si(Gp dst, Xmm src) {
  emit(encoded(convert_form(0x2C, dst.width, dst, src)));
}

void Encoder::cvttsd2si(Gp dst, Mem src) {
  emit(encoded(convert_form(0x2C, dst.width, dst, src)));
}

void Encoder::cvtsd2si(Gp dst, Xmm src) {
  emit(encoded(convert_form(0x2D, dst.width, dst, src)));
}

void Encoder::cvtsd2si(Gp dst, Mem src) {
  emit(encoded(convert_form(0x2D, dst.width, dst, src)));
}

// 66 [REX.W] 0F 6E /r (gpr -> xmm) and 66 [REX.W] 0F 7E /r (xmm -> gpr);
// in both the XMM register sits in ModRM.reg.
void Encoder::movd(Xmm dst, Gp src) {
  check(src.width == Width::k32, "movd moves 32 bits; use movq for 64");
  Form form = sse_form(0x66, {0x0F, 0x6E});
  form.set_reg(dst);
  form.set_rm(src);
  emit(encoded(form));
}

void Encoder::movd(Gp dst, Xmm src) {
  check(dst.width == Width::k32, "movd moves 32 bits; use movq for 64");
  Form form = sse_form(0x66, {0x0F, 0x7E});
  form.set_reg(src);
  form.set_rm(dst);
  emit(encoded(form));
}

void Encoder::movq(Xmm dst, Gp src) {
  check(src.width == Width::k64, "movq moves 64 bits; use movd for 32");
  Form form = sse_form(0x66, {0x0F, 0x6E});
  form.rex_w = true;
  form.set_reg(dst);
  form.set_rm(src);
  emit(encoded(form));
}

void Encoder::movq(Gp dst, Xmm src) {
  check(dst.width == Width::k64, "movq moves 64 bits; use movd for 32");
  Form form = sse_form(0x66, {0x0F, 0x7E});
  form.rex_w = true;
  form.set_reg(src);
  form.set_rm(dst);
  emit(encoded(form));
}

// 66 0F 3A 0B /r ib.
void Encoder::roundsd(Xmm dst, Xmm src, RoundMode mode) {
  Form form = sse_form(0x66, {0x0F, 0x3A, 0x0B});
  form.set_reg(dst);
  form.set_rm(src);
  form.imm_bytes = 1;
  form.imm = static_cast<uint8_t>(mode);
  emit(encoded(form));
}

void Encoder::roundsd(Xmm dst, Mem src, RoundMode mode) {
  Form form = sse_form(0x66, {0x0F, 0x3A, 0x0B});
  form.set_reg(dst);
  form.set_rm(src);
  form.imm_bytes = 1;
  form.imm = static_cast<uint8_t>(mode);
  emit(encoded(form));
}

// ---- Stack and padding -----------------------------------------------------

// 50+r / 58+r (64-bit by default; REX.B reaches r8..r15).
void Encoder::push(Gp reg) {
  check(reg.width == Width::k64, "push takes a 64-bit register");
  Insn insn;
  encode_plus_reg(insn, false, false, false, {0x50}, reg.id);
  emit(insn);
}

// 6A ib when the value fits a signed byte, else 68 id.
void Encoder::push(int32_t imm) {
  Insn insn;
  insn.byte(fits_int8(imm) ? 0x6A : 0x68);
  insn.le(imm, fits_int8(imm) ? 1 : 4);
  emit(insn);
}

void Encoder::pop(Gp reg) {
  check(reg.width == Width::k64, "pop takes a 64-bit register");
  Insn insn;
  encode_plus_reg(insn, false, false, false, {0x58}, reg.id);
  emit(insn);
}

void Encoder::ret() {
  Insn insn;
  insn.byte(0xC3);
  emit(insn);
}

void Encoder::int3() {
  Insn insn;
  insn.byte(0xCC);
  emit(insn);
}

void Encoder::ud2() {
  Insn insn;
  insn.byte(0x0F);
  insn.byte(0x0B);
  emit(insn);
}

// The multi-byte nops the Intel optimization manual recommends.
void Encoder::nop(int length) {
  static constexpr uint8_t kNops[9][9] = {
      {0x90},
      {0x66, 0x90},
      {0x0F, 0x1F, 0x00},
      {0x0F, 0x1F, 0x40, 0x00},
      {0x0F, 0x1F, 0x44, 0x00, 0x00},
      {0x66, 0x0F, 0x1F, 0x44, 0x00, 0x00},
      {0x0F, 0x1F, 0x80, 0x00, 0x00, 0x00, 0x00},
      {0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
      {0x66, 0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
  };
  check(length >= 1 && length <= 9, "nop length must be 1..9");
  Insn insn;
  for (int i = 0; i < length; ++i) insn.byte(kNops[length - 1][i]);
  emit(insn);
}

}  // namespace lj::x64
