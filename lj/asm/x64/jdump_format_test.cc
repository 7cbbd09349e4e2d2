// Differential test of the -jdump instruction formatter: every instruction
// form the encoder offers, with random operands (all 16 GPRs and XMMs, each
// width, immediates of each size, every addressing mode including
// rip-relative), encoded at a random high address, listed by our formatter
// and by LuaJIT's own jit.dis_x64 (Debian's luajit, run live), and compared
// line by line. Seed: JDUMP_SEED (else random, printed).
#include "lj/asm/x64/jdump_format.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "lj/asm/x64/encoder.h"
#include "lj/asm/x64/jdump_reference.h"

namespace lj::x64 {
namespace {

// Instructions per luajit run; the issue asks for >= 10,000 per CI run.
constexpr int kInstructions = 40000;

class Random {
 public:
  explicit Random(uint64_t seed) : engine_(seed) {}
  int64_t between(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(engine_);
  }
  bool coin() { return between(0, 1) == 1; }
  template <typename T>
  T pick(std::initializer_list<T> items) {
    return items.begin()[between(0, static_cast<int64_t>(items.size()) - 1)];
  }
  uint64_t bits64() { return engine_(); }
  // What the current instruction's symbol lookup could hit: its branch
  // target, or the unsigned 32-bit value of an immediate or displacement.
  std::vector<uint64_t> lookups;

 private:
  std::mt19937_64 engine_;
};

// ---- Operands ----------------------------------------------------------------

Gp any_gp(Random& r, Width w) { return Gp{static_cast<uint8_t>(r.between(0, 15)), w}; }
Xmm any_xmm(Random& r) { return xmm(static_cast<int>(r.between(0, 15))); }
Width any_width(Random& r) { return r.pick({Width::k8, Width::k16, Width::k32, Width::k64}); }
Width wide_width(Random& r) { return r.pick({Width::k16, Width::k32, Width::k64}); }
Width width_32_64(Random& r) { return r.pick({Width::k32, Width::k64}); }
Cond any_cond(Random& r) { return static_cast<Cond>(r.between(0, kCondCount - 1)); }

// An immediate that fits `w`, drawn so each encoded size (imm8, imm16,
// imm32) and the sign edges come up often.
int32_t draw_imm(Random& r, Width w) {
  const int64_t lo = w == Width::k8 ? -128 : w == Width::k16 ? -32768 : INT32_MIN;
  const int64_t hi = w == Width::k8 ? 255 : w == Width::k16 ? 65535 : INT32_MAX;
  switch (r.between(0, 4)) {
    case 0: return static_cast<int32_t>(r.pick<int64_t>({0, 1, -1, 127, -128, lo, hi, hi / 2}));
    case 1: return static_cast<int32_t>(r.between(-128, 127));
    case 2: return static_cast<int32_t>(r.between(std::max<int64_t>(lo, -70000), std::min<int64_t>(hi, 70000)));
    default: return static_cast<int32_t>(r.between(lo, hi));
  }
}

int32_t draw_disp(Random& r) {
  switch (r.between(0, 3)) {
    case 0: return 0;
    case 1: return static_cast<int32_t>(r.between(-128, 127));
    default: return static_cast<int32_t>(r.between(INT32_MIN, INT32_MAX));
  }
}

int32_t remembered(Random& r, int32_t value) {
  r.lookups.push_back(static_cast<uint32_t>(value));
  return value;
}
int32_t any_imm(Random& r, Width w) { return remembered(r, draw_imm(r, w)); }
int32_t any_disp(Random& r) { return remembered(r, draw_disp(r)); }

// Every addressing mode: [base+disp], [base+index*scale+disp],
// [index*scale+disp32], [disp32] and [rip+rel32] (near `here`).
Mem any_mem(Random& r, uint64_t here, Width size) {
  const Gp index = Gp{static_cast<uint8_t>(r.pick<int>({0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})), Width::k64};
  const int scale = r.pick({1, 2, 4, 8});
  switch (r.between(0, 5)) {
    case 0:
    case 1: return Mem::at(any_gp(r, Width::k64), any_disp(r), size);
    case 2: return Mem::at(any_gp(r, Width::k64), index, scale, any_disp(r), size);
    case 3: return Mem::indexed(index, scale, any_disp(r), size);
    case 4: return Mem::absolute(any_disp(r), size);
    default: return Mem::rip(here + r.between(-(int64_t{1} << 30), int64_t{1} << 30), size);
  }
}

// A branch target: near (rel8 reach) or far (rel32).
uint64_t any_target(Random& r, uint64_t here) {
  const int64_t reach = r.coin() ? 120 : int64_t{1} << 30;
  r.lookups.push_back(here + r.between(-reach, reach));
  return r.lookups.back();
}

// ---- Forms ---------------------------------------------------------------------

using Emit = std::function<void(Encoder&, Random&, uint64_t here)>;
struct Form {
  std::string name;
  Emit emit;
};

void add_movement_forms(std::vector<Form>& f) {
  f.push_back({"mov r,r", [](Encoder& e, Random& r, uint64_t) { const Width w = any_width(r); e.mov(any_gp(r, w), any_gp(r, w)); }});
  f.push_back({"mov r,m", [](Encoder& e, Random& r, uint64_t h) { e.mov(any_gp(r, any_width(r)), any_mem(r, h, Width::kNone)); }});
  f.push_back({"mov m,r", [](Encoder& e, Random& r, uint64_t h) { e.mov(any_mem(r, h, Width::kNone), any_gp(r, any_width(r))); }});
  f.push_back({"mov r,i", [](Encoder& e, Random& r, uint64_t) { const Width w = any_width(r); e.mov(any_gp(r, w), any_imm(r, w)); }});
  f.push_back({"mov m,i", [](Encoder& e, Random& r, uint64_t h) { const Width w = any_width(r); e.mov(any_mem(r, h, w), any_imm(r, w)); }});
  f.push_back({"movabs", [](Encoder& e, Random& r, uint64_t) { e.movabs(any_gp(r, Width::k64), r.bits64()); }});
  f.push_back({"mov_imm64", [](Encoder& e, Random& r, uint64_t) {
    const uint64_t imm = r.pick<uint64_t>({r.bits64(), r.bits64() >> 32, static_cast<uint64_t>(any_imm(r, Width::k32))});
    e.mov_imm64(any_gp(r, Width::k64), imm);
  }});
  for (const bool sign : {false, true}) {
    f.push_back({sign ? "movsx r,r" : "movzx r,r", [sign](Encoder& e, Random& r, uint64_t) {
      const Width src = r.pick({Width::k8, Width::k16});
      const Gp dst = any_gp(r, src == Width::k8 ? wide_width(r) : width_32_64(r));
      sign ? e.movsx(dst, any_gp(r, src)) : e.movzx(dst, any_gp(r, src));
    }});
    f.push_back({sign ? "movsx r,m" : "movzx r,m", [sign](Encoder& e, Random& r, uint64_t h) {
      const Width src = r.pick({Width::k8, Width::k16});
      const Gp dst = any_gp(r, src == Width::k8 ? wide_width(r) : width_32_64(r));
      sign ? e.movsx(dst, any_mem(r, h, src)) : e.movzx(dst, any_mem(r, h, src));
    }});
  }
  f.push_back({"movsxd r,r", [](Encoder& e, Random& r, uint64_t) { e.movsxd(any_gp(r, Width::k64), any_gp(r, Width::k32)); }});
  f.push_back({"movsxd r,m", [](Encoder& e, Random& r, uint64_t h) { e.movsxd(any_gp(r, Width::k64), any_mem(r, h, Width::k32)); }});
  f.push_back({"lea", [](Encoder& e, Random& r, uint64_t h) { e.lea(any_gp(r, width_32_64(r)), any_mem(r, h, Width::kNone)); }});
}

void add_integer_forms(std::vector<Form>& f) {
  for (int op = 0; op < 8; ++op) {
    const AluOp alu = static_cast<AluOp>(op);
    const std::string name = mnemonic(alu);
    f.push_back({name + " r,r", [alu](Encoder& e, Random& r, uint64_t) { const Width w = any_width(r); e.alu(alu, any_gp(r, w), any_gp(r, w)); }});
    f.push_back({name + " r,m", [alu](Encoder& e, Random& r, uint64_t h) { e.alu(alu, any_gp(r, any_width(r)), any_mem(r, h, Width::kNone)); }});
    f.push_back({name + " m,r", [alu](Encoder& e, Random& r, uint64_t h) { e.alu(alu, any_mem(r, h, Width::kNone), any_gp(r, any_width(r))); }});
    f.push_back({name + " r,i", [alu](Encoder& e, Random& r, uint64_t) { const Width w = any_width(r); e.alu(alu, any_gp(r, w), any_imm(r, w)); }});
    f.push_back({name + " m,i", [alu](Encoder& e, Random& r, uint64_t h) { const Width w = any_width(r); e.alu(alu, any_mem(r, h, w), any_imm(r, w)); }});
  }
  f.push_back({"test r,r", [](Encoder& e, Random& r, uint64_t) { const Width w = any_width(r); e.test(any_gp(r, w), any_gp(r, w)); }});
  f.push_back({"test m,r", [](Encoder& e, Random& r, uint64_t h) { e.test(any_mem(r, h, Width::kNone), any_gp(r, any_width(r))); }});
  f.push_back({"test r,i", [](Encoder& e, Random& r, uint64_t) { const Width w = any_width(r); e.test(any_gp(r, w), any_imm(r, w)); }});
  f.push_back({"test m,i", [](Encoder& e, Random& r, uint64_t h) { const Width w = any_width(r); e.test(any_mem(r, h, w), any_imm(r, w)); }});
  for (const UnaryOp op : {UnaryOp::not_, UnaryOp::neg}) {
    f.push_back({std::string(mnemonic(op)) + " r", [op](Encoder& e, Random& r, uint64_t) { e.unary(op, any_gp(r, any_width(r))); }});
    f.push_back({std::string(mnemonic(op)) + " m", [op](Encoder& e, Random& r, uint64_t h) { e.unary(op, any_mem(r, h, any_width(r))); }});
  }
  f.push_back({"imul r,r", [](Encoder& e, Random& r, uint64_t) { const Width w = wide_width(r); e.imul(any_gp(r, w), any_gp(r, w)); }});
  f.push_back({"imul r,m", [](Encoder& e, Random& r, uint64_t h) { e.imul(any_gp(r, wide_width(r)), any_mem(r, h, Width::kNone)); }});
  f.push_back({"imul r,r,i", [](Encoder& e, Random& r, uint64_t) { const Width w = wide_width(r); e.imul(any_gp(r, w), any_gp(r, w), any_imm(r, w)); }});
  f.push_back({"imul r,m,i", [](Encoder& e, Random& r, uint64_t h) { const Width w = wide_width(r); e.imul(any_gp(r, w), any_mem(r, h, Width::kNone), any_imm(r, w)); }});
  for (const ShiftOp op : {ShiftOp::rol, ShiftOp::ror, ShiftOp::shl, ShiftOp::shr, ShiftOp::sar}) {
    const std::string name = mnemonic(op);
    auto count = [](Random& r) { return static_cast<uint8_t>(r.coin() ? 1 : r.between(0, 255)); };
    f.push_back({name + " r,i", [op, count](Encoder& e, Random& r, uint64_t) { e.shift(op, any_gp(r, any_width(r)), count(r)); }});
    f.push_back({name + " m,i", [op, count](Encoder& e, Random& r, uint64_t h) { e.shift(op, any_mem(r, h, any_width(r)), count(r)); }});
    f.push_back({name + " r,cl", [op](Encoder& e, Random& r, uint64_t) { e.shift_cl(op, any_gp(r, any_width(r))); }});
    f.push_back({name + " m,cl", [op](Encoder& e, Random& r, uint64_t h) { e.shift_cl(op, any_mem(r, h, any_width(r))); }});
  }
  f.push_back({"bswap", [](Encoder& e, Random& r, uint64_t) { e.bswap(any_gp(r, width_32_64(r))); }});
}

void add_control_forms(std::vector<Form>& f) {
  f.push_back({"jmp", [](Encoder& e, Random& r, uint64_t h) { e.jmp(any_target(r, h)); }});
  f.push_back({"jcc", [](Encoder& e, Random& r, uint64_t h) { e.jcc(any_cond(r), any_target(r, h)); }});
  f.push_back({"jmp rel32", [](Encoder& e, Random& r, uint64_t h) { e.jmp_rel32(any_target(r, h)); }});
  f.push_back({"jcc rel32", [](Encoder& e, Random& r, uint64_t h) { e.jcc_rel32(any_cond(r), any_target(r, h)); }});
  f.push_back({"jmp unbound", [](Encoder& e, Random& r, uint64_t h) {
    e.buffer().patch_rel32(e.jmp_unbound(), any_target(r, h));
  }});
  f.push_back({"jcc unbound", [](Encoder& e, Random& r, uint64_t h) {
    e.buffer().patch_rel32(e.jcc_unbound(any_cond(r)), any_target(r, h));
  }});
  f.push_back({"call", [](Encoder& e, Random& r, uint64_t h) { e.call(any_target(r, h)); }});
  f.push_back({"jmp r", [](Encoder& e, Random& r, uint64_t) { e.jmp(any_gp(r, Width::k64)); }});
  f.push_back({"jmp m", [](Encoder& e, Random& r, uint64_t h) { e.jmp(any_mem(r, h, Width::kNone)); }});
  f.push_back({"call r", [](Encoder& e, Random& r, uint64_t) { e.call(any_gp(r, Width::k64)); }});
  f.push_back({"call m", [](Encoder& e, Random& r, uint64_t h) { e.call(any_mem(r, h, Width::kNone)); }});
  f.push_back({"setcc r", [](Encoder& e, Random& r, uint64_t) { e.setcc(any_cond(r), any_gp(r, Width::k8)); }});
  f.push_back({"setcc m", [](Encoder& e, Random& r, uint64_t h) { e.setcc(any_cond(r), any_mem(r, h, Width::kNone)); }});
  f.push_back({"cmov r,r", [](Encoder& e, Random& r, uint64_t) { const Width w = wide_width(r); e.cmov(any_cond(r), any_gp(r, w), any_gp(r, w)); }});
  f.push_back({"cmov r,m", [](Encoder& e, Random& r, uint64_t h) { e.cmov(any_cond(r), any_gp(r, wide_width(r)), any_mem(r, h, Width::kNone)); }});
}

void add_sse_forms(std::vector<Form>& f) {
  for (int op = 0; op <= static_cast<int>(SseOp::movaps); ++op) {
    const SseOp sse = static_cast<SseOp>(op);
    const std::string name = mnemonic(sse);
    f.push_back({name + " x,x", [sse](Encoder& e, Random& r, uint64_t) { e.sse(sse, any_xmm(r), any_xmm(r)); }});
    f.push_back({name + " x,m", [sse](Encoder& e, Random& r, uint64_t h) { e.sse(sse, any_xmm(r), any_mem(r, h, Width::kNone)); }});
  }
  f.push_back({"movsd m,x", [](Encoder& e, Random& r, uint64_t h) { e.movsd(any_mem(r, h, Width::kNone), any_xmm(r)); }});
  f.push_back({"cvtsi2sd x,r", [](Encoder& e, Random& r, uint64_t) { e.cvtsi2sd(any_xmm(r), any_gp(r, width_32_64(r))); }});
  f.push_back({"cvtsi2sd x,m", [](Encoder& e, Random& r, uint64_t h) { e.cvtsi2sd(any_xmm(r), any_mem(r, h, width_32_64(r))); }});
  f.push_back({"cvttsd2si r,x", [](Encoder& e, Random& r, uint64_t) { e.cvttsd2si(any_gp(r, width_32_64(r)), any_xmm(r)); }});
  f.push_back({"cvttsd2si r,m", [](Encoder& e, Random& r, uint64_t h) { e.cvttsd2si(any_gp(r, width_32_64(r)), any_mem(r, h, Width::kNone)); }});
  f.push_back({"cvtsd2si r,x", [](Encoder& e, Random& r, uint64_t) { e.cvtsd2si(any_gp(r, width_32_64(r)), any_xmm(r)); }});
  f.push_back({"cvtsd2si r,m", [](Encoder& e, Random& r, uint64_t h) { e.cvtsd2si(any_gp(r, width_32_64(r)), any_mem(r, h, Width::kNone)); }});
  f.push_back({"movd x,r", [](Encoder& e, Random& r, uint64_t) { e.movd(any_xmm(r), any_gp(r, Width::k32)); }});
  f.push_back({"movd r,x", [](Encoder& e, Random& r, uint64_t) { e.movd(any_gp(r, Width::k32), any_xmm(r)); }});
  f.push_back({"movq x,r", [](Encoder& e, Random& r, uint64_t) { e.movq(any_xmm(r), any_gp(r, Width::k64)); }});
  f.push_back({"movq r,x", [](Encoder& e, Random& r, uint64_t) { e.movq(any_gp(r, Width::k64), any_xmm(r)); }});
  auto mode = [](Random& r) { return r.pick({RoundMode::kNearest, RoundMode::kFloor, RoundMode::kCeil, RoundMode::kTrunc}); };
  f.push_back({"roundsd x,x", [mode](Encoder& e, Random& r, uint64_t) { e.roundsd(any_xmm(r), any_xmm(r), mode(r)); }});
  f.push_back({"roundsd x,m", [mode](Encoder& e, Random& r, uint64_t h) { e.roundsd(any_xmm(r), any_mem(r, h, Width::kNone), mode(r)); }});
}

void add_stack_forms(std::vector<Form>& f) {
  f.push_back({"push r", [](Encoder& e, Random& r, uint64_t) { e.push(any_gp(r, Width::k64)); }});
  f.push_back({"push i", [](Encoder& e, Random& r, uint64_t) { e.push(any_imm(r, Width::k32)); }});
  f.push_back({"pop r", [](Encoder& e, Random& r, uint64_t) { e.pop(any_gp(r, Width::k64)); }});
  f.push_back({"ret", [](Encoder& e, Random&, uint64_t) { e.ret(); }});
  f.push_back({"int3", [](Encoder& e, Random&, uint64_t) { e.int3(); }});
  f.push_back({"ud2", [](Encoder& e, Random&, uint64_t) { e.ud2(); }});
  f.push_back({"nop", [](Encoder& e, Random& r, uint64_t) { e.nop(static_cast<int>(r.between(1, 9))); }});
}

std::vector<Form> all_forms() {
  std::vector<Form> forms;
  for (auto add : {add_movement_forms, add_integer_forms, add_control_forms, add_sse_forms,
                   add_stack_forms}) {
    add(forms);
  }
  return forms;
}

// ---- The comparison ----------------------------------------------------------------

struct Emitted {
  const Form* form;
  uint64_t address;
  std::vector<uint8_t> bytes;
};

// JDUMP_SEED if set, else a fresh seed; printed so a failure can be rerun.
uint64_t seed_from_environment() {
  const char* text = std::getenv("JDUMP_SEED");
  const uint64_t seed = text != nullptr ? std::strtoull(text, nullptr, 0) : std::random_device{}();
  std::printf("JDUMP_SEED=%llu\n", static_cast<unsigned long long>(seed));
  return seed;
}

std::string hex_bytes(const std::vector<uint8_t>& bytes) {
  std::string text;
  for (uint8_t b : bytes) absl::StrAppendFormat(&text, "%02x", b);
  return text;
}

// LuaJIT's one bug on our forms: its opcode table names 0F 0B (ud2) "ud1"
// (and 0F B9, the real ud1, "ud2"). We print "ud2"; only that line may differ.
std::string excuse_known_luajit_bugs(const Emitted& insn, std::string line) {
  if (insn.bytes == std::vector<uint8_t>{0x0F, 0x0B}) {
    const size_t at = line.rfind("ud1");
    if (at != std::string::npos && at + 3 == line.size()) line.replace(at, 3, "ud2");
  }
  return line;
}

TEST(JdumpFormat, EveryEncoderFormPrintsAsLuajitDoes) {
  if (!luajit_disassembler_available()) GTEST_SKIP() << "luajit with jit.dis_x64 not installed";
  Random random(seed_from_environment());
  const std::vector<Form> forms = all_forms();
  // A high address like a real mcode area's (LuaJIT prints 12 hex digits there).
  const uint64_t base = 0x550000000000 + (random.bits64() & 0x0FFFFFFFFFF0);
  std::vector<uint8_t> memory(kInstructions * kMaxInstructionBytes);
  CodeBuffer buffer(memory.data(), base, memory.size(), Direction::kForward);
  Encoder encoder(buffer);
  std::vector<Emitted> emitted;
  // Half the instructions get a name for one of their targets or 32-bit
  // values, which both sides print as "\t->name" where they look it up.
  std::map<uint64_t, std::string> symbols;
  for (int i = 0; i < kInstructions; ++i) {
    const Form& form = forms[i % forms.size()];
    const uint64_t start = buffer.position();
    random.lookups.clear();
    form.emit(encoder, random, start);
    if (!random.lookups.empty() && random.coin()) {
      const int64_t last = static_cast<int64_t>(random.lookups.size()) - 1;
      symbols[random.lookups[random.between(0, last)]] = absl::StrCat("S", i);
    }
    ASSERT_FALSE(buffer.overflowed());
    emitted.push_back({&form, start, {memory.begin() + (start - base), memory.begin() + (buffer.position() - base)}});
  }
  ReferenceRequest request{{memory.begin(), memory.begin() + (buffer.position() - base)}, base, 0, symbols};
  const std::optional<std::string> reference = luajit_listing(request);
  ASSERT_TRUE(reference.has_value()) << "luajit failed";
  const std::vector<std::string> expected = absl::StrSplit(*reference, '\n', absl::SkipEmpty());
  ASSERT_EQ(expected.size(), emitted.size()) << "luajit split the code differently";

  const JdumpFormatter formatter;
  int failures = 0, marked = 0;
  for (size_t i = 0; i < emitted.size() && failures < 20; ++i) {
    const Emitted& insn = emitted[i];
    const JdumpLine line = formatter.format(insn.bytes.data(), insn.bytes.size(), insn.address);
    EXPECT_EQ(line.length, insn.bytes.size()) << insn.form->name << " " << hex_bytes(insn.bytes);
    std::string name;
    if (line.symbol_key) {
      if (auto it = symbols.find(*line.symbol_key); it != symbols.end()) name = it->second;
    }
    std::string ours = jdump_listing_line(insn.address, line.text, name);
    ours.pop_back();  // the newline the split removed from luajit's lines
    marked += !name.empty();
    const std::string theirs = excuse_known_luajit_bugs(insn, expected[i]);
    if (ours != theirs) {
      ++failures;
      ADD_FAILURE() << insn.form->name << " " << hex_bytes(insn.bytes) << "\n  ours:   " << ours
                    << "\n  luajit: " << theirs;
    }
  }
  std::printf("%zu instructions of %zu forms compared with luajit, %d with a ->name mark\n",
              emitted.size(), forms.size(), marked);
  EXPECT_GT(marked, 100) << "the symbol lookup went untested";
}

// Bytes the encoder never emits still give a line and move on: undecodable
// bytes one at a time as "(unknown)", what this formatter does not model in
// Zydis's syntax, never past the bytes it was given.
TEST(JdumpFormat, AnyBytesGiveALineAndProgress) {
  const JdumpFormatter formatter;
  const uint8_t invalid[] = {0x06};  // push es: not in 64-bit mode
  EXPECT_EQ(formatter.format(invalid, 1, 0x1000).text, "(unknown)");
  const uint8_t locked[] = {0xF0, 0x01, 0x00};  // lock add [rax], eax
  const JdumpLine lock = formatter.format(locked, sizeof locked, 0x1000);
  EXPECT_EQ(lock.length, 3u);
  EXPECT_NE(lock.text.find("lock"), std::string::npos) << lock.text;
  Random random(seed_from_environment());
  for (int i = 0; i < 20000; ++i) {
    uint8_t bytes[kMaxInstructionBytes];
    for (uint8_t& b : bytes) b = static_cast<uint8_t>(random.bits64());
    const size_t size = static_cast<size_t>(random.between(1, kMaxInstructionBytes));
    const JdumpLine line = formatter.format(bytes, size, random.bits64() >> 16);
    ASSERT_GE(line.length, 1u);
    ASSERT_LE(line.length, size);
    ASSERT_FALSE(line.text.empty());
  }
}

}  // namespace
}  // namespace lj::x64
