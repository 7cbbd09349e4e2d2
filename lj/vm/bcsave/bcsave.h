// LuaJIT's bytecode dump format ("\33LJ", version 2), as string.dump and
// `luajit -b` write it and load/loadstring/loadfile read it: a writer from
// the plain bc::Proto, a validating reader back to it, and the conversion
// of a loaded GC prototype (string.dump's input) to the plain form. The
// bytes match Debian's GC64 luajit 2.1.0-beta3 (docs/bytecode.md).
#ifndef LJ_VM_BCSAVE_BCSAVE_H_
#define LJ_VM_BCSAVE_BCSAVE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "lj/vm/bc/bc.h"
#include "lj/vm/object/object.h"

namespace lj::bcsave {

// Header bytes and flags (LuaJIT's BCDUMP_*). We always write FR2 (GC64
// frames) and never FFI; the reader also accepts big-endian dumps.
inline constexpr char kHead[] = {'\x1b', 'L', 'J'};
inline constexpr uint8_t kVersion = 2;
inline constexpr uint32_t kFlagBigEndian = 0x01;
inline constexpr uint32_t kFlagStrip = 0x02;
inline constexpr uint32_t kFlagFfi = 0x04;
inline constexpr uint32_t kFlagFr2 = 0x08;
inline constexpr uint32_t kKnownFlags = 0x0f;

// A chunk is a bytecode dump when its first byte is ESC, as luajit decides.
inline bool IsDump(std::string_view chunk) {
  return !chunk.empty() && chunk[0] == kHead[0];
}

// The dump of a prototype tree; `strip` drops the chunk name, line numbers
// and variable names. A prototype without debug info (lines empty: it was
// loaded stripped, or is a builtin) is written without it either way.
std::string Write(const bc::Proto& main, bool strip);

// A dump read back: the main prototype, or luajit's error message
// ("name: cannot load malformed bytecode").
struct ReadResult {
  std::shared_ptr<bc::Proto> proto;
  std::string error;
  bool ok() const { return proto != nullptr; }
};

// Reads and validates a dump. `chunkarg` is the name load() was given: it
// names errors and becomes the chunk name of a stripped dump. Anything
// that would let the interpreter index outside a prototype's frame,
// constants, upvalues or code is rejected as malformed.
ReadResult Read(std::string_view dump, std::string_view chunkarg);

// The plain prototype tree of a loaded function's prototype, with patched
// instructions (ILOOP, IFORL, ...) restored, template tables in LuaJIT's
// node order and no debug info where the prototype has none.
std::shared_ptr<bc::Proto> FromGc(const vm::Proto& proto);

}  // namespace lj::bcsave

#endif  // LJ_VM_BCSAVE_BCSAVE_H_
