// Known byte sequences for the encoder's tricky cases (ModRM/SIB special
// registers, REX for byte registers, prefixes in the right order) and the
// backward/forward placement rules of the CodeBuffer.
#include "lj/asm/x64/encoder.h"

#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <vector>

#include "lj/asm/x64/cpu.h"

namespace lj::x64 {
namespace {

using Bytes = std::vector<uint8_t>;

// Encodes whatever `body` emits, forwards, and returns the bytes.
Bytes encode(const std::function<void(Encoder&)>& body) {
  static uint8_t memory[256];
  CodeBuffer buffer = CodeBuffer::in_place(memory, sizeof(memory), Direction::kForward);
  Encoder encoder(buffer);
  body(encoder);
  EXPECT_FALSE(buffer.overflowed());
  return Bytes(memory, memory + (buffer.code_end() - buffer.code_begin()));
}

TEST(Encoder, RspAndR12BasesNeedASibByte) {
  EXPECT_EQ(encode([](Encoder& e) { e.mov(rax, Mem::at(rsp)); }), (Bytes{0x48, 0x8B, 0x04, 0x24}));
  EXPECT_EQ(encode([](Encoder& e) { e.mov(rax, Mem::at(r12)); }), (Bytes{0x49, 0x8B, 0x04, 0x24}));
}

TEST(Encoder, RbpAndR13BasesNeedADisplacement) {
  EXPECT_EQ(encode([](Encoder& e) { e.mov(rax, Mem::at(rbp)); }), (Bytes{0x48, 0x8B, 0x45, 0x00}));
  EXPECT_EQ(encode([](Encoder& e) { e.mov(rax, Mem::at(r13)); }), (Bytes{0x49, 0x8B, 0x45, 0x00}));
}

TEST(Encoder, ScaledIndexWithExtendedRegisters) {
  EXPECT_EQ(encode([](Encoder& e) { e.mov(eax, Mem::at(rax, r12, 2, 0x10)); }),
            (Bytes{0x42, 0x8B, 0x44, 0x60, 0x10}));
  EXPECT_EQ(encode([](Encoder& e) { e.mov(r10, Mem::at(r13, r14, 8, -8)); }),
            (Bytes{0x4F, 0x8B, 0x54, 0xF5, 0xF8}));
  EXPECT_EQ(encode([](Encoder& e) { e.lea(eax, Mem::at(rdi, rsi, 1)); }), (Bytes{0x8D, 0x04, 0x37}));
}

TEST(Encoder, AbsoluteAddressUsesSibWithoutBase) {
  EXPECT_EQ(encode([](Encoder& e) { e.mov(eax, Mem::absolute(0x1000)); }),
            (Bytes{0x8B, 0x04, 0x25, 0x00, 0x10, 0x00, 0x00}));
}

TEST(Encoder, ByteRegistersSilDilNeedRex) {
  EXPECT_EQ(encode([](Encoder& e) { e.setcc(Cond::kE, sil); }), (Bytes{0x40, 0x0F, 0x94, 0xC6}));
  EXPECT_EQ(encode([](Encoder& e) { e.setcc(Cond::kE, al); }), (Bytes{0x0F, 0x94, 0xC0}));
  EXPECT_EQ(encode([](Encoder& e) { e.movzx(eax, sil); }), (Bytes{0x40, 0x0F, 0xB6, 0xC6}));
}

TEST(Encoder, ImmediatesPickTheShortestForm) {
  EXPECT_EQ(encode([](Encoder& e) { e.add(rax, -1); }), (Bytes{0x48, 0x83, 0xC0, 0xFF}));
  EXPECT_EQ(encode([](Encoder& e) { e.add(rax, 0x1000); }),
            (Bytes{0x48, 0x81, 0xC0, 0x00, 0x10, 0x00, 0x00}));
  EXPECT_EQ(encode([](Encoder& e) { e.shl(eax, 1); }), (Bytes{0xD1, 0xE0}));
  EXPECT_EQ(encode([](Encoder& e) { e.cmp(Mem::at(r9, 0, Width::k8), 0x7F); }),
            (Bytes{0x41, 0x80, 0x39, 0x7F}));
  EXPECT_EQ(encode([](Encoder& e) { e.mov(Mem::at(rax, 0, Width::k16), 0x1234); }),
            (Bytes{0x66, 0xC7, 0x00, 0x34, 0x12}));
  EXPECT_EQ(encode([](Encoder& e) { e.imul(gp32(kR11), Mem::at(rbp, 0x80), 1000); }),
            (Bytes{0x44, 0x69, 0x9D, 0x80, 0x00, 0x00, 0x00, 0xE8, 0x03, 0x00, 0x00}));
}

TEST(Encoder, MovImm64ChoosesBetweenThreeLengths) {
  EXPECT_EQ(encode([](Encoder& e) { e.mov_imm64(r15, 0xFFFFFFFFu); }).size(), 6u);  // 41 BF id
  EXPECT_EQ(encode([](Encoder& e) { e.mov_imm64(rax, static_cast<uint64_t>(-2)); }),
            (Bytes{0x48, 0xC7, 0xC0, 0xFE, 0xFF, 0xFF, 0xFF}));
  EXPECT_EQ(encode([](Encoder& e) { e.mov_imm64(r15, 0x123456789Aull); }),
            (Bytes{0x49, 0xBF, 0x9A, 0x78, 0x56, 0x34, 0x12, 0x00, 0x00, 0x00}));
}

TEST(Encoder, SsePrefixesPrecedeRex) {
  EXPECT_EQ(encode([](Encoder& e) { e.addsd(xmm(8), xmm(1)); }), (Bytes{0xF2, 0x44, 0x0F, 0x58, 0xC1}));
  EXPECT_EQ(encode([](Encoder& e) { e.movq(rax, xmm(0)); }), (Bytes{0x66, 0x48, 0x0F, 0x7E, 0xC0}));
  EXPECT_EQ(encode([](Encoder& e) { e.cvtsi2sd(xmm(15), r8); }), (Bytes{0xF2, 0x4D, 0x0F, 0x2A, 0xF8}));
  EXPECT_EQ(encode([](Encoder& e) { e.roundsd(xmm(0), xmm(1), RoundMode::kFloor); }),
            (Bytes{0x66, 0x0F, 0x3A, 0x0B, 0xC1, 0x09}));
}

TEST(Encoder, StackAndPadding) {
  EXPECT_EQ(encode([](Encoder& e) { e.push(r12); }), (Bytes{0x41, 0x54}));
  EXPECT_EQ(encode([](Encoder& e) { e.pop(rbx); }), (Bytes{0x5B}));
  EXPECT_EQ(encode([](Encoder& e) { e.push(-3); }), (Bytes{0x6A, 0xFD}));
  EXPECT_EQ(encode([](Encoder& e) { e.push(0x1000); }), (Bytes{0x68, 0x00, 0x10, 0x00, 0x00}));
  EXPECT_EQ(encode([](Encoder& e) { e.ret(); e.int3(); }), (Bytes{0xC3, 0xCC}));
  for (int length = 1; length <= 9; ++length) {
    EXPECT_EQ(encode([length](Encoder& e) { e.nop(length); }).size(), static_cast<size_t>(length));
  }
}

TEST(Encoder, RipRelativeIsMeasuredFromTheInstructionEnd) {
  uint8_t memory[32] = {};
  CodeBuffer buffer = CodeBuffer::in_place(memory, sizeof(memory), Direction::kForward);
  Encoder encoder(buffer);
  const uint64_t target = reinterpret_cast<uint64_t>(memory) + 100;
  encoder.movsd(xmm(2), Mem::rip(target));  // F2 0F 10 15 disp32: 8 bytes
  int32_t disp = 0;
  std::memcpy(&disp, memory + 4, 4);
  EXPECT_EQ(memory[3], 0x15);
  EXPECT_EQ(disp, 100 - 8);
}

TEST(CodeBuffer, BackwardEmissionPrependsEachInstruction) {
  uint8_t memory[16] = {};
  CodeBuffer buffer = CodeBuffer::in_place(memory, sizeof(memory), Direction::kBackward);
  Encoder encoder(buffer);
  encoder.ret();                         // emitted first, runs last
  encoder.lea(eax, Mem::at(rdi, rsi, 1));  // runs first
  EXPECT_EQ(buffer.code_begin(), reinterpret_cast<uint64_t>(memory + 12));
  EXPECT_EQ(Bytes(memory + 12, memory + 16), (Bytes{0x8D, 0x04, 0x37, 0xC3}));
}

TEST(CodeBuffer, BackwardBranchesReachAlreadyEmittedCode) {
  uint8_t memory[512] = {};
  CodeBuffer buffer = CodeBuffer::in_place(memory, sizeof(memory), Direction::kBackward);
  Encoder encoder(buffer);
  encoder.ret();
  const uint64_t ret_address = buffer.position();
  encoder.jcc(Cond::kNE, ret_address);  // right before: rel8 = 0
  EXPECT_EQ(Bytes(memory + 509, memory + 511), (Bytes{0x75, 0x00}));
  for (int i = 0; i < 40; ++i) encoder.nop(9);
  encoder.jmp(ret_address);  // 362 bytes away: needs rel32
  const uint64_t jmp_end = buffer.position() + 5;
  int32_t rel = 0;
  std::memcpy(&rel, buffer.writable(buffer.position() + 1), 4);
  EXPECT_EQ(*buffer.writable(buffer.position()), 0xE9);
  EXPECT_EQ(jmp_end + rel, ret_address);
}

TEST(CodeBuffer, UnboundBranchesArePatchedLater) {
  uint8_t memory[32] = {};
  CodeBuffer buffer = CodeBuffer::in_place(memory, sizeof(memory), Direction::kForward);
  Encoder encoder(buffer);
  const uint64_t end = encoder.jcc_unbound(Cond::kL);
  EXPECT_EQ(end, reinterpret_cast<uint64_t>(memory + 6));
  encoder.int3();
  buffer.patch_rel32(end, buffer.position());
  EXPECT_EQ(Bytes(memory, memory + 7), (Bytes{0x0F, 0x8C, 0x01, 0x00, 0x00, 0x00, 0xCC}));
}

TEST(CodeBuffer, OverflowStopsWritingAndIsReported) {
  uint8_t memory[8] = {};
  CodeBuffer buffer = CodeBuffer::in_place(memory, sizeof(memory), Direction::kBackward);
  Encoder encoder(buffer);
  encoder.movabs(rax, 1);  // 10 bytes do not fit in 8
  EXPECT_TRUE(buffer.overflowed());
  encoder.ret();  // nothing is written after an overflow
  EXPECT_EQ(buffer.remaining(), 8u);
  EXPECT_EQ(memory[7], 0);
}

TEST(CodeBuffer, DoubleMappedWritesGoThroughTheWritableView) {
  uint8_t view[16] = {};
  const uint64_t exec_lo = 0x7F0000000000ull;
  CodeBuffer buffer(view, exec_lo, sizeof(view), Direction::kForward);
  Encoder encoder(buffer);
  encoder.jmp(exec_lo);  // jump to itself: rel8 = -2
  EXPECT_EQ(Bytes(view, view + 2), (Bytes{0xEB, 0xFE}));
  EXPECT_EQ(buffer.position(), exec_lo + 2);
}

// Operand combinations the hardware cannot encode are invariant failures,
// never silently wrong bytes.
TEST(EncoderDeathTest, ImpossibleOperandsAbort) {
  EXPECT_DEATH(Mem::at(rax, rsp, 1), "rsp cannot be an index");
  EXPECT_DEATH(Mem::at(rax, rcx, 3), "scale must be 1, 2, 4 or 8");
  EXPECT_DEATH(encode([](Encoder& e) { e.add(eax, rbx); }), "differ in width");
  EXPECT_DEATH(encode([](Encoder& e) { e.mov(Mem::at(rax), 1); }), "give the memory operand a size");
  EXPECT_DEATH(encode([](Encoder& e) { e.mov(rax, Mem::at(rbx, 0, Width::k32)); }), "disagrees");
  EXPECT_DEATH(encode([](Encoder& e) { e.movzx(eax, ebx); }), "8 or 16 bits");
  EXPECT_DEATH(encode([](Encoder& e) { e.mov(al, 300); }), "does not fit 8 bits");
  EXPECT_DEATH(encode([](Encoder& e) { e.call(e.buffer().position() + (3ull << 31)); }), "rel32 range");
}

TEST(Cpu, FeatureNamesFollowLuaJitOrder) {
  CpuFeatures all{true, true, true};
  const char* names[3];
  ASSERT_EQ(cpu_feature_names(all, names, 3), 3);
  EXPECT_STREQ(names[0], "SSE3");
  EXPECT_STREQ(names[1], "SSE4.1");
  EXPECT_STREQ(names[2], "BMI2");
  CpuFeatures only_sse41{false, true, false};
  ASSERT_EQ(cpu_feature_names(only_sse41, names, 3), 1);
  EXPECT_STREQ(names[0], "SSE4.1");
  // x86-64 always has SSE2; this machine is expected to have SSE3 too.
  EXPECT_TRUE(cpu_features().sse3);
}

}  // namespace
}  // namespace lj::x64
