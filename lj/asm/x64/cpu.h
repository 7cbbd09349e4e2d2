// CPU features the x86-64 backend asks about, read once with cpuid.
#pragma once

namespace lj::x64 {

struct CpuFeatures {
  bool sse3 = false;
  bool sse4_1 = false;  // roundsd: inline floor/ceil/trunc
  bool bmi2 = false;
};

// The features of the CPU this process runs on (cached after the first call).
// Without SSE4.1 the lowering must not emit roundsd: floor/ceil/trunc then
// call a helper instead (docs/x64_encoder.md, "roundsd fallback").
const CpuFeatures& cpu_features();

// The names jit.status() lists after `true`, in LuaJIT's order and spelling.
// Writes at most `capacity` names into `names` and returns how many.
int cpu_feature_names(const CpuFeatures& features, const char** names, int capacity);

}  // namespace lj::x64
