// The incremental tri-colour collector (LuaJIT lj_gc.c's design).
//
// Phases: Pause -> Propagate (gray list, one object per unit of work) ->
// Atomic (re-mark roots, grayagain, weak tables, separate finalizable
// userdata, clear weak entries, flip whites) -> SweepString (one string-table
// bucket per step) -> Sweep (objects, then userdata) -> Finalize (one __gc per
// step) -> Pause.
#include <cstring>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_format.h"
#include "lj/vm/object/state.h"

namespace lj::vm {

namespace {

constexpr size_t kStepSize = 1024;   // bytes of allocation per step unit
constexpr size_t kSweepMax = 40;     // objects swept per step
constexpr size_t kSweepCost = 10;
constexpr size_t kFinalizeCost = 100;

// Tables, functions, protos and threads link the gray lists at offset 24.
GCObject*& gclist_of(GCObject* o) {
  return *reinterpret_cast<GCObject**>(reinterpret_cast<char*>(o) + offsetof(Table, gclist));
}
static_assert(offsetof(Table, gclist) == offsetof(Function, gclist) &&
              offsetof(Table, gclist) == offsetof(Proto, gclist) &&
              offsetof(Table, gclist) == offsetof(Thread, gclist));

bool is_white(const GCObject* o) { return o->marked & mark::kWhites; }
bool is_black(const GCObject* o) { return o->marked & mark::kBlack; }

}  // namespace

class Collector {
 public:
  explicit Collector(GlobalState& g) : g_(g) {}

  // Marks an object gray (or black when it has nothing to traverse later).
  void mark(GCObject* o) {
    if (!o || !is_white(o)) return;
    o->marked &= static_cast<uint8_t>(~mark::kWhites);
    switch (o->tag()) {
      case TypeTag::String: break;  // gray forever: nothing inside
      case TypeTag::Userdata: {
        auto* ud = reinterpret_cast<Userdata*>(o);
        o->marked |= mark::kBlack;
        mark(as_object(ud->metatable));
        mark(as_object(ud->env));
        break;
      }
      case TypeTag::Upvalue: {
        // The value is marked now, wherever it lives (the slot of an open
        // upvalue may belong to a dead thread). Open upvalues stay gray:
        // their slot can change without a barrier, so the atomic phase
        // marks it again.
        auto* uv = reinterpret_cast<Upvalue*>(o);
        if (uv->closed) o->marked |= mark::kBlack;
        mark_value(*uv->v);
        break;
      }
      default:
        gclist_of(o) = g_.gray_;
        g_.gray_ = o;
        break;
    }
  }
  void mark_value(TValue v) {
    if (v.is_gc()) mark(v.as_gc());
  }

  // Roots: main thread, its globals, registry, metatables, pins, error value,
  // and whatever the installed root marker holds.
  void mark_roots() {
    mark(as_object(g_.main_thread_));
    mark(as_object(g_.main_thread_->env));
    mark_value(g_.registry_);
    mark_value(g_.error_value_);
    for (Table* mt : g_.base_metatables_) mark(as_object(mt));
    for (TValue v : g_.pinned_) mark_value(v);
    if (g_.root_marker_) g_.root_marker_(g_);
  }

  // Blackens one gray object; returns its size as the work done.
  size_t propagate_one() {
    GCObject* o = g_.gray_;
    g_.gray_ = gclist_of(o);
    o->marked |= mark::kBlack;
    switch (o->tag()) {
      case TypeTag::Table: {
        auto* t = reinterpret_cast<Table*>(o);
        if (traverse_table(t)) o->marked &= static_cast<uint8_t>(~mark::kBlack);  // weak tables stay gray
        return sizeof(Table) + sizeof(TValue) * t->asize + sizeof(Node) * t->hash_size();
      }
      case TypeTag::Function: traverse_function(reinterpret_cast<Function*>(o)); break;
      case TypeTag::Proto: traverse_proto(reinterpret_cast<Proto*>(o)); break;
      case TypeTag::Thread: {
        auto* th = reinterpret_cast<Thread*>(o);
        traverse_thread(th);
        // Stack writes have no barrier: threads stay gray and are re-traversed.
        o->marked &= static_cast<uint8_t>(~mark::kBlack);
        gclist_of(o) = g_.grayagain_;
        g_.grayagain_ = o;
        return sizeof(Thread) + sizeof(TValue) * th->stacksize;
      }
      default: check(false, "non-traversable object on the gray list");
    }
    return g_.object_size(o);
  }

  size_t propagate_all() {
    size_t work = 0;
    while (g_.gray_) work += propagate_one();
    return work;
  }

  // Marks the strong parts of a table; returns true if it is weak.
  bool traverse_table(Table* t) {
    uint8_t weak = 0;
    if (Table* mt = t->metatable) {
      mark(as_object(mt));
      TValue mode = mt->metamethod(g_, Metamethod::Mode);
      if (mode.is_string()) {
        std::string_view m = mode.as_string()->view();
        if (m.find('k') != std::string_view::npos) weak |= mark::kWeakKey;
        if (m.find('v') != std::string_view::npos) weak |= mark::kWeakValue;
      }
    }
    t->marked = static_cast<uint8_t>((t->marked & ~mark::kWeak) | weak);
    if (weak) {
      gclist_of(as_object(t)) = g_.weak_;
      g_.weak_ = as_object(t);
    }
    if (!(weak & mark::kWeakValue)) {
      // Every child's header is a likely miss: fetch them all first, so
      // the misses overlap instead of following each other.
      for (uint32_t i = 0; i < t->asize; i++) {
        if (t->array[i].is_gc()) __builtin_prefetch(t->array[i].as_gc(), 1);
      }
      for (uint32_t i = 0; i < t->asize; i++) mark_value(t->array[i]);
    }
    if (t->has_hash_part()) {
      for (uint32_t i = 0; i <= t->hmask; i++) {
        Node& n = t->node[i];
        if (n.val.is_nil()) {
          // A deleted entry no longer keeps its key alive.
          if (n.key.is_gc() && !is_dead_key(n.key)) n.key = dead_key(n.key);
          continue;
        }
        if (!(weak & mark::kWeakKey)) mark_value(n.key);
        if (!(weak & mark::kWeakValue)) mark_value(n.val);
      }
    }
    return weak != 0;
  }

  void traverse_function(Function* fn) {
    mark(as_object(fn->env));
    if (fn->is_lua()) {
      mark(as_object(fn->proto()));
      for (uint32_t i = 0; i < fn->nupvalues; i++) mark(as_object(fn->upvalues()[i]));
    } else {
      for (uint32_t i = 0; i < fn->nupvalues; i++) mark_value(fn->c_upvalues()[i]);
    }
  }

  void traverse_proto(Proto* pt) {
    mark(as_object(pt->chunkname));
    for (uint32_t i = 0; i < pt->sizekgc; i++) mark(pt->kgc(i));
    for (uint32_t i = 0; i < pt->sizevarinfo; i++) mark(as_object(pt->varinfo[i].name));
    for (uint32_t i = 0; i < pt->sizeuv; i++) mark(as_object(pt->uvnames[i]));
  }

  void traverse_thread(Thread* th) {
    mark(as_object(th->env));
    for (TValue* slot = th->stack; slot < th->top; slot++) mark_value(*slot);
    // In the atomic phase, dead slots above top are cleared for good.
    if (g_.phase_ == GcPhase::Atomic) {
      for (TValue* slot = th->top; slot < th->stack + th->stacksize; slot++) *slot = TValue::nil();
    }
  }

  // Open upvalues reachable from closures keep their stack slot alive, even
  // when their thread is dead.
  void mark_open_upvalues() {
    for (Upvalue* uv = g_.open_upvalues_.next; uv != &g_.open_upvalues_; uv = uv->next) {
      if (!is_white(as_object(uv))) mark_value(*uv->v);
    }
  }

  // Moves unreached (with all: every) userdata with a __gc metamethod to the
  // finalize list.
  size_t separate_userdata(bool all = false) {
    size_t bytes = 0;
    GCObject** link = &g_.udata_;
    while (GCObject* o = *link) {
      auto* ud = reinterpret_cast<Userdata*>(o);
      if ((!all && !is_white(o)) || (o->marked & mark::kFinalized)) {
        link = &o->nextgc;
        continue;
      }
      o->marked |= mark::kFinalized;
      if (!ud->metatable || ud->metatable->metamethod(g_, Metamethod::Gc).is_nil()) {
        link = &o->nextgc;
        continue;
      }
      bytes += g_.object_size(o);
      *link = o->nextgc;
      o->nextgc = nullptr;
      *g_.to_finalize_tail_ = o;
      g_.to_finalize_tail_ = &o->nextgc;
    }
    return bytes;
  }

  // Whether a weak reference may be cleared; strings are never weak.
  bool may_clear(TValue v, bool is_value) {
    if (!v.is_gc()) return false;
    GCObject* o = v.as_gc();
    if (v.is_string()) {
      mark(o);
      return false;
    }
    if (is_white(o)) return true;
    return is_value && v.is_userdata() && (o->marked & mark::kFinalized);
  }

  void clear_weak_tables() {
    for (GCObject* o = g_.weak_; o; o = gclist_of(o)) {
      auto* t = reinterpret_cast<Table*>(o);
      bool weak_values = t->marked & mark::kWeakValue;
      bool weak_keys = t->marked & mark::kWeakKey;
      if (weak_values) {
        for (uint32_t i = 0; i < t->asize; i++) {
          if (may_clear(t->array[i], true)) t->array[i] = TValue::nil();
        }
      }
      if (!t->has_hash_part()) continue;
      for (uint32_t i = 0; i <= t->hmask; i++) {
        Node& n = t->node[i];
        if (!n.val.is_nil()) {
          bool clear_key = weak_keys && may_clear(n.key, false);
          bool clear_val = weak_values && may_clear(n.val, true);
          if (clear_key || clear_val) n.val = TValue::nil();
        }
        // The key of a cleared entry stays, as a dead key.
        if (n.val.is_nil() && n.key.is_gc() && !is_dead_key(n.key)) n.key = dead_key(n.key);
      }
    }
  }

  void atomic() {
    mark_open_upvalues();
    propagate_all();
    // Re-traverse weak tables, roots and the second-chance list.
    g_.gray_ = g_.weak_;
    g_.weak_ = nullptr;
    mark_roots();
    propagate_all();
    g_.gray_ = g_.grayagain_;
    g_.grayagain_ = nullptr;
    propagate_all();
    // Userdata due for __gc, and all they reach, live one more cycle.
    size_t finalize_bytes = separate_userdata();
    for (GCObject* o = g_.to_finalize_; o; o = o->nextgc) {
      o->marked = static_cast<uint8_t>((o->marked & ~mark::kColors) | g_.current_white_);
      mark(o);
    }
    finalize_bytes += propagate_all();
    clear_weak_tables();
    // Everything still white is garbage: it becomes the "other" white.
    g_.current_white_ = g_.other_white();
    g_.sweep_string_index_ = 0;
    g_.sweep_cursor_ = &g_.root_;
    g_.sweeping_udata_ = false;
    g_.gc_.estimate = g_.gc_.total > finalize_bytes ? g_.gc_.total - finalize_bytes : 0;
  }

  // Frees dead objects of one list segment; survivors turn current white.
  GCObject** sweep(GCObject** cursor, size_t limit) {
    while (limit-- > 0 && *cursor) {
      GCObject* o = *cursor;
      // The walk is a chain of cache misses: start the next one now, so it
      // overlaps this object's free or recolouring.
      __builtin_prefetch(o->nextgc, 1);
      if (g_.is_dead(o)) {
        *cursor = o->nextgc;
        g_.free_object(o);
      } else {
        o->marked = static_cast<uint8_t>((o->marked & ~mark::kColors) | g_.current_white_);
        if (o->tag() == TypeTag::Thread) sweep_open_upvalues(reinterpret_cast<Thread*>(o));
        cursor = &o->nextgc;
      }
    }
    return cursor;
  }

  // Open upvalues live on their thread's list, not the object list: a live
  // thread's list is swept with it (no closure reaches a dead one).
  void sweep_open_upvalues(Thread* th) {
    Upvalue** link = &th->openupval;
    while (Upvalue* uv = *link) {
      if (g_.is_dead(as_object(uv))) {
        *link = reinterpret_cast<Upvalue*>(uv->nextgc);
        g_.free_object(as_object(uv));
      } else {
        uv->marked = static_cast<uint8_t>((uv->marked & ~mark::kColors) | g_.current_white_);
        link = reinterpret_cast<Upvalue**>(&uv->nextgc);
      }
    }
  }

  // Runs the first pending __gc finalizer.
  void finalize_one() {
    GCObject* o = g_.to_finalize_;
    g_.to_finalize_ = o->nextgc;
    if (!g_.to_finalize_) g_.to_finalize_tail_ = &g_.to_finalize_;
    // Back on the userdata list, white: it dies next cycle unless resurrected.
    o->nextgc = g_.udata_;
    g_.udata_ = o;
    o->marked = static_cast<uint8_t>((o->marked & ~mark::kColors) | g_.current_white_);
    auto* ud = reinterpret_cast<Userdata*>(o);
    if (!g_.finalizer_hook_ || !ud->metatable) return;
    TValue fin = ud->metatable->metamethod(g_, Metamethod::Gc);
    if (fin.is_nil()) return;
    Pinned keep(g_, TValue::userdata(ud));
    Pinned keep_fin(g_, fin);
    g_.finalizer_hook_(g_, fin, ud);
  }

  // One unit of incremental work; returns its cost.
  size_t one_step() {
    switch (g_.phase_) {
      case GcPhase::Pause:
        g_.gray_ = g_.grayagain_ = g_.weak_ = nullptr;
        mark_roots();
        g_.phase_ = GcPhase::Propagate;
        return 0;
      case GcPhase::Propagate:
        if (g_.gray_) return propagate_one();
        g_.phase_ = GcPhase::Atomic;
        return 0;
      case GcPhase::Atomic:
        atomic();
        g_.phase_ = GcPhase::SweepString;
        return 0;
      case GcPhase::SweepString: {
        size_t before = g_.gc_.total;
        sweep(&g_.string_hash_[g_.sweep_string_index_], SIZE_MAX);
        if (++g_.sweep_string_index_ > g_.string_mask_) g_.phase_ = GcPhase::Sweep;
        account_freed(before);
        return kSweepCost;
      }
      case GcPhase::Sweep: {
        size_t before = g_.gc_.total;
        g_.sweep_cursor_ = sweep(g_.sweep_cursor_, kSweepMax);
        if (!*g_.sweep_cursor_) {
          if (!g_.sweeping_udata_) {
            g_.sweeping_udata_ = true;
            g_.sweep_cursor_ = &g_.udata_;
          } else {
            shrink_string_table();
            g_.phase_ = GcPhase::Finalize;
          }
        }
        account_freed(before);
        return kSweepMax * kSweepCost;
      }
      case GcPhase::Finalize:
        if (g_.to_finalize_) {
          finalize_one();
          if (g_.gc_.estimate > kFinalizeCost) g_.gc_.estimate -= kFinalizeCost;
          return kFinalizeCost;
        }
        g_.phase_ = GcPhase::Pause;
        g_.gc_.debt = 0;
        g_.gc_.cycles++;
        return 0;
    }
    return 0;
  }

  void account_freed(size_t before) {
    size_t freed = before > g_.gc_.total ? before - g_.gc_.total : 0;
    g_.gc_.estimate = g_.gc_.estimate > freed ? g_.gc_.estimate - freed : 0;
  }

  void shrink_string_table() {
    uint32_t size = g_.string_mask_ + 1;
    if (g_.string_count_ < size / 4 && size > 256) g_.resize_string_table(size / 2);
  }

 private:
  GlobalState& g_;
};

namespace {
// Marks the collector busy for a scope: finalizers cannot re-enter it.
class CollectorScope {
 public:
  explicit CollectorScope(bool& flag) : flag_(flag) { flag_ = true; }
  ~CollectorScope() { flag_ = false; }

 private:
  bool& flag_;
};
}  // namespace

// -- Public collector API -------------------------------------------------------

bool GlobalState::gc_step() {
  if (in_collector_) return false;
  CollectorScope scope(in_collector_);
  Collector c(*this);
  int64_t limit = static_cast<int64_t>(kStepSize / 100 * gc_.stepmul);
  if (limit == 0) limit = INT64_MAX;
  if (gc_.total > gc_.threshold) gc_.debt += gc_.total - gc_.threshold;
  // If a finalizer throws, the next allocation checkpoint steps again.
  gc_.threshold = gc_.total + kStepSize;
  do {
    limit -= static_cast<int64_t>(c.one_step());
    if (phase_ == GcPhase::Pause) {
      gc_.threshold = gc_.estimate / 100 * gc_.pause;
      return true;
    }
  } while (limit > 0);
  if (gc_.debt < kStepSize) {
    gc_.threshold = gc_.total + kStepSize;
  } else {
    gc_.debt -= kStepSize;
    gc_.threshold = gc_.total;
  }
  return false;
}

void GlobalState::full_gc() {
  if (in_collector_) return;
  CollectorScope scope(in_collector_);
  Collector c(*this);
  if (phase_ == GcPhase::Propagate || phase_ == GcPhase::Atomic) {
    // Caught while marking: sweep everything without freeing, then restart.
    gray_ = grayagain_ = weak_ = nullptr;
    phase_ = GcPhase::SweepString;
    sweep_string_index_ = 0;
    sweep_cursor_ = &root_;
    sweeping_udata_ = false;
  }
  while (phase_ == GcPhase::SweepString || phase_ == GcPhase::Sweep) c.one_step();
  // Pending finalizers of the last cycle run in this cycle's finalize phase;
  // their objects turn white so the new marking traverses them again.
  for (GCObject* o = to_finalize_; o; o = o->nextgc) {
    o->marked = static_cast<uint8_t>((o->marked & ~mark::kColors) | current_white_);
  }
  phase_ = GcPhase::Pause;
  do {
    c.one_step();
  } while (phase_ != GcPhase::Pause);
  gc_.threshold = gc_.estimate / 100 * gc_.pause;
}

void GlobalState::finalize_all() {
  if (in_collector_) return;
  CollectorScope scope(in_collector_);
  Collector c(*this);
  c.separate_userdata(/*all=*/true);
  while (to_finalize_) {
    try {
      c.finalize_one();
    } catch (const LuaError&) {
      // As lua_close: a failing finalizer does not stop the others.
    }
  }
}

bool GlobalState::gc_step_kb(uint32_t kilobytes) {
  if (in_collector_) return false;
  size_t amount = size_t{kilobytes} << 10;
  gc_.threshold = amount <= gc_.total ? gc_.total - amount : 0;
  while (gc_.total >= gc_.threshold) {
    if (gc_step()) return true;
  }
  return false;
}

uint32_t GlobalState::set_pause(uint32_t percent) {
  uint32_t old = gc_.pause;
  gc_.pause = percent;
  return old;
}

uint32_t GlobalState::set_stepmul(uint32_t percent) {
  uint32_t old = gc_.stepmul;
  gc_.stepmul = percent;
  return old;
}

void GlobalState::mark_root(TValue value) { Collector(*this).mark_value(value); }

void GlobalState::barrier_back_slow(Table* t) {
  // Black -> gray, re-traversed in the atomic phase.
  t->marked &= static_cast<uint8_t>(~mark::kBlack);
  t->gclist = grayagain_;
  grayagain_ = as_object(t);
}

void GlobalState::barrier_forward_slow(GCObject* o, GCObject* v) {
  if (keep_invariant()) {
    Collector(*this).mark(v);
  } else {
    o->marked = static_cast<uint8_t>((o->marked & ~mark::kColors) | current_white_);
  }
}

// -- Debug: consistency checker and census ---------------------------------------------

namespace {

// Calls fn(value, from_weak_part) for every reference an object holds.
template <class Fn>
void for_each_reference(GCObject* o, Fn&& fn) {
  auto ref = [&](const void* p, TypeTag tag) {
    if (p) fn(TValue::gc(p, tag));
  };
  switch (o->tag()) {
    case TypeTag::Table: {
      auto* t = reinterpret_cast<Table*>(o);
      ref(t->metatable, TypeTag::Table);
      for (uint32_t i = 0; i < t->asize; i++) fn(t->array[i]);
      if (!t->has_hash_part()) break;
      for (uint32_t i = 0; i <= t->hmask; i++) {
        if (t->node[i].val.is_nil()) continue;
        fn(t->node[i].key);
        fn(t->node[i].val);
      }
      break;
    }
    case TypeTag::Function: {
      auto* fn_obj = reinterpret_cast<Function*>(o);
      ref(fn_obj->env, TypeTag::Table);
      if (fn_obj->is_lua()) {
        ref(fn_obj->proto(), TypeTag::Proto);
        for (uint32_t i = 0; i < fn_obj->nupvalues; i++) ref(fn_obj->upvalues()[i], TypeTag::Upvalue);
      } else {
        for (uint32_t i = 0; i < fn_obj->nupvalues; i++) fn(fn_obj->c_upvalues()[i]);
      }
      break;
    }
    case TypeTag::Proto: {
      auto* pt = reinterpret_cast<Proto*>(o);
      ref(pt->chunkname, TypeTag::String);
      for (uint32_t i = 0; i < pt->sizekgc; i++) {
        if (pt->kgc(i)) fn(value_of(pt->kgc(i)));
      }
      for (uint32_t i = 0; i < pt->sizevarinfo; i++) ref(pt->varinfo[i].name, TypeTag::String);
      for (uint32_t i = 0; i < pt->sizeuv; i++) ref(pt->uvnames[i], TypeTag::String);
      break;
    }
    case TypeTag::Upvalue: {
      auto* uv = reinterpret_cast<Upvalue*>(o);
      if (uv->closed) fn(uv->tv);
      break;
    }
    case TypeTag::Userdata: {
      auto* ud = reinterpret_cast<Userdata*>(o);
      ref(ud->metatable, TypeTag::Table);
      ref(ud->env, TypeTag::Table);
      break;
    }
    case TypeTag::Thread: {
      auto* th = reinterpret_cast<Thread*>(o);
      ref(th->env, TypeTag::Table);
      for (TValue* slot = th->stack; slot < th->top; slot++) fn(*slot);
      break;
    }
    default: break;
  }
}

}  // namespace

std::vector<std::string> GlobalState::check_heap() const {
  std::vector<std::string> problems;
  absl::flat_hash_set<const GCObject*> objects;
  std::vector<GCObject*> all;
  // Adds an object; false (and a problem) if it was already listed.
  auto add = [&](GCObject* o, const char* list) {
    if (!objects.insert(o).second) {
      problems.push_back(absl::StrFormat("%s %p listed twice (seen again on %s)", type_tag_name(o->tag()), o, list));
      return false;
    }
    all.push_back(o);
    return true;
  };
  // Every object lives on exactly one list.
  for (GCObject* o = root_; o && add(o, "the object list"); o = o->nextgc) {}
  for (GCObject* o = udata_; o && add(o, "the userdata list"); o = o->nextgc) {}
  for (GCObject* o = to_finalize_; o && add(o, "the finalize list"); o = o->nextgc) {}
  uint32_t strings = 0;
  for (uint32_t i = 0; i <= string_mask_; i++) {
    for (GCObject* o = string_hash_[i]; o && add(o, "a string chain"); o = o->nextgc) {
      strings++;
      if ((reinterpret_cast<String*>(o)->hash & string_mask_) != i) problems.push_back("string in the wrong bucket");
    }
  }
  if (strings != string_count_) problems.push_back("string count mismatch");
  for (GCObject* o : std::vector<GCObject*>(all)) {
    if (o->tag() != TypeTag::Thread) continue;
    for (Upvalue* uv = reinterpret_cast<Thread*>(o)->openupval; uv && add(as_object(uv), "an open upvalue list");
         uv = reinterpret_cast<Upvalue*>(uv->nextgc)) {
      if (uv->closed) problems.push_back("closed upvalue on an open list");
    }
  }
  if (all.size() != gc_.objects) {
    problems.push_back(absl::StrFormat("object count %d, accounting says %d", all.size(), gc_.objects));
  }
  bool marking = phase_ == GcPhase::Propagate || phase_ == GcPhase::Atomic;
  bool sweeping = phase_ == GcPhase::SweepString || phase_ == GcPhase::Sweep;
  for (GCObject* o : all) {
    bool dead = is_dead(o);
    if (dead && !sweeping) problems.push_back(absl::StrFormat("dead %s outside the sweep", type_tag_name(o->tag())));
    if (dead) continue;  // garbage not yet freed may point anywhere
    for_each_reference(o, [&](TValue v) {
      if (!v.is_gc()) return;
      GCObject* target = v.as_gc();
      if (!objects.contains(target)) {
        problems.push_back(absl::StrFormat("%s %p refers to unknown object %p", type_tag_name(o->tag()), o, target));
        return;
      }
      if (target->tag() != v.tag()) problems.push_back("value tag differs from object header");
      if (sweeping && is_dead(target)) {
        problems.push_back(absl::StrFormat("live %s refers to dead %s", type_tag_name(o->tag()), type_tag_name(target->tag())));
      }
      if (marking && is_black(o) && is_white(target)) {
        problems.push_back(absl::StrFormat("black %s refers to white %s", type_tag_name(o->tag()), type_tag_name(target->tag())));
      }
    });
    // Every hash key is found from its main position.
    if (o->tag() == TypeTag::Table) {
      auto* t = reinterpret_cast<Table*>(o);
      for (uint32_t i = 0; t->has_hash_part() && i <= t->hmask; i++) {
        const Node& n = t->node[i];
        if (!n.key.is_nil() && !n.val.is_nil() && t->find(n.key) != &n.val) problems.push_back("table key unreachable from its main position");
      }
    }
  }
  return problems;
}

std::array<size_t, kTypeTagCount> GlobalState::census() const {
  std::array<size_t, kTypeTagCount> counts{};
  auto count_list = [&](GCObject* head) {
    for (GCObject* o = head; o; o = o->nextgc) counts[o->gct]++;
  };
  count_list(root_);
  count_list(udata_);
  count_list(to_finalize_);
  for (uint32_t i = 0; i <= string_mask_; i++) count_list(string_hash_[i]);
  for (GCObject* o = root_; o; o = o->nextgc) {
    if (o->tag() == TypeTag::Thread) count_list(as_object(reinterpret_cast<Thread*>(o)->openupval));
  }
  return counts;
}

}  // namespace lj::vm
