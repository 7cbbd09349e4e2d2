// cpuid queries: leaf 1 (SSE3, SSE4.1) and leaf 7 subleaf 0 (BMI2).
#include "lj/asm/x64/cpu.h"

#include <cpuid.h>

namespace lj::x64 {

namespace {

// Reads the feature bits; a leaf the CPU lacks leaves its features off.
CpuFeatures detect() {
  CpuFeatures features;
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid(1, &eax, &ebx, &ecx, &edx)) {
    features.sse3 = (ecx & (1u << 0)) != 0;
    features.sse4_1 = (ecx & (1u << 19)) != 0;
  }
  if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) {
    features.bmi2 = (ebx & (1u << 8)) != 0;
  }
  return features;
}

}  // namespace

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = detect();
  return features;
}

int cpu_feature_names(const CpuFeatures& features, const char** names, int capacity) {
  int count = 0;
  // LuaJIT's jit.status() order: SSE3, SSE4.1, BMI2.
  const struct {
    bool present;
    const char* name;
  } table[] = {{features.sse3, "SSE3"}, {features.sse4_1, "SSE4.1"}, {features.bmi2, "BMI2"}};
  for (const auto& entry : table) {
    if (entry.present && count < capacity) names[count++] = entry.name;
  }
  return count;
}

}  // namespace lj::x64
