#include "lj/opt/opt.h"

namespace lj::opt {

namespace {
constexpr std::string_view kFlagNames[] = {
#define LJ_OPT_FLAGNAME(name, text) text,
    LJ_OPT_FLAGDEF(LJ_OPT_FLAGNAME)
#undef LJ_OPT_FLAGNAME
};

uint32_t bits(std::initializer_list<Flag> flags) {
  uint32_t out = 0;
  for (Flag f : flags) out |= 1u << static_cast<uint8_t>(f);
  return out;
}
}  // namespace

std::string_view name(Flag flag) { return kFlagNames[static_cast<uint8_t>(flag)]; }

std::optional<Flag> flag_by_name(std::string_view text) {
  for (size_t i = 0; i < std::size(kFlagNames); ++i)
    if (kFlagNames[i] == text) return static_cast<Flag>(i);
  return std::nullopt;
}

// LuaJIT: O1 = fold cse dce; O2 adds narrow loop; O3 adds fwd dse abc sink fuse.
Options Options::level(int level) {
  Options o;
  if (level >= 1) o.flags |= bits({Flag::kFold, Flag::kCse, Flag::kDce});
  if (level >= 2) o.flags |= bits({Flag::kNarrow, Flag::kLoop});
  if (level >= 3)
    o.flags |= bits({Flag::kFwd, Flag::kDse, Flag::kAbc, Flag::kSink, Flag::kFuse});
  return o;
}

bool Options::apply(std::string_view setting) {
  if (setting.size() == 2 && setting[0] == 'O' && setting[1] >= '0' && setting[1] <= '3') {
    *this = level(setting[1] - '0');
    return true;
  }
  bool on = true;
  if (!setting.empty() && (setting[0] == '+' || setting[0] == '-')) {
    on = setting[0] == '+';
    setting.remove_prefix(1);
  }
  auto f = flag_by_name(setting);
  if (!f) return false;
  set(*f, on);
  return true;
}

ir::EmitOptions Options::emit_options() const {
  ir::EmitOptions e;
  e.cse = has(Flag::kCse);
  return e;
}

}  // namespace lj::opt
