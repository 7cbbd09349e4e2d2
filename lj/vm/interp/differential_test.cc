// Differential fuzzing: rapidcheck generates small Lua programs (arithmetic
// and string coercions, comparisons, concatenation, tables, closures,
// metatables, pcall and error messages with variable names, coroutines,
// library calls including the bytecode builtins and bit)
// and ljit must print exactly what `luajit -joff` prints. Programs run in
// batches of kProgramsPerCase through one driver chunk per process; nothing
// printed depends on addresses or pairs order.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "lj/vm/interp/vm.h"
#include "lj/vm/lib/lib.h"

namespace lj::interp {
namespace {

constexpr int kProgramsPerCase = 10;

// Builds one random program; every choice is a rapidcheck draw.
class ProgramBuilder {
 public:
  std::string program() {
    // Literals first, so programs get past their first line.
    std::string s = "local a, b, c = " + literal() + ", " + literal() + ", " + literal() + "\n";
    s += "local t = {" + literal() + ", " + literal() + ", x = " + literal() + "}\n";
    in_function_ = true;
    s += "local function f(p, q)\n" + statements(2) + "  return " + expr(2) + "\nend\n";
    in_function_ = false;
    s += statements(3);
    return s;
  }

 private:
  // Note: rapidcheck's inRange scales the range with the size, so at
  // max_size=50 the later cases of each switch below are rarely drawn.
  // Drawing them uniformly generates programs that recurse through
  // metamethods and coroutines without bound, on which luajit -joff
  // itself crashes (docs/interpreter.md); kept as it was for now.
  int pick(int n) { return *rc::gen::inRange(0, n); }

  std::string literal() {
    static const char* const kLiterals[] = {"0", "1", "2", "7", "-3", "1.5", "0.25", "1e3", "\"s\"", "\"10\"",
                                            "\"0x10\"", "\"\"", "true", "false", "nil", "\"ab\""};
    return kLiterals[pick(static_cast<int>(std::size(kLiterals)))];
  }

  std::string variable() {
    static const char* const kVars[] = {"a", "b", "c", "t", "t[1]", "t.x", "t[2]"};
    static const char* const kParams[] = {"p", "q"};
    if (in_function_ && pick(3) == 0) return kParams[pick(2)];
    return kVars[pick(static_cast<int>(std::size(kVars)))];
  }

  std::string expr(int depth) {
    if (depth <= 0) return pick(2) ? literal() : variable();
    static const char* const kBinary[] = {"+", "-", "*", "/", "%", "^", "..", "==", "~=",
                                          "<", "<=", ">", ">=", "and", "or"};
    switch (pick(9)) {
      case 7: {
        // Library calls, including LuaJIT's bytecode builtins (ISTYPE,
        // ISNUM, TGETR/TSETR) and their argument errors.
        static const char* const kUnaryCalls[] = {"string.len", "math.deg", "math.rad", "table.getn", "table.remove",
                                                  "bit.tobit", "bit.bnot", "bit.tohex", "tonumber"};
        static const char* const kBinaryCalls[] = {"table.remove", "bit.band", "bit.lshift", "bit.arshift",
                                                   "bit.tohex", "math.max", "math.min"};
        if (pick(2)) return std::string(kUnaryCalls[pick(static_cast<int>(std::size(kUnaryCalls)))]) + "(" +
                            expr(depth - 1) + ")";
        return std::string(kBinaryCalls[pick(static_cast<int>(std::size(kBinaryCalls)))]) + "(" + expr(depth - 1) +
               ", " + expr(depth - 1) + ")";
      }
      case 0: return literal();
      case 1: return variable();
      case 2:
      case 3:
        return "(" + expr(depth - 1) + " " + kBinary[pick(static_cast<int>(std::size(kBinary)))] + " " +
               expr(depth - 1) + ")";
      case 4: {
        static const char* const kUnary[] = {"- ", "not ", "#"};  // "- -3", never "--3"
        return "(" + std::string(kUnary[pick(3)]) + expr(depth - 1) + ")";
      }
      case 5: return "t[" + expr(depth - 1) + "]";
      case 6: return in_function_ ? expr(depth - 1) : "f(" + expr(depth - 1) + ", " + expr(depth - 1) + ")";
      default: return "{" + expr(depth - 1) + "}";
    }
  }

  std::string assignable() {
    static const char* const kTargets[] = {"a", "b", "c", "t[1]", "t.x", "t[3]"};
    if (pick(4) == 0) return "t[" + expr(1) + "]";
    return kTargets[pick(static_cast<int>(std::size(kTargets)))];
  }

  std::string statement(int depth) {
    int kinds = depth > 0 ? 9 : 3;
    switch (pick(kinds)) {
      case 0: return "print(show(" + expr(2) + "), show(" + expr(2) + "))\n";
      case 1: return assignable() + " = " + expr(2) + "\n";
      case 2: return "print(show(" + expr(3) + "))\n";
      case 3:
        return "if " + expr(2) + " then\n" + statements(depth - 1) + "else\n" + statements(depth - 1) + "end\n";
      case 4:
        return "for i = 1, " + std::to_string(pick(3)) + " do\n" + statements(depth - 1) + "end\n";
      case 5:
        return "do local ok, e = pcall(function()\n" + statements(depth - 1) +
               "end) print(\"pcall\", ok, show(e)) end\n";
      case 6:
        return "do local n = 0 while n < " + std::to_string(pick(3)) + " do n = n + 1\n" + statements(depth - 1) +
               "end end\n";
      case 7:
        return "do local co = coroutine.wrap(function(x) coroutine.yield(x) coroutine.yield(" + expr(2) +
               ") return " + expr(1) + " end)\nprint(show(co(" + expr(1) + ")), show(co()), show(co())) end\n";
      default:
        return "setmetatable(t, {__index = function(_, k) return " + expr(1) +
               " end, __add = function(x, y) return " + expr(1) + " end, __lt = function() return " + expr(1) +
               " end})\n";
    }
  }

  std::string statements(int depth) {
    std::string s;
    int n = 1 + pick(3);
    for (int i = 0; i < n; i++) s += statement(depth);
    return s;
  }

  bool in_function_ = false;
};

// The driver: runs each program in its own pcall with the same printing.
std::string Driver(const std::vector<std::string>& programs) {
  std::string d =
      "local function show(v) local k = type(v)\n"
      "  if v ~= v then return 'NaN' end\n"
      "  if k == 'number' or k == 'string' or k == 'boolean' or k == 'nil' then return v end\n"
      "  return k end\n"
      "for _, src in ipairs({\n";
  for (const std::string& p : programs) d += "[==[\n" + p + "]==],\n";
  d +=
      "}) do\n"
      "  local fn, err = loadstring(src, '=prog')\n"
      "  if not fn then print('SYNTAX', err) else\n"
      "    setfenv(fn, setmetatable({show = show}, {__index = _G}))\n"
      "    local ok, e = pcall(fn) print('END', ok, show(e)) end\n"
      "end\n";
  return d;
}

std::string* g_sink = nullptr;

int capture_print(Thread* L) {
  Vm& vm = Vm::of(L);
  for (TValue* p = L->base; p < L->top; p++) {
    if (p > L->base) g_sink->push_back('\t');
    g_sink->append(vm.to_string(L, *p)->view());
  }
  g_sink->push_back('\n');
  return 0;
}

std::string RunLjit(const std::string& driver) {
  vm::GlobalState g;
  Vm vm(g);
  lib::open_all(vm);
  std::string out;
  g_sink = &out;
  g.globals()->set_str(g, g.intern("print"), TValue::function(vm.new_c_function(capture_print)));
  Thread* L = g.main_thread();
  TValue* f = L->top;
  f[0] = TValue::function(vm.load(driver, "=driver", g.globals()));
  L->top = f + 2;
  ptrdiff_t off = f - L->stack;
  if (!vm.pcall(L, f, 0, nullptr)) out += "DRIVER ERROR " + std::string(vm.to_string_raw(L->stack[off])->view());
  g_sink = nullptr;
  return out;
}

std::string RunLuajit(const std::string& driver) {
  std::string path = std::string(std::getenv("TEST_TMPDIR") ? std::getenv("TEST_TMPDIR") : "/tmp") +
                     "/differential_driver.lua";
  std::ofstream(path) << driver;
  FILE* p = popen(("luajit -joff " + path + " 2>&1").c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

// Known difference: luajit reports some stack overflows inside metamethod
// recursion without "prog:N: " (docs/interpreter.md); compare without it.
std::string WithoutOverflowPositions(std::string text) {
  const std::string what = "stack overflow";
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    size_t line = text.rfind('\n', at);
    size_t start = line == std::string::npos ? 0 : line + 1;
    size_t prog = text.find("prog:", start);
    if (prog != std::string::npos && prog < at) {
      text.erase(prog, at - prog);
      at = prog;
    }
  }
  return text;
}

bool LuajitInstalled() { return std::system("luajit -v > /dev/null 2>&1") == 0; }

TEST(DifferentialTest, RandomProgramsPrintWhatLuajitPrints) {
  // The reference is part of the build environment (setup.sh installs it).
  ASSERT_TRUE(LuajitInstalled()) << "luajit (Debian's 2.1.0-beta3) is required";
  EXPECT_TRUE(rc::check("ljit == luajit -joff", [] {
    std::vector<std::string> programs;
    for (int i = 0; i < kProgramsPerCase; i++) programs.push_back(ProgramBuilder().program());
    std::string driver = Driver(programs);
    std::string expected = RunLuajit(driver);
    std::string actual = WithoutOverflowPositions(RunLjit(driver));
    expected = WithoutOverflowPositions(expected);
    // Every program ran to its END line in the reference (no driver error).
    int ends = 0;
    for (size_t at = expected.find("END\t"); at != std::string::npos; at = expected.find("END\t", at + 1)) ends++;
    if (ends != kProgramsPerCase) RC_LOG() << driver << "\n--- luajit:\n" << expected;
    RC_ASSERT(ends == kProgramsPerCase);
    // LJ_DIFF_DUMP=1 shows one generated batch, to see what is tested.
    static int cases = 0;
    if (std::getenv("LJ_DIFF_DUMP") && ++cases == 150) {
      std::fprintf(stderr, "%s\n--- prints:\n%s\n", driver.c_str(), expected.c_str());
    }
    if (actual != expected) {
      RC_LOG() << driver << "\n--- luajit:\n" << expected << "\n--- ljit:\n" << actual;
    }
    RC_ASSERT(actual == expected);
  }));
}

}  // namespace
}  // namespace lj::interp
