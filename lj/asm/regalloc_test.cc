#include "lj/asm/regalloc.h"

#include <gtest/gtest.h>

namespace lj::regalloc {
namespace {

constexpr ir::Ref kNk = ir::kRefBias - 8;
constexpr ir::Ref kNins = ir::kRefBias + 16;

TEST(RegState, AssignAndReleaseTrackHolderAndHome) {
  RegState ra(kNk, kNins, RegSet{0x0f}, 4);
  ra.assign(2, ir::kRefFirst);
  EXPECT_EQ(ra.holder(2), ir::kRefFirst);
  EXPECT_EQ(ra.home(ir::kRefFirst).reg, 2);
  EXPECT_FALSE(ra.free().has(2));
  ra.release(2, true);
  EXPECT_TRUE(ra.free().has(2));
  EXPECT_EQ(ra.home(ir::kRefFirst).reg, 2);  // kept for exits
}

TEST(RegState, VictimIsConstantFirstThenEarliestDefinition) {
  RegState ra(kNk, kNins, RegSet{0x0f}, 4);
  ra.assign(0, ir::kRefFirst + 5);
  ra.assign(1, ir::kRefFirst + 2);
  ra.assign(2, ir::kRefFirst + 9);
  EXPECT_EQ(*ra.pick_victim(RegSet{0x0f}), 1);
  ra.assign(3, kNk + 1);  // a constant
  EXPECT_EQ(*ra.pick_victim(RegSet{0x0f}), 3);
  ra.pin(3);
  EXPECT_EQ(*ra.pick_victim(RegSet{0x0f}), 1);
  EXPECT_FALSE(ra.pick_free(RegSet{0x0f}).has_value());
}

TEST(RegState, SpillSlotsAreStableAndLimited) {
  RegState ra(kNk, kNins, RegSet{0x0f}, 2);
  EXPECT_EQ(ra.spill(ir::kRefFirst), 0);
  EXPECT_EQ(ra.spill(ir::kRefFirst), 0);
  EXPECT_EQ(ra.spill(ir::kRefFirst + 1), 1);
  try {
    ra.spill(ir::kRefFirst + 2);
    FAIL() << "expected too many spill slots";
  } catch (const AsmAbort& abort) {
    EXPECT_STREQ(abort.what(), "too many spill slots");
  }
}

TEST(AsmAbort, NyiNamesTheInstruction) {
  EXPECT_STREQ(AsmAbort(AsmError::kNyiInstruction, 12).what(),
               "NYI: cannot assemble IR instruction 12");
}

}  // namespace
}  // namespace lj::regalloc
