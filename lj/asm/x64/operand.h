// Typed operands of the x86-64 encoder: general-purpose registers with their
// width, XMM registers, memory operands (base + index*scale + disp32, absolute
// or rip-relative) and condition codes. Plain values, cheap to copy.
#pragma once

#include <cstdint>

#include "lj/base/check.h"

namespace lj::x64 {

// Operand width in bytes; kNone marks a memory operand whose size the other
// operand decides.
enum class Width : uint8_t { kNone = 0, k8 = 1, k16 = 2, k32 = 4, k64 = 8 };

inline constexpr int bits_of(Width width) { return 8 * static_cast<int>(width); }

// A general-purpose register (hardware number 0..15) read or written at a width.
struct Gp {
  uint8_t id = 0;
  Width width = Width::k64;

  constexpr Gp with_width(Width w) const { return Gp{id, w}; }
  constexpr Gp r64() const { return with_width(Width::k64); }
  constexpr Gp r32() const { return with_width(Width::k32); }
  constexpr Gp r16() const { return with_width(Width::k16); }
  constexpr Gp r8() const { return with_width(Width::k8); }
  // Needs REX.R/X/B because its number does not fit the 3-bit ModRM fields.
  constexpr bool is_extended() const { return id >= 8; }
  // spl/bpl/sil/dil exist only with a REX prefix (without it they are ah..bh).
  constexpr bool needs_rex_as_byte() const { return width == Width::k8 && id >= 4 && id <= 7; }
  friend constexpr bool operator==(Gp, Gp) = default;
};

// An XMM register, 0..15 (SSE2 scalar double and the SSE4.1 roundsd).
struct Xmm {
  uint8_t id = 0;
  constexpr bool is_extended() const { return id >= 8; }
  friend constexpr bool operator==(Xmm, Xmm) = default;
};

// The register numbers in the order the hardware encodes them.
enum GpId : uint8_t {
  kRax, kRcx, kRdx, kRbx, kRsp, kRbp, kRsi, kRdi,
  kR8, kR9, kR10, kR11, kR12, kR13, kR14, kR15,
};

inline constexpr Gp gp64(int id) { return Gp{static_cast<uint8_t>(id), Width::k64}; }
inline constexpr Gp gp32(int id) { return Gp{static_cast<uint8_t>(id), Width::k32}; }
inline constexpr Gp gp16(int id) { return Gp{static_cast<uint8_t>(id), Width::k16}; }
inline constexpr Gp gp8(int id) { return Gp{static_cast<uint8_t>(id), Width::k8}; }
inline constexpr Xmm xmm(int id) { return Xmm{static_cast<uint8_t>(id)}; }

// Named registers, the spelling every x86 manual uses.
inline constexpr Gp rax = gp64(kRax), rcx = gp64(kRcx), rdx = gp64(kRdx), rbx = gp64(kRbx),
                    rsp = gp64(kRsp), rbp = gp64(kRbp), rsi = gp64(kRsi), rdi = gp64(kRdi),
                    r8 = gp64(kR8), r9 = gp64(kR9), r10 = gp64(kR10), r11 = gp64(kR11),
                    r12 = gp64(kR12), r13 = gp64(kR13), r14 = gp64(kR14), r15 = gp64(kR15);
inline constexpr Gp eax = rax.r32(), ecx = rcx.r32(), edx = rdx.r32(), ebx = rbx.r32(),
                    esp = rsp.r32(), ebp = rbp.r32(), esi = rsi.r32(), edi = rdi.r32();
inline constexpr Gp r8d = r8.r32(), r9d = r9.r32(), r10d = r10.r32(), r11d = r11.r32(),
                    r12d = r12.r32(), r13d = r13.r32(), r14d = r14.r32(), r15d = r15.r32();
inline constexpr Gp al = rax.r8(), cl = rcx.r8(), dl = rdx.r8(), bl = rbx.r8(),
                    spl = rsp.r8(), bpl = rbp.r8(), sil = rsi.r8(), dil = rdi.r8();

// A memory operand. Base and index are 64-bit registers; the index is never
// rsp (the SIB byte cannot express it). A rip-relative operand stores the
// absolute address it refers to; the encoder turns it into a displacement
// once the instruction's end address is known.
struct Mem {
  static constexpr uint8_t kNoReg = 0xFF;
  static constexpr uint8_t kRip = 0xFE;

  uint8_t base = kNoReg;
  uint8_t index = kNoReg;
  uint8_t scale_log2 = 0;
  Width size = Width::kNone;
  int32_t disp = 0;
  uint64_t rip_target = 0;

  // [base + disp]
  static Mem at(Gp base, int32_t disp = 0, Width size = Width::kNone) {
    lj::check(base.width == Width::k64, "memory base must be a 64-bit register");
    Mem mem;
    mem.base = base.id;
    mem.disp = disp;
    mem.size = size;
    return mem;
  }
  // [base + index*scale + disp]
  static Mem at(Gp base, Gp index, int scale, int32_t disp = 0, Width size = Width::kNone) {
    Mem mem = at(base, disp, size);
    mem.set_index(index, scale);
    return mem;
  }
  // [index*scale + disp32], no base register.
  static Mem indexed(Gp index, int scale, int32_t disp, Width size = Width::kNone) {
    Mem mem;
    mem.disp = disp;
    mem.size = size;
    mem.set_index(index, scale);
    return mem;
  }
  // [disp32]: an absolute address in the low 2 GB (sign-extended).
  static Mem absolute(int32_t address, Width size = Width::kNone) {
    Mem mem;
    mem.disp = address;
    mem.size = size;
    return mem;
  }
  // [rip + rel32] referring to `target`, which must end up within ±2 GB.
  static Mem rip(uint64_t target, Width size = Width::kNone) {
    Mem mem;
    mem.base = kRip;
    mem.rip_target = target;
    mem.size = size;
    return mem;
  }

  Mem sized(Width w) const {
    Mem mem = *this;
    mem.size = w;
    return mem;
  }
  bool has_base() const { return base != kNoReg && base != kRip; }
  bool has_index() const { return index != kNoReg; }
  bool is_rip() const { return base == kRip; }
  int scale() const { return 1 << scale_log2; }

 private:
  void set_index(Gp reg, int scale) {
    lj::check(reg.width == Width::k64, "memory index must be a 64-bit register");
    lj::check(reg.id != kRsp, "rsp cannot be an index register");
    lj::check(scale == 1 || scale == 2 || scale == 4 || scale == 8, "scale must be 1, 2, 4 or 8");
    index = reg.id;
    scale_log2 = static_cast<uint8_t>(scale == 1 ? 0 : scale == 2 ? 1 : scale == 4 ? 2 : 3);
  }
};

// Condition codes in hardware order (the low nibble of jcc/setcc/cmovcc),
// with the suffix every assembler prints.
#define LJ_X64_CONDITIONS(_) \
  _(O, "o") _(NO, "no") _(B, "b") _(AE, "nb") _(E, "z") _(NE, "nz") _(BE, "be") _(A, "nbe") \
  _(S, "s") _(NS, "ns") _(P, "p") _(NP, "np") _(L, "l") _(GE, "nl") _(LE, "le") _(G, "nle")

enum class Cond : uint8_t {
#define LJ_X64_COND_ENUM(name, suffix) k##name,
  LJ_X64_CONDITIONS(LJ_X64_COND_ENUM)
#undef LJ_X64_COND_ENUM
};

inline constexpr int kCondCount = 16;

// The condition that holds exactly when `cond` does not (flip the low bit).
inline constexpr Cond negate(Cond cond) { return static_cast<Cond>(static_cast<uint8_t>(cond) ^ 1); }

// The suffix Intel-syntax disassemblers (Zydis) print for `cond`.
inline constexpr const char* cond_suffix(Cond cond) {
  constexpr const char* kSuffixes[] = {
#define LJ_X64_COND_SUFFIX(name, suffix) suffix,
      LJ_X64_CONDITIONS(LJ_X64_COND_SUFFIX)
#undef LJ_X64_COND_SUFFIX
  };
  return kSuffixes[static_cast<int>(cond)];
}

}  // namespace lj::x64
