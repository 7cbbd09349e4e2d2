#include "lj/vm/parse/lexer.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace lj::parse {
namespace {

std::vector<int> Tokens(const std::string& src) {
  Lexer lex(src, "=t");
  std::vector<int> out;
  do {
    lex.Next();
    out.push_back(lex.tok);
  } while (lex.tok != kTok_eof);
  return out;
}

std::string StringToken(const std::string& src) {
  Lexer lex(src, "=t");
  lex.Next();
  EXPECT_EQ(lex.tok, kTok_string) << src;
  return lex.tok == kTok_string ? *lex.str : "";
}

double NumberToken(const std::string& src) {
  Lexer lex(src, "=t");
  lex.Next();
  EXPECT_EQ(lex.tok, kTok_number) << src;
  return lex.num;
}

std::string ErrorOf(const std::string& src) {
  try {
    Lexer lex(src, "=t");
    do {
      lex.Next();
    } while (lex.tok != kTok_eof);
  } catch (const SyntaxError& e) {
    return e.message;
  }
  return "no error";
}

TEST(Lexer, EveryReservedWord) {
  const char* words[] = {"and", "break", "do", "else", "elseif", "end",
                         "false", "for", "function", "goto", "if", "in",
                         "local", "nil", "not", "or", "repeat", "return",
                         "then", "true", "until", "while"};
  int expected = kTok_and;
  for (const char* w : words) {
    EXPECT_EQ(Tokens(w), (std::vector<int>{expected, kTok_eof})) << w;
    EXPECT_EQ(Lexer::TokenToString(expected), w);
    expected++;
  }
  EXPECT_EQ(Tokens("andx _end"), (std::vector<int>{kTok_name, kTok_name, kTok_eof}));
}

TEST(Lexer, EverySymbol) {
  EXPECT_EQ(Tokens(".. ... == >= <= ~= ::"),
            (std::vector<int>{kTok_concat, kTok_dots, kTok_eq, kTok_ge,
                              kTok_le, kTok_ne, kTok_label, kTok_eof}));
  EXPECT_EQ(Tokens("+-*/%^#< > =(){}[];:,.~"),
            (std::vector<int>{'+', '-', '*', '/', '%', '^', '#', '<', '>',
                              '=', '(', ')', '{', '}', '[', ']', ';', ':',
                              ',', '.', '~', kTok_eof}));
  EXPECT_EQ(Lexer::TokenToString(kTok_eof), "<eof>");
  EXPECT_EQ(Lexer::TokenToString(kTok_name), "<name>");
  EXPECT_EQ(Lexer::TokenToString('+'), "+");
  EXPECT_EQ(Lexer::TokenToString(1), "char(1)");
}

TEST(Lexer, CommentsAndLines) {
  Lexer lex("-- c\n--[==[ long\n]] ]==] x --[[\n]] y\r\nz", "=t");
  lex.Next();
  EXPECT_EQ(*lex.str, "x");
  EXPECT_EQ(lex.line, 3);
  lex.Next();
  EXPECT_EQ(*lex.str, "y");
  EXPECT_EQ(lex.line, 4);
  lex.Next();
  EXPECT_EQ(lex.line, 5);
  EXPECT_EQ(lex.lastline, 4);
}

TEST(Lexer, HeaderLinesAreSkipped) {
  EXPECT_EQ(Tokens("#!/usr/bin/lua\nx"), (std::vector<int>{kTok_name, kTok_eof}));
  EXPECT_EQ(Tokens("\xef\xbb\xbfx"), (std::vector<int>{kTok_name, kTok_eof}));
  EXPECT_EQ(Tokens("\xc3\xa9t\xc3\xa9"), (std::vector<int>{kTok_name, kTok_eof}));
}

TEST(Lexer, Escapes) {
  EXPECT_EQ(StringToken(R"("\a\b\f\n\r\t\v\\\"\'")"), "\a\b\f\n\r\t\v\\\"'");
  EXPECT_EQ(StringToken(R"('\65\066\0671\0')"), std::string("AB") + "C1" + '\0');
  EXPECT_EQ(StringToken(R"("\x41\x6a\x6A")"), "Ajj");
  EXPECT_EQ(StringToken(R"("\u{48}\u{7FF}\u{20AC}\u{10FFFF}")"),
            "H\xdf\xbf\xe2\x82\xac\xf4\x8f\xbf\xbf");
  EXPECT_EQ(StringToken("\"a\\z  \n\t b\""), "ab");
  EXPECT_EQ(StringToken("\"a\\\nb\""), "a\nb");
  EXPECT_EQ(StringToken("[[\nfirst\r\nsecond]]"), "first\nsecond");
  EXPECT_EQ(StringToken("[==[a]]b]=]c]==]"), "a]]b]=]c");
}

TEST(Lexer, Numbers) {
  EXPECT_EQ(NumberToken("42"), 42);
  EXPECT_EQ(NumberToken("3.25"), 3.25);
  EXPECT_EQ(NumberToken(".5"), 0.5);
  EXPECT_EQ(NumberToken("5."), 5);
  EXPECT_EQ(NumberToken("1e3"), 1000);
  EXPECT_EQ(NumberToken("1E-2"), 0.01);
  EXPECT_EQ(NumberToken("0x10"), 16);
  EXPECT_EQ(NumberToken("0XfF"), 255);
  EXPECT_EQ(NumberToken("0xA.8p1"), 21);
  EXPECT_EQ(NumberToken("0x1p-2"), 0.25);
  EXPECT_EQ(NumberToken("0b1011"), 11);
  EXPECT_EQ(NumberToken("0B11"), 3);
  EXPECT_EQ(NumberToken("1e400"), HUGE_VAL);
}

TEST(Lexer, Errors) {
  EXPECT_EQ(ErrorOf("3x"), "t:1: malformed number near '3x'");
  EXPECT_EQ(ErrorOf("1..2"), "t:1: malformed number near '1..2'");
  EXPECT_EQ(ErrorOf("0x"), "t:1: malformed number near '0x'");
  EXPECT_EQ(ErrorOf("x = 1e1048576"), "t:1: malformed number near '1e1048576'");
  EXPECT_EQ(ErrorOf("x = 0x1p-01048576"), "t:1: malformed number near '0x1p-01048576'");
  EXPECT_EQ(ErrorOf("0b2"), "t:1: malformed number near '0b2'");
  EXPECT_EQ(ErrorOf("1e+"), "t:1: malformed number near '1e+'");
  EXPECT_EQ(ErrorOf("1LL"), "t:1: malformed number near '1LL'");
  EXPECT_EQ(ErrorOf("\n'abc"), "t:2: unfinished string near '<eof>'");
  EXPECT_EQ(ErrorOf("'abc\n'"), "t:1: unfinished string near ''abc'");
  // The escape itself is not part of the text shown.
  EXPECT_EQ(ErrorOf("'\\q'"), "t:1: invalid escape sequence near '''");
  EXPECT_EQ(ErrorOf("'ab\\xg'"), "t:1: invalid escape sequence near ''ab'");
  EXPECT_EQ(ErrorOf("'\\256'"), "t:1: invalid escape sequence near '''");
  EXPECT_EQ(ErrorOf("'x\\u{D800}'"), "t:1: invalid escape sequence near ''x'");
  EXPECT_EQ(ErrorOf("[==[\n"), "t:2: unfinished long string near '<eof>'");
  EXPECT_EQ(ErrorOf("--[[\n\n"), "t:3: unfinished long comment near '<eof>'");
  EXPECT_EQ(ErrorOf("[=x"), "t:1: invalid long string delimiter near '[='");
}

TEST(Lexer, ShortSourceNames) {
  EXPECT_EQ(ShortSourceName("=stdin"), "stdin");
  EXPECT_EQ(ShortSourceName("@a/b.lua"), "a/b.lua");
  EXPECT_EQ(ShortSourceName("print(1)"), "[string \"print(1)\"]");
}

}  // namespace
}  // namespace lj::parse
