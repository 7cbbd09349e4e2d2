// Checks that every Debian-packaged dependency is reachable through its
// //third_party label: headers compile, libraries link, a first call works.
#include <Zydis/Zydis.h>
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"

TEST(ThirdParty, AbseilContainersAndFormatting) {
  absl::flat_hash_map<int, int> map;
  map[1] = 2;
  EXPECT_EQ(absl::StrFormat("%d", map[1]), "2");
  absl::StatusOr<int> failed = absl::InvalidArgumentError("x");
  EXPECT_FALSE(failed.ok());
}

TEST(ThirdParty, RapidcheckRunsAProperty) {
  EXPECT_TRUE(rc::check([](int x) { RC_ASSERT(x + 0 == x); }));
}

TEST(ThirdParty, ZydisDecodesARet) {
  ZydisDecoder decoder;
  ASSERT_TRUE(ZYAN_SUCCESS(ZydisDecoderInit(&decoder, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64)));
  const uint8_t ret = 0xC3;
  ZydisDecodedInstruction insn;
  ASSERT_TRUE(ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(&decoder, nullptr, &ret, 1, &insn)));
  EXPECT_EQ(insn.mnemonic, ZYDIS_MNEMONIC_RET);
}
