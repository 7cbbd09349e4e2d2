// mcode areas: placement near the VM's code, the two W^X strategies, the
// reserve/commit/abort cycle of one trace, patching, and LuaJIT's limits.
#include "lj/asm/mcode.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

#include "lj/base/check.h"

namespace lj::mcode {



namespace {

constexpr const char* kMessages[] = {
#define LJ_MCODE_STATUS_MESSAGE(name, message) message,
    LJ_MCODE_STATUSES(LJ_MCODE_STATUS_MESSAGE)
#undef LJ_MCODE_STATUS_MESSAGE
};

// Hinted placements tried before an area counts as impossible to place.
constexpr int kPlacementAttempts = 64;
// Areas are aligned like LuaJIT's hints, so hints rarely straddle mappings.
constexpr uint64_t kHintAlignment = 1 << 16;

uint64_t page_size() {
  static const uint64_t size = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  return size;
}

// The default anchor: code in this library, linked into the same binary as
// the VM, so within reach of the interpreter and the helpers it calls.
uint64_t own_code_address() { return reinterpret_cast<uint64_t>(&own_code_address); }

// xorshift64: deterministic hints, so placement is reproducible run to run
// (up to what the kernel already has mapped).
uint64_t next_random(uint64_t& state) {
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

}  // namespace

const char* message(Status status) { return kMessages[static_cast<int>(status)]; }

McodeSpace::McodeSpace(Options options)
    : options_(options),
      area_bytes_((options.area_kb * 1024 + page_size() - 1) & ~(page_size() - 1)),
      anchor_((options.anchor ? options.anchor : own_code_address()) & ~(kHintAlignment - 1)),
      prng_state_(0x9E3779B97F4A7C15ull) {
  check(area_bytes_ > 0, "mcode area size must be positive");
}

McodeSpace::~McodeSpace() { flush(); }

// ---- Placement ---------------------------------------------------------------

bool McodeSpace::in_reach(uint64_t lo, uint64_t hi) const {
  const uint64_t low_end = anchor_ > kReach ? anchor_ - kReach : 0;
  return lo >= low_end && hi <= anchor_ + kReach;
}

// Maps one area whose executable view starts at `hint` exactly (the kernel
// refuses instead of moving it elsewhere); false if that address is taken or
// out of reach.
bool McodeSpace::map_area(uint64_t hint, Area* area) {
  if (!in_reach(hint, hint + area_bytes_)) return false;
  void* const wanted = reinterpret_cast<void*>(hint);
  const int fixed = MAP_FIXED_NOREPLACE;
  if (options_.protection == Protection::kMprotect) {
    // Written first, so it starts writable (never executable at the same time).
    void* p = mmap(wanted, area_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | fixed, -1, 0);
    if (p == MAP_FAILED) return false;
    if (reinterpret_cast<uint64_t>(p) != hint) {  // a kernel that ignores NOREPLACE
      munmap(p, area_bytes_);
      return false;
    }
    area->exec_lo = hint;
    area->write_lo = static_cast<uint8_t*>(p);
    area->writable = true;
    return true;
  }
  // Double map: one memfd, an r-x view in reach and an rw- view anywhere.
  const int fd = memfd_create("lj-mcode", MFD_CLOEXEC);
  if (fd < 0) return false;
  bool placed = false;
  if (ftruncate(fd, static_cast<off_t>(area_bytes_)) == 0) {
    void* exec = mmap(wanted, area_bytes_, PROT_READ | PROT_EXEC, MAP_SHARED | fixed, fd, 0);
    if (exec != MAP_FAILED && reinterpret_cast<uint64_t>(exec) != hint) {
      munmap(exec, area_bytes_);
      exec = MAP_FAILED;
    }
    if (exec != MAP_FAILED) {
      void* write = mmap(nullptr, area_bytes_, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
      if (write != MAP_FAILED) {
        area->exec_lo = hint;
        area->write_lo = static_cast<uint8_t*>(write);
        placed = true;
      } else {
        munmap(exec, area_bytes_);
      }
    }
  }
  close(fd);  // the mappings keep the memory alive
  return placed;
}

void McodeSpace::unmap_area(const Area& area) {
  munmap(reinterpret_cast<void*>(area.exec_lo), area_bytes_);
  if (options_.protection == Protection::kDoubleMap) munmap(area.write_lo, area_bytes_);
}

// Tries just below the newest area first (areas stay together, as LuaJIT's
// do), then random aligned addresses within reach of the anchor.
Status McodeSpace::allocate_area() {
  Area area;
  for (int attempt = 0; attempt < kPlacementAttempts; ++attempt) {
    uint64_t hint;
    if (attempt == 0 && !areas_.empty()) {
      hint = areas_.back().exec_lo - area_bytes_;
    } else {
      const uint64_t span = 2 * kReach - area_bytes_;
      const uint64_t low_end = anchor_ > kReach ? anchor_ - kReach : 0;
      hint = (low_end + next_random(prng_state_) % span) & ~(kHintAlignment - 1);
    }
    if (map_area(hint, &area)) {
      area.top = area.exec_lo + area_bytes_;
      areas_.push_back(area);
      return Status::kOk;
    }
  }
  return Status::kAllocationFailed;
}

// ---- Protection --------------------------------------------------------------

void McodeSpace::protect(uint64_t lo, size_t bytes, bool writable) {
  const int prot = writable ? PROT_READ | PROT_WRITE : PROT_READ | PROT_EXEC;
  const int result = mprotect(reinterpret_cast<void*>(lo), bytes, prot);
  check(result == 0, "mprotect of an mcode area failed");
  ++protection_syscalls_;
}

// kMprotect only: rw- while generating, r-x otherwise; no call if unchanged.
void McodeSpace::set_writable(Area& area, bool writable) {
  if (options_.protection != Protection::kMprotect || area.writable == writable) return;
  protect(area.exec_lo, area_bytes_, writable);
  area.writable = writable;
}

// ---- One trace -----------------------------------------------------------------

Status McodeSpace::reserve(Window* window) {
  check(!reserved_, "mcode reserved twice without commit or abort");
  if (areas_.empty()) {
    if (area_bytes_ > options_.max_total_kb * 1024) return Status::kAllocationFailed;
    const Status status = allocate_area();
    if (status != Status::kOk) return status;
  }
  Area& area = areas_.back();
  set_writable(area, true);
  window->exec_lo = area.exec_lo;
  window->exec_hi = area.top;
  window->write_lo = area.write_lo;
  reserved_ = true;
  return Status::kOk;
}

void McodeSpace::commit(uint64_t code_begin) {
  check(reserved_, "mcode commit without a reservation");
  Area& area = areas_.back();
  check(code_begin >= area.exec_lo && code_begin <= area.top, "committed code outside its window");
  area.top = code_begin;
  set_writable(area, false);
  reserved_ = false;
}

void McodeSpace::abort() {
  if (!reserved_) return;
  set_writable(areas_.back(), false);
  reserved_ = false;
}

// LuaJIT's order: too long for any area first, then the total limit.
Status McodeSpace::limit_reached(size_t needed) {
  abort();
  if (needed > area_bytes_) return Status::kTooLong;
  if (total_bytes() + area_bytes_ > options_.max_total_kb * 1024) return Status::kAllocationFailed;
  const Status status = allocate_area();
  return status == Status::kOk ? Status::kHitLimitRetrying : status;
}

// ---- Patching --------------------------------------------------------------------

McodeSpace::Area* McodeSpace::area_holding(uint64_t exec_address) {
  for (Area& area : areas_) {
    if (exec_address >= area.exec_lo && exec_address < area.exec_lo + area_bytes_) return &area;
  }
  return nullptr;
}

// kMprotect flips only the touched pages (and not at all when the area is
// already writable because a trace is being generated in it).
McodeSpace::Patch McodeSpace::begin_patch(uint64_t exec_address, size_t size) {
  Area* area = area_holding(exec_address);
  check(area != nullptr && exec_address + size <= area->exec_lo + area_bytes_, "patch outside mcode");
  uint8_t* const write = area->write_lo + (exec_address - area->exec_lo);
  if (options_.protection == Protection::kDoubleMap || area->writable) {
    return Patch(*this, exec_address, write, 0, 0);
  }
  const uint64_t page_lo = exec_address & ~(page_size() - 1);
  const uint64_t page_hi = (exec_address + size + page_size() - 1) & ~(page_size() - 1);
  protect(page_lo, page_hi - page_lo, true);
  return Patch(*this, exec_address, write, page_lo, page_hi - page_lo);
}

void McodeSpace::end_patch(const Patch& patch) {
  if (patch.page_lo_ != 0) protect(patch.page_lo_, patch.page_bytes_, false);
}

McodeSpace::Patch::~Patch() { space_.end_patch(*this); }

void McodeSpace::patch(uint64_t exec_address, const void* bytes, size_t size) {
  Patch scope = begin_patch(exec_address, size);
  std::memcpy(scope.writable(exec_address), bytes, size);
}

// ---- Whole space -------------------------------------------------------------------

void McodeSpace::flush() {
  for (const Area& area : areas_) unmap_area(area);
  areas_.clear();
  reserved_ = false;
}

std::vector<std::pair<uint64_t, uint64_t>> McodeSpace::area_ranges() const {
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for (const Area& area : areas_) ranges.emplace_back(area.exec_lo, area.exec_lo + area_bytes_);
  return ranges;
}

}  // namespace lj::mcode
