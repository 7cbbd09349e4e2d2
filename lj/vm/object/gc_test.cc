// The collector on random object graphs (cycles, weak tables, finalizers,
// resurrection), under full and incremental collection, with the heap
// checker run after every step; plus barriers, knobs and out-of-memory.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "lj/vm/object/state.h"

namespace lj::vm {
namespace {

TValue num(double d) { return TValue::number(d); }

std::string problems_of(const GlobalState& g) {
  std::string out;
  for (const std::string& p : g.check_heap()) out += p + "\n";
  return out;
}

size_t count_of(const GlobalState& g, TypeTag tag) { return g.census()[static_cast<int>(tag)]; }

TEST(Gc, UnreachableObjectsAreFreedAndReachableKept) {
  GlobalState g;
  size_t tables = count_of(g, TypeTag::Table);
  Table* kept = g.new_table(0, 0);
  Pinned pin(g, TValue::table(kept));
  for (int i = 0; i < 100; i++) {
    Table* t = g.new_table(0, 0);
    t->set_int(g, 1, num(i));
    if (i % 2 == 0) kept->set_int(g, i / 2 + 1, TValue::table(t));
  }
  // A cycle of garbage.
  Table* a = g.new_table(0, 0);
  Table* b = g.new_table(0, 0);
  a->set_int(g, 1, TValue::table(b));
  b->set_int(g, 1, TValue::table(a));
  EXPECT_EQ(count_of(g, TypeTag::Table), tables + 103);
  size_t before = g.gc_stats().total;
  g.full_gc();
  EXPECT_EQ(problems_of(g), "");
  EXPECT_EQ(count_of(g, TypeTag::Table), tables + 51);
  EXPECT_LT(g.gc_stats().total, before);
  for (int i = 0; i < 50; i++) EXPECT_EQ(kept->get_int(i + 1).as_table()->get_int(1).as_number(), 2 * i);
}

TEST(Gc, RootMarkerKeepsExternalRootsAlive) {
  GlobalState g;
  Table* external = g.new_table(0, 0);
  external->set_int(g, 1, num(5));
  size_t tables = count_of(g, TypeTag::Table);
  g.set_root_marker([&](GlobalState& gs) { gs.mark_root(TValue::table(external)); });
  g.new_table(0, 0);  // garbage, for contrast
  g.full_gc();
  EXPECT_EQ(count_of(g, TypeTag::Table), tables);
  EXPECT_EQ(external->get_int(1).as_number(), 5);
  g.set_root_marker(nullptr);
  g.full_gc();
  EXPECT_EQ(count_of(g, TypeTag::Table), tables - 1);
}

TEST(Gc, WeakTablesClearDeadEntriesOnly) {
  GlobalState g;
  for (const char* mode : {"k", "v", "kv"}) {
    Table* mt = g.new_table(0, 0);
    mt->set_str(g, g.intern("__mode"), TValue::string(g.intern(mode)));
    Table* weak = g.new_table(0, 0);
    weak->set_metatable(g, mt);
    Pinned pin(g, TValue::table(weak));
    Table* live = g.new_table(0, 0);
    Pinned pin_live(g, TValue::table(live));
    weak->set(g, TValue::table(live), TValue::table(g.new_table(0, 0)));   // live key, fresh value
    weak->set(g, TValue::table(g.new_table(0, 0)), TValue::table(live));   // fresh key, live value
    weak->set_str(g, g.intern("s"), TValue::table(live));                  // string key never weak
    g.full_gc();
    EXPECT_EQ(problems_of(g), "");
    bool weak_k = std::strchr(mode, 'k'), weak_v = std::strchr(mode, 'v');
    // Entry 1 survives unless values are weak; entry 2 unless keys are weak.
    EXPECT_EQ(weak->get(TValue::table(live)).is_nil(), weak_v);
    int with_live_value = 0;
    TValue k = TValue::nil(), v;
    while (weak->next(g, k, v)) with_live_value += v == TValue::table(live) && !k.is_string();
    EXPECT_EQ(with_live_value, weak_k ? 0 : 1) << mode;
    EXPECT_EQ(weak->get_str(g.intern("s")), TValue::table(live));
  }
}

TEST(Gc, FinalizersRunOnceAndResurrectionKeepsObjectsOneMoreCycle) {
  GlobalState g;
  Table* mt = g.new_table(0, 0);
  Pinned pin_mt(g, TValue::table(mt));
  mt->set_str(g, g.intern("__gc"), TValue::boolean(true));
  Table* saved = g.new_table(0, 0);
  Pinned pin_saved(g, TValue::table(saved));
  std::map<uint32_t, int> runs;
  g.set_finalizer_hook([&](GlobalState& gs, TValue fin, Userdata* ud) {
    EXPECT_TRUE(fin.is_true());
    uint32_t id;
    std::memcpy(&id, ud->payload(), 4);
    runs[id]++;
    if (id == 1) saved->set_int(gs, 1, TValue::userdata(ud));  // resurrect
  });
  for (uint32_t id = 0; id < 3; id++) {
    Userdata* ud = g.new_userdata(4, nullptr);
    std::memcpy(ud->payload(), &id, 4);
    ud->metatable = mt;
  }
  size_t udata = count_of(g, TypeTag::Userdata);
  g.full_gc();
  EXPECT_EQ(problems_of(g), "");
  EXPECT_EQ(runs, (std::map<uint32_t, int>{{0, 1}, {1, 1}, {2, 1}}));
  EXPECT_EQ(count_of(g, TypeTag::Userdata), udata);  // all alive one more cycle
  g.full_gc();
  EXPECT_EQ(count_of(g, TypeTag::Userdata), udata - 2);  // only the resurrected one
  saved->set_int(g, 1, TValue::nil());
  g.full_gc();
  g.full_gc();
  EXPECT_EQ(count_of(g, TypeTag::Userdata), udata - 3);
  EXPECT_EQ(runs[1], 1);  // never finalized twice
  EXPECT_EQ(problems_of(g), "");
}

TEST(Gc, FinalizerErrorsPropagateWithoutBreakingTheHeap) {
  GlobalState g;
  Table* mt = g.new_table(0, 0);
  Pinned pin_mt(g, TValue::table(mt));
  mt->set_str(g, g.intern("__gc"), TValue::boolean(true));
  int runs = 0;
  g.set_finalizer_hook([&](GlobalState& gs, TValue, Userdata*) {
    runs++;
    gs.raise(TValue::string(gs.intern("boom")));
  });
  for (int i = 0; i < 2; i++) g.new_userdata(8, nullptr)->metatable = mt;
  int errors = 0;
  for (int attempt = 0; attempt < 10 && runs < 2; attempt++) {
    try {
      g.full_gc();
    } catch (const LuaError& e) {
      EXPECT_STREQ(e.what(), "boom");
      errors++;
    }
    EXPECT_EQ(problems_of(g), "");
  }
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(errors, 2);
  g.full_gc();
  EXPECT_EQ(runs, 2);
}

TEST(Gc, FullCollectionDuringFinalizePhaseRunsPendingFinalizers) {
  GlobalState g;
  Table* mt = g.new_table(0, 0);
  Pinned pin_mt(g, TValue::table(mt));
  mt->set_str(g, g.intern("__gc"), TValue::boolean(true));
  int runs = 0;
  g.set_finalizer_hook([&](GlobalState&, TValue, Userdata*) { runs++; });
  for (int i = 0; i < 5; i++) g.new_userdata(8, nullptr)->metatable = mt;
  g.set_stepmul(1);
  int guard = 0;
  while (!(g.gc_phase() == GcPhase::Finalize && runs == 1) && guard++ < 100000) {
    g.gc_step();
    EXPECT_EQ(problems_of(g), "");
  }
  ASSERT_EQ(runs, 1);
  g.full_gc();  // the four pending finalizers run in the forced cycle
  EXPECT_EQ(runs, 5);
  EXPECT_EQ(problems_of(g), "");
  g.full_gc();
  EXPECT_EQ(runs, 5);
  EXPECT_EQ(count_of(g, TypeTag::Userdata), 0u);
}

TEST(Gc, BackBarrierKeepsObjectsStoredIntoBlackTables) {
  GlobalState g;
  g.set_stepmul(1);  // one object per step
  Table* holder = g.new_table(0, 0);
  Pinned pin(g, TValue::table(holder));
  // Step until the holder is black, then store a fresh (white) table into it.
  int guard = 0;
  while (!(holder->marked & mark::kBlack) && guard++ < 100000) g.gc_step();
  ASSERT_TRUE(holder->marked & mark::kBlack);
  ASSERT_TRUE(g.keep_invariant());
  Table* fresh = g.new_table(0, 0);
  fresh->set_int(g, 1, num(42));
  holder->set_int(g, 1, TValue::table(fresh));
  EXPECT_FALSE(holder->marked & mark::kBlack);  // turned gray again
  EXPECT_EQ(problems_of(g), "");
  while (!g.gc_step()) EXPECT_EQ(problems_of(g), "");
  g.full_gc();
  EXPECT_EQ(holder->get_int(1).as_table()->get_int(1).as_number(), 42);
}

TEST(Gc, ForwardBarrierMarksValuesStoredIntoBlackUpvalues) {
  GlobalState g;
  g.set_stepmul(1);  // one object per step
  Upvalue* uv = g.new_closed_upvalue(TValue::nil());
  Function* fn = g.new_c_function(nullptr, 1, nullptr);
  Proto* pt = g.new_proto(ProtoSizes{.bytecode = 1, .upvalues = 1});
  Function* closure = g.new_lua_function(pt, nullptr);
  closure->upvalues()[0] = uv;
  Pinned pin(g, TValue::function(closure));
  Pinned pin_fn(g, TValue::function(fn));
  int guard = 0;
  while (!(uv->marked & mark::kBlack) && guard++ < 100000) g.gc_step();
  ASSERT_TRUE(uv->marked & mark::kBlack);
  ASSERT_TRUE(g.keep_invariant());
  Table* fresh = g.new_table(0, 0);
  fresh->set_int(g, 1, num(7));
  g.set_upvalue(uv, TValue::table(fresh));
  EXPECT_FALSE(fresh->marked & mark::kWhites);  // marked by the barrier
  EXPECT_EQ(problems_of(g), "");
  g.full_gc();
  EXPECT_EQ(uv->v->as_table()->get_int(1).as_number(), 7);
}

TEST(Gc, KnobsFollowCollectgarbageSemantics) {
  GlobalState g;
  EXPECT_EQ(g.set_pause(100), 200u);
  EXPECT_EQ(g.set_pause(150), 100u);
  EXPECT_EQ(g.set_stepmul(400), 200u);
  Pinned keep(g, TValue::table(g.new_table(0, 0)));
  for (int i = 0; i < 1000; i++) g.new_table(4, 2);
  double kb = g.count_kb();
  EXPECT_GT(kb, 50);
  // A large step finishes a cycle; "count" then drops.
  EXPECT_TRUE(g.gc_step_kb(100000));
  EXPECT_LT(g.count_kb(), kb / 2);
  uint64_t cycles = g.gc_stats().cycles;
  // Allocating past the threshold makes gc_check() run cycles on its own.
  for (int i = 0; i < 20000; i++) {
    g.new_table(4, 0);
    g.gc_check();
    EXPECT_EQ(g.gc_phase() == GcPhase::Propagate ? problems_of(g) : "", "");
    if (i % 1000 == 0) {
      EXPECT_EQ(problems_of(g), "");
    }
  }
  EXPECT_GT(g.gc_stats().cycles, cycles);
  EXPECT_LT(g.count_kb(), 20000 * 0.2);
}

TEST(Gc, OutOfMemoryRaisesAndLeavesHeapIntact) {
  GlobalState g;
  Table* t = g.new_table(0, 0);
  Pinned pin(g, TValue::table(t));
  g.set_memory_limit(g.gc_stats().total + 4096);
  int failures = 0;
  for (int i = 1; i <= 2000; i++) {
    try {
      Table* child = g.new_table(0, 0);
      t->set_int(g, i, TValue::table(child));
      t->set_str(g, g.intern("key" + std::to_string(i)), num(i));
    } catch (const LuaError& e) {
      EXPECT_STREQ(e.what(), "not enough memory");
      EXPECT_EQ(g.error_value(), TValue::string(g.error_string(ErrorCode::NoMemory)));
      failures++;
      EXPECT_EQ(problems_of(g), "");
      g.full_gc();  // frees the garbage and lets later allocations succeed
    }
  }
  EXPECT_GT(failures, 0);
  EXPECT_LE(g.gc_stats().total, g.memory_limit());
  EXPECT_EQ(problems_of(g), "");
  for (uint32_t i = 1; i <= t->asize && i <= 2000; i++) {
    TValue v = t->get_int(i);
    if (!v.is_nil()) {
      EXPECT_TRUE(v.is_table());
    }
  }
}

// -- Random graphs ----------------------------------------------------------------

// Kinds of graph nodes.
enum Kind { kStrong, kWeakK, kWeakV, kWeakKV, kPlainUd, kGcUd, kFunc, kKindCount };

struct Graph {
  GlobalState g;
  Table* roots = nullptr;
  Table* saved = nullptr;  // finalizers resurrect into this table
  Table* mt[4] = {};       // index: weak mode (0 none, k, v, kv)
  Table* gc_mt = nullptr;
  std::vector<GCObject*> by_id;
  std::vector<Kind> kinds;
  std::map<uint32_t, int> finalized;
  std::set<uint32_t> gc_udata;
  std::vector<std::unique_ptr<Pinned>> pins;
  std::array<size_t, kTypeTagCount> baseline{};
  bool resurrect_some = false;

  Graph() {
    roots = g.new_table(0, 0);
    saved = g.new_table(0, 0);
    pins.push_back(std::make_unique<Pinned>(g, TValue::table(roots)));
    pins.push_back(std::make_unique<Pinned>(g, TValue::table(saved)));
    const char* modes[] = {nullptr, "k", "v", "kv"};
    for (int i = 1; i < 4; i++) {
      mt[i] = g.new_table(0, 0);
      mt[i]->set_str(g, g.intern("__mode"), TValue::string(g.intern(modes[i])));
      pins.push_back(std::make_unique<Pinned>(g, TValue::table(mt[i])));
    }
    gc_mt = g.new_table(0, 0);
    gc_mt->set_str(g, g.intern("__gc"), TValue::boolean(true));
    pins.push_back(std::make_unique<Pinned>(g, TValue::table(gc_mt)));
    g.set_finalizer_hook([this](GlobalState& gs, TValue, Userdata* ud) {
      uint32_t id = id_of(as_object(ud));
      finalized[id]++;
      if (resurrect_some && id % 3 == 0) saved->set(gs, num(id), TValue::userdata(ud));
    });
    baseline = g.census();
  }
  // The hook refers to members destroyed before g.
  ~Graph() { g.set_finalizer_hook(nullptr); }

  uint32_t id_of(GCObject* o) const {
    switch (o->tag()) {
      case TypeTag::Table: return static_cast<uint32_t>(reinterpret_cast<Table*>(o)->get_int(0).as_number());
      case TypeTag::Userdata: {
        uint32_t id;
        std::memcpy(&id, reinterpret_cast<Userdata*>(o)->payload(), 4);
        return id;
      }
      default: return static_cast<uint32_t>(reinterpret_cast<Function*>(o)->c_upvalues()[2].as_number());
    }
  }

  TValue create(Kind kind) {
    auto id = static_cast<uint32_t>(by_id.size());
    TValue v;
    if (kind <= kWeakKV) {
      Table* t = g.new_table(0, 0);
      t->set_int(g, 0, num(id));
      if (kind != kStrong) t->set_metatable(g, mt[kind - kStrong]);
      v = TValue::table(t);
    } else if (kind == kFunc) {
      Function* fn = g.new_c_function(nullptr, 3, nullptr);
      fn->c_upvalues()[2] = num(id);
      v = TValue::function(fn);
    } else {
      Userdata* ud = g.new_userdata(4, nullptr);
      std::memcpy(ud->payload(), &id, 4);
      if (kind == kGcUd) {
        ud->metatable = gc_mt;
        gc_udata.insert(id);
      }
      v = TValue::userdata(ud);
    }
    by_id.push_back(v.as_gc());
    kinds.push_back(kind);
    return v;
  }

  // Edges of a node: (target, weak).
  template <class Fn>
  void edges(GCObject* o, Fn&& fn) const {
    if (o->tag() == TypeTag::Table) {
      auto* t = reinterpret_cast<Table*>(o);
      bool wk = t->metatable == mt[1] || t->metatable == mt[3];
      bool wv = t->metatable == mt[2] || t->metatable == mt[3];
      uint32_t index = 0;
      TValue k, v;
      while (t->iterate(index, k, v)) {
        if (k.is_gc()) fn(k, wk);
        if (v.is_gc()) fn(v, wv);
      }
    } else if (o->tag() == TypeTag::Userdata) {
      auto* ud = reinterpret_cast<Userdata*>(o);
      if (ud->env) fn(TValue::table(ud->env), false);
    } else {
      auto* f = reinterpret_cast<Function*>(o);
      for (int i = 0; i < 2; i++) {
        if (f->c_upvalues()[i].is_gc()) fn(f->c_upvalues()[i], false);
      }
    }
  }

  // Nodes reachable from the roots (strong edges only, or all edges),
  // checking each node's identity on the way.
  std::vector<uint32_t> reach(bool strong_only) const {
    std::vector<uint32_t> out;
    std::set<uint32_t> seen;
    std::vector<TValue> stack;
    for (Table* root : {roots, saved}) {
      uint32_t index = 0;
      TValue k, v;
      while (root->iterate(index, k, v)) {
        if (v.is_gc()) stack.push_back(v);
      }
    }
    while (!stack.empty()) {
      TValue v = stack.back();
      stack.pop_back();
      uint32_t id = id_of(v.as_gc());
      RC_ASSERT(id < by_id.size());
      RC_ASSERT(by_id[id] == v.as_gc());
      if (!seen.insert(id).second) continue;
      out.push_back(id);
      edges(v.as_gc(), [&](TValue target, bool weak) {
        if (!weak || !strong_only) stack.push_back(target);
      });
    }
    return out;
  }

  TValue value_of_id(uint32_t id) const { return vm::value_of(by_id[id]); }

  // One random mutation among reachable nodes, through the barrier APIs.
  void mutate(const std::vector<uint32_t>& live, int op, int a, int b, int c) {
    auto pick = [&](int r) { return value_of_id(live[static_cast<size_t>(r) % live.size()]); };
    switch (op % 6) {
      case 0:
      case 1: {  // new node, attached to a root slot or a live node
        TValue node = create(static_cast<Kind>(a % kKindCount));
        if (live.empty() || b % 3 == 0) {
          roots->set_int(g, 1 + c % 8, node);
        } else {
          attach(pick(b), node, c);
        }
        break;
      }
      case 2:
        if (!live.empty()) attach(pick(a), pick(b), c);
        break;
      case 3:  // drop a root slot
        roots->set_int(g, 1 + c % 8, TValue::nil());
        break;
      case 4:  // clear an edge
        if (!live.empty()) attach(pick(a), TValue::nil(), c);
        break;
      default:  // key edge
        if (live.size() >= 2) {
          TValue holder = pick(a);
          if (holder.is_table()) holder.as_table()->set(g, pick(b), c % 4 ? TValue::boolean(true) : TValue::nil());
        }
        break;
    }
  }

  void attach(TValue holder, TValue target, int slot) {
    if (holder.is_table()) {
      holder.as_table()->set_int(g, 1 + slot % 4, target);
    } else if (holder.is_userdata()) {
      if (target.is_nil() || target.is_table()) {
        Userdata* ud = holder.as_userdata();
        ud->env = target.is_nil() ? nullptr : target.as_table();
        if (ud->env) g.barrier_forward(as_object(ud), as_object(ud->env));
      }
    } else {
      Function* f = holder.as_function();
      f->c_upvalues()[slot % 2] = target;
      if (target.is_gc()) g.barrier_forward(as_object(f), target.as_gc());
    }
  }
};

void check_graph_after_collections(Graph& gr) {
  for (int i = 0; i < 3; i++) gr.g.full_gc();
  RC_ASSERT(gr.g.check_heap().empty());
  std::vector<uint32_t> all = gr.reach(false);
  std::vector<uint32_t> strong = gr.reach(true);
  // Weak references to objects only weakly reachable were cleared.
  RC_ASSERT(std::set<uint32_t>(all.begin(), all.end()) == std::set<uint32_t>(strong.begin(), strong.end()));
  // Everything unreachable was freed: the census counts exactly the live nodes.
  std::array<size_t, kTypeTagCount> census = gr.g.census();
  size_t tables = 0, udata = 0, funcs = 0;
  for (uint32_t id : all) {
    Kind k = gr.kinds[id];
    (k <= kWeakKV ? tables : k == kFunc ? funcs : udata)++;
  }
  RC_ASSERT(census[static_cast<int>(TypeTag::Table)] == gr.baseline[static_cast<int>(TypeTag::Table)] + tables);
  RC_ASSERT(census[static_cast<int>(TypeTag::Userdata)] == gr.baseline[static_cast<int>(TypeTag::Userdata)] + udata);
  RC_ASSERT(census[static_cast<int>(TypeTag::Function)] == gr.baseline[static_cast<int>(TypeTag::Function)] + funcs);
  // Finalizers ran once for every dead finalizable userdata, never twice.
  std::set<uint32_t> live(all.begin(), all.end());
  for (uint32_t id : gr.gc_udata) {
    int runs = gr.finalized.count(id) ? gr.finalized[id] : 0;
    RC_ASSERT(runs <= 1);
    if (!live.count(id)) RC_ASSERT(runs == 1);
  }
}

struct GraphOp {
  int op, a, b, c;
};

void run_graph_property(bool incremental) {
  Graph gr;
  gr.resurrect_some = *rc::gen::arbitrary<bool>();
  // Small steps so mutations interleave with marking and sweeping.
  if (incremental) gr.g.set_stepmul(*rc::gen::inRange(1, 60));
  const int count = *rc::gen::inRange(0, 150);
  auto ops = *rc::gen::container<std::vector<GraphOp>>(
      count, rc::gen::construct<GraphOp>(rc::gen::inRange(0, 100), rc::gen::inRange(0, 1000),
                                         rc::gen::inRange(0, 1000), rc::gen::inRange(0, 1000)));
  for (const GraphOp& op : ops) {
    std::vector<uint32_t> live = gr.reach(false);
    if (op.op < 75) {
      gr.mutate(live, op.op, op.a, op.b, op.c);
    } else if (incremental) {
      // A few incremental steps with the tri-colour invariant checked after each.
      for (int i = 0; i <= op.a % 4; i++) {
        gr.g.gc_step();
        std::vector<std::string> problems = gr.g.check_heap();
        if (!problems.empty()) RC_FAIL(problems.front());
      }
    } else if (op.op < 80) {
      gr.g.full_gc();
      RC_ASSERT(gr.g.check_heap().empty());
    }
  }
  check_graph_after_collections(gr);
}

RC_GTEST_PROP(GcProperty, FullCollectionOnRandomGraphs, ()) { run_graph_property(false); }

RC_GTEST_PROP(GcProperty, IncrementalCollectionOnRandomGraphs, ()) { run_graph_property(true); }

// Under an allocation limit, failing operations raise "not enough memory"
// and every object stays valid.
RC_GTEST_PROP(GcProperty, OutOfMemoryKeepsHeapConsistent, ()) {
  Graph gr;
  const int count = *rc::gen::inRange(0, 150);
  auto ops = *rc::gen::container<std::vector<GraphOp>>(
      count, rc::gen::construct<GraphOp>(rc::gen::inRange(0, 100), rc::gen::inRange(0, 1000),
                                         rc::gen::inRange(0, 1000), rc::gen::inRange(0, 1000)));
  int failures = 0;
  for (const GraphOp& op : ops) {
    std::vector<uint32_t> live = gr.reach(false);
    if (op.op < 10) gr.g.set_memory_limit(gr.g.gc_stats().total + static_cast<size_t>(op.a) * 4);
    if (op.op >= 90) gr.g.set_memory_limit(SIZE_MAX);
    try {
      if (op.op < 80) {
        gr.mutate(live, op.op, op.a, op.b, op.c);
      } else {
        gr.g.gc_step();
      }
    } catch (const LuaError& e) {
      RC_ASSERT(std::string(e.what()) == "not enough memory");
      failures++;
    }
    std::vector<std::string> problems = gr.g.check_heap();
    if (!problems.empty()) RC_FAIL(problems.front());
  }
  gr.g.set_memory_limit(SIZE_MAX);
  RC_TAG(failures > 0 ? "some allocations failed" : "no failure");
  check_graph_after_collections(gr);
}

}  // namespace
}  // namespace lj::vm
