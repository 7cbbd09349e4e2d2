// Component benchmarks: string interning, table get/set, table growth, and a
// full GC cycle per MB of live data. Run optimized:
//   bazel run -c opt //lj/vm/object:object_bench
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "lj/vm/object/state.h"

namespace lj::vm {
namespace {

std::vector<std::string> make_words(int n) {
  std::vector<std::string> words;
  for (int i = 0; i < n; i++) words.push_back("identifier_" + std::to_string(i * 7919));
  return words;
}

// Interning a string that already exists: hash + bucket walk + compare.
void BM_InternExisting(benchmark::State& state) {
  GlobalState g;
  auto words = make_words(1024);
  for (auto& w : words) g.registry()->set_str(g, g.intern(w), TValue::boolean(true));
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(g.intern(words[i++ & 1023]));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_InternExisting);

// Interning new strings (allocation included); garbage is collected as we go.
void BM_InternNew(benchmark::State& state) {
  GlobalState g;
  uint64_t n = 0;
  char buf[32];
  for (auto _ : state) {
    int len = std::snprintf(buf, sizeof buf, "fresh%llu", static_cast<unsigned long long>(n++));
    benchmark::DoNotOptimize(g.intern(std::string_view(buf, static_cast<size_t>(len))));
    g.gc_check();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_InternNew);

Table* filled_array(GlobalState& g, int n) {
  Table* t = g.new_table(0, 0);
  g.registry()->set_int(g, 1, TValue::table(t));
  for (int i = 1; i <= n; i++) t->set_int(g, i, TValue::number(i));
  return t;
}

void BM_TableGetArray(benchmark::State& state) {
  GlobalState g;
  Table* t = filled_array(g, 1024);
  int64_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(t->get_int((i++ & 1023) + 1));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_TableGetArray);

void BM_TableSetArray(benchmark::State& state) {
  GlobalState g;
  Table* t = filled_array(g, 1024);
  int64_t i = 0;
  for (auto _ : state) {
    t->set_int(g, (i & 1023) + 1, TValue::number(static_cast<double>(i)));
    i++;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_TableSetArray);

struct StringKeyed {
  GlobalState g;
  Table* t;
  std::vector<String*> keys;
  StringKeyed() {
    t = g.new_table(0, 0);
    g.registry()->set_int(g, 1, TValue::table(t));
    for (auto& w : make_words(256)) {
      keys.push_back(g.intern(w));
      t->set_str(g, keys.back(), TValue::number(1));
    }
  }
};

void BM_TableGetString(benchmark::State& state) {
  StringKeyed s;
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(s.t->get_str(s.keys[i++ & 255]));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_TableGetString);

void BM_TableSetString(benchmark::State& state) {
  StringKeyed s;
  size_t i = 0;
  for (auto _ : state) {
    s.t->set_str(s.g, s.keys[i & 255], TValue::number(static_cast<double>(i)));
    i++;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_TableSetString);

// Non-integer number keys always live in the hash part.
void BM_TableGetNumber(benchmark::State& state) {
  GlobalState g;
  Table* t = g.new_table(0, 0);
  g.registry()->set_int(g, 1, TValue::table(t));
  for (int i = 0; i < 256; i++) t->set(g, TValue::number(i + 0.5), TValue::number(i));
  int i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(t->get_num((i++ & 255) + 0.5));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_TableGetNumber);

void BM_TableSetNumber(benchmark::State& state) {
  GlobalState g;
  Table* t = g.new_table(0, 0);
  g.registry()->set_int(g, 1, TValue::table(t));
  for (int i = 0; i < 256; i++) t->set(g, TValue::number(i + 0.5), TValue::number(i));
  int i = 0;
  for (auto _ : state) {
    t->set(g, TValue::number((i & 255) + 0.5), TValue::number(i));
    i++;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_TableSetNumber);

// Growing a fresh table from empty: array part (integer keys) or hash part.
void BM_TableGrowth(benchmark::State& state) {
  GlobalState g;
  const auto n = static_cast<int>(state.range(0));
  const bool hash = state.range(1) != 0;
  for (auto _ : state) {
    Table* t = g.new_table(0, 0);
    for (int i = 1; i <= n; i++) {
      if (hash) {
        t->set(g, TValue::number(i + 0.5), TValue::number(i));
      } else {
        t->set_int(g, i, TValue::number(i));
      }
    }
    benchmark::DoNotOptimize(t);
    g.gc_check();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * n);
}
BENCHMARK(BM_TableGrowth)->Args({1000, 0})->Args({1000, 1})->Args({100000, 0})->Args({100000, 1});

// Insert/delete churn of distinct keys with range(0) entries live (a set of
// objects, a queue keyed by counters): dead keys must not pile up.
void BM_TableChurn(benchmark::State& state) {
  GlobalState g;
  Table* t = g.new_table(0, 0);
  g.registry()->set_int(g, 1, TValue::table(t));
  const auto live = static_cast<uint64_t>(state.range(0));
  uint64_t next = 0;
  for (; next < live; next++) t->set(g, TValue::number(next + 0.5), TValue::boolean(true));
  for (auto _ : state) {
    t->set(g, TValue::number(static_cast<double>(next - live) + 0.5), TValue::nil());
    t->set(g, TValue::number(static_cast<double>(next) + 0.5), TValue::boolean(true));
    next++;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_TableChurn)->Arg(1023)->Arg(1024)->Arg(100000);

// A full collection with roughly range(0) MB live: tables of numbers and
// strings linked from the registry.
void BM_FullGcPerMB(benchmark::State& state) {
  GlobalState g;
  const size_t target = static_cast<size_t>(state.range(0)) << 20;
  Table* root = g.new_table(0, 0);
  g.registry()->set_int(g, 1, TValue::table(root));
  for (int i = 1; g.gc_stats().total < target; i++) {
    Table* t = g.new_table(8, 2);
    for (int j = 1; j <= 8; j++) t->set_int(g, j, TValue::number(j));
    t->set_str(g, g.intern("name" + std::to_string(i)), TValue::number(i));
    root->set_int(g, i, TValue::table(t));
  }
  g.full_gc();
  double mb = static_cast<double>(g.gc_stats().total) / (1 << 20);
  for (auto _ : state) g.full_gc();
  state.counters["live_MB"] = mb;
  // Live megabytes traced per second of collection.
  state.counters["MB_per_s"] = benchmark::Counter(mb * static_cast<double>(state.iterations()),
                                                  benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FullGcPerMB)->Arg(1)->Arg(16)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace lj::vm
