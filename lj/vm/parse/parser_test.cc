// Parser tests: syntax error messages (the expected texts are what the
// reference luajit 2.1 prints for the same chunks), code generation details
// and the debug information prototypes carry.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "lj/vm/bc/bc.h"
#include "lj/vm/parse/parser.h"

namespace lj::parse {
namespace {

struct ErrorCase {
  const char* source;
  const char* message;
};

// Chunk name "=t"; messages recorded from luajit's loadstring(src, "=t").
const ErrorCase kErrorCases[] = {
    {"x = = 1",
     "t:1: unexpected symbol near '='"},
    {"local function f() return 1",
     "t:1: 'end' expected near '<eof>'"},
    {"if x then",
     "t:1: 'end' expected near '<eof>'"},
    {"for i = 1 do end",
     "t:1: ',' expected near 'do'"},
    {"for a b in c do end",
     "t:1: '=' or 'in' expected near 'b'"},
    {"local 1 = 2",
     "t:1: '<name>' expected near '1'"},
    {"x = 'abc\\q'",
     "t:1: invalid escape sequence near ''abc'"},
    {"x = 'unfinished\n'",
     "t:1: unfinished string near ''unfinished'"},
    {"x = [==[ unfinished",
     "t:1: unfinished long string near '<eof>'"},
    {"--[[ unfinished comment",
     "t:1: unfinished long comment near '<eof>'"},
    {"x = 3x",
     "t:1: malformed number near '3x'"},
    {"f\n(1)",
     "t:2: ambiguous syntax (function call x new statement) near '('"},
    {"break",
     "t:1: no loop to break"},
    {"goto nowhere",
     "t:1: undefined label 'nowhere'"},
    {"::a:: ::a::",
     "t:1: duplicate label 'a'"},
    {"do goto l; local x; ::l:: print(x) end",
     "t:1: <goto l> jumps into the scope of local 'x'"},
    {"function f(a, 1) end",
     "t:1: <name> or '...' expected near '1'"},
    {"function g() return ... end",
     "t:1: cannot use '...' outside a vararg function near '...'"},
    {"a.b:c = 1",
     "t:1: function arguments expected near '='"},
    {"x = }",
     "t:1: unexpected symbol near '}'"},
    {"local t = {1, 2",
     "t:1: '}' expected near '<eof>'"},
    {"x = 0x",
     "t:1: malformed number near '0x'"},
    {"x = 1e+",
     "t:1: malformed number near '1e+'"},
    {"x = '\\x4'",
     "t:1: invalid escape sequence near '''"},
    {"x = '\\300'",
     "t:1: invalid escape sequence near '''"},
    {"x = '\\u{110000}'",
     "t:1: invalid escape sequence near '''"},
    {"x = '\\u{D800}'",
     "t:1: invalid escape sequence near '''"},
    {"x = [=x",
     "t:1: invalid long string delimiter near '[='"},
    {"x = #",
     "t:1: unexpected symbol near '<eof>'"},
    {"until x",
     "t:1: '<eof>' expected near 'until'"},
    {"x = function() end end",
     "t:1: '<eof>' expected near 'end'"},
    {"(f)",
     "t:1: syntax error near '<eof>'"},
    {"x = a..b..",
     "t:1: unexpected symbol near '<eof>'"},
    {"x = not",
     "t:1: unexpected symbol near '<eof>'"},
    {"local function",
     "t:1: '<name>' expected near '<eof>'"},
    {"local x, = 1",
     "t:1: '<name>' expected near '='"},
    {"x = {[1 = 2}",
     "t:1: ']' expected near '='"},
    {"x = f(1,",
     "t:1: unexpected symbol near '<eof>'"},
    {"x = a[1",
     "t:1: ']' expected near '<eof>'"},
    {"::9::",
     "t:1: '<name>' expected near '9'"},
    {"x = ~1",
     "t:1: unexpected symbol near '~'"},
    {"x = @",
     "t:1: unexpected symbol near '@'"},
    {"x = '\\z\n  \\q'",
     "t:2: invalid escape sequence near '''"},
    {"x = 1 .. 2 ..",
     "t:1: unexpected symbol near '<eof>'"},
    {"f() = 1",
     "t:1: unexpected symbol near '='"},
    {"x, y() = 1, 2",
     "t:1: syntax error near '='"},
    {"return return",
     "t:1: unexpected symbol near 'return'"},
    {"x = 0b102",
     "t:1: malformed number near '0b102'"},
    {"x = 1..2",
     "t:1: malformed number near '1..2'"},
    {"\001",
     "t:1: unexpected symbol near 'char(1)'"},
    {"x = \"a\\\nb",
     "t:2: unfinished string near '<eof>'"},
    {"if x then else elseif",
     "t:1: 'end' expected near 'elseif'"},
    {"repeat local x = 1",
     "t:1: 'until' expected near '<eof>'"},
    {"while x do",
     "t:1: 'end' expected near '<eof>'"},
    {"x = '\\",
     "t:1: unfinished string near '<eof>'"},
    {"local x <const> = 1",
     "t:1: unexpected symbol near '<'"},
};

TEST(ParserErrors, MessagesMatchLuaJit) {
  for (const ErrorCase& c : kErrorCases) {
    ParseResult r = Parse(c.source, "=t");
    ASSERT_FALSE(r.ok()) << c.source;
    EXPECT_EQ(r.error().message, c.message) << c.source;
  }
}

TEST(ParserErrors, FfiNumberSuffixesAreRejected) {
  for (const char* src : {"x = 1LL", "x = 2ULL", "x = 3i", "x = 0x10ull"}) {
    ParseResult r = Parse(src, "=t");
    ASSERT_FALSE(r.ok()) << src;
    EXPECT_NE(r.error().message.find("malformed number"), std::string::npos);
  }
}

TEST(ParserErrors, ChunkNamesInMessages) {
  EXPECT_EQ(Parse("x = = 1", "@dir/file.lua").error().message,
            "dir/file.lua:1: unexpected symbol near '='");
  EXPECT_EQ(Parse("x = = 1", "x = = 1").error().message,
            "[string \"x = = 1\"]:1: unexpected symbol near '='");
  EXPECT_EQ(Parse("x = = 1", "line one\nline two").error().message,
            "[string \"line one...\"]:1: unexpected symbol near '='");
  std::string long_name = "@" + std::string(70, 'd') + "/f.lua";
  EXPECT_EQ(Parse("?", long_name).error().message,
            "..." + long_name.substr(long_name.size() - 56) +
                ":1: unexpected symbol near '?'");
}

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

TEST(ParserErrors, LimitsAreErrorsNotCrashes) {
  std::string many_locals = "local a0";
  for (int i = 1; i <= 200; ++i) many_locals += ",a" + std::to_string(i);
  EXPECT_EQ(Parse(many_locals, "=t").error().message,
            "t:1: main function has more than 200 local variables");
  std::string upvals;
  for (int i = 0; i < 70; ++i) upvals += "local u" + std::to_string(i) + "\n";
  upvals += "function f() return u0";
  for (int i = 1; i < 70; ++i) upvals += "+u" + std::to_string(i);
  upvals += " end";
  EXPECT_EQ(Parse(upvals, "=t").error().message,
            "t:71: function at line 71 has more than 60 upvalues");
  EXPECT_EQ(Parse("x = " + Repeat("(", 300) + "1" + Repeat(")", 300), "=t")
                .error()
                .message,
            "t:1: chunk has too many syntax levels");
  EXPECT_EQ(Parse(Repeat("do ", 300) + Repeat("end ", 300), "=t").error().message,
            "t:1: chunk has too many syntax levels");
  EXPECT_EQ(Parse("f(" + Repeat("a,", 300) + "a)", "=t").error().message,
            "t:1: function or expression too complex near 'a'");
  std::string long_if = "if x then\n" + Repeat("y = x + x * x - x / x\n", 8000) + "end\n";
  EXPECT_EQ(Parse(long_if, "=t").error().message,
            "t:8003: control structure too long near '<eof>'");
}

// The listing of a snippet, without the header line of the main chunk.
std::string Listing(const std::string& src) {
  ParseResult r = Parse(src, "=t");
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? bc::ListChunk(*r.proto()) : "";
}

TEST(ParserCodegen, ConstantFoldingAndOperandForms) {
  EXPECT_EQ(Listing("local a = 2 * 3 + 1; return a + 1, 1 - a, -a, -(4)"),
            "-- BYTECODE -- t:0-1\n"
            "0001    KSHORT   0   7\n"
            "0002    ADDVN    1   0   0  ; 1\n"
            "0003    SUBNV    2   0   0  ; 1\n"
            "0004    UNM      3   0\n"
            "0005    KSHORT   4  -4\n"
            "0006    RET      1   5\n\n");
  // 0/0 and -0 are not folded.
  EXPECT_EQ(Listing("return 0/0, -0"),
            "-- BYTECODE -- t:0-1\n"
            "0001    KSHORT   0   0\n"
            "0002    DIVVN    0   0   0  ; 0\n"
            "0003    KSHORT   1   0\n"
            "0004    UNM      1   1\n"
            "0005    RET      0   3\n\n");
}

TEST(ParserCodegen, PairsLoopUsesIsnextAndItern) {
  std::string out = Listing("for k, v in pairs(t) do end");
  EXPECT_NE(out.find("ISNEXT"), std::string::npos);
  EXPECT_NE(out.find("ITERN"), std::string::npos);
  std::string generic = Listing("for k, v in ipairs(t) do end");
  EXPECT_EQ(generic.find("ISNEXT"), std::string::npos);
  EXPECT_NE(generic.find("ITERC"), std::string::npos);
}

TEST(ParserDebugInfo, VariablesUpvaluesAndLines) {
  ParseResult r = Parse(
      "local a, b = 1, 2\n"
      "local function f() b = a end\n"
      "for i = 1, 2 do end\n",
      "@x.lua");
  ASSERT_TRUE(r.ok());
  const bc::Proto& main = *r.proto();
  EXPECT_EQ(main.chunkname, "@x.lua");
  EXPECT_EQ(main.firstline, 0);
  EXPECT_EQ(main.numline, 4);
  EXPECT_TRUE(main.flags & bc::kProtoChild);
  EXPECT_TRUE(main.flags & bc::kProtoVararg);
  std::vector<std::string> names;
  for (const bc::VarInfo& v : main.vars) names.push_back(v.name);
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b", "f", "(for index)",
                                             "(for limit)", "(for step)", "i"}));
  EXPECT_EQ(main.vars[0].startpc, 3u);  // After KSHORT, KSHORT (pc 1, 2).
  ASSERT_EQ(main.gc_consts.size(), 1u);
  const auto& child = std::get<std::shared_ptr<bc::Proto>>(main.gc_consts[0]);
  EXPECT_EQ(child->firstline, 2);
  EXPECT_EQ(child->numline, 0);
  // Upvalues in order of first use: b (assigned), then a (never assigned).
  EXPECT_EQ(child->upvalue_names, (std::vector<std::string>{"b", "a"}));
  ASSERT_EQ(child->upvalues.size(), 2u);
  EXPECT_EQ(child->upvalues[0], bc::kUvLocal | 1);
  EXPECT_EQ(child->upvalues[1], bc::kUvLocal | bc::kUvImmutable | 0);
  EXPECT_EQ(main.lines.size(), main.code.size());
  EXPECT_EQ(main.lines[1], 1);
  EXPECT_EQ(main.code[0] & 0xff, static_cast<uint32_t>(bc::Op::FUNCV));
}

TEST(ParserDebugInfo, TableTemplates) {
  ParseResult r = Parse("return {1, 2, x = 'y', [0] = true, z = f()}", "=t");
  ASSERT_TRUE(r.ok());
  const auto& t = std::get<bc::TableTemplate>(r.proto()->gc_consts[0]);
  ASSERT_EQ(t.array.size(), 3u);
  EXPECT_EQ(t.array[0], bc::TemplateValue(true));
  EXPECT_EQ(t.array[1], bc::TemplateValue(1.0));
  EXPECT_EQ(t.array[2], bc::TemplateValue(2.0));
  // Hash entries come in node order: look them up by key.
  ASSERT_EQ(t.hash.size(), 2u);
  EXPECT_EQ(t.hash_bits, 1);
  auto value_of = [&](const std::string& key) {
    for (const auto& [k, v] : t.hash) {
      if (k == bc::TemplateValue(key)) return v;
    }
    return bc::TemplateValue(false);
  };
  EXPECT_EQ(value_of("x"), bc::TemplateValue(std::string("y")));
  EXPECT_EQ(value_of("z"), bc::TemplateValue(bc::Nil{}));  // z: run time.
}

// The template's layout follows LuaJIT's step-by-step construction: created
// when the first constant entry is seen, rehashed when the hash part fills.
TEST(ParserDebugInfo, TemplateLayoutFollowsLuaJIT) {
  auto template_of = [](const char* src) {
    ParseResult r = Parse(src, "=t");
    EXPECT_TRUE(r.ok());
    return std::get<bc::TableTemplate>(r.proto()->gc_consts[0]);
  };
  // Created for 1 item (slots 0..1); 2 and 3 each rehash: slots 0..4.
  bc::TableTemplate seq = template_of("return {1, 2, 3}");
  ASSERT_EQ(seq.array.size(), 5u);
  EXPECT_EQ(seq.array[3], bc::TemplateValue(3.0));
  EXPECT_EQ(seq.array[4], bc::TemplateValue(bc::Nil{}));
  EXPECT_TRUE(seq.hash.empty());
  // A lone constant integer key stays in the hash part (#t is 0).
  bc::TableTemplate keyed = template_of("return {[2] = 0}");
  EXPECT_TRUE(keyed.array.empty());
  ASSERT_EQ(keyed.hash.size(), 1u);
  EXPECT_EQ(keyed.hash[0].first, bc::TemplateValue(2.0));
  EXPECT_EQ(keyed.hash_bits, 1);
  // A computed item between constants: slot 2 is left for the store at run
  // time; inserting 3 rehashed to slots 0..4 (so #{1, nil, 3} is 1).
  bc::TableTemplate holes = template_of("local p return {1, p, 3}");
  ASSERT_EQ(holes.array.size(), 5u);
  EXPECT_EQ(holes.array[2], bc::TemplateValue(bc::Nil{}));
  EXPECT_EQ(holes.array[3], bc::TemplateValue(3.0));
}


// The first instruction with opcode `op` in the chunk (children first).
bool FindInstruction(const bc::Proto& p, bc::Op op, const bc::Proto** where,
                     uint32_t* pc) {
  for (const bc::GcConst& k : p.gc_consts) {
    if (auto* child = std::get_if<std::shared_ptr<bc::Proto>>(&k)) {
      if (FindInstruction(**child, op, where, pc)) return true;
    }
  }
  for (uint32_t i = 1; i < p.code.size(); ++i) {
    if (bc::OpOf(p.code[i]) == op) {
      *where = &p;
      *pc = i;
      return true;
    }
  }
  return false;
}

// The names luajit's run-time errors use for these values, e.g.
// "attempt to index local 'x'" for `local x; x.y = 1`.
TEST(ParserDebugInfo, SlotNamesForErrorMessages) {
  struct Case {
    const char* source;
    bc::Op op;  // Failing instruction; the value is its B (index) or A (call).
    const char* kind;
    const char* name;
  };
  const Case cases[] = {
      {"local x; x.y = 1", bc::Op::TSETS, "local", "x"},
      {"print.x.y = 1", bc::Op::TGETS, "global", "print"},
      {"local a = {}; a.b.c = 1", bc::Op::TSETS, "field", "b"},
      {"local o = {}; o:m()", bc::Op::CALL, "method", "m"},
      {"local u; return (function() return u.z end)()", bc::Op::TGETS, "upvalue", "u"},
      {"local t = {}; local v = t.f; v()", bc::Op::CALL, "local", "v"},
      {"g()", bc::Op::CALL, "global", "g"},
      {"local t = {}; t.f()", bc::Op::CALL, "field", "f"},
      {"for i = 1, 2 do local q; q() end", bc::Op::CALL, "local", "q"},
      {"local t = {}; t[1]()", bc::Op::CALL, "", ""},
  };
  for (const Case& c : cases) {
    ParseResult r = Parse(c.source, "=t");
    ASSERT_TRUE(r.ok()) << c.source;
    const bc::Proto* p = nullptr;
    uint32_t pc = 0;
    ASSERT_TRUE(FindInstruction(*r.proto(), c.op, &p, &pc)) << c.source;
    uint32_t ins = p->code[pc];
    uint32_t slot = c.op == bc::Op::CALL ? bc::AOf(ins) : bc::BOf(ins);
    bc::SlotName n = bc::NameOfSlot(*p, pc, slot);
    EXPECT_EQ(n.kind, c.kind) << c.source;
    EXPECT_EQ(n.name, c.name) << c.source;
  }
}

}  // namespace
}  // namespace lj::parse
