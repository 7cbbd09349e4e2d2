// Lua 5.1 lexer with LuaJIT 2.1's extensions (\x, \z, \u{...} escapes, hex
// floats, 0b binary literals). FFI number suffixes (1LL, 1ULL, 1i) are
// rejected as malformed numbers: ljit has no FFI.
#ifndef LJ_VM_PARSE_LEXER_H_
#define LJ_VM_PARSE_LEXER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_set.h"

namespace lj::parse {

// Multi-character tokens, numbered after the 256 single-byte tokens in
// LuaJIT's order. Reserved words first (X1: the word is the spelling), then
// symbols (X2: name, spelling).
#define LJ_LEX_TOKENS(X1, X2)                                              \
  X1(and) X1(break) X1(do) X1(else) X1(elseif) X1(end) X1(false) X1(for)   \
  X1(function) X1(goto) X1(if) X1(in) X1(local) X1(nil) X1(not) X1(or)    \
  X1(repeat) X1(return) X1(then) X1(true) X1(until) X1(while)              \
  X2(concat, "..") X2(dots, "...") X2(eq, "==") X2(ge, ">=") X2(le, "<=")  \
  X2(ne, "~=") X2(label, "::") X2(number, "<number>") X2(name, "<name>")   \
  X2(string, "<string>") X2(eof, "<eof>")

enum Token : int {
  kTokenOffset = 256,
#define LJ_LEX_ENUM1(word) kTok_##word,
#define LJ_LEX_ENUM2(name, sym) kTok_##name,
  LJ_LEX_TOKENS(LJ_LEX_ENUM1, LJ_LEX_ENUM2)
#undef LJ_LEX_ENUM1
#undef LJ_LEX_ENUM2
  kTokenEnd
};

// Raised (as a C++ exception, caught by the parser's entry point) for any
// lexical or syntax error; `message` is the complete Lua error text.
struct SyntaxError {
  std::string message;
};

// Lua 5.1's short source name for messages (lj_debug_shortname): "=name"
// shows name, "@file" shows the file (cut from the left), other chunk names
// show as [string "..."].
std::string ShortSourceName(std::string_view chunkname);

class Lexer {
 public:
  Lexer(std::string_view source, std::string chunkname);

  // Advances to the next token (tok/str/num), remembering lastline.
  void Next();
  // Scans one token ahead without consuming the current one.
  int Lookahead();

  // The text of a token for messages: "'end'", "<eof>", "char(1)".
  static std::string TokenToString(int tok);

  // Throws SyntaxError "chunk:line: message near 'tok'" (tok 0: no "near").
  [[noreturn]] void Error(int tok, std::string_view message);

  // Interns a string: equal strings share one address for the parse.
  const std::string* Intern(std::string_view s);

  const std::string& chunkname() const { return chunkname_; }

  int tok = 0;                       // Current token.
  const std::string* str = nullptr;  // Value of a name or string token.
  double num = 0;                    // Value of a number token.
  int32_t line = 1;                  // Line the scanner is on.
  int32_t lastline = 1;              // Line of the last consumed token.

 private:
  struct Scanned {
    int tok;
    const std::string* str;
    double num;
  };

  int NextChar() {
    ch_ = pos_ < source_.size() ? static_cast<unsigned char>(source_[pos_++])
                                : -1;
    return ch_;
  }
  void Save(int c) { buf_.push_back(static_cast<char>(c)); }
  int SaveNext() {
    Save(ch_);
    return NextChar();
  }
  bool AtEol() const { return ch_ == '\n' || ch_ == '\r'; }

  void Newline();
  Scanned Scan();
  double ScanNumber();
  int SkipEquals();
  void ScanLongString(bool keep, int sep, Scanned* out);
  void ScanString(Scanned* out);
  void ScanEscape();
  void SkipHeader();

  std::string_view source_;
  size_t pos_ = 0;
  int ch_ = -1;
  std::string buf_;  // Text of the token being scanned (for "near" too).
  std::string chunkname_;
  Scanned lookahead_{kTok_eof, nullptr, 0};
  bool has_lookahead_ = false;
  absl::node_hash_set<std::string> strings_;
  absl::flat_hash_map<const std::string*, int> reserved_;
};

}  // namespace lj::parse

#endif  // LJ_VM_PARSE_LEXER_H_
