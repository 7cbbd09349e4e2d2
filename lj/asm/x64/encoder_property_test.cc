// Every instruction form the encoder offers, with random operands (all 16
// GPRs and XMMs, every width, immediates of each size, base + index*scale +
// disp, absolute and rip-relative memory, near and far branch targets),
// emitted backwards or forwards at a random address, then decoded by Zydis
// and compared: length, mnemonic and every explicit operand.
#include <Zydis/Zydis.h>
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "lj/asm/x64/encoder.h"

namespace lj::x64 {
namespace {

// ---- What Zydis should report ------------------------------------------------

struct ExpectedOperand {
  enum class Kind { kRegister, kMemory, kImmediate, kTarget };
  Kind kind = Kind::kRegister;
  ZydisRegister reg = ZYDIS_REGISTER_NONE;
  Mem mem;
  int mem_bits = 0;  // 0: size not checked (lea)
  int64_t imm = 0;
  int imm_bits = 0;  // low bits compared
  uint64_t target = 0;
};

struct Expected {
  std::string mnemonic;
  std::vector<ExpectedOperand> operands;
  bool check_operands = true;
};

ZydisRegister zydis_register(Gp reg) {
  switch (reg.width) {
    case Width::k64: return static_cast<ZydisRegister>(ZYDIS_REGISTER_RAX + reg.id);
    case Width::k32: return static_cast<ZydisRegister>(ZYDIS_REGISTER_EAX + reg.id);
    case Width::k16: return static_cast<ZydisRegister>(ZYDIS_REGISTER_AX + reg.id);
    case Width::k8:
      // al..bl, then spl..dil (REX forms; ah..bh are never produced), r8b..
      if (reg.id < 4) return static_cast<ZydisRegister>(ZYDIS_REGISTER_AL + reg.id);
      if (reg.id < 8) return static_cast<ZydisRegister>(ZYDIS_REGISTER_SPL + reg.id - 4);
      return static_cast<ZydisRegister>(ZYDIS_REGISTER_R8B + reg.id - 8);
    case Width::kNone: break;
  }
  return ZYDIS_REGISTER_NONE;
}

ZydisRegister zydis_register(Xmm reg) { return static_cast<ZydisRegister>(ZYDIS_REGISTER_XMM0 + reg.id); }

ExpectedOperand register_operand(ZydisRegister reg) {
  ExpectedOperand operand;
  operand.kind = ExpectedOperand::Kind::kRegister;
  operand.reg = reg;
  return operand;
}
ExpectedOperand reg_operand(Gp reg) { return register_operand(zydis_register(reg)); }
ExpectedOperand reg_operand(Xmm reg) { return register_operand(zydis_register(reg)); }
ExpectedOperand mem_operand(const Mem& mem, int bits) {
  ExpectedOperand operand;
  operand.kind = ExpectedOperand::Kind::kMemory;
  operand.mem = mem;
  operand.mem_bits = bits;
  return operand;
}
ExpectedOperand imm_operand(int64_t value, int bits) {
  ExpectedOperand operand;
  operand.kind = ExpectedOperand::Kind::kImmediate;
  operand.imm = value;
  operand.imm_bits = bits;
  return operand;
}
ExpectedOperand target_operand(uint64_t target) {
  ExpectedOperand operand;
  operand.kind = ExpectedOperand::Kind::kTarget;
  operand.target = target;
  return operand;
}

// ---- Random operands ---------------------------------------------------------

// Where the code under test pretends to run; targets are drawn around it.
struct Site {
  uint64_t exec_lo;
  uint64_t exec_hi;
};

Width any_width() { return *rc::gen::element(Width::k8, Width::k16, Width::k32, Width::k64); }
Width wide_width() { return *rc::gen::element(Width::k16, Width::k32, Width::k64); }
Width width_32_64() { return *rc::gen::element(Width::k32, Width::k64); }
Gp any_gp(Width width) { return Gp{static_cast<uint8_t>(*rc::gen::inRange(0, 16)), width}; }
Xmm any_xmm() { return xmm(*rc::gen::inRange(0, 16)); }
Cond any_cond() { return static_cast<Cond>(*rc::gen::inRange(0, kCondCount)); }

// Displacements that exercise no-disp, disp8 and disp32 encodings and their edges.
int32_t any_disp() {
  switch (*rc::gen::inRange(0, 4)) {
    case 0: return 0;
    case 1: return *rc::gen::inRange<int32_t>(-128, 128);
    case 2: return *rc::gen::element<int32_t>(127, 128, -128, -129, INT32_MAX, INT32_MIN);
    default: return *rc::gen::arbitrary<int32_t>();
  }
}

// A target reachable with rel32 from anywhere in the site; near ones test rel8.
uint64_t any_target(const Site& site) {
  const int64_t offset = *rc::gen::oneOf(rc::gen::inRange<int64_t>(-300, 300),
                                         rc::gen::inRange<int64_t>(-(1ll << 30), 1ll << 30));
  return site.exec_lo + static_cast<uint64_t>(offset);
}

Mem any_mem(const Site& site, Width size) {
  const Gp base = any_gp(Width::k64);
  Gp index = any_gp(Width::k64);
  if (index.id == kRsp) index = r12;  // rsp cannot be an index; r12 can
  const int scale = *rc::gen::element(1, 2, 4, 8);
  switch (*rc::gen::inRange(0, 6)) {
    case 0:
    case 1: return Mem::at(base, any_disp(), size);
    case 2:
    case 3: return Mem::at(base, index, scale, any_disp(), size);
    case 4: return *rc::gen::arbitrary<bool>() ? Mem::indexed(index, scale, any_disp(), size)
                                                : Mem::absolute(any_disp(), size);
    default: return Mem::rip(any_target(site), size);
  }
}

int32_t any_imm(Width width) {
  switch (width) {
    case Width::k8: return *rc::gen::inRange<int32_t>(-128, 128);
    case Width::k16: return *rc::gen::inRange<int32_t>(-32768, 32768);
    default: return *rc::gen::oneOf(rc::gen::inRange<int32_t>(-128, 128), rc::gen::arbitrary<int32_t>());
  }
}

// ---- Forms -------------------------------------------------------------------

using FormBody = std::function<Expected(Encoder&, const Site&)>;
struct Form {
  std::string name;
  FormBody body;
};

std::string cond_mnemonic(const char* prefix, Cond cond) { return std::string(prefix) + cond_suffix(cond); }

void add_data_movement_forms(std::vector<Form>& forms) {
  forms.push_back({"mov r,r", [](Encoder& e, const Site&) {
    const Width w = any_width();
    const Gp dst = any_gp(w), src = any_gp(w);
    e.mov(dst, src);
    return Expected{"mov", {reg_operand(dst), reg_operand(src)}};
  }});
  forms.push_back({"mov r,m", [](Encoder& e, const Site& site) {
    const Width w = any_width();
    const Gp dst = any_gp(w);
    const Mem src = any_mem(site, Width::kNone);
    e.mov(dst, src);
    return Expected{"mov", {reg_operand(dst), mem_operand(src, bits_of(w))}};
  }});
  forms.push_back({"mov m,r", [](Encoder& e, const Site& site) {
    const Width w = any_width();
    const Gp src = any_gp(w);
    const Mem dst = any_mem(site, w);
    e.mov(dst, src);
    return Expected{"mov", {mem_operand(dst, bits_of(w)), reg_operand(src)}};
  }});
  forms.push_back({"mov r,imm", [](Encoder& e, const Site&) {
    const Width w = any_width();
    const Gp dst = any_gp(w);
    const int32_t imm = any_imm(w);
    e.mov(dst, imm);
    return Expected{"mov", {reg_operand(dst), imm_operand(imm, bits_of(w))}};
  }});
  forms.push_back({"mov m,imm", [](Encoder& e, const Site& site) {
    const Width w = any_width();
    const Mem dst = any_mem(site, w);
    const int32_t imm = any_imm(w);
    e.mov(dst, imm);
    return Expected{"mov", {mem_operand(dst, bits_of(w)), imm_operand(imm, bits_of(w))}};
  }});
  forms.push_back({"movabs", [](Encoder& e, const Site&) {
    const Gp dst = any_gp(Width::k64);
    const uint64_t imm = *rc::gen::arbitrary<uint64_t>();
    e.movabs(dst, imm);
    return Expected{"mov", {reg_operand(dst), imm_operand(static_cast<int64_t>(imm), 64)}};
  }});
  forms.push_back({"mov_imm64", [](Encoder& e, const Site&) {
    const Gp dst = any_gp(Width::k64);
    const uint64_t imm = *rc::gen::oneOf(rc::gen::arbitrary<uint64_t>(),
                                         rc::gen::cast<uint64_t>(rc::gen::arbitrary<uint32_t>()),
                                         rc::gen::cast<uint64_t>(rc::gen::arbitrary<int32_t>()));
    e.mov_imm64(dst, imm);
    // A 32-bit destination zero-extends: the register's value is imm either way.
    const bool zero_extends = imm <= 0xFFFFFFFFu;
    return Expected{"mov", {reg_operand(zero_extends ? dst.r32() : dst),
                            imm_operand(static_cast<int64_t>(imm), zero_extends ? 32 : 64)}};
  }});
  for (const bool sign : {false, true}) {
    const std::string name = sign ? "movsx" : "movzx";
    forms.push_back({name + " r,r", [sign, name](Encoder& e, const Site&) {
      const Width src_width = *rc::gen::element(Width::k8, Width::k16);
      const Width dst_width = src_width == Width::k8 ? wide_width() : width_32_64();
      const Gp dst = any_gp(dst_width), src = any_gp(src_width);
      sign ? e.movsx(dst, src) : e.movzx(dst, src);
      return Expected{name, {reg_operand(dst), reg_operand(src)}};
    }});
    forms.push_back({name + " r,m", [sign, name](Encoder& e, const Site& site) {
      const Width src_width = *rc::gen::element(Width::k8, Width::k16);
      const Width dst_width = src_width == Width::k8 ? wide_width() : width_32_64();
      const Gp dst = any_gp(dst_width);
      const Mem src = any_mem(site, src_width);
      sign ? e.movsx(dst, src) : e.movzx(dst, src);
      return Expected{name, {reg_operand(dst), mem_operand(src, bits_of(src_width))}};
    }});
  }
  forms.push_back({"movsxd r,r", [](Encoder& e, const Site&) {
    const Gp dst = any_gp(Width::k64), src = any_gp(Width::k32);
    e.movsxd(dst, src);
    return Expected{"movsxd", {reg_operand(dst), reg_operand(src)}};
  }});
  forms.push_back({"movsxd r,m", [](Encoder& e, const Site& site) {
    const Gp dst = any_gp(Width::k64);
    const Mem src = any_mem(site, Width::k32);
    e.movsxd(dst, src);
    return Expected{"movsxd", {reg_operand(dst), mem_operand(src, 32)}};
  }});
  forms.push_back({"lea", [](Encoder& e, const Site& site) {
    const Gp dst = any_gp(width_32_64());
    const Mem src = any_mem(site, Width::kNone);
    e.lea(dst, src);
    return Expected{"lea", {reg_operand(dst), mem_operand(src, 0)}};
  }});
}

void add_integer_forms(std::vector<Form>& forms) {
  for (int op_index = 0; op_index < 8; ++op_index) {
    const AluOp op = static_cast<AluOp>(op_index);
    const std::string name = mnemonic(op);
    forms.push_back({name + " r,r", [op, name](Encoder& e, const Site&) {
      const Width w = any_width();
      const Gp dst = any_gp(w), src = any_gp(w);
      e.alu(op, dst, src);
      return Expected{name, {reg_operand(dst), reg_operand(src)}};
    }});
    forms.push_back({name + " r,m", [op, name](Encoder& e, const Site& site) {
      const Width w = any_width();
      const Gp dst = any_gp(w);
      const Mem src = any_mem(site, Width::kNone);
      e.alu(op, dst, src);
      return Expected{name, {reg_operand(dst), mem_operand(src, bits_of(w))}};
    }});
    forms.push_back({name + " m,r", [op, name](Encoder& e, const Site& site) {
      const Width w = any_width();
      const Gp src = any_gp(w);
      const Mem dst = any_mem(site, Width::kNone);
      e.alu(op, dst, src);
      return Expected{name, {mem_operand(dst, bits_of(w)), reg_operand(src)}};
    }});
    forms.push_back({name + " r,imm", [op, name](Encoder& e, const Site&) {
      const Width w = any_width();
      const Gp dst = any_gp(w);
      const int32_t imm = any_imm(w);
      e.alu(op, dst, imm);
      return Expected{name, {reg_operand(dst), imm_operand(imm, bits_of(w))}};
    }});
    forms.push_back({name + " m,imm", [op, name](Encoder& e, const Site& site) {
      const Width w = any_width();
      const Mem dst = any_mem(site, w);
      const int32_t imm = any_imm(w);
      e.alu(op, dst, imm);
      return Expected{name, {mem_operand(dst, bits_of(w)), imm_operand(imm, bits_of(w))}};
    }});
  }
  forms.push_back({"test r,r", [](Encoder& e, const Site&) {
    const Width w = any_width();
    const Gp lhs = any_gp(w), rhs = any_gp(w);
    e.test(lhs, rhs);
    return Expected{"test", {reg_operand(lhs), reg_operand(rhs)}};
  }});
  forms.push_back({"test m,r", [](Encoder& e, const Site& site) {
    const Width w = any_width();
    const Gp rhs = any_gp(w);
    const Mem lhs = any_mem(site, Width::kNone);
    e.test(lhs, rhs);
    return Expected{"test", {mem_operand(lhs, bits_of(w)), reg_operand(rhs)}};
  }});
  forms.push_back({"test r,imm", [](Encoder& e, const Site&) {
    const Width w = any_width();
    const Gp lhs = any_gp(w);
    const int32_t imm = any_imm(w);
    e.test(lhs, imm);
    return Expected{"test", {reg_operand(lhs), imm_operand(imm, bits_of(w))}};
  }});
  forms.push_back({"test m,imm", [](Encoder& e, const Site& site) {
    const Width w = any_width();
    const Mem lhs = any_mem(site, w);
    const int32_t imm = any_imm(w);
    e.test(lhs, imm);
    return Expected{"test", {mem_operand(lhs, bits_of(w)), imm_operand(imm, bits_of(w))}};
  }});
  for (const UnaryOp op : {UnaryOp::not_, UnaryOp::neg}) {
    const std::string name = mnemonic(op);
    forms.push_back({name + " r", [op, name](Encoder& e, const Site&) {
      const Gp dst = any_gp(any_width());
      e.unary(op, dst);
      return Expected{name, {reg_operand(dst)}};
    }});
    forms.push_back({name + " m", [op, name](Encoder& e, const Site& site) {
      const Width w = any_width();
      const Mem dst = any_mem(site, w);
      e.unary(op, dst);
      return Expected{name, {mem_operand(dst, bits_of(w))}};
    }});
  }
  forms.push_back({"imul r,r", [](Encoder& e, const Site&) {
    const Width w = wide_width();
    const Gp dst = any_gp(w), src = any_gp(w);
    e.imul(dst, src);
    return Expected{"imul", {reg_operand(dst), reg_operand(src)}};
  }});
  forms.push_back({"imul r,m", [](Encoder& e, const Site& site) {
    const Width w = wide_width();
    const Gp dst = any_gp(w);
    const Mem src = any_mem(site, Width::kNone);
    e.imul(dst, src);
    return Expected{"imul", {reg_operand(dst), mem_operand(src, bits_of(w))}};
  }});
  forms.push_back({"imul r,r,imm", [](Encoder& e, const Site&) {
    const Width w = wide_width();
    const Gp dst = any_gp(w), src = any_gp(w);
    const int32_t imm = any_imm(w);
    e.imul(dst, src, imm);
    return Expected{"imul", {reg_operand(dst), reg_operand(src), imm_operand(imm, bits_of(w))}};
  }});
  forms.push_back({"imul r,m,imm", [](Encoder& e, const Site& site) {
    const Width w = wide_width();
    const Gp dst = any_gp(w);
    const Mem src = any_mem(site, w);
    const int32_t imm = any_imm(w);
    e.imul(dst, src, imm);
    return Expected{"imul", {reg_operand(dst), mem_operand(src, bits_of(w)), imm_operand(imm, bits_of(w))}};
  }});
  for (int op_index = 0; op_index < 5; ++op_index) {
    const ShiftOp op = static_cast<ShiftOp>(op_index);
    const std::string name = mnemonic(op);
    // A count of 1 uses the D1 form, whose 1 Zydis reports as an operand too.
    forms.push_back({name + " r,imm", [op, name](Encoder& e, const Site&) {
      const Gp dst = any_gp(any_width());
      const uint8_t count = *rc::gen::oneOf(rc::gen::just<uint8_t>(1), rc::gen::arbitrary<uint8_t>());
      e.shift(op, dst, count);
      return Expected{name, {reg_operand(dst), imm_operand(count, 8)}};
    }});
    forms.push_back({name + " m,imm", [op, name](Encoder& e, const Site& site) {
      const Width w = any_width();
      const Mem dst = any_mem(site, w);
      const uint8_t count = *rc::gen::oneOf(rc::gen::just<uint8_t>(1), rc::gen::arbitrary<uint8_t>());
      e.shift(op, dst, count);
      return Expected{name, {mem_operand(dst, bits_of(w)), imm_operand(count, 8)}};
    }});
    forms.push_back({name + " r,cl", [op, name](Encoder& e, const Site&) {
      const Gp dst = any_gp(any_width());
      e.shift_cl(op, dst);
      return Expected{name, {reg_operand(dst), reg_operand(cl)}};
    }});
    forms.push_back({name + " m,cl", [op, name](Encoder& e, const Site& site) {
      const Width w = any_width();
      const Mem dst = any_mem(site, w);
      e.shift_cl(op, dst);
      return Expected{name, {mem_operand(dst, bits_of(w)), reg_operand(cl)}};
    }});
  }
  forms.push_back({"bswap", [](Encoder& e, const Site&) {
    const Gp reg = any_gp(width_32_64());
    e.bswap(reg);
    return Expected{"bswap", {reg_operand(reg)}};
  }});
}

void add_control_forms(std::vector<Form>& forms) {
  forms.push_back({"jmp target", [](Encoder& e, const Site& site) {
    const uint64_t target = any_target(site);
    e.jmp(target);
    return Expected{"jmp", {target_operand(target)}};
  }});
  forms.push_back({"jcc target", [](Encoder& e, const Site& site) {
    const Cond cond = any_cond();
    const uint64_t target = any_target(site);
    e.jcc(cond, target);
    return Expected{cond_mnemonic("j", cond), {target_operand(target)}};
  }});
  forms.push_back({"jmp rel32", [](Encoder& e, const Site& site) {
    const uint64_t target = any_target(site);
    const uint64_t end = e.jmp_rel32(target);
    RC_ASSERT(end == (e.buffer().direction() == Direction::kBackward ? site.exec_hi : site.exec_lo + 5));
    return Expected{"jmp", {target_operand(target)}};
  }});
  forms.push_back({"jcc rel32", [](Encoder& e, const Site& site) {
    const Cond cond = any_cond();
    const uint64_t target = any_target(site);
    e.jcc_rel32(cond, target);
    return Expected{cond_mnemonic("j", cond), {target_operand(target)}};
  }});
  forms.push_back({"call target", [](Encoder& e, const Site& site) {
    const uint64_t target = any_target(site);
    e.call(target);
    return Expected{"call", {target_operand(target)}};
  }});
  for (const bool is_call : {false, true}) {
    const std::string name = is_call ? "call" : "jmp";
    forms.push_back({name + " r", [is_call, name](Encoder& e, const Site&) {
      const Gp target = any_gp(Width::k64);
      is_call ? e.call(target) : e.jmp(target);
      return Expected{name, {reg_operand(target)}};
    }});
    forms.push_back({name + " m", [is_call, name](Encoder& e, const Site& site) {
      const Mem target = any_mem(site, Width::k64);
      is_call ? e.call(target) : e.jmp(target);
      return Expected{name, {mem_operand(target, 64)}};
    }});
  }
  forms.push_back({"setcc r", [](Encoder& e, const Site&) {
    const Cond cond = any_cond();
    const Gp dst = any_gp(Width::k8);
    e.setcc(cond, dst);
    return Expected{cond_mnemonic("set", cond), {reg_operand(dst)}};
  }});
  forms.push_back({"setcc m", [](Encoder& e, const Site& site) {
    const Cond cond = any_cond();
    const Mem dst = any_mem(site, Width::k8);
    e.setcc(cond, dst);
    return Expected{cond_mnemonic("set", cond), {mem_operand(dst, 8)}};
  }});
  forms.push_back({"cmov r,r", [](Encoder& e, const Site&) {
    const Cond cond = any_cond();
    const Width w = wide_width();
    const Gp dst = any_gp(w), src = any_gp(w);
    e.cmov(cond, dst, src);
    return Expected{cond_mnemonic("cmov", cond), {reg_operand(dst), reg_operand(src)}};
  }});
  forms.push_back({"cmov r,m", [](Encoder& e, const Site& site) {
    const Cond cond = any_cond();
    const Width w = wide_width();
    const Gp dst = any_gp(w);
    const Mem src = any_mem(site, Width::kNone);
    e.cmov(cond, dst, src);
    return Expected{cond_mnemonic("cmov", cond), {reg_operand(dst), mem_operand(src, bits_of(w))}};
  }});
}

void add_sse_forms(std::vector<Form>& forms) {
  constexpr int kSseOpCount = static_cast<int>(SseOp::movaps) + 1;
  for (int op_index = 0; op_index < kSseOpCount; ++op_index) {
    const SseOp op = static_cast<SseOp>(op_index);
    const std::string name = mnemonic(op);
    forms.push_back({name + " x,x", [op, name](Encoder& e, const Site&) {
      const Xmm dst = any_xmm(), src = any_xmm();
      e.sse(op, dst, src);
      return Expected{name, {reg_operand(dst), reg_operand(src)}};
    }});
    forms.push_back({name + " x,m", [op, name](Encoder& e, const Site& site) {
      const Xmm dst = any_xmm();
      const Mem src = any_mem(site, Width::kNone);
      e.sse(op, dst, src);
      return Expected{name, {reg_operand(dst), mem_operand(src, memory_bits(op))}};
    }});
  }
  forms.push_back({"movsd m,x", [](Encoder& e, const Site& site) {
    const Xmm src = any_xmm();
    const Mem dst = any_mem(site, Width::kNone);
    e.movsd(dst, src);
    return Expected{"movsd", {mem_operand(dst, 64), reg_operand(src)}};
  }});
  forms.push_back({"cvtsi2sd x,r", [](Encoder& e, const Site&) {
    const Xmm dst = any_xmm();
    const Gp src = any_gp(width_32_64());
    e.cvtsi2sd(dst, src);
    return Expected{"cvtsi2sd", {reg_operand(dst), reg_operand(src)}};
  }});
  forms.push_back({"cvtsi2sd x,m", [](Encoder& e, const Site& site) {
    const Xmm dst = any_xmm();
    const Width w = width_32_64();
    const Mem src = any_mem(site, w);
    e.cvtsi2sd(dst, src);
    return Expected{"cvtsi2sd", {reg_operand(dst), mem_operand(src, bits_of(w))}};
  }});
  for (const bool truncating : {false, true}) {
    const std::string name = truncating ? "cvttsd2si" : "cvtsd2si";
    forms.push_back({name + " r,x", [truncating, name](Encoder& e, const Site&) {
      const Gp dst = any_gp(width_32_64());
      const Xmm src = any_xmm();
      truncating ? e.cvttsd2si(dst, src) : e.cvtsd2si(dst, src);
      return Expected{name, {reg_operand(dst), reg_operand(src)}};
    }});
    forms.push_back({name + " r,m", [truncating, name](Encoder& e, const Site& site) {
      const Gp dst = any_gp(width_32_64());
      const Mem src = any_mem(site, Width::kNone);
      truncating ? e.cvttsd2si(dst, src) : e.cvtsd2si(dst, src);
      return Expected{name, {reg_operand(dst), mem_operand(src, 64)}};
    }});
  }
  forms.push_back({"movd/movq x,r", [](Encoder& e, const Site&) {
    const Xmm dst = any_xmm();
    const Gp src = any_gp(width_32_64());
    src.width == Width::k64 ? e.movq(dst, src) : e.movd(dst, src);
    return Expected{src.width == Width::k64 ? "movq" : "movd", {reg_operand(dst), reg_operand(src)}};
  }});
  forms.push_back({"movd/movq r,x", [](Encoder& e, const Site&) {
    const Gp dst = any_gp(width_32_64());
    const Xmm src = any_xmm();
    dst.width == Width::k64 ? e.movq(dst, src) : e.movd(dst, src);
    return Expected{dst.width == Width::k64 ? "movq" : "movd", {reg_operand(dst), reg_operand(src)}};
  }});
  forms.push_back({"roundsd x,x", [](Encoder& e, const Site&) {
    const Xmm dst = any_xmm(), src = any_xmm();
    const RoundMode mode = *rc::gen::element(RoundMode::kNearest, RoundMode::kFloor, RoundMode::kCeil,
                                             RoundMode::kTrunc);
    e.roundsd(dst, src, mode);
    return Expected{"roundsd", {reg_operand(dst), reg_operand(src), imm_operand(static_cast<int>(mode), 8)}};
  }});
  forms.push_back({"roundsd x,m", [](Encoder& e, const Site& site) {
    const Xmm dst = any_xmm();
    const Mem src = any_mem(site, Width::kNone);
    const RoundMode mode = *rc::gen::element(RoundMode::kFloor, RoundMode::kCeil, RoundMode::kTrunc);
    e.roundsd(dst, src, mode);
    return Expected{"roundsd", {reg_operand(dst), mem_operand(src, 64), imm_operand(static_cast<int>(mode), 8)}};
  }});
}

void add_stack_forms(std::vector<Form>& forms) {
  forms.push_back({"push", [](Encoder& e, const Site&) {
    const Gp reg = any_gp(Width::k64);
    e.push(reg);
    return Expected{"push", {reg_operand(reg)}};
  }});
  forms.push_back({"push imm", [](Encoder& e, const Site&) {
    const int32_t imm = any_imm(Width::k32);
    e.push(imm);
    return Expected{"push", {imm_operand(imm, 64)}};
  }});
  forms.push_back({"pop", [](Encoder& e, const Site&) {
    const Gp reg = any_gp(Width::k64);
    e.pop(reg);
    return Expected{"pop", {reg_operand(reg)}};
  }});
  forms.push_back({"ret/int3/ud2", [](Encoder& e, const Site&) {
    switch (*rc::gen::inRange(0, 3)) {
      case 0: e.ret(); return Expected{"ret", {}};
      case 1: e.int3(); return Expected{"int3", {}};
      default: e.ud2(); return Expected{"ud2", {}};
    }
  }});
  forms.push_back({"nop", [](Encoder& e, const Site&) {
    e.nop(*rc::gen::inRange(1, 10));
    return Expected{"nop", {}, false};  // multi-byte nops carry a dummy memory operand
  }});
}

std::vector<Form> all_forms() {
  std::vector<Form> forms;
  add_data_movement_forms(forms);
  add_integer_forms(forms);
  add_control_forms(forms);
  add_sse_forms(forms);
  add_stack_forms(forms);
  return forms;
}

// ---- Comparison --------------------------------------------------------------

// Compares one decoded operand with the expected one; empty string if equal.
std::string compare_operand(const ZydisDecodedInstruction& insn, const ZydisDecodedOperand& actual,
                            const ExpectedOperand& expected, uint64_t runtime_address) {
  using Kind = ExpectedOperand::Kind;
  switch (expected.kind) {
    case Kind::kRegister:
      if (actual.type != ZYDIS_OPERAND_TYPE_REGISTER) return "expected a register";
      if (actual.reg.value != expected.reg)
        return std::string("register ") + ZydisRegisterGetString(actual.reg.value) + " != " +
               ZydisRegisterGetString(expected.reg);
      return "";
    case Kind::kMemory: {
      if (actual.type != ZYDIS_OPERAND_TYPE_MEMORY) return "expected memory";
      const Mem& mem = expected.mem;
      if (expected.mem_bits != 0 && actual.size != expected.mem_bits) return "memory size differs";
      if (mem.is_rip()) {
        ZyanU64 address = 0;
        if (actual.mem.base != ZYDIS_REGISTER_RIP) return "expected a rip base";
        if (!ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(&insn, &actual, runtime_address, &address)))
          return "rip address not computable";
        return address == mem.rip_target ? "" : "rip target differs";
      }
      const ZydisRegister base = mem.has_base() ? zydis_register(gp64(mem.base)) : ZYDIS_REGISTER_NONE;
      const ZydisRegister index = mem.has_index() ? zydis_register(gp64(mem.index)) : ZYDIS_REGISTER_NONE;
      if (actual.mem.base != base) return "memory base differs";
      if (actual.mem.index != index) return "memory index differs";
      if (mem.has_index() && actual.mem.scale != mem.scale()) return "memory scale differs";
      if (actual.mem.disp.value != mem.disp) return "displacement differs";
      return "";
    }
    case Kind::kImmediate: {
      if (actual.type != ZYDIS_OPERAND_TYPE_IMMEDIATE) return "expected an immediate";
      const uint64_t mask = expected.imm_bits == 64 ? ~0ull : (1ull << expected.imm_bits) - 1;
      if ((actual.imm.value.u & mask) != (static_cast<uint64_t>(expected.imm) & mask)) return "immediate differs";
      return "";
    }
    case Kind::kTarget: {
      ZyanU64 address = 0;
      if (actual.type != ZYDIS_OPERAND_TYPE_IMMEDIATE || !actual.imm.is_relative) return "expected a relative target";
      if (!ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(&insn, &actual, runtime_address, &address)))
        return "target not computable";
      return address == expected.target ? "" : "branch target differs";
    }
  }
  return "unknown operand kind";
}

// Hex bytes and Zydis's own rendering, for failure messages.
std::string describe(const uint8_t* bytes, size_t length, uint64_t runtime_address) {
  std::string text;
  for (size_t i = 0; i < length; ++i) {
    char hex[4];
    std::snprintf(hex, sizeof(hex), "%02X ", bytes[i]);
    text += hex;
  }
  ZydisDisassembledInstruction disassembled;
  if (ZYAN_SUCCESS(ZydisDisassembleIntel(ZYDIS_MACHINE_MODE_LONG_64, runtime_address, bytes, length,
                                         &disassembled))) {
    text += std::string("= ") + disassembled.text;
  }
  return text;
}

// Emits one random instance of `form` and checks Zydis's reading of it:
// every operand a disassembler prints (explicit ones and implicit-but-shown
// ones such as the cl or 1 of a shift), not the hidden ones.
void check_form(const Form& form, const ZydisDecoder& decoder) {
  uint8_t memory[32];
  std::fill(std::begin(memory), std::end(memory), 0xCC);
  const Direction direction = *rc::gen::element(Direction::kBackward, Direction::kForward);
  const Site site{0x7F0000000000ull + *rc::gen::inRange<uint64_t>(0, 1 << 20), 0};
  CodeBuffer buffer(memory, site.exec_lo, sizeof(memory), direction);
  const Site placed{site.exec_lo, site.exec_lo + sizeof(memory)};
  Encoder encoder(buffer);
  const Expected expected = form.body(encoder, placed);
  RC_ASSERT(!buffer.overflowed());
  const uint64_t begin = buffer.code_begin();
  const size_t length = buffer.code_end() - begin;
  const uint8_t* bytes = buffer.writable(begin);
  // Formatting costs more than decoding: only failures describe the bytes.
  const auto text = [&] { return describe(bytes, length, begin); };
  ZydisDecodedInstruction insn;
  ZydisDecodedOperand operands[ZYDIS_MAX_OPERAND_COUNT];
  if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&decoder, bytes, length, &insn, operands))) {
    RC_FAIL(form.name + ": Zydis cannot decode " + text());
  }
  if (insn.length != length) RC_FAIL(form.name + ": not exactly one instruction: " + text());
  if (expected.mnemonic != ZydisMnemonicGetString(insn.mnemonic)) {
    RC_FAIL(form.name + ": mnemonic " + ZydisMnemonicGetString(insn.mnemonic) + " != " + expected.mnemonic +
            " in " + text());
  }
  if (!expected.check_operands) return;
  std::vector<const ZydisDecodedOperand*> explicit_operands;
  for (int i = 0; i < insn.operand_count; ++i) {
    if (operands[i].visibility != ZYDIS_OPERAND_VISIBILITY_HIDDEN) explicit_operands.push_back(&operands[i]);
  }
  if (explicit_operands.size() != expected.operands.size()) {
    RC_FAIL(form.name + ": operand count " + std::to_string(explicit_operands.size()) + " in " + text());
  }
  for (size_t i = 0; i < explicit_operands.size(); ++i) {
    const std::string problem = compare_operand(insn, *explicit_operands[i], expected.operands[i], begin);
    if (!problem.empty()) RC_FAIL(form.name + ": operand " + std::to_string(i) + ": " + problem + " in " + text());
  }
}

TEST(EncoderProperty, EveryFormDecodesToWhatWasAsked) {
  ZydisDecoder decoder;
  ASSERT_TRUE(ZYAN_SUCCESS(ZydisDecoderInit(&decoder, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64)));
  const std::vector<Form> forms = all_forms();
  std::printf("%zu instruction forms\n", forms.size());
  for (const Form& form : forms) {
    EXPECT_TRUE(rc::check(form.name, [&form, &decoder] { check_form(form, decoder); })) << form.name;
  }
}

}  // namespace
}  // namespace lj::x64
