// The interpreter loop: one function, computed-goto dispatch through
// Vm::dispatch_. Lua->Lua calls, tail calls, returns, metamethod calls
// (continuation frames), pcall/xpcall, iterators and coroutine switches are
// all jumps inside this function; only C functions calling back into Lua
// (Vm::call) nest a new invocation. Errors are LuaError exceptions caught
// at the loop level, which unwinds to the nearest protecting frame and goes
// on in the same invocation.
#include <bit>
#include <cmath>
#include <cstring>
#include <string>
#include <utility>

#include "lj/vm/interp/bit_ops.h"
#include "lj/vm/interp/debug.h"
#include "lj/vm/interp/floor.h"
#include "lj/vm/interp/vm.h"

namespace lj::interp {

namespace {

using bc::Op;
using vm::Metamethod;

constexpr int kMaxNesting = 200;   // C -> Lua nesting (LuaJIT's LUAI_MAXCCALLS)
constexpr uint32_t kMinStack = 20;  // free slots a C function may use

// Coroutine phases, kept in Thread::coroutine_phase.
enum CoPhase : uint32_t { kCoMain = 0, kCoFresh, kCoSuspended, kCoRunning, kCoNormal, kCoDead };

// Continuation word: kind in the low byte, a slot index above.
TValue continuation(Continuation kind, uint32_t slot = 0) {
  return TValue{static_cast<uint64_t>(kind) | (uint64_t{slot} << 8)};
}

// Arithmetic operators in the order of their metamethods.
enum class Arith : uint8_t { Add, Sub, Mul, Div, Mod, Pow, Unm };

Metamethod arith_metamethod(Arith op) {
  return static_cast<Metamethod>(static_cast<int>(Metamethod::Add) + static_cast<int>(op));
}

[[gnu::always_inline]] inline double arith(Arith op, double x, double y) {
  switch (op) {
    case Arith::Add: return x + y;
    case Arith::Sub: return x - y;
    case Arith::Mul: return x * y;
    case Arith::Div: return x / y;
    case Arith::Mod: return lua_modulo(x, y);
    case Arith::Pow: return std::pow(x, y);
    case Arith::Unm: return -x;
  }
  return 0;
}

// Lua 5.1's number coercion for arithmetic (strings that look like numbers).
bool to_number(TValue v, double* out) {
  if (v.is_number()) {
    *out = v.as_number();
    return true;
  }
  if (v.is_string()) return Vm::string_to_number(v.as_string()->view(), out);
  return false;
}

// Which arithmetic operator an ADD*..MOD* / POW / UNM opcode applies.
Arith arith_of(Op op) {
  switch (op) {
    case Op::ADDVN: case Op::ADDNV: case Op::ADDVV: return Arith::Add;
    case Op::SUBVN: case Op::SUBNV: case Op::SUBVV: return Arith::Sub;
    case Op::MULVN: case Op::MULNV: case Op::MULVV: return Arith::Mul;
    case Op::DIVVN: case Op::DIVNV: case Op::DIVVV: return Arith::Div;
    case Op::MODVN: case Op::MODNV: case Op::MODVV: return Arith::Mod;
    case Op::POW: return Arith::Pow;
    default: return Arith::Unm;
  }
}

// A fresh copy of a TDUP template table.
Table* duplicate_table(GlobalState& g, const Table* tpl) {
  Table* t = g.new_table(tpl->asize, 0);
  for (uint32_t i = 0; i < tpl->asize; i++) t->array[i] = tpl->array[i];
  if (tpl->hmask) {
    uint32_t bits = 0;
    while ((1u << bits) < tpl->hmask + 1) bits++;
    t->resize(g, tpl->asize, bits);
    for (uint32_t i = 0; i <= tpl->hmask; i++) {
      const vm::Node& n = tpl->node[i];
      if (!n.val.is_nil()) t->set(g, n.key, n.val);
    }
  }
  return t;
}

// The prototype of a Lua closure: its bytecode follows the Proto header
// (Function::proto() out of line would cost a call per return).
inline Proto* proto_of(const Function* fn) {
  return reinterpret_cast<Proto*>(const_cast<char*>(reinterpret_cast<const char*>(fn->pc)) - sizeof(Proto));
}

// Array slot of an integer-valued number key, or null. (The type test
// first: the generic paths see string keys, which it rejects cheaply.)
[[gnu::always_inline]] inline TValue* array_slot(Table* t, TValue key) {
  uint64_t i;
  return key.is_number() && t->array_index(key, i) ? &t->array[i] : nullptr;
}

// A numeric for counts up unless its step's sign bit is set, as LuaJIT
// tests it: a -0 step counts down (and so does NaN, whose canonical form
// has the sign bit). A step >= 0 test would send -0 up.
[[gnu::always_inline]] inline bool counts_up(TValue step) { return static_cast<int64_t>(step.u64) >= 0; }

// KPRI/ISEQP/USETP's D (0 nil, 1 false, 2 true) as a value: the itype is
// ~D, so the bits are ~(D << 47) (TValue::primitive without the branch).
[[gnu::always_inline]] constexpr TValue primitive_constant(uint32_t d) {
  return TValue{~(uint64_t{d} << 47)};
}
static_assert(primitive_constant(bc::kPriNil) == TValue::nil() &&
              primitive_constant(bc::kPriFalse) == TValue::boolean(false) &&
              primitive_constant(bc::kPriTrue) == TValue::boolean(true));

// The function of a Lua frame: call_entry put a function in base[-2], so
// the hot paths skip as_function()'s check.
[[gnu::always_inline]] inline Function* frame_function(const TValue* base) {
  return reinterpret_cast<Function*>(base[-2].u64 & TValue::kPayloadMask);
}

// Moves nres results to dst as a caller that wants `wanted` of them.
[[gnu::always_inline]] inline void return_fixed(TValue* dst, const TValue* res, uint32_t nres, uint32_t wanted) {
  uint32_t copied = nres < wanted ? nres : wanted;
  for (uint32_t i = 0; i < copied; i++) dst[i] = res[i];
  for (uint32_t i = copied; i < wanted; i++) dst[i] = TValue::nil();
}

// The first `count` of nargs arguments are all numbers.
[[gnu::always_inline]] inline bool numbers(const TValue* args, uint32_t count, uint32_t nargs) {
  if (nargs < count) return false;
  for (uint32_t i = 0; i < count; i++) {
    if (!args[i].is_number()) return false;
  }
  return true;
}

// One bit.* result as a number.
[[gnu::always_inline]] inline bool bits_result(uint32_t bits, TValue& out) {
  out = TValue::number(static_cast<int32_t>(bits));
  return true;
}
[[gnu::always_inline]] inline uint32_t bits_of(TValue v) { return bit_ops::num_to_bit(v.as_number()); }

// bit.tobit/bnot of a number.
template <uint32_t (*kOp)(uint32_t)>
[[gnu::always_inline]] inline bool unary_bits(const TValue* args, uint32_t nargs, TValue& out) {
  return numbers(args, 1, nargs) && bits_result(kOp(bits_of(args[0])), out);
}
// band/bor/bxor of up to 4 numbers (md5's longest); more go generic.
template <uint32_t (*kOp)(uint32_t, uint32_t)>
[[gnu::always_inline]] inline bool fold_bits(const TValue* args, uint32_t nargs, TValue& out) {
  if (nargs == 0 || nargs > 4 || !numbers(args, nargs, nargs)) return false;
  uint32_t acc = bits_of(args[0]);
  for (uint32_t i = 1; i < nargs; i++) acc = kOp(acc, bits_of(args[i]));
  return bits_result(acc, out);
}
// Shifts and rotates of two numbers, the count modulo 32.
template <uint32_t (*kOp)(uint32_t, uint32_t)>
[[gnu::always_inline]] inline bool shift_bits(const TValue* args, uint32_t nargs, TValue& out) {
  return numbers(args, 2, nargs) && bits_result(kOp(bits_of(args[0]), bits_of(args[1]) & 31), out);
}
// math.floor/abs/sqrt of a number (same bits as math.cc's std:: calls).
template <double (*kOp)(double)>
[[gnu::always_inline]] inline bool unary_math(const TValue* args, uint32_t nargs, TValue& out) {
  if (!numbers(args, 1, nargs)) return false;
  out = TValue::number(kOp(args[0].as_number()));
  return true;
}
[[gnu::always_inline]] inline double abs_number(double x) { return std::fabs(x); }
[[gnu::always_inline]] inline double sqrt_number(double x) { return std::sqrt(x); }

// The fast functions CALL answers itself and how (one table: the switch
// below and the range test come from it).
#define LJ_INLINE_FAST(_)                                                                   \
  _(BitTobit, unary_bits<bit_ops::same>) _(BitBnot, unary_bits<bit_ops::flip>)              \
  _(BitBand, fold_bits<bit_ops::and_bits>) _(BitBor, fold_bits<bit_ops::or_bits>)           \
  _(BitBxor, fold_bits<bit_ops::xor_bits>) _(BitLshift, shift_bits<bit_ops::shift_left>)    \
  _(BitRshift, shift_bits<bit_ops::shift_right>)                                            \
  _(BitArshift, shift_bits<bit_ops::shift_right_arith>)                                     \
  _(BitRol, shift_bits<bit_ops::rotate_left>) _(BitRor, shift_bits<bit_ops::rotate_right>)  \
  _(MathFloor, unary_math<floor_number>) _(MathAbs, unary_math<abs_number>)                 \
  _(MathSqrt, unary_math<sqrt_number>)

// The ids inline_result answers lie in one range (vm.h's order), so other
// C functions pay one compare before call_entry, not a call.
#define LJ_INLINE_IN_RANGE(name, answer) static_assert(kFf##name >= kFfBitTobit && kFf##name <= kFfMathSqrt);
LJ_INLINE_FAST(LJ_INLINE_IN_RANGE)
#undef LJ_INLINE_IN_RANGE
[[gnu::always_inline]] inline bool inline_candidate(const TValue* callee) {
  TValue fnv = callee[-2];
  if (!fnv.is_function()) return false;
  return static_cast<uint8_t>(fnv.as_function()->ffid - kFfBitTobit) <= kFfMathSqrt - kFfBitTobit;
}

// The hottest library functions, answered by CALL itself for number
// arguments: no indirect call and none of call_entry's tests (LuaJIT's
// fast functions are a few instructions too). The result is in out and
// true; anything else is false and goes through call_entry to the
// library's fast path or C function, which convert strings and raise.
// The callee is a function (inline_candidate).
[[gnu::always_inline]] inline bool inline_result(const TValue* args, uint32_t nargs, TValue& out) {
  switch (reinterpret_cast<const Function*>(args[-2].u64 & TValue::kPayloadMask)->ffid) {
#define LJ_INLINE_CASE(name, answer) \
  case kFf##name:                    \
    return answer(args, nargs, out);
    LJ_INLINE_FAST(LJ_INLINE_CASE)
#undef LJ_INLINE_CASE
    default: return false;
  }
}

// A string constant of the running prototype (boxed once by the loader).
[[gnu::always_inline]] inline TValue string_constant(const Proto* pt, uint32_t index) {
  return TValue::gc_trusted(pt->kgc(index), vm::TypeTag::String);
}

// -- Fast paths -------------------------------------------------------------------
// Each opcode's handler tries the common case inline (numbers, present table
// slots) and jumps to the shared generic code for everything else; the
// generic code decides coercions, metamethods and errors as before.

// Where an arithmetic opcode takes its operands: V a slot, N a number constant.
enum class Operands : uint8_t { VN, NV, VV };

// Both operands numbers: the result is in A and true; false leaves the
// instruction to the generic path.
template <Arith op, Operands form>
[[gnu::always_inline]] inline bool arith_numbers(TValue* base, const Proto* pt, uint32_t ins) {
  uint32_t b = bc::BOf(ins), c = bc::COf(ins);
  TValue x = form == Operands::NV ? pt->knum(c) : base[b];
  TValue y = form == Operands::VN ? pt->knum(c) : form == Operands::NV ? base[b] : base[c];
  if (!x.is_number() || !y.is_number()) [[unlikely]] return false;
  // Negation and pow can make a NaN other than the canonical one.
  static_assert(op != Arith::Unm, "negation flips a NaN's sign: it needs TValue::number");
  double r = arith(op, x.as_number(), y.as_number());
  base[bc::AOf(ins)] = op == Arith::Pow ? TValue::number(r) : TValue::number_from_arith(r);
  return true;
}

// The jump of a comparison: the JMP after it is taken when the test holds.
[[gnu::always_inline]] inline const uint32_t* branch(const uint32_t* pc, bool holds) {
  return holds ? pc + 1 + bc::JOf(*pc) : pc + 1;
}

// ISLT/ISGE/ISLE/ISGT on two numbers: the next pc (null: the generic path;
// pc goes by value, so the loop's pc can live in a register).
template <Op op>
[[gnu::always_inline]] inline const uint32_t* order_numbers(const TValue* base, uint32_t ins, const uint32_t* pc) {
  TValue x = base[bc::AOf(ins)], y = base[bc::DOf(ins)];
  if (!x.is_number() || !y.is_number()) [[unlikely]] return nullptr;
  double a = x.as_number(), b = y.as_number();
  bool holds = op == Op::ISLT ? a < b : op == Op::ISGE ? !(a < b) : op == Op::ISLE ? a <= b : !(a <= b);
  return branch(pc, holds);
}

// IST/ISF/ISTC/ISFC: the next pc. The C forms also copy the tested value
// to A when the jump is taken. (One label each: no opcode test at run time.)
template <Op op>
[[gnu::always_inline]] inline const uint32_t* test_truth(TValue* base, uint32_t ins, const uint32_t* pc) {
  constexpr bool kJumpIfTrue = op == Op::ISTC || op == Op::IST;
  TValue v = base[bc::DOf(ins)];
  if (v.is_truthy() != kJumpIfTrue) return pc + 1;
  if constexpr (op == Op::ISTC || op == Op::ISFC) base[bc::AOf(ins)] = v;
  return pc + 1 + bc::JOf(*pc);
}

// ISEQ*/ISNE* when no __eq can decide: everything except two distinct
// tables or two distinct userdata under ISEQV/ISNEV: the next pc (null: the
// generic path).
template <Op op>
[[gnu::always_inline]] inline const uint32_t* equal_raw(const TValue* base, const Proto* pt, uint32_t ins,
                                                        const uint32_t* pc) {
  constexpr bool kWantEqual = op == Op::ISEQV || op == Op::ISEQS || op == Op::ISEQN || op == Op::ISEQP;
  TValue x = base[bc::AOf(ins)];
  uint32_t d = bc::DOf(ins);
  bool eq;
  if constexpr (op == Op::ISEQV || op == Op::ISNEV) {
    TValue y = base[d];
    if (x.is_number() && y.is_number()) eq = x.as_number() == y.as_number();
    else if (x.u64 == y.u64) eq = true;
    else if ((x.is_table() && y.is_table()) || (x.is_userdata() && y.is_userdata())) return nullptr;
    else eq = false;
  } else if constexpr (op == Op::ISEQS || op == Op::ISNES) {
    eq = x == string_constant(pt, d);
  } else if constexpr (op == Op::ISEQN || op == Op::ISNEN) {
    eq = x.is_number() && x.as_number() == pt->knum(d).as_number();
  } else {
    eq = x == primitive_constant(d);
  }
  return branch(pc, eq == kWantEqual);
}

// The keys a fast path may see: TGETS/TSETS/GSET pass string constants,
// which skip the array test (GCC cannot fold the truncation away for them).
enum class Keys { kAny, kStrings };

// t[key] when no __index can be involved: a present value, or any value of
// a table without a metatable. Array part and string keys only.
template <Keys kKeys = Keys::kAny>
[[gnu::always_inline]] inline bool get_fast(TValue obj, TValue key, TValue& out) {
  if (!obj.is_table()) [[unlikely]] return false;
  Table* t = obj.as_table();
  TValue v;
  // The array slot first: an integer key is the hot case of TGETV (loops).
  // (An index, not a slot pointer: GCC would test the pointer for null.)
  if (uint64_t i; kKeys == Keys::kAny && t->array_index(key, i)) {
    v = t->array[i];
  } else if (key.is_string()) {
    v = t->get_str(key.as_string());
  } else {
    // Any other key is a raw hash lookup (a nil or NaN key reads as nil).
    v = t->has_hash_part() ? t->get(key) : TValue::nil();
  }
  if (v.is_nil() && t->metatable) return false;
  out = v;
  return true;
}

// How many __index tables a method lookup follows inline (the generic
// path then goes on and reports a loop).
constexpr int kInlineIndexChain = 8;

// TGETS after get_fast missed in the table obj (nil there, and a
// metatable): follows __index tables, as method lookups through a class and
// its bases do, and stores the value in A. False for whatever the generic
// path must decide: an __index function or non-table, no __index, a longer
// chain. Out of line, decoding its operands itself: inlined, GCC kept the
// operands of this miss path in stack slots, stored on every TGETS.
[[gnu::noinline]] bool get_inherited(const GlobalState& g, TValue* base, const Proto* pt, uint32_t ins) {
  TValue obj = base[bc::BOf(ins)];
  if (!obj.is_table()) return false;
  Table* t = obj.as_table();
  String* key = reinterpret_cast<String*>(pt->kgc(bc::COf(ins)));
  String* index_name = g.metamethod_name(Metamethod::Index);
  for (int depth = 0; depth < kInlineIndexChain && t->metatable; depth++) {
    TValue handler = t->metatable->get_str(index_name);
    if (!handler.is_table()) return false;
    t = handler.as_table();
    TValue v = t->get_str(key);
    if (!v.is_nil() || !t->metatable) {
      base[bc::AOf(ins)] = v;
      return true;
    }
  }
  return false;
}

// Stores into an existing slot of t unless __newindex could be involved: an
// empty slot of a table whose metatable is not known to lack __newindex
// (LuaJIT's TSETS tests the same nomm bit). The barrier tests only the
// table's color, as LuaJIT's TSETV does: a black table turns gray whatever
// the value (one bit test instead of a type test on every store).
static_assert(static_cast<int>(Metamethod::NewIndex) < vm::kFastMetamethods);
[[gnu::always_inline]] inline bool store_slot(Vm& vm, Table* t, TValue* slot, TValue value) {
  if (slot->is_nil() && t->metatable && !t->metatable->known_absent(Metamethod::NewIndex)) return false;
  *slot = value;
  // (The Vm, not its GlobalState: GCC would load vm.g_ on every store.)
  if (t->marked & vm::mark::kBlack) [[unlikely]] vm.global().barrier_back(t);
  return true;
}

// t[key] = value into an existing slot (array part, or a string key
// present in the hash part) when no __newindex can be involved.
template <Keys kKeys = Keys::kAny>
[[gnu::always_inline]] inline bool set_fast(Vm& vm, TValue obj, TValue key, TValue value) {
  if (!obj.is_table()) [[unlikely]] return false;
  Table* t = obj.as_table();
  // The array slot first: an integer key is the hot case of TSETV.
  TValue* slot;
  if (uint64_t i; kKeys == Keys::kAny && t->array_index(key, i)) {
    slot = &t->array[i];
  } else {
    if (!key.is_string()) return false;
    slot = t->find_str(key.as_string());
    if (!slot) return false;
    t->nomm = 0;  // the key may name a metamethod: drop the negative cache
  }
  return store_slot(vm, t, slot, value);
}

}  // namespace

// The loop and its helpers; a class so it can reach Vm's internals.
class Interpreter {
 public:
  // Runs from a frame whose link is C: entry_base is its base, nargs its
  // argument count. Returns when that frame returns. L == nullptr only
  // fills the label tables.
  static void run(Vm& vm, Thread* L, TValue* entry_base, uint32_t nargs);

 private:
  // Cold paths take the loop's registers by value and live out of line: a
  // lambda capturing pc or base by reference would pin them to memory.
  [[noreturn, gnu::cold, gnu::noinline]] static void fail(Vm& vm, Thread* L, const uint32_t* pc,
                                                         const std::string& msg);
  // "local 'x' (a nil value)" or " a nil value" for the running instruction.
  [[gnu::cold, gnu::noinline]] static std::string culprit(const Proto* pt, const uint32_t* pc, int slot,
                                                          TValue v);
  [[noreturn, gnu::cold, gnu::noinline]] static void fail_index(Vm& vm, Thread* L, const Proto* pt,
                                                               const uint32_t* pc, int slot, TValue obj);
  [[noreturn, gnu::cold, gnu::noinline]] static void fail_arith(Vm& vm, Thread* L, const Proto* pt,
                                                               const uint32_t* pc, int slot_b, TValue b,
                                                               int slot_c, TValue c);
  [[noreturn, gnu::cold, gnu::noinline]] static void fail_compare(Vm& vm, Thread* L, const uint32_t* pc,
                                                                 TValue a, TValue b);
  // Makes `need` slots available above `from`; returns how far the stack moved.
  static ptrdiff_t ensure_stack(Vm& vm, Thread* L, const uint32_t* pc, TValue* from, uint32_t need) {
    if (from + need <= L->maxstack) [[likely]] return 0;
    return grow_stack(vm, L, pc, from, need);
  }
  [[gnu::noinline]] static ptrdiff_t grow_stack(Vm& vm, Thread* L, const uint32_t* pc, TValue* from,
                                                uint32_t need);
  // Hot counter of the loop/function instruction just dispatched (pc past it).
  // While the JIT is off the counting opcodes dispatch to their I* twins
  // (Vm::refresh_dispatch); ITERN has none and checks the switch itself.
  [[gnu::always_inline]] static void count_hot(Vm& vm, const uint32_t* pc, uint16_t decrement) {
    uint16_t& c = vm.hotcount_[(reinterpret_cast<uintptr_t>(pc) >> 2) & (Vm::kHotCounters - 1)];
    if (c < decrement) [[unlikely]] return fire_hot(vm, pc);
    c = static_cast<uint16_t>(c - decrement);
  }
  [[gnu::noinline]] static void fire_hot(Vm& vm, const uint32_t* pc);
  // CALLT/CALLMT: the callee replaces the running frame (a vararg frame
  // first drops its shift). Moves the function and nargs arguments down
  // and returns the callee's base.
  [[gnu::always_inline]] static TValue* replace_frame(TValue* base, uint32_t ins, TValue fn, uint32_t nargs) {
    TValue* fb = base;
    if (!is_lua_link(fb[-1]) && link_typep(fb[-1]) == kFrameVarg) fb -= link_delta(fb[-1]);
    fb[-2] = fn;
    for (uint32_t i = 0; i < nargs; i++) fb[i] = base[bc::AOf(ins) + 2 + i];
    return fb;
  }
  // Parameters the caller did not pass read as nil (LuaJIT's FUNCF does
  // this; here the call does, which knows nargs without reading L->top).
  // Extra arguments stay: FUNCV moves them, FUNCF's frame ignores them.
  [[gnu::always_inline]] static void fill_parameters(TValue* callee, uint32_t nargs, const Proto* npt) {
    for (uint32_t i = nargs; i < npt->numparams; i++) callee[i] = TValue::nil();
  }
  // CALL/CALLM of a Lua function whose frame fits the stack (the link is
  // written): enters it and returns true, so most calls skip call_entry's
  // loop-wide newbase/nargs (which live in memory). False leaves __call,
  // C functions and stack growth to call_entry.
  [[gnu::always_inline]] static bool enter_lua(Thread* L, TValue*& base, const uint32_t*& pc, Proto*& pt,
                                               TValue* callee, uint32_t nargs) {
    TValue fnv = callee[-2];
    if (!fnv.is_function()) [[unlikely]] return false;
    Function* fn = reinterpret_cast<Function*>(fnv.u64 & TValue::kPayloadMask);
    if (!fn->is_lua()) return false;
    Proto* npt = proto_of(fn);
    // One test covers LuaJIT's limit too (see call_entry).
    if (callee + npt->framesize + kMinStack > L->maxstack) [[unlikely]] return false;
    fill_parameters(callee, nargs, npt);
    L->top = callee + nargs;
    base = callee;
    L->base = callee;
    pt = npt;
    pc = fn->pc;
    return true;
  }
  // CALL/CALLM of one of the hottest library functions (inline_result):
  // stores its one result as the instruction wants it (B=0: all, as
  // multres) and returns true. Hooks must see the C function run instead.
  // Out of line: inlined, it moved GCC's register choices in every handler
  // (fib, tak +3% instructions; docs/interpreter-profile.md, round 6).
  [[gnu::noinline]] static bool call_inline(Vm& vm, TValue* callee, uint32_t nargs, uint32_t ins) {
    TValue r;
    if (vm.hooked_ || !inline_result(callee, nargs, r)) return false;
    if (uint32_t wanted = bc::BOf(ins); wanted != 0) {
      return_fixed(callee - 2, &r, 1, wanted - 1);
    } else {
      callee[-2] = r;
      vm.multres_ = 1;
    }
    return true;
  }
  // RET0/RET1 back to a Lua caller that wants exactly kResults results or
  // all of them (the result slot lies inside its frame, so its top needs no
  // raise): switches the loop's registers to the caller and returns true.
  // The count is a template argument, so neither opcode tests it at run time.
  template <uint32_t kResults>
  [[gnu::always_inline]] static bool return_to_lua(Vm& vm, Thread* L, TValue*& base, const uint32_t*& pc,
                                                   Proto*& pt, uint32_t ins) {
    TValue link = base[-1];
    if (!is_lua_link(link)) return false;
    if (uint32_t wanted = bc::BOf(link_pc(link)[-1]); wanted != kResults + 1) {
      if (wanted != 0) return false;
      vm.multres_ = kResults;  // a CALLM/RETM/TSETM after the call takes them all
    }
    pc = link_pc(link);
    if constexpr (kResults == 1) base[-2] = base[bc::AOf(ins)];
    base = base - 2 - bc::AOf(pc[-1]);
    L->base = base;
    pt = proto_of(frame_function(base));
    L->top = base + pt->framesize;
    return true;
  }
  // Pushes n results for the resumer of a finished/yielding coroutine:
  // writes them above its top and returns where they start.
  static TValue* copy_to_thread(GlobalState& g, Thread* to, const TValue* from, uint32_t n, bool lead_true);
};

void Interpreter::fail(Vm& vm, Thread* L, const uint32_t* pc, const std::string& msg) {
  // The loop stores pc only where something can observe it: here, for the position.
  if (pc) vm.savedpc_ = pc;
  vm.error_at(L, 0, msg);
}

std::string Interpreter::culprit(const Proto* pt, const uint32_t* pc, int slot, TValue v) {
  std::string name = slot >= 0 ? describe_slot(pt, pc_index(pt, pc), static_cast<uint32_t>(slot)) : std::string();
  if (name.empty()) return std::string(" a ") + v.type_name() + " value";
  return name + " (a " + v.type_name() + " value)";
}

void Interpreter::fail_index(Vm& vm, Thread* L, const Proto* pt, const uint32_t* pc, int slot, TValue obj) {
  fail(vm, L, pc, "attempt to index" + culprit(pt, pc, slot, obj));
}

void Interpreter::fail_arith(Vm& vm, Thread* L, const Proto* pt, const uint32_t* pc, int slot_b, TValue b,
                             int slot_c, TValue c) {
  double dummy;
  bool b_bad = !to_number(b, &dummy);
  int slot = b_bad ? slot_b : slot_c;
  TValue v = b_bad ? b : c;
  fail(vm, L, pc, "attempt to perform arithmetic on" + culprit(pt, pc, slot, v));
}

void Interpreter::fail_compare(Vm& vm, Thread* L, const uint32_t* pc, TValue a, TValue b) {
  const char* ta = a.type_name();
  const char* tb = b.type_name();
  if (std::strcmp(ta, tb) == 0) fail(vm, L, pc, std::string("attempt to compare two ") + ta + " values");
  fail(vm, L, pc, std::string("attempt to compare ") + ta + " with " + tb);
}

ptrdiff_t Interpreter::grow_stack(Vm& vm, Thread* L, const uint32_t* pc, TValue* from, uint32_t need) {
  // Past LuaJIT's limit: an error at the running instruction.
  if (static_cast<size_t>(from - L->stack) + need > vm::kStackMaxSlots) fail(vm, L, pc, "stack overflow");
  if (pc) vm.savedpc_ = pc;
  TValue* old_stack = L->stack;
  TValue* saved_top = L->top;
  if (L->top < from) L->top = from;
  L->grow_stack(vm.g_, need);
  ptrdiff_t moved = L->stack - old_stack;
  L->top = saved_top + moved;
  return moved;
}

void Interpreter::fire_hot(Vm& vm, const uint32_t* pc) {
  vm.hotcount_[(reinterpret_cast<uintptr_t>(pc) >> 2) & (Vm::kHotCounters - 1)] =
      static_cast<uint16_t>(vm.hotloop_ * 2);
  vm.savedpc_ = pc;
  if (vm.on_hot) vm.on_hot(pc);
}

TValue* Interpreter::copy_to_thread(GlobalState& g, Thread* to, const TValue* from, uint32_t n, bool lead_true) {
  uint32_t need = n + 2 + kMinStack;
  if (to->top + need > to->maxstack) to->grow_stack(g, need);
  TValue* dst = to->top;
  uint32_t k = 0;
  if (lead_true) dst[k++] = TValue::boolean(true);
  for (uint32_t i = 0; i < n; i++) dst[k++] = from[i];
  return dst;
}

// Label addresses are code addresses, valid forever; GCC mistakes storing
// them in the VM for a dangling pointer to a local.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
void Interpreter::run(Vm& vm, Thread* L, TValue* entry_base, uint32_t entry_nargs) {
  // Handler labels in opcode order, generated from the opcode table.
  static const void* const kLabels[] = {
#define LJ_BC_LABEL(name, ma, mb, mc, mm) &&op_##name,
      LJ_BC_OPCODES(LJ_BC_LABEL)
#undef LJ_BC_LABEL
  };
  static const void* const kHookLabel[] = {&&hook};
  if (L == nullptr) {
    for (int i = 0; i < bc::kNumOpcodes; i++) vm.labels_[i] = vm.handlers_[i] = vm.dispatch_[i] = kLabels[i];
    vm.hook_label_ = kHookLabel[0];
    return;
  }

  // Interpreter registers. L->base always equals base while Lua runs.
  TValue* base = nullptr;
  const uint32_t* pc = nullptr;
  Proto* pt = nullptr;
  // The instruction being run; its A operand is read where needed (a
  // register kept for it across calls cost pc its register).
  uint32_t ins = 0;
  // Call setup: function at newbase-2, link at newbase-1, nargs arguments.
  TValue* newbase = entry_base;
  uint32_t nargs = entry_nargs;
  // Return: frame at fbase, results res[0..nres).
  TValue* fbase = nullptr;
  TValue* res = nullptr;
  uint32_t nres = 0;
  // Metamethod call from an instruction (continuation frame).
  TValue mm_fn = TValue::nil(), mm_a = TValue::nil(), mm_b = TValue::nil();
  TValue mm_c = TValue::nil(), mm_cont = TValue::nil();
  uint32_t mm_nargs = 0;
  // Work of a pending CAT: slots cat_first..cat_top remain.
  uint32_t cat_first = 0, cat_top = 0;
  // What to do when (re-)entering the try block.
  enum class Resume { Call, Return, Raise } resume = Resume::Call;
  TValue raise_value = TValue::nil();

  for (;;) {
    try {
      switch (resume) {
        case Resume::Call: goto call_entry;
        case Resume::Return: goto do_return;
        case Resume::Raise: vm.g_.raise(raise_value);
      }

    // -- Dispatch ------------------------------------------------------------
    next:
      // No per-instruction store of pc: Vm::savedpc_ is written only where
      // something can observe it (calls out, errors, GC steps, hooks; fail()).
      ins = *pc++;
      goto *vm.dispatch_[ins & 0xff];

    hook:
      // The dispatch update routes every instruction here first.
      vm.savedpc_ = pc;
      if (vm.on_instruction) {
        // FUNCF/FUNCV read the argument count from L->top and CALLM/RETM
        // read Vm::multres_: a hook (which may run Lua) leaves both as found.
        ptrdiff_t top_offset = L->top - L->stack;
        uint32_t multres = vm.multres_;
        vm.on_instruction(pc);
        base = L->base;  // a debug hook may have moved the stack
        L->top = L->stack + top_offset;
        vm.multres_ = multres;
      }
      // Re-read the instruction so it need not survive the call in a register.
      ins = pc[-1];
      goto *vm.handlers_[ins & 0xff];

    // -- Comparisons ------------------------------------------------------------
    op_ISLT: if (const uint32_t* to = order_numbers<Op::ISLT>(base, ins, pc)) { pc = to; goto next; } goto compare_generic;
    op_ISGE: if (const uint32_t* to = order_numbers<Op::ISGE>(base, ins, pc)) { pc = to; goto next; } goto compare_generic;
    op_ISLE: if (const uint32_t* to = order_numbers<Op::ISLE>(base, ins, pc)) { pc = to; goto next; } goto compare_generic;
    op_ISGT: if (const uint32_t* to = order_numbers<Op::ISGT>(base, ins, pc)) { pc = to; goto next; } goto compare_generic;
    compare_generic: {
      TValue x = base[bc::AOf(ins)], y = base[bc::DOf(ins)];
      Op op = bc::OpOf(ins);
      bool holds;
      if (x.is_number() && y.is_number()) {
        double a = x.as_number(), b = y.as_number();
        holds = op == Op::ISLT ? a < b : op == Op::ISGE ? !(a < b) : op == Op::ISLE ? a <= b : !(a <= b);
      } else if (x.is_string() && y.is_string()) {
        std::string_view a = x.as_string()->view(), b = y.as_string()->view();
        holds = op == Op::ISLT ? a < b : op == Op::ISGE ? !(a < b) : op == Op::ISLE ? a <= b : !(a <= b);
      } else {
        // Metamethods: __lt for < and >=, __le (or not __lt swapped) for <= and >.
        bool is_lt = op == Op::ISLT || op == Op::ISGE;
        bool negate = op == Op::ISGE || op == Op::ISGT;
        TValue mm = vm.shared_metamethod(x, y, is_lt ? Metamethod::Lt : Metamethod::Le);
        if (mm.is_nil() && !is_lt) {
          mm = vm.shared_metamethod(y, x, Metamethod::Lt);
          if (!mm.is_nil()) {
            std::swap(x, y);
            negate = !negate;
          }
        }
        if (mm.is_nil()) fail_compare(vm, L, pc, x, y);
        mm_fn = mm;
        mm_a = x;
        mm_b = y;
        mm_nargs = 2;
        mm_cont = continuation(negate ? Continuation::TestNot : Continuation::Test);
        goto mm_call;
      }
      if (holds) pc += 1 + bc::JOf(*pc);
      else pc += 1;
      goto next;
    }

    op_ISEQV: if (const uint32_t* to = equal_raw<Op::ISEQV>(base, pt, ins, pc)) { pc = to; goto next; } goto equal_generic;
    op_ISNEV: if (const uint32_t* to = equal_raw<Op::ISNEV>(base, pt, ins, pc)) { pc = to; goto next; } goto equal_generic;
    op_ISEQS: if (const uint32_t* to = equal_raw<Op::ISEQS>(base, pt, ins, pc)) { pc = to; goto next; } goto equal_generic;
    op_ISNES: if (const uint32_t* to = equal_raw<Op::ISNES>(base, pt, ins, pc)) { pc = to; goto next; } goto equal_generic;
    op_ISEQN: if (const uint32_t* to = equal_raw<Op::ISEQN>(base, pt, ins, pc)) { pc = to; goto next; } goto equal_generic;
    op_ISNEN: if (const uint32_t* to = equal_raw<Op::ISNEN>(base, pt, ins, pc)) { pc = to; goto next; } goto equal_generic;
    op_ISEQP: if (const uint32_t* to = equal_raw<Op::ISEQP>(base, pt, ins, pc)) { pc = to; goto next; } goto equal_generic;
    op_ISNEP: if (const uint32_t* to = equal_raw<Op::ISNEP>(base, pt, ins, pc)) { pc = to; goto next; } goto equal_generic;
    equal_generic: {
      Op op = bc::OpOf(ins);
      uint32_t d = bc::DOf(ins);
      TValue x = base[bc::AOf(ins)];
      TValue y;
      switch (op) {
        case Op::ISEQV: case Op::ISNEV: y = base[d]; break;
        case Op::ISEQS: case Op::ISNES: y = string_constant(pt, d); break;
        case Op::ISEQN: case Op::ISNEN: y = pt->knum(d); break;
        default: y = primitive_constant(d); break;
      }
      bool want_equal = op == Op::ISEQV || op == Op::ISEQS || op == Op::ISEQN || op == Op::ISEQP;
      bool eq = x.raw_equals(y);
      if (!eq && (op == Op::ISEQV || op == Op::ISNEV) && x.tag() == y.tag() && (x.is_table() || x.is_userdata())) {
        // LuaJIT's rule: both operands share the same __eq.
        TValue mm = vm.shared_metamethod(x, y, Metamethod::Eq);
        if (!mm.is_nil()) {
          mm_fn = mm;
          mm_a = x;
          mm_b = y;
          mm_nargs = 2;
          mm_cont = continuation(want_equal ? Continuation::Test : Continuation::TestNot);
          goto mm_call;
        }
      }
      if (eq == want_equal) pc += 1 + bc::JOf(*pc);
      else pc += 1;
      goto next;
    }

    op_ISTC: pc = test_truth<Op::ISTC>(base, ins, pc); goto next;
    op_ISFC: pc = test_truth<Op::ISFC>(base, ins, pc); goto next;
    op_IST: pc = test_truth<Op::IST>(base, ins, pc); goto next;
    op_ISF: pc = test_truth<Op::ISF>(base, ins, pc); goto next;

    // -- Argument checks of the bytecode builtins (lj/vm/lib/builtins.cc) -------
    // LuaJIT's lj_meta_istype: a string argument where a number is wanted
    // (or a number where a string is) is converted in place; anything else
    // is "bad argument #n to 'name' (T expected, got U)" at the caller.
    op_ISTYPE: {
      uint32_t want = bc::DOf(ins) - 1;  // D is ~itype + 1: the TypeTag index
      TValue v = base[bc::AOf(ins)];
      if (static_cast<uint32_t>(v.tag()) == want) goto next;
      if (want == static_cast<uint32_t>(vm::TypeTag::String) && v.is_number()) {
        base[bc::AOf(ins)] = TValue::string(vm.number_to_string(v.as_number()));
        goto next;
      }
      L->top = base + pt->framesize;
      vm.savedpc_ = pc;
      vm.arg_error(L, static_cast<int>(bc::AOf(ins)) + 1,
                   std::string(vm::type_tag_name(static_cast<vm::TypeTag>(want))) + " expected, got " +
                       v.type_name());
    }
    op_ISNUM: {
      TValue v = base[bc::AOf(ins)];
      double n;
      if (v.is_number()) goto next;
      if (v.is_string() && Vm::string_to_number(v.as_string()->view(), &n)) {
        base[bc::AOf(ins)] = TValue::number(n);
        goto next;
      }
      L->top = base + pt->framesize;
      vm.savedpc_ = pc;
      vm.arg_error(L, static_cast<int>(bc::AOf(ins)) + 1, std::string("number expected, got ") + v.type_name());
    }

    // -- Unary ops and moves ------------------------------------------------------
    op_MOV:
      base[bc::AOf(ins)] = base[bc::DOf(ins)];
      goto next;
    op_NOT:
      base[bc::AOf(ins)] = TValue::boolean(!base[bc::DOf(ins)].is_truthy());
      goto next;
    op_UNM: {
      TValue v = base[bc::DOf(ins)];
      double n;
      if (to_number(v, &n)) {
        base[bc::AOf(ins)] = TValue::number(-n);
        goto next;
      }
      TValue mm = vm.metamethod(v, Metamethod::Unm);
      if (mm.is_nil()) fail_arith(vm, L, pt, pc, static_cast<int>(bc::DOf(ins)), v, -1, v);
      mm_fn = mm;
      mm_a = v;
      mm_b = v;
      mm_nargs = 2;
      mm_cont = continuation(Continuation::Store);
      goto mm_call;
    }
    op_LEN: {
      TValue v = base[bc::DOf(ins)];
      if (v.is_string()) {
        base[bc::AOf(ins)] = TValue::number(v.as_string()->len);
        goto next;
      }
      if (v.is_table()) {
        base[bc::AOf(ins)] = TValue::number(v.as_table()->length());
        goto next;
      }
      TValue mm = vm.metamethod(v, Metamethod::Len);
      if (mm.is_nil()) {
        fail(vm, L, pc, "attempt to get length of" + culprit(pt, pc, static_cast<int>(bc::DOf(ins)), v));
      }
      mm_fn = mm;
      mm_a = v;
      mm_b = TValue::nil();
      mm_nargs = 2;
      mm_cont = continuation(Continuation::Store);
      goto mm_call;
    }

    // -- Arithmetic -----------------------------------------------------------------
    op_ADDVN: if (arith_numbers<Arith::Add, Operands::VN>(base, pt, ins)) goto next; goto arith_generic;
    op_SUBVN: if (arith_numbers<Arith::Sub, Operands::VN>(base, pt, ins)) goto next; goto arith_generic;
    op_MULVN: if (arith_numbers<Arith::Mul, Operands::VN>(base, pt, ins)) goto next; goto arith_generic;
    op_DIVVN: if (arith_numbers<Arith::Div, Operands::VN>(base, pt, ins)) goto next; goto arith_generic;
    op_MODVN: if (arith_numbers<Arith::Mod, Operands::VN>(base, pt, ins)) goto next; goto arith_generic;
    op_ADDNV: if (arith_numbers<Arith::Add, Operands::NV>(base, pt, ins)) goto next; goto arith_generic;
    op_SUBNV: if (arith_numbers<Arith::Sub, Operands::NV>(base, pt, ins)) goto next; goto arith_generic;
    op_MULNV: if (arith_numbers<Arith::Mul, Operands::NV>(base, pt, ins)) goto next; goto arith_generic;
    op_DIVNV: if (arith_numbers<Arith::Div, Operands::NV>(base, pt, ins)) goto next; goto arith_generic;
    op_MODNV: if (arith_numbers<Arith::Mod, Operands::NV>(base, pt, ins)) goto next; goto arith_generic;
    op_ADDVV: if (arith_numbers<Arith::Add, Operands::VV>(base, pt, ins)) goto next; goto arith_generic;
    op_SUBVV: if (arith_numbers<Arith::Sub, Operands::VV>(base, pt, ins)) goto next; goto arith_generic;
    op_MULVV: if (arith_numbers<Arith::Mul, Operands::VV>(base, pt, ins)) goto next; goto arith_generic;
    op_DIVVV: if (arith_numbers<Arith::Div, Operands::VV>(base, pt, ins)) goto next; goto arith_generic;
    op_MODVV: if (arith_numbers<Arith::Mod, Operands::VV>(base, pt, ins)) goto next; goto arith_generic;
    op_POW: if (arith_numbers<Arith::Pow, Operands::VV>(base, pt, ins)) goto next; goto arith_generic;
    arith_generic: {
      Op op = bc::OpOf(ins);
      uint32_t b = bc::BOf(ins), c = bc::COf(ins);
      TValue x, y;
      int slot_x = static_cast<int>(b), slot_y = -1;
      if (op >= Op::ADDVN && op <= Op::MODVN) {
        x = base[b];
        y = pt->knum(c);
      } else if (op >= Op::ADDNV && op <= Op::MODNV) {
        x = pt->knum(c);
        y = base[b];
        slot_x = -1;
        slot_y = static_cast<int>(b);
      } else {
        x = base[b];
        y = base[c];
        slot_y = static_cast<int>(c);
      }
      Arith which = arith_of(op);
      if (x.is_number() && y.is_number()) {
        base[bc::AOf(ins)] = TValue::number(arith(which, x.as_number(), y.as_number()));
        goto next;
      }
      double nx, ny;
      if (to_number(x, &nx) && to_number(y, &ny)) {
        base[bc::AOf(ins)] = TValue::number(arith(which, nx, ny));
        goto next;
      }
      TValue mm = vm.metamethod(x, arith_metamethod(which));
      if (mm.is_nil()) mm = vm.metamethod(y, arith_metamethod(which));
      if (mm.is_nil()) {
        // The culprit is the first operand that is not a number.
        if (!to_number(x, &nx) && slot_x < 0) fail_arith(vm, L, pt, pc, -1, x, slot_y, y);
        fail_arith(vm, L, pt, pc, slot_x, x, slot_y, y);
      }
      mm_fn = mm;
      mm_a = x;
      mm_b = y;
      mm_nargs = 2;
      mm_cont = continuation(Continuation::Store);
      goto mm_call;
    }

    op_CAT:
      cat_first = bc::BOf(ins);
      cat_top = bc::COf(ins);
      goto cat_step;

    cat_step: {
      // Lua 5.1's order: from the right, runs of strings/numbers at once,
      // __concat for any other pair.
      while (cat_top > cat_first) {
        TValue right = base[cat_top], left = base[cat_top - 1];
        bool right_ok = right.is_string() || right.is_number();
        bool left_ok = left.is_string() || left.is_number();
        if (right_ok && left_ok) {
          uint32_t from = cat_top - 1;
          while (from > cat_first && (base[from - 1].is_string() || base[from - 1].is_number())) from--;
          std::string joined;
          for (uint32_t i = from; i <= cat_top; i++) {
            TValue v = base[i];
            if (v.is_string()) joined.append(v.as_string()->view());
            else joined.append(vm.number_to_string(v.as_number())->view());
          }
          base[from] = TValue::string(vm.g_.intern(joined));
          cat_top = from;
          continue;
        }
        TValue mm = vm.metamethod(left, Metamethod::Concat);
        if (mm.is_nil()) mm = vm.metamethod(right, Metamethod::Concat);
        if (mm.is_nil()) {
          uint32_t bad = left_ok ? cat_top : cat_top - 1;
          TValue v = base[bad];
          fail(vm, L, pc, "attempt to concatenate" + culprit(pt, pc, static_cast<int>(bad), v));
        }
        mm_fn = mm;
        mm_a = left;
        mm_b = right;
        mm_nargs = 2;
        mm_cont = continuation(Continuation::Concat, cat_top - 1);
        goto mm_call;
      }
      base[bc::AOf(pc[-1])] = base[cat_first];
      L->top = base + pt->framesize;
      vm.savedpc_ = pc;
      vm.g_.gc_check();
      base = L->base;
      goto next;
    }

    // -- Constants --------------------------------------------------------------------
    op_KSTR:
      base[bc::AOf(ins)] = string_constant(pt, bc::DOf(ins));
      goto next;
    op_KCDATA:
      // Only FFI code emits KCDATA and ljit has no FFI.
      fail(vm, L, pc, "cdata constants need the FFI, which ljit does not have");
      goto next;
    op_KSHORT:
      base[bc::AOf(ins)] = TValue::number(static_cast<int16_t>(bc::DOf(ins)));
      goto next;
    op_KNUM:
      base[bc::AOf(ins)] = pt->knum(bc::DOf(ins));
      goto next;
    op_KPRI: {
      uint32_t d = bc::DOf(ins);
      base[bc::AOf(ins)] = primitive_constant(d);
      goto next;
    }
    op_KNIL:
      for (uint32_t i = bc::AOf(ins); i <= bc::DOf(ins); i++) base[i] = TValue::nil();
      goto next;

    // -- Upvalues ---------------------------------------------------------------------
    op_UGET:
      base[bc::AOf(ins)] = *frame_function(base)->upvalues()[bc::DOf(ins)]->v;
      goto next;
    op_USETV:
    op_USETS:
    op_USETN:
    op_USETP: {
      uint32_t d = bc::DOf(ins);
      TValue v;
      switch (bc::OpOf(ins)) {
        case Op::USETV: v = base[d]; break;
        case Op::USETS: v = string_constant(pt, d); break;
        case Op::USETN: v = pt->knum(d); break;
        default: v = primitive_constant(d); break;
      }
      vm.g_.set_upvalue(frame_function(base)->upvalues()[bc::AOf(ins)], v);
      goto next;
    }
    op_UCLO:
      L->close_upvalues(vm.g_, base + bc::AOf(ins));
      pc += bc::JOf(ins);
      goto next;
    op_FNEW: {
      Proto* child = reinterpret_cast<Proto*>(pt->kgc(bc::DOf(ins)));
      Function* parent = base[-2].as_function();
      Function* fn = vm.g_.new_lua_function(child, parent->env);
      for (uint32_t i = 0; i < child->sizeuv; i++) {
        uint16_t desc = child->uv[i];
        fn->upvalues()[i] = (desc & vm::kUpvalueLocal) ? L->find_upvalue(vm.g_, base + (desc & 0xff))
                                                       : parent->upvalues()[desc];
      }
      base[bc::AOf(ins)] = TValue::function(fn);
      L->top = base + pt->framesize;
      vm.savedpc_ = pc;
      vm.g_.gc_check();
      base = L->base;
      goto next;
    }

    // -- Tables -----------------------------------------------------------------------
    op_TNEW: {
      uint32_t d = bc::DOf(ins);
      uint32_t asize = d & 0x7ff, hbits = d >> 11;
      base[bc::AOf(ins)] = TValue::table(vm.g_.new_table(asize, hbits));
      L->top = base + pt->framesize;
      vm.savedpc_ = pc;
      vm.g_.gc_check();
      base = L->base;
      goto next;
    }
    op_TDUP:
      base[bc::AOf(ins)] = TValue::table(duplicate_table(vm.g_, reinterpret_cast<Table*>(pt->kgc(bc::DOf(ins)))));
      L->top = base + pt->framesize;
      vm.savedpc_ = pc;
      vm.g_.gc_check();
      base = L->base;
      goto next;

    // Raw integer-keyed access to a table the builtin has checked; the key
    // is truncated to an integer as LuaJIT's TGETR/TSETR do.
    op_TGETR: {
      Table* t = base[bc::BOf(ins)].as_table();
      base[bc::AOf(ins)] = t->get_int(static_cast<int64_t>(base[bc::COf(ins)].as_number()));
      goto next;
    }
    op_TSETR: {
      Table* t = base[bc::BOf(ins)].as_table();
      t->set_int(vm.g_, static_cast<int64_t>(base[bc::COf(ins)].as_number()), base[bc::AOf(ins)]);
      goto next;
    }
    op_GGET: {
      Table* env = frame_function(base)->env;
      TValue v = env->get_str(reinterpret_cast<String*>(pt->kgc(bc::DOf(ins))));
      if (v.is_nil() && env->metatable) goto get_generic;
      base[bc::AOf(ins)] = v;
      goto next;
    }
    op_TGETV: {
      // The result through a local: a slot pointer computed up front was
      // spilled across the lookup.
      TValue v;
      if (get_fast(base[bc::BOf(ins)], base[bc::COf(ins)], v)) {
        base[bc::AOf(ins)] = v;
        goto next;
      }
      goto get_generic;
    }
    op_TGETS:
      if (TValue v; get_fast<Keys::kStrings>(base[bc::BOf(ins)], string_constant(pt, bc::COf(ins)), v)) {
        base[bc::AOf(ins)] = v;
        goto next;
      }
      // A method: found through the class's __index chain.
      if (get_inherited(vm.g_, base, pt, ins)) goto next;
      goto get_generic;
    op_TGETB: {
      TValue obj = base[bc::BOf(ins)];
      uint32_t c = bc::COf(ins);
      if (obj.is_table()) {
        Table* t = obj.as_table();
        TValue v = c < t->asize ? t->array[c] : t->has_hash_part() ? t->get_int(c) : TValue::nil();
        if (!v.is_nil() || !t->metatable) {
          base[bc::AOf(ins)] = v;
          goto next;
        }
      }
      goto get_generic;
    }
    get_generic: {
      Op op = bc::OpOf(ins);
      TValue obj, key;
      int obj_slot = -1;
      if (op == Op::GGET) {
        obj = TValue::table(base[-2].as_function()->env);
        key = string_constant(pt, bc::DOf(ins));
      } else {
        obj_slot = static_cast<int>(bc::BOf(ins));
        obj = base[obj_slot];
        uint32_t c = bc::COf(ins);
        key = op == Op::TGETS ? string_constant(pt, c)
              : op == Op::TGETB ? TValue::number(c)
                                : base[c];
      }
      // Fast path: an array slot that holds a value, or no metatable.
      if (obj.is_table()) {
        Table* t = obj.as_table();
        if (TValue* slot = array_slot(t, key); slot && (!slot->is_nil() || !t->metatable)) {
          base[bc::AOf(ins)] = *slot;
          goto next;
        }
      }
      // Follow __index tables; a function ends in a metamethod call.
      for (int loop = 0; loop < 100; loop++) {
        TValue mm;
        if (obj.is_table()) {
          Table* t = obj.as_table();
          TValue v = key.is_string() ? t->get_str(key.as_string()) : t->get(key);
          if (!v.is_nil() || !t->metatable) {
            base[bc::AOf(ins)] = v;
            goto next;
          }
          mm = t->metatable->metamethod(vm.g_, Metamethod::Index);
          if (mm.is_nil()) {
            base[bc::AOf(ins)] = v;
            goto next;
          }
        } else {
          mm = vm.metamethod(obj, Metamethod::Index);
          if (mm.is_nil()) fail_index(vm, L, pt, pc, obj_slot, obj);
        }
        if (mm.is_function()) {
          mm_fn = mm;
          mm_a = obj;
          mm_b = key;
          mm_nargs = 2;
          mm_cont = continuation(Continuation::Store);
          goto mm_call;
        }
        obj = mm;
        obj_slot = -1;
      }
      fail(vm, L, pc, "loop in gettable");
      goto next;
    }

    op_GSET:
      if (set_fast<Keys::kStrings>(vm, TValue::gc_trusted(frame_function(base)->env, vm::TypeTag::Table),
                                   string_constant(pt, bc::DOf(ins)), base[bc::AOf(ins)])) {
        goto next;
      }
      goto set_generic;
    op_TSETV:
      if (set_fast(vm, base[bc::BOf(ins)], base[bc::COf(ins)], base[bc::AOf(ins)])) goto next;
      goto set_generic;
    op_TSETS:
      if (set_fast<Keys::kStrings>(vm, base[bc::BOf(ins)], string_constant(pt, bc::COf(ins)),
                                   base[bc::AOf(ins)])) {
        goto next;
      }
      goto set_generic;
    op_TSETB: {
      // The constant index compares with asize directly (no double round trip).
      TValue obj = base[bc::BOf(ins)];
      uint32_t c = bc::COf(ins);
      if (obj.is_table()) {
        Table* t = obj.as_table();
        if (c < t->asize && store_slot(vm, t, &t->array[c], base[bc::AOf(ins)])) goto next;
      }
      goto set_generic;
    }
    set_generic: {
      Op op = bc::OpOf(ins);
      TValue obj, key;
      int obj_slot = -1;
      if (op == Op::GSET) {
        obj = TValue::table(base[-2].as_function()->env);
        key = string_constant(pt, bc::DOf(ins));
      } else {
        obj_slot = static_cast<int>(bc::BOf(ins));
        obj = base[obj_slot];
        uint32_t c = bc::COf(ins);
        key = op == Op::TSETS ? string_constant(pt, c)
              : op == Op::TSETB ? TValue::number(c)
                                : base[c];
      }
      TValue value = base[bc::AOf(ins)];
      // Fast path: an existing array slot, or any array slot without a metatable.
      if (obj.is_table()) {
        Table* t = obj.as_table();
        if (TValue* slot = array_slot(t, key); slot && (!slot->is_nil() || !t->metatable)) {
          *slot = value;
          if (value.is_gc()) vm.g_.barrier_back(t);
          goto next;
        }
      }
      for (int loop = 0; loop < 100; loop++) {
        TValue mm = TValue::nil();
        if (obj.is_table()) {
          Table* t = obj.as_table();
          if (t->metatable) {
            const TValue* slot = t->find(key);
            if (!slot || slot->is_nil()) mm = t->metatable->metamethod(vm.g_, Metamethod::NewIndex);
          }
          if (mm.is_nil()) {
            if (key.is_nil()) fail(vm, L, pc, "table index is nil");
            if (key.is_nan()) fail(vm, L, pc, "table index is NaN");
            t->set(vm.g_, key, value);
            goto next;
          }
        } else {
          mm = vm.metamethod(obj, Metamethod::NewIndex);
          if (mm.is_nil()) fail_index(vm, L, pt, pc, obj_slot, obj);
        }
        if (mm.is_function()) {
          mm_fn = mm;
          mm_a = obj;
          mm_b = key;
          mm_c = value;
          mm_nargs = 3;
          mm_cont = continuation(Continuation::Discard);
          goto mm_call;
        }
        obj = mm;
        obj_slot = -1;
      }
      fail(vm, L, pc, "loop in settable");
      goto next;
    }

    op_TSETM: {
      // The constructor's slot is a temporary debug.setlocal can reach.
      if (!base[bc::AOf(ins) - 1].is_table()) [[unlikely]] fail(vm, L, pc, "invalid table constructor state");
      Table* t = base[bc::AOf(ins) - 1].as_table();
      uint32_t first = static_cast<uint32_t>(pt->knum(bc::DOf(ins)).u64);
      // LuaJIT grows the array part to hold every value first (`#` sees it).
      if (vm.multres_ && uint64_t{first} + vm.multres_ > t->asize) {
        t->resize(vm.g_, first + vm.multres_ + 1, t->hmask ? std::countr_zero(t->hash_size()) : 0);
      }
      // Every value now has an array slot: store them directly.
      for (uint32_t i = 0; i < vm.multres_; i++) t->array[first + i] = base[bc::AOf(ins) + i];
      if (vm.multres_) vm.g_.barrier_back(t);
      goto next;
    }

    // -- Calls --------------------------------------------------------------------------
    // CALLM's C counts the fixed arguments only; CALL's C is nargs+1.
    op_CALLM:
      nargs = bc::COf(ins) + vm.multres_;
      newbase = base + bc::AOf(ins) + 2;
      newbase[-1] = link_to_pc(pc);
      if (enter_lua(L, base, pc, pt, newbase, nargs)) goto next;
      if (inline_candidate(newbase) && call_inline(vm, newbase, nargs, ins)) goto next;
      goto call_entry;
    op_CALL: {
      TValue* callee = base + bc::AOf(ins) + 2;
      callee[-1] = link_to_pc(pc);
      if (enter_lua(L, base, pc, pt, callee, bc::COf(ins) - 1)) goto next;
      if (inline_candidate(callee) && call_inline(vm, callee, bc::COf(ins) - 1, ins)) goto next;
      nargs = bc::COf(ins) - 1;
      newbase = callee;
      goto call_entry;
    }

    // A tail call of a function: the argument count stays in a register.
    op_CALLT: {
      uint32_t n = bc::DOf(ins) - 1;
      TValue fn = base[bc::AOf(ins)];
      if (!fn.is_function()) [[unlikely]] {
        nargs = n;
        goto tail_call;
      }
      TValue* fb = replace_frame(base, ins, fn, n);
      if (enter_lua(L, base, pc, pt, fb, n)) goto next;
      nargs = n;
      newbase = fb;
      goto call_entry;
    }
    op_CALLMT:
      nargs = bc::DOf(ins) + vm.multres_;
    tail_call: {
      TValue fn = base[bc::AOf(ins)];
      if (!fn.is_function() && !vm.metamethod(fn, Metamethod::Call).is_function()) {
        fail(vm, L, pc, "attempt to call" + culprit(pt, pc, static_cast<int>(bc::AOf(ins)), fn));
      }
      newbase = replace_frame(base, ins, fn, nargs);
      if (enter_lua(L, base, pc, pt, newbase, nargs)) goto next;
      goto call_entry;
    }

    op_ITERC:
      base[bc::AOf(ins)] = base[bc::AOf(ins) - 3];
      base[bc::AOf(ins) + 2] = base[bc::AOf(ins) - 2];
      base[bc::AOf(ins) + 3] = base[bc::AOf(ins) - 1];
      newbase = base + bc::AOf(ins) + 2;
      newbase[-1] = link_to_pc(pc);
      nargs = 2;
      goto call_entry;

    op_ITERN: {
      if (vm.jit_.enabled) count_hot(vm, pc, 2);
      TValue state = base[bc::AOf(ins) - 2], control = base[bc::AOf(ins) - 1];
      // debug.setlocal can overwrite the hidden loop state: an error, not a crash.
      if (!state.is_table() || !control.is_number() || !(control.as_number() >= 0 && control.as_number() < 4294967296.0))
          [[unlikely]] {
        fail(vm, L, pc, "invalid loop state (a hidden loop variable was changed)");
      }
      Table* t = state.as_table();
      uint32_t index = static_cast<uint32_t>(control.as_number());
      TValue key, val;
      if (t->iterate(index, key, val)) {
        base[bc::AOf(ins)] = key;
        base[bc::AOf(ins) + 1] = val;
        base[bc::AOf(ins) - 1] = TValue::number(index);
        pc += 1 + bc::JOf(*pc);
      } else {
        pc += 1;
      }
      goto next;
    }

    op_ISNEXT: {
      TValue fn = base[bc::AOf(ins) - 3];
      if (fn.is_function() && fn.as_function()->ffid == kFfNext && base[bc::AOf(ins) - 2].is_table() && base[bc::AOf(ins) - 1].is_nil()) {
        base[bc::AOf(ins) - 1] = TValue::number(0);
        pc += bc::JOf(ins);
        goto next;
      }
      // Not next over a table: despecialize to JMP + ITERC for good.
      uint32_t* self = const_cast<uint32_t*>(pc - 1);
      *self = bc::WithOp(ins, Op::JMP);
      uint32_t* iter = const_cast<uint32_t*>(pc + bc::JOf(ins));
      *iter = bc::WithOp(*iter, Op::ITERC);
      pc += bc::JOf(ins);
      goto next;
    }

    op_VARG: {
      TValue* frame = base - link_delta(base[-1]);
      uint32_t given = static_cast<uint32_t>(link_delta(base[-1])) - 2;
      uint32_t nvar = given > pt->numparams ? given - pt->numparams : 0;
      TValue* src = frame + pt->numparams;
      uint32_t want = bc::BOf(ins);
      if (want == 0) {
        ptrdiff_t moved = ensure_stack(vm, L, pc, base + bc::AOf(ins), nvar + kMinStack);
        base += moved;
        src += moved;
        for (uint32_t i = 0; i < nvar; i++) base[bc::AOf(ins) + i] = src[i];
        vm.multres_ = nvar;
        TValue* end = base + bc::AOf(ins) + nvar;
        if (end > L->top) L->top = end;
      } else {
        for (uint32_t i = 0; i + 1 < want; i++) base[bc::AOf(ins) + i] = i < nvar ? src[i] : TValue::nil();
      }
      goto next;
    }

    // -- Returns ------------------------------------------------------------------------------
    op_RETM:
      nres = bc::DOf(ins) + vm.multres_;
      res = base + bc::AOf(ins);
      fbase = base;
      goto do_return;
    op_RET:
      nres = bc::DOf(ins) - 1;
      res = base + bc::AOf(ins);
      fbase = base;
      goto do_return;
    // Common case: back to a Lua caller that wants exactly as many results
    // as are returned. Anything else is do_return's work.
    op_RET0:
      if (return_to_lua<0>(vm, L, base, pc, pt, ins)) goto next;
      nres = 0;
      goto ret_general;
    op_RET1:
      if (return_to_lua<1>(vm, L, base, pc, pt, ins)) goto next;
      nres = 1;
    ret_general:
      res = base + bc::AOf(ins);
      fbase = base;
      goto do_return;

    // -- Loops ----------------------------------------------------------------------------------
    op_FORI:
    op_JFORI: {
      TValue* f = base + bc::AOf(ins);
      double start, stop, step;
      if (!to_number(f[0], &start)) fail(vm, L, pc, "'for' initial value must be a number");
      if (!to_number(f[1], &stop)) fail(vm, L, pc, "'for' limit must be a number");
      if (!to_number(f[2], &step)) fail(vm, L, pc, "'for' step must be a number");
      f[0] = TValue::number(start);
      f[1] = TValue::number(stop);
      f[2] = TValue::number(step);
      if (counts_up(f[2]) ? start <= stop : start >= stop) {
        f[3] = f[0];
      } else {
        pc += bc::JOf(ins);
      }
      goto next;
    }
    op_FORL:
      count_hot(vm, pc, 2);
      goto forl_body;
    op_IFORL:
    forl_body: {
      TValue* f = base + bc::AOf(ins);
      double idx = f[0].as_number() + f[2].as_number();
      double stop = f[1].as_number();
      // Two branches, not `up ? idx <= stop : idx >= stop` (GCC
      // materializes that as a flag and tests it again).
      if (counts_up(f[2])) {
        if (!(idx <= stop)) goto next;
      } else if (!(idx >= stop)) {
        goto next;
      }
      // The comparison held, so idx is no NaN: store its bits as they are.
      f[0] = TValue{std::bit_cast<uint64_t>(idx)};
      f[3] = f[0];
      pc += bc::JOf(ins);
      goto next;
    }
    op_ITERL:
      count_hot(vm, pc, 2);
      goto iterl_body;
    op_IITERL:
    iterl_body:
      if (!base[bc::AOf(ins)].is_nil()) {
        base[bc::AOf(ins) - 1] = base[bc::AOf(ins)];
        pc += bc::JOf(ins);
      }
      goto next;
    op_LOOP:
      count_hot(vm, pc, 2);
      goto next;
    op_ILOOP:
      goto next;
    op_JMP:
      pc += bc::JOf(ins);
      goto next;

    op_JFORL:
    op_JITERL:
    op_JLOOP:
    op_JFUNCF:
    op_JFUNCV:
      // No trace exists yet, so nothing can have patched these in.
      vm.savedpc_ = pc;
      if (vm.on_trace_entry) vm.on_trace_entry(pc);
      check(false, "J* opcode without a trace");
      goto next;

    // -- Function headers ---------------------------------------------------------------------------
    // Missing parameters are already nil: the call filled them while it
    // still had the argument count in a register (fill_parameters).
    op_FUNCF:
      count_hot(vm, pc, 1);
      goto next;
    op_IFUNCF:
      goto next;

    op_FUNCV:
    op_IFUNCV: {
      // Vararg frame: the fixed parameters move above the varargs.
      uint32_t given = static_cast<uint32_t>(L->top - base);
      uint32_t delta = given + 2;
      ptrdiff_t moved = ensure_stack(vm, L, pc, base + delta, pt->framesize + kMinStack);
      base += moved;
      TValue* vb = base + delta;
      vb[-2] = base[-2];
      vb[-1] = link_by_delta(delta, kFrameVarg);
      for (uint32_t i = 0; i < pt->numparams; i++) {
        vb[i] = i < given ? base[i] : TValue::nil();
        if (i < given) base[i] = TValue::nil();
      }
      base = vb;
      L->base = base;
      L->top = base + pt->framesize;
      goto next;
    }

    op_FUNCC:
    op_FUNCCW:
      check(false, "FUNCC in a Lua prototype");
      goto next;

    // -- Metamethod call through a continuation frame ----------------------------------
    mm_call: {
      TValue* top = base + pt->framesize;
      ptrdiff_t moved = ensure_stack(vm, L, pc, top, 8 + kMinStack);
      base += moved;
      top += moved;
      top[0] = mm_cont;
      top[1] = link_to_pc(pc);
      top[2] = mm_fn;
      newbase = top + 4;
      top[3] = link_by_delta(static_cast<size_t>(newbase - base), kFrameCont);
      newbase[0] = mm_a;
      newbase[1] = mm_b;
      newbase[2] = mm_c;
      nargs = mm_nargs;
      goto call_entry;
    }

    // -- Calls: function at newbase-2, link at newbase-1 ------------------------------------
    call_entry: {
      TValue fnv = newbase[-2];
      if (!fnv.is_function()) {
        TValue mm = vm.metamethod(fnv, Metamethod::Call);
        if (!mm.is_function()) {
          // Called by pcall/xpcall, from C or as a metamethod: the error
          // belongs to the frame just pushed (so a protected frame catches
          // it and a nested run stops at its own entry), without a position,
          // as LuaJIT reports it.
          if (!is_lua_link(newbase[-1])) [[unlikely]] {
            L->base = newbase;
            L->top = newbase + nargs;
            vm.g_.raise(TValue::string(vm.g_.intern("attempt to call" + culprit(pt, pc, -1, fnv))));
          }
          bool named = pc && pt && (bc::OpOf(pc[-1]) == Op::CALL || bc::OpOf(pc[-1]) == Op::CALLM) &&
                       newbase == base + bc::AOf(pc[-1]) + 2;
          fail(vm, L, pc, "attempt to call" + culprit(pt, pc, named ? static_cast<int>(bc::AOf(pc[-1])) : -1, fnv));
        }
        // The callable object becomes the first argument of __call.
        ptrdiff_t moved = ensure_stack(vm, L, pc, newbase, nargs + 1 + kMinStack);
        newbase += moved;
        base += moved;
        std::memmove(newbase + 1, newbase, sizeof(TValue) * nargs);
        newbase[0] = fnv;
        newbase[-2] = mm;
        nargs++;
        fnv = mm;
      }
      Function* fn = fnv.as_function();
      if (fn->is_lua()) {
        Proto* npt = proto_of(fn);
        L->top = newbase + nargs;
        // One test covers LuaJIT's limit too: the stack never grows past
        // kStackMaxSlots, and grow_stack() raises "stack overflow" beyond it.
        ptrdiff_t moved = ensure_stack(vm, L, pc, newbase, npt->framesize + kMinStack);
        newbase += moved;
        fill_parameters(newbase, nargs, npt);
        base = newbase;
        L->base = base;
        pt = npt;
        pc = fn->pc;
        goto next;
      }
      // A library fast path answers its common arguments without the C API
      // and observes no pc; hooks must see the C function run instead.
      if (fn->ffid >= kFfFirstFastPath && fn->ffid < kFfFirstPlain && !vm.hooked_) {
        int n = vm.fast_paths_[fn->ffid](L, newbase, nargs);
        if (n >= 0) [[likely]] {
          res = newbase;
          nres = static_cast<uint32_t>(n);
          fbase = newbase;
          // Called by this frame's running CALL/ITERC for a fixed number of
          // results: base, pc and pt are the caller's already.
          if (newbase[-1] == link_to_pc(pc) && bc::BOf(pc[-1]) != 0) {
            return_fixed(newbase - 2, res, nres, bc::BOf(pc[-1]) - 1);
            goto next;
          }
          goto do_return;
        }
      }
      // Debug call hooks see C functions too; the hook may move the stack.
      if (vm.hooked_ && vm.on_c_entry) [[unlikely]] {
        ptrdiff_t offset = newbase - L->stack;
        vm.on_c_entry(L, offset, nargs);
        newbase = L->stack + offset;
        base = L->base;
      }
      // Fast and C functions can observe the caller's position.
      if (pc) vm.savedpc_ = pc;
      // Plain C functions first: they are most calls that leave the loop.
      if (fn->ffid >= kFfFirstPlain || fn->ffid == vm::kFfidC) [[likely]] goto c_call;
      switch (fn->ffid) {
        case kFfPcall: {
          if (nargs == 0) {
            L->base = newbase;
            L->top = newbase;
            vm.arg_error(L, 1, "value expected");
          }
          ptrdiff_t moved = ensure_stack(vm, L, pc, newbase, nargs + 2 + kMinStack);
          newbase += moved;
          std::memmove(newbase + 2, newbase + 1, sizeof(TValue) * (nargs - 1));
          newbase[1] = link_by_delta(2, kFramePcall);
          newbase += 2;
          nargs -= 1;
          goto call_entry;
        }
        case kFfXpcall: {
          if (nargs < 2 || !newbase[1].is_function()) {
            L->base = newbase;
            L->top = newbase + nargs;
            vm.type_error(L, 2, "function");
          }
          ptrdiff_t moved = ensure_stack(vm, L, pc, newbase, nargs + 3 + kMinStack);
          newbase += moved;
          std::memmove(newbase + 3, newbase + 2, sizeof(TValue) * (nargs - 2));
          std::swap(newbase[0], newbase[1]);
          newbase[2] = link_by_delta(3, kFramePcallH);
          newbase += 3;
          nargs -= 2;
          goto call_entry;
        }
        case kFfResume:
        case kFfWrapCall: {
          bool wrap = fn->ffid == kFfWrapCall;
          L->base = newbase;
          L->top = newbase + nargs;
          TValue cov = wrap ? fn->c_upvalues()[0] : (nargs > 0 ? newbase[0] : TValue::nil());
          if (!cov.is_thread()) vm.type_error(L, 1, "coroutine");
          Thread* co = cov.as_thread();
          TValue* args = wrap ? newbase : newbase + 1;
          uint32_t nv = wrap ? nargs : nargs - 1;
          if (co->coroutine_phase != kCoFresh && co->coroutine_phase != kCoSuspended) {
            const char* why = co->coroutine_phase == kCoDead ? "cannot resume dead coroutine"
                                                    : "cannot resume non-suspended coroutine";
            if (wrap) vm.error_at(L, 1, why);
            res = L->top;
            ensure_stack(vm, L, pc, res, 2 + kMinStack);
            res = L->top;
            res[0] = TValue::boolean(false);
            res[1] = TValue::string(vm.g_.intern(why));
            nres = 2;
            fbase = L->base;
            goto do_return;
          }
          // Coroutines resuming coroutines nest without C recursion here, so
          // bound the chain as Lua 5.1 bounds its C calls (LuaJIT overflows
          // its C stack): unbounded, each level's stack would eat memory.
          {
            int chain = 0;
            for (Thread* t = L; t && (t->coroutine_phase == kCoRunning || t->coroutine_phase == kCoNormal);
                 t = t->resumer) {
              if (++chain >= kMaxNesting) vm.error_at(L, 1, "C stack overflow");
            }
          }
          // Suspend the resumer, run the coroutine on its own stack.
          if (L->coroutine_phase == kCoRunning) L->coroutine_phase = kCoNormal;
          co->resumer = L;
          co->resume_nesting = static_cast<uint32_t>(vm.nesting_);
          if (co->coroutine_phase == kCoFresh) {
            co->coroutine_phase = kCoRunning;
            TValue* cb = co->stack + 4;
            co->top = cb;
            if (cb + nv + kMinStack > co->maxstack) co->grow_stack(vm.g_, nv + kMinStack);
            cb = co->stack + 4;
            cb[-1] = link_by_delta(2, kFrameCP);
            for (uint32_t i = 0; i < nv; i++) cb[i] = args[i];
            L = co;
            vm.current_ = co;
            newbase = cb;
            nargs = nv;
            goto call_entry;
          }
          co->coroutine_phase = kCoRunning;
          TValue* dst = copy_to_thread(vm.g_, co, args, nv, false);
          L = co;
          vm.current_ = co;
          res = dst;
          nres = nv;
          fbase = co->base;
          goto do_return;
        }
        case kFfYield: {
          L->base = newbase;
          L->top = newbase + nargs;
          if (L->coroutine_phase != kCoRunning || L->resume_nesting != static_cast<uint32_t>(vm.nesting_)) {
            if (L->coroutine_phase != kCoRunning) vm.g_.raise(TValue::string(vm.g_.intern("attempt to yield across C-call boundary")));
            vm.error_at(L, 1, "attempt to yield across C-call boundary");
          }
          Thread* co = L;
          Thread* resumer = co->resumer;
          co->coroutine_phase = kCoSuspended;
          if (resumer->coroutine_phase == kCoNormal) resumer->coroutine_phase = kCoRunning;
          bool wrap = resumer->base[-2].as_function()->ffid == kFfWrapCall;
          res = copy_to_thread(vm.g_, resumer, newbase, nargs, !wrap);
          nres = nargs + (wrap ? 0 : 1);
          L = resumer;
          vm.current_ = resumer;
          fbase = L->base;
          goto do_return;
        }
        default:  // a fast path's unusual arguments
        c_call: {
          L->base = newbase;
          L->top = newbase + nargs;
          if (newbase + nargs + kMinStack > L->maxstack) L->grow_stack(vm.g_, kMinStack);
          int n = fn->cfunction()(L);
          vm.g_.gc_check();  // may run finalizers, which may move the stack
          res = L->top - n;
          nres = static_cast<uint32_t>(n);
          fbase = L->base;
          goto do_return;
        }
      }
    }

    // -- Returns: results res[0..nres) of the frame at fbase ---------------------------
    do_return: {
      TValue link = fbase[-1];
      if (is_lua_link(link)) {
        const uint32_t* rpc = link_pc(link);
        uint32_t call = rpc[-1];
        TValue* dst = fbase - 2;
        for (uint32_t i = 0; i < nres; i++) dst[i] = res[i];
        int wanted = static_cast<int>(bc::BOf(call)) - 1;
        if (wanted >= 0) {
          for (uint32_t i = nres; i < static_cast<uint32_t>(wanted); i++) dst[i] = TValue::nil();
        } else {
          vm.multres_ = nres;
        }
        base = dst - bc::AOf(call);
        L->base = base;
        pc = rpc;
        pt = proto_of(frame_function(base));
        L->top = base + pt->framesize;
        if (dst + nres > L->top) L->top = dst + nres;
        goto next;
      }
      switch (link_typep(link)) {
        case kFrameVarg:
          fbase -= link_delta(link);
          goto do_return;
        case kFramePcall:
        case kFramePcallH:
          res[-1] = TValue::boolean(true);
          res--;
          nres++;
          fbase -= link_delta(link);
          goto do_return;
        case kFrameCont: {
          TValue cont = fbase[-4];
          TValue r = nres ? res[0] : TValue::nil();
          base = fbase - link_delta(link);
          L->base = base;
          pc = link_pc(fbase[-3]);
          // A concatenation resumes mid-instruction and may still fail here.
          vm.savedpc_ = pc;
          pt = proto_of(frame_function(base));
          L->top = base + pt->framesize;
          uint32_t call = pc[-1];
          switch (static_cast<Continuation>(cont.u64 & 0xff)) {
            case Continuation::Store:
              base[bc::AOf(call)] = r;
              goto next;
            case Continuation::Discard:
              goto next;
            case Continuation::Test:
            case Continuation::TestNot: {
              bool holds = r.is_truthy() != (static_cast<Continuation>(cont.u64 & 0xff) == Continuation::TestNot);
              if (holds) pc += 1 + bc::JOf(*pc);
              else pc += 1;
              goto next;
            }
            case Continuation::Concat:
              cat_first = bc::BOf(call);
              cat_top = static_cast<uint32_t>(cont.u64 >> 8);
              base[cat_top] = r;
              goto cat_step;
          }
          goto next;
        }
        case kFrameCP: {
          // A coroutine's function returned: it is dead, its resumer goes on.
          Thread* co = L;
          Thread* resumer = co->resumer;
          co->coroutine_phase = kCoDead;
          if (resumer->coroutine_phase == kCoNormal) resumer->coroutine_phase = kCoRunning;
          bool wrap = resumer->base[-2].as_function()->ffid == kFfWrapCall;
          res = copy_to_thread(vm.g_, resumer, res, nres, !wrap);
          nres += wrap ? 0 : 1;
          co->base = co->top = co->stack + 2;
          L = resumer;
          vm.current_ = resumer;
          fbase = L->base;
          goto do_return;
        }
        default: {
          // This invocation's entry frame (C): hand the results to Vm::call.
          TValue* dst = fbase - 2;
          for (uint32_t i = 0; i < nres; i++) dst[i] = res[i];
          L->top = dst + nres;
          L->base = fbase - link_delta(link);
          return;
        }
      }
    }
    } catch (const vm::LuaError& e) {
      // A raise from inside the object layer (no memory, table overflow)
      // saved no pc: the traceback below still wants the running instruction.
      if (pc) vm.savedpc_ = pc;
      // Unwind to the nearest protecting frame of this invocation.
      TValue err = e.value();
      TValue* b = L->base;
      bool in_coroutine = L->coroutine_phase == kCoRunning;
      for (;;) {
        if (b <= L->stack + 2) break;
        TValue link = b[-1];
        if (is_lua_link(link)) {
          b = previous_base(b);
          continue;
        }
        uint64_t type = link_typep(link);
        if (type == kFramePcall || type == kFramePcallH || type == kFrameC || type == kFrameCP) break;
        b -= link_delta(link);
      }
      uint64_t type = b > L->stack + 2 ? link_typep(b[-1]) : kFrameC;
      if (type == kFrameC || (type == kFrameCP && !in_coroutine)) {
        // Not protected here: capture the traceback for a top-level pcall
        // while the stack is intact, then let the C++ caller see the error.
        if (vm.pending_traceback_ && vm.pending_traceback_->empty() && L == vm.g_.main_thread()) {
          bool protected_below = false;
          for (TValue* p = b; p > L->stack + 2;) {
            TValue link = p[-1];
            if (is_lua_link(link)) {
              p = previous_base(p);
              continue;
            }
            uint64_t t = link_typep(link);
            if (t == kFramePcall || t == kFramePcallH) protected_below = true;
            p -= link_delta(link);
          }
          if (!protected_below) *vm.pending_traceback_ = vm.traceback(L, 0);
        }
        if (b > L->stack + 2) L->base = b - link_delta(b[-1]);
        throw;
      }
      if (type == kFrameCP) {
        // The coroutine dies; its resumer gets (false, err) or the error.
        Thread* co = L;
        Thread* resumer = co->resumer;
        co->close_upvalues(vm.g_, co->stack);
        co->coroutine_phase = kCoDead;
        co->base = co->top = co->stack + 2;
        if (resumer->coroutine_phase == kCoNormal) resumer->coroutine_phase = kCoRunning;
        L = resumer;
        vm.current_ = resumer;
        bool wrap = L->base[-2].as_function()->ffid == kFfWrapCall;
        if (wrap) {
          // wrap re-raises in the resumer, a string with the caller's position.
          if (err.is_string()) err = TValue::string(vm.g_.intern(vm.where(L, 1) + std::string(err.as_string()->view())));
          raise_value = err;
          resume = Resume::Raise;
          continue;
        }
        res = copy_to_thread(vm.g_, L, &err, 1, false);
        res[1] = res[0];
        res[0] = TValue::boolean(false);
        nres = 2;
        fbase = L->base;
        resume = Resume::Return;
        continue;
      }
      if (type == kFramePcallH) {
        // xpcall: the handler sees the error before the stack unwinds.
        TValue handler = b[-3];
        ptrdiff_t b_offset = b - L->stack;
        try {
          TValue* f = L->top < b ? b : L->top;
          if (f + 4 + kMinStack > L->maxstack) {
            L->top = f;
            L->grow_stack(vm.g_, 4 + kMinStack);
            f = L->top;
          }
          f[0] = handler;
          f[2] = err;
          L->top = f + 3;
          f = vm.call(L, f, 1);
          err = f[0];
        } catch (const vm::LuaError&) {
          err = TValue::string(vm.g_.intern("error in error handling"));
        }
        b = L->stack + b_offset;  // the handler may have grown the stack
      }
      L->close_upvalues(vm.g_, b);
      b[0] = TValue::boolean(false);
      b[1] = err;
      res = b;
      nres = 2;
      fbase = b - link_delta(b[-1]);
      L->base = fbase;
      resume = Resume::Return;
    }
  }
}

#pragma GCC diagnostic pop

// -- Vm ---------------------------------------------------------------------------------

Vm::Vm(GlobalState& g) : g_(g) {
  g_.vm = this;
  current_ = g_.main_thread();
  Interpreter::run(*this, nullptr, nullptr, 0);
  set_hotloop(56);
  for (int i = 0; i < vm::kTypeTagCount; i++) {
    type_names_[i] = g_.intern(vm::type_tag_name(static_cast<vm::TypeTag>(i)));
  }
  // Keeps the type names alive; other caches hold nothing collectable.
  g_.set_root_marker([this](GlobalState& gs) {
    for (String* s : type_names_) gs.mark_root(TValue::string(s));
  });
  g_.set_finalizer_hook([this](GlobalState&, TValue fin, vm::Userdata* ud) {
    Thread* L = current_;
    if (L->top + 4 + kMinStack > L->maxstack) L->grow_stack(g_, 4 + kMinStack);
    TValue* f = L->top;
    f[0] = fin;
    f[2] = TValue::userdata(ud);
    L->top = f + 3;
    f = call(L, f, 0);
    L->top = f;
  });
}

Vm::~Vm() {
  // Closing the state runs every pending __gc, as lua_close does (files
  // flush and close, pipes are waited for).
  g_.finalize_all();
  g_.set_finalizer_hook(nullptr);
  g_.set_root_marker(nullptr);
  g_.vm = nullptr;
}

void Vm::set_hotloop(uint32_t hotloop) {
  hotloop_ = hotloop;
  jit_.params[static_cast<size_t>(JitParam::hotloop)] = static_cast<int32_t>(hotloop);
  hotcount_.fill(static_cast<uint16_t>(hotloop * 2 - 1));
}

void Vm::set_jit_enabled(bool on) {
  if (on && !jit_.enabled) set_hotloop(hotloop_);
  jit_.enabled = on;
  refresh_dispatch();
}

void Vm::refresh_dispatch() {
  handlers_ = labels_;
  // JIT off: no counting, as LuaJIT's dispatch update does it.
  if (!jit_.enabled) {
    constexpr std::pair<bc::Op, bc::Op> kUncounted[] = {
        {bc::Op::FORL, bc::Op::IFORL}, {bc::Op::ITERL, bc::Op::IITERL},
        {bc::Op::LOOP, bc::Op::ILOOP}, {bc::Op::FUNCF, bc::Op::IFUNCF}};
    for (auto [counted, plain] : kUncounted) handlers_[static_cast<int>(counted)] = labels_[static_cast<int>(plain)];
  }
  for (int i = 0; i < bc::kNumOpcodes; i++) dispatch_[i] = hooked_ ? hook_label_ : handlers_[i];
}

bool Vm::apply_jit_option(std::string_view option) {
  JitParam changed = JitParam::count;
  if (!jit_.apply(option, &changed)) return false;
  if (changed == JitParam::hotloop) set_hotloop(static_cast<uint32_t>(jit_.param(JitParam::hotloop)));
  return true;
}

void Vm::set_instruction_hook(bool active) {
  hooked_ = active;
  refresh_dispatch();
}

Function* Vm::new_c_function(vm::CFunction f, uint8_t ffid) {
  return g_.new_c_function(f, ffid == kFfWrapCall ? 1 : 0, g_.globals(), ffid);
}

void Vm::set_fast_path(uint8_t ffid, FastPath path) {
  check(ffid >= kFfFirstFastPath && ffid < kFfFirstPlain, "not a fast-path id");
  fast_paths_[ffid] = path;
}

TValue* Vm::call(Thread* L, TValue* func, int nresults) {
  if (nesting_ >= kMaxNesting) error_at(L, 1, "stack overflow");
  TValue* caller_base = L->base;
  TValue* newbase = func + 2;
  uint32_t nargs = static_cast<uint32_t>(L->top - newbase);
  ptrdiff_t func_off = func - L->stack;
  func[1] = link_by_delta(static_cast<size_t>(newbase - caller_base), kFrameC);
  const uint32_t* saved_pc = savedpc_;
  // Remembered for frame walks: the C link below carries no pc.
  call_sites_.push_back({L, newbase - L->stack, saved_pc});
  struct Restore {
    Vm& vm;
    const uint32_t* pc;
    ~Restore() {
      vm.nesting_--;
      vm.savedpc_ = pc;
      vm.call_sites_.pop_back();
    }
  } restore{*this, saved_pc};
  nesting_++;
  Interpreter::run(*this, L, newbase, nargs);
  func = L->stack + func_off;
  if (nresults >= 0) {
    TValue* want = func + nresults;
    for (TValue* p = L->top; p < want; p++) *p = TValue::nil();
    L->top = want;
  }
  return func;
}

const uint32_t* Vm::c_call_pc(const Thread* L, const TValue* newbase) const {
  ptrdiff_t offset = newbase - L->stack;
  for (auto it = call_sites_.rbegin(); it != call_sites_.rend(); ++it) {
    if (it->thread == L && it->newbase_offset == offset) return it->pc;
  }
  return nullptr;
}

bool Vm::pcall(Thread* L, TValue* func, int nresults, std::string* traceback) {
  ptrdiff_t func_off = func - L->stack;
  ptrdiff_t base_off = L->base - L->stack;
  std::string* saved = pending_traceback_;
  pending_traceback_ = traceback;
  if (traceback) traceback->clear();
  try {
    call(L, func, nresults);
    pending_traceback_ = saved;
    return true;
  } catch (const vm::LuaError& e) {
    pending_traceback_ = saved;
    func = L->stack + func_off;
    L->base = L->stack + base_off;
    L->close_upvalues(g_, func);
    *func = e.value();
    L->top = func + 1;
    current_ = L;
    return false;
  }
}

Thread* Vm::new_coroutine(Thread* L, Function* fn) {
  (void)L;
  Thread* co = g_.new_thread();
  co->stack[2] = TValue::function(fn);
  co->base = co->stack + 2;
  co->top = co->stack + 3;
  co->coroutine_phase = kCoFresh;
  return co;
}

const char* Vm::coroutine_status(Thread* L, Thread* co) {
  if (co == L) return "running";
  switch (co->coroutine_phase) {
    case kCoFresh:
    case kCoSuspended: return "suspended";
    case kCoDead: return "dead";
    case kCoMain:
    case kCoRunning:
    case kCoNormal: return "normal";
  }
  return "dead";
}

}  // namespace lj::interp
