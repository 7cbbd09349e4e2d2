// Messages the io and os libraries raise or return, in LuaJIT's wording:
// one X-macro table, the single source of the texts (docs/stdlib.md).
#pragma once

namespace lj::lib {

#define LJ_LIB_MESSAGES(_)                                  \
  _(ClosedFile, "attempt to use a closed file")             \
  _(DefaultClosed, "standard file is closed")               \
  _(CannotCloseStd, "cannot close standard file")           \
  _(InvalidFormat, "invalid format")                        \
  _(InvalidOption, "invalid option")                        \
  _(TooManyLinesFormats, "too many results to unpack")      \
  _(NoUniqueName, "unable to generate a unique filename")

enum class LibMessage {
#define LJ_LIB_MESSAGE_ENUM(name, text) name,
  LJ_LIB_MESSAGES(LJ_LIB_MESSAGE_ENUM)
#undef LJ_LIB_MESSAGE_ENUM
};

inline const char* message(LibMessage m) {
  static constexpr const char* kTexts[] = {
#define LJ_LIB_MESSAGE_TEXT(name, text) text,
      LJ_LIB_MESSAGES(LJ_LIB_MESSAGE_TEXT)
#undef LJ_LIB_MESSAGE_TEXT
  };
  return kTexts[static_cast<int>(m)];
}

}  // namespace lj::lib
