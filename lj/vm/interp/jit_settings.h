// The trace compiler's switches as LuaJIT 2.1 has them: the on/off switch,
// the optimization flags and the numeric parameters, parsed from
// jit.opt.start / -O arguments. The Vm owns one; the trace compiler reads it.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace lj::interp {

// Optimization flags in LuaJIT's order (JIT_F_OPT_*), bit i = entry i.
#define LJ_JIT_FLAGS(_) \
  _(fold) _(cse) _(dce) _(fwd) _(dse) _(narrow) _(loop) _(abc) _(sink) _(fuse)

// Parameters in LuaJIT's order (JIT_P_*) with their defaults.
#define LJ_JIT_PARAMS(_)                                                        \
  _(maxtrace, 1000) _(maxrecord, 4000) _(maxirconst, 500) _(maxside, 100)      \
  _(maxsnap, 500) _(minstitch, 0) _(hotloop, 56) _(hotexit, 10) _(tryside, 4)  \
  _(instunroll, 4) _(loopunroll, 15) _(callunroll, 3) _(recunroll, 2)          \
  _(sizemcode, 64) _(maxmcode, 512)

enum class JitFlag : uint32_t {
#define LJ_JIT_FLAG_ENUM(name) name,
  LJ_JIT_FLAGS(LJ_JIT_FLAG_ENUM)
#undef LJ_JIT_FLAG_ENUM
  count
};

enum class JitParam : uint32_t {
#define LJ_JIT_PARAM_ENUM(name, def) name,
  LJ_JIT_PARAMS(LJ_JIT_PARAM_ENUM)
#undef LJ_JIT_PARAM_ENUM
  count
};

inline constexpr int kJitFlagCount = static_cast<int>(JitFlag::count);
inline constexpr int kJitParamCount = static_cast<int>(JitParam::count);

constexpr uint32_t jit_flag_bit(JitFlag f) { return 1u << static_cast<uint32_t>(f); }

// -O0 .. -O3 (LuaJIT's JIT_F_OPT_0 .. JIT_F_OPT_3).
inline constexpr uint32_t kJitLevel1 =
    jit_flag_bit(JitFlag::fold) | jit_flag_bit(JitFlag::cse) | jit_flag_bit(JitFlag::dce);
inline constexpr uint32_t kJitLevel2 =
    kJitLevel1 | jit_flag_bit(JitFlag::narrow) | jit_flag_bit(JitFlag::loop);
inline constexpr uint32_t kJitLevel3 = kJitLevel2 | jit_flag_bit(JitFlag::fwd) | jit_flag_bit(JitFlag::dse) |
                                       jit_flag_bit(JitFlag::abc) | jit_flag_bit(JitFlag::sink) |
                                       jit_flag_bit(JitFlag::fuse);

// Names of flags and parameters, in table order.
const char* jit_flag_name(JitFlag f);
const char* jit_param_name(JitParam p);

struct JitSettings {
  bool enabled = true;
  uint32_t flags = kJitLevel3;
  std::array<int32_t, kJitParamCount> params = {
#define LJ_JIT_PARAM_DEFAULT(name, def) def,
      LJ_JIT_PARAMS(LJ_JIT_PARAM_DEFAULT)
#undef LJ_JIT_PARAM_DEFAULT
  };

  bool has(JitFlag f) const { return flags & jit_flag_bit(f); }
  int32_t param(JitParam p) const { return params[static_cast<size_t>(p)]; }

  // One jit.opt.start argument: a level digit ("0".."9", 3 and up mean
  // -O3), a flag ("fold", "+fold", "-fold", "nofold", "no-fold") or
  // "param=digits". False if it is none of these (luajit then raises
  // "unknown or malformed optimization flag '...'"). *changed_param names
  // the parameter set, if any (hotloop changes reset the hot counters).
  bool apply(std::string_view option, JitParam* changed_param);
  // jit.opt.start() without arguments: the default flags (not params).
  void reset_flags() { flags = kJitLevel3; }
};

}  // namespace lj::interp
