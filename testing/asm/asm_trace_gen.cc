#include "testing/asm/asm_trace_gen.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

#include "lj/ir/builder.h"
#include "lj/opt/opt.h"
#include "testing/ir/arith_steps.h"
#include "testing/ir/test_binding.h"

namespace lj::testing {

using ir::IrType;
using ir::Op;
using ir::Ref;
using ir::SnapEntry;
using ir::Type;

namespace {

const double kNums[] = {0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 3.25, -2.5, 1e300, 1e-300,
                        INFINITY, -INFINITY, NAN, 0.125, 100.0, -0.75, 2147483648.0, -3.0};
// The arithmetic steps' op subset: what the assembler lowers inline (POW
// goes through math steps).
constexpr Op kIntOps[] = {Op::ADD, Op::SUB, Op::MUL, Op::BAND, Op::BOR, Op::BXOR,
                          Op::BSHL, Op::BSHR, Op::BSAR, Op::BNOT, Op::NEG};
// Integer ops added with math steps (kept apart so older recipes build the
// same traces as before).
constexpr Op kMoreIntOps[] = {Op::BROL, Op::BROR, Op::BSWAP, Op::MIN, Op::MAX};
constexpr Op kNumOps[] = {Op::ADD, Op::SUB, Op::MUL, Op::DIV, Op::MIN, Op::MAX, Op::NEG, Op::ABS};

// The arithmetic kinds (testing/ir/arith_steps.h) come first.
enum Kind : uint8_t {
  kSnapshot = kArithKindCount, kCall, kMemory, kMoreMemory, kMath, kString, kKindCount
};

// String steps (AsmStep::op picks one).
enum StringKind : uint8_t {
  kTostrInt, kTostrNum, kTostrChar, kStrto, kSubstring, kConcat, kStringCompare, kStringKindCount
};
// The strings in slots 46 and 47 (what STRTO reads, what SNEW cuts).
constexpr const char* kStrings[] = {"12", " 0x10 ", "abc", "-3.5", "", "1e5", "inf", "7x", "0b101", "hello"};

// Math steps (AsmStep::op picks one): what the assembler calls C++ for, and TOBIT.
enum MathKind : uint8_t {
  kTobit, kIntMod, kNumMod, kPow, kLdexp, kLog, kLog2, kMoreIntArith, kMoreIntArith2,
  kIndirectCall, kIntDiv, kIntPow, kFloatCall, kDirtyInt, kTruncation, kMathKindCount
};
constexpr double kLdexpExponents[] = {0.0, 1.0, -3.0, 10.0, 1100.0, -1100.0};
// Where unchecked truncations to int and u32 differ: around ±2^31, 2^32
// and 2^63, and fractions (the kNums operands they multiply add 0, ±inf,
// NaN, halves and signs). Some give a u32 of 0..3 (a valid index) from a
// 64-bit truncation with its upper half set: 2^32, -2^32+1, 2^64, ...
const double kTruncationEdges[] = {0x1p31, 0x1p31 - 1, 0x1p32 - 1, 0x1p32, 0x1p32 + 5.5, -0x1p31,
                                   -0x1p31 - 1, -0x1p32 + 1, 0x1p63, -0x1p63, 0x1p63 - 1024, 0x1p64,
                                   -0.5, 0.75, 3.5, -7.25, 1e10, 2.0, -0x1p32 + 3, 0x1p33 + 2, -0x1p62};

static_assert(kMemory == kMemoryStepKind);
static_assert(kMath == kMathStepKind);
static_assert(kString == kStringStepKind);

// Memory steps (AsmStep::op picks one).
enum MemoryKind : uint8_t {
  kArrayLoad, kArrayStore, kHashLoad, kHashStore, kHrefLoad, kNewref, kFieldLoad,
  kFieldStore, kUpvalueLoad, kUpvalueStore, kTableLoad, kAllocate, kIdentity, kMemoryKindCount
};

// String keys: a b c exist in every table (nodes 0..2), d never, e f are
// inserted by NEWREF. Ids are fixed payloads (no object behind a string).
ir::Value string_key(int k) { return ir::Value::object(IrType::STR, 0x51000 + 16 * static_cast<uint64_t>(k)); }
constexpr double kPresentNumberKey = 2.5;
constexpr double kNewNumberKeys[] = {3.5, 4.5};

// ---- Helpers called from generated traces (pure, so CSE/LOOP may move them)

int32_t mix_helper(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) * 31u + static_cast<uint32_t>(b));
}
double fma_helper(double a, double b, double c) { return a * b + c; }
double eight_helper(int32_t a, double b, int32_t c, double d, int32_t e, double f, int32_t g,
                    double h) {
  return a + b * 0.5 - c + d * 0.25 + 3.0 * e - f + g - 2.0 * h;
}

// Eight integers and ten numbers: two of each go on the stack (SysV).
double many_helper(int32_t a, int32_t b, int32_t c, int32_t d, int32_t e, int32_t f, int32_t g,
                   int32_t h, double p, double q, double r, double s, double t, double u,
                   double v, double w, double x, double y) {
  return a - 2.0 * b + 3.0 * c - d + e * 0.5 - f + g * 0.25 - 4.0 * h + p - q * 0.5 + r * 2.0 -
         s + t * 0.125 - u + v * 3.0 - w + x * 0.75 - y * 8.0;
}

enum Helper : uint8_t { kMix, kFma, kEight, kMany, kHelperCount };

}  // namespace

// dirty(int x) -> int: x, returned the way SysV allows an int32 result:
// in eax, with garbage in the upper half of rax (C++ compilers happen to
// zero it, so this one is written in assembly). Machine code that used the
// result with all 64 bits — an array index, a string offset — goes astray.
extern "C" int32_t lj_testing_dirty_int(int32_t x);
asm(R"(
  .pushsection .text
  .p2align 4
  .globl lj_testing_dirty_int
  .hidden lj_testing_dirty_int
  .type lj_testing_dirty_int, @function
lj_testing_dirty_int:
  movabsq $0x5a5a5a5a00000000, %rax
  movl %edi, %ecx
  orq %rcx, %rax
  ret
  .size lj_testing_dirty_int, .-lj_testing_dirty_int
  .popsection
)");

namespace {

// FLOAT arguments and result (FFI-style), mixed with a double in between:
// the SysV registers xmm0..2 carry single, double, single.
float float_helper(float a, double b, float c) { return a - static_cast<float>(b) * c; }
ir::Value float_value(float f) { return ir::Value{IrType::FLOAT, std::bit_cast<uint64_t>(static_cast<double>(f))}; }

// The helpers appended to the test binding's call table.
struct AsmBinding {
  TestBinding base;
  ir::Binding binding = base.binding();
  uint16_t first = 0;
  uint16_t float_call = 0;
  uint16_t dirty_call = 0;
  AsmBinding() {
    // A string's length is its text's (strings are the evaluator's objects).
    binding.fields[base.field("str.len")].compute = [](const ir::Object& o) {
      return ir::Value::integer(static_cast<int32_t>(o.text.size()));
    };
    first = static_cast<uint16_t>(binding.calls.size());
    using Args = std::span<const ir::Value>;
    binding.calls.push_back({"mix", reinterpret_cast<uint64_t>(&mix_helper), 2, IrType::INT, 0,
                             [](Args v) { return ir::Value::integer(mix_helper(v[0].as_int(), v[1].as_int())); }});
    binding.calls.push_back({"fma", reinterpret_cast<uint64_t>(&fma_helper), 3, IrType::NUM, 0,
                             [](Args v) {
                               return ir::Value::number(fma_helper(v[0].as_num(), v[1].as_num(), v[2].as_num()));
                             }});
    binding.calls.push_back({"eight", reinterpret_cast<uint64_t>(&eight_helper), 8, IrType::NUM, 0,
                             [](Args v) {
                               return ir::Value::number(eight_helper(v[0].as_int(), v[1].as_num(), v[2].as_int(),
                                                                     v[3].as_num(), v[4].as_int(), v[5].as_num(),
                                                                     v[6].as_int(), v[7].as_num()));
                             }});
    binding.calls.push_back({"many", reinterpret_cast<uint64_t>(&many_helper), 18, IrType::NUM, 0,
                             [](Args v) {
                               return ir::Value::number(many_helper(
                                   v[0].as_int(), v[1].as_int(), v[2].as_int(), v[3].as_int(),
                                   v[4].as_int(), v[5].as_int(), v[6].as_int(), v[7].as_int(),
                                   v[8].as_num(), v[9].as_num(), v[10].as_num(), v[11].as_num(),
                                   v[12].as_num(), v[13].as_num(), v[14].as_num(), v[15].as_num(),
                                   v[16].as_num(), v[17].as_num()));
                             }});
    dirty_call = static_cast<uint16_t>(binding.calls.size());
    binding.calls.push_back({"dirty", reinterpret_cast<uint64_t>(&lj_testing_dirty_int), 1, IrType::INT, 0,
                             [](Args v) { return ir::Value::integer(v[0].as_int()); }});
    float_call = static_cast<uint16_t>(binding.calls.size());
    binding.calls.push_back({"floats", reinterpret_cast<uint64_t>(&float_helper), 3, IrType::FLOAT, 0,
                             [](Args v) {
                               return float_value(float_helper(static_cast<float>(v[0].as_num()), v[1].as_num(),
                                                               static_cast<float>(v[2].as_num())));
                             }});
  }
};

const AsmBinding& asm_binding_tables() {
  static const AsmBinding* tables = new AsmBinding();
  return *tables;
}

// Slot inputs: mostly numbers, sometimes a non-number (type guard exits) or
// a non-integral number in an integer slot (conversion guard exits).
ir::Value input(uint8_t choice, bool integer_slot) {
  if (choice % 23 == 22) return ir::Value::boolean(true);
  if (choice % 23 == 21) return ir::Value::nil();
  if (integer_slot && choice % 23 != 20) return ir::Value::number(pick(kGenInts, choice));
  return ir::Value::number(pick(kNums, choice));
}

class Generator {
 public:
  Generator(const AsmRecipe& recipe, TestHeap* heap)
      : recipe_(recipe), heap_(heap), b_(trace_, nullptr, raw_emit_options()),
        arith_(b_, ints_, nums_, {kIntOps, kNumOps, kNums}) {}

  AsmCase run() {
    trace_.loops_to_self = recipe_.loops;
    for (int slot = 1; slot <= 9; ++slot)
      state_.slots[slot] = input(recipe_.inputs[static_cast<size_t>(slot - 1)] % (recipe_.calm ? 20 : 256),
                                 slot == 3 || slot >= 7);
    state_.slots[4] = ir::Value::number(0);
    b_.snapshot(pc_++, 10, 10, {});
    nums_.push_back(sload(1, IrType::NUM, ir::sload::kTypeCheck));
    nums_.push_back(sload(2, IrType::NUM, ir::sload::kTypeCheck));
    ints_.push_back(sload(3, IrType::INT, ir::sload::kTypeCheck));
    const Ref counter = sload(4, IrType::INT, ir::sload::kConvert);
    counter_ = b_.emit(Op::ADD, Type(IrType::INT), counter, b_.kint(1));
    if (recipe_.rotate) {
      rot_nums_ = {sload(5, IrType::NUM, ir::sload::kTypeCheck), sload(6, IrType::NUM, ir::sload::kTypeCheck)};
      rot_ints_ = {sload(7, IrType::INT, ir::sload::kTypeCheck), sload(8, IrType::INT, ir::sload::kTypeCheck),
                   sload(9, IrType::INT, ir::sload::kTypeCheck)};
      for (Ref r : rot_nums_) nums_.push_back(r);
      for (Ref r : rot_ints_) ints_.push_back(r);
    }
    make_memory();
    if (recipe_.loops) {
      snapshot(AsmStep{});
      b_.emit(Op::LT, Type::guarded(IrType::INT), counter_, b_.kint(2 + recipe_.trip % 200));
    }
    for (const AsmStep& s : recipe_.steps) emit(s);
    final_snapshot();
    return AsmCase{std::move(trace_), std::move(state_)};
  }

 private:
  Ref sload(uint16_t slot, IrType t, uint16_t mode) {
    Type type = (mode & ir::sload::kTypeCheck) ? Type::guarded(t) : Type(t);
    return b_.emit(Op::SLOAD, type, slot, mode);
  }
  Ref int_operand(uint16_t i) { return arith_.int_operand(i); }
  Ref num_operand(uint16_t i) { return arith_.num_operand(i); }
  // An AsmStep's `b` is the second operand's index, or its constant's.
  static ArithOperands operands(const AsmStep& s) { return {s.op, s.a, s.b, s.b, s.konst, (s.b & 1) != 0}; }
  Ref int_second(const AsmStep& s) { return arith_.int_second(operands(s)); }
  Ref num_second(const AsmStep& s) { return arith_.num_second(operands(s)); }

  void emit(const AsmStep& s) {
    const uint8_t kind = s.kind % kKindCount;
    // A calm trace keeps only the loop counter's guard.
    if (recipe_.calm && is_guard_step(kind)) return snapshot(s);
    if (kind < kArithKindCount) {
      arith_.emit(kind, operands(s), [&] { snapshot(s); });
      return;
    }
    switch (kind) {
      case kCall: return call(s);
      case kMemory: case kMoreMemory: return memory(s);
      case kMath: return math(s);
      case kString: return string(s);
      default: snapshot(s); break;
    }
  }

  void math(const AsmStep& s) {
    const Ref x = num_operand(s.a);
    switch (static_cast<MathKind>(s.op % kMathKindCount)) {
      case kTobit:
        ints_.push_back(b_.emit(Op::TOBIT, Type(IrType::INT), x, b_.knum(6755399441055744.0)));
        return;
      case kIntMod: {
        // As the recorder narrows %: a zero divisor is guarded out first
        // (a calm trace divides by a constant instead: no guard).
        if (recipe_.calm) {
          ints_.push_back(b_.emit(Op::MOD, Type(IrType::INT), int_operand(s.a), b_.kint(s.b & 1 ? 7 : -5)));
          return;
        }
        const Ref y = int_second(s);
        snapshot(s);
        b_.emit(Op::NE, Type::guarded(IrType::INT), y, b_.kint(0));
        ints_.push_back(b_.emit(Op::MOD, Type(IrType::INT), int_operand(s.a), y));
        return;
      }
      case kNumMod: arith_.num_arith(Op::MOD, operands(s)); return;
      case kPow: arith_.num_arith(Op::POW, operands(s)); return;
      case kLdexp:
        nums_.push_back(b_.emit(Op::LDEXP, Type(IrType::NUM), x, b_.knum(pick(kLdexpExponents, s.b))));
        return;
      case kMoreIntArith: case kMoreIntArith2: {
        // Rotations (constant or variable count), byte swap, integer MIN/MAX.
        arith_.int_arith(pick(kMoreIntOps, s.b >> 4), operands(s));
        return;
      }
      case kIndirectCall: return call(s, true);
      case kIntDiv: case kIntPow: {
        // Total at 32 bits (lj_carith_divi64/powi64 semantics): no guard.
        arith_.int_arith(s.op % kMathKindCount == kIntDiv ? Op::DIV : Op::POW, operands(s));
        return;
      }
      case kFloatCall: return float_call(s);
      case kDirtyInt: ints_.push_back(dirty(int_operand(s.a))); return;
      case kTruncation: return truncation(s);
      case kLog: case kLog2: {
        const auto f = s.op % kMathKindCount == kLog ? ir::FpMath::LOG : ir::FpMath::LOG2;
        nums_.push_back(b_.emit(Op::FPMATH, Type(IrType::NUM), x, static_cast<Ref>(f)));
        return;
      }
      default: return;
    }
  }

  // ---- Strings --------------------------------------------------------------

  // Slots 46 and 47 hold strings (type-checked loads); the buffer is an
  // object of its own, named by a constant pointer as LuaJIT's tmpbuf.
  void make_strings() {
    if (!strings_.empty()) return;
    for (int slot = 46; slot <= 47; ++slot) {
      ir::Object str;
      str.type = IrType::STR;
      str.text = pick(kStrings, recipe_.memory[static_cast<size_t>(slot - 33)] + slot);
      const uint64_t id = object_id(0x7400 + 0x10 * static_cast<uint64_t>(slot));
      // Equal texts are one object (interned).
      uint64_t same = 0;
      for (const auto& [other, o] : state_.objects)
        if (o.type == IrType::STR && o.text == str.text) same = other;
      state_.objects[same ? same : id] = str;
      state_.slots[slot] = ir::Value::object(IrType::STR, same ? same : id);
      strings_.push_back(sload(static_cast<uint16_t>(slot), IrType::STR, ir::sload::kTypeCheck));
    }
    short_strings_ = strings_;
    ir::Object buffer;
    buffer.type = IrType::UDATA;
    buffer_ = object_id(0x7600);
    state_.objects[buffer_] = buffer;
    // A string.buffer: BUFHDR WRITE appends to what it holds, never reset.
    string_buffer_ = object_id(0x7700);
    buffer.text = pick(kStrings, recipe_.memory[2] + 3);
    state_.objects[string_buffer_] = buffer;
  }

  Ref string_operand(uint16_t i) { return strings_[i % strings_.size()]; }
  Ref short_string(uint16_t i) { return short_strings_[i % short_strings_.size()]; }
  void add_short_string(Ref r) {
    strings_.push_back(r);
    short_strings_.push_back(r);
  }

  void string(const AsmStep& s) {
    make_strings();
    switch (static_cast<StringKind>(s.op % kStringKindCount)) {
      case kTostrInt: return add_short_string(b_.emit(Op::TOSTR, Type(IrType::STR), int_operand(s.a), ir::tostr::kInt));
      case kTostrNum: return add_short_string(b_.emit(Op::TOSTR, Type(IrType::STR), num_operand(s.a), ir::tostr::kNum));
      case kTostrChar:
        return add_short_string(b_.emit(Op::TOSTR, Type(IrType::STR), int_operand(s.a), ir::tostr::kChar));
      case kStrto:
        // A guard: exits unless the string reads as a number.
        if (recipe_.calm) return snapshot(s);
        snapshot(s);
        nums_.push_back(b_.emit(Op::STRTO, Type::guarded(IrType::NUM), string_operand(s.a), 0));
        return;
      case kSubstring: return substring(s);
      case kConcat: return concat(s);
      case kStringCompare: {
        // Interned: equal texts are equal references.
        if (recipe_.calm) return snapshot(s);
        snapshot(s);
        b_.emit(s.b & 1 ? Op::EQ : Op::NE, Type::guarded(IrType::STR), string_operand(s.a), string_operand(s.b));
        return;
      }
      default: return;
    }
  }

  // As string.sub records: the length guarded, then SNEW of STRREF at a
  // constant or variable (0 or 1) offset.
  void substring(const AsmStep& s) {
    if (recipe_.calm) return snapshot(s);
    const Ref str = string_operand(s.a);
    const int32_t length = 1 + s.b % 4;
    Ref offset = s.konst ? b_.kint((s.b >> 2) & 1)
                         : b_.emit(Op::BAND, Type(IrType::INT), int_operand(s.b), b_.kint(1));
    if (!s.konst && (s.b & 0x10)) offset = dirty(offset);
    snapshot(s);
    const Ref have = b_.emit(Op::FLOAD, Type(IrType::INT), str, asm_binding_tables().base.field("str.len"));
    b_.emit(Op::GE, Type::guarded(IrType::INT), have, b_.kint(length + 1));
    const Ref at = b_.emit(Op::STRREF, Type(IrType::P64), str, offset);
    add_short_string(b_.emit(Op::SNEW, Type(IrType::STR), at, b_.kint(length)));
  }

  // A buffer chain (string concatenation): RESET and 1..2 pieces, its
  // string; then sometimes APPEND 1..2 more and the longer string. Pieces
  // are short strings or numbers formatted in place (so lengths stay
  // bounded: under 100 bytes). Or, instead of APPEND, WRITE 1..2 pieces
  // to the string.buffer (at most 8 in a straight trace: under 200 bytes).
  void concat(const AsmStep& s) {
    const Ref buffer = b_.kptr(buffer_);
    Ref at = b_.emit(Op::BUFHDR, Type(IrType::P64), buffer, ir::bufhdr::kReset);
    const Ref header = at;
    for (int i = 0; i <= (s.b & 1); ++i) at = b_.emit(Op::BUFPUT, Type(IrType::P64), at, piece(s, 3 * i));
    strings_.push_back(b_.emit(Op::BUFSTR, Type(IrType::STR), at, header));
    if (!(s.b & 2)) return;
    const int pieces = 1 + ((s.b >> 2) & 1);
    // (Not in loops: every iteration would write more.)
    const bool write = (s.b & 8) && !recipe_.loops && written_pieces_ + pieces <= 8;
    // APPEND continues the chain (its operand, as LuaJIT's, leads back to
    // the RESET), so the first part lives as long as the appended one.
    // WRITE names the string.buffer itself, as LuaJIT's recorder does.
    at = write ? b_.emit(Op::BUFHDR, Type(IrType::P64), b_.kptr(string_buffer_), ir::bufhdr::kWrite)
               : b_.emit(Op::BUFHDR, Type(IrType::P64), at, ir::bufhdr::kAppend);
    if (write) written_pieces_ += pieces;
    const Ref append = at;
    for (int i = 0; i < pieces; ++i) at = b_.emit(Op::BUFPUT, Type(IrType::P64), at, piece(s, 5 * i + 1));
    strings_.push_back(b_.emit(Op::BUFSTR, Type(IrType::STR), at, append));
  }

  // What BUFPUT appends: a short string, or a TOSTR of an int, a number or
  // a char that only the BUFPUT reads (the assembler fuses the two).
  Ref piece(const AsmStep& s, int i) {
    const uint16_t k = static_cast<uint16_t>(s.a + i);
    switch (((s.b >> 4) + i) % 4) {
      case 1: return b_.emit(Op::TOSTR, Type(IrType::STR), int_operand(k), ir::tostr::kInt);
      case 2: return b_.emit(Op::TOSTR, Type(IrType::STR), num_operand(k), ir::tostr::kNum);
      case 3: return b_.emit(Op::TOSTR, Type(IrType::STR), int_operand(k), ir::tostr::kChar);
      default: return short_string(k);
    }
  }

  // ---- Memory ---------------------------------------------------------------

  uint64_t object_id(uint64_t fake) { return heap_ ? heap_->new_object() : fake; }

  // A stored value: mostly numbers; in a calm recipe only numbers.
  ir::Value memory_value(uint8_t choice) {
    if (recipe_.calm || choice % 16 < 11) return ir::Value::number(pick(kNums, choice / 16 + choice));
    if (choice % 16 < 13) return ir::Value::nil();
    if (choice % 16 == 13) return ir::Value::boolean(true);
    return ir::Value::object(IrType::TAB, table_b_);
  }

  // Tables A and B (4 array slots, keys a b c and 2.5), function F with
  // three upvalues, in slots 42..44; their type-checked loads start the trace.
  void make_memory() {
    const auto& m = recipe_.memory;
    table_a_ = object_id(0x7000);
    table_b_ = recipe_.same_tables ? table_a_ : object_id(0x7100);
    const uint64_t fn = object_id(0x7200);
    for (int t = 0; t < 2; ++t) {
      ir::Object table;
      for (int i = 0; i < 4; ++i) table.array.push_back(memory_value(m[static_cast<size_t>(4 * t + i)]));
      for (int k = 0; k < 3; ++k) table.hash.emplace_back(string_key(k), memory_value(m[static_cast<size_t>(8 + k + t)]));
      table.hash.emplace_back(ir::Value::number(kPresentNumberKey), ir::Value::number(pick(kNums, m[11])));
      table.fields[asm_binding_tables().base.field("test.x")] = ir::Value::number(pick(kNums, m[12]));
      // GC colour: none, white or black (TBAR acts on black, OBAR on white).
      constexpr uint8_t kWhite = 1;
      constexpr uint8_t kColours[] = {0, kWhite, ir::gc_marked::kBlack, kWhite, ir::gc_marked::kBlack};
      // (Low bits: rapidcheck's small sizes keep generated bytes small.)
      table.marked = pick(kColours, m[static_cast<size_t>(4 * t + 1)]);
      state_.objects[t ? table_b_ : table_a_] = table;
    }
    // TDUP's template: like A and B, all numbers.
    template_ = object_id(0x7300);
    ir::Object copied = state_.objects[table_a_];
    for (ir::Value& v : copied.array) v = ir::Value::number(0.5);
    for (auto& [key, v] : copied.hash) v = ir::Value::number(-2.5);
    state_.objects[template_] = copied;
    ir::Object function;
    function.type = IrType::FUNC;
    for (int i = 0; i < 3; ++i) {
      const uint8_t bits = m[static_cast<size_t>(5 + i)];
      function.upvalues.push_back(memory_value(m[static_cast<size_t>(12 + i)]));
      function.upvalue_open.push_back(bits & 1);
      function.upvalue_marked.push_back(bits & 2 ? ir::gc_marked::kBlack : 0);
    }
    upvalue_open_ = function.upvalue_open;
    state_.objects[fn] = function;
    state_.slots[42] = ir::Value::object(IrType::TAB, table_a_);
    state_.slots[43] = !recipe_.calm && m[15] % 16 == 15 ? ir::Value::number(1) : ir::Value::object(IrType::TAB, table_b_);
    state_.slots[44] = ir::Value::object(IrType::FUNC, fn);
    // CALLXS's loaded callee: fma's address as a light userdata.
    state_.slots[45] = ir::Value{IrType::LIGHTUD, asm_binding().calls[asm_binding_tables().first + kFma].address};
    tables_.push_back(sload(42, IrType::TAB, ir::sload::kTypeCheck));
    tables_.push_back(sload(43, IrType::TAB, ir::sload::kTypeCheck));
    function_ = sload(44, IrType::FUNC, ir::sload::kTypeCheck);
  }

  Ref table(const AsmStep& s) { return tables_[s.a % tables_.size()]; }
  uint16_t field(const char* name) { return asm_binding_tables().base.field(name); }

  // A value to store: a number, or (not calm) sometimes nil, true or a table.
  Ref stored_value(const AsmStep& s) {
    if (recipe_.calm || s.b % 8 != 7) return num_operand(s.b);
    switch ((s.b >> 3) % 3) {
      case 0: return b_.kpri(IrType::NIL);
      case 1: return b_.kpri(IrType::TRUE);
      default: return tables_[(s.b >> 5) % tables_.size()];
    }
  }

  // An int returned by a helper with garbage above its 32 bits (the
  // assembler must clear them before any 64-bit use).
  Ref dirty(Ref x) { return b_.emit(Op::CALLN, Type(IrType::INT), x, asm_binding_tables().dirty_call); }

  // t[i]: a constant index, i & 3, or (not calm) i & 7 behind a bounds
  // check; a variable index sometimes comes back through dirty().
  Ref array_ref(const AsmStep& s) {
    const Ref t = table(s);
    const Ref array = b_.emit(Op::FLOAD, Type(IrType::P64), t, field("tab.array"));
    Ref index;
    if (s.konst) {
      index = b_.kint(s.b % 4);
    } else if (recipe_.calm || !(s.b & 0x100)) {
      index = b_.emit(Op::BAND, Type(IrType::INT), int_operand(s.b), b_.kint(3));
      if (s.b & 0x200) index = dirty(index);
    } else {
      index = b_.emit(Op::BAND, Type(IrType::INT), int_operand(s.b), b_.kint(7));
      if (s.b & 0x200) index = dirty(index);
      return bounds_checked(s, t, array, index);
    }
    return b_.emit(Op::AREF, Type(IrType::P64), array, index);
  }

  // t[index] behind a bounds check (ABC against the table's asize).
  Ref bounds_checked(const AsmStep& s, Ref t, Ref array, Ref index) {
    const Ref size = b_.emit(Op::FLOAD, Type(IrType::INT), t, field("tab.asize"));
    snapshot(s);
    b_.emit(Op::ABC, Type::guarded(IrType::INT), size, index);
    return b_.emit(Op::AREF, Type(IrType::P64), array, index);
  }

  // t.a / t.b / t.c through HREFK; (not calm) sometimes the absent t.d.
  Ref hrefk(const AsmStep& s) {
    const int k = !recipe_.calm && s.b % 8 == 7 ? 3 : s.b % 3;
    const Ref key = b_.kgc(IrType::STR, string_key(k).bits);
    snapshot(s);
    return b_.emit(Op::HREFK, Type::guarded(IrType::P64), table(s), trace_.kslot(key, static_cast<uint32_t>(k % 3)));
  }

  // A loaded value, type-checked as a number (or, by `b`, as nil).
  void guarded_load(Op op, Ref ref, const AsmStep& s) {
    snapshot(s);
    if (!recipe_.calm && s.b % 16 == 13) {
      b_.emit(op, Type::guarded(IrType::NIL), ref, 0);
      return;
    }
    nums_.push_back(b_.emit(op, Type::guarded(IrType::NUM), ref, 0));
  }

  // UREFO for an open upvalue, UREFC for a closed one, guarded as the
  // recorder does; (not calm) sometimes the other one: its guard exits.
  // TBAR before a store into table A or B (as the recorder emits it before
  // a table's stores; never on allocations, which are not black), once per
  // table until a GC step, as LuaJIT's FOLD keeps it (CSE of TBAR).
  void table_barrier(const AsmStep& s) {
    if (s.a % tables_.size() >= 2) return;
    const Ref t = table(s);
    if (std::find(barriered_.begin(), barriered_.end(), t) != barriered_.end()) return;
    barriered_.push_back(t);
    b_.emit(Op::TBAR, Type(IrType::NIL), t, 0);
  }

  Ref uref(const AsmStep& s) {
    const uint16_t index = s.b % 3;
    bool open = upvalue_open_[index];
    if (!recipe_.calm && s.b % 16 == 5) open = !open;
    return b_.emit(open ? Op::UREFO : Op::UREFC, Type::guarded(IrType::P64), function_, index);
  }

  void memory(const AsmStep& s) {
    switch (static_cast<MemoryKind>(s.op % kMemoryKindCount)) {
      case kArrayLoad: return guarded_load(Op::ALOAD, array_ref(s), s);
      case kArrayStore: {
        const Ref ref = array_ref(s);
        table_barrier(s);
        b_.emit(Op::ASTORE, Type(IrType::NUM), ref, stored_value(s));
        return;
      }
      case kHashLoad: return guarded_load(Op::HLOAD, hrefk(s), s);
      case kHashStore: {
        const Ref ref = hrefk(s);
        table_barrier(s);
        b_.emit(Op::HSTORE, Type(IrType::NUM), ref, stored_value(s));
        return;
      }
      case kHrefLoad: {
        if (recipe_.calm) return snapshot(s);
        const uint32_t k = s.b % 6;
        const Ref key = k < 4 ? b_.kgc(IrType::STR, string_key(static_cast<int>(k)).bits)
                      : k == 4 ? b_.knum(kPresentNumberKey) : num_operand(s.b);
        return guarded_load(Op::HLOAD, b_.emit(Op::HREF, Type(IrType::P64), table(s), key), s);
      }
      case kNewref: {
        // At most four new keys per table: the hash part (8 nodes) never fills.
        const uint32_t k = s.b % 4;
        const Ref key = k < 2 ? b_.kgc(IrType::STR, string_key(4 + static_cast<int>(k)).bits)
                              : b_.knum(kNewNumberKeys[k - 2]);
        snapshot(s);
        const Ref ref = b_.emit(Op::NEWREF, Type(IrType::P64), table(s), key);
        b_.emit(Op::HSTORE, Type(IrType::NUM), ref, stored_value(s));
        return;
      }
      case kFieldLoad:
        if (s.b & 1) ints_.push_back(b_.emit(Op::FLOAD, Type(IrType::INT), table(s), field("tab.asize")));
        else nums_.push_back(b_.emit(Op::FLOAD, Type(IrType::NUM), table(s), field(s.b & 2 ? "test.y" : "test.x")));
        return;
      case kFieldStore: {
        const Ref ref = b_.emit(Op::FREF, Type(IrType::P64), table(s), field(s.b & 2 ? "test.y" : "test.x"));
        b_.emit(Op::FSTORE, Type(IrType::NUM), ref, num_operand(s.b));
        return;
      }
      case kUpvalueLoad: return guarded_load(Op::ULOAD, uref(s), s);
      case kUpvalueStore: {
        // An object stored into a closed upvalue needs OBAR first (tables
        // A and B often: they may be white, and the upvalue black).
        const Ref ref = uref(s);
        const Ref value = !recipe_.calm && s.b % 4 == 1 ? tables_[(s.b >> 2) % 2] : stored_value(s);
        if (trace_[ref].o == Op::UREFC && trace_[value].t.is(IrType::TAB))
          b_.emit(Op::OBAR, Type(IrType::NIL), ref, value);
        b_.emit(Op::USTORE, Type(IrType::NUM), ref, value);
        return;
      }
      case kTableLoad: {
        // A[3] as a table (it may hold B, or something else: the guard exits).
        if (recipe_.calm) return snapshot(s);
        const Ref array = b_.emit(Op::FLOAD, Type(IrType::P64), tables_[0], field("tab.array"));
        const Ref ref = b_.emit(Op::AREF, Type(IrType::P64), array, b_.kint(3));
        snapshot(s);
        tables_.push_back(b_.emit(Op::ALOAD, Type::guarded(IrType::TAB), ref, 0));
        return;
      }
      case kAllocate: {
        // A new table: TNEW (nil array, empty hash: loads of it exit) or a
        // TDUP of the template. Sunk when it does not escape.
        snapshot(s);
        if (recipe_.calm || s.b & 1)
          tables_.push_back(b_.emit(Op::TDUP, Type::guarded(IrType::TAB), b_.kgc(IrType::TAB, template_), 0));
        else
          tables_.push_back(b_.emit(Op::TNEW, Type::guarded(IrType::TAB), 4, 0));
        // A GC check after some allocations (the test's step helper runs
        // or not; the evaluator has no collector: nothing may change).
        if (s.b & 2) {
          b_.emit(Op::GCSTEP, Type(IrType::NIL), 0, 0);
          barriered_.clear();  // the collector may have blackened them again
        }
        return;
      }
      case kIdentity: {
        // Is this table A (or the same as another)? An identity guard.
        if (recipe_.calm) return snapshot(s);
        snapshot(s);
        const Ref other = s.b & 4 ? b_.kgc(IrType::TAB, table_a_) : tables_[(s.b >> 3) % tables_.size()];
        b_.emit(s.b & 1 ? Op::EQ : Op::NE, Type::guarded(IrType::TAB), table(s), other);
        return;
      }
      default: return;
    }
  }

  // A helper call; `op` picks the helper and the call op (CALLN pure,
  // CALLL load-like, CALLS with side effects: never dead-code eliminated).
  // `indirect`: CALLXS through the helper's address, a constant or (for
  // fma) the light userdata in slot 45.
  void call(const AsmStep& s, bool indirect = false) {
    const bool loaded_callee = indirect && (s.b & 2);
    const Helper helper = loaded_callee ? kFma
                        : static_cast<Helper>((indirect ? s.a : s.op) % kHelperCount);
    constexpr Op kCallOps[] = {Op::CALLN, Op::CALLL, Op::CALLS};
    const Op op = indirect ? Op::CALLXS : pick(kCallOps, s.op / kHelperCount);
    std::vector<Ref> args;
    uint32_t next = s.b;
    auto operand = [&](bool number) {
      next = next * 1103515245u + 12345u;
      const uint16_t i = static_cast<uint16_t>(s.a + (next >> 16));
      if (s.konst && (next >> 8) % 4 == 0) return number ? b_.knum(pick(kNums, next >> 20)) : b_.kint(pick(kGenInts, next >> 20));
      return number ? num_operand(i) : int_operand(i);
    };
    switch (helper) {
      case kMix: args = {operand(false), operand(false)}; break;
      case kFma: args = {operand(true), operand(true), operand(true)}; break;
      case kEight:
        for (int i = 0; i < 8; ++i) args.push_back(operand(i & 1));
        break;
      default:
        for (int i = 0; i < 18; ++i) args.push_back(operand(i >= 8));
        break;
    }
    Ref chain = args[0];
    for (size_t i = 1; i < args.size(); ++i) chain = b_.emit(Op::CARG, Type(IrType::NIL), chain, args[i]);
    const uint16_t index = static_cast<uint16_t>(asm_binding_tables().first + helper);
    const uint64_t address = asm_binding().calls[index].address;
    const Ref target = !indirect ? index : loaded_callee ? sload(45, IrType::LIGHTUD, ir::sload::kTypeCheck)
                                                         : b_.kptr(address);
    const Ref result = b_.emit(op, Type(helper == kMix ? IrType::INT : IrType::NUM), chain, target);
    (helper == kMix ? ints_ : nums_).push_back(result);
  }

  // CONV float.num of numbers (sometimes of a constant) or CONV float.int
  // of an int, a FLOAT helper call, the result back to a number (CONV
  // num.float) and (not calm) sometimes to an int, exact or exit (CONV
  // int.float): FLOAT values live only in between.
  void float_call(const AsmStep& s) {
    const Type single(IrType::FLOAT);
    const uint16_t to_float = ir::conv::mode(IrType::FLOAT, IrType::NUM);
    const Ref first = s.konst && (s.b & 4) ? b_.knum(pick(kNums, s.b >> 5)) : num_operand(s.a);
    const Ref a = b_.emit(Op::CONV, single, first, to_float);
    const uint16_t i = static_cast<uint16_t>(s.a + s.b);
    const Ref c = s.b & 8 ? b_.emit(Op::CONV, single, int_operand(i), ir::conv::mode(IrType::FLOAT, IrType::INT))
                          : b_.emit(Op::CONV, single, num_operand(i), to_float);
    const Ref chain = b_.emit(Op::CARG, Type(IrType::NIL), b_.emit(Op::CARG, Type(IrType::NIL), a, num_second(s)), c);
    const Ref result = b_.emit(Op::CALLN, single, chain, asm_binding_tables().float_call);
    nums_.push_back(b_.emit(Op::CONV, Type(IrType::NUM), result, ir::conv::mode(IrType::NUM, IrType::FLOAT)));
    if (recipe_.calm || !(s.b & 16)) return;
    snapshot(s);
    ints_.push_back(b_.emit(Op::CONV, Type::guarded(IrType::INT), result,
                            ir::conv::mode(IrType::INT, IrType::FLOAT) | ir::conv::kCheck));
  }

  // Unchecked CONV int.num / u32.num, sometimes of a FLOAT (int.float,
  // u32.float), as the recorder emits where any integer will do: of a
  // number, or of one times an edge value. FOLD folds int.num of a
  // constant but leaves u32.num of one: sometimes a constant operand. A
  // u32 result goes into snapshots and (not calm) sometimes indexes an
  // array behind ABC, which reads its register's upper half too.
  void truncation(const AsmStep& s) {
    const double edge = pick(kTruncationEdges, s.b >> 5);
    const bool to_u32 = s.b & 2;
    Ref x = s.konst && to_u32 ? b_.knum(edge) : num_operand(s.a);
    if (s.b & 1 && !(s.konst && to_u32)) x = b_.emit(Op::MUL, Type(IrType::NUM), x, b_.knum(edge));
    IrType from = IrType::NUM;
    if (s.b & 4) {
      x = b_.emit(Op::CONV, Type(IrType::FLOAT), x, ir::conv::mode(IrType::FLOAT, IrType::NUM));
      from = IrType::FLOAT;
    }
    const IrType to = to_u32 ? IrType::U32 : IrType::INT;
    const Ref r = b_.emit(Op::CONV, Type(to), x, ir::conv::mode(to, from));
    if (!to_u32) {
      ints_.push_back(r);
      return;
    }
    u32s_.push_back(r);
    if (recipe_.calm || !(s.b & 8)) return;
    const Ref t = table(s);
    const Ref array = b_.emit(Op::FLOAD, Type(IrType::P64), t, field("tab.array"));
    guarded_load(Op::ALOAD, bounds_checked(s, t, array, r), s);
  }

  // Slots 1..4 always, then up to 32 more naming values chosen by the seed:
  // with many slots, more values are live than there are registers.
  void snapshot(const AsmStep& s) {
    std::vector<SnapEntry> entries;
    uint32_t next = s.live_seed;
    for (int slot = 10; slot < 42; ++slot) {
      if (!(s.live & (1u << (slot - 10)))) continue;
      next = next * 1103515245u + 12345u;
      Ref r;
      if (s.live == 0xffffffffu) {
        // All 32 slots: the newest values of each class, distinct (most pressure).
        const std::vector<Ref>& pool = slot & 1 ? nums_ : ints_;
        r = pool[pool.size() - 1 - static_cast<size_t>((slot - 10) / 2) % pool.size()];
      } else {
        const size_t n = ints_.size() + nums_.size() + tables_.size() + strings_.size() + u32s_.size();
        size_t i = (next >> 8) % n;
        if (i < ints_.size()) r = ints_[i];
        else if ((i -= ints_.size()) < nums_.size()) r = nums_[i];
        else if ((i -= nums_.size()) < tables_.size()) r = tables_[i];
        else if ((i -= tables_.size()) < strings_.size()) r = strings_[i];
        else r = u32s_[i - strings_.size()];
      }
      entries.push_back(SnapEntry::make(static_cast<uint32_t>(slot), 0, r));
    }
    b_.snapshot(pc_++, 45, 45, entries);
  }

  // The loop snapshot: what each loop-carried slot holds for the next
  // iteration. With `rotate`, slots 5/6 swap and 7->8->9->7 rotate.
  void final_snapshot() {
    std::vector<SnapEntry> entries;
    entries.push_back(SnapEntry::make(1, 0, nums_[nums_.size() - 1]));
    entries.push_back(SnapEntry::make(2, 0, nums_[nums_.size() / 2]));
    entries.push_back(SnapEntry::make(3, 0, ints_[ints_.size() - 1]));
    entries.push_back(SnapEntry::make(4, 0, counter_));
    if (recipe_.rotate) {
      entries.push_back(SnapEntry::make(5, 0, rot_nums_[1]));
      entries.push_back(SnapEntry::make(6, 0, rot_nums_[0]));
      entries.push_back(SnapEntry::make(7, 0, rot_ints_[1]));
      entries.push_back(SnapEntry::make(8, 0, rot_ints_[2]));
      entries.push_back(SnapEntry::make(9, 0, rot_ints_[0]));
    }
    b_.snapshot(recipe_.loops ? 1 : pc_++, 10, 10, entries);
  }

  const AsmRecipe& recipe_;
  TestHeap* heap_;
  ir::Trace trace_;
  ir::MachineState state_;
  ir::Builder b_;
  std::vector<Ref> ints_, nums_, rot_nums_, rot_ints_, tables_;
  ArithSteps arith_;
  std::vector<Ref> strings_, short_strings_;  // short: no buffer results
  std::vector<Ref> u32s_;  // unchecked CONV u32 results (snapshots, indexes)
  uint64_t buffer_ = 0, string_buffer_ = 0;
  int written_pieces_ = 0;  // BUFPUTs after BUFHDR WRITE (bounds its length)
  uint64_t table_a_ = 0, table_b_ = 0, template_ = 0;
  Ref function_ = 0;
  std::vector<uint8_t> upvalue_open_;
  std::vector<Ref> barriered_;  // tables TBAR'd since the last GC step
  Ref counter_ = 0;
  uint64_t pc_ = 1;
};

}  // namespace

rc::Gen<AsmStep> arbitrary_asm_step() {
  return rc::gen::build<AsmStep>(
      rc::gen::set(&AsmStep::kind, rc::gen::arbitrary<uint8_t>()),
      rc::gen::set(&AsmStep::op, rc::gen::arbitrary<uint8_t>()),
      rc::gen::set(&AsmStep::a, rc::gen::arbitrary<uint16_t>()),
      rc::gen::set(&AsmStep::b, rc::gen::arbitrary<uint16_t>()),
      rc::gen::set(&AsmStep::konst, rc::gen::arbitrary<bool>()),
      rc::gen::set(&AsmStep::live, rc::gen::oneOf(rc::gen::just(0u), rc::gen::inRange(0u, 0x3fu),
                                                  rc::gen::arbitrary<uint32_t>())),
      rc::gen::set(&AsmStep::live_seed, rc::gen::arbitrary<uint16_t>()));
}

rc::Gen<AsmRecipe> arbitrary_asm_recipe() {
  return rc::gen::build<AsmRecipe>(
      rc::gen::set(&AsmRecipe::steps, rc::gen::container<std::vector<AsmStep>>(arbitrary_asm_step())),
      rc::gen::set(&AsmRecipe::loops, rc::gen::arbitrary<bool>()),
      rc::gen::set(&AsmRecipe::rotate, rc::gen::arbitrary<bool>()),
      rc::gen::set(&AsmRecipe::inputs, rc::gen::arbitrary<std::array<uint8_t, 9>>()),
      rc::gen::set(&AsmRecipe::trip, rc::gen::inRange<uint8_t>(0, 255)),
      rc::gen::set(&AsmRecipe::calm, rc::gen::arbitrary<bool>()),
      rc::gen::set(&AsmRecipe::memory, rc::gen::arbitrary<std::array<uint8_t, 16>>()),
      rc::gen::set(&AsmRecipe::same_tables, rc::gen::arbitrary<bool>()));
}

const ir::Binding& asm_binding() { return asm_binding_tables().binding; }

std::optional<AsmCase> build_asm_case(const AsmRecipe& recipe, TestHeap* heap) {
  AsmCase raw = Generator(recipe, heap).run();
  const opt::Options options = opt::Options::level(3);
  try {
    AsmCase out{opt::reemit(raw.trace, options), raw.state};
    if (recipe.loops) {
      opt::FoldEngine fold(options);
      ir::Builder b(out.trace, &fold, options.emit_options());
      // LOOP failed (type instability etc.): assemble it as a straight trace.
      if (opt::optimize_loop(b)) out.trace.loops_to_self = false;
    }
    opt::sink_allocations(out.trace);
    return out;
  } catch (const ir::TraceAbort&) {
    return std::nullopt;
  }
}

}  // namespace lj::testing
