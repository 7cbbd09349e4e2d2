// Unit tests of the pattern matcher; every expectation was checked against
// Debian's luajit 2.1.0-beta3.
#include "lj/vm/strlib/pattern.h"

#include <string>

#include "gtest/gtest.h"

namespace lj::strlib {
namespace {

// find's result as "begin end" (1-based), "nil", or the error message.
std::string find_str(std::string_view s, std::string_view p, int64_t init = 1, bool plain = false) {
  SearchResult r = find(s, p, init, plain);
  if (r.error != Error::kNone) return std::string(error_text(r.error));
  if (!r.found) return "nil";
  return std::to_string(r.match.begin + 1) + " " + std::to_string(r.match.end);
}

// match's values joined by '|' (positions as numbers), or nil / the error.
std::string match_str(std::string_view s, std::string_view p, int64_t init = 1) {
  SearchResult r = match(s, p, init);
  if (r.error != Error::kNone) return std::string(error_text(r.error));
  if (!r.found) return "nil";
  std::string out;
  for (int i = 0; i < capture_count(r.match, true); i++) {
    CaptureValue v;
    EXPECT_EQ(capture_value(s, r.match, i, v), Error::kNone);
    if (i) out += "|";
    out += v.is_position ? std::to_string(v.position) : std::string(v.text);
  }
  return out;
}

std::string gsub_str(std::string_view s, std::string_view p, std::string_view repl,
                     int64_t max_n = 1 << 30) {
  GsubResult r = gsub(s, p, repl, max_n);
  if (r.error != Error::kNone) return std::string(error_text(r.error));
  return r.text + "#" + std::to_string(r.count);
}

TEST(Pattern, MalformedPatternsReportLuajitsMessages) {
  EXPECT_EQ(find_str("abc", "%"), "malformed pattern (ends with '%')");
  EXPECT_EQ(find_str("abc", "[a"), "malformed pattern (missing ']')");
  EXPECT_EQ(find_str("abc", "[^"), "malformed pattern (missing ']')");
  EXPECT_EQ(find_str("abc", "%f"), "missing '[' after '%f' in pattern");
  EXPECT_EQ(find_str("abc", "%fa"), "missing '[' after '%f' in pattern");
  EXPECT_EQ(find_str("abc", "%1"), "invalid capture index");
  EXPECT_EQ(find_str("abc", "(a)%2"), "invalid capture index");
  EXPECT_EQ(find_str("abc", "(a%1)"), "invalid capture index");
  EXPECT_EQ(find_str("abc", "(()"), "unfinished capture");
  EXPECT_EQ(find_str("abc", "%b"), "unbalanced pattern");
  EXPECT_EQ(match_str("abc", "a)"), "invalid pattern capture");
  EXPECT_EQ(match_str("a", "("), "unfinished capture");
}

TEST(Pattern, ErrorsAreLazyAsInTheReference) {
  // Matching never reaches the bad tail, so there is no error.
  EXPECT_EQ(find_str("abc", "x%"), "nil");
  EXPECT_EQ(find_str("abc", "x["), "nil");
  // ")" has no special character, so find searches for it plainly.
  EXPECT_EQ(find_str("abc", ")"), "nil");
}

TEST(Pattern, CapturesAndPositions) {
  EXPECT_EQ(match_str("  x", "^%s*(.-)%s*$"), "x");
  EXPECT_EQ(match_str("THE (quick) fox", "%((%a+)%)"), "quick");
  EXPECT_EQ(match_str("abc", "((a)(b))"), "ab|a|b");
  EXPECT_EQ(match_str("hello", "()ll()"), "3|5");
  EXPECT_EQ(match_str("abc", "()", 4), "4");
  EXPECT_EQ(match_str("abc", "()", 5), "4");
  EXPECT_EQ(match_str("xyxy", "(xy)%1"), "xy");
  std::string many;
  for (int i = 0; i < 32; i++) many += "()";
  EXPECT_EQ(find_str("abc", many), "1 0");
  EXPECT_EQ(find_str("abc", many + "()"), "too many captures");
}

TEST(Pattern, ClassesSetsAndSpecialItems) {
  EXPECT_EQ(find_str("abc", "[%a-z]"), "1 1");
  EXPECT_EQ(find_str("a-z", "[a%-z]+"), "1 3");
  EXPECT_EQ(find_str("]", "[]]"), "1 1");
  EXPECT_EQ(find_str("^", "[^^]"), "nil");
  EXPECT_EQ(find_str("abc", "[a-]"), "1 1");
  EXPECT_EQ(find_str("abc", "%g"), "nil");  // not a class in 5.1: a literal 'g'
  EXPECT_EQ(match_str("THE (quick) fox", "%f[%a]%a+%f[%A]"), "THE");
  EXPECT_EQ(match_str(std::string("x\0y", 3), "%z"), std::string("\0", 1));
  EXPECT_EQ(match_str("f(a(b)c)d", "%b()"), "(a(b)c)");
  EXPECT_EQ(match_str("aaa", "a-$"), "aaa");
  EXPECT_EQ(find_str("a^", "a^"), "1 2");
  EXPECT_EQ(match_str("\xe9t\xe9", "%a+"), "t");  // bytes >= 128 are in no class
}

TEST(Pattern, InitAndPlainFind) {
  EXPECT_EQ(find_str("abc", "b", -1), "nil");
  EXPECT_EQ(find_str("abc", "b", -10), "2 2");
  EXPECT_EQ(find_str("abc", "", 10), "4 3");
  EXPECT_EQ(find_str("", "", 2), "1 0");
  EXPECT_EQ(find_str("a.c", ".", 1, true), "2 2");
  EXPECT_EQ(find_str("a+b", "+", 1, true), "2 2");
}

TEST(Pattern, EmbeddedZerosEndThePatternButNotAPlainSearch) {
  using namespace std::string_literals;
  EXPECT_EQ(find_str("a\0.b"s, "\0."s), "1 0");  // the pattern reads as ""
  EXPECT_EQ(find_str("a.b\0c"s, "b\0"s), "3 4");  // no specials: plain search
  EXPECT_EQ(find_str("ab\0c"s, "b%z"s), "2 3");
  EXPECT_EQ(match_str("ab\0c"s, "b\0c"s), "b");
}

TEST(Pattern, DepthLimitIsTheReferences) {
  auto probe = [](int n) {
    std::string s(static_cast<size_t>(n), 'a'), p;
    for (int i = 0; i < n; i++) p += "a?";
    return find_str(s, p);
  };
  EXPECT_EQ(probe(199), "1 199");
  EXPECT_EQ(probe(200), "pattern too complex");
  EXPECT_EQ(probe(100000), "pattern too complex");
}

TEST(Pattern, HostilePatternsEndInAStatus) {
  std::string open_parens(100000, '(');
  EXPECT_EQ(find_str("abc", open_parens), "too many captures");
  std::string lazy;
  for (int i = 0; i < 1000; i++) lazy += ".-";
  EXPECT_EQ(find_str("abc", lazy + "x"), "pattern too complex");
  std::string brackets(100000, '[');
  EXPECT_EQ(find_str("abc", brackets), "malformed pattern (missing ']')");
  std::string nested(200000, '(');
  nested += std::string(200000, ')');
  EXPECT_EQ(match_str(nested, "%b()").size(), nested.size());  // %b is a loop
}

TEST(Pattern, LongSubjectsCostNoStack) {
  std::string s(1000000, 'a');
  EXPECT_EQ(find_str(s.substr(0, 5000), "a*b"), "nil");  // 5000 starts, each a loop
  EXPECT_EQ(find_str(s + "b", "^a*b"), "1 1000001");
  EXPECT_EQ(match_str(s, "^(a-)$").size(), s.size());
}

TEST(Pattern, Gmatch) {
  GmatchIterator it("one two  three", "%a+");
  std::string words;
  for (SearchResult r = it.next(); r.found; r = it.next())
    words += std::string("one two  three").substr(r.match.begin, r.match.end - r.match.begin) + ",";
  EXPECT_EQ(words, "one,two,three,");
  // Empty matches advance by one; '^' is an ordinary character here.
  GmatchIterator empty("ab", "x*");
  int count = 0;
  while (empty.next().found) count++;
  EXPECT_EQ(count, 3);
  GmatchIterator caret("a^b", "^");
  SearchResult r = caret.next();
  EXPECT_TRUE(r.found);
  EXPECT_EQ(r.match.begin, 1u);
  GmatchIterator bad("a", "%");
  EXPECT_EQ(bad.next().error, Error::kPatternEndsWithEscape);
}

TEST(Pattern, GsubReplacementStrings) {
  EXPECT_EQ(gsub_str("abc", "%w", "%2"), "invalid capture index");
  EXPECT_EQ(gsub_str("abc", "%w", "%"), std::string("\0\0\0#3", 5));
  EXPECT_EQ(gsub_str("abc", "%w", "%x"), "xxx#3");
  EXPECT_EQ(gsub_str("abc", "(%w)", "%1%0%%"), "aa%bb%cc%#3");
  EXPECT_EQ(gsub_str("abc", "", "-"), "-a-b-c-#4");
  EXPECT_EQ(gsub_str("abc", "%w", "-", 2), "--c#2");
  EXPECT_EQ(gsub_str("abc", "%w", "-", -1), "abc#0");
  EXPECT_EQ(gsub_str("hello world", "()o()", "%1%2"), "hell56 w89rld#2");
  EXPECT_EQ(gsub_str("abc", "^a", "X"), "Xbc#1");
  EXPECT_EQ(gsub_str("abc", "^", "X"), "Xabc#1");
  EXPECT_EQ(gsub_str("abc", "(a", "x"), "xbc#1");  // unfinished but never used
  EXPECT_EQ(gsub_str("abc", "b", std::string("X\0Y", 3)), std::string("aX\0Yc#1", 7));
}

TEST(Pattern, GsubWithACallerReplacer) {
  std::string_view subject = "k1=v1, k2=v2";
  GsubResult r = gsub(subject, "(%w+)=(%w+)", 10, [&](const Match& m, std::string& out) {
    CaptureValue key, value;
    EXPECT_EQ(capture_value(subject, m, 0, key), Error::kNone);
    EXPECT_EQ(capture_value(subject, m, 1, value), Error::kNone);
    out.append(value.text).append(":").append(key.text);
    return Error::kNone;
  });
  EXPECT_EQ(r.text, "v1:k1, v2:k2");
  EXPECT_EQ(r.count, 2);
}

// The scans skip offsets the pattern's first item rejects (memchr for a
// literal, a per-byte cache otherwise); results and lazy errors must be
// the reference's. Expectations from luajit 2.1.0-beta3.
TEST(Pattern, FirstItemFilterKeepsResultsAndLazyErrors) {
  EXPECT_EQ(find_str("xxxxaxx", "a"), "5 5");
  EXPECT_EQ(find_str("xxxxaxx", "a", 6), "nil");
  EXPECT_EQ(find_str("abc", "x["), "nil");  // x never matches: no error
  EXPECT_EQ(find_str("abx", "x["), "malformed pattern (missing ']')");
  EXPECT_EQ(find_str("aa bb  c", "%s+b"), "3 4");
  EXPECT_EQ(find_str("hello", "[lo]+$"), "3 5");
  EXPECT_EQ(find_str("abc", "^b"), "nil");
  EXPECT_EQ(find_str("", "a"), "nil");
  EXPECT_EQ(find_str("a.b", "%."), "2 2");
  EXPECT_EQ(find_str("xyz", "[^xy]"), "3 3");
  EXPECT_EQ(gsub_str("banana", "a", "o"), "bonono#3");
  EXPECT_EQ(gsub_str("banana", "a", "", 2), "bnna#2");
  EXPECT_EQ(gsub_str("banana", "n+", "N"), "baNaNa#2");
  EXPECT_EQ(gsub_str("a1b22c333", "%d+", "#"), "a#b#c##3");
  EXPECT_EQ(gsub_str("abc", "x%", "y"), "abc#0");
  EXPECT_EQ(gsub_str("xbc", "x%", "y"), "malformed pattern (ends with '%')");
  EXPECT_EQ(gsub_str("aaa", "^a", "b"), "baa#1");
  EXPECT_EQ(gsub_str("hello world", "[ow]", "0"), "hell0 00rld#3");
  EXPECT_EQ(gsub_str("a]c", "]", "!"), "a!c#1");
  GmatchIterator it("aXbXc", "X");
  int count = 0;
  for (SearchResult r = it.next(); r.found; r = it.next()) {
    EXPECT_EQ(r.match.begin, count == 0 ? 1u : 3u);
    count++;
  }
  EXPECT_EQ(count, 2);
  GmatchIterator never("abc", "x(");
  SearchResult r = never.next();
  EXPECT_FALSE(r.found);
  EXPECT_EQ(r.error, Error::kNone);
}

// Single-item patterns ("%a", "x+") match without an attempt, and the
// backtracking loops skip tries whose first item must fail (must_fail);
// neither may change a result, nor hide an error or a limit the skipped
// try would have met. Expectations from luajit 2.1.0-beta3.
TEST(Pattern, ShortcutsKeepResultsErrorsAndLimits) {
  EXPECT_EQ(gsub_str("hello world", "%a+", "<%0>"), "<hello> <world>#2");
  EXPECT_EQ(gsub_str("a1b22", "%d", "#"), "a#b###3");
  EXPECT_EQ(gsub_str("aaa", "a+", "x", 1), "x#1");
  EXPECT_EQ(gsub_str("x.y", ".", "-"), "---#3");
  EXPECT_EQ(gsub_str("abc", "^%a", "-"), "-bc#1");
  EXPECT_EQ(match_str("00001|A |x", "(%d+)|[A-Z]|"), "nil");
  EXPECT_EQ(match_str("x00001|A|x", "(%d+)|[A-Z]|"), "00001");
  EXPECT_EQ(match_str("x 123 y", "%s*(%d+)%s*"), "123");
  EXPECT_EQ(match_str("aab", "(a-)%)"), "nil");
  EXPECT_EQ(match_str("aab", "a*)"), "invalid pattern capture");
  EXPECT_EQ(match_str("aab", "(()a*)b"), "aa|1");
  EXPECT_EQ(match_str("aac", "a+[b"), "malformed pattern (missing ']')");
  auto stars = [](int n) {
    std::string p;
    for (int i = 0; i < n; i++) p += "a*";
    return p;
  };
  EXPECT_EQ(match_str("a", stars(199) + "b"), "nil");
  EXPECT_EQ(match_str("a", stars(200) + "b"), "pattern too complex");
  EXPECT_EQ(match_str("a", "(" + stars(197) + ")b"), "nil");
  EXPECT_EQ(match_str("a", "(" + stars(198) + ")b"), "pattern too complex");
  EXPECT_EQ(match_str("a", stars(195) + ")b"), "invalid pattern capture");
  auto nest = [](int n) { return "a*" + std::string(static_cast<size_t>(n), '(') + "b" + std::string(static_cast<size_t>(n), ')'); };
  EXPECT_EQ(match_str("aab", nest(31)).substr(0, 4), "b|b|");
  EXPECT_EQ(match_str("aac", nest(31)), "nil");
  EXPECT_EQ(match_str("aab", nest(33)), "too many captures");
  EXPECT_EQ(match_str("aac", nest(33)), "too many captures");
  // A failed attempt rules out the rest of its first item's run
  // (last_failing_start), unless a back reference makes the rest depend on
  // where the run began.
  EXPECT_EQ(find_str("000001|A |x 0042|B|", "(%d+)|[A-Z]|"), "13 19");
  EXPECT_EQ(match_str("000001|A |x 0042|B|", "(%d+)|[A-Z]|"), "0042");
  EXPECT_EQ(find_str("aaab aac", "a+c"), "6 8");
  EXPECT_EQ(find_str("aaab aac", "a*c"), "6 8");
  EXPECT_EQ(find_str("aaab aac", "a-c"), "6 8");
  EXPECT_EQ(find_str("xaaa", "a-$"), "2 4");
  EXPECT_EQ(find_str("aaaa", "(a+)%1$"), "1 4");
  EXPECT_EQ(gsub_str("aaab aac", "a+c", "<%0>"), "aaab <aac>#1");
  EXPECT_EQ(gsub_str("aab", "a*$", "-"), "aab-#1");
  EXPECT_EQ(gsub_str("aaab", "a+x", "-"), "aaab#0");
  EXPECT_EQ(gsub_str("a1b22c333d", "%d+[cd]", "<%0>"), "a1b<22c><333d>#2");
}

}  // namespace
}  // namespace lj::strlib
