// String interning: same bytes <=> same object, across GC; string buffer.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "lj/vm/object/state.h"
#include "lj/vm/object/strbuf.h"

namespace lj::vm {
namespace {

TEST(String, InterningGivesOneObjectPerContent) {
  GlobalState g;
  String* a = g.intern("hello");
  EXPECT_EQ(a, g.intern(std::string("hel") + "lo"));
  EXPECT_NE(a, g.intern("hellO"));
  EXPECT_EQ(a->len, 5u);
  EXPECT_EQ(a->view(), "hello");
  EXPECT_EQ(a->data()[5], '\0');
  std::string zeros("a\0b\0", 4);
  String* z = g.intern(zeros);
  EXPECT_EQ(z->view(), zeros);
  EXPECT_NE(z, g.intern("a"));
  EXPECT_EQ(g.intern(""), g.intern(std::string_view()));
}

// The hash reads short tails with overlapping loads and the lookup compares
// short strings by words: every byte of every length must still count.
TEST(String, EveryByteOfShortStringsCounts) {
  GlobalState g;
  for (size_t len = 1; len <= 40; len++) {
    std::string text;
    for (size_t i = 0; i < len; i++) text.push_back(static_cast<char>('a' + i % 26));
    String* s = g.intern(text);
    EXPECT_EQ(s, g.intern(std::string(text)));
    for (size_t at = 0; at < len; at++) {
      std::string changed = text;
      changed[at] = static_cast<char>(changed[at] ^ 0x20);
      String* other = g.intern(changed);
      EXPECT_NE(other, s) << "length " << len << ", byte " << at;
      EXPECT_EQ(other->view(), changed);
    }
  }
}

TEST(String, SurvivesGcOnlyWhileReachable) {
  GlobalState g;
  String* kept = g.intern("kept string");
  Pinned pin(g, TValue::string(kept));
  uint32_t dropped_sid = g.intern("dropped string")->sid;
  g.full_gc();
  EXPECT_EQ(g.intern("kept string"), kept);
  EXPECT_TRUE(g.check_heap().empty());
  // The dropped one was freed: re-interning makes a new string (new id).
  EXPECT_NE(g.intern("dropped string")->sid, dropped_sid);
}

TEST(String, BufferBuildsAndInterns) {
  GlobalState g;
  StringBuffer buf(g);
  for (int i = 0; i < 100; i++) buf.append('x');
  buf.append(" ");
  buf.append_number(1.5);
  buf.append(" ");
  buf.append_number(std::numeric_limits<double>::quiet_NaN());
  buf.append(" ");
  buf.append_number(1e15);
  EXPECT_EQ(buf.view(), std::string(100, 'x') + " 1.5 nan 1e+15");
  EXPECT_EQ(buf.intern(), g.intern(std::string(100, 'x') + " 1.5 nan 1e+15"));
}

TEST(String, BufferOutOfMemoryKeepsContents) {
  GlobalState g;
  StringBuffer buf(g);
  buf.append("abc");
  g.set_memory_limit(g.gc_stats().total + 16);
  EXPECT_THROW(buf.append(std::string(1000, 'y')), LuaError);
  EXPECT_EQ(buf.view(), "abc");
}

// Same bytes <=> same pointer, for random byte strings (zeros included),
// long strings, and across collections that free some of them.
RC_GTEST_PROP(StringProperty, InterningIdentity, (std::vector<std::string> words, bool collect)) {
  GlobalState g;
  std::vector<std::string> contents;
  std::vector<String*> strings;
  for (size_t i = 0; i < words.size(); i++) {
    std::string w = words[i];
    if (i % 7 == 3) w = std::string(300 + i, static_cast<char>(i)) + w;  // long strings
    contents.push_back(w);
    strings.push_back(g.intern(w));
  }
  std::vector<std::unique_ptr<Pinned>> pins;
  for (size_t i = 0; i < strings.size(); i += 2) pins.push_back(std::make_unique<Pinned>(g, TValue::string(strings[i])));
  if (collect) g.full_gc();
  for (size_t i = 0; i < strings.size(); i += 2) {
    String* again = g.intern(contents[i]);
    RC_ASSERT(again == strings[i]);
    RC_ASSERT(again->view() == contents[i]);
  }
  for (size_t i = 0; i < contents.size(); i++) {
    for (size_t j = 0; j < contents.size(); j++) {
      bool same = g.intern(contents[i]) == g.intern(contents[j]);
      RC_ASSERT(same == (contents[i] == contents[j]));
    }
  }
  RC_ASSERT(g.check_heap().empty());
}

// Interning while the collector runs incrementally (the string table grows
// and shrinks mid-sweep, condemned strings are revived): identity holds and
// the heap stays consistent.
RC_GTEST_PROP(StringProperty, InterningDuringIncrementalCollection, ()) {
  GlobalState g;
  g.set_stepmul(*rc::gen::inRange(1, 100));
  std::map<std::string, std::pair<String*, std::unique_ptr<Pinned>>> pinned;
  const int count = *rc::gen::inRange(0, 150);
  for (int i = 0; i < count; i++) {
    int op = *rc::gen::inRange(0, 10);
    std::string text = "s" + std::to_string(*rc::gen::inRange(0, 2000));
    if (op < 5) {  // intern, sometimes keeping it
      String* s = g.intern(text);
      RC_ASSERT(s->view() == text);
      if (pinned.count(text)) RC_ASSERT(pinned[text].first == s);
      if (op < 2 && !pinned.count(text)) pinned[text] = {s, std::make_unique<Pinned>(g, TValue::string(s))};
    } else if (op < 6 && !pinned.empty()) {  // drop a pin
      pinned.erase(pinned.begin());
    } else if (op < 8) {  // a burst of garbage strings: forces table growth
      for (int j = 0; j < 80; j++) g.intern(text + "/" + std::to_string(j));
    } else {
      g.gc_step();
      std::vector<std::string> problems = g.check_heap();
      if (!problems.empty()) RC_FAIL(problems.front());
    }
  }
  g.full_gc();
  RC_ASSERT(g.check_heap().empty());
  for (auto& [text, entry] : pinned) {
    RC_ASSERT(g.intern(text) == entry.first);
    RC_ASSERT(entry.first->view() == text);
  }
}

}  // namespace
}  // namespace lj::vm
