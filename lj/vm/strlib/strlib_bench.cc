// Throughput of the hot string algorithms: bazel run -c opt :strlib_bench
#include <string>

#include "benchmark/benchmark.h"
#include "lj/vm/strlib/format.h"
#include "lj/vm/strlib/number.h"
#include "lj/vm/strlib/pattern.h"

namespace lj::strlib {
namespace {

const std::string& text() {
  static const std::string t = [] {
    std::string s;
    for (int i = 0; i < 2000; i++) s += "the quick brown fox " + std::to_string(i) + " jumps; ";
    return s;
  }();
  return t;
}

void BM_FindPlain(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(find(text(), "1999 jumps", 1, true));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text().size()));
}
BENCHMARK(BM_FindPlain);

void BM_FindPattern(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(find(text(), "(%d+) jumps;$", 1, false));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text().size()));
}
BENCHMARK(BM_FindPattern);

void BM_GsubWords(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(gsub(text(), "(%a+)", "<%1>", 1 << 30));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text().size()));
}
BENCHMARK(BM_GsubWords);

class BenchArgs : public FormatArgs {
 public:
  int size() const override { return 3; }
  std::optional<double> number(int i) override { return i == 0 ? 42.0 : 3.14159265358979; }
  std::string text(int) override { return "name"; }
  std::string type_name(int) override { return "number"; }
  uintptr_t pointer(int) override { return 0; }
};

void BM_Format(benchmark::State& state) {
  BenchArgs args;
  for (auto _ : state) benchmark::DoNotOptimize(format("%5d %.3f %s", args));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Format);

void BM_NumberToString(benchmark::State& state) {
  double values[] = {42.0, 3.14159265358979, 1e-7, 123456.789};
  size_t k = 0;
  for (auto _ : state) benchmark::DoNotOptimize(number_to_string(values[k++ & 3]));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NumberToString);

void BM_StringToNumber(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(string_to_number(" 12345.678e-3 "));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StringToNumber);

}  // namespace
}  // namespace lj::strlib

BENCHMARK_MAIN();
