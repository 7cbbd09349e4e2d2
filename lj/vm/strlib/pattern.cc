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
[[gnu::always_inline]] inline bool class_matches(unsigned char c, unsigned char cl) {
  uint16_t bit = kClassTables.bit_of_letter[cl];
  if (bit == 0) return cl == c;
  bool member = (kClassTables.members[c] & bit) != 0;
  return is_upper(cl) ? !member : member;
}

// One match attempt's state: captures, nesting depth and the first error.
class Matcher {
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
    std::copy_n(captures_.begin(), level_, m.captures.begin());
  }
  char pat(size_t i) const { return i < pattern_.size() ? pattern_[i] : '\0'; }

  // When the pattern from p starts with a single-character class that must
  // match once (no '*', '?' or '-' after it), an offset whose byte that
  // class rejects fails at once: the scan loops skip it without an attempt
  // (the attempt would fail there too, before reaching any later error).
  void plan_first_item(size_t p) {
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
    if (quantifier == '*' || quantifier == '?' || quantifier == '-') return;
    first_p_ = p;
    first_ep_ = ep;
  }
  bool rejects(size_t s) {
    if (first_ep_ == 0) return false;
    if (s >= subject_.size()) return true;
    return !first_item_matches(sub(s));
  }
  // The first offset from s that rejects() lets through, or the subject's
  // size; a plain first byte is found by memchr.
  size_t skip_rejected(size_t s) {
    if (first_ep_ == first_p_ + 1 && kSpecials.find(pat(first_p_)) == std::string_view::npos) {
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
  // single_matches for the first item, remembered per byte value: a scan
  // meets the same few bytes again and again, and a [set] is a walk.
  bool first_item_matches(unsigned char c) {
    uint64_t bit = uint64_t{1} << (c & 63);
    int word = c >> 6;
    if (!(first_known_[word] & bit)) {
      first_known_[word] |= bit;
      if (single_matches(c, first_p_, first_ep_)) first_member_[word] |= bit;
    }
    return (first_member_[word] & bit) != 0;
  }
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
  std::array<Capture, kMaxCaptures> captures_{};
  // plan_first_item's class pattern[first_p_, first_ep_); first_ep_ 0: none.
  size_t first_p_ = 0;
  size_t first_ep_ = 0;
  // first_item_matches' memory: bytes tested, and those that matched.
  std::array<uint64_t, 4> first_known_{};
  std::array<uint64_t, 4> first_member_{};
};

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
  while (s + count < subject_.size() && single_matches(sub(s + count), p, ep)) count++;
  for (;;) {
    size_t result = match(s + count, ep + 1);
    if (result != kFail || error_ != Error::kNone) return result;
    if (count == 0) return kFail;
    count--;
  }
}

// x-: take as few as possible, one more each time the rest fails.
size_t Matcher::min_expand(size_t s, size_t p, size_t ep) {
  for (;;) {
    size_t result = match(s, ep + 1);
    if (result != kFail || error_ != Error::kNone) return result;
    if (s < subject_.size() && single_matches(sub(s), p, ep)) {
      s++;
    } else {
      return kFail;
    }
  }
}

// '(' or '()': open a capture and match the rest; undo it on failure.
size_t Matcher::start_capture(size_t s, size_t p, ptrdiff_t what) {
  if (level_ >= kMaxCaptures) return fail(Error::kTooManyCaptures);
  captures_[level_] = Capture{s, what};
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
  const Capture& cap = captures_[index];
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
    size_t ep = class_end(p);
    if (ep == kFail) return kFail;
    bool matched = s < subject_.size() && single_matches(sub(s), p, ep);
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

// str_find_aux: init normalisation, then plain search or pattern scan.
static SearchResult search(std::string_view subject, std::string_view pattern,
                           int64_t init, bool is_find, bool plain) {
  int64_t len = static_cast<int64_t>(subject.size());
  int64_t start = init < 0 ? init + len : init - 1;
  if (start < 0) start = 0;
  if (start > len) start = len;  // Lua 5.1: past the end searches at the end
  if (is_find && (plain || !has_pattern_specials(pattern)))
    return find_plain(subject, pattern, static_cast<size_t>(start));
  SearchResult result;
  Matcher matcher(subject, pattern);
  bool anchored = matcher.pat(0) == '^';
  size_t p = anchored ? 1 : 0;
  matcher.plan_first_item(p);
  for (size_t s = static_cast<size_t>(start);; s++) {
    // Past skip_rejected, an offset inside the subject passed the filter.
    if (!anchored) s = matcher.skip_rejected(s);
    bool tested = !anchored && s < subject.size();
    size_t end = !tested && matcher.rejects(s) ? kFail : matcher.attempt(s, p);
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
  }
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
SearchResult GmatchIterator::next() {
  SearchResult result;
  Matcher matcher(subject_, pattern_);
  matcher.plan_first_item(0);
  for (; position_ <= subject_.size(); position_++) {
    position_ = matcher.skip_rejected(position_);
    bool tested = position_ < subject_.size();
    size_t end = !tested && matcher.rejects(position_) ? kFail : matcher.attempt(position_, 0);
    if (matcher.error() != Error::kNone) {
      result.error = matcher.error();
      return result;
    }
    if (end != kFail) {
      matcher.fill(result.match, position_, end);
      position_ = end == position_ ? end + 1 : end;
      result.error = check_captures(subject_, result.match, true);
      result.found = result.error == Error::kNone;
      return result;
    }
  }
  return result;
}

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

GsubResult gsub(std::string_view subject, std::string_view pattern, int64_t max_n,
                const Replacer& replace) {
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
    size_t end = rejected ? kFail : matcher.attempt(src, p);
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
      result.text.push_back(subject[src++]);
    } else {
      break;
    }
    if (anchored) break;
  }
  result.text.append(subject.substr(src));
  return result;
}

GsubResult gsub(std::string_view subject, std::string_view pattern,
                std::string_view replacement, int64_t max_n) {
  return gsub(subject, pattern, max_n, [&](const Match& m, std::string& out) {
    return expand_replacement(subject, m, replacement, out);
  });
}

}  // namespace lj::strlib
