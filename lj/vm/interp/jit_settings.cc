// Parsing jit.opt.start / -O options into JitSettings, as LuaJIT's
// lib_jit.c (jitopt_level, jitopt_flag, jitopt_param) does.
#include "lj/vm/interp/jit_settings.h"

namespace lj::interp {

namespace {

constexpr const char* kFlagNames[] = {
#define LJ_JIT_FLAG_NAME(name) #name,
    LJ_JIT_FLAGS(LJ_JIT_FLAG_NAME)
#undef LJ_JIT_FLAG_NAME
};

constexpr const char* kParamNames[] = {
#define LJ_JIT_PARAM_NAME(name, def) #name,
    LJ_JIT_PARAMS(LJ_JIT_PARAM_NAME)
#undef LJ_JIT_PARAM_NAME
};

// A single digit selects a level; LuaJIT treats 3..9 as -O3.
bool apply_level(JitSettings& s, std::string_view opt) {
  if (opt.size() != 1 || opt[0] < '0' || opt[0] > '9') return false;
  constexpr uint32_t kLevels[] = {0, kJitLevel1, kJitLevel2, kJitLevel3};
  uint32_t all = kJitLevel3;
  int level = opt[0] - '0';
  s.flags = (s.flags & ~all) | kLevels[level > 3 ? 3 : level];
  return true;
}

// [+|-|no|no-]name switches one flag.
bool apply_flag(JitSettings& s, std::string_view opt) {
  bool set = true;
  if (opt.starts_with("+")) {
    opt.remove_prefix(1);
  } else if (opt.starts_with("-")) {
    opt.remove_prefix(1);
    set = false;
  } else if (opt.starts_with("no")) {
    opt.remove_prefix(opt.starts_with("no-") ? 3 : 2);
    set = false;
  }
  for (int i = 0; i < kJitFlagCount; i++) {
    if (opt != kFlagNames[i]) continue;
    uint32_t bit = jit_flag_bit(static_cast<JitFlag>(i));
    s.flags = set ? s.flags | bit : s.flags & ~bit;
    return true;
  }
  return false;
}

// name=digits (an empty number is 0, as in LuaJIT).
bool apply_param(JitSettings& s, std::string_view opt, JitParam* changed) {
  for (int i = 0; i < kJitParamCount; i++) {
    std::string_view name = kParamNames[i];
    if (!opt.starts_with(name) || opt.size() <= name.size() || opt[name.size()] != '=') continue;
    int32_t n = 0;
    for (char c : opt.substr(name.size() + 1)) {
      if (c < '0' || c > '9') return false;
      n = static_cast<int32_t>(static_cast<uint32_t>(n) * 10 + static_cast<uint32_t>(c - '0'));
    }
    s.params[static_cast<size_t>(i)] = n;
    if (changed) *changed = static_cast<JitParam>(i);
    return true;
  }
  return false;
}

}  // namespace

const char* jit_flag_name(JitFlag f) { return kFlagNames[static_cast<int>(f)]; }
const char* jit_param_name(JitParam p) { return kParamNames[static_cast<int>(p)]; }

bool JitSettings::apply(std::string_view option, JitParam* changed_param) {
  return apply_level(*this, option) || apply_flag(*this, option) || apply_param(*this, option, changed_param);
}

}  // namespace lj::interp
