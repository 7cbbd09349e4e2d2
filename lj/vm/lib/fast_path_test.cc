// The library fast paths (interp::FastPath) against `luajit -joff`: random
// calls of every function that has one, with arguments drawn from numbers
// (integral, fractional, huge, NaN, infinities), numeric and other strings,
// nil, booleans and tables, called five ways: for a fixed number of results
// (the loop's shortcut return), through pcall (errors: the C function's
// message), into a table constructor (all results), and with literal
// arguments for one result or as a last argument (CALL's inline fast
// functions, B=2 and B=0). ljit must return
// exactly the text luajit prints for the same program.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "lj/vm/interp/vm.h"
#include "lj/vm/lib/lib.h"

namespace lj::lib {
namespace {

using interp::Vm;
using vm::TValue;

constexpr int kCallsPerProgram = 60;

// Every function with a fast path, as the program names it.
const std::vector<std::string> kFunctions = {
    "bit.tobit", "bit.bnot", "bit.bswap", "bit.band", "bit.bor", "bit.bxor", "bit.lshift", "bit.rshift",
    "bit.arshift", "bit.rol", "bit.ror", "math.abs", "math.acos", "math.asin", "math.atan", "math.ceil",
    "math.cos", "math.cosh", "math.exp", "math.floor", "math.sin", "math.sinh", "math.sqrt", "math.tan",
    "math.tanh", "math.log10", "math.min", "math.max", "type", "select", "rawget", "tonumber", "ipairs_aux",
    "unpack", "string.byte", "string.sub", "string.char"};

// Argument expressions: the common types and the unusual ones.
const std::vector<std::string> kArguments = {
    "0", "1", "-1", "2", "3", "7", "2.5", "-2.5", "31", "32", "33", "-33", "65", "255", "256", "2^31", "-2^31",
    "2^32+5", "2^53", "1e300", "-0.0", "0/0", "1/0", "-1/0", "'10'", "' 0x1F '", "'abc'", "''", "'#'",
    "'hello world'", "nil", "true", "false", "{}", "{1, 2, 3}", "{'a', 'b', nil, 'd'}"};

// The Lua prelude: S() prints a value without addresses; each call form
// appends one line to `out`.
constexpr const char* kPrelude = R"(
local out = {}
local ipairs_aux = ipairs({})
local function S(v)
  local t = type(v)
  if t == 'table' or t == 'function' then return t end
  return tostring(v)
end
local function fixed(f, ...)
  local a, b, c = f(...)
  out[#out + 1] = S(a) .. ' ' .. S(b) .. ' ' .. S(c)
end
local function protected(f, ...)
  local ok, a, b = pcall(f, ...)
  out[#out + 1] = S(ok) .. ' ' .. S(a) .. ' ' .. S(b)
end
local function one(g)
  local ok, r = pcall(g)
  out[#out + 1] = S(ok) .. ' ' .. S(r)
end
local function all(f, ...)
  local ok, r = pcall(function(...) return {f(...)} end, ...)
  if not ok then out[#out + 1] = 'error ' .. S(r) return end
  local parts = {}
  for i = 1, table.maxn(r) do parts[i] = S(r[i]) end
  out[#out + 1] = #parts .. ': ' .. table.concat(parts, ' ')
end
)";

// One random call: form(function, arguments).
std::string GenCall() {
  static const std::vector<std::string> kForms = {"fixed", "protected", "all", "single", "last"};
  std::string form = *rc::gen::elementOf(kForms);
  std::string fn = *rc::gen::elementOf(kFunctions);
  // luajit's math fast functions read a stale stack slot when called with
  // no argument at all (pcall(math.floor) returns whatever was there).
  int nargs = *rc::gen::inRange(fn.starts_with("math.") ? 1 : 0, 5);
  std::string args = fn;
  std::string literal;  // the same arguments for a direct call
  for (int i = 0; i < nargs; i++) {
    std::string arg = *rc::gen::elementOf(kArguments);
    args += ", " + arg;
    literal += (i ? ", " : "") + arg;
  }
  // A direct call for one result (CALL with B=2) or all of them (B=0).
  if (form == "single") return "one(function() return S((" + fn + "(" + literal + "))) end)\n";
  if (form == "last") return "one(function() return S(" + fn + "(" + literal + ")) end)\n";
  // The fixed form calls f directly: under pcall an error is a line too.
  if (form == "fixed") return "if not pcall(fixed, " + args + ") then out[#out + 1] = 'error' end\n";
  return form + "(" + args + ")\n";
}

std::string RunLjit(const std::string& program) {
  vm::GlobalState g;
  Vm vm(g);
  open_all(vm);
  vm::Thread* L = g.main_thread();
  TValue* f = L->top;
  f[0] = TValue::function(vm.load(program, "=program", g.globals()));
  L->top = f + 2;
  ptrdiff_t off = f - L->stack;
  bool ok = vm.pcall(L, f, 1, nullptr);
  f = L->stack + off;
  return (ok ? "" : "ERROR: ") + std::string(vm.to_string(L, *f)->view());
}

std::string RunLuajit(const std::string& program) {
  char path[] = "/tmp/lj_fast_path_XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return "mkstemp failed";
  close(fd);
  // Loaded under ljit's chunk name, so error positions read the same.
  std::ofstream(path) << "local source = [==========[\n"
                      << program << "]==========]\nio.write(assert(loadstring(source, '=program'))())";
  std::string command = std::string("luajit -joff ") + path + " 2>&1";
  std::string out;
  if (FILE* p = popen(command.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    pclose(p);
  }
  std::remove(path);
  return out;
}

TEST(FastPathTest, MatchesLuajit) {
  ASSERT_EQ(std::system("luajit -v > /dev/null 2>&1"), 0) << "luajit (Debian's 2.1.0-beta3) is required";
  bool checked = rc::check("fast paths == luajit -joff", [] {
    std::string program = kPrelude;  // line 1 of the chunk is empty in both
    for (int i = 0; i < kCallsPerProgram; i++) program += GenCall();
    program += "return table.concat(out, '\\n')\n";
    std::string expected = RunLuajit(program);
    std::string actual = RunLjit(program);
    if (actual != expected) RC_LOG() << program << "\n--- luajit:\n" << expected << "\n--- ljit:\n" << actual;
    RC_ASSERT(actual == expected);
  });
  EXPECT_TRUE(checked);
}

}  // namespace
}  // namespace lj::lib
