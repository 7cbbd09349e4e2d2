// Internal to lj/vm/bcsave: the constants of the dump format that the
// writer and the reader share (LuaJIT's lj_bcdump.h facts).
#ifndef LJ_VM_BCSAVE_FORMAT_H_
#define LJ_VM_BCSAVE_FORMAT_H_

#include <cstdint>
#include <string_view>

namespace lj::bcsave::format {

// Kinds of GC constants; a string's kind is kKgcStr + its length.
inline constexpr uint32_t kKgcChild = 0, kKgcTab = 1, kKgcI64 = 2,
                          kKgcU64 = 3, kKgcComplex = 4, kKgcStr = 5;

// Kinds of template-table keys and values; a string's is kKtabStr + length.
inline constexpr uint32_t kKtabNil = 0, kKtabFalse = 1, kKtabTrue = 2,
                          kKtabInt = 3, kKtabNum = 4, kKtabStr = 5;

// Hidden variables are written as one byte below kVarNameMax instead of
// their name (LuaJIT's VARNAME_*); 0 ends the variable list.
#define LJ_BCSAVE_HIDDEN_VARS(X) \
  X(1, "(for index)")            \
  X(2, "(for limit)")            \
  X(3, "(for step)")             \
  X(4, "(for generator)")        \
  X(5, "(for state)")            \
  X(6, "(for control)")
inline constexpr uint8_t kVarNameMax = 7;

// The code byte of a hidden variable name, 0 for an ordinary name.
inline uint8_t HiddenVarCode(std::string_view name) {
#define LJ_BCSAVE_VAR_CODE(code, text) \
  if (name == text) return code;
  LJ_BCSAVE_HIDDEN_VARS(LJ_BCSAVE_VAR_CODE)
#undef LJ_BCSAVE_VAR_CODE
  return 0;
}

// The name of hidden variable `code` (1 .. kVarNameMax-1).
inline std::string_view HiddenVarName(uint8_t code) {
#define LJ_BCSAVE_VAR_NAME(c, text) \
  if (code == c) return text;
  LJ_BCSAVE_HIDDEN_VARS(LJ_BCSAVE_VAR_NAME)
#undef LJ_BCSAVE_VAR_NAME
  return {};
}

// Bytes per line-number entry: the line offsets from firstline are stored
// as 8, 16 or 32 bits depending on how many lines the function spans.
inline uint32_t LineEntryBytes(uint32_t numline) {
  return numline < 256 ? 1 : numline < 65536 ? 2 : 4;
}

}  // namespace lj::bcsave::format

#endif  // LJ_VM_BCSAVE_FORMAT_H_
