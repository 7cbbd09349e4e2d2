// The pattern matcher: Lua 5.1's algorithm (recursive backtracking over the
// pattern text), restructured around offsets and an error flag so that a
// malformed pattern becomes a status instead of a longjmp.
#include "lj/vm/strlib/pattern.h"

#include <algorithm>
#include <cstdint>

#include "lj/base/check.h"
#include "lj/vm/strlib/chars.h"

namespace lj::strlib {
namespace {

constexpr size_t kFail = static_cast<size_t>(-1);
constexpr std::string_view kSpecials = "^$*+?.([%-";

// The pattern as the reference reads it: a C string, so it ends at a NUL.
std::string_view as_c_string(std::string_view pattern) {
  size_t nul = pattern.find('\0');
  return nul == std::string_view::npos ? pattern : pattern.substr(0, nul);
}

// The class letters of %a, %c, ... in one X-macro: the letter and the
// predicate of chars.h that defines its members.
#define LJ_PATTERN_CLASSES(X) \
  X('a', is_alpha(c))         \
  X('c', is_cntrl(c))         \
  X('d', is_digit(c))         \
  X('l', is_lower(c))         \
  X('p', is_punct(c))         \
  X('s', is_space(c))         \
  X('u', is_upper(c))         \
  X('w', is_alnum(c))         \
  X('x', is_xdigit(c))        \
  X('z', c == 0)

// Per byte, a bit per class it belongs to; per letter (either case), the bit
// of the class it names or 0. Tables, so the matcher's hot test is two loads.
struct ClassTables {
  uint16_t members[256] = {};
  uint16_t bit_of_letter[256] = {};
};
constexpr ClassTables make_class_tables() {
  ClassTables t;
  uint16_t bit = 1;
#define LJ_PATTERN_CLASS_BITS(letter, predicate)                                             \
  for (int k = 0; k < 256; k++) {                                                            \
    unsigned char c = static_cast<unsigned char>(k);                                         \
    if (predicate) t.members[k] |= bit;                                                      \
  }                                                                                          \
  t.bit_of_letter[letter] = t.bit_of_letter[to_upper(letter)] = bit;                         \
  bit = static_cast<uint16_t>(bit << 1);
  LJ_PATTERN_CLASSES(LJ_PATTERN_CLASS_BITS)
#undef LJ_PATTERN_CLASS_BITS
  return t;
}
constexpr ClassTables kClassTables = make_class_tables();

// Does byte c belong to the class named by letter cl (%a, %D, ...)? Any
// other letter stands for itself.
[[gnu::always_inline]] constexpr bool class_matches(unsigned char c, unsigned char cl) {
  uint16_t bit = kClassTables.bit_of_letter[cl];
  if (bit == 0) return cl == c;
  bool member = (kClassTables.members[c] & bit) != 0;
  return is_upper(cl) ? !member : member;
}

// Per escape letter, as 256 bits, the bytes '%' followed by it matches.
struct ClassSets {
  uint64_t members[256][4] = {};
};
constexpr ClassSets make_class_sets() {
  ClassSets t;
  for (int letter = 0; letter < 256; letter++) {
    for (int c = 0; c < 256; c++) {
      if (class_matches(static_cast<unsigned char>(c), static_cast<unsigned char>(letter)))
        t.members[letter][c >> 6] |= uint64_t{1} << (c & 63);
    }
  }
  return t;
}
constexpr ClassSets kClassSets = make_class_sets();

// Adds the bytes lo..hi (none when lo > hi) to a 256-bit set, a word at a time.
void add_range(uint64_t (&bits)[4], unsigned lo, unsigned hi) {
  for (unsigned word = 0; word < 4; word++) {
    unsigned first = std::max(lo, word * 64), last = std::min(hi, word * 64 + 63);
    if (first > last) continue;
    bits[word] |= (~uint64_t{0} >> (63 - (last - first))) << (first - word * 64);
  }
}

// One match attempt's state: captures, nesting depth and the first error.
class Matcher {
  // Items at pattern offsets below this have their class remembered.
  static constexpr size_t kRemembered = 64;
  // Per item, as 256 bits, the bytes its class matches.
  struct ByteSet {
    uint64_t member[4];
  };

 public:
  Matcher(std::string_view subject, std::string_view pattern)
      : subject_(subject), pattern_(as_c_string(pattern)) {}

  // Starts a fresh attempt at subject offset s with the pattern from p.
  size_t attempt(size_t s, size_t p) {
    level_ = 0;
    depth_ = 0;
    return match(s, p);
  }
  Error error() const { return error_; }
  void fill(Match& m, size_t begin, size_t end) const {
    m.begin = begin;
    m.end = end;
    m.level = level_;
    for (int i = 0; i < level_; i++) m.captures[i] = Capture{captures_[i].begin, captures_[i].len};
  }
  char pat(size_t i) const { return i < pattern_.size() ? pattern_[i] : '\0'; }

  // When the pattern from p starts with a single-character class that must
  // match once (no '*', '?' or '-' after it), an offset whose byte that
  // class rejects fails at once: the scan loops skip it without an attempt
  // (the attempt would fail there too, before reaching any later error).
  void plan_first_item(size_t p) {
    // Captures opened before it consume nothing: the first item is still the
    // first test (short of the 33rd capture, whose error the attempt reports).
    size_t start = p;
    for (int opened = 0; pat(p) == '('; opened++) {
      if (opened + 1 >= kMaxCaptures) return;
      p += pat(p + 1) == ')' ? 2 : 1;
    }
    switch (pat(p)) {
      case '(': case ')': case '\0': return;
      case '$': if (pat(p + 1) == '\0') return; break;
      case '%': if (pat(p + 1) == 'b' || pat(p + 1) == 'f' || is_digit(upat(p + 1))) return; break;
      default: break;
    }
    size_t ep = class_end(p);
    if (ep == kFail) {
      error_ = Error::kNone;  // the attempt reports it
      return;
    }
    char quantifier = pat(ep);
    if (quantifier == '+' || quantifier == '*' || quantifier == '-') {
      run_p_ = p;
      run_ep_ = ep;
    }
    if (quantifier == '*' || quantifier == '?' || quantifier == '-') return;
    first_p_ = p;
    first_ep_ = ep;
    first_literal_ = ep == p + 1 && kSpecials.find(pat(p)) == std::string_view::npos;
    if (p < kRemembered) {
      first_set_ = &set_for(p, ep);
    } else {
      first_set_ = &first_overflow_;
      start_set(first_overflow_, p, ep);
    }
    // The whole pattern is this item (optionally with '+'): an offset the
    // item accepts is a match, its end found by the same per-byte test.
    if (p == start && ep == pattern_.size()) whole_ = Whole::kOne;
    if (p == start && quantifier == '+' && ep + 1 == pattern_.size()) whole_ = Whole::kRun;
  }
  // After a failed attempt at s, the last start known to fail as well.
  // When the pattern begins (after captures) with an item repeated by '+',
  // '*' or '-', the attempt at s tried the rest of the pattern at every end
  // of that item's run from s; a start inside the run (or at its end) tries
  // a subset of those ends, and without back references the rest depends
  // on nothing but the end (capture contents only reach the results).
  size_t last_failing_start(size_t s) {
    if (run_ep_ == 0) return s;
    // Looked for on the first failure only (most scans end at a match).
    if (back_reference_ == Tristate::kUnknown)
      back_reference_ = has_back_reference() ? Tristate::kYes : Tristate::kNo;
    if (back_reference_ == Tristate::kYes) return s;
    while (s < subject_.size() && item_matches(sub(s), run_p_, run_ep_)) s++;
    return s;
  }
  bool has_back_reference() const {
    for (size_t i = 0; i + 1 < pattern_.size(); i++) {
      if (pattern_[i] != '%') continue;
      if (is_digit(upat(i + 1))) return true;
      i++;  // the escaped byte
    }
    return false;
  }

  // Matches at s (which rejects() let through) without an attempt when the
  // pattern is a single item; kUnknown otherwise.
  static constexpr size_t kUnknown = static_cast<size_t>(-2);
  size_t quick_match(size_t s) {
    if (whole_ == Whole::kNone || s >= subject_.size()) return kUnknown;
    size_t end = s + 1;
    if (whole_ == Whole::kRun) {
      while (end < subject_.size() && first_item_matches(sub(end))) end++;
    }
    level_ = 0;
    return end;
  }
  // attempt() unless quick_match knows the answer.
  size_t attempt_at(size_t s, size_t p) {
    size_t end = quick_match(s);
    return end != kUnknown ? end : attempt(s, p);
  }
  bool rejects(size_t s) {
    if (first_ep_ == 0) return false;
    if (s >= subject_.size()) return true;
    return !first_item_matches(sub(s));
  }
  // The first offset from s that rejects() lets through, or the subject's
  // size; a plain first byte is found by memchr.
  size_t skip_rejected(size_t s) {
    if (first_literal_) {
      size_t at = subject_.find(pat(first_p_), s);
      return at == std::string_view::npos ? subject_.size() : at;
    }
    while (s < subject_.size() && rejects(s)) s++;
    return s;
  }

 private:
  unsigned char sub(size_t i) const {
    return i < subject_.size() ? static_cast<unsigned char>(subject_[i]) : 0;
  }
  unsigned char upat(size_t i) const { return static_cast<unsigned char>(pat(i)); }
  bool first_item_matches(unsigned char c) { return set_matches(*first_set_, c); }
  // single_matches remembered per item as a byte set: matching meets the
  // same few bytes again and again, and a [set] is a walk. Items at offsets
  // from kRemembered on are not remembered.
  bool item_matches(unsigned char c, size_t p, size_t ep) {
    if (p >= kRemembered) return single_matches(c, p, ep);
    return set_matches(set_for(p, ep), c);
  }
  ByteSet& set_for(size_t p, size_t ep) {
    ByteSet& set = sets_[p];
    if (!(sets_valid_ & (uint64_t{1} << p))) {
      sets_valid_ |= uint64_t{1} << p;
      start_set(set, p, ep);
    }
    return set;
  }
  // The class pattern[p, ep) in full: '%x' is kClassSets' entry, '.' every
  // byte, a [set] its items' union (bracket_set), anything else itself.
  void start_set(ByteSet& set, size_t p, size_t ep) {
    set = ByteSet{};
    char c = pat(p);
    if (c == '[') {
      bracket_set(set, p, ep - 1);
    } else if (c == '.') {
      for (uint64_t& word : set.member) word = ~uint64_t{0};
    } else if (c == '%') {
      for (int i = 0; i < 4; i++) set.member[i] = kClassSets.members[upat(p + 1)][i];
    } else {
      set.member[upat(p) >> 6] = uint64_t{1} << (upat(p) & 63);
    }
  }
  void bracket_set(ByteSet& set, size_t p, size_t close) const;
  static bool set_matches(const ByteSet& set, unsigned char c) {
    return (set.member[c >> 6] >> (c & 63)) & 1;
  }
  // class_end, remembered per item (errors are not: each reports anew).
  size_t item_end(size_t p) {
    if (p < kRemembered && (ends_valid_ & (uint64_t{1} << p))) return ends_[p];
    size_t ep = class_end(p);
    if (p < kRemembered && ep != kFail) {
      ends_valid_ |= uint64_t{1} << p;
      ends_[p] = static_cast<uint16_t>(ep);
    }
    return ep;
  }
  // True when matching pattern[p..] at s must fail at its first single-
  // character item, with no error on the way: the backtracking loops skip
  // such a try instead of nesting into it (Lead, lead_at).
  bool must_fail(size_t s, size_t p);
  struct Lead;
  const Lead& lead_at(size_t p);
  size_t fail(Error e) {
    if (error_ == Error::kNone) error_ = e;
    return kFail;
  }

  size_t match(size_t s, size_t p);
  size_t match_body(size_t s, size_t p);
  size_t class_end(size_t p);
  bool bracket_matches(unsigned char c, size_t p, size_t close) const;
  bool single_matches(unsigned char c, size_t p, size_t ep) const;
  size_t match_balance(size_t s, size_t p);
  size_t max_expand(size_t s, size_t p, size_t ep);
  size_t min_expand(size_t s, size_t p, size_t ep);
  size_t start_capture(size_t s, size_t p, ptrdiff_t what);
  size_t end_capture(size_t s, size_t p);
  size_t match_back_reference(size_t s, unsigned char digit);

  std::string_view subject_;
  std::string_view pattern_;
  Error error_ = Error::kNone;
  int level_ = 0;
  int depth_ = 0;
  // Capture without its zeroing initializers: a Matcher per search would
  // clear 512 bytes, and only the slots below level_ are ever read.
  struct CaptureSlot {
    size_t begin;
    ptrdiff_t len;
  };
  std::array<CaptureSlot, kMaxCaptures> captures_;
  // plan_first_item's class pattern[first_p_, first_ep_); first_ep_ 0: none.
  size_t first_p_ = 0;
  size_t first_ep_ = 0;
  bool first_literal_ = false;  // a plain byte: skip_rejected uses memchr
  // The repeated first item of last_failing_start; run_ep_ 0: none.
  size_t run_p_ = 0;
  size_t run_ep_ = 0;
  enum class Tristate : uint8_t { kUnknown, kNo, kYes };
  Tristate back_reference_ = Tristate::kUnknown;
  // Whether the pattern is just that item, once (kOne) or with '+' (kRun).
  enum class Whole : uint8_t { kNone, kOne, kRun };
  Whole whole_ = Whole::kNone;
  // Per-item memory, for pattern offsets below kRemembered (each entry is
  // valid once its bit is set; so a Matcher starts without clearing them).
  uint64_t sets_valid_ = 0;
  uint64_t ends_valid_ = 0;
  uint64_t leads_valid_ = 0;
  std::array<ByteSet, kRemembered> sets_;
  std::array<uint16_t, kRemembered> ends_;
  // How pattern[p..] begins: `closes` ')' then `opens` '(' or '()', then
  // the single-character item pattern[item, item_end) that must match at
  // least once. usable is false for anything else (an anchor, %b, %f, a
  // back reference, the end, a quantifier that allows zero, a malformed
  // item, another order).
  struct Lead {
    bool usable;
    uint8_t closes;
    uint8_t opens;
    uint16_t item;
    uint16_t item_end;
  };
  std::array<Lead, kRemembered> leads_;
  // The first item's set (its offset's, or this one past kRemembered).
  ByteSet first_overflow_{};
  ByteSet* first_set_ = nullptr;
};

// Reads how pattern[p..] begins (see Lead); offsets stay below kRemembered.
const Matcher::Lead& Matcher::lead_at(size_t p) {
  Lead& lead = leads_[p];
  if (leads_valid_ & (uint64_t{1} << p)) return lead;
  leads_valid_ |= uint64_t{1} << p;
  lead = Lead{};
  size_t q = p;
  while (pat(q) == ')' && lead.closes < kMaxCaptures) q++, lead.closes++;
  while (pat(q) == '(' && lead.opens < kMaxCaptures) {
    q += pat(q + 1) == ')' ? 2 : 1;
    lead.opens++;
  }
  switch (pat(q)) {
    case '(': case ')': case '\0': return lead;
    case '$': if (pat(q + 1) == '\0') return lead; break;
    case '%': if (pat(q + 1) == 'b' || pat(q + 1) == 'f' || is_digit(upat(q + 1))) return lead; break;
    default: break;
  }
  // A malformed item must still be reached (and reported) by matching.
  Error before = error_;
  size_t ep = class_end(q);
  error_ = before;
  if (ep == kFail || ep >= kRemembered) return lead;
  char quantifier = pat(ep);
  if (quantifier == '*' || quantifier == '?' || quantifier == '-') return lead;
  lead.usable = true;
  lead.item = static_cast<uint16_t>(q);
  lead.item_end = static_cast<uint16_t>(ep);
  return lead;
}

bool Matcher::must_fail(size_t s, size_t p) {
  if (p >= kRemembered) return false;
  const Lead& lead = lead_at(p);
  if (!lead.usable) return false;
  // Reaching the item nests one match() per capture mark: no deeper than
  // the limit, no more captures than allowed, and every ')' has a capture
  // to close (otherwise the try would end in an error, which must show).
  if (depth_ + 1 + lead.closes + lead.opens > kMaxMatchDepth) return false;
  if (level_ + lead.opens > kMaxCaptures) return false;
  if (lead.closes > 0) {
    int open = 0;
    for (int i = 0; i < level_; i++) open += captures_[i].len == Capture::kUnfinished;
    if (open < lead.closes) return false;
  }
  if (s >= subject_.size()) return true;
  return !item_matches(sub(s), lead.item, lead.item_end);
}

// Where the single-character class starting at p ends (past a %x or [set]).
size_t Matcher::class_end(size_t p) {
  char c = pat(p++);
  if (c == '%') {
    if (pat(p) == '\0') return fail(Error::kPatternEndsWithEscape);
    return p + 1;
  }
  if (c == '[') {
    if (pat(p) == '^') p++;
    // The first ']' after '[' or '[^' is a member, hence do/while.
    do {
      if (pat(p) == '\0') return fail(Error::kPatternMissingBracket);
      if (pat(p++) == '%' && pat(p) != '\0') p++;
    } while (pat(p) != ']');
    return p + 1;
  }
  return p;
}

// Is c in the set [..] spanning p (the '[') to close (its ']')?
bool Matcher::bracket_matches(unsigned char c, size_t p, size_t close) const {
  bool in_set_result = true;
  if (pat(p + 1) == '^') {
    in_set_result = false;
    p++;
  }
  while (++p < close) {
    if (pat(p) == '%') {
      p++;
      if (class_matches(c, upat(p))) return in_set_result;
    } else if (pat(p + 1) == '-' && p + 2 < close) {
      p += 2;
      if (upat(p - 2) <= c && c <= upat(p)) return in_set_result;
    } else if (upat(p) == c) {
      return in_set_result;
    }
  }
  return !in_set_result;
}

// bracket_matches for every byte at once: the union of the items' bytes,
// complemented after '^' (the same walk over the same items).
void Matcher::bracket_set(ByteSet& set, size_t p, size_t close) const {
  bool complement = pat(p + 1) == '^';
  if (complement) p++;
  while (++p < close) {
    if (pat(p) == '%') {
      p++;
      for (int i = 0; i < 4; i++) set.member[i] |= kClassSets.members[upat(p)][i];
    } else if (pat(p + 1) == '-' && p + 2 < close) {
      p += 2;
      add_range(set.member, upat(p - 2), upat(p));
    } else {
      set.member[upat(p) >> 6] |= uint64_t{1} << (upat(p) & 63);
    }
  }
  if (complement) {
    for (uint64_t& word : set.member) word = ~word;
  }
}

// Does byte c match the single-character class pattern[p, ep)?
bool Matcher::single_matches(unsigned char c, size_t p, size_t ep) const {
  switch (pat(p)) {
    case '.': return true;
    case '%': return class_matches(c, upat(p + 1));
    case '[': return bracket_matches(c, p, ep - 1);
    default: return upat(p) == c;
  }
}

// %bxy: a balanced run from x to the matching y.
size_t Matcher::match_balance(size_t s, size_t p) {
  if (pat(p) == '\0' || pat(p + 1) == '\0') return fail(Error::kPatternUnbalanced);
  if (s >= subject_.size() || sub(s) != upat(p)) return kFail;
  unsigned char open = upat(p), close = upat(p + 1);
  int depth = 1;
  while (++s < subject_.size()) {
    if (sub(s) == close) {
      if (--depth == 0) return s + 1;
    } else if (sub(s) == open) {
      depth++;
    }
  }
  return kFail;
}

// x*: take as many as possible, then give back one at a time (a loop, so a
// long subject costs no stack).
size_t Matcher::max_expand(size_t s, size_t p, size_t ep) {
  size_t count = 0;
  while (s + count < subject_.size() && item_matches(sub(s + count), p, ep)) count++;
  for (;;) {
    if (!must_fail(s + count, ep + 1)) {
      size_t result = match(s + count, ep + 1);
      if (result != kFail || error_ != Error::kNone) return result;
    }
    if (count == 0) return kFail;
    count--;
  }
}

// x-: take as few as possible, one more each time the rest fails.
size_t Matcher::min_expand(size_t s, size_t p, size_t ep) {
  for (;;) {
    if (!must_fail(s, ep + 1)) {
      size_t result = match(s, ep + 1);
      if (result != kFail || error_ != Error::kNone) return result;
    }
    if (s < subject_.size() && item_matches(sub(s), p, ep)) {
      s++;
    } else {
      return kFail;
    }
  }
}

// '(' or '()': open a capture and match the rest; undo it on failure.
size_t Matcher::start_capture(size_t s, size_t p, ptrdiff_t what) {
  if (level_ >= kMaxCaptures) return fail(Error::kTooManyCaptures);
  captures_[level_] = CaptureSlot{s, what};
  level_++;
  size_t result = match(s, p);
  if (result == kFail) level_--;
  return result;
}

// ')': close the innermost open capture and match the rest.
size_t Matcher::end_capture(size_t s, size_t p) {
  int open = level_ - 1;
  while (open >= 0 && captures_[open].len != Capture::kUnfinished) open--;
  if (open < 0) return fail(Error::kInvalidPatternCapture);
  captures_[open].len = static_cast<ptrdiff_t>(s - captures_[open].begin);
  size_t result = match(s, p);
  if (result == kFail) captures_[open].len = Capture::kUnfinished;
  return result;
}

// %1-%9: the text of a closed capture again (a position capture never
// matches, as its length reads as huge in the reference).
size_t Matcher::match_back_reference(size_t s, unsigned char digit) {
  int index = digit - '1';
  if (index < 0 || index >= level_ || captures_[index].len == Capture::kUnfinished)
    return fail(Error::kInvalidCaptureIndex);
  const CaptureSlot& cap = captures_[index];
  if (cap.len == Capture::kPosition) return kFail;
  size_t len = static_cast<size_t>(cap.len);
  if (subject_.size() - s < len) return kFail;
  if (subject_.compare(s, len, subject_.substr(cap.begin, len)) != 0) return kFail;
  return s + len;
}

// Matches pattern[p..] at subject offset s; the end offset or kFail. Each
// nested call counts toward the reference's limit of 200; tail positions
// loop instead of nesting, as the reference's gotos do.
size_t Matcher::match(size_t s, size_t p) {
  if (++depth_ > kMaxMatchDepth) return fail(Error::kPatternTooComplex);
  s = match_body(s, p);
  depth_--;
  return s;
}

size_t Matcher::match_body(size_t s, size_t p) {
  for (;;) {
    // Captures, anchors and the %-items that are not single characters.
    switch (pat(p)) {
      case '(':
        if (pat(p + 1) == ')') return start_capture(s, p + 2, Capture::kPosition);
        return start_capture(s, p + 1, Capture::kUnfinished);
      case ')':
        return end_capture(s, p + 1);
      case '\0':
        return s;
      case '$':
        if (pat(p + 1) == '\0') return s == subject_.size() ? s : kFail;
        break;
      case '%':
        if (pat(p + 1) == 'b') {
          s = match_balance(s, p + 2);
          if (s == kFail) return kFail;
          p += 4;
          continue;
        }
        if (pat(p + 1) == 'f') {
          p += 2;
          if (pat(p) != '[') return fail(Error::kPatternFrontierBracket);
          size_t ep = class_end(p);
          if (ep == kFail) return kFail;
          unsigned char previous = s == 0 ? 0 : sub(s - 1);
          if (bracket_matches(previous, p, ep - 1) || !bracket_matches(sub(s), p, ep - 1))
            return kFail;
          p = ep;
          continue;
        }
        if (is_digit(upat(p + 1))) {
          s = match_back_reference(s, upat(p + 1));
          if (s == kFail) return kFail;
          p += 2;
          continue;
        }
        break;
      default:
        break;
    }
    // A single-character class with an optional quantifier.
    size_t ep = item_end(p);
    if (ep == kFail) return kFail;
    bool matched = s < subject_.size() && item_matches(sub(s), p, ep);
    switch (pat(ep)) {
      case '?':
        if (matched) {
          size_t result = match(s + 1, ep + 1);
          if (result != kFail || error_ != Error::kNone) return result;
        }
        p = ep + 1;
        continue;
      case '*':
        return max_expand(s, p, ep);
      case '+':
        return matched ? max_expand(s + 1, p, ep) : kFail;
      case '-':
        return min_expand(s, p, ep);
      default:
        if (!matched) return kFail;
        s++;
        p = ep;
        continue;
    }
  }
}

}  // namespace

bool has_pattern_specials(std::string_view pattern) {
  return pattern.find_first_of(kSpecials) != std::string_view::npos;
}

// Every capture of a found match must be pushable (push_captures' checks).
static Error check_captures(std::string_view subject, const Match& m, bool whole_if_none) {
  int n = capture_count(m, whole_if_none);
  CaptureValue value;
  for (int i = 0; i < n; i++) {
    Error e = capture_value(subject, m, i, value);
    if (e != Error::kNone) return e;
  }
  return Error::kNone;
}

// The plain byte search of string.find.
static SearchResult find_plain(std::string_view subject, std::string_view needle,
                               size_t start) {
  SearchResult result;
  size_t at = subject.find(needle, start);
  if (at != std::string_view::npos) {
    result.found = true;
    result.match.begin = at;
    result.match.end = at + needle.size();
  }
  return result;
}

// search's pattern scan from start. Every return is `result`, so it is
// built in the caller's slot (a SearchResult is 544 bytes).
static SearchResult scan(std::string_view subject, std::string_view pattern, size_t start,
                         bool is_find) {
  SearchResult result;
  Matcher matcher(subject, pattern);
  bool anchored = matcher.pat(0) == '^';
  size_t p = anchored ? 1 : 0;
  matcher.plan_first_item(p);
  for (size_t s = start;; s++) {
    // Past skip_rejected, an offset inside the subject passed the filter.
    if (!anchored) s = matcher.skip_rejected(s);
    bool tested = !anchored && s < subject.size();
    size_t end = !tested && matcher.rejects(s) ? kFail : matcher.attempt_at(s, p);
    if (matcher.error() != Error::kNone) {
      result.error = matcher.error();
      return result;
    }
    if (end != kFail) {
      matcher.fill(result.match, s, end);
      result.error = check_captures(subject, result.match, !is_find);
      result.found = result.error == Error::kNone;
      return result;
    }
    if (anchored || s >= subject.size()) return result;
    s = matcher.last_failing_start(s);
    if (s >= subject.size()) return result;
  }
}

// str_find_aux: init normalisation, then plain search or pattern scan.
static SearchResult search(std::string_view subject, std::string_view pattern,
                           int64_t init, bool is_find, bool plain) {
  int64_t len = static_cast<int64_t>(subject.size());
  int64_t start = init < 0 ? init + len : init - 1;
  if (start < 0) start = 0;
  if (start > len) start = len;  // Lua 5.1: past the end searches at the end
  if (is_find && (plain || !has_pattern_specials(pattern)))
    return find_plain(subject, pattern, static_cast<size_t>(start));
  return scan(subject, pattern, static_cast<size_t>(start), is_find);
}

SearchResult find(std::string_view subject, std::string_view pattern, int64_t init,
                  bool plain) {
  return search(subject, pattern, init, true, plain);
}

SearchResult match(std::string_view subject, std::string_view pattern, int64_t init) {
  return search(subject, pattern, init, false, false);
}

SearchResult match_at(std::string_view subject, std::string_view pattern, size_t at) {
  check(at <= subject.size(), "match_at offset inside the subject");
  SearchResult result;
  Matcher matcher(subject, pattern);
  size_t end = matcher.attempt(at, 0);
  result.error = matcher.error();
  if (result.error == Error::kNone && end != kFail) {
    result.found = true;
    matcher.fill(result.match, at, end);
  }
  return result;
}

int capture_count(const Match& m, bool whole_if_none) {
  return (m.level == 0 && whole_if_none) ? 1 : m.level;
}

Error capture_value(std::string_view subject, const Match& m, int i, CaptureValue& out) {
  if (i >= m.level) {
    if (i != 0) return Error::kInvalidCaptureIndex;
    out = CaptureValue{false, subject.substr(m.begin, m.end - m.begin), 0};
    return Error::kNone;
  }
  const Capture& cap = m.captures[i];
  if (cap.len == Capture::kUnfinished) return Error::kUnfinishedCapture;
  if (cap.len == Capture::kPosition) {
    out = CaptureValue{true, {}, static_cast<int64_t>(cap.begin) + 1};
  } else {
    out = CaptureValue{false, subject.substr(cap.begin, static_cast<size_t>(cap.len)), 0};
  }
  return Error::kNone;
}

// gmatch_aux: try each offset; an empty match moves on by one.
SearchResult gmatch_step(std::string_view subject, std::string_view pattern, size_t& position) {
  SearchResult result;
  Matcher matcher(subject, pattern);
  matcher.plan_first_item(0);
  for (; position <= subject.size(); position++) {
    position = matcher.skip_rejected(position);
    bool tested = position < subject.size();
    size_t end = !tested && matcher.rejects(position) ? kFail : matcher.attempt_at(position, 0);
    if (matcher.error() != Error::kNone) {
      result.error = matcher.error();
      return result;
    }
    if (end != kFail) {
      matcher.fill(result.match, position, end);
      position = end == position ? end + 1 : end;
      result.error = check_captures(subject, result.match, true);
      result.found = result.error == Error::kNone;
      return result;
    }
    position = matcher.last_failing_start(position);
  }
  return result;
}

SearchResult GmatchIterator::next() { return gmatch_step(subject_, pattern_, position_); }

Error expand_replacement(std::string_view subject, const Match& m,
                         std::string_view replacement, std::string& out) {
  for (size_t i = 0; i < replacement.size(); i++) {
    char c = replacement[i];
    if (c != '%') {
      out.push_back(c);
      continue;
    }
    // The reference reads the string's terminating NUL after a final '%'.
    i++;
    char escaped = i < replacement.size() ? replacement[i] : '\0';
    if (!is_digit(static_cast<unsigned char>(escaped))) {
      out.push_back(escaped);
    } else if (escaped == '0') {
      out.append(subject.substr(m.begin, m.end - m.begin));
    } else {
      CaptureValue value;
      Error e = capture_value(subject, m, escaped - '1', value);
      if (e != Error::kNone) return e;
      if (value.is_position) {
        out.append(std::to_string(value.position));
      } else {
        out.append(value.text);
      }
    }
  }
  return Error::kNone;
}

namespace {

// gsub's scan, for any replace(m, out): a template, so the string
// replacement's expansion is inlined rather than called per match.
template <typename Replace>
GsubResult gsub_each(std::string_view subject, std::string_view pattern, int64_t max_n,
                     const Replace& replace) {
  GsubResult result;
  Matcher matcher(subject, pattern);
  bool anchored = matcher.pat(0) == '^';
  size_t p = anchored ? 1 : 0;
  matcher.plan_first_item(p);
  size_t src = 0;
  Match m;
  while (result.count < max_n) {
    // A run of offsets the first item rejects is copied whole.
    bool rejected = matcher.rejects(src);
    if (rejected && !anchored) {
      size_t next = matcher.skip_rejected(src);
      result.text.append(subject.substr(src, next - src));
      src = next;
      if (src == subject.size()) break;
      rejected = false;
    }
    size_t end = rejected ? kFail : matcher.attempt_at(src, p);
    if (matcher.error() != Error::kNone) {
      result.error = matcher.error();
      return result;
    }
    // Replace this match, then step over it (or copy one byte if empty).
    if (end != kFail) {
      result.count++;
      matcher.fill(m, src, end);
      result.error = replace(m, result.text);
      if (result.error != Error::kNone) return result;
    }
    if (end != kFail && end > src) {
      src = end;
    } else if (src < subject.size()) {
      // Past a failure, every start the failure rules out is copied too.
      size_t last = end == kFail && !anchored ? matcher.last_failing_start(src) : src;
      if (last >= subject.size()) {
        result.text.append(subject.substr(src));
        src = subject.size();
        break;
      }
      result.text.append(subject.substr(src, last + 1 - src));
      src = last + 1;
    } else {
      break;
    }
    if (anchored) break;
  }
  result.text.append(subject.substr(src));
  return result;
}

}  // namespace

GsubResult gsub(std::string_view subject, std::string_view pattern, int64_t max_n,
                const Replacer& replace) {
  return gsub_each(subject, pattern, max_n, replace);
}

GsubResult gsub(std::string_view subject, std::string_view pattern,
                std::string_view replacement, int64_t max_n) {
  // Without '%' the replacement is its own text for every match.
  if (replacement.find('%') == std::string_view::npos) {
    return gsub_each(subject, pattern, max_n, [&](const Match&, std::string& out) {
      out.append(replacement);
      return Error::kNone;
    });
  }
  return gsub_each(subject, pattern, max_n, [&](const Match& m, std::string& out) {
    return expand_replacement(subject, m, replacement, out);
  });
}

}  // namespace lj::strlib
