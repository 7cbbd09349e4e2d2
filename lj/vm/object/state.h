// GlobalState: owns every object of one Lua universe — allocator and memory
// accounting, the string table, registry, main thread, per-type metatables,
// root registrations, and the incremental collector (gc.cc).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "lj/vm/object/object.h"

namespace lj::vm {

// Collector phases, LuaJIT's order (keep_invariant() relies on it).
enum class GcPhase : uint8_t { Pause, Propagate, Atomic, SweepString, Sweep, Finalize };

// GC tuning and accounting, LuaJIT's defaults and units (bytes).
struct GcStats {
  size_t total = 0;       // bytes currently allocated
  size_t threshold = 0;   // gc_check() steps once total reaches this
  size_t estimate = 0;    // live bytes estimated by the last cycle
  size_t debt = 0;        // work owed when stepping lags behind
  uint32_t pause = 200;   // percent of estimate before the next cycle
  uint32_t stepmul = 200; // work per step relative to allocation
  uint64_t cycles = 0;    // completed cycles
  uint64_t objects = 0;   // live object count (strings included)
};

// Called for each userdata whose __gc is due: (state, finalizer, object).
// The object is rooted during the call. May throw LuaError (it propagates
// out of the GC step that ran it, after the GC's bookkeeping is done).
using FinalizerHook = std::function<void(GlobalState&, TValue finalizer, Userdata* object)>;

class Pinned;

// Marks roots held outside the heap (the JIT's trace constants, the
// interpreter's caches): called each time the collector marks roots, it
// calls GlobalState::mark_root() for every value it holds.
using RootMarker = std::function<void(GlobalState&)>;

class GlobalState {
 public:
  GlobalState();
  ~GlobalState();
  GlobalState(const GlobalState&) = delete;
  GlobalState& operator=(const GlobalState&) = delete;

  // The interpreter owning this universe (lj::interp::Vm), so C functions
  // that only see a Thread can reach it. Null until an interpreter attaches.
  void* vm = nullptr;

  // -- Memory -----------------------------------------------------------------
  // Raw accounted allocation; raises "not enough memory" past the limit.
  void* allocate(size_t bytes);
  void release(void* p, size_t bytes);
  // Allocation limit in bytes (SIZE_MAX: none). For tests of OOM handling.
  void set_memory_limit(size_t bytes) { memory_limit_ = bytes; }
  size_t memory_limit() const { return memory_limit_; }

  // -- Errors ---------------------------------------------------------------------
  // Roots value in error_value() and throws LuaError.
  [[noreturn]] void raise(TValue value);
  [[noreturn]] void raise(ErrorCode code);
  TValue error_value() const { return error_value_; }
  // Pre-interned, never collected message of an error code.
  String* error_string(ErrorCode code) const { return error_strings_[static_cast<int>(code)]; }

  // -- Object construction (all start white; none triggers a GC step) ------------
  // The one string with these bytes. One-byte strings (string.sub's and
  // gsub's commonest results) come from a table once made: no hash, no chain.
  String* intern(std::string_view bytes) {
    if (bytes.size() == 1) {
      String* one = single_byte_strings_[static_cast<unsigned char>(bytes[0])];
      if (one) return one;
    }
    return intern_slow(bytes);
  }
  Table* new_table(uint32_t asize, uint32_t hbits);
  Userdata* new_userdata(uint32_t len, Table* env);
  Proto* new_proto(const ProtoSizes& sizes);
  Function* new_lua_function(Proto* proto, Table* env);  // upvalues null
  Function* new_c_function(CFunction f, uint32_t nupvalues, Table* env, uint8_t ffid = kFfidC);
  Thread* new_thread();
  Upvalue* new_closed_upvalue(TValue value);

  // -- Roots and well-known objects --------------------------------------------------
  Thread* main_thread() const { return main_thread_; }
  Table* registry() const { return registry_.as_table(); }
  Table* globals() const { return main_thread_->env; }
  Table*& base_metatable(TypeTag tag) { return base_metatables_[static_cast<int>(tag)]; }
  String* metamethod_name(Metamethod mm) const { return mm_names_[static_cast<int>(mm)]; }
  Node* nil_node() { return &nil_node_; }
  const Node* nil_node() const { return &nil_node_; }

  // -- Collector (gc.cc) ---------------------------------------------------------------
  // One incremental step; true if it finished a cycle.
  bool gc_step();
  // A step if the threshold was reached: the VM calls this at safe points.
  void gc_check() {
    if (gc_.total >= gc_.threshold) gc_step();
  }
  void full_gc();
  // lua_close's finalization: every userdata whose __gc has not run yet is
  // finalized, newest first, whether reachable or not; errors are dropped.
  void finalize_all();
  // collectgarbage("step", kb): true if a cycle finished.
  bool gc_step_kb(uint32_t kilobytes);
  // collectgarbage("stop"/"restart"/"isrunning"), as LuaJIT: stopping moves
  // the threshold out of reach, restarting brings it to the current total.
  void gc_stop() { gc_.threshold = SIZE_MAX; }
  void gc_restart() { gc_.threshold = gc_.total; }
  bool gc_running() const { return gc_.threshold != SIZE_MAX; }
  uint32_t set_pause(uint32_t percent);
  uint32_t set_stepmul(uint32_t percent);
  double count_kb() const { return static_cast<double>(gc_.total) / 1024.0; }
  const GcStats& gc_stats() const { return gc_; }
  GcPhase gc_phase() const { return phase_; }
  void set_finalizer_hook(FinalizerHook hook) { finalizer_hook_ = std::move(hook); }
  void set_root_marker(RootMarker marker) { root_marker_ = std::move(marker); }
  // Marks one value as a root; only meaningful inside the root marker.
  void mark_root(TValue value);

  // Write barriers. Back: a black table written to turns gray again.
  void barrier_back(Table* t) {
    if (t->marked & mark::kBlack) barrier_back_slow(t);
  }
  // Forward: storing v into black o marks v (or whitens o outside marking).
  void barrier_forward(GCObject* o, GCObject* v) {
    if ((o->marked & mark::kBlack) && (v->marked & mark::kWhites)) barrier_forward_slow(o, v);
  }
  void barrier_upvalue(Upvalue* uv, TValue value) {
    if (value.is_gc()) barrier_forward(as_object(uv), value.as_gc());
  }
  // Stores into a closed upvalue with its barrier.
  void set_upvalue(Upvalue* uv, TValue value) {
    *uv->v = value;
    if (uv->closed) barrier_upvalue(uv, value);
  }

  // Colors (LuaJIT's two-white scheme).
  uint8_t current_white() const { return current_white_; }
  uint8_t other_white() const { return current_white_ ^ mark::kWhites; }
  bool is_dead(const GCObject* o) const {
    return (o->marked & other_white() & mark::kWhites) && !(o->marked & mark::kFixed);
  }
  bool keep_invariant() const { return phase_ == GcPhase::Propagate || phase_ == GcPhase::Atomic; }

  // Debug: walks every object and checks header, references and the
  // tri-colour invariant of the current phase. Returns problems found
  // (empty: consistent).
  std::vector<std::string> check_heap() const;
  // Debug census: live objects per type tag.
  std::array<size_t, kTypeTagCount> census() const;

 private:
  friend class Pinned;

// Marks roots held outside the heap (the JIT's trace constants, the
// interpreter's caches): called each time the collector marks roots, it
// calls GlobalState::mark_root() for every value it holds.
using RootMarker = std::function<void(GlobalState&)>;
  friend struct Table;
  friend struct Thread;
  friend class Collector;

  // intern() past the one-byte table: hash, chain walk, or a new string.
  String* intern_slow(std::string_view bytes);
  [[gnu::noinline]] String* new_string(std::string_view bytes, uint32_t hash);
  void remember_single_byte(String* s);

  GCObject* allocate_object(size_t bytes, TypeTag tag);
  // allocate_object(), releasing `block` (allocated first by the caller)
  // if it fails, so a constructor that allocates two parts leaks neither.
  GCObject* allocate_object_or_release(size_t bytes, TypeTag tag, void* block, size_t block_bytes) {
    try {
      return allocate_object(bytes, tag);
    } catch (const LuaError&) {
      release(block, block_bytes);
      throw;
    }
  }
  void link_object(GCObject* o) { o->nextgc = root_; root_ = o; }
  void free_object(GCObject* o);
  size_t object_size(const GCObject* o) const;
  void resize_string_table(uint32_t new_size);
  void barrier_back_slow(Table* t);
  void barrier_forward_slow(GCObject* o, GCObject* v);
  void free_all();
  void close_upvalue(Upvalue* uv);

  // Memory.
  size_t memory_limit_ = SIZE_MAX;
  // Small blocks (most objects) come from per-size free lists carved out of
  // large chunks: malloc/free per object was a fifth of an allocation-heavy
  // run. Blocks go back to their list, chunks to the system at teardown.
  struct SmallBlocks {
    static constexpr size_t kGranule = 16;
    static constexpr size_t kMaxBytes = 256;
    static constexpr size_t kChunkBytes = size_t{64} << 10;
    std::array<void*, kMaxBytes / kGranule + 1> free_lists{};
    std::vector<void*> chunks;
    // Each class carves its own cache-line-aligned chunks: blocks of one
    // class sit side by side, so objects made in a row are swept in a row.
    std::array<char*, kMaxBytes / kGranule + 1> cursor{};
    std::array<char*, kMaxBytes / kGranule + 1> limit{};
    static size_t size_class(size_t bytes) { return (bytes + kGranule - 1) / kGranule; }
    void* take(size_t bytes) {
      size_t cls = size_class(bytes);
      void* p = free_lists[cls];
      if (!p) return carve(cls);
      void* next = *static_cast<void**>(p);
      free_lists[cls] = next;
      // Freed blocks are scattered: fetch the next one's line ahead of its
      // allocation (its link is read, its header written, right away).
      __builtin_prefetch(next, 1);
      return p;
    }
    void give(void* p, size_t bytes) {
      size_t cls = size_class(bytes);
      *static_cast<void**>(p) = free_lists[cls];
      free_lists[cls] = p;
    }
    // A fresh block of class cls from the current chunk (or a new one).
    void* carve(size_t cls);
    ~SmallBlocks();
  };
  SmallBlocks small_;

  // Strings: chains through nextgc.
  GCObject** string_hash_ = nullptr;
  uint32_t string_mask_ = 0;
  uint32_t string_count_ = 0;
  uint32_t next_string_id_ = 0;
  // intern()'s one-byte strings, filled (and fixed) on first use.
  std::array<String*, 256> single_byte_strings_{};

  // Objects: everything except strings and userdata is on root_; userdata
  // on udata_ (so finalizable objects are found without a full walk).
  GCObject* root_ = nullptr;
  GCObject* udata_ = nullptr;
  Upvalue open_upvalues_{};  // sentinel of the doubly linked open list

  // Collector state.
  GcStats gc_;
  GcPhase phase_ = GcPhase::Pause;
  uint8_t current_white_ = mark::kWhite0;
  bool in_collector_ = false;
  bool tearing_down_ = false;
  GCObject* gray_ = nullptr;
  GCObject* grayagain_ = nullptr;
  GCObject* weak_ = nullptr;
  GCObject* to_finalize_ = nullptr;       // udata whose __gc is due (FIFO)
  GCObject** to_finalize_tail_ = &to_finalize_;
  uint32_t sweep_string_index_ = 0;
  GCObject** sweep_cursor_ = nullptr;
  bool sweeping_udata_ = false;
  FinalizerHook finalizer_hook_;
  RootMarker root_marker_;

  // Roots.
  Thread* main_thread_ = nullptr;
  TValue registry_ = TValue::nil();
  TValue error_value_ = TValue::nil();
  std::array<Table*, kTypeTagCount> base_metatables_{};
  std::array<String*, kMetamethodCount> mm_names_{};
  std::array<String*, kErrorCodeCount> error_strings_{};
  std::vector<TValue> pinned_;
  std::vector<uint32_t> free_pins_;
  Node nil_node_{TValue::nil(), TValue::nil(), nullptr};
};

// RAII root: keeps a value alive (and reachable for the GC) while in scope.
class Pinned {
 public:
  Pinned(GlobalState& g, TValue value);
  ~Pinned();
  Pinned(const Pinned&) = delete;
  Pinned& operator=(const Pinned&) = delete;
  TValue get() const { return g_->pinned_[slot_]; }
  void set(TValue value) { g_->pinned_[slot_] = value; }

 private:
  GlobalState* g_;
  uint32_t slot_;
};

// Bytes of a Lua closure / C function with n upvalues.
size_t lua_function_size(uint32_t nupvalues);
size_t c_function_size(uint32_t nupvalues);

}  // namespace lj::vm
