// GlobalState: allocation, strings, object construction, threads, upvalues.
#include "lj/vm/object/state.h"

#include <emmintrin.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace lj::vm {

// -- Names from the X-macro tables ----------------------------------------------

const char* type_tag_name(TypeTag tag) {
  static constexpr const char* kNames[] = {
#define LJ_TYPE_NAME(name, str) str,
      LJ_TYPE_TAGS(LJ_TYPE_NAME)
#undef LJ_TYPE_NAME
  };
  return kNames[static_cast<int>(tag)];
}

const char* metamethod_name(Metamethod mm) {
  static constexpr const char* kNames[] = {
#define LJ_MM_NAME(name, str) str,
      LJ_METAMETHODS(LJ_MM_NAME)
#undef LJ_MM_NAME
  };
  return kNames[static_cast<int>(mm)];
}

const char* error_message(ErrorCode code) {
  static constexpr const char* kMessages[] = {
#define LJ_ERR_MSG(name, str) str,
      LJ_OBJECT_ERRORS(LJ_ERR_MSG)
#undef LJ_ERR_MSG
  };
  return kMessages[static_cast<int>(code)];
}

namespace {

// Fixed-size loads compile to one mov; a variable-length memcpy or memcmp
// is a libc call, which costs more than the short strings it would read.
uint64_t load64(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}
uint32_t load32(const char* p) {
  uint32_t w;
  std::memcpy(&w, p, 4);
  return w;
}

// The last n % 8 bytes (n - i of them, fewer than 8) as one word; the two
// halves come from overlapping loads, so every byte counts exactly.
uint64_t tail_word(const char* p, size_t i, size_t n) {
  size_t k = n - i;
  if (k >= 4) return load32(p + i) | (uint64_t{load32(p + n - 4)} << 32);
  if (k == 0) return 0;
  auto byte = [&](size_t at) { return uint64_t{static_cast<unsigned char>(p[at])}; };
  return byte(i) | (byte(i + k / 2) << 8) | (byte(n - 1) << 16);
}

// a[0, n) == b[0, n): short strings by overlapping word compares.
bool same_bytes(const char* a, const char* b, size_t n) {
  if (n > 16) return std::memcmp(a, b, n) == 0;
  if (n >= 8) return load64(a) == load64(b) && load64(a + n - 8) == load64(b + n - 8);
  if (n >= 4) return load32(a) == load32(b) && load32(a + n - 4) == load32(b + n - 4);
  for (size_t k = 0; k < n; k++) {
    if (a[k] != b[k]) return false;
  }
  return true;
}

// String hash: 8 bytes at a time, mixed so the low bits (bucket index) vary.
uint32_t hash_bytes(const char* p, size_t n) {
  uint64_t h = 0x9e3779b97f4a7c15ull ^ (n * 0xbf58476d1ce4e5b9ull);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t word;
    std::memcpy(&word, p + i, 8);
    h = (h ^ word) * 0xff51afd7ed558ccdull;
    h ^= h >> 32;
  }
  h = (h ^ tail_word(p, i, n)) * 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 29;
  return static_cast<uint32_t>(h) ^ static_cast<uint32_t>(h >> 32);
}

constexpr uint32_t kMinStringTable = 256;

// Bytes of a userdata block of payload len.
size_t userdata_size(uint32_t len) { return sizeof(Userdata) + len; }

}  // namespace

size_t lua_function_size(uint32_t nupvalues) {
  return Function::kUpvaluesOffset + sizeof(Upvalue*) * nupvalues;
}
size_t c_function_size(uint32_t nupvalues) {
  return Function::kCUpvaluesOffset + sizeof(TValue) * nupvalues;
}

Proto* Function::proto() const {
  check(is_lua(), "proto() of a C function");
  return reinterpret_cast<Proto*>(const_cast<char*>(reinterpret_cast<const char*>(pc)) - sizeof(Proto));
}

// -- Construction and teardown ----------------------------------------------------

GlobalState::GlobalState() {
  open_upvalues_.prev = open_upvalues_.next = &open_upvalues_;
  resize_string_table(kMinStringTable);
  check(string_hash_ != nullptr, "initial string table allocation failed");
  // Messages the object layer raises exist before any allocation can fail.
  for (int i = 0; i < kErrorCodeCount; i++) {
    error_strings_[i] = intern(error_message(static_cast<ErrorCode>(i)));
    error_strings_[i]->marked |= mark::kFixed;
  }
  for (int i = 0; i < kMetamethodCount; i++) {
    mm_names_[i] = intern(vm::metamethod_name(static_cast<Metamethod>(i)));
    mm_names_[i]->marked |= mark::kFixed;
  }
  registry_ = TValue::table(new_table(0, 2));
  main_thread_ = new_thread();
  main_thread_->marked |= mark::kFixed;
  main_thread_->env = new_table(0, 0);
  gc_.threshold = 4 * gc_.total;
}

GlobalState::~GlobalState() {
  // Every pending or never-run __gc finalizer runs once before teardown.
  if (finalizer_hook_) {
    for (GCObject* o = to_finalize_; o; o = o->nextgc) o->marked &= ~mark::kFinalized;
    *to_finalize_tail_ = udata_;
    udata_ = to_finalize_;
    to_finalize_ = nullptr;
    to_finalize_tail_ = &to_finalize_;
    in_collector_ = true;
    for (GCObject* o = udata_; o; o = o->nextgc) {
      auto* ud = reinterpret_cast<Userdata*>(o);
      if (ud->marked & mark::kFinalized) continue;
      ud->marked |= mark::kFinalized;
      if (!ud->metatable) continue;
      TValue fin = ud->metatable->metamethod(*this, Metamethod::Gc);
      if (fin.is_nil()) continue;
      try {
        finalizer_hook_(*this, fin, ud);
      } catch (const LuaError&) {
        // Errors at teardown have nowhere to go.
      }
    }
  }
  free_all();
}

void GlobalState::free_all() {
  tearing_down_ = true;
  *to_finalize_tail_ = udata_;
  udata_ = to_finalize_;
  to_finalize_ = nullptr;
  to_finalize_tail_ = &to_finalize_;
  for (GCObject* lists : {root_, udata_}) {
    for (GCObject* o = lists; o;) {
      GCObject* next = o->nextgc;
      free_object(o);
      o = next;
    }
  }
  root_ = udata_ = nullptr;
  for (uint32_t i = 0; i <= string_mask_; i++) {
    for (GCObject* o = string_hash_[i]; o;) {
      GCObject* next = o->nextgc;
      free_object(o);
      o = next;
    }
  }
  release(string_hash_, sizeof(GCObject*) * (string_mask_ + 1));
  check(gc_.total == 0, "memory accounting leaked bytes at teardown");
}

// -- Memory -----------------------------------------------------------------------

// Under AddressSanitizer every block is its own malloc, so a use after
// free of a GC object is still caught.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kPoolSmallBlocks = false;
#else
constexpr bool kPoolSmallBlocks = true;
#endif

void* GlobalState::SmallBlocks::carve(size_t cls) {
  size_t size = cls * kGranule;
  if (static_cast<size_t>(limit[cls] - cursor[cls]) < size) {
    // The rest of the old chunk is dropped: at most kMaxBytes per chunk.
    void* chunk = std::aligned_alloc(64, kChunkBytes);
    if (!chunk) return nullptr;
    chunks.push_back(chunk);
    cursor[cls] = static_cast<char*>(chunk);
    limit[cls] = cursor[cls] + kChunkBytes;
  }
  void* p = cursor[cls];
  cursor[cls] += size;
  return p;
}

GlobalState::SmallBlocks::~SmallBlocks() {
  for (void* chunk : chunks) std::free(chunk);
}

void* GlobalState::allocate(size_t bytes) {
  if (bytes > memory_limit_ || gc_.total > memory_limit_ - bytes) raise(ErrorCode::NoMemory);
  bool pooled = kPoolSmallBlocks && bytes <= SmallBlocks::kMaxBytes;
  void* p = pooled ? small_.take(bytes ? bytes : 1) : std::malloc(bytes ? bytes : 1);
  if (!p) raise(ErrorCode::NoMemory);
  gc_.total += bytes;
  return p;
}

void GlobalState::release(void* p, size_t bytes) {
  if (!p) return;
  check(gc_.total >= bytes, "memory accounting underflow");
  gc_.total -= bytes;
  if (kPoolSmallBlocks && bytes <= SmallBlocks::kMaxBytes) {
    small_.give(p, bytes ? bytes : 1);
  } else {
    std::free(p);
  }
}

GCObject* GlobalState::allocate_object(size_t bytes, TypeTag tag) {
  auto* o = static_cast<GCObject*>(allocate(bytes));
  o->nextgc = nullptr;
  o->marked = current_white_;
  o->gct = static_cast<uint8_t>(tag);
  gc_.objects++;
  return o;
}

// -- Errors ------------------------------------------------------------------------

void GlobalState::raise(TValue value) {
  error_value_ = value;
  std::string description = value.is_string() ? std::string(value.as_string()->view())
                                              : std::string("(error object is a ") +
                                                    value.type_name() + " value)";
  throw LuaError(value, std::move(description));
}

void GlobalState::raise(ErrorCode code) { raise(TValue::string(error_string(code))); }

// -- Strings ---------------------------------------------------------------------

String* GlobalState::intern_slow(std::string_view bytes) {
  check(bytes.size() < 0x7fffff00u, "string too long");
  uint32_t hash = hash_bytes(bytes.data(), bytes.size());
  // An existing string with the same bytes is the answer (revived if dead).
  for (GCObject* o = string_hash_[hash & string_mask_]; o; o = o->nextgc) {
    auto* s = reinterpret_cast<String*>(o);
    if (s->hash == hash && s->len == bytes.size() && same_bytes(s->data(), bytes.data(), bytes.size())) {
      if (is_dead(o)) o->marked ^= mark::kWhites;
      if (bytes.size() == 1) remember_single_byte(s);
      return s;
    }
  }
  return new_string(bytes, hash);
}

// intern()'s miss: a new string in its bucket. Out of line, so the lookup
// above needs few registers.
String* GlobalState::new_string(std::string_view bytes, uint32_t hash) {
  GCObject* o = allocate_object(sizeof(String) + bytes.size() + 1, TypeTag::String);
  auto* s = reinterpret_cast<String*>(o);
  s->reserved = 0;
  s->unused = 0;
  s->sid = next_string_id_++;
  s->hash = hash;
  s->len = static_cast<uint32_t>(bytes.size());
  if (!bytes.empty()) std::memcpy(s->mutable_data(), bytes.data(), bytes.size());
  s->mutable_data()[bytes.size()] = '\0';
  GCObject*& bucket = string_hash_[hash & string_mask_];
  o->nextgc = bucket;
  bucket = o;
  // Grow when chains average above one string; failure only costs speed.
  if (++string_count_ > string_mask_ && string_mask_ < 0x3fffffffu) resize_string_table((string_mask_ + 1) * 2);
  if (bytes.size() == 1) remember_single_byte(s);
  return s;
}

// A one-byte string joins intern()'s table, fixed so the entry stays valid.
void GlobalState::remember_single_byte(String* s) {
  s->marked |= mark::kFixed;
  single_byte_strings_[static_cast<unsigned char>(s->data()[0])] = s;
}

void GlobalState::resize_string_table(uint32_t new_size) {
  size_t bytes = sizeof(GCObject*) * new_size;
  if (bytes > memory_limit_ || gc_.total > memory_limit_ - bytes) return;
  auto** buckets = static_cast<GCObject**>(std::calloc(new_size, sizeof(GCObject*)));
  if (!buckets) return;
  gc_.total += bytes;
  uint32_t new_mask = new_size - 1;
  if (string_hash_) {
    for (uint32_t i = 0; i <= string_mask_; i++) {
      for (GCObject* o = string_hash_[i]; o;) {
        GCObject* next = o->nextgc;
        uint32_t h = reinterpret_cast<String*>(o)->hash & new_mask;
        o->nextgc = buckets[h];
        buckets[h] = o;
        o = next;
      }
    }
    release(string_hash_, sizeof(GCObject*) * (string_mask_ + 1));
  }
  string_hash_ = buckets;
  string_mask_ = new_mask;
  sweep_string_index_ = 0;  // a sweep in progress restarts over the new buckets
}

// -- Tables, userdata, prototypes, functions ---------------------------------------------

Table* GlobalState::new_table(uint32_t asize, uint32_t hbits) {
  // A constructor's small array part (TNEW, `{a, b}`) is allocated first,
  // without resize()'s rehash bookkeeping: nothing to undo if it fails.
  constexpr uint32_t kDirectArray = 64;
  TValue* array = nullptr;
  if (hbits == 0 && asize <= kDirectArray && asize > 0) {
    array = static_cast<TValue*>(allocate(sizeof(TValue) * asize));
    // Nil (all ones) two slots per SSE2 store: GCC made std::fill a `rep
    // stos`, whose startup outweighs a few stores (binary-trees -7% CPU).
    const __m128i nils = _mm_set1_epi32(-1);
    uint32_t i = 0;
    for (; i + 2 <= asize; i += 2) _mm_storeu_si128(reinterpret_cast<__m128i*>(array + i), nils);
    if (i < asize) array[i] = TValue::nil();
  }
  auto* t = reinterpret_cast<Table*>(
      allocate_object_or_release(sizeof(Table), TypeTag::Table, array, array ? sizeof(TValue) * asize : 0));
  t->nomm = 0xff;  // no metamethods: an empty table
  t->colo = 0;
  t->array = nullptr;
  t->gclist = nullptr;
  t->metatable = nullptr;
  t->node = &nil_node_;
  t->asize = 0;
  t->hmask = 0;
  t->freetop = &nil_node_;
  link_object(as_object(t));
  if (array) {
    t->array = array;
    t->asize = asize;
  } else if (asize || hbits) {
    try {
      t->resize(*this, asize, hbits);
    } catch (const LuaError&) {
      // Undo: the table was just linked at the head of root_.
      root_ = t->nextgc;
      free_object(as_object(t));
      throw;
    }
  }
  return t;
}

Userdata* GlobalState::new_userdata(uint32_t len, Table* env) {
  auto* ud = reinterpret_cast<Userdata*>(allocate_object(userdata_size(len), TypeTag::Userdata));
  ud->udtype = 0;
  ud->unused = 0;
  ud->unused2 = 0;
  ud->env = env;
  ud->len = len;
  ud->unused3 = 0;
  ud->metatable = nullptr;
  ud->align = 0;
  std::memset(ud->payload(), 0, len);
  ud->nextgc = udata_;
  udata_ = as_object(ud);
  return ud;
}

namespace {
constexpr size_t align_up(size_t n, size_t a) { return (n + a - 1) & ~(a - 1); }
}  // namespace

Proto* GlobalState::new_proto(const ProtoSizes& sizes) {
  check(sizes.upvalues <= 255, "too many upvalues for a prototype");
  // One block: header, bytecode, GC constants, numbers, upvalue descriptors,
  // line info, variable info, upvalue names.
  size_t off_kgc = align_up(sizeof(Proto) + 4 * size_t{sizes.bytecode}, 8);
  size_t off_knum = off_kgc + sizeof(GCObject*) * sizes.gc_consts;
  size_t off_uv = off_knum + sizeof(TValue) * sizes.num_consts;
  size_t off_line = align_up(off_uv + 2 * size_t{sizes.upvalues}, 4);
  size_t off_var = align_up(off_line + 4 * size_t{sizes.bytecode}, 8);
  size_t off_uvn = off_var + sizeof(VarInfo) * sizes.vars;
  size_t total = off_uvn + sizeof(String*) * sizes.upvalues;
  check(total < 0xffffffffu, "prototype too large");
  auto* pt = reinterpret_cast<Proto*>(allocate_object(total, TypeTag::Proto));
  char* base = reinterpret_cast<char*>(pt);
  std::memset(base + offsetof(Proto, numparams), 0, total - offsetof(Proto, numparams));
  pt->sizebc = sizes.bytecode;
  pt->k = base + off_knum;
  pt->uv = reinterpret_cast<uint16_t*>(base + off_uv);
  pt->sizekgc = sizes.gc_consts;
  pt->sizekn = sizes.num_consts;
  pt->sizept = static_cast<uint32_t>(total);
  pt->sizeuv = static_cast<uint8_t>(sizes.upvalues);
  pt->lineinfo = reinterpret_cast<uint32_t*>(base + off_line);
  pt->varinfo = reinterpret_cast<VarInfo*>(base + off_var);
  pt->sizevarinfo = sizes.vars;
  pt->uvnames = reinterpret_cast<String**>(base + off_uvn);
  for (uint32_t i = 0; i < sizes.num_consts; i++) pt->knum(i) = TValue::number(0);
  link_object(as_object(pt));
  return pt;
}

Function* GlobalState::new_lua_function(Proto* proto, Table* env) {
  auto* fn = reinterpret_cast<Function*>(allocate_object(lua_function_size(proto->sizeuv), TypeTag::Function));
  fn->ffid = kFfidLua;
  fn->nupvalues = proto->sizeuv;
  fn->unused = 0;
  fn->env = env;
  fn->gclist = nullptr;
  fn->pc = proto->bc();
  for (uint32_t i = 0; i < proto->sizeuv; i++) fn->upvalues()[i] = nullptr;
  link_object(as_object(fn));
  return fn;
}

Function* GlobalState::new_c_function(CFunction f, uint32_t nupvalues, Table* env, uint8_t ffid) {
  check(nupvalues <= 255 && ffid != kFfidLua, "bad C function shape");
  auto* fn = reinterpret_cast<Function*>(allocate_object(c_function_size(nupvalues), TypeTag::Function));
  fn->ffid = ffid;
  fn->nupvalues = static_cast<uint8_t>(nupvalues);
  fn->unused = 0;
  fn->env = env;
  fn->gclist = nullptr;
  fn->pc = nullptr;
  fn->cfunction() = f;
  for (uint32_t i = 0; i < nupvalues; i++) fn->c_upvalues()[i] = TValue::nil();
  link_object(as_object(fn));
  return fn;
}

Upvalue* GlobalState::new_closed_upvalue(TValue value) {
  auto* uv = reinterpret_cast<Upvalue*>(allocate_object(sizeof(Upvalue), TypeTag::Upvalue));
  uv->closed = 1;
  uv->immutable = 0;
  uv->unused = 0;
  uv->tv = value;
  uv->v = &uv->tv;
  uv->prev = uv->next = nullptr;
  link_object(as_object(uv));
  return uv;
}

// -- Threads ------------------------------------------------------------------------

Thread* GlobalState::new_thread() {
  uint32_t slots = kStackStartSize + kStackExtra;
  auto* stack = static_cast<TValue*>(allocate(sizeof(TValue) * slots));
  auto* th = reinterpret_cast<Thread*>(
      allocate_object_or_release(sizeof(Thread), TypeTag::Thread, stack, sizeof(TValue) * slots));
  for (uint32_t i = 0; i < slots; i++) stack[i] = TValue::nil();
  th->dummy_ffid = kFfidC;
  th->status = static_cast<uint8_t>(ThreadStatus::Ok);
  th->coroutine_phase = 0;
  th->global = this;
  th->gclist = nullptr;
  th->stack = stack;
  th->stacksize = slots;
  th->resume_nesting = 0;
  th->maxstack = stack + slots - kStackExtra;
  // Bottom frame (LuaJIT's GC64 layout): the thread itself, then a nil link.
  stack[0] = TValue::thread(th);
  th->base = th->top = stack + 2;
  th->openupval = nullptr;
  th->env = main_thread_ ? main_thread_->env : nullptr;
  th->resumer = nullptr;
  link_object(as_object(th));
  return th;
}

void Thread::grow_stack(GlobalState& g, uint32_t slots) {
  size_t used = static_cast<size_t>(top - stack);
  size_t need = used + slots + kStackExtra;
  if (need > kStackMaxSlots + kStackExtra) g.raise(ErrorCode::StackOverflow);
  if (top + slots <= maxstack) return;
  size_t new_size = std::max<size_t>(need, 2 * size_t{stacksize});
  if (new_size > kStackMaxSlots + kStackExtra) new_size = kStackMaxSlots + kStackExtra;
  auto* fresh = static_cast<TValue*>(g.allocate(sizeof(TValue) * new_size));
  std::memcpy(fresh, stack, sizeof(TValue) * stacksize);
  for (size_t i = stacksize; i < new_size; i++) fresh[i] = TValue::nil();
  // Everything pointing into the old stack moves by the same delta.
  for (Upvalue* uv = openupval; uv; uv = reinterpret_cast<Upvalue*>(uv->nextgc)) uv->v = fresh + (uv->v - stack);
  base = fresh + (base - stack);
  top = fresh + (top - stack);
  g.release(stack, sizeof(TValue) * stacksize);
  stack = fresh;
  stacksize = static_cast<uint32_t>(new_size);
  maxstack = stack + new_size - kStackExtra;
}

Upvalue* Thread::find_upvalue(GlobalState& g, TValue* slot) {
  // The open list is sorted by slot, highest first.
  Upvalue** link = &openupval;
  for (Upvalue* uv; (uv = *link) != nullptr && uv->v >= slot; link = reinterpret_cast<Upvalue**>(&uv->nextgc)) {
    if (uv->v == slot) {
      if (g.is_dead(as_object(uv))) uv->marked ^= mark::kWhites;  // revive
      return uv;
    }
  }
  auto* uv = static_cast<Upvalue*>(g.allocate(sizeof(Upvalue)));
  g.gc_.objects++;
  uv->marked = g.current_white();
  uv->gct = static_cast<uint8_t>(TypeTag::Upvalue);
  uv->closed = 0;
  uv->immutable = 0;
  uv->unused = 0;
  uv->tv = TValue::nil();
  uv->v = slot;
  uv->nextgc = as_object(*link);
  *link = uv;
  // Also on the global open list, so the atomic phase finds it.
  Upvalue* head = &g.open_upvalues_;
  uv->prev = head;
  uv->next = head->next;
  head->next->prev = uv;
  head->next = uv;
  return uv;
}

void Thread::close_upvalues(GlobalState& g, TValue* level) {
  while (openupval && openupval->v >= level) {
    Upvalue* uv = openupval;
    openupval = reinterpret_cast<Upvalue*>(uv->nextgc);
    g.close_upvalue(uv);
  }
}

void GlobalState::close_upvalue(Upvalue* uv) {
  uv->prev->next = uv->next;
  uv->next->prev = uv->prev;
  uv->prev = uv->next = nullptr;
  uv->tv = *uv->v;
  uv->v = &uv->tv;
  uv->closed = 1;
  link_object(as_object(uv));
  // A marked (gray) open upvalue turns black with its value marked while
  // marking runs, or plain white once marking is over.
  bool marked = !(uv->marked & (mark::kWhites | mark::kBlack));
  if (!marked) return;
  if (keep_invariant()) {
    uv->marked |= mark::kBlack;
    barrier_upvalue(uv, uv->tv);
  } else {
    uv->marked = static_cast<uint8_t>((uv->marked & ~mark::kColors) | current_white_);
  }
}

// -- Roots ------------------------------------------------------------------------

Pinned::Pinned(GlobalState& g, TValue value) : g_(&g) {
  if (!g.free_pins_.empty()) {
    slot_ = g.free_pins_.back();
    g.free_pins_.pop_back();
    g.pinned_[slot_] = value;
  } else {
    slot_ = static_cast<uint32_t>(g.pinned_.size());
    g.pinned_.push_back(value);
  }
}

Pinned::~Pinned() {
  g_->pinned_[slot_] = TValue::nil();
  g_->free_pins_.push_back(slot_);
}

// -- Freeing ------------------------------------------------------------------------

size_t GlobalState::object_size(const GCObject* o) const {
  switch (o->tag()) {
    case TypeTag::String: return sizeof(String) + reinterpret_cast<const String*>(o)->len + 1;
    case TypeTag::Table: return sizeof(Table);
    case TypeTag::Upvalue: return sizeof(Upvalue);
    case TypeTag::Proto: return reinterpret_cast<const Proto*>(o)->sizept;
    case TypeTag::Function: {
      auto* fn = reinterpret_cast<const Function*>(o);
      return fn->is_lua() ? lua_function_size(fn->nupvalues) : c_function_size(fn->nupvalues);
    }
    case TypeTag::Userdata: return userdata_size(reinterpret_cast<const Userdata*>(o)->len);
    case TypeTag::Thread: return sizeof(Thread);
    default: check(false, "unknown GC object type"); return 0;
  }
}

void GlobalState::free_object(GCObject* o) {
  size_t bytes = object_size(o);
  switch (o->tag()) {
    case TypeTag::String: string_count_--; break;
    case TypeTag::Table: {
      auto* t = reinterpret_cast<Table*>(o);
      release(t->array, sizeof(TValue) * t->asize);
      if (t->node != &nil_node_) release(t->node, sizeof(Node) * (t->hmask + 1));
      break;
    }
    case TypeTag::Upvalue: {
      auto* uv = reinterpret_cast<Upvalue*>(o);
      if (!uv->closed) {  // only at teardown: an open upvalue leaves the global list
        uv->prev->next = uv->next;
        uv->next->prev = uv->prev;
      }
      break;
    }
    case TypeTag::Thread: {
      auto* th = reinterpret_cast<Thread*>(o);
      // Open upvalues outlive their thread: live ones are closed and join the
      // object list, dead ones (and all of them at teardown) go with it.
      while (Upvalue* uv = th->openupval) {
        th->openupval = reinterpret_cast<Upvalue*>(uv->nextgc);
        if (tearing_down_ || is_dead(as_object(uv))) {
          free_object(as_object(uv));
        } else {
          close_upvalue(uv);
        }
      }
      release(th->stack, sizeof(TValue) * th->stacksize);
      break;
    }
    default: break;
  }
  gc_.objects--;
  release(o, bytes);
}

}  // namespace lj::vm
