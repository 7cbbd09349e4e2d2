// GC object layouts shared by the interpreter, the GC and machine code.
//
// Every GC object starts with the same header (nextgc, marked, gct) and keeps
// fixed field offsets (checked by static_asserts below, documented in
// docs/objects.md): machine code loads these fields directly. Objects never
// move once allocated.
#pragma once

#include <emmintrin.h>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>

#include "lj/vm/object/value.h"

namespace lj::vm {

class GlobalState;

// -- Mark bits (LuaJIT's values) -------------------------------------------
namespace mark {
inline constexpr uint8_t kWhite0 = 0x01;
inline constexpr uint8_t kWhite1 = 0x02;
inline constexpr uint8_t kBlack = 0x04;
inline constexpr uint8_t kFinalized = 0x08;  // userdata: __gc already handled
inline constexpr uint8_t kWeakKey = 0x08;    // tables: weak keys this cycle
inline constexpr uint8_t kWeakValue = 0x10;  // tables: weak values this cycle
inline constexpr uint8_t kFixed = 0x20;      // never collected
inline constexpr uint8_t kWhites = kWhite0 | kWhite1;
inline constexpr uint8_t kColors = kWhites | kBlack;
inline constexpr uint8_t kWeak = kWeakKey | kWeakValue;
}  // namespace mark

// -- Metamethods, in LuaJIT's order ---------------------------------------
// The first kFastMetamethods are cached negatively in Table::nomm.
#define LJ_METAMETHODS(_)                                                      \
  _(Index, "__index") _(NewIndex, "__newindex") _(Gc, "__gc") _(Mode, "__mode") \
  _(Eq, "__eq") _(Len, "__len") _(Lt, "__lt") _(Le, "__le")                     \
  _(Concat, "__concat") _(Call, "__call") _(Add, "__add") _(Sub, "__sub")       \
  _(Mul, "__mul") _(Div, "__div") _(Mod, "__mod") _(Pow, "__pow")               \
  _(Unm, "__unm") _(Metatable, "__metatable") _(ToString, "__tostring")

enum class Metamethod : uint8_t {
#define LJ_MM_ENUM(name, str) name,
  LJ_METAMETHODS(LJ_MM_ENUM)
#undef LJ_MM_ENUM
  Count
};
inline constexpr int kMetamethodCount = static_cast<int>(Metamethod::Count);
inline constexpr int kFastMetamethods = static_cast<int>(Metamethod::Len) + 1;
const char* metamethod_name(Metamethod mm);

// -- Error messages raised at the object level ------------------------------
#define LJ_OBJECT_ERRORS(_)                         \
  _(NoMemory, "not enough memory")                  \
  _(NilIndex, "table index is nil")                 \
  _(NanIndex, "table index is NaN")                 \
  _(InvalidNextKey, "invalid key to 'next'")        \
  _(TableOverflow, "table overflow")                \
  _(StackOverflow, "stack overflow")

enum class ErrorCode : uint8_t {
#define LJ_ERR_ENUM(name, str) name,
  LJ_OBJECT_ERRORS(LJ_ERR_ENUM)
#undef LJ_ERR_ENUM
  Count
};
inline constexpr int kErrorCodeCount = static_cast<int>(ErrorCode::Count);
const char* error_message(ErrorCode code);

// A Lua error in flight. The value is also kept rooted in
// GlobalState::error_value() until the next error is raised.
class LuaError : public std::exception {
 public:
  LuaError(TValue value, std::string description)
      : value_(value), description_(std::move(description)) {}
  TValue value() const { return value_; }
  const char* what() const noexcept override { return description_.c_str(); }

 private:
  TValue value_;
  std::string description_;
};

// -- Generic header -----------------------------------------------------------
struct GCObject {
  GCObject* nextgc;  // all-objects list, or string-table chain for strings
  uint8_t marked;    // mark bits above
  uint8_t gct;       // TypeTag index (~itype)
  TypeTag tag() const { return static_cast<TypeTag>(gct); }
};

// -- Strings -----------------------------------------------------------------
struct String {
  GCObject* nextgc;
  uint8_t marked;
  uint8_t gct;
  uint8_t reserved;  // reserved word index + 1, set by the lexer
  uint8_t unused;
  uint32_t sid;      // unique id, in creation order
  uint32_t hash;
  uint32_t len;
  // Bytes follow the header, NUL-terminated (not counted in len).
  const char* data() const { return reinterpret_cast<const char*>(this + 1); }
  char* mutable_data() { return reinterpret_cast<char*>(this + 1); }
  std::string_view view() const { return {data(), len}; }
};
static_assert(sizeof(String) == 24 && offsetof(String, hash) == 16 && offsetof(String, len) == 20);

// -- Tables --------------------------------------------------------------------
// A deleted entry whose key is a GC object gets its key turned into a *dead
// key* by the collector (same address, tag of an upvalue, which can never be
// a real key), so the key object can be freed: a dead key is never hashed or
// dereferenced, never equals a live key, and only `next` matches it (by
// address) to continue a traversal.
inline TValue dead_key(TValue key) { return TValue::gc(key.as_gc(), TypeTag::Upvalue); }
inline bool is_dead_key(TValue key) { return key.tag() == TypeTag::Upvalue; }

struct Node {
  TValue val;  // value first: a slot pointer also addresses the node
  TValue key;
  Node* next;  // collision chain
};
static_assert(sizeof(Node) == 24 && offsetof(Node, key) == 8 && offsetof(Node, next) == 16);

struct Table {
  GCObject* nextgc;
  uint8_t marked;
  uint8_t gct;
  uint8_t nomm;        // bit i set: metamethod i known absent (this is a metatable)
  int8_t colo;         // unused (LuaJIT's colocated array), kept for layout
  TValue* array;       // asize slots, indices 0 .. asize-1
  GCObject* gclist;
  Table* metatable;
  Node* node;          // hmask+1 nodes, or the global nil node
  uint32_t asize;
  uint32_t hmask;
  Node* freetop;       // free nodes are searched below this

  // Array index of a key: a number with an integer value in [0, asize).
  // One truncation and its round trip decide it, without a type test: a
  // non-number reads as a NaN double (static_assert below), NaN and
  // fractions fail the round trip, negatives and out-of-range values wrap
  // to indices >= asize. -0 reads as 0, the same key.
  [[gnu::always_inline]] bool array_index(TValue key, uint64_t& index) const {
    __m128d d = _mm_castsi128_pd(_mm_cvtsi64_si128(static_cast<int64_t>(key.u64)));
    int64_t i = _mm_cvttsd_si64(d);  // x86's truncation, defined for any input
    index = static_cast<uint64_t>(i);
    return static_cast<double>(i) == _mm_cvtsd_f64(d) && index < asize;
  }

  // Reads (never allocate, never raise). The array and string-key paths are
  // inline: they are the interpreter's hot paths.
  TValue get(TValue key) const;
  [[gnu::always_inline]] TValue get_int(int64_t key) const {
    if (key >= 0 && static_cast<uint64_t>(key) < asize) return array[key];
    return get_num(static_cast<double>(key));
  }
  TValue get_num(double key) const;
  [[gnu::always_inline]] TValue get_str(const String* key) const {
    TValue k = TValue::gc_trusted(key, TypeTag::String);
    for (const Node* n = &node[key->hash & hmask]; n; n = n->next) {
      if (n->key == k) return n->val;
    }
    return TValue::nil();
  }
  // Slot of a string key present in the hash part (value may be nil), or
  // null; never allocates. The interpreter's TSETS/GSET fast path.
  [[gnu::always_inline]] TValue* find_str(const String* key) {
    TValue k = TValue::gc_trusted(key, TypeTag::String);
    for (Node* n = &node[key->hash & hmask]; n; n = n->next) {
      if (n->key == k) return &n->val;
    }
    return nullptr;
  }
  // Slot of a key present in the table (its value may be nil), or null.
  const TValue* find(TValue key) const;

  // Writes (may resize; raise "table index is nil/NaN", "not enough memory").
  // They apply the back write barrier themselves.
  void set(GlobalState& g, TValue key, TValue val);
  void set_int(GlobalState& g, int64_t key, TValue val);
  void set_str(GlobalState& g, String* key, TValue val);
  // Slot for key, created (value nil) if absent. The caller writes the value
  // before any other operation on this table (an unwritten slot counts as a
  // deleted entry) and calls GlobalState::barrier_back(this) first if it
  // stores a GC value.
  TValue* slot_for(GlobalState& g, TValue key);
  void set_metatable(GlobalState& g, Table* mt);

  // Lua's '#': some border n (t[n] ~= nil and t[n+1] == nil, or 0).
  uint32_t length() const;
  // Lua's next(): key nil starts; returns false at the end.
  // Raises "invalid key to 'next'" for a key not in the table.
  bool next(GlobalState& g, TValue& key, TValue& val) const;
  // Iteration by hidden index (ITERN's control slot): scans from index,
  // on success stores key/val and advances index past the entry found.
  bool iterate(uint32_t& index, TValue& key, TValue& val) const;
  // Hidden index of a key present in the table (array slot or asize+node).
  bool index_of(TValue key, uint32_t& index) const;

  // Resizes to asize array slots and 2^hbits nodes (hbits 0: no hash part).
  void resize(GlobalState& g, uint32_t new_asize, uint32_t hbits);
  // Metamethod lookup through the negative cache (this table is the metatable).
  TValue metamethod(const GlobalState& g, Metamethod mm);
  // Whether the negative cache already knows this metatable lacks mm (one
  // of the first kFastMetamethods); false means "look it up".
  [[gnu::always_inline]] bool known_absent(Metamethod mm) const {
    return (nomm >> static_cast<uint32_t>(mm)) & 1;
  }

  bool has_hash_part() const { return hmask != 0; }
  uint32_t hash_size() const { return hmask ? hmask + 1 : 0; }

 private:
  Node* main_position(TValue key) const;
  Node* find_node(TValue key) const;
  // length() past a full array part: the border search from t[n] ~= nil on.
  [[gnu::noinline]] uint32_t hash_length(uint32_t n) const;
  TValue* new_key(GlobalState& g, TValue key);
  void rehash(GlobalState& g, TValue extra_key);
  void grow_array(GlobalState& g, uint32_t new_asize);
};
// array_index's premise: every itype above the numbers sets the sign, the
// exponent and the quiet bit (the top 13 of its 17 bits), so a non-number's
// bits are a NaN double.
static_assert(((kITypeNumX + 1) & 0x1fff0u) == 0x1fff0u);
static_assert(sizeof(Table) == 64 && offsetof(Table, array) == 16 &&
              offsetof(Table, gclist) == 24 && offsetof(Table, metatable) == 32 &&
              offsetof(Table, node) == 40 && offsetof(Table, asize) == 48 &&
              offsetof(Table, hmask) == 52);

// -- Upvalues -------------------------------------------------------------------
struct Upvalue {
  GCObject* nextgc;  // closed: all-objects list; open: the thread's open list
  uint8_t marked;
  uint8_t gct;
  uint8_t closed;
  uint8_t immutable;
  uint32_t unused;
  TValue tv;      // the value once closed
  TValue* v;      // stack slot while open, &tv once closed
  Upvalue* prev;  // global list of open upvalues (for the atomic phase)
  Upvalue* next;
};
static_assert(sizeof(Upvalue) == 48 && offsetof(Upvalue, tv) == 16 && offsetof(Upvalue, v) == 24);

// -- Prototypes -------------------------------------------------------------------
// Flags, LuaJIT's values.
namespace proto_flag {
inline constexpr uint8_t kChild = 0x01;
inline constexpr uint8_t kVararg = 0x02;
inline constexpr uint8_t kFfi = 0x04;
inline constexpr uint8_t kNoJit = 0x08;
inline constexpr uint8_t kILoop = 0x10;
inline constexpr uint8_t kHasReturn = 0x20;
inline constexpr uint8_t kFixupReturn = 0x40;
}  // namespace proto_flag
// Upvalue descriptor bits: local slot of the parent, or parent upvalue index.
inline constexpr uint16_t kUpvalueLocal = 0x8000;
inline constexpr uint16_t kUpvalueImmutable = 0x4000;

// A local variable name and the pc range [startpc, endpc) where it is live.
struct VarInfo {
  String* name;
  uint32_t startpc;
  uint32_t endpc;
};

// Sizes of a prototype's arrays, all allocated with it in one block.
struct ProtoSizes {
  uint32_t bytecode = 0;   // instructions
  uint32_t gc_consts = 0;  // strings, template tables, child protos
  uint32_t num_consts = 0;
  uint32_t upvalues = 0;   // at most 255
  uint32_t vars = 0;
};

struct Proto {
  GCObject* nextgc;
  uint8_t marked;
  uint8_t gct;
  uint8_t numparams;
  uint8_t framesize;
  uint32_t sizebc;
  uint64_t unused;
  GCObject* gclist;
  void* k;              // GC constants at k[-1-i] (GCObject*), numbers at k[i] (TValue)
  uint16_t* uv;         // upvalue descriptors
  uint32_t sizekgc;
  uint32_t sizekn;
  uint32_t sizept;      // bytes of the whole block
  uint8_t sizeuv;
  uint8_t flags;
  uint16_t trace;       // first trace number started here (0: none)
  String* chunkname;
  uint32_t firstline;
  uint32_t numline;
  uint32_t* lineinfo;   // absolute source line of each instruction
  VarInfo* varinfo;
  uint32_t sizevarinfo;
  uint32_t unused2;
  String** uvnames;

  // The bytecode follows the header: its address never changes.
  uint32_t* bc() { return reinterpret_cast<uint32_t*>(this + 1); }
  const uint32_t* bc() const { return reinterpret_cast<const uint32_t*>(this + 1); }
  GCObject*& kgc(uint32_t i) { return reinterpret_cast<GCObject**>(k)[-1 - static_cast<int64_t>(i)]; }
  GCObject* kgc(uint32_t i) const { return reinterpret_cast<GCObject* const*>(k)[-1 - static_cast<int64_t>(i)]; }
  TValue& knum(uint32_t i) { return reinterpret_cast<TValue*>(k)[i]; }
  TValue knum(uint32_t i) const { return reinterpret_cast<const TValue*>(k)[i]; }
};
static_assert(sizeof(Proto) == 112 && offsetof(Proto, gclist) == 24 && offsetof(Proto, k) == 32 &&
              offsetof(Proto, uv) == 40 && offsetof(Proto, chunkname) == 64);

// -- Functions ----------------------------------------------------------------------
// Fast-function ids: 0 Lua function, 1 plain C function, >1 builtins.
inline constexpr uint8_t kFfidLua = 0;
inline constexpr uint8_t kFfidC = 1;

using CFunction = int (*)(Thread* thread);

// A closure. Lua closures keep Upvalue* uvptr[nupvalues] at kUpvaluesOffset;
// C functions keep their CFunction at kCFunctionOffset and TValue upvalues at
// kCUpvaluesOffset.
struct Function {
  GCObject* nextgc;
  uint8_t marked;
  uint8_t gct;
  uint8_t ffid;
  uint8_t nupvalues;
  uint32_t unused;
  Table* env;
  GCObject* gclist;
  const uint32_t* pc;  // Lua: the proto's first instruction; C: null

  static constexpr size_t kUpvaluesOffset = 40;
  static constexpr size_t kCFunctionOffset = 40;
  static constexpr size_t kCUpvaluesOffset = 48;

  bool is_lua() const { return ffid == kFfidLua; }
  bool is_c() const { return ffid != kFfidLua; }
  Proto* proto() const;  // Lua closures: the prototype owning pc
  Upvalue** upvalues() { return at<Upvalue*>(kUpvaluesOffset); }
  CFunction& cfunction() { return *at<CFunction>(kCFunctionOffset); }
  TValue* c_upvalues() { return at<TValue>(kCUpvaluesOffset); }

 private:
  template <class T>
  T* at(size_t offset) { return reinterpret_cast<T*>(reinterpret_cast<char*>(this) + offset); }
};
static_assert(sizeof(Function) == 40 && offsetof(Function, env) == 16 &&
              offsetof(Function, gclist) == 24 && offsetof(Function, pc) == 32);

// -- Userdata ---------------------------------------------------------------------
struct Userdata {
  GCObject* nextgc;
  uint8_t marked;
  uint8_t gct;
  uint8_t udtype;
  uint8_t unused;
  uint32_t unused2;
  Table* env;
  uint32_t len;
  uint32_t unused3;
  Table* metatable;
  uint64_t align;
  // The payload follows the header, 16-byte aligned.
  void* payload() { return this + 1; }
};
static_assert(sizeof(Userdata) == 48 && offsetof(Userdata, env) == 16 &&
              offsetof(Userdata, metatable) == 32);

// -- Threads ----------------------------------------------------------------------
// Coroutine status, Lua's values.
enum class ThreadStatus : uint8_t { Ok = 0, Yield, ErrRun, ErrSyntax, ErrMem, ErrErr };

inline constexpr uint32_t kStackStartSize = 45;  // initial slots
inline constexpr uint32_t kStackExtra = 9;       // slack above maxstack
inline constexpr uint32_t kStackMaxSlots = 65500;  // LUAI_MAXSTACK

struct Thread {
  GCObject* nextgc;
  uint8_t marked;
  uint8_t gct;
  uint8_t dummy_ffid;
  uint8_t status;
  uint32_t coroutine_phase;  // interpreter-owned: fresh/running/suspended/normal/dead
  GlobalState* global;
  GCObject* gclist;
  TValue* base;      // first slot of the running frame
  TValue* top;       // first free slot
  TValue* maxstack;  // last usable slot (stack + stacksize - kStackExtra)
  TValue* stack;
  Upvalue* openupval;  // open upvalues, highest slot first
  Table* env;
  Thread* resumer;            // interpreter-owned: who resumed this coroutine
  uint32_t stacksize;
  uint32_t resume_nesting;    // interpreter-owned: C-call nesting when resumed

  // Makes room for `slots` more slots above top; relocates base, top and
  // open upvalues. Raises "stack overflow" or "not enough memory".
  void grow_stack(GlobalState& g, uint32_t slots);
  // The open upvalue for a stack slot, created on first request.
  Upvalue* find_upvalue(GlobalState& g, TValue* slot);
  // Closes every open upvalue at or above level.
  void close_upvalues(GlobalState& g, TValue* level);
};
static_assert(sizeof(Thread) == 96 && offsetof(Thread, gclist) == 24 && offsetof(Thread, base) == 32 &&
              offsetof(Thread, top) == 40 && offsetof(Thread, stack) == 56 &&
              offsetof(Thread, openupval) == 64 && offsetof(Thread, env) == 72);

// -- Casts between the generic header and typed objects ----------------------------
template <class T>
GCObject* as_object(T* obj) { return reinterpret_cast<GCObject*>(obj); }
template <class T>
T* object_cast(GCObject* o, TypeTag tag) {
  check(o->tag() == tag, "GC object cast to the wrong type");
  return reinterpret_cast<T*>(o);
}
// The TValue referring to a GC object, tagged from its header.
inline TValue value_of(GCObject* o) { return TValue::gc(o, o->tag()); }

}  // namespace lj::vm
