// Fuzzing the front end with rapidcheck: random bytes, random token soups
// and mutated corpus programs. The parser must never crash, hang or leak
// (run under ASan too), and every rejection must be a well-formed
// "chunk:line: message" syntax error, never an internal error.
#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "lj/vm/bc/bc.h"
#include "lj/vm/parse/fidelity.h"
#include "lj/vm/parse/parser.h"
#include "rapidcheck.h"

namespace lj::parse {
namespace {

// A well-formed error is "fuzz:<line>: <message>".
bool IsWellFormedError(const std::string& message) {
  const std::string prefix = "fuzz:";
  if (message.rfind(prefix, 0) != 0) return false;
  size_t i = prefix.size();
  size_t digits = 0;
  while (i < message.size() && message[i] >= '0' && message[i] <= '9') {
    ++i;
    ++digits;
  }
  return digits > 0 && message.compare(i, 2, ": ") == 0 &&
         message.size() > i + 2 &&
         message.find("internal parser error") == std::string::npos;
}

// Parses and checks the outcome; on success also lists it and checks that
// every jump stays inside its function.
void CheckParse(const std::string& source) {
  ParseResult r = Parse(source, "=fuzz");
  if (!r.ok()) {
    RC_ASSERT(IsWellFormedError(r.error().message));
    return;
  }
  std::vector<const bc::Proto*> work = {r.proto().get()};
  while (!work.empty()) {
    const bc::Proto* p = work.back();
    work.pop_back();
    RC_ASSERT(p->code.size() == p->lines.size());
    RC_ASSERT(p->code.size() >= 2u);
    for (size_t pc = 1; pc < p->code.size(); ++pc) {
      uint32_t ins = p->code[pc];
      RC_ASSERT(static_cast<int>(ins & 0xff) < bc::kNumOpcodes);
      bc::Op op = bc::OpOf(ins);
      if (bc::Info(op).c == bc::Mode::jump && !(op == bc::Op::LOOP && bc::JOf(ins) == -1)) {
        int64_t target = static_cast<int64_t>(pc) + 1 + bc::JOf(ins);
        RC_ASSERT(target >= 1 && target <= static_cast<int64_t>(p->code.size()));
      }
    }
    for (const bc::GcConst& k : p->gc_consts) {
      if (auto* child = std::get_if<std::shared_ptr<bc::Proto>>(&k)) {
        work.push_back(child->get());
      }
    }
  }
  RC_ASSERT(!bc::ListChunk(*r.proto()).empty());
}

const std::vector<std::string>& Corpus() {
  static const auto* corpus = [] {
    auto* files = new std::vector<std::string>();
    for (const std::string& path : FindLuaFiles(
             {"testing/lua", "examples", "bench", "lj/vm/parse/testdata"})) {
      std::ifstream in(path, std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      files->push_back(text.str());
    }
    return files;
  }();
  return *corpus;
}

const char* const kTokens[] = {
    "and", "break", "do", "else", "elseif", "end", "false", "for",
    "function", "goto", "if", "in", "local", "nil", "not", "or", "repeat",
    "return", "then", "true", "until", "while", "..", "...", "==", ">=",
    "<=", "~=", "::", "+", "-", "*", "/", "%", "^", "#", "<", ">", "=",
    "(", ")", "{", "}", "[", "]", ";", ":", ",", ".", "x", "y", "t", "f",
    "self", "1", "0", "3.5", "0x10", "1e300", "-1", "\"s\"", "'\\n'",
    "[[long]]", "--c\n", "\n", "pairs", "next", "print", "[=[", "]=]",
    "\\", "\"\\u{41}\"", "0b11", "..."};

TEST(ParseFuzz, RandomBytes) {
  EXPECT_TRUE(rc::check("random bytes", [] {
    std::string source = *rc::gen::arbitrary<std::string>();
    CheckParse(source);
  }));
}

TEST(ParseFuzz, TokenSoup) {
  EXPECT_TRUE(rc::check("token soup", [] {
    std::vector<size_t> picks = *rc::gen::container<std::vector<size_t>>(
        rc::gen::inRange<size_t>(0, std::size(kTokens)));
    std::string source;
    for (size_t p : picks) {
      source += kTokens[p];
      source += ' ';
    }
    CheckParse(source);
  }));
}

TEST(ParseFuzz, MutatedPrograms) {
  ASSERT_FALSE(Corpus().empty()) << "corpus not found in runfiles";
  EXPECT_TRUE(rc::check("mutated corpus programs", [] {
    const auto& corpus = Corpus();
    const std::string& file =
        corpus[*rc::gen::inRange<size_t>(0, corpus.size())];
    // A window of the program keeps each case fast, even under ASan.
    size_t start = *rc::gen::inRange<size_t>(0, file.size() / 2 + 1);
    size_t length = *rc::gen::inRange<size_t>(1, 1200);
    std::string source = file.substr(start, length);
    int mutations = *rc::gen::inRange(1, 6);
    for (int m = 0; m < mutations && !source.empty(); ++m) {
      size_t pos = *rc::gen::inRange<size_t>(0, source.size());
      switch (*rc::gen::inRange(0, 4)) {
        case 0:  // Flip one byte.
          source[pos] = static_cast<char>(source[pos] ^ (1 << *rc::gen::inRange(0, 8)));
          break;
        case 1:  // Delete a range.
          source.erase(pos, *rc::gen::inRange<size_t>(1, 64));
          break;
        case 2: {  // Splice in a piece of another program.
          const std::string& other =
              corpus[*rc::gen::inRange<size_t>(0, corpus.size())];
          size_t from = *rc::gen::inRange<size_t>(0, other.size());
          source.insert(pos, other.substr(from, *rc::gen::inRange<size_t>(1, 200)));
          break;
        }
        default:  // Insert a token.
          source.insert(pos, kTokens[*rc::gen::inRange<size_t>(0, std::size(kTokens))]);
          break;
      }
    }
    CheckParse(source);
  }));
}

// Deep nesting of every kind stays within the C++ stack.
TEST(ParseFuzz, DeepNestingIsAnError) {
  for (const char* open : {"(", "{", "do ", "function() ", "-", "not ", "a.b["}) {
    std::string source = "x = ";
    for (int i = 0; i < 100000; ++i) source += open;
    ParseResult r = Parse(source, "=fuzz");
    ASSERT_FALSE(r.ok()) << open;
    EXPECT_TRUE(IsWellFormedError(r.error().message)) << r.error().message;
  }
}

}  // namespace
}  // namespace lj::parse
