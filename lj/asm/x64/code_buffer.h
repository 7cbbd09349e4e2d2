// The window of memory an Encoder writes machine code into.
//
// The trace assembler generates code backwards (LuaJIT style): the last
// instruction first, each new instruction placed to end where the previous one
// began, so the emission point moves toward lower addresses. Stubs and
// trampolines read more naturally forwards, so a buffer has a direction.
//
// Addresses are execution addresses: where the code will run. With a double
// mapping (mcode area, docs/mcode.md) the bytes are written through another,
// writable view at a fixed distance; `write_lo` is where `exec_lo` is written.
// Relative branches and rip-relative operands are computed from execution
// addresses, so code written through either view is correct where it runs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "lj/base/check.h"

namespace lj::x64 {

enum class Direction : uint8_t { kBackward, kForward };

class CodeBuffer {
 public:
  CodeBuffer(uint8_t* write_lo, uint64_t exec_lo, size_t size, Direction direction)
      : write_lo_(write_lo),
        exec_lo_(exec_lo),
        exec_hi_(exec_lo + size),
        position_(direction == Direction::kBackward ? exec_lo + size : exec_lo),
        direction_(direction) {}

  // A buffer that runs where it is written (tests, single-mapping areas).
  static CodeBuffer in_place(uint8_t* memory, size_t size, Direction direction) {
    return CodeBuffer(memory, reinterpret_cast<uint64_t>(memory), size, direction);
  }

  Direction direction() const { return direction_; }
  // The emission point: backwards, the first byte emitted so far; forwards,
  // one past the last.
  uint64_t position() const { return position_; }
  uint64_t exec_lo() const { return exec_lo_; }
  uint64_t exec_hi() const { return exec_hi_; }
  size_t remaining() const {
    return direction_ == Direction::kBackward ? position_ - exec_lo_ : exec_hi_ - position_;
  }
  // The bytes emitted so far, as execution addresses [begin, end).
  uint64_t code_begin() const { return direction_ == Direction::kBackward ? position_ : exec_lo_; }
  uint64_t code_end() const { return direction_ == Direction::kBackward ? exec_hi_ : position_; }
  // Set once an instruction did not fit; nothing is written after that, and
  // the assembler reports "machine code too long" or retries in a new area.
  bool overflowed() const { return overflowed_; }

  // Where an instruction of `length` bytes emitted next would end: branch
  // and rip-relative displacements are measured from there.
  uint64_t end_of_next(size_t length) const {
    return direction_ == Direction::kBackward ? position_ : position_ + length;
  }

  // Appends (forwards) or prepends (backwards) one encoded instruction.
  void place(const uint8_t* bytes, size_t length) {
    if (overflowed_ || length > remaining()) {
      overflowed_ = true;
      return;
    }
    const uint64_t start = direction_ == Direction::kBackward ? position_ - length : position_;
    // A byte loop: instructions are short, a libc memcpy call costs more.
    uint8_t* out = writable(start);
    for (size_t i = 0; i < length; ++i) out[i] = bytes[i];
    position_ = direction_ == Direction::kBackward ? start : start + length;
  }

  // Rewrites the rel32 field of the branch that ends at `branch_end` so it
  // jumps to `target` (late-bound labels, loop back edges).
  void patch_rel32(uint64_t branch_end, uint64_t target) {
    const int64_t rel = static_cast<int64_t>(target - branch_end);
    lj::check(rel == static_cast<int32_t>(rel), "branch target out of rel32 range");
    lj::check(branch_end - 4 >= exec_lo_ && branch_end <= exec_hi_, "patch outside buffer");
    const int32_t rel32 = static_cast<int32_t>(rel);
    std::memcpy(writable(branch_end - 4), &rel32, 4);
  }

  // The writable byte that will execute at `exec_address`.
  uint8_t* writable(uint64_t exec_address) const { return write_lo_ + (exec_address - exec_lo_); }

 private:
  uint8_t* write_lo_;
  uint64_t exec_lo_;
  uint64_t exec_hi_;
  uint64_t position_;
  Direction direction_;
  bool overflowed_ = false;
};

}  // namespace lj::x64
