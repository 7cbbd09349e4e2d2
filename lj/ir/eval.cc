#include "lj/ir/eval.h"

#include <bit>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <span>

#include "absl/strings/str_format.h"

namespace lj::ir {
namespace {

// Raised inside the interpreter loop for traces it cannot run.
struct Unsupported {
  std::string what;
};

int32_t wrap32(int64_t v) { return static_cast<int32_t>(static_cast<uint32_t>(v)); }

}  // namespace

namespace semantics {

// Integer division as LuaJIT's lj_carith_divi64, at 32 bits: truncating,
// total (a zero divisor gives INT_MIN, INT_MIN / -1 wraps to INT_MIN).
int32_t int_divide(int32_t a, int32_t b) {
  constexpr int32_t kMin = std::numeric_limits<int32_t>::min();
  if (b == 0) return kMin;
  if (a == kMin && b == -1) return kMin;
  return a / b;
}

// Integer power as LuaJIT's lj_carith_powi64, at 32 bits: wrapping
// multiplication; a negative exponent gives 0 except for bases 0 (INT_MAX),
// 1 and -1.
int32_t int_power(int32_t base, int32_t exponent) {
  if (exponent < 0) {
    if (base == 0) return std::numeric_limits<int32_t>::max();
    if (base == 1 || base == -1) return (base == -1 && (exponent & 1)) ? -1 : 1;
    return 0;
  }
  uint32_t result = 1, factor = static_cast<uint32_t>(base);
  for (uint32_t k = static_cast<uint32_t>(exponent); k != 0; k >>= 1) {
    if (k & 1) result *= factor;
    factor *= factor;
  }
  return static_cast<int32_t>(result);
}

// Integer arithmetic as LuaJIT's fold engine does it (wrapping, masked shifts).
int32_t int_arith(Op op, int32_t a, int32_t b) {
  uint32_t ua = static_cast<uint32_t>(a), ub = static_cast<uint32_t>(b);
  switch (op) {
    case Op::ADD: return static_cast<int32_t>(ua + ub);
    case Op::SUB: return static_cast<int32_t>(ua - ub);
    case Op::MUL: return static_cast<int32_t>(ua * ub);
    case Op::MOD: {
      if (b == 0) throw Unsupported{"int MOD by zero"};
      if (a == std::numeric_limits<int32_t>::min() && b == -1) return 0;
      int32_t r = a % b;
      return (r != 0 && (r ^ b) < 0) ? r + b : r;  // sign of the divisor
    }
    case Op::DIV: return int_divide(a, b);
    case Op::POW: return int_power(a, b);
    case Op::NEG: return static_cast<int32_t>(0u - ua);
    case Op::BAND: return a & b;
    case Op::BOR: return a | b;
    case Op::BXOR: return a ^ b;
    case Op::BSHL: return static_cast<int32_t>(ua << (ub & 31));
    case Op::BSHR: return static_cast<int32_t>(ua >> (ub & 31));
    case Op::BSAR: return a >> (ub & 31);
    case Op::BROL: return static_cast<int32_t>(std::rotl(ua, static_cast<int>(ub & 31)));
    case Op::BROR: return static_cast<int32_t>(std::rotr(ua, static_cast<int>(ub & 31)));
    case Op::MIN: return a > b ? b : a;
    case Op::MAX: return a < b ? b : a;
    case Op::BNOT: return ~a;
    case Op::BSWAP: return static_cast<int32_t>(__builtin_bswap32(ua));
    default: throw Unsupported{absl::StrFormat("int %s", std::string(name(op)))};
  }
}

int64_t int64_arith(Op op, int64_t a, int64_t b) {
  uint64_t ua = static_cast<uint64_t>(a), ub = static_cast<uint64_t>(b);
  switch (op) {
    case Op::ADD: return static_cast<int64_t>(ua + ub);
    case Op::SUB: return static_cast<int64_t>(ua - ub);
    case Op::MUL: return static_cast<int64_t>(ua * ub);
    case Op::NEG: return static_cast<int64_t>(0 - ua);
    case Op::BAND: return a & b;
    case Op::BOR: return a | b;
    case Op::BXOR: return a ^ b;
    case Op::BSHL: return static_cast<int64_t>(ua << (ub & 63));
    case Op::BSHR: return static_cast<int64_t>(ua >> (ub & 63));
    case Op::BSAR: return a >> (ub & 63);
    case Op::BROL: return static_cast<int64_t>(std::rotl(ua, static_cast<int>(ub & 63)));
    case Op::BROR: return static_cast<int64_t>(std::rotr(ua, static_cast<int>(ub & 63)));
    case Op::BNOT: return ~a;
    case Op::BSWAP: return static_cast<int64_t>(__builtin_bswap64(ua));
    default: throw Unsupported{absl::StrFormat("i64 %s", std::string(name(op)))};
  }
}

// Floating-point arithmetic as LuaJIT's lj_vm_foldarith.
double num_arith(Op op, double a, double b) {
  switch (op) {
    case Op::ADD: return a + b;
    case Op::SUB: return a - b;
    case Op::MUL: return a * b;
    case Op::DIV: return a / b;
    case Op::MOD: return a - std::floor(a / b) * b;
    case Op::POW: return std::pow(a, b);
    case Op::NEG: return -a;
    case Op::ABS: return std::fabs(a);
    case Op::LDEXP: return std::ldexp(a, static_cast<int>(b));
    case Op::MIN: return a > b ? b : a;
    case Op::MAX: return a < b ? b : a;
    default: throw Unsupported{absl::StrFormat("num %s", std::string(name(op)))};
  }
}

// Comparison semantics: U* variants are unsigned for integers and
// "unordered or …" for numbers; NaN makes every ordered compare false.
bool compare(Op op, const Value& a, const Value& b) {
  if (op == Op::EQ || op == Op::NE) {
    bool equal = a.type == IrType::NUM && b.type == IrType::NUM
                     ? a.as_num() == b.as_num()
                     : (a.type == b.type && a.bits == b.bits);
    return (op == Op::EQ) == equal;
  }
  if (a.type == IrType::NUM || b.type == IrType::NUM) {
    double x = a.type == IrType::NUM ? a.as_num() : a.as_int();
    double y = b.type == IrType::NUM ? b.as_num() : b.as_int();
    switch (op) {
      case Op::LT: return x < y;
      case Op::GE: return x >= y;
      case Op::LE: return x <= y;
      case Op::GT: return x > y;
      case Op::ULT: return !(x >= y);
      case Op::UGE: return !(x < y);
      case Op::ULE: return !(x > y);
      case Op::UGT: return !(x <= y);
      default: break;
    }
  }
  bool wide = a.type == IrType::I64 || a.type == IrType::U64 || a.type == IrType::P64;
  int64_t x = wide ? static_cast<int64_t>(a.bits) : a.as_int();
  int64_t y = wide ? static_cast<int64_t>(b.bits) : b.as_int();
  uint64_t ux = wide ? a.bits : static_cast<uint32_t>(a.as_int());
  uint64_t uy = wide ? b.bits : static_cast<uint32_t>(b.as_int());
  switch (op) {
    case Op::LT: return x < y;
    case Op::GE: return x >= y;
    case Op::LE: return x <= y;
    case Op::GT: return x > y;
    case Op::ULT: return ux < uy;
    case Op::UGE: return ux >= uy;
    case Op::ULE: return ux <= uy;
    case Op::UGT: return ux > uy;
    default: throw Unsupported{"bad comparison"};
  }
}

bool int_arith_defined(Op op, int32_t, int32_t b) {
  return op != Op::MOD || b != 0;
}

std::string number_to_string(double x) {
  if (std::isnan(x)) return "nan";
  return absl::StrFormat("%.14g", x);
}

namespace {
bool is_lua_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
bool equals_ignoring_case(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (size_t i = 0; i < text.size(); ++i)
    if ((text[i] | 0x20) != lower[i]) return false;
  return true;
}
// The digits of a 0b literal (at least one); false on anything else.
bool binary_digits(std::string_view digits, double* out) {
  if (digits.empty()) return false;
  double value = 0;
  for (char c : digits) {
    if (c != '0' && c != '1') return false;
    value = value * 2 + (c - '0');
  }
  *out = value;
  return true;
}
}  // namespace

bool string_to_number(std::string_view text, double* out) {
  while (!text.empty() && is_lua_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_lua_space(text.back())) text.remove_suffix(1);
  const bool negative = !text.empty() && text.front() == '-';
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
  double value;
  if (equals_ignoring_case(text, "inf") || equals_ignoring_case(text, "infinity")) {
    value = std::numeric_limits<double>::infinity();
  } else if (equals_ignoring_case(text, "nan")) {
    value = std::numeric_limits<double>::quiet_NaN();
  } else if (text.size() > 2 && text[0] == '0' && (text[1] | 0x20) == 'b') {
    if (!binary_digits(text.substr(2), &value)) return false;
  } else {
    // strtod reads decimal and hex forms; it must read all of it, and the
    // text may hold nothing strtod would take as a word (inf, nan(...)).
    if (text.empty() || !(std::isdigit(static_cast<unsigned char>(text[0])) || text[0] == '.')) return false;
    for (char c : text)
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != '.' && c != '+' && c != '-' &&
          (c | 0x20) != 'x' && (c | 0x20) != 'p')
        return false;
    const std::string copy(text);
    char* end = nullptr;
    value = std::strtod(copy.c_str(), &end);
    if (end != copy.c_str() + copy.size()) return false;
  }
  *out = negative ? -value : value;
  return true;
}

double fpmath(FpMath f, double x) {
  switch (f) {
    case FpMath::FLOOR: return std::floor(x);
    case FpMath::CEIL: return std::ceil(x);
    case FpMath::TRUNC: return std::trunc(x);
    case FpMath::SQRT: return std::sqrt(x);
    case FpMath::LOG: return std::log(x);
    case FpMath::LOG2: return std::log2(x);
    default: throw Unsupported{"FPMATH other"};
  }
}

namespace {
// x86-64's cvttsd2si, which LuaJIT's backend emits and its constant folding
// (lj_num2int) compiles to: truncation toward zero, and for NaN or a value
// outside the destination's range the "integer indefinite", its lowest value.
int64_t truncate_to_i64(double d) {
  if (std::isnan(d) || std::fabs(d) >= 0x1p63) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(d);
}
int32_t truncate_to_i32(double d) {
  const double t = std::trunc(d);
  if (!(t >= -0x1p31 && t < 0x1p31)) return std::numeric_limits<int32_t>::min();  // NaN too
  return static_cast<int32_t>(t);
}
}  // namespace

// CONV: checked conversions (guarded, or mode index/check) report inexact
// results through *ok.
Value convert(uint16_t op2, bool guarded, const Value& v, bool* ok) {
  IrType dst = conv::dest(op2), src = conv::source(op2);
  bool checked = conv::check_mode(op2) >= 2 || guarded;
  bool from_fp = src == IrType::NUM || src == IrType::FLOAT;
  double d = from_fp ? v.as_num() : 0;
  int64_t i = 0;
  if (!from_fp) {
    if (src == IrType::I64 || src == IrType::U64) i = static_cast<int64_t>(v.bits);
    else if (src == IrType::U32) i = static_cast<uint32_t>(v.bits);
    else i = v.as_int();
  }
  switch (dst) {
    case IrType::NUM:
      return Value::number(from_fp ? d : src == IrType::U64 ? static_cast<double>(v.bits)
                                                             : static_cast<double>(i));
    case IrType::INT:
    case IrType::U32: {
      if (from_fp) {
        // Exact means an int32 that converts back to the same number.
        if (checked && static_cast<double>(truncate_to_i32(d)) != d) *ok = false;
        // INT: a 32-bit cvttsd2si; U32: a 64-bit one, keeping the low half.
        i = dst == IrType::INT ? truncate_to_i32(d) : truncate_to_i64(d);
      }
      return Value{dst, static_cast<uint64_t>(static_cast<int64_t>(wrap32(i)))};
    }
    case IrType::FLOAT: {
      // A FLOAT value is kept as the double its single-precision rounding is.
      const float f = from_fp ? static_cast<float>(d) : static_cast<float>(i);
      return Value{IrType::FLOAT, std::bit_cast<uint64_t>(static_cast<double>(f))};
    }
    case IrType::I64:
    case IrType::U64: {
      if (from_fp) return Value{dst, static_cast<uint64_t>(truncate_to_i64(d))};
      if (!(op2 & conv::kSignExtend) && src == IrType::INT)
        return Value{dst, static_cast<uint32_t>(i)};
      return Value{dst, static_cast<uint64_t>(i)};
    }
    default: throw Unsupported{"CONV to this type"};
  }
}

}  // namespace semantics

using semantics::compare;
using semantics::int64_arith;
using semantics::int_arith;
using semantics::num_arith;

Value slot_value(const Value& v) {
  switch (v.type) {
    case IrType::INT: return Value::number(v.as_int());
    case IrType::I8: return Value::number(static_cast<int8_t>(v.bits));
    case IrType::U8: return Value::number(static_cast<uint8_t>(v.bits));
    case IrType::I16: return Value::number(static_cast<int16_t>(v.bits));
    case IrType::U16: return Value::number(static_cast<uint16_t>(v.bits));
    case IrType::U32: return Value::number(static_cast<uint32_t>(v.bits));
    default: return v;
  }
}

namespace {

class Evaluator {
 public:
  Evaluator(const Trace& trace, const Binding& binding, MachineState state,
            EvalOptions options)
      : trace_(trace), binding_(binding), options_(options) {
    result_.state = std::move(state);
    values_.resize(trace.nins() - kRefBias);
  }

  EvalResult run() {
    try {
      execute();
    } catch (const Unsupported& unsupported) {
      result_.outcome = Outcome::kInvalid;
      result_.error = unsupported.what;
    }
    return std::move(result_);
  }

 private:
  // The loop: pre-roll once, then the part after LOOP (or the whole trace,
  // when it links to itself) until an exit or the iteration bound.
  void execute() {
    Ref loop = 0;
    for (Ref r = kRefFirst; r < trace_.nins(); ++r)
      if (trace_[r].o == Op::LOOP) loop = r;
    int last = static_cast<int>(trace_.snaps.size()) - 1;
    // At the back edge the loop snapshot (the last one before LOOP) holds
    // the state, its PHI'd references updated to this iteration.
    int loop_snap = loop ? trace_.snapshot_for(loop) : last;
    Ref start = kRefFirst;
    for (;;) {
      for (Ref r = start; r < trace_.nins(); ++r) {
        if (!step(r)) return;
        // The pre-roll is one complete iteration of the recorded loop.
        if (r == loop && ++result_.iterations >= options_.max_iterations) {
          restore(loop_snap, Outcome::kIterationLimit);
          return;
        }
      }
      ++result_.iterations;
      if (loop) {
        take_phis(loop);
        if (result_.iterations >= options_.max_iterations) {
          restore(loop_snap, Outcome::kIterationLimit);
          return;
        }
        start = loop + 1;
        continue;
      }
      if (!trace_.loops_to_self) {
        restore(last, Outcome::kTraceEnd);
        return;
      }
      // Linking to itself means resuming at the start with the stack the
      // last snapshot describes.
      restore(last, Outcome::kIterationLimit);
      if (result_.iterations >= options_.max_iterations) return;
      result_.restored.clear();
      start = kRefFirst;
    }
  }

  // PHI(a, b): at the back edge every a takes the value of its b, all at once.
  void take_phis(Ref loop) {
    std::vector<std::pair<Ref, Value>> updates;
    for (Ref r = loop + 1; r < trace_.nins(); ++r)
      if (trace_[r].o == Op::PHI) updates.emplace_back(trace_[r].op1, value(trace_[r].op2));
    for (auto& [ref, v] : updates) values_[ref - kRefBias] = v;
  }

  void restore(int snapshot, Outcome outcome) {
    if (snapshot < 0) throw Unsupported{"exit without a snapshot"};
    result_.outcome = outcome;
    result_.snapshot = snapshot;
    result_.restored.clear();
    const Snapshot& snap = trace_.snaps[static_cast<size_t>(snapshot)];
    const SnapEntry* entries = trace_.snapshot_entries(static_cast<size_t>(snapshot));
    rebuilt_.clear();
    for (uint32_t e = 0; e < snap.nent; ++e) {
      if (entries[e].has(SnapEntry::kNoRestore)) continue;
      Value v = slot_value(value(entries[e].ref()));
      if (is_placeholder(v)) v = rebuild(entries[e].ref(), snap.ref);
      result_.restored[static_cast<int32_t>(entries[e].slot())] = v;
    }
    for (auto& [slot, v] : result_.restored) result_.state.slots[slot] = v;
  }

  Value constant(Ref k) const {
    const Ins& ins = trace_[k];
    switch (ins.o) {
      case Op::KPRI: return Value{ins.t.base(), 0};
      case Op::KINT: return Value::integer(ins.int_value());
      case Op::KNUM: return Value{IrType::NUM, trace_.payload64(k)};
      case Op::KSLOT: return constant(ins.op1);
      default: return Value{ins.t.base(), trace_.payload64(k)};
    }
  }

  Value value(Ref r) const {
    if (is_constant_ref(r)) return constant(r);
    return values_[r - kRefBias];
  }

  Object& object(const Value& v) {
    auto it = result_.state.objects.find(v.bits);
    if (it == result_.state.objects.end())
      throw Unsupported{absl::StrFormat("no object %#x", v.bits)};
    return it->second;
  }

  // References are (object, kind, key) triples kept in refs_.
  // kString: STRREF, a byte offset into a string (SNEW reads from it).
  enum class RefKind : uint8_t { kArray, kHash, kField, kUpvalue, kString };
  struct MemRef {
    uint64_t object;
    RefKind kind;
    Value key;
  };
  Value make_ref(uint64_t object, RefKind kind, Value key) {
    refs_.push_back(MemRef{object, kind, key});
    return Value{IrType::P64, (uint64_t{1} << 62) | (refs_.size() - 1)};
  }
  const MemRef& memref(const Value& v) const {
    uint64_t index = v.bits & ~(uint64_t{1} << 62);
    if (!(v.bits >> 62) || index >= refs_.size()) throw Unsupported{"not a reference"};
    return refs_[index];
  }

  static Value* hash_slot(Object& obj, const Value& key, bool create) {
    for (auto& [k, v] : obj.hash)
      if (compare(Op::EQ, k, key)) return &v;
    if (!create) return nullptr;
    obj.hash.emplace_back(key, Value::nil());
    return &obj.hash.back().second;
  }

  Value* target(const Value& ref, bool for_store) {
    const MemRef& m = memref(ref);
    Object& obj = object(Value{IrType::TAB, m.object});
    switch (m.kind) {
      case RefKind::kArray: {
        int64_t index = m.key.as_int();
        if (index < 0 || static_cast<size_t>(index) >= obj.array.size())
          throw Unsupported{"array access out of bounds"};
        return &obj.array[static_cast<size_t>(index)];
      }
      case RefKind::kHash: return hash_slot(obj, m.key, for_store);
      case RefKind::kField: return &obj.fields[static_cast<uint16_t>(m.key.bits)];
      case RefKind::kString: throw Unsupported{"a string pointer is no value slot"};
      case RefKind::kUpvalue: {
        size_t index = m.key.bits;
        if (index >= obj.upvalues.size()) throw Unsupported{"no such upvalue"};
        return &obj.upvalues[index];
      }
    }
    return nullptr;
  }

  // A loaded value must have the instruction's type when the load is a guard.
  bool type_matches(Type t, const Value& v) const {
    if (t.base() == v.type) return true;
    return false;
  }

  Value field_default(uint16_t field, const Value& obj) const {
    if (field >= binding_.fields.size()) throw Unsupported{"unknown field"};
    IrType t = binding_.fields[field].type;
    // An unset pointer field points at the object's own storage.
    if (t == IrType::P64) return Value{IrType::P64, obj.bits};
    return Value{t, 0};
  }

  // A sunk allocation has no object while the trace runs: its value is a
  // placeholder that only references to its slots may use.
  static constexpr uint64_t kSunkTag = uint64_t{1} << 61;
  static bool is_placeholder(const Value& v) {
    return (v.bits >> 61) == 1 && v.type >= IrType::STR && v.type <= IrType::UDATA;
  }

  // Sunk instructions do nothing; references into a sunk object stay
  // placeholders. Anything else touching one is an invalid trace.
  bool step_sunk(Ref r, const Ins& ins, bool* handled) {
    *handled = true;
    if (trace_.is_sunk(r)) {
      if (ins.o == Op::TNEW || ins.o == Op::TDUP)
        values_[r - kRefBias] = Value{ins.t.base(), kSunkTag | r};
      return true;
    }
    const OpInfo& oi = ins.op_info();
    bool uses_placeholder =
        (oi.op1 == OperandKind::ref && !is_constant_ref(ins.op1) && is_placeholder(value(ins.op1))) ||
        (oi.op2 == OperandKind::ref && !is_constant_ref(ins.op2) && is_placeholder(value(ins.op2)));
    if (!uses_placeholder) {
      *handled = false;
      return true;
    }
    switch (ins.o) {
      case Op::FLOAD: case Op::AREF: case Op::FREF: case Op::HREF: case Op::NEWREF: case Op::HREFK:
        values_[r - kRefBias] = Value{ins.t.base(), kSunkTag | r};
        return true;
      default:
        throw Unsupported{absl::StrFormat("%04d uses a sunk allocation", static_cast<int>(r - kRefBias))};
    }
  }

  // Rebuilds sunk allocation `alloc` for an exit at snapshot `limit`: a new
  // object with every sunk store into it before the snapshot replayed.
  Value rebuild(Ref alloc, Ref limit) {
    if (auto it = rebuilt_.find(alloc); it != rebuilt_.end()) return it->second;
    const Ins& a = trace_[alloc];
    Object obj;
    if (a.o == Op::TDUP) obj = object(value(a.op1));
    else obj.array.assign(a.op1, Value::nil());
    for (Ref s = alloc + 1; s < limit; ++s) {
      const Ins& store = trace_[s];
      if (!trace_.is_sunk(s) || store.op_info().kind != OpKind::kStore ||
          allocation_of(trace_, store.op1) != alloc)
        continue;
      const Ins& ref = trace_[store.op1];
      Value v = value(store.op2);
      switch (ref.o) {
        case Op::AREF: {
          int32_t i = value(ref.op2).as_int();
          if (i < 0 || static_cast<size_t>(i) >= obj.array.size()) throw Unsupported{"sunk store out of bounds"};
          obj.array[static_cast<size_t>(i)] = v;
          break;
        }
        case Op::FREF: obj.fields[ref.op2] = v; break;
        default: *hash_slot(obj, value(ref.op2), true) = v; break;
      }
    }
    Value rebuilt = allocate(std::move(obj));
    rebuilt_[alloc] = rebuilt;
    return rebuilt;
  }

  // Executes one instruction; false when a guard failed (exit taken).
  bool step(Ref r) {
    const Ins& ins = trace_[r];
    if (options_.record_snapshot_crossings && starts_snapshot(r)) record_crossing(r);
    bool handled;
    if (bool ok = step_sunk(r, ins, &handled); handled) return ok;
    Value& out = values_[r - kRefBias];
    bool ok = true;
    auto a = [&] { return value(ins.op1); };
    auto b = [&] { return value(ins.op2); };
    switch (ins.o) {
      case Op::NOP: case Op::BASE: case Op::LOOP: case Op::USE: case Op::PROF:
      case Op::GCSTEP: case Op::XBAR:
      case Op::RENAME: case Op::CARG:
        break;
      case Op::TBAR: table_barrier(object(a())); break;
      case Op::OBAR: upvalue_barrier(a(), b()); break;
      case Op::PHI: out = value(ins.op1); break;
      case Op::LT: case Op::GE: case Op::LE: case Op::GT: case Op::ULT:
      case Op::UGE: case Op::ULE: case Op::UGT: case Op::EQ: case Op::NE:
        ok = compare(ins.o, a(), b());
        break;
      case Op::ABC:
        ok = static_cast<uint32_t>(b().as_int()) < static_cast<uint32_t>(a().as_int());
        break;
      case Op::ADD: case Op::SUB: case Op::MUL: case Op::DIV: case Op::MOD:
      case Op::POW: case Op::NEG: case Op::ABS: case Op::LDEXP: case Op::MIN:
      case Op::MAX: case Op::BAND: case Op::BOR: case Op::BXOR: case Op::BSHL:
      case Op::BSHR: case Op::BSAR: case Op::BROL: case Op::BROR: case Op::BNOT:
      case Op::BSWAP:
        out = arith(ins, a(), ins.op_info().op2 == OperandKind::ref ? b() : Value{});
        break;
      case Op::ADDOV: case Op::SUBOV: case Op::MULOV: {
        int64_t x = a().as_int(), y = b().as_int();
        int64_t wide = ins.o == Op::ADDOV ? x + y : ins.o == Op::SUBOV ? x - y : x * y;
        ok = wide == wrap32(wide);
        out = Value::integer(wrap32(wide));
        break;
      }
      case Op::FPMATH: out = Value::number(semantics::fpmath(static_cast<FpMath>(ins.op2), a().as_num())); break;
      case Op::CONV: out = semantics::convert(ins.op2, ins.t.is_guard(), a(), &ok); break;
      case Op::TOBIT: {
        double biased = a().as_num() + b().as_num();
        out = Value::integer(static_cast<int32_t>(std::bit_cast<uint64_t>(biased)));
        break;
      }
      case Op::SLOAD: ok = sload(ins, out); break;
      case Op::FLOAD: {
        Value obj = a();
        if (ins.op2 < binding_.fields.size() && binding_.fields[ins.op2].compute) {
          out = binding_.fields[ins.op2].compute(object(obj));
          break;
        }
        auto& fields = object(obj).fields;
        auto it = fields.find(ins.op2);
        out = it != fields.end() ? it->second : field_default(ins.op2, obj);
        break;
      }
      case Op::FREF: out = make_ref(a().bits, RefKind::kField, Value{IrType::INT, ins.op2}); break;
      case Op::AREF: out = make_ref(a().bits, RefKind::kArray, b()); break;
      case Op::HREFK: {
        Value obj = a();
        Value key = value(ins.op2);
        ok = hash_slot(object(obj), key, false) != nullptr;
        out = make_ref(obj.bits, RefKind::kHash, key);
        break;
      }
      case Op::HREF: out = make_ref(a().bits, RefKind::kHash, b()); break;
      case Op::NEWREF: {
        Value obj = a();
        hash_slot(object(obj), b(), true);
        out = make_ref(obj.bits, RefKind::kHash, b());
        break;
      }
      case Op::UREFO: case Op::UREFC: {
        const size_t index = ins.op2 & 0xff;
        out = make_ref(a().bits, RefKind::kUpvalue, Value{IrType::INT, index});
        // Guarded: UREFO holds while the upvalue is open, UREFC once closed.
        if (ins.t.is_guard()) {
          const std::vector<uint8_t>& open = object(a()).upvalue_open;
          ok = (index < open.size() && open[index]) == (ins.o == Op::UREFO);
        }
        break;
      }
      case Op::ALOAD: case Op::HLOAD: case Op::ULOAD: {
        Value* slot = target(a(), false);
        out = slot ? *slot : Value::nil();
        if (ins.t.is_guard()) ok = type_matches(ins.t, out);
        break;
      }
      case Op::ASTORE: case Op::HSTORE: case Op::USTORE: case Op::FSTORE: {
        Value* slot = target(a(), true);
        *slot = b();
        break;
      }
      case Op::TNEW: {
        Object obj;
        obj.type = IrType::TAB;
        obj.array.assign(ins.op1, Value::nil());
        out = allocate(std::move(obj));
        break;
      }
      case Op::TDUP: out = allocate(object(a())); break;
      case Op::CALLN: case Op::CALLA: case Op::CALLL: case Op::CALLS:
        out = call(ins);
        break;
      case Op::CALLXS: out = call_indirect(ins); break;
      case Op::STRREF: out = make_ref(a().bits, RefKind::kString, b()); break;
      case Op::SNEW: out = intern(string_bytes(a(), b().as_int())); break;
      case Op::TOSTR: out = intern(to_string(ins.op2, a())); break;
      case Op::STRTO: {
        double d = 0;
        ok = semantics::string_to_number(object(a()).text, &d);
        out = Value::number(d);
        break;
      }
      case Op::BUFHDR: {
        // APPEND continues a chain, WRITE (a string.buffer written to) the
        // buffer's contents: both keep them.
        if (ins.op2 == bufhdr::kReset) object(a()).text.clear();
        else if (ins.op2 != bufhdr::kAppend && ins.op2 != bufhdr::kWrite) throw Unsupported{"BUFHDR mode"};
        out = a();
        break;
      }
      case Op::BUFPUT: {
        const std::string piece = object(b()).text;  // b may be the buffer's own string
        object(a()).text += piece;
        out = a();
        break;
      }
      case Op::BUFSTR: out = intern(object(a()).text); break;
      default:
        throw Unsupported{absl::StrFormat("opcode %s", std::string(name(ins.o)))};
    }
    if (!ok && ins.t.is_guard()) {
      result_.guard = r;
      restore(trace_.snapshot_for(r), Outcome::kGuardExit);
      return false;
    }
    if (ins.t.is_guard() && options_.record_crossings) record_crossing(r);
    return true;
  }

  bool starts_snapshot(Ref r) const {
    int n = trace_.snapshot_for(r);
    return n >= 0 && trace_.snaps[static_cast<size_t>(n)].ref == r;
  }

  // What an exit at guard `r` would restore now, kept aside; the run then
  // goes on from the state it had.
  void record_crossing(Ref r) {
    MachineState state = result_.state;
    std::map<int32_t, Value> restored = std::move(result_.restored);
    Outcome outcome = result_.outcome;
    int snapshot = result_.snapshot;
    Ref guard = result_.guard;
    result_.guard = r;
    restore(trace_.snapshot_for(r), Outcome::kGuardExit);
    EvalResult crossing;
    crossing.outcome = Outcome::kGuardExit;
    crossing.snapshot = result_.snapshot;
    crossing.guard = r;
    crossing.iterations = result_.iterations;
    crossing.restored = std::move(result_.restored);
    crossing.state = std::move(result_.state);
    result_.crossings.push_back(std::move(crossing));
    result_.state = std::move(state);
    result_.restored = std::move(restored);
    result_.outcome = outcome;
    result_.snapshot = snapshot;
    result_.guard = guard;
  }

  Value arith(const Ins& ins, const Value& x, const Value& y) {
    if (ins.t.is_num()) return Value::number(num_arith(ins.o, x.as_num(), y.as_num()));
    if (ins.t.is_int64())
      return Value{ins.t.base(), static_cast<uint64_t>(int64_arith(
                                      ins.o, static_cast<int64_t>(x.bits), static_cast<int64_t>(y.bits)))};
    const bool signed_only = ins.o == Op::DIV || ins.o == Op::POW;
    if (ins.t.is_int() || (ins.t.is(IrType::U32) && !signed_only))
      return Value{ins.t.base(), static_cast<uint64_t>(static_cast<int64_t>(
                                      int_arith(ins.o, x.as_int(), y.as_int())))};
    throw Unsupported{"arithmetic on this type"};
  }

  // SLOAD reads the stack; a type check (T) guards the slot's type, and an
  // integer SLOAD of a number converts it (checked when T is set).
  bool sload(const Ins& ins, Value& out) {
    auto it = result_.state.slots.find(static_cast<int32_t>(ins.op1));
    Value v = it != result_.state.slots.end() ? it->second : Value::nil();
    bool check = ins.op2 & sload::kTypeCheck;
    if (ins.t.is_int() && v.type == IrType::NUM) {
      // The same conversion as CONV int.num; its check says whether it was exact.
      bool exact = true;
      out = semantics::convert(conv::mode(IrType::INT, IrType::NUM) | conv::kCheck, false, v, &exact);
      // With C the recorder vouches for integrality; T alone demands it.
      return !check || (ins.op2 & sload::kConvert) || exact;
    }
    out = v;
    return !check || type_matches(ins.t, v);
  }

  // Strings are interned: equal contents are one object.
  Value intern(const std::string& text) {
    for (const auto& [id, o] : result_.state.objects)
      if (o.type == IrType::STR && o.text == text) return Value::object(IrType::STR, id);
    Object str;
    str.type = IrType::STR;
    str.text = text;
    const uint64_t id = result_.state.next_object_id;
    result_.state.next_object_id += 16;
    result_.state.objects[id] = std::move(str);
    return Value::object(IrType::STR, id);
  }

  // SNEW's bytes: `length` of them at a STRREF into a string.
  std::string string_bytes(const Value& pointer, int32_t length) {
    const MemRef& m = memref(pointer);
    if (m.kind != RefKind::kString) throw Unsupported{"SNEW of no string pointer"};
    const std::string& text = object(Value{IrType::STR, m.object}).text;
    const int64_t offset = m.key.as_int();
    if (offset < 0 || length < 0 || static_cast<size_t>(offset + length) > text.size())
      throw Unsupported{"SNEW beyond its string"};
    return text.substr(static_cast<size_t>(offset), static_cast<size_t>(length));
  }

  static std::string to_string(uint16_t mode, const Value& v) {
    switch (mode) {
      case tostr::kInt: return std::to_string(v.as_int());
      case tostr::kNum: return semantics::number_to_string(v.as_num());
      case tostr::kChar: return std::string(1, static_cast<char>(v.as_int()));
      default: throw Unsupported{"TOSTR mode"};
    }
  }

  Value allocate(Object obj) {
    uint64_t id = result_.state.next_object_id;
    result_.state.next_object_id += 16;
    obj.type = obj.type;
    result_.state.objects[id] = std::move(obj);
    return Value{IrType::TAB, id};
  }

  void gather_args(Ref r, std::vector<Value>& args) {
    if (!is_constant_ref(r) && trace_[r].o == Op::CARG) {
      gather_args(trace_[r].op1, args);
      args.push_back(value(trace_[r].op2));
    } else {
      args.push_back(value(r));
    }
  }

  // TBAR: a black table written to becomes gray again (LuaJIT's
  // lj_gc_barrierback): not black, on the gray-again list.
  void table_barrier(Object& table) {
    if (!(table.marked & gc_marked::kBlack)) return;
    table.marked &= static_cast<uint8_t>(~gc_marked::kBlack);
    table.gray_again = true;
  }

  // OBAR(upvalue ref, value): a white object stored into a black upvalue
  // is marked (its white bits cleared), as lj_gc_barrieruv does while the
  // collector propagates. Non-objects need no barrier.
  void upvalue_barrier(const Value& ref, const Value& v) {
    const MemRef& m = memref(ref);
    if (m.kind != RefKind::kUpvalue) throw Unsupported{"OBAR of a non-upvalue reference"};
    const std::vector<uint8_t>& colours = object(Value{IrType::TAB, m.object}).upvalue_marked;
    const size_t index = m.key.bits;
    const bool black = index < colours.size() && (colours[index] & gc_marked::kBlack);
    if (!black || !is_gc_object(v.type)) return;
    auto it = result_.state.objects.find(v.bits);
    if (it != result_.state.objects.end()) it->second.marked &= static_cast<uint8_t>(~gc_marked::kWhites);
  }
  static bool is_gc_object(IrType t) { return t == IrType::TAB || t == IrType::FUNC || t == IrType::UDATA; }

  Value call(const Ins& ins) {
    if (ins.op2 >= binding_.calls.size() || !binding_.calls[ins.op2].evaluate)
      throw Unsupported{"call without reference semantics"};
    return call_entry(ins, binding_.calls[ins.op2]);
  }

  // CALLXS calls through a function pointer (op2, a value): its semantics
  // are those of the call table entry with that address.
  Value call_indirect(const Ins& ins) {
    const uint64_t address = value(ins.op2).bits;
    for (const CallInfo& info : binding_.calls)
      if (info.address == address && info.evaluate) return call_entry(ins, info);
    throw Unsupported{absl::StrFormat("indirect call to %#x: not in the call table", address)};
  }

  Value call_entry(const Ins& ins, const CallInfo& info) {
    std::vector<Value> args;
    if (ins.op1 != kRefNil) gather_args(ins.op1, args);
    Value v = info.evaluate(args);
    if (ins.t.is_int() && v.type == IrType::NUM) return Value::integer(static_cast<int32_t>(v.as_num()));
    return v;
  }

  const Trace& trace_;
  const Binding& binding_;
  EvalOptions options_;
  EvalResult result_;
  std::vector<Value> values_;
  std::vector<MemRef> refs_;
  std::map<Ref, Value> rebuilt_;  // sunk allocations rebuilt by this exit
};

}  // namespace

EvalResult evaluate(const Trace& trace, const Binding& binding,
                    MachineState state, EvalOptions options) {
  return Evaluator(trace, binding, std::move(state), options).run();
}

std::string describe(const EvalResult& result) {
  static constexpr const char* kOutcomes[] = {"guard exit", "iteration limit", "trace end", "invalid"};
  std::string out = absl::StrFormat("%s", kOutcomes[static_cast<int>(result.outcome)]);
  if (result.outcome == Outcome::kGuardExit)
    out += absl::StrFormat(" at %04d", static_cast<int>(result.guard - kRefBias));
  out += absl::StrFormat(", snapshot #%d after %d iterations", result.snapshot, result.iterations);
  if (!result.error.empty()) out += ": " + result.error;
  for (const auto& [slot, v] : result.state.slots)
    out += absl::StrFormat("\n  slot %d = %s %#x", slot, std::string(name(v.type)), v.bits);
  return out;
}

}  // namespace lj::ir
