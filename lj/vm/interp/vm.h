// The interpreter and core runtime of ljit: loader (bc::Proto -> vm::Proto),
// frames on each thread's TValue stack in LuaJIT's GC64 layout, the
// computed-goto interpreter loop, metamethods, runtime errors with variable
// names, protected calls, coroutines, hot counters and the dispatch update.
// See docs/interpreter.md.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lj/vm/bc/bc.h"
#include "lj/vm/interp/jit_settings.h"
#include "lj/vm/object/state.h"

namespace lj::interp {

using vm::Function;
using vm::GlobalState;
using vm::Proto;
using vm::String;
using vm::Table;
using vm::Thread;
using vm::TValue;

// -- Frames ---------------------------------------------------------------------
// A frame link (slot base-1) is either the return PC of a Lua caller (type
// LUA: the low 2 bits of an instruction address are 0) or a delta in bytes
// to the frame below with the type in the low 3 bits (LuaJIT's FRAME_*).
enum FrameType : uint64_t {
  kFrameLua = 0,
  kFrameC = 1,
  kFrameCont = 2,
  kFrameVarg = 3,
  kFrameLuaP = 4,
  kFrameCP = 5,
  kFramePcall = 6,
  kFramePcallH = 7,
};
inline constexpr uint64_t kFrameTypeMask = 3;
inline constexpr uint64_t kFrameTypePMask = 7;

inline TValue link_to_pc(const uint32_t* pc) { return TValue{reinterpret_cast<uint64_t>(pc)}; }
inline TValue link_by_delta(size_t slots, FrameType type) { return TValue{(slots * 8) | type}; }
inline bool is_lua_link(TValue link) { return (link.u64 & kFrameTypeMask) == kFrameLua; }
inline uint64_t link_typep(TValue link) { return link.u64 & kFrameTypePMask; }
inline const uint32_t* link_pc(TValue link) { return reinterpret_cast<const uint32_t*>(link.u64); }
inline size_t link_delta(TValue link) { return (link.u64 & ~kFrameTypePMask) / 8; }

// Base of the frame below the one at `base` (whose link is base[-1]).
inline TValue* previous_base(TValue* base) {
  TValue link = base[-1];
  if (is_lua_link(link)) return base - 2 - bc::AOf(link_pc(link)[-1]);
  return base - link_delta(link);
}

// What a continuation frame (metamethod called by an instruction) does with
// the metamethod's first result when it returns.
enum class Continuation : uint8_t {
  Store,      // result into the instruction's A slot (index, arith, len, ...)
  Discard,    // __newindex
  Test,       // comparison: jump by the result's truth
  TestNot,    // comparison: jump by the negated truth
  Concat,     // continue a CAT with the result in place
};

// A library function's path for its common arguments, run by the loop in
// place of the C function: reads args[0..nargs), writes its results from
// args[0] and returns how many, or -1 when the C function must run instead
// (unusual types, errors, a due GC step, too little stack), so every error
// message stays the C function's. It never steps the GC (so L->top need not
// cover its arguments) and raises nothing but "not enough memory".
using FastPath = int (*)(Thread* L, TValue* args, uint32_t nargs);

// -- The VM ---------------------------------------------------------------------
class Vm {
 public:
  explicit Vm(GlobalState& g);
  ~Vm();
  Vm(const Vm&) = delete;
  Vm& operator=(const Vm&) = delete;

  static Vm& of(Thread* L) { return *static_cast<Vm*>(L->global->vm); }
  GlobalState& global() { return g_; }

  // Compiles a chunk into a closure with the given environment; a syntax
  // error raises LuaError with luajit's message.
  Function* load(std::string_view source, const std::string& chunkname, Table* env);
  // A closure over an already assembled prototype tree (the bytecode
  // builtins of lj/vm/lib); no upvalues.
  Function* load_proto(const bc::Proto& proto, Table* env);

  // Calls the function in `func` (func[1] is free for the frame link,
  // arguments from func+2 up to L->top). Results land at func..., L->top
  // just past them; nresults -1 keeps all, otherwise pads/truncates.
  // Errors propagate as LuaError. The stack may move: the function slot's
  // new address is returned (callers must not keep older pointers).
  TValue* call(Thread* L, TValue* func, int nresults);
  // As call(), but an error returns false with the error value at func
  // (L->top = func+1); the traceback at the error point goes to *traceback.
  bool pcall(Thread* L, TValue* func, int nresults, std::string* traceback);

  // Raises a runtime error: message prefixed with the position of the Lua
  // function at `level` (1: the running Lua function, or the caller of the
  // running C function), as Lua's error() does.
  [[noreturn]] void error_at(Thread* L, int level, std::string_view message);
  [[noreturn]] void raise_value(Thread* L, TValue value);
  // "chunk:line:" of the function at level (empty if it is not Lua).
  std::string where(Thread* L, int level);
  // Lua's "stack traceback:" text from level on.
  std::string traceback(Thread* L, int level);
  // "bad argument #n to 'name' (msg)" for the running C function.
  [[noreturn]] void arg_error(Thread* L, int arg, std::string_view message);
  [[noreturn]] void type_error(Thread* L, int arg, std::string_view expected);
  // Name the running C function was called by ("?" if unknown).
  std::string current_function_name(Thread* L);

  // Creates a C function (ffid > 1 marks fast functions the loop handles).
  Function* new_c_function(vm::CFunction f, uint8_t ffid = vm::kFfidC);
  // A fast path for the library function with fast id `ffid` (one of
  // LJ_FAST_PATHS): the loop runs it instead of the C function's C-API call.
  void set_fast_path(uint8_t ffid, FastPath path);
  FastPath fast_path(uint8_t ffid) const { return fast_paths_[ffid]; }
  // Whether the dispatch routes through the hook (debug hooks, recording).
  bool hooked() const { return hooked_; }

  // Metamethods and conversions shared with the libraries.
  TValue metamethod(TValue o, vm::Metamethod mm);
  // The metamethod of a binary __eq/__lt/__le: operands of one type with the
  // same (raw-equal) handler, as LuaJIT requires; nil otherwise.
  TValue shared_metamethod(TValue a, TValue b, vm::Metamethod mm);
  Table* metatable_of(TValue o);
  // tostring() semantics including __tostring (may call Lua).
  String* to_string(Thread* L, TValue v);
  // Primitive tostring without metamethods ("table: 0x...").
  String* to_string_raw(TValue v);
  // String -> number as Lua 5.1 does for coercions and tonumber().
  static bool string_to_number(std::string_view s, double* out);
  String* number_to_string(double n);
  // Index/newindex with metamethods (may call Lua through nested loops).
  TValue get(Thread* L, TValue obj, TValue key);
  void set(Thread* L, TValue obj, TValue key, TValue value);
  bool equals(Thread* L, TValue a, TValue b);
  bool less_than(Thread* L, TValue a, TValue b);

  // -- Coroutines (lj/vm/lib/coroutine uses these) -------------------------------
  Thread* current_thread() const { return current_; }
  Thread* new_coroutine(Thread* L, Function* fn);
  // "suspended", "running", "normal" or "dead".
  const char* coroutine_status(Thread* L, Thread* co);
  bool is_main_thread(Thread* L) const { return L == g_.main_thread(); }

  // -- Hot counters and the dispatch update --------------------------------------
  static constexpr int kHotCounters = 64;
  void set_hotloop(uint32_t hotloop);
  uint32_t hotloop() const { return hotloop_; }
  // Called with the instruction's address (pc already past it) when a
  // counter underflows; the counter is then reset to hotloop*2.
  std::function<void(const uint32_t* pc)> on_hot;
  // Called before every instruction while the dispatch update is active.
  std::function<void(const uint32_t* pc)> on_instruction;
  // Called when a C function is entered while the dispatch update is active
  // (debug call hooks): its frame starts at L->stack + newbase_offset with
  // nargs arguments. The callee may move the stack.
  std::function<void(Thread* L, ptrdiff_t newbase_offset, uint32_t nargs)> on_c_entry;
  // The debug hooks' state (lj/vm/interp/hooks.cc owns its type).
  std::shared_ptr<void> hook_state;
  // J* opcodes (no traces yet) call this then run as their plain variant.
  std::function<void(const uint32_t* pc)> on_trace_entry;
  // Routes every instruction through on_instruction (or back).
  void set_instruction_hook(bool active);
  uint16_t hot_counter(const uint32_t* pc_after) const {
    return hotcount_[(reinterpret_cast<uintptr_t>(pc_after) >> 2) & (kHotCounters - 1)];
  }

  // -- JIT switches (jit.on/off, jit.opt.start, -j, -O) --------------------------
  // Counting stops while the JIT is off; an off->on switch resets every
  // counter (DESIGN §4). jit.flush does neither.
  void set_jit_enabled(bool on);
  bool jit_enabled() const { return jit_.enabled; }
  // Applies one jit.opt.start / -O option (false: unknown or malformed);
  // a hotloop change resets the counters.
  bool apply_jit_option(std::string_view option);
  // jit.opt.start() without arguments.
  void reset_jit_flags() { jit_.reset_flags(); }
  const JitSettings& jit_settings() const { return jit_; }

  // The pc past the running Lua instruction (for frame walks).
  const uint32_t* saved_pc() const { return savedpc_; }
  // The pc of the Lua instruction that was running when Vm::call pushed
  // the C-linked frame at newbase (an xpcall handler, a finalizer), or null.
  const uint32_t* c_call_pc(const Thread* L, const TValue* newbase) const;

  // Depth of nested interpreter loops (C -> Lua calls).
  int nesting() const { return nesting_; }
  // Interned type() names, indexed by TypeTag.
  String* type_name_string(int tag) const { return type_names_[tag]; }

 private:
  friend class Interpreter;

  GlobalState& g_;
  Thread* current_ = nullptr;
  int nesting_ = 0;
  const uint32_t* savedpc_ = nullptr;  // pc of the running Lua instruction
  // Results of the last call or VARG that kept them all (the loop's MULTRES):
  // in memory, as LuaJIT keeps it, so it takes no register across dispatch.
  uint32_t multres_ = 0;
  std::array<const void*, bc::kNumOpcodes> dispatch_{};  // what the loop jumps through
  std::array<const void*, bc::kNumOpcodes> handlers_{};  // what each opcode runs (hook: after the hook)
  std::array<const void*, bc::kNumOpcodes> labels_{};    // each opcode's own handler label
  // Rebuilds handlers_/dispatch_ from the JIT switch and the hook.
  void refresh_dispatch();
  const void* hook_label_ = nullptr;                     // runs on_instruction first
  bool hooked_ = false;
  std::array<uint16_t, kHotCounters> hotcount_{};
  uint32_t hotloop_ = 56;
  JitSettings jit_;
  std::array<String*, vm::kTypeTagCount> type_names_{};
  std::array<FastPath, 256> fast_paths_{};  // by ffid; null: none
  std::string* pending_traceback_ = nullptr;
  // Where each active Vm::call was made from (C links carry no pc).
  struct CallSite {
    const Thread* thread;
    ptrdiff_t newbase_offset;
    const uint32_t* pc;
  };
  std::vector<CallSite> call_sites_;
};

// Library functions with a FastPath (lj/vm/lib registers each): the
// single list of their fast-function ids.
#define LJ_FAST_PATHS(_)                                                                 \
  _(BitTobit) _(BitBnot) _(BitBswap) _(BitBand) _(BitBor) _(BitBxor) _(BitLshift)      \
  _(BitRshift) _(BitArshift) _(BitRol) _(BitRor)                                         \
  _(MathAbs) _(MathAcos) _(MathAsin) _(MathAtan) _(MathCeil) _(MathCos) _(MathCosh)      \
  _(MathExp) _(MathFloor) _(MathSin) _(MathSinh) _(MathSqrt) _(MathTan) _(MathTanh)      \
  _(MathLog10) _(MathMin) _(MathMax)                                                     \
  _(Type) _(Select) _(Rawget) _(Tonumber) _(IpairsAux) _(Unpack)                         \
  _(StringByte) _(StringSub) _(StringChar)

// Fast-function ids the interpreter loop handles itself (no C++ recursion).
enum FastFunction : uint8_t {
  kFfPcall = 2,
  kFfXpcall,
  kFfResume,
  kFfYield,
  kFfWrapCall,
  kFfNext,
#define LJ_FAST_PATH_ID(name) kFf##name,
  LJ_FAST_PATHS(LJ_FAST_PATH_ID)
#undef LJ_FAST_PATH_ID
  kFfFirstPlain,  // ids from here on are plain C functions with a name
};
inline constexpr uint8_t kFfFirstFastPath = kFfNext + 1;

}  // namespace lj::interp
