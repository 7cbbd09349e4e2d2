// Executes what the encoder wrote. Zydis (encoder_property_test) shows the
// bytes say what was asked; this test shows that what was asked computes
// what the backend expects: random operations on random registers (including
// rbp/r12/r13 as memory bases), random values, run from the mcode space and
// compared with a C++ model of the instruction. It pins down the semantics
// the lowering will rely on: 32-bit writes zero-extend, 8/16-bit writes keep
// the upper bits, imm8/imm32 sign-extend, mov_imm64 loads the exact value,
// condition codes mean what their names say, SSE scalar ops match C++.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <bit>
#include <cmath>
#include <functional>
#include <vector>

#include "lj/asm/mcode.h"
#include "lj/asm/x64/cpu.h"
#include "lj/asm/x64/encoder.h"

namespace lj::x64 {
namespace {

// The test function's memory: two inputs and the result register's value.
struct Frame {
  uint64_t a = 0;
  uint64_t b = 0;
  uint64_t out = 0;
};
using TestFunction = void (*)(Frame*);

using Step = std::function<void(Encoder&)>;

// Registers the operation may use: all but rsp.
Gp any_register(std::vector<int>& taken) {
  const int id = *rc::gen::suchThat(rc::gen::inRange(0, 16), [&](int candidate) {
    if (candidate == kRsp) return false;
    for (int used : taken) {
      if (used == candidate) return false;
    }
    return true;
  });
  taken.push_back(id);
  return gp64(id);
}

// Runs `operation` on dst = a, src = b, returns the whole 64-bit dst after it.
// The prologue saves the callee-saved registers so any register can be used.
class Harness {
 public:
  Harness() : space_(mcode::Options{}) {}

  uint64_t run(Gp dst, Gp src, Gp frame, uint64_t a, uint64_t b, const Step& operation) {
    std::vector<Step> steps;
    const Gp saved[] = {rbx, rbp, r12, r13, r14, r15};
    for (Gp reg : saved) steps.push_back([reg](Encoder& e) { e.push(reg); });
    steps.push_back([frame](Encoder& e) { e.mov(frame, rdi); });
    steps.push_back([src, frame](Encoder& e) { e.mov(src, Mem::at(frame, 8)); });
    steps.push_back([dst, frame](Encoder& e) { e.mov(dst, Mem::at(frame, 0)); });
    steps.push_back(operation);
    steps.push_back([dst, frame](Encoder& e) { e.mov(Mem::at(frame, 16), dst); });
    for (int i = 5; i >= 0; --i) steps.push_back([reg = saved[i]](Encoder& e) { e.pop(reg); });
    steps.push_back([](Encoder& e) { e.ret(); });
    const uint64_t entry = install(steps);
    Frame data{a, b, 0};
    reinterpret_cast<TestFunction>(entry)(&data);
    return data.out;
  }

 private:
  // Backwards, as the assembler will: the last step first.
  uint64_t install(const std::vector<Step>& steps) {
    mcode::Window window;
    RC_ASSERT(space_.reserve(&window) == mcode::Status::kOk);
    if (window.size() < 512) {
      space_.abort();
      space_.flush();
      RC_ASSERT(space_.reserve(&window) == mcode::Status::kOk);
    }
    CodeBuffer buffer(window.write_lo, window.exec_lo, window.size(), Direction::kBackward);
    Encoder encoder(buffer);
    for (auto step = steps.rbegin(); step != steps.rend(); ++step) (*step)(encoder);
    RC_ASSERT(!buffer.overflowed());
    space_.commit(buffer.code_begin());
    return buffer.code_begin();
  }

  mcode::McodeSpace space_;
};

Harness& harness() {
  static Harness instance;
  return instance;
}

// The register's value after writing `value` at `width`: 32-bit writes
// zero-extend, 8- and 16-bit writes keep the other bits.
uint64_t merge(uint64_t old, uint64_t value, Width width) {
  switch (width) {
    case Width::k8: return (old & ~0xFFull) | (value & 0xFF);
    case Width::k16: return (old & ~0xFFFFull) | (value & 0xFFFF);
    case Width::k32: return value & 0xFFFFFFFFull;
    default: return value;
  }
}

// Sign-extends the low `width` bytes.
int64_t signed_at(uint64_t value, Width width) {
  switch (width) {
    case Width::k8: return static_cast<int8_t>(value);
    case Width::k16: return static_cast<int16_t>(value);
    case Width::k32: return static_cast<int32_t>(value);
    default: return static_cast<int64_t>(value);
  }
}

uint64_t alu_model(AluOp op, uint64_t a, uint64_t b) {
  switch (op) {
    case AluOp::add: return a + b;
    case AluOp::or_: return a | b;
    case AluOp::and_: return a & b;
    case AluOp::sub: return a - b;
    case AluOp::xor_: return a ^ b;
    default: return a;  // cmp writes nothing
  }
}

uint64_t any_value() {
  return *rc::gen::oneOf(rc::gen::arbitrary<uint64_t>(), rc::gen::cast<uint64_t>(rc::gen::inRange<int64_t>(-300, 300)),
                         rc::gen::element<uint64_t>(0x80000000ull, 0x7FFFFFFFull, 1ull << 63, ~0ull));
}

Width any_width() { return *rc::gen::element(Width::k8, Width::k16, Width::k32, Width::k64); }

TEST(EncoderExecution, IntegerAluMatchesTheModel) {
  EXPECT_TRUE(rc::check("alu r,r / r,m / r,imm", [] {
    std::vector<int> taken;
    const Gp dst = any_register(taken), src = any_register(taken), frame = any_register(taken);
    const AluOp op = *rc::gen::element(AluOp::add, AluOp::or_, AluOp::and_, AluOp::sub, AluOp::xor_, AluOp::cmp);
    const Width w = any_width();
    const uint64_t a = any_value(), b = any_value();
    const int form = *rc::gen::inRange(0, 3);
    const int32_t imm = *rc::gen::oneOf(rc::gen::inRange<int32_t>(-128, 128), rc::gen::arbitrary<int32_t>());
    const int32_t fitting_imm = w == Width::k8 ? static_cast<int8_t>(imm) : w == Width::k16 ? static_cast<int16_t>(imm) : imm;
    const uint64_t actual = harness().run(dst, src, frame, a, b, [&](Encoder& e) {
      if (form == 0) e.alu(op, dst.with_width(w), src.with_width(w));
      if (form == 1) e.alu(op, dst.with_width(w), Mem::at(frame, 8));
      if (form == 2) e.alu(op, dst.with_width(w), fitting_imm);
    });
    const uint64_t operand = form == 2 ? static_cast<uint64_t>(static_cast<int64_t>(fitting_imm)) : b;
    const uint64_t expected = op == AluOp::cmp ? a : merge(a, alu_model(op, a, operand), w);
    RC_ASSERT(actual == expected);
  }));
}

TEST(EncoderExecution, MovesAndExtensionsMatchTheModel) {
  EXPECT_TRUE(rc::check("mov/movzx/movsx/movsxd/mov_imm64/lea", [] {
    std::vector<int> taken;
    const Gp dst = any_register(taken), src = any_register(taken), frame = any_register(taken);
    const uint64_t a = any_value(), b = any_value();
    const int form = *rc::gen::inRange(0, 7);
    const Width w = any_width();
    const Width narrow = *rc::gen::element(Width::k8, Width::k16);
    const Width wide = *rc::gen::element(Width::k32, Width::k64);
    const uint64_t imm64 = any_value();
    const int32_t imm32 = *rc::gen::arbitrary<int32_t>();
    const int scale = *rc::gen::element(1, 2, 4, 8);
    const int32_t disp = *rc::gen::oneOf(rc::gen::just<int32_t>(0), rc::gen::inRange<int32_t>(-128, 128),
                                         rc::gen::arbitrary<int32_t>());
    const uint64_t actual = harness().run(dst, src, frame, a, b, [&](Encoder& e) {
      switch (form) {
        case 0: e.mov(dst.with_width(w), src.with_width(w)); break;
        case 1: e.movzx(dst.with_width(wide), src.with_width(narrow)); break;
        case 2: e.movsx(dst.with_width(wide), Mem::at(frame, 8, narrow)); break;
        case 3: e.movsxd(dst, src.r32()); break;
        case 4: e.mov_imm64(dst, imm64); break;
        case 5: e.mov(dst, imm32); break;
        default: e.lea(dst.with_width(wide), Mem::at(dst, src, scale, disp)); break;
      }
    });
    const uint64_t narrow_mask = narrow == Width::k8 ? 0xFF : 0xFFFF;
    uint64_t expected = 0;
    switch (form) {
      case 0: expected = merge(a, b, w); break;
      case 1: expected = merge(a, b & narrow_mask, wide); break;
      case 2: expected = merge(a, static_cast<uint64_t>(signed_at(b, narrow)), wide); break;
      case 3: expected = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(b))); break;
      case 4: expected = imm64; break;
      case 5: expected = static_cast<uint64_t>(static_cast<int64_t>(imm32)); break;
      default: expected = merge(a, a + b * scale + static_cast<uint64_t>(static_cast<int64_t>(disp)), wide); break;
    }
    RC_ASSERT(actual == expected);
  }));
}

TEST(EncoderExecution, UnaryShiftMultiplyMatchTheModel) {
  EXPECT_TRUE(rc::check("neg/not/shifts/imul/bswap", [] {
    std::vector<int> taken;
    const Gp dst = any_register(taken), src = any_register(taken), frame = any_register(taken);
    const uint64_t a = any_value(), b = any_value();
    const Width w = *rc::gen::element(Width::k32, Width::k64);
    const int bits = bits_of(w);
    const uint64_t mask = w == Width::k64 ? ~0ull : 0xFFFFFFFFull;
    const int form = *rc::gen::inRange(0, 10);
    const uint8_t count = *rc::gen::oneOf(rc::gen::just<uint8_t>(1), rc::gen::inRange<uint8_t>(0, 64));
    const int32_t imm = *rc::gen::oneOf(rc::gen::inRange<int32_t>(-128, 128), rc::gen::arbitrary<int32_t>());
    const Gp d = dst.with_width(w);
    const uint64_t actual = harness().run(dst, src, frame, a, b, [&](Encoder& e) {
      switch (form) {
        case 0: e.neg(d); break;
        case 1: e.not_(d); break;
        case 2: e.shl(d, count); break;
        case 3: e.shr(d, count); break;
        case 4: e.sar(d, count); break;
        case 5: e.rol(d, count); break;
        case 6: e.ror(d, count); break;
        case 7: e.imul(d, src.with_width(w)); break;
        case 8: e.imul(d, Mem::at(frame, 8), imm); break;
        default: e.bswap(d); break;
      }
    });
    const uint64_t x = a & mask;
    const unsigned n = count & (bits - 1);
    uint64_t result = 0;
    switch (form) {
      case 0: result = 0 - x; break;
      case 1: result = ~x; break;
      case 2: result = x << n; break;
      case 3: result = x >> n; break;
      case 4: result = static_cast<uint64_t>(signed_at(x, w) >> n); break;
      case 5: result = n == 0 ? x : (x << n) | (x >> (bits - n)); break;
      case 6: result = n == 0 ? x : (x >> n) | (x << (bits - n)); break;
      case 7: result = a * b; break;
      case 8: result = b * static_cast<uint64_t>(static_cast<int64_t>(imm)); break;
      default: result = w == Width::k64 ? __builtin_bswap64(a) : __builtin_bswap32(static_cast<uint32_t>(a)); break;
    }
    RC_ASSERT(actual == merge(a, result & mask, w));
  }));
}

// What each condition means after `cmp a, b` at 64 bits.
bool condition_holds(Cond cond, uint64_t a, uint64_t b) {
  const int64_t sa = static_cast<int64_t>(a), sb = static_cast<int64_t>(b);
  const uint64_t difference = a - b;
  const bool overflow = ((sa ^ sb) < 0) && ((sa ^ static_cast<int64_t>(difference)) < 0);
  const bool sign = static_cast<int64_t>(difference) < 0;
  const bool parity = (std::popcount(static_cast<unsigned>(difference & 0xFF)) % 2) == 0;
  switch (cond) {
    case Cond::kO: return overflow;
    case Cond::kNO: return !overflow;
    case Cond::kB: return a < b;
    case Cond::kAE: return a >= b;
    case Cond::kE: return a == b;
    case Cond::kNE: return a != b;
    case Cond::kBE: return a <= b;
    case Cond::kA: return a > b;
    case Cond::kS: return sign;
    case Cond::kNS: return !sign;
    case Cond::kP: return parity;
    case Cond::kNP: return !parity;
    case Cond::kL: return sa < sb;
    case Cond::kGE: return sa >= sb;
    case Cond::kLE: return sa <= sb;
    case Cond::kG: return sa > sb;
  }
  return false;
}

TEST(EncoderExecution, ConditionCodesMeanWhatTheySay) {
  EXPECT_TRUE(rc::check("cmp + setcc / cmov / jcc", [] {
    std::vector<int> taken;
    const Gp dst = any_register(taken), src = any_register(taken), frame = any_register(taken);
    const uint64_t a = any_value();
    const uint64_t b = *rc::gen::oneOf(rc::gen::just(a), rc::gen::arbitrary<uint64_t>());
    const Cond cond = static_cast<Cond>(*rc::gen::inRange(0, kCondCount));
    const int form = *rc::gen::inRange(0, 3);
    const uint64_t actual = harness().run(dst, src, frame, a, b, [&](Encoder& e) {
      // Emitted backwards: the cmp runs first.
      if (form == 0) e.setcc(cond, dst.r8());
      if (form == 1) e.cmov(cond, dst, src);
      if (form == 2) {
        // Runs as: jcc one; mov dst, 0; jmp end; one: mov dst, 1; end:
        const uint64_t end = e.buffer().position();
        e.mov(dst.r32(), 1);
        const uint64_t one = e.buffer().position();
        e.jmp(end);
        e.mov(dst.r32(), 0);
        e.jcc(cond, one);
      }
      e.cmp(dst, src);
    });
    const bool holds = condition_holds(cond, a, b);
    if (form == 0) RC_ASSERT(actual == merge(a, holds ? 1 : 0, Width::k8));
    if (form == 1) RC_ASSERT(actual == (holds ? b : a));
    if (form == 2) RC_ASSERT(actual == (holds ? 1u : 0u));
  }));
}

double any_double() {
  return *rc::gen::oneOf(rc::gen::arbitrary<double>(), rc::gen::map(rc::gen::inRange(-1000000, 1000000), [](int v) {
                           return v / 8.0;
                         }),
                         rc::gen::element(0.0, -0.0, 0.5, -0.5, 1.5, -2.5, 1e300, -1e-300, INFINITY, -INFINITY, NAN));
}

TEST(EncoderExecution, ScalarDoubleMatchesCpp) {
  const bool has_roundsd = cpu_features().sse4_1;
  EXPECT_TRUE(rc::check("sse scalar double", [has_roundsd] {
    std::vector<int> taken;
    const Gp dst = any_register(taken), src = any_register(taken), frame = any_register(taken);
    const double x = any_double(), y = any_double();
    const Xmm left = xmm(*rc::gen::inRange(0, 16));
    const Xmm right = xmm(*rc::gen::suchThat(rc::gen::inRange(0, 16), [&](int id) { return id != left.id; }));
    const int form = *rc::gen::inRange(0, has_roundsd ? 12 : 9);
    const uint64_t actual = harness().run(dst, src, frame, std::bit_cast<uint64_t>(x), std::bit_cast<uint64_t>(y),
                                          [&](Encoder& e) {
      // Backwards: load both, operate, move the result bits back to dst.
      if (form == 8) {
        e.cvttsd2si(dst, left);
      } else {
        e.movq(dst, left);
      }
      switch (form) {
        case 0: e.addsd(left, right); break;
        case 1: e.subsd(left, Mem::at(frame, 8)); break;
        case 2: e.mulsd(left, right); break;
        case 3: e.divsd(left, Mem::at(frame, 8)); break;
        case 4: e.minsd(left, right); break;
        case 5: e.maxsd(left, right); break;
        case 6: e.sqrtsd(left, left); break;
        case 7: e.movsd(left, right); break;
        case 8: break;
        case 9: e.roundsd(left, left, RoundMode::kFloor); break;
        case 10: e.roundsd(left, left, RoundMode::kCeil); break;
        default: e.roundsd(left, Mem::at(frame, 0), RoundMode::kTrunc); break;
      }
      e.movq(right, src);
      e.movq(left, dst);
    });
    double expected = 0;
    switch (form) {
      case 0: expected = x + y; break;
      case 1: expected = x - y; break;
      case 2: expected = x * y; break;
      case 3: expected = x / y; break;
      case 4: expected = x < y ? x : y; break;  // minsd: the second operand unless x < y
      case 5: expected = x > y ? x : y; break;
      case 6: expected = std::sqrt(x); break;
      case 7: expected = y; break;
      case 8: {
        // cvttsd2si: truncation, or the "integer indefinite" 1<<63 when out of range.
        const bool in_range = x >= -9223372036854775808.0 && x < 9223372036854775808.0;
        const uint64_t truncated = in_range ? static_cast<uint64_t>(static_cast<int64_t>(x)) : 1ull << 63;
        RC_ASSERT(actual == truncated);
        return;
      }
      case 9: expected = std::floor(x); break;
      case 10: expected = std::ceil(x); break;
      default: expected = std::trunc(x); break;
    }
    const double got = std::bit_cast<double>(actual);
    if (std::isnan(expected)) {
      RC_ASSERT(std::isnan(got));
    } else {
      RC_ASSERT(actual == std::bit_cast<uint64_t>(expected));
    }
  }));
}

}  // namespace
}  // namespace lj::x64
