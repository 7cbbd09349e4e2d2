// The mcode space under both protection strategies: encoded code runs where
// it was committed, areas sit within ±2 GB of the binary, LuaJIT's limits
// give LuaJIT's messages, patching re-targets a branch, and /proc/self/maps
// never shows a writable and executable mapping.
#include "lj/asm/mcode.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "lj/asm/x64/code_buffer.h"
#include "lj/asm/x64/encoder.h"

namespace lj::mcode {
namespace {

using x64::CodeBuffer;
using x64::Direction;
using x64::Encoder;
using x64::Mem;

struct Mapping {
  uint64_t lo = 0;
  uint64_t hi = 0;
  std::string perms;
};

std::vector<Mapping> read_maps() {
  std::ifstream maps("/proc/self/maps");
  std::vector<Mapping> mappings;
  std::string line;
  while (std::getline(maps, line)) {
    Mapping mapping;
    unsigned long long lo = 0, hi = 0;
    char perms[8] = {};
    if (std::sscanf(line.c_str(), "%llx-%llx %7s", &lo, &hi, perms) != 3) continue;
    mapping.lo = lo;
    mapping.hi = hi;
    mapping.perms = perms;
    mappings.push_back(mapping);
  }
  return mappings;
}

// No mapping in the whole process is writable and executable.
void expect_no_writable_executable_mapping(const char* when) {
  const std::vector<Mapping> mappings = read_maps();
  ASSERT_FALSE(mappings.empty());
  for (const Mapping& mapping : mappings) {
    const bool writable = mapping.perms[1] == 'w';
    const bool executable = mapping.perms[2] == 'x';
    EXPECT_FALSE(writable && executable) << when << ": " << std::hex << mapping.lo << "-" << mapping.hi << " "
                                         << mapping.perms;
  }
}

// The permissions of the mapping that holds `address` ("" if none does).
std::string perms_at(uint64_t address) {
  for (const Mapping& mapping : read_maps()) {
    if (address >= mapping.lo && address < mapping.hi) return mapping.perms;
  }
  return "";
}

// Assembles one trace backwards with `body` and commits it; returns its entry.
uint64_t install(McodeSpace& space, const std::function<void(Encoder&)>& body) {
  Window window;
  EXPECT_EQ(space.reserve(&window), Status::kOk);
  CodeBuffer buffer(window.write_lo, window.exec_lo, window.size(), Direction::kBackward);
  Encoder encoder(buffer);
  body(encoder);
  EXPECT_FALSE(buffer.overflowed());
  space.commit(buffer.code_begin());
  return buffer.code_begin();
}

using BinaryFunction = int (*)(int, int);

class McodeTest : public ::testing::TestWithParam<Protection> {
 protected:
  Options options() const {
    Options opts;
    opts.protection = GetParam();
    return opts;
  }
};

TEST_P(McodeTest, RunsAnEncodedFunction) {
  McodeSpace space(options());
  const uint64_t entry = install(space, [](Encoder& e) {
    e.ret();                                  // emitted first: runs last
    e.lea(x64::eax, Mem::at(x64::rdi, x64::rsi, 1));
  });
  EXPECT_EQ(reinterpret_cast<BinaryFunction>(entry)(3, 4), 7);
  EXPECT_EQ(reinterpret_cast<BinaryFunction>(entry)(-10, 4), -6);
}

TEST_P(McodeTest, TracesStackDownwardAndAllKeepRunning) {
  McodeSpace space(options());
  const uint64_t add = install(space, [](Encoder& e) {
    e.ret();
    e.lea(x64::eax, Mem::at(x64::rdi, x64::rsi, 1));
  });
  const uint64_t sub = install(space, [](Encoder& e) {
    e.ret();
    e.sub(x64::eax, x64::esi);
    e.mov(x64::eax, x64::edi);
  });
  EXPECT_LT(sub, add);
  EXPECT_EQ(reinterpret_cast<BinaryFunction>(add)(5, 2), 7);
  EXPECT_EQ(reinterpret_cast<BinaryFunction>(sub)(5, 2), 3);
  EXPECT_EQ(space.area_count(), 1u);
}

TEST_P(McodeTest, AbortKeepsNothing) {
  McodeSpace space(options());
  Window first;
  ASSERT_EQ(space.reserve(&first), Status::kOk);
  space.abort();
  Window second;
  ASSERT_EQ(space.reserve(&second), Status::kOk);
  EXPECT_EQ(first.exec_hi, second.exec_hi);
  space.abort();
}

TEST_P(McodeTest, NoMappingIsEverWritableAndExecutable) {
  McodeSpace space(options());
  Window window;
  ASSERT_EQ(space.reserve(&window), Status::kOk);
  expect_no_writable_executable_mapping("while a trace is written");
  CodeBuffer buffer(window.write_lo, window.exec_lo, window.size(), Direction::kBackward);
  Encoder encoder(buffer);
  encoder.ret();
  encoder.mov(x64::eax, 1);
  const uint64_t jump_end = encoder.jmp_rel32(buffer.position());  // to the mov: returns 1
  space.commit(buffer.code_begin());
  const uint64_t entry = buffer.code_begin();
  expect_no_writable_executable_mapping("with a trace committed");
  EXPECT_EQ(perms_at(entry).substr(0, 3), "r-x");
  {
    McodeSpace::Patch patch = space.begin_patch(jump_end - 4, 4);
    expect_no_writable_executable_mapping("while a patch is in progress");
    *patch.writable(jump_end - 4) = 0;  // still the same target
  }
  expect_no_writable_executable_mapping("after the patch");
  EXPECT_EQ(perms_at(entry).substr(0, 3), "r-x");
  EXPECT_EQ(reinterpret_cast<int (*)()>(entry)(), 1);
}

TEST_P(McodeTest, PatchingRetargetsAnExitBranch) {
  McodeSpace space(options());
  // Two "traces" returning 1 and 2, and an entry whose jmp (an exit branch)
  // goes to the first.
  const uint64_t returns_one = install(space, [](Encoder& e) { e.ret(); e.mov(x64::eax, 1); });
  const uint64_t returns_two = install(space, [](Encoder& e) { e.ret(); e.mov(x64::eax, 2); });
  uint64_t jump_end = 0;
  const uint64_t entry = install(space, [&](Encoder& e) { jump_end = e.jmp_rel32(returns_one); });
  const auto run = reinterpret_cast<int (*)()>(entry);
  EXPECT_EQ(run(), 1);
  // Link: the exit now goes to the other trace; unlink restores it.
  const int32_t to_two = static_cast<int32_t>(returns_two - jump_end);
  space.patch(jump_end - 4, &to_two, 4);
  EXPECT_EQ(run(), 2);
  const int32_t to_one = static_cast<int32_t>(returns_one - jump_end);
  space.patch(jump_end - 4, &to_one, 4);
  EXPECT_EQ(run(), 1);
}

TEST_P(McodeTest, AreasAreWithinRel32OfTheBinary) {
  Options opts = options();
  opts.area_kb = 64;
  opts.max_total_kb = 256;
  McodeSpace space(opts);
  Window window;
  ASSERT_EQ(space.reserve(&window), Status::kOk);
  while (space.limit_reached(100) == Status::kHitLimitRetrying) {
  }
  EXPECT_EQ(space.area_count(), 4u);
  // Any code in this binary, not only the anchor, must reach every area.
  const uint64_t test_code = reinterpret_cast<uint64_t>(&read_maps);
  for (const auto& [lo, hi] : space.area_ranges()) {
    EXPECT_LT(hi > test_code ? hi - test_code : test_code - lo, 1ull << 31);
    EXPECT_LE(hi > space.anchor() ? hi - space.anchor() : space.anchor() - lo, kReach);
  }
}

TEST_P(McodeTest, LimitsGiveLuaJitMessages) {
  Options opts = options();
  opts.area_kb = 64;
  opts.max_total_kb = 128;
  McodeSpace space(opts);
  Window window;
  ASSERT_EQ(space.reserve(&window), Status::kOk);
  // A single trace larger than any area.
  EXPECT_EQ(space.limit_reached(65 * 1024), Status::kTooLong);
  EXPECT_STREQ(message(Status::kTooLong), "machine code too long");
  // The first overflow gets a fresh area to retry in...
  ASSERT_EQ(space.reserve(&window), Status::kOk);
  EXPECT_EQ(space.limit_reached(1000), Status::kHitLimitRetrying);
  EXPECT_STREQ(message(Status::kHitLimitRetrying), "hit mcode limit (retrying)");
  EXPECT_EQ(space.area_count(), 2u);
  ASSERT_EQ(space.reserve(&window), Status::kOk);
  EXPECT_EQ(window.size(), 64u * 1024);
  // ...past maxmcode there is none.
  EXPECT_EQ(space.limit_reached(1000), Status::kAllocationFailed);
  EXPECT_STREQ(message(Status::kAllocationFailed), "failed to allocate mcode memory");
  EXPECT_EQ(space.total_bytes(), 128u * 1024);
}

TEST_P(McodeTest, RealOverflowRetriesOnceInAFreshArea) {
  Options opts = options();
  opts.area_kb = 4;
  McodeSpace space(opts);
  // Fill most of the first area.
  install(space, [](Encoder& e) {
    for (int i = 0; i < 400; ++i) e.nop(9);
  });
  // A 1000-byte trace no longer fits: the assembler sees an overflow...
  auto assemble = [](Encoder& e) {
    e.ret();
    for (int i = 0; i < 100; ++i) e.add(x64::eax, 0x12345);  // 5 bytes each
    e.mov(x64::eax, 0);
  };
  Window window;
  ASSERT_EQ(space.reserve(&window), Status::kOk);
  CodeBuffer buffer(window.write_lo, window.exec_lo, window.size(), Direction::kBackward);
  Encoder encoder(buffer);
  assemble(encoder);
  ASSERT_TRUE(buffer.overflowed());
  // ...asks for more room, and the retry in the fresh area succeeds.
  ASSERT_EQ(space.limit_reached(window.size() + 1), Status::kHitLimitRetrying);
  const uint64_t entry = install(space, assemble);
  EXPECT_EQ(reinterpret_cast<int (*)()>(entry)(), 100 * 0x12345);
}

TEST_P(McodeTest, MaxSmallerThanOneAreaCannotAllocate) {
  Options opts = options();
  opts.area_kb = 64;
  opts.max_total_kb = 32;
  McodeSpace space(opts);
  Window window;
  EXPECT_EQ(space.reserve(&window), Status::kAllocationFailed);
}

TEST_P(McodeTest, UnplaceableAnchorIsAnAllocationFailure) {
  Options opts = options();
  opts.anchor = 0xFFFF900000000000ull;  // kernel half: nothing can be mapped in reach
  McodeSpace space(opts);
  Window window;
  EXPECT_EQ(space.reserve(&window), Status::kAllocationFailed);
  EXPECT_EQ(space.area_count(), 0u);
}

TEST_P(McodeTest, FlushUnmapsEverything) {
  McodeSpace space(options());
  const uint64_t entry = install(space, [](Encoder& e) { e.ret(); });
  EXPECT_NE(perms_at(entry), "");
  space.flush();
  EXPECT_EQ(space.area_count(), 0u);
  EXPECT_EQ(perms_at(entry), "");
  // Usable again afterwards.
  const uint64_t again = install(space, [](Encoder& e) { e.ret(); e.mov(x64::eax, 9); });
  EXPECT_EQ(reinterpret_cast<int (*)()>(again)(), 9);
}

TEST_P(McodeTest, MisuseIsAnInvariantFailure) {
  McodeSpace space(options());
  Window window;
  ASSERT_EQ(space.reserve(&window), Status::kOk);
  EXPECT_DEATH(space.reserve(&window), "reserved twice");
  EXPECT_DEATH(space.commit(window.exec_hi + 1), "outside its window");
  EXPECT_DEATH(space.begin_patch(0x1000, 4), "patch outside mcode");
  space.abort();
  EXPECT_DEATH(space.commit(window.exec_hi), "without a reservation");
}

INSTANTIATE_TEST_SUITE_P(BothStrategies, McodeTest,
                         ::testing::Values(Protection::kDoubleMap, Protection::kMprotect),
                         [](const ::testing::TestParamInfo<Protection>& info) {
                           return info.param == Protection::kDoubleMap ? std::string("DoubleMap")
                                                                       : std::string("Mprotect");
                         });

TEST(McodeProtectionCost, DoubleMapNeedsNoSyscallPerTrace) {
  Options opts;
  opts.protection = Protection::kDoubleMap;
  McodeSpace double_map(opts);
  opts.protection = Protection::kMprotect;
  McodeSpace flipping(opts);
  for (int i = 0; i < 10; ++i) {
    install(double_map, [](Encoder& e) { e.ret(); });
    install(flipping, [](Encoder& e) { e.ret(); });
  }
  EXPECT_EQ(double_map.protection_syscalls(), 0u);
  // The first reservation finds the fresh area writable already.
  EXPECT_EQ(flipping.protection_syscalls(), 19u);
}

}  // namespace
}  // namespace lj::mcode
