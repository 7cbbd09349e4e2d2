// The mcode space: where traces' machine code lives.
//
// Areas of `area_kb` (LuaJIT's sizemcode, default 64) are mmap'ed, at most
// `max_total_kb` (maxmcode, default 512) in all, each placed within ±2 GB of
// the VM's own code so helper calls and exits are rel32. Inside an area code
// is laid out top-down like LuaJIT's: a trace is assembled backwards from the
// area's current top, and committing moves the top down past it.
//
// W^X: no page is ever writable and executable at once. Two protection
// strategies (docs/mcode.md compares them):
//   kDoubleMap: each area is a memfd mapped twice, an executable view (r-x)
//               where code runs and a writable view (rw-) elsewhere; writes
//               and patches go through the writable view, no syscall per trace.
//   kMprotect:  one mapping, flipped r-x -> rw- while a trace is written or a
//               branch patched, and back (LuaJIT's way; two mprotects a trace).
//
// Errors are LuaJIT's trace-error messages, returned as values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace lj::mcode {

// The outcome of an mcode operation, with LuaJIT's message for each failure.
#define LJ_MCODE_STATUSES(_)                                  \
  _(kOk, "ok")                                                \
  _(kHitLimitRetrying, "hit mcode limit (retrying)")          \
  _(kAllocationFailed, "failed to allocate mcode memory")     \
  _(kTooLong, "machine code too long")

enum class Status : uint8_t {
#define LJ_MCODE_STATUS_ENUM(name, message) name,
  LJ_MCODE_STATUSES(LJ_MCODE_STATUS_ENUM)
#undef LJ_MCODE_STATUS_ENUM
};

const char* message(Status status);

enum class Protection : uint8_t { kDoubleMap, kMprotect };

struct Options {
  size_t area_kb = 64;        // sizemcode
  size_t max_total_kb = 512;  // maxmcode
  Protection protection = Protection::kDoubleMap;
  // Code that must reach the areas with rel32; 0 = this library's own code.
  uint64_t anchor = 0;
};

// Where a trace may be written: the free part of the current area, as
// execution addresses [exec_lo, exec_hi); byte `exec_lo` is written at
// `write_lo` (the same address under kMprotect). Assemble backwards from
// exec_hi (a lj::x64::CodeBuffer over exactly this window).
struct Window {
  uint8_t* write_lo = nullptr;
  uint64_t exec_lo = 0;
  uint64_t exec_hi = 0;
  size_t size() const { return exec_hi - exec_lo; }
};

// Largest distance from the anchor any byte of an area may have: rel32 reach
// less a 2 MB margin for the code around the anchor (LuaJIT keeps the same).
inline constexpr uint64_t kReach = (1ull << 31) - (1ull << 21);

class McodeSpace {
 public:
  explicit McodeSpace(Options options = {});
  ~McodeSpace();
  McodeSpace(const McodeSpace&) = delete;
  McodeSpace& operator=(const McodeSpace&) = delete;

  // Opens the free part of the current area (allocating the first area on
  // first use) for writing one trace. kAllocationFailed if no area can be had.
  Status reserve(Window* window);
  // The trace occupies [code_begin, window.exec_hi): it becomes executable,
  // the area's top moves down to code_begin.
  void commit(uint64_t code_begin);
  // Drops the reservation without keeping any code.
  void abort();
  // A trace of `needed` bytes overflowed its window: abort it, then answer
  // kTooLong if no area could hold it, kAllocationFailed past max_total_kb (the
  // VM flushes), else kHitLimitRetrying with a fresh area to retry in.
  Status limit_reached(size_t needed);

  // Rewrites committed code in place (exit branch -> side trace). While a
  // Patch lives its bytes are writable; no page is writable and executable.
  class Patch {
   public:
    ~Patch();
    Patch(const Patch&) = delete;
    Patch& operator=(const Patch&) = delete;
    // The writable byte that executes at `exec_address`.
    uint8_t* writable(uint64_t exec_address) const { return write_lo_ + (exec_address - exec_lo_); }

   private:
    friend class McodeSpace;
    Patch(McodeSpace& space, uint64_t exec_lo, uint8_t* write_lo, uint64_t page_lo, size_t page_bytes)
        : space_(space), exec_lo_(exec_lo), write_lo_(write_lo), page_lo_(page_lo), page_bytes_(page_bytes) {}
    McodeSpace& space_;
    uint64_t exec_lo_;
    uint8_t* write_lo_;
    uint64_t page_lo_;  // pages made writable (kMprotect), 0 if none
    size_t page_bytes_;
  };
  Patch begin_patch(uint64_t exec_address, size_t size);
  // Convenience: one patch of `size` bytes copied from `bytes`.
  void patch(uint64_t exec_address, const void* bytes, size_t size);

  // Frees every area; all machine code is gone.
  void flush();

  const Options& options() const { return options_; }
  uint64_t anchor() const { return anchor_; }
  size_t area_count() const { return areas_.size(); }
  size_t total_bytes() const { return areas_.size() * area_bytes_; }
  size_t area_bytes() const { return area_bytes_; }
  // Executable [lo, hi) of each area, newest last (tests, -jdump).
  std::vector<std::pair<uint64_t, uint64_t>> area_ranges() const;
  // System calls spent on protection so far (benchmarks, docs).
  uint64_t protection_syscalls() const { return protection_syscalls_; }

 private:
  struct Area {
    uint64_t exec_lo = 0;
    uint8_t* write_lo = nullptr;  // == exec_lo under kMprotect
    uint64_t top = 0;             // code occupies [top, exec_lo + size)
    bool writable = false;        // kMprotect: currently rw- instead of r-x
  };
  Status allocate_area();
  bool map_area(uint64_t hint, Area* area);
  void unmap_area(const Area& area);
  void set_writable(Area& area, bool writable);
  void protect(uint64_t lo, size_t bytes, bool writable);
  void end_patch(const Patch& patch);
  bool in_reach(uint64_t lo, uint64_t hi) const;
  Area* area_holding(uint64_t exec_address);

  Options options_;
  size_t area_bytes_;
  uint64_t anchor_;
  std::vector<Area> areas_;  // the current area is the last
  bool reserved_ = false;
  uint64_t prng_state_;
  uint64_t protection_syscalls_ = 0;
};

}  // namespace lj::mcode
