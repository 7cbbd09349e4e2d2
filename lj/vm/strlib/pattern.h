// Lua 5.1 patterns as LuaJIT 2.1 runs them: a backtracking matcher over a
// string_view with the reference's lazy error reporting (an error is raised
// only when matching reaches the broken part of the pattern), its 200-call
// nesting limit ("pattern too complex"), and C-string reading of the pattern
// (matching stops at an embedded '\0'; reading past either end yields '\0').
//
// The API is shaped for string.find / match / gmatch / gsub: each returns a
// Match with the span and the captures; turning captures into Lua values,
// and function or table replacements, are the caller's business.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "lj/vm/strlib/errors.h"

namespace lj::strlib {

inline constexpr int kMaxCaptures = 32;     // LUA_MAXCAPTURES
inline constexpr int kMaxMatchDepth = 200;  // LJ_MAX_XLEVEL

// One capture as the matcher recorded it.
struct Capture {
  static constexpr ptrdiff_t kUnfinished = -1;
  static constexpr ptrdiff_t kPosition = -2;
  size_t begin = 0;  // offset into the subject
  ptrdiff_t len = 0;  // byte length, or kUnfinished / kPosition
};

// A successful match: subject[begin, end) plus the captures opened by it.
struct Match {
  size_t begin = 0;
  size_t end = 0;
  int level = 0;  // number of captures started
  std::array<Capture, kMaxCaptures> captures{};
};

// A capture turned into what Lua pushes: a substring or a 1-based position.
struct CaptureValue {
  bool is_position = false;
  std::string_view text;
  int64_t position = 0;
};

// Outcome of one search: an error, or found / not found.
struct SearchResult {
  Error error = Error::kNone;
  bool found = false;
  Match match;
};

// True if the pattern has a character that makes string.find match rather
// than search plainly (LuaJIT's "^$*+?.([%-" set, whole length).
bool has_pattern_specials(std::string_view pattern);

// string.find / string.match: searches from the 1-based `init` (negative
// counts from the end; past the end searches at the end, as Lua 5.1 does);
// a leading '^' anchors. `init` is the caller's int32 conversion of the Lua
// argument (to_int32_like_x86 for LuaJIT's lj_lib_optint).
// With `plain` (or for find with no specials) it searches for the bytes.
SearchResult find(std::string_view subject, std::string_view pattern, int64_t init,
                  bool plain);
SearchResult match(std::string_view subject, std::string_view pattern, int64_t init);

// Tries the pattern at exactly subject offset `at` (no '^' handling).
SearchResult match_at(std::string_view subject, std::string_view pattern, size_t at);

// Number of values a match yields: its captures, or the whole match when
// the pattern has none and `whole_if_none` (match/gmatch/gsub; not find).
int capture_count(const Match& m, bool whole_if_none);

// The i-th (0-based) capture value as push_onecapture makes it; i == 0 with
// no captures is the whole match. Errors: invalid index, unfinished capture.
Error capture_value(std::string_view subject, const Match& m, int i, CaptureValue& out);

// One step of string.gmatch from subject offset `position` (no '^'
// anchoring): the next match, with `position` moved past it (by one more
// after an empty match), or not found with `position` past the end.
SearchResult gmatch_step(std::string_view subject, std::string_view pattern, size_t& position);

// string.gmatch's iterator state: the next offset to try.
class GmatchIterator {
 public:
  GmatchIterator(std::string_view subject, std::string_view pattern)
      : subject_(subject), pattern_(pattern) {}
  // Finds the next match; result.found is false when exhausted.
  SearchResult next();

 private:
  std::string_view subject_;
  std::string_view pattern_;
  size_t position_ = 0;
};

// Appends gsub's expansion of a replacement string for one match: %0 the
// whole match, %1-%9 captures, '%' before any other byte gives that byte
// (a '%' at the very end gives '\0', as the reference reads the NUL).
Error expand_replacement(std::string_view subject, const Match& m,
                         std::string_view replacement, std::string& out);

// The result of gsub: the new string and the number of matches replaced.
struct GsubResult {
  Error error = Error::kNone;
  std::string text;
  int64_t count = 0;
};

// Replaces each match: `replace` appends the replacement text for a match to
// `out` (returning an error stops gsub). At most max_n matches are replaced.
using Replacer = std::function<Error(const Match& m, std::string& out)>;
GsubResult gsub(std::string_view subject, std::string_view pattern, int64_t max_n,
                const Replacer& replace);

// gsub with a string replacement (the common case).
GsubResult gsub(std::string_view subject, std::string_view pattern,
                std::string_view replacement, int64_t max_n);

}  // namespace lj::strlib
