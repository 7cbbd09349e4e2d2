// Prototypes, closures, upvalues (open and closed), threads and userdata:
// layouts, construction, and how the collector treats them.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstring>
#include <map>
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

TEST(Proto, OneBlockWithStableBytecodeAndConstants) {
  GlobalState g;
  Proto* pt = g.new_proto(ProtoSizes{.bytecode = 5, .gc_consts = 3, .num_consts = 2, .upvalues = 2, .vars = 1});
  Pinned pin(g, TValue::proto(pt));
  uint32_t* bc = pt->bc();
  EXPECT_EQ(reinterpret_cast<char*>(bc), reinterpret_cast<char*>(pt) + sizeof(Proto));
  for (uint32_t i = 0; i < 5; i++) {
    bc[i] = 0x1000 + i;
    pt->lineinfo[i] = 10 + i;
  }
  pt->kgc(0) = as_object(g.intern("const string"));
  Proto* child = g.new_proto(ProtoSizes{.bytecode = 1});
  pt->kgc(1) = as_object(child);
  pt->kgc(2) = as_object(g.new_table(0, 1));
  pt->knum(0) = num(3.5);
  pt->knum(1) = num(-1);
  pt->uv[0] = kUpvalueLocal | 3;
  pt->uv[1] = 0;
  pt->uvnames[0] = g.intern("up0");
  pt->uvnames[1] = g.intern("up1");
  pt->varinfo[0] = VarInfo{g.intern("x"), 0, 5};
  pt->chunkname = g.intern("@test.lua");
  pt->flags = proto_flag::kChild;
  g.full_gc();
  g.full_gc();
  EXPECT_EQ(problems_of(g), "");
  // Same addresses, same contents, everything reachable kept alive.
  EXPECT_EQ(pt->bc(), bc);
  EXPECT_EQ(bc[4], 0x1004u);
  EXPECT_EQ(pt->lineinfo[4], 14u);
  EXPECT_EQ(reinterpret_cast<String*>(pt->kgc(0))->view(), "const string");
  EXPECT_EQ(pt->kgc(1), as_object(child));
  EXPECT_EQ(pt->knum(0).as_number(), 3.5);
  EXPECT_EQ(pt->knum(1).as_number(), -1);
  EXPECT_EQ(pt->varinfo[0].name->view(), "x");
  EXPECT_EQ(pt->uvnames[1]->view(), "up1");
  EXPECT_EQ(pt->chunkname->view(), "@test.lua");
  EXPECT_EQ(count_of(g, TypeTag::Proto), 2u);
}

TEST(Function, LuaClosureFindsItsProtoAndKeepsUpvaluesAlive) {
  GlobalState g;
  Proto* pt = g.new_proto(ProtoSizes{.bytecode = 2, .upvalues = 1});
  Function* fn = g.new_lua_function(pt, g.globals());
  EXPECT_TRUE(fn->is_lua());
  EXPECT_EQ(fn->proto(), pt);
  EXPECT_EQ(fn->pc, pt->bc());
  Table* payload = g.new_table(0, 0);
  payload->set_int(g, 1, num(99));
  fn->upvalues()[0] = g.new_closed_upvalue(TValue::table(payload));
  Pinned pin(g, TValue::function(fn));
  g.full_gc();
  EXPECT_EQ(problems_of(g), "");
  EXPECT_EQ(fn->upvalues()[0]->v->as_table()->get_int(1).as_number(), 99);
}

TEST(Function, CFunctionCarriesFfidAndUpvalues) {
  GlobalState g;
  auto f = [](Thread*) { return 7; };
  Function* fn = g.new_c_function(f, 2, nullptr, 42);
  EXPECT_TRUE(fn->is_c());
  EXPECT_EQ(fn->ffid, 42);
  EXPECT_EQ(fn->cfunction()(g.main_thread()), 7);
  fn->c_upvalues()[1] = TValue::string(g.intern("kept by a C closure"));
  Pinned pin(g, TValue::function(fn));
  g.full_gc();
  EXPECT_EQ(fn->c_upvalues()[1].as_string()->view(), "kept by a C closure");
  EXPECT_EQ(problems_of(g), "");
}

TEST(Thread, StackLayoutAndRootedValues) {
  GlobalState g;
  Thread* th = g.main_thread();
  EXPECT_EQ(th->stack[0], TValue::thread(th));
  EXPECT_EQ(th->base, th->stack + 2);
  EXPECT_EQ(th->top, th->base);
  EXPECT_GE(th->maxstack - th->top, 40);
  size_t tables = count_of(g, TypeTag::Table);
  *th->top++ = TValue::table(g.new_table(0, 0));  // below top: live
  th->top[0] = TValue::table(g.new_table(0, 0));  // above top: dead
  g.full_gc();
  EXPECT_EQ(count_of(g, TypeTag::Table), tables + 1);
  EXPECT_TRUE(th->top[0].is_nil());  // cleared by the atomic phase
  EXPECT_EQ(problems_of(g), "");
}

TEST(Thread, StackGrowsRelocatingUpvaluesAndOverflows) {
  GlobalState g;
  Thread* th = g.main_thread();
  th->top[0] = num(5);
  th->top[1] = num(6);
  Upvalue* a = th->find_upvalue(g, th->top);
  Upvalue* b = th->find_upvalue(g, th->top + 1);
  EXPECT_EQ(th->find_upvalue(g, th->top), a);
  EXPECT_EQ(th->openupval, b);  // highest slot first
  th->top += 2;
  th->grow_stack(g, 1000);
  EXPECT_GE(th->maxstack - th->top, 1000);
  EXPECT_EQ(a->v->as_number(), 5);
  EXPECT_EQ(b->v->as_number(), 6);
  EXPECT_EQ(a->v, th->top - 2);
  try {
    th->grow_stack(g, kStackMaxSlots);
    FAIL() << "expected stack overflow";
  } catch (const LuaError& e) {
    EXPECT_STREQ(e.what(), "stack overflow");
  }
  th->close_upvalues(g, th->top - 2);
  EXPECT_EQ(th->openupval, nullptr);
  EXPECT_TRUE(a->closed);
  EXPECT_EQ(a->v, &a->tv);
  EXPECT_EQ(a->tv.as_number(), 5);
  EXPECT_EQ(problems_of(g), "");
}

TEST(Thread, ClosureOutlivesDeadCoroutineThroughOpenUpvalue) {
  GlobalState g;
  Thread* co = g.new_thread();
  Table* value = g.new_table(0, 0);
  value->set_int(g, 1, num(1234));
  TValue* slot = co->top++;
  *slot = TValue::table(value);
  Upvalue* uv = co->find_upvalue(g, slot);
  Proto* pt = g.new_proto(ProtoSizes{.bytecode = 1, .upvalues = 1});
  Function* fn = g.new_lua_function(pt, nullptr);
  fn->upvalues()[0] = uv;
  Pinned pin(g, TValue::function(fn));  // the coroutine itself is unreachable
  size_t threads = count_of(g, TypeTag::Thread);
  g.full_gc();
  EXPECT_EQ(problems_of(g), "");
  EXPECT_EQ(count_of(g, TypeTag::Thread), threads - 1);
  // Freeing the thread closed the upvalue with the value it had.
  EXPECT_TRUE(fn->upvalues()[0]->closed);
  EXPECT_EQ(fn->upvalues()[0]->v->as_table()->get_int(1).as_number(), 1234);
  g.full_gc();
  EXPECT_EQ(fn->upvalues()[0]->v->as_table()->get_int(1).as_number(), 1234);
}

TEST(Thread, IncrementalMarkingWithOpenUpvalues) {
  GlobalState g;
  g.set_stepmul(1);
  Thread* th = g.main_thread();
  Proto* pt = g.new_proto(ProtoSizes{.bytecode = 1, .upvalues = 1});
  Pinned pin_pt(g, TValue::proto(pt));
  for (int round = 0; round < 200; round++) {
    // A frame with a local captured by a closure, then closed at return.
    TValue* slot = th->top++;
    Table* t = g.new_table(0, 0);
    t->set_int(g, 1, num(round));
    *slot = TValue::table(t);
    Function* fn = g.new_lua_function(pt, nullptr);
    fn->upvalues()[0] = th->find_upvalue(g, slot);
    g.registry()->set_int(g, 1 + round % 5, TValue::function(fn));
    g.gc_step();
    ASSERT_EQ(problems_of(g), "");
    th->close_upvalues(g, slot);
    th->top--;
    g.gc_step();
    ASSERT_EQ(problems_of(g), "");
  }
  g.full_gc();
  for (int i = 0; i < 5; i++) {
    Function* fn = g.registry()->get_int(1 + i).as_function();
    EXPECT_EQ(fn->upvalues()[0]->v->as_table()->get_int(1).as_number(), 195 + i);
  }
}

TEST(Userdata, PayloadEnvAndMetatableSurvive) {
  GlobalState g;
  Table* env = g.new_table(0, 0);
  Userdata* ud = g.new_userdata(32, env);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(ud->payload()) % 16, 0u);
  std::memcpy(ud->payload(), "0123456789abcdef0123456789abcde", 32);
  ud->metatable = g.new_table(0, 0);
  Pinned pin(g, TValue::userdata(ud));
  g.full_gc();
  EXPECT_EQ(problems_of(g), "");
  EXPECT_EQ(std::memcmp(ud->payload(), "0123456789abcdef", 16), 0);
  EXPECT_EQ(ud->env, env);
  ASSERT_NE(ud->metatable, nullptr);
  EXPECT_EQ(ud->metatable->gct, static_cast<uint8_t>(TypeTag::Table));
}

TEST(State, TeardownRunsPendingFinalizersAndFreesEverything) {
  int runs = 0;
  {
    GlobalState g;
    Table* mt = g.new_table(0, 0);
    mt->set_str(g, g.intern("__gc"), TValue::boolean(true));
    g.base_metatable(TypeTag::String) = mt;  // keeps mt alive as a root
    g.set_finalizer_hook([&](GlobalState&, TValue, Userdata*) { runs++; });
    for (int i = 0; i < 3; i++) {
      Userdata* ud = g.new_userdata(0, nullptr);
      ud->metatable = mt;
      g.registry()->set_int(g, i + 1, TValue::userdata(ud));
    }
  }  // the destructor checks that accounting returns to zero
  EXPECT_EQ(runs, 3);
}

// -- Property: closures, open/closed upvalues and coroutine stacks ----------------

struct UpvalueModel {
  int thread;     // owning thread while open
  size_t slot;    // stack slot index while open
  bool closed;
  double value;   // id of the table it holds once closed
};

struct FrameOp {
  int op, a, b;
};
void showValue(const FrameOp& o, std::ostream& os) { os << "{" << o.op << "," << o.a << "," << o.b << "}"; }

// Random pushes/pops of table values on several threads, closures capturing
// stack slots, upvalue stores, dropped coroutines and GC steps: every
// closure always sees the value the model says, and the heap checks clean.
RC_GTEST_PROP(FunctionProperty, UpvaluesFollowTheirSlotsAcrossGc, ()) {
  GlobalState g;
  g.set_stepmul(*rc::gen::inRange(1, 40));
  Proto* pt = g.new_proto(ProtoSizes{.bytecode = 1, .upvalues = 1});
  Pinned pin_pt(g, TValue::proto(pt));
  Table* closures = g.new_table(0, 0);
  Table* threads_root = g.new_table(0, 0);
  g.registry()->set_int(g, 1, TValue::table(closures));
  g.registry()->set_int(g, 2, TValue::table(threads_root));
  std::vector<Thread*> threads = {g.main_thread()};
  std::vector<std::vector<double>> stacks(1);  // model: ids on each stack
  for (int i = 1; i <= 3; i++) {
    Thread* co = g.new_thread();
    threads_root->set_int(g, i, TValue::thread(co));
    threads.push_back(co);
    stacks.emplace_back();
  }
  std::vector<bool> thread_alive(threads.size(), true);
  std::vector<UpvalueModel> uvs;                 // indexed by creation order
  std::map<Upvalue*, size_t> uv_index;
  std::map<int, size_t> closure_uv;              // closures slot -> uv model
  double next_id = 1;

  auto fresh_table = [&]() {
    Table* t = g.new_table(0, 0);
    t->set_int(g, 1, num(next_id));
    return std::make_pair(t, next_id++);
  };
  auto expected_value = [&](const UpvalueModel& m) {
    return m.closed ? m.value : stacks[m.thread][m.slot];
  };
  // Closes the model upvalues of thread th at or above slot.
  auto close_model = [&](int th, size_t slot) {
    for (auto& m : uvs) {
      if (!m.closed && m.thread == th && m.slot >= slot) {
        m.value = stacks[th][m.slot];
        m.closed = true;
      }
    }
  };

  const int count = *rc::gen::inRange(0, 120);
  auto ops = *rc::gen::container<std::vector<FrameOp>>(
      count, rc::gen::construct<FrameOp>(rc::gen::inRange(0, 8), rc::gen::inRange(0, 1000), rc::gen::inRange(0, 1000)));
  for (const FrameOp& op : ops) {
    int th = op.a % static_cast<int>(threads.size());
    if (!thread_alive[th]) th = 0;
    Thread* t = threads[th];
    auto& stack = stacks[th];
    switch (op.op) {
      case 0: {  // push
        if (stack.size() >= 30) break;
        auto [tab, id] = fresh_table();
        *t->top++ = TValue::table(tab);
        stack.push_back(id);
        break;
      }
      case 1: {  // pop, closing upvalues of the slot
        if (stack.empty()) break;
        t->close_upvalues(g, t->top - 1);
        close_model(th, stack.size() - 1);
        t->top--;
        stack.pop_back();
        break;
      }
      case 2: {  // closure capturing a live slot
        if (stack.empty()) break;
        size_t slot = static_cast<size_t>(op.b) % stack.size();
        Upvalue* uv = t->find_upvalue(g, t->base + slot);
        // A new upvalue may reuse the address of one freed earlier.
        auto known = uv_index.find(uv);
        if (known == uv_index.end() || uvs[known->second].closed || uvs[known->second].thread != th ||
            uvs[known->second].slot != slot) {
          uv_index[uv] = uvs.size();
          uvs.push_back(UpvalueModel{th, slot, false, 0});
        }
        RC_ASSERT(!uvs[uv_index[uv]].closed);
        Function* fn = g.new_lua_function(pt, nullptr);
        fn->upvalues()[0] = uv;
        int key = 1 + op.b % 8;
        closures->set_int(g, key, TValue::function(fn));
        closure_uv[key] = uv_index[uv];
        break;
      }
      case 3: {  // store through a closure's upvalue
        auto it = closure_uv.find(1 + op.b % 8);
        if (it == closure_uv.end()) break;
        Upvalue* uv = closures->get_int(it->first).as_function()->upvalues()[0];
        auto [tab, id] = fresh_table();
        g.set_upvalue(uv, TValue::table(tab));
        UpvalueModel& m = uvs[it->second];
        if (m.closed) {
          m.value = id;
        } else {
          stacks[m.thread][m.slot] = id;
        }
        break;
      }
      case 4: {  // drop a coroutine: its open upvalues live on in closures
        if (th == 0) break;
        threads_root->set_int(g, th, TValue::nil());
        thread_alive[th] = false;
        break;
      }
      case 5:
      case 6: {
        for (int i = 0; i <= op.b % 5; i++) {
          g.gc_step();
          std::vector<std::string> problems = g.check_heap();
          if (!problems.empty()) RC_FAIL(problems.front());
        }
        break;
      }
      default: {
        g.full_gc();
        std::vector<std::string> problems = g.check_heap();
        if (!problems.empty()) RC_FAIL(problems.front());
        break;
      }
    }
    // Every closure sees its model value.
    for (auto& [key, index] : closure_uv) {
      Upvalue* uv = closures->get_int(key).as_function()->upvalues()[0];
      RC_ASSERT(uv->closed == uvs[index].closed || !thread_alive[uvs[index].thread]);
      RC_ASSERT(uv->v->as_table()->get_int(1).as_number() == expected_value(uvs[index]));
    }
  }
  g.full_gc();
  std::vector<std::string> problems = g.check_heap();
  if (!problems.empty()) RC_FAIL(problems.front());
}

}  // namespace
}  // namespace lj::vm
