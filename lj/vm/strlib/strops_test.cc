// Unit tests of rep, sub/byte ranges and the case helpers (checked
// against luajit).
#include "lj/vm/strlib/strops.h"

#include "gtest/gtest.h"

namespace lj::strlib {
namespace {

std::string sub(std::string_view s, int64_t i, int64_t j = -1) {
  ByteRange r = sub_range(s.size(), i, j);
  return std::string(s.substr(r.begin, r.size()));
}

TEST(Strops, SubRanges) {
  EXPECT_EQ(sub("hello", 2, -2), "ell");
  EXPECT_EQ(sub("hello", -100, 100), "hello");
  EXPECT_EQ(sub("hello", 0), "hello");
  EXPECT_EQ(sub("hello", -1), "o");
  EXPECT_EQ(sub("hello", 4, 2), "");
  EXPECT_EQ(sub("hello", 6), "");
  EXPECT_EQ(sub("", 1), "");
  // string.byte uses the same rule: byte("hello", 0, 10) is all five.
  EXPECT_EQ(sub_range(5, 0, 10).size(), 5u);
  EXPECT_EQ(sub_range(5, -1, -1).begin, 4u);
}

TEST(Strops, Rep) {
  EXPECT_EQ(rep("ab", 3, ",").text, "ab,ab,ab");
  EXPECT_EQ(rep("ab", 0, ",").text, "");
  EXPECT_EQ(rep("ab", -1).text, "");
  EXPECT_EQ(rep("ab", 1, ",").text, "ab");
  EXPECT_EQ(rep("", 5, "").text, "");
  EXPECT_EQ(rep("", 3, "-").text, "--");
  EXPECT_EQ(rep("xx", int64_t{1} << 30).error, Error::kNotEnoughMemory);
  EXPECT_EQ(rep("x", 2147483647, "y").error, Error::kNotEnoughMemory);
}

TEST(Strops, CharCaseAndReverse) {
  EXPECT_TRUE(char_code_valid(0));
  EXPECT_TRUE(char_code_valid(255));
  EXPECT_FALSE(char_code_valid(256));
  EXPECT_FALSE(char_code_valid(-1));
  EXPECT_EQ(to_upper("abc XYZ 1\xe9"), "ABC XYZ 1\xe9");
  EXPECT_EQ(to_lower("ABC xyz 1\xc9"), "abc xyz 1\xc9");
  EXPECT_EQ(reverse(std::string("ab\0c", 4)), std::string("c\0ba", 4));
}

}  // namespace
}  // namespace lj::strlib
