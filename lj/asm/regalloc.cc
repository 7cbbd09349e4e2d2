#include "lj/asm/regalloc.h"

#include "absl/strings/str_format.h"

namespace lj::regalloc {

const char* message_format(AsmError error) {
  static constexpr const char* kMessages[] = {
#define LJ_ASM_ERRTEXT(name, text) text,
      LJ_ASM_ERRDEF(LJ_ASM_ERRTEXT)
#undef LJ_ASM_ERRTEXT
  };
  return kMessages[static_cast<int>(error)];
}

// Only kNyiInstruction carries an argument (the IR instruction number).
AsmAbort::AsmAbort(AsmError error, int argument) : error_(error), argument_(argument) {
  text_ = error == AsmError::kNyiInstruction
              ? absl::StrFormat("NYI: cannot assemble IR instruction %d", argument)
              : std::string(message_format(error));
}

}  // namespace lj::regalloc
