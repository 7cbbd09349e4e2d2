// The project's x86-64 encoder: one call emits one instruction into a
// CodeBuffer (backwards or forwards, see code_buffer.h). Operands are typed
// values (operand.h); the operand width is the register's width, or the
// memory operand's size where no register decides it. Immediates are plain
// integers and the encoder picks the shortest form that holds them (imm8 for
// ALU/imul when the value fits, rel8 for jmp/jcc when the target is near).
// Instruction families are declared once in the X-macro tables below; the
// property test (encoder_property_test.cc) decodes every form with Zydis.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lj/asm/x64/code_buffer.h"
#include "lj/asm/x64/operand.h"

namespace lj::x64 {

// Two-operand integer ALU instructions: method name, mnemonic, ModRM /digit
// of the immediate form (also the opcode row: digit*8 + {0,1,2,3}).
#define LJ_X64_ALU_OPS(_) \
  _(add, "add", 0) _(or_, "or", 1) _(adc, "adc", 2) _(sbb, "sbb", 3) \
  _(and_, "and", 4) _(sub, "sub", 5) _(xor_, "xor", 6) _(cmp, "cmp", 7)

// Shifts and rotates (C1 /digit ib, D1 /digit, D3 /digit).
#define LJ_X64_SHIFT_OPS(_) \
  _(rol, "rol", 0) _(ror, "ror", 1) _(shl, "shl", 4) _(shr, "shr", 5) _(sar, "sar", 7)

// One-operand group-3 instructions (F7 /digit).
#define LJ_X64_UNARY_OPS(_) _(not_, "not", 2) _(neg, "neg", 3)

// SSE instructions of the form `op xmm, xmm/mem`: method name, mnemonic,
// mandatory prefix (0 = none), opcode byte after 0F, memory operand bits.
#define LJ_X64_SSE_OPS(_) \
  _(movsd, "movsd", 0xF2, 0x10, 64) _(sqrtsd, "sqrtsd", 0xF2, 0x51, 64) \
  _(addsd, "addsd", 0xF2, 0x58, 64) _(mulsd, "mulsd", 0xF2, 0x59, 64) \
  _(subsd, "subsd", 0xF2, 0x5C, 64) _(minsd, "minsd", 0xF2, 0x5D, 64) \
  _(divsd, "divsd", 0xF2, 0x5E, 64) _(maxsd, "maxsd", 0xF2, 0x5F, 64) \
  _(cvtsd2ss, "cvtsd2ss", 0xF2, 0x5A, 64) _(cvtss2sd, "cvtss2sd", 0xF3, 0x5A, 32) \
  _(ucomisd, "ucomisd", 0x66, 0x2E, 64) _(andpd, "andpd", 0x66, 0x54, 128) \
  _(xorpd, "xorpd", 0x66, 0x57, 128) _(movaps, "movaps", 0x00, 0x28, 128)

enum class AluOp : uint8_t {
#define LJ_X64_ENUM(name, mnemonic, digit) name,
  LJ_X64_ALU_OPS(LJ_X64_ENUM)
#undef LJ_X64_ENUM
};
enum class ShiftOp : uint8_t {
#define LJ_X64_ENUM(name, mnemonic, digit) name,
  LJ_X64_SHIFT_OPS(LJ_X64_ENUM)
#undef LJ_X64_ENUM
};
enum class UnaryOp : uint8_t {
#define LJ_X64_ENUM(name, mnemonic, digit) name,
  LJ_X64_UNARY_OPS(LJ_X64_ENUM)
#undef LJ_X64_ENUM
};
enum class SseOp : uint8_t {
#define LJ_X64_ENUM(name, mnemonic, prefix, opcode, bits) name,
  LJ_X64_SSE_OPS(LJ_X64_ENUM)
#undef LJ_X64_ENUM
};

// The mnemonic Intel-syntax disassemblers print for each op.
const char* mnemonic(AluOp op);
const char* mnemonic(ShiftOp op);
const char* mnemonic(UnaryOp op);
const char* mnemonic(SseOp op);
// Size in bits of the memory operand an SSE op reads.
int memory_bits(SseOp op);

// roundsd's immediate: the rounding mode, with bit 3 set so an inexact
// result raises no precision exception (what floor/ceil/trunc want).
enum class RoundMode : uint8_t { kNearest = 0x8, kFloor = 0x9, kCeil = 0xA, kTrunc = 0xB };

// The longest instruction the encoder emits (an x86 instruction is at most 15).
inline constexpr size_t kMaxInstructionBytes = 15;

class Encoder {
 public:
  // The scratch record one instruction is encoded into (encoder.cc).
  struct Insn;

  explicit Encoder(CodeBuffer& buffer) : buffer_(buffer) {}
  CodeBuffer& buffer() { return buffer_; }

  // --- Data movement -------------------------------------------------------
  void mov(Gp dst, Gp src);
  void mov(Gp dst, Mem src);
  void mov(Mem dst, Gp src);
  // mov r, imm: at 64 bits the sign-extended imm32 form (C7 /0).
  void mov(Gp dst, int32_t imm);
  void mov(Mem dst, int32_t imm);
  // movabs r64, imm64 (REX.W B8+r), always the 10-byte form.
  void movabs(Gp dst, uint64_t imm);
  // Loads any 64-bit constant with the shortest single instruction: a 32-bit
  // mov (which zero-extends), the sign-extended imm32 form, or movabs.
  void mov_imm64(Gp dst, uint64_t imm);
  // Zero/sign extension from an 8- or 16-bit register or memory operand.
  void movzx(Gp dst, Gp src);
  void movzx(Gp dst, Mem src);
  void movsx(Gp dst, Gp src);
  void movsx(Gp dst, Mem src);
  // Sign extension of a 32-bit source into a 64-bit register.
  void movsxd(Gp dst, Gp src);
  void movsxd(Gp dst, Mem src);
  void lea(Gp dst, Mem src);

  // --- Integer arithmetic --------------------------------------------------
  void alu(AluOp op, Gp dst, Gp src);
  void alu(AluOp op, Gp dst, Mem src);
  void alu(AluOp op, Mem dst, Gp src);
  void alu(AluOp op, Gp dst, int32_t imm);
  void alu(AluOp op, Mem dst, int32_t imm);
  void test(Gp lhs, Gp rhs);
  void test(Mem lhs, Gp rhs);
  void test(Gp lhs, int32_t imm);
  void test(Mem lhs, int32_t imm);
  void unary(UnaryOp op, Gp dst);
  void unary(UnaryOp op, Mem dst);
  void imul(Gp dst, Gp src);
  void imul(Gp dst, Mem src);
  void imul(Gp dst, Gp src, int32_t imm);
  void imul(Gp dst, Mem src, int32_t imm);
  // Shift by an immediate count (D1 for a count of 1) or by cl.
  void shift(ShiftOp op, Gp dst, uint8_t count);
  void shift(ShiftOp op, Mem dst, uint8_t count);
  void shift_cl(ShiftOp op, Gp dst);
  void shift_cl(ShiftOp op, Mem dst);
  void bswap(Gp reg);

  // Named forms of the families above (add(rax, rbx), shl(eax, 3), ...).
#define LJ_X64_ALU_METHODS(name, mnemonic, digit)                        \
  void name(Gp dst, Gp src) { alu(AluOp::name, dst, src); }             \
  void name(Gp dst, Mem src) { alu(AluOp::name, dst, src); }            \
  void name(Mem dst, Gp src) { alu(AluOp::name, dst, src); }            \
  void name(Gp dst, int32_t imm) { alu(AluOp::name, dst, imm); }        \
  void name(Mem dst, int32_t imm) { alu(AluOp::name, dst, imm); }
  LJ_X64_ALU_OPS(LJ_X64_ALU_METHODS)
#undef LJ_X64_ALU_METHODS
#define LJ_X64_SHIFT_METHODS(name, mnemonic, digit)                             \
  void name(Gp dst, uint8_t count) { shift(ShiftOp::name, dst, count); }       \
  void name(Mem dst, uint8_t count) { shift(ShiftOp::name, dst, count); }      \
  void name##_cl(Gp dst) { shift_cl(ShiftOp::name, dst); }                     \
  void name##_cl(Mem dst) { shift_cl(ShiftOp::name, dst); }
  LJ_X64_SHIFT_OPS(LJ_X64_SHIFT_METHODS)
#undef LJ_X64_SHIFT_METHODS
#define LJ_X64_UNARY_METHODS(name, mnemonic, digit)       \
  void name(Gp dst) { unary(UnaryOp::name, dst); }        \
  void name(Mem dst) { unary(UnaryOp::name, dst); }
  LJ_X64_UNARY_OPS(LJ_X64_UNARY_METHODS)
#undef LJ_X64_UNARY_METHODS

  // --- Control flow --------------------------------------------------------
  // Direct branches to an execution address: rel8 when it reaches, else rel32.
  void jmp(uint64_t target);
  void jcc(Cond cond, uint64_t target);
  // Always rel32, so the branch can be re-targeted in place later (exit
  // branches, side-trace links). Returns the address just past the branch,
  // which CodeBuffer::patch_rel32 and the mcode area's patcher take.
  uint64_t jmp_rel32(uint64_t target);
  uint64_t jcc_rel32(Cond cond, uint64_t target);
  // A rel32 branch whose target is bound later with CodeBuffer::patch_rel32.
  uint64_t jmp_unbound();
  uint64_t jcc_unbound(Cond cond);
  void call(uint64_t target);
  void jmp(Gp target);
  void jmp(Mem target);
  void call(Gp target);
  void call(Mem target);
  void setcc(Cond cond, Gp dst);
  void setcc(Cond cond, Mem dst);
  void cmov(Cond cond, Gp dst, Gp src);
  void cmov(Cond cond, Gp dst, Mem src);

  // --- SSE2 scalar double and SSE4.1 roundsd -------------------------------
  void sse(SseOp op, Xmm dst, Xmm src);
  void sse(SseOp op, Xmm dst, Mem src);
#define LJ_X64_SSE_METHODS(name, mnemonic, prefix, opcode, bits)    \
  void name(Xmm dst, Xmm src) { sse(SseOp::name, dst, src); }      \
  void name(Xmm dst, Mem src) { sse(SseOp::name, dst, src); }
  LJ_X64_SSE_OPS(LJ_X64_SSE_METHODS)
#undef LJ_X64_SSE_METHODS
  // movsd m64, xmm (the store direction).
  void movsd(Mem dst, Xmm src);
  // Integer (32 or 64 bits, the register's or the memory operand's width) to double.
  void cvtsi2sd(Xmm dst, Gp src);
  void cvtsi2sd(Xmm dst, Mem src);
  // Double to integer, truncating (cvtt) or in the current rounding mode.
  void cvttsd2si(Gp dst, Xmm src);
  void cvttsd2si(Gp dst, Mem src);
  void cvtsd2si(Gp dst, Xmm src);
  void cvtsd2si(Gp dst, Mem src);
  // Bit moves between GPRs and XMMs: movd for 32 bits, movq for 64.
  void movd(Xmm dst, Gp src);
  void movd(Gp dst, Xmm src);
  void movq(Xmm dst, Gp src);
  void movq(Gp dst, Xmm src);
  // SSE4.1 only: callers check CpuFeatures::sse4_1 first (see cpu.h).
  void roundsd(Xmm dst, Xmm src, RoundMode mode);
  void roundsd(Xmm dst, Mem src, RoundMode mode);

  // --- Stack and padding ---------------------------------------------------
  void push(Gp reg);
  // push imm8/imm32, sign-extended to 64 bits (exit stubs push their number).
  void push(int32_t imm);
  void pop(Gp reg);
  void ret();
  void int3();
  void ud2();
  // One nop of `length` bytes (1..9, Intel's recommended multi-byte forms).
  void nop(int length = 1);

 private:
  void emit(Insn insn);
  void branch(uint8_t short_opcode, const uint8_t* long_opcode, size_t long_length,
              uint64_t target);
  uint64_t branch_rel32(const uint8_t* opcode, size_t length, uint64_t target, bool bound);

  CodeBuffer& buffer_;
};

}  // namespace lj::x64
