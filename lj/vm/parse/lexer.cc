#include "lj/vm/parse/lexer.h"

#include <cmath>
#include <cstdlib>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lj/base/number_syntax.h"

namespace lj::parse {

namespace {

constexpr int kEof = -1;
constexpr size_t kIdSize = 60;  // LUA_IDSIZE.

const char* const kTokenNames[] = {
#define LJ_LEX_NAME1(word) #word,
#define LJ_LEX_NAME2(name, sym) sym,
    LJ_LEX_TOKENS(LJ_LEX_NAME1, LJ_LEX_NAME2)
#undef LJ_LEX_NAME1
#undef LJ_LEX_NAME2
};

// Character classes as LuaJIT's lj_char: bytes >= 0x80 count as letters.
bool IsDigit(int c) { return c >= '0' && c <= '9'; }
bool IsXDigit(int c) {
  return IsDigit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}
bool IsIdent(int c) {
  return c >= 0x80 || IsDigit(c) || (c >= 'a' && c <= 'z') ||
         (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsSpace(int c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
bool IsCntrl(int c) { return (c >= 0 && c < 32) || c == 127; }

// Digits of `s` from `i` in base 2, 10 or 16; returns how many were read.
size_t CountDigits(std::string_view s, size_t i, int base) {
  size_t start = i;
  while (i < s.size() &&
         (base == 16 ? IsXDigit(s[i])
                     : base == 2 ? (s[i] == '0' || s[i] == '1') : IsDigit(s[i]))) {
    ++i;
  }
  return i - start;
}

// Validates a numeric literal (LuaJIT's strscan grammar minus FFI suffixes)
// and converts it; false if malformed.
bool ConvertNumber(const std::string& text, double* out) {
  std::string_view s = text;
  size_t i = 0;
  if (s.size() > 2 && s[0] == '0' && (s[1] | 0x20) == 'b') {
    size_t n = CountDigits(s, 2, 2);
    if (n == 0 || 2 + n != s.size()) return false;
    // At most 64 significant binary digits, converted from a uint64.
    size_t first = s.find('1', 2);
    if (first != std::string_view::npos && s.size() - first > 64) return false;
    uint64_t v = 0;
    for (size_t k = 2; k < s.size(); ++k) v = v * 2 + static_cast<uint64_t>(s[k] - '0');
    *out = static_cast<double>(v);
    return true;
  }
  bool hex = s.size() >= 2 && s[0] == '0' && (s[1] | 0x20) == 'x';
  int base = hex ? 16 : 10;
  i = hex ? 2 : 0;
  size_t mantissa = CountDigits(s, i, base);
  i += mantissa;
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t frac = CountDigits(s, i, base);
    mantissa += frac;
    i += frac;
  }
  if (mantissa == 0) return false;
  if (i < s.size() && (s[i] | 0x20) == (hex ? 'p' : 'e')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    i = base::scan_exponent_digits(s, i);
    if (i == std::string_view::npos) return false;
  }
  if (i != s.size()) return false;
  *out = std::strtod(text.c_str(), nullptr);
  return true;
}

}  // namespace

std::string ShortSourceName(std::string_view name) {
  if (!name.empty() && name[0] == '=') {
    return std::string(name.substr(1, kIdSize - 1));
  }
  if (!name.empty() && name[0] == '@') {
    std::string_view file = name.substr(1);
    if (file.size() >= kIdSize) {
      return "..." + std::string(file.substr(file.size() - (kIdSize - 4)));
    }
    return std::string(file);
  }
  // [string "first line..."], cut at the first control character.
  size_t len = 0;
  while (len < kIdSize - 12 && len < name.size() &&
         static_cast<unsigned char>(name[len]) >= ' ') {
    ++len;
  }
  if (len < name.size()) {
    if (len > kIdSize - 15) len = kIdSize - 15;
    return "[string \"" + std::string(name.substr(0, len)) + "...\"]";
  }
  return "[string \"" + std::string(name) + "\"]";
}

Lexer::Lexer(std::string_view source, std::string chunkname)
    : source_(source), chunkname_(std::move(chunkname)) {
  // Reserved words are recognized by their interned address.
  for (int t = kTok_and; t <= kTok_while; ++t) {
    reserved_[Intern(kTokenNames[t - kTokenOffset - 1])] = t;
  }
  NextChar();
  SkipHeader();
}

// A UTF-8 byte order mark and a "#!" first line are skipped.
void Lexer::SkipHeader() {
  if (ch_ == 0xef && pos_ + 2 <= source_.size() &&
      static_cast<unsigned char>(source_[pos_]) == 0xbb &&
      static_cast<unsigned char>(source_[pos_ + 1]) == 0xbf) {
    pos_ += 2;
    NextChar();
  }
  if (ch_ == '#') {
    do {
      NextChar();
      if (ch_ == kEof) return;
    } while (!AtEol());
    Newline();
  }
}

const std::string* Lexer::Intern(std::string_view s) {
  // Look up first: no allocation when the string is known.
  auto it = strings_.find(absl::string_view(s.data(), s.size()));
  if (it != strings_.end()) return &*it;
  return &*strings_.emplace(s).first;
}

std::string Lexer::TokenToString(int tok) {
  if (tok > kTokenOffset && tok < kTokenEnd) {
    return kTokenNames[tok - kTokenOffset - 1];
  }
  if (!IsCntrl(tok)) return std::string(1, static_cast<char>(tok));
  return absl::StrFormat("char(%d)", tok);
}

void Lexer::Error(int tok, std::string_view message) {
  std::string text = absl::StrFormat("%s:%d: %s", ShortSourceName(chunkname_),
                                     line, message);
  if (tok == kTok_name || tok == kTok_string || tok == kTok_number) {
    // The raw text scanned so far, as LuaJIT shows it (a C string: it
    // ends at the first NUL byte).
    absl::StrAppend(&text, " near '", std::string(buf_.c_str()), "'");
  } else if (tok != 0) {
    absl::StrAppend(&text, " near '", TokenToString(tok), "'");
  }
  throw SyntaxError{std::move(text)};
}

// Skips "\n", "\r", "\r\n" or "\n\r" and counts the line.
void Lexer::Newline() {
  int old = ch_;
  NextChar();
  if (AtEol() && ch_ != old) NextChar();
  if (++line >= 0x7fffff00) Error(tok, "chunk has too many lines");
}

void Lexer::Next() {
  lastline = line;
  if (has_lookahead_) {
    has_lookahead_ = false;
    tok = lookahead_.tok;
    str = lookahead_.str;
    num = lookahead_.num;
    return;
  }
  Scanned s = Scan();
  tok = s.tok;
  str = s.str;
  num = s.num;
}

int Lexer::Lookahead() {
  lookahead_ = Scan();
  has_lookahead_ = true;
  return lookahead_.tok;
}

// Numbers swallow every identifier character, dots and exponent signs, so
// "3x" and "1..2" are one malformed token as in LuaJIT.
double Lexer::ScanNumber() {
  int prev = ch_;
  int exp_char = 'e';
  if (prev == '0' && (SaveNext() | 0x20) == 'x') exp_char = 'p';
  while (IsIdent(ch_) || ch_ == '.' ||
         ((ch_ == '-' || ch_ == '+') && (prev | 0x20) == exp_char)) {
    prev = ch_;
    SaveNext();
  }
  double value = 0;
  if (!ConvertNumber(buf_, &value)) Error(kTok_number, "malformed number");
  return value;
}

// Counts '=' in "[==[" / "]==]"; returns -count-1 when the bracket does not
// close.
int Lexer::SkipEquals() {
  int count = 0;
  int bracket = ch_;
  while (SaveNext() == '=') ++count;
  return ch_ == bracket ? count : -count - 1;
}

void Lexer::ScanLongString(bool keep, int sep, Scanned* out) {
  SaveNext();  // Second '['.
  if (AtEol()) Newline();  // The first newline is not part of the string.
  for (;;) {
    if (ch_ == kEof) {
      Error(kTok_eof, keep ? "unfinished long string" : "unfinished long comment");
    } else if (ch_ == ']') {
      if (SkipEquals() == sep) {
        SaveNext();
        break;
      }
    } else if (AtEol()) {
      Save('\n');
      Newline();
      if (!keep) buf_.clear();  // Comments need not be kept.
    } else {
      SaveNext();
    }
  }
  if (keep) {
    size_t skip = 2 + static_cast<size_t>(sep);
    out->str = Intern(std::string_view(buf_).substr(skip, buf_.size() - 2 * skip));
  }
}

// One escape sequence after '\\'; appends the decoded bytes to buf_.
void Lexer::ScanEscape() {
  int c = NextChar();
  switch (c) {
    case 'a': c = '\a'; break;
    case 'b': c = '\b'; break;
    case 'f': c = '\f'; break;
    case 'n': c = '\n'; break;
    case 'r': c = '\r'; break;
    case 't': c = '\t'; break;
    case 'v': c = '\v'; break;
    case '\\': case '"': case '\'': break;
    case 'x': {
      int value = 0;
      for (int k = 0; k < 2; ++k) {
        if (!IsXDigit(NextChar())) Error(kTok_string, "invalid escape sequence");
        value = value * 16 + (IsDigit(ch_) ? ch_ - '0' : (ch_ | 0x20) - 'a' + 10);
      }
      c = value;
      break;
    }
    case 'u': {
      if (NextChar() != '{') Error(kTok_string, "invalid escape sequence");
      NextChar();
      uint32_t cp = 0;
      do {
        if (!IsXDigit(ch_)) Error(kTok_string, "invalid escape sequence");
        cp = cp * 16 + (IsDigit(ch_) ? ch_ - '0' : (ch_ | 0x20) - 'a' + 10);
        if (cp >= 0x110000) Error(kTok_string, "invalid escape sequence");
      } while (NextChar() != '}');
      // UTF-8 encoding; surrogates are not characters.
      if (cp < 0x80) {
        c = static_cast<int>(cp);
        break;
      }
      if (cp < 0x800) {
        Save(0xc0 | (cp >> 6));
      } else {
        if (cp >= 0x10000) {
          Save(0xf0 | (cp >> 18));
          Save(0x80 | ((cp >> 12) & 0x3f));
        } else {
          if (cp >= 0xd800 && cp < 0xe000) {
            Error(kTok_string, "invalid escape sequence");
          }
          Save(0xe0 | (cp >> 12));
        }
        Save(0x80 | ((cp >> 6) & 0x3f));
      }
      c = 0x80 | (cp & 0x3f);
      break;
    }
    case 'z':  // Skips the following white space, newlines included.
      NextChar();
      while (IsSpace(ch_)) {
        if (AtEol()) {
          Newline();
        } else {
          NextChar();
        }
      }
      return;
    case '\n': case '\r':
      Save('\n');
      Newline();
      return;
    case kEof:
      return;  // The caller reports the unfinished string.
    default: {
      if (!IsDigit(c)) Error(kTok_string, "invalid escape sequence");
      int value = c - '0';  // Up to three decimal digits.
      if (IsDigit(NextChar())) {
        value = value * 10 + (ch_ - '0');
        if (IsDigit(NextChar())) {
          value = value * 10 + (ch_ - '0');
          if (value > 255) Error(kTok_string, "invalid escape sequence");
          NextChar();
        }
      }
      Save(value);
      return;
    }
  }
  Save(c);
  NextChar();
}

void Lexer::ScanString(Scanned* out) {
  int delim = ch_;
  SaveNext();
  while (ch_ != delim) {
    if (ch_ == kEof) {
      Error(kTok_eof, "unfinished string");
    } else if (AtEol()) {
      Error(kTok_string, "unfinished string");
    } else if (ch_ == '\\') {
      ScanEscape();
    } else {
      SaveNext();
    }
  }
  SaveNext();
  out->str = Intern(std::string_view(buf_).substr(1, buf_.size() - 2));
}

Lexer::Scanned Lexer::Scan() {
  Scanned out{0, nullptr, 0};
  buf_.clear();
  for (;;) {
    if (IsIdent(ch_)) {
      if (IsDigit(ch_)) {
        out.num = ScanNumber();
        out.tok = kTok_number;
        return out;
      }
      do {
        SaveNext();
      } while (IsIdent(ch_));
      // Reserved words keep their text too: 'goto' may still be a name.
      out.str = Intern(buf_);
      auto it = reserved_.find(out.str);
      out.tok = it != reserved_.end() ? it->second : kTok_name;
      return out;
    }
    switch (ch_) {
      case '\n': case '\r':
        Newline();
        continue;
      case ' ': case '\t': case '\v': case '\f':
        NextChar();
        continue;
      case '-':
        if (NextChar() != '-') {
          out.tok = '-';
          return out;
        }
        NextChar();
        if (ch_ == '[') {  // Long comment "--[==[ ... ]==]".
          int sep = SkipEquals();
          buf_.clear();
          if (sep >= 0) {
            ScanLongString(false, sep, &out);
            buf_.clear();
            continue;
          }
        }
        while (!AtEol() && ch_ != kEof) NextChar();
        continue;
      case '[': {
        int sep = SkipEquals();
        if (sep >= 0) {
          ScanLongString(true, sep, &out);
          out.tok = kTok_string;
          return out;
        }
        if (sep != -1) Error(kTok_string, "invalid long string delimiter");
        out.tok = '[';
        return out;
      }
      case '=':
        out.tok = NextChar() == '=' ? (NextChar(), static_cast<int>(kTok_eq)) : '=';
        return out;
      case '<':
        out.tok = NextChar() == '=' ? (NextChar(), static_cast<int>(kTok_le)) : '<';
        return out;
      case '>':
        out.tok = NextChar() == '=' ? (NextChar(), static_cast<int>(kTok_ge)) : '>';
        return out;
      case '~':
        out.tok = NextChar() == '=' ? (NextChar(), static_cast<int>(kTok_ne)) : '~';
        return out;
      case ':':
        out.tok = NextChar() == ':' ? (NextChar(), static_cast<int>(kTok_label)) : ':';
        return out;
      case '"': case '\'':
        ScanString(&out);
        out.tok = kTok_string;
        return out;
      case '.':
        if (SaveNext() == '.') {
          if (NextChar() == '.') {
            NextChar();
            out.tok = kTok_dots;
          } else {
            out.tok = kTok_concat;
          }
          return out;
        }
        if (!IsDigit(ch_)) {
          out.tok = '.';
          return out;
        }
        out.num = ScanNumber();
        out.tok = kTok_number;
        return out;
      case kEof:
        out.tok = kTok_eof;
        return out;
      default: {
        out.tok = ch_;
        NextChar();
        return out;
      }
    }
  }
}

}  // namespace lj::parse
