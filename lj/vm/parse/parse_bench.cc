// Parse throughput (MB/s of Lua source) on a large generated program.
//   bazel run -c opt //lj/vm/parse:parse_bench
//   bazel run -c opt //lj/vm/parse:parse_bench -- --write_source=/tmp/big.lua
// The second form also writes the source, to time `luajit -bl` on it.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "absl/strings/str_format.h"
#include "benchmark/benchmark.h"
#include "lj/vm/bc/bc.h"
#include "lj/vm/parse/parser.h"

namespace lj::parse {
namespace {

// A deterministic program mixing the constructs real code uses.
std::string GenerateSource(int functions) {
  std::string src = "local data = {}\n";
  for (int i = 0; i < functions; ++i) {
    absl::StrAppendFormat(&src,
        "function f%d(a, b, ...)\n"
        "  local t = {x = %d, y = \"s%d\", %d, %d.5, {a, b}}\n"
        "  local sum = 0\n"
        "  for i = 1, #t do\n"
        "    if type(t[i]) == \"number\" and t[i] > %d then\n"
        "      sum = sum + t[i] * 2 - (a or 0) / (b or 1)\n"
        "    elseif t[i] ~= nil then\n"
        "      sum = sum .. tostring(t[i]) .. \"|\"\n"
        "    end\n"
        "  end\n"
        "  for k, v in pairs(t) do data[k] = v end\n"
        "  local s = string.format(\"%%d:%%s\", %d, t.y):rep(2)\n"
        "  while sum < %d do sum = sum + 1 end\n"
        "  return function(...) return sum, s, a, ... end, select('#', ...)\n"
        "end\n",
        i, i, i, i, i, i % 7, i, i * 3);
  }
  return src;
}

const std::string& Source() {
  static const std::string* source = new std::string(GenerateSource(4000));
  return *source;
}

void BM_ParseLargeProgram(benchmark::State& state) {
  const std::string& src = Source();
  for (auto _ : state) {
    ParseResult r = Parse(src, "@big.lua");
    if (!r.ok()) state.SkipWithError(r.error().message.c_str());
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * src.size());
}
BENCHMARK(BM_ParseLargeProgram)->Unit(benchmark::kMillisecond);

void BM_ParseAndList(benchmark::State& state) {
  const std::string& src = Source();
  for (auto _ : state) {
    ParseResult r = Parse(src, "@big.lua");
    std::string listing = r.ok() ? bc::ListChunk(*r.proto()) : "";
    benchmark::DoNotOptimize(listing);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * src.size());
}
BENCHMARK(BM_ParseAndList)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace lj::parse

int main(int argc, char** argv) {
  const char* flag = "--write_source=";
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], flag, std::strlen(flag)) == 0) {
      std::ofstream(argv[i] + std::strlen(flag)) << lj::parse::Source();
      std::printf("wrote %zu bytes\n", lj::parse::Source().size());
      for (int k = i; k + 1 < argc; ++k) argv[k] = argv[k + 1];
      --argc;
      --i;
    }
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
