// Unit tests of the interpreter: calls and frames, varargs, pcall
// unwinding, stack growth with open upvalues, stack overflow, coroutine
// switching, metamethods, error messages, hot counters and the dispatch
// update.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lj/vm/interp/vm.h"
#include "lj/vm/lib/lib.h"

namespace lj::interp {
namespace {

std::string* g_output = nullptr;

// print replacement: appends "a\tb\n" to the test's output.
int capture_print(Thread* L) {
  Vm& vm = Vm::of(L);
  for (TValue* p = L->base; p < L->top; p++) {
    if (p > L->base) g_output->push_back('\t');
    g_output->append(vm.to_string(L, *p)->view());
  }
  g_output->push_back('\n');
  return 0;
}

class InterpTest : public ::testing::Test {
 protected:
  InterpTest() : vm_(g_) {
    lib::open_all(vm_);
    g_output = &output_;
    g_.globals()->set_str(g_, g_.intern("print"), TValue::function(vm_.new_c_function(capture_print)));
  }
  ~InterpTest() override { g_output = nullptr; }

  // Runs a chunk; returns its printed output, or "ERROR: msg".
  std::string Run(const std::string& source) {
    output_.clear();
    Thread* L = g_.main_thread();
    TValue* f = L->top;
    try {
      f[0] = TValue::function(vm_.load(source, "=test", g_.globals()));
    } catch (const vm::LuaError& e) {
      return std::string("SYNTAX: ") + e.what();
    }
    L->top = f + 2;
    ptrdiff_t off = f - L->stack;
    std::string tb;
    bool ok = vm_.pcall(L, f, 0, &tb);
    f = L->stack + off;
    std::string result = output_;
    if (!ok) result += "ERROR: " + std::string(vm_.to_string_raw(*f)->view());
    L->top = f;
    traceback_ = tb;
    EXPECT_EQ(L->base, L->stack + 2) << "frames left on the stack";
    return result;
  }

  vm::GlobalState g_;
  Vm vm_;
  std::string output_;
  std::string traceback_;
};

TEST_F(InterpTest, ArithmeticAndCalls) {
  EXPECT_EQ(Run("local function add(a, b) return a + b end print(add(2, 3), 7 % 3, -7 % 3, 2^10, '10' + 1)"),
            "5\t1\t2\t1024\t11\n");
}

TEST_F(InterpTest, MultipleResultsThroughEveryCallForm) {
  EXPECT_EQ(Run("local function f(...) return ... end\n"
                "print(f(1, 2, 3))\n"
                "print(select('#', f()), select('#', f(nil, nil)))\n"
                "local t = {f(4, 5, 6)} print(#t, t[3])\n"
                "local function g(...) return f(...) end print(g(7, 8))\n"
                "print((f(1, 2)))"),
            "1\t2\t3\n0\t2\n3\t6\n7\t8\n1\n");
}

TEST_F(InterpTest, VarargFrameKeepsFixedParameters) {
  EXPECT_EQ(Run("local function f(a, b, ...) local n = select('#', ...) return a, b, n, ... end\n"
                "print(f(1)) print(f(1, 2, 3, 4))"),
            "1\tnil\t0\n1\t2\t2\t3\t4\n");
}

TEST_F(InterpTest, ClosuresShareUpvalues) {
  EXPECT_EQ(Run("local fs = {} for i = 1, 3 do fs[i] = function() i = i + 10 return i end end\n"
                "print(fs[1](), fs[1](), fs[2](), fs[3]())\n"
                "local function counter() local n = 0 return function() n = n + 1 return n end, function() return n end end\n"
                "local inc, get = counter() inc() inc() print(get())"),
            "11\t21\t12\t13\n2\n");
}

TEST_F(InterpTest, DeepRecursionGrowsTheStackAndRelocatesOpenUpvalues) {
  // Each level keeps an open upvalue; the stack reallocates many times.
  EXPECT_EQ(Run("local getters = {}\n"
                "local function dive(n) local v = n local function get() return v end getters[n] = get\n"
                "  if n < 5000 then return (dive(n + 1)) end return n end\n"
                "print(dive(1), getters[1](), getters[2500](), getters[5000]())"),
            "5000\t1\t2500\t5000\n");
}

TEST_F(InterpTest, TailCallsKeepTheStackConstant) {
  EXPECT_EQ(Run("local function loop(n, acc) if n == 0 then return acc end return loop(n - 1, acc + n) end\n"
                "print(loop(1000000, 0))"),
            "500000500000\n");
}

TEST_F(InterpTest, StackOverflowIsCatchableAndTheProgramGoesOn) {
  EXPECT_EQ(Run("local function f() return 1 + f() end\n"
                "local ok, msg = pcall(f) print(ok, msg)\n"
                "local function g(n) if n == 0 then return 0 end return 1 + g(n - 1) end print(g(10000))"),
            "false\ttest:1: stack overflow\n10000\n");
}

TEST_F(InterpTest, PcallUnwindsNestedFramesAndClosesUpvalues) {
  EXPECT_EQ(Run("local saved\n"
                "local function inner(x) local captured = x * 2 saved = function() return captured end error('boom') end\n"
                "local function outer() inner(21) end\n"
                "print(pcall(outer)) print(saved())\n"
                "print(pcall(error, {}) == false, select('#', pcall(error)))\n"
                "print(pcall(pcall, error, 'x'))"),
            "false\ttest:2: boom\n42\ntrue\t2\ntrue\tfalse\tx\n");
}

TEST_F(InterpTest, XpcallHandlerSeesTheErrorAndErrorsInHandlers) {
  EXPECT_EQ(Run("print(xpcall(function() error('a') end, function(m) return 'handled: ' .. m end))\n"
                "print(xpcall(function() error('a') end, function(m) error('again') end))\n"
                "print(xpcall(function(...) return ... end, print, 1, 2))"),
            "false\thandled: test:1: a\nfalse\terror in error handling\ntrue\t1\t2\n");
}

TEST_F(InterpTest, ErrorLevelsAndValues) {
  EXPECT_EQ(Run("local function f() error('lvl2', 2) end\n"
                "local function g() f() end\n"
                "print(pcall(g)) print(pcall(error, 'nolevel', 0)) print(pcall(error, 42))"),
            "false\ttest:2: lvl2\nfalse\tnolevel\nfalse\t42\n");
}

TEST_F(InterpTest, RuntimeErrorsNameTheirVariables) {
  EXPECT_EQ(Run("local x print(pcall(function() return x.y end))"),
            "false\ttest:1: attempt to index upvalue 'x' (a nil value)\n");
  EXPECT_EQ(Run("print(pcall(function() undefined_fn() end))"),
            "false\ttest:1: attempt to call global 'undefined_fn' (a nil value)\n");
  EXPECT_EQ(Run("local t = {y = 'a'} print(pcall(function() return t.y + 1 end))"),
            "false\ttest:1: attempt to perform arithmetic on field 'y' (a string value)\n");
  EXPECT_EQ(Run("print(pcall(function() return 1 < nil end))"),
            "false\ttest:1: attempt to compare number with nil\n");
  EXPECT_EQ(Run("print(pcall(function() local a = {} return 'x' .. a end))"),
            "false\ttest:1: attempt to concatenate local 'a' (a table value)\n");
  EXPECT_EQ(Run("local s = 'x' print(pcall(function() local t = nil; t.x = 1 end))"),
            "false\ttest:1: attempt to index local 't' (a nil value)\n");
}

TEST_F(InterpTest, UncaughtErrorLeavesATraceback) {
  EXPECT_EQ(Run("local function f() error('deep') end\nlocal function g() f() end\ng()"),
            "ERROR: test:1: deep");
  // The last line is the host's C frame, "[C]: at 0x<address>" as luajit.
  const std::string expected_head =
      "stack traceback:\n\t[C]: in function 'error'\n\ttest:1: in function 'f'\n"
      "\ttest:2: in function 'g'\n\ttest:3: in main chunk\n\t[C]: at 0x";
  EXPECT_EQ(traceback_.substr(0, expected_head.size()), expected_head);
  EXPECT_EQ(traceback_.find('\n', expected_head.size()), std::string::npos);
}

TEST_F(InterpTest, CoroutineChainsAreBounded) {
  // Each coroutine resumes a new one: without a bound this grows until
  // memory runs out (luajit overflows its C stack).
  EXPECT_EQ(Run("local function nest(n) return coroutine.wrap(function() return nest(n + 1) end)() end\n"
                "print(pcall(nest, 1))"),
            "false\tC stack overflow\n");
  EXPECT_EQ(Run("local depth = 0 local function nest() depth = depth + 1 "
                "local ok, e = coroutine.resume(coroutine.create(nest)) if not ok then error(e, 0) end end "
                "local ok, e = pcall(nest) print(ok, e, depth)"),
            "false\ttest:1: C stack overflow\t201\n");
  // A long chain that stays below the bound still works.
  EXPECT_EQ(Run("local function nest(n) if n == 150 then return n end "
                "return coroutine.wrap(function() return nest(n + 1) end)() end print(nest(1))"),
            "150\n");
}

TEST_F(InterpTest, TracebacksNameMetamethodsAndHandlerFrameLines) {
  // luajit: a metamethod frame is "in function '__lt'", and the frame that
  // raised the error keeps its line while the xpcall handler runs.
  std::string out = Run(
      "local t = setmetatable({}, {__lt = function() return nil + 1 end})\n"
      "print(select(2, xpcall(function() return t < t end, debug.traceback)))");
  EXPECT_NE(out.find("\n\ttest:1: in function '__lt'\n\ttest:2: in function <test:2>\n"), std::string::npos)
      << out;
}

TEST_F(InterpTest, Metamethods) {
  EXPECT_EQ(Run("local V = {} V.__index = V\n"
                "V.__add = function(a, b) return setmetatable({x = a.x + b.x}, V) end\n"
                "V.__eq = function(a, b) return a.x == b.x end\n"
                "V.__lt = function(a, b) return a.x < b.x end\n"
                "V.__concat = function(a, b) return 'cat' end\n"
                "V.__call = function(self, y) return self.x + y end\n"
                "V.__unm = function(a) return -a.x end\n"
                "V.__len = function() return 99 end\n"
                "function V.get(self) return self.x end\n"
                "local a, b = setmetatable({x = 1}, V), setmetatable({x = 2}, V)\n"
                "print((a + b).x, a == b, a ~= setmetatable({x = 1}, V), a < b, a <= b, b > a, b >= a)\n"
                "print(a .. 'x', 'x' .. a, 1 .. a .. 2, a(10), -a, a:get())"),
            "3\tfalse\tfalse\ttrue\ttrue\ttrue\ttrue\ncat\tcat\t1cat\t11\t-1\t1\n");
}

TEST_F(InterpTest, IndexAndNewindexChains) {
  EXPECT_EQ(Run("local base = {a = 1}\n"
                "local mid = setmetatable({}, {__index = base})\n"
                "local top = setmetatable({}, {__index = mid})\n"
                "local log = {}\n"
                "local p = setmetatable({}, {__newindex = function(t, k, v) rawset(t, k, v * 2) end,\n"
                "                            __index = function(t, k) return k .. '!' end})\n"
                "p.x = 5 print(top.a, p.x, p.y)\n"
                "local loop = setmetatable({}, {}) getmetatable(loop).__index = loop\n"
                "print(pcall(function() return loop.z end))"),
            "1\t10\ty!\nfalse\ttest:9: loop in gettable\n");
}

TEST_F(InterpTest, PairsUsesNextAndIsnextDespecializes) {
  EXPECT_EQ(Run("local t = {10, 20, 30} local s = 0 for k, v in pairs(t) do s = s + k * v end print(s)\n"
                "local function iter(t, i) i = i + 1 if t[i] then return i, t[i] end end\n"
                "local n = 0 for i = 1, 3 do for k, v in iter, t, 0 do n = n + v end end print(n)\n"
                "for k, v in ipairs({5, 6}) do print(k, v) end"),
            "140\n180\n1\t5\n2\t6\n");
}

TEST_F(InterpTest, CoroutinesSwitchBothWays) {
  EXPECT_EQ(Run("local co = coroutine.create(function(a, b)\n"
                "  local c = coroutine.yield(a + b)\n"
                "  local d, e = coroutine.yield(c * 2)\n"
                "  return d + e end)\n"
                "print(coroutine.resume(co, 1, 2)) print(coroutine.status(co))\n"
                "print(coroutine.resume(co, 10)) print(coroutine.resume(co, 3, 4))\n"
                "print(coroutine.status(co), coroutine.resume(co))"),
            "true\t3\nsuspended\ntrue\t20\ntrue\t7\ndead\tfalse\tcannot resume dead coroutine\n");
}

TEST_F(InterpTest, CoroutineErrorsYieldAcrossPcallAndWrap) {
  EXPECT_EQ(Run("local co = coroutine.create(function() local x = nil return x.f end)\n"
                "print(coroutine.resume(co))\n"
                "local gen = coroutine.wrap(function() for i = 1, 3 do pcall(coroutine.yield, i) end end)\n"
                "print(gen(), gen(), gen())\n"
                "local w = coroutine.wrap(function() error('inside') end) print(pcall(w))\n"
                "print(pcall(coroutine.yield))\n"
                "local nested = coroutine.wrap(function()\n"
                "  local inner = coroutine.wrap(function() coroutine.yield(1) coroutine.yield(2) end)\n"
                "  coroutine.yield(inner() + inner()) end)\n"
                "print(nested())"),
            "false\ttest:1: attempt to index local 'x' (a nil value)\n1\t2\t3\n"
            "false\ttest:5: inside\nfalse\tattempt to yield across C-call boundary\n3\n");
}

TEST_F(InterpTest, YieldAcrossCCallBoundaryIsAnError) {
  EXPECT_EQ(Run("local co = coroutine.create(function()\n"
                "  table.sort({3, 2, 1}, function(a, b) coroutine.yield() return a < b end) end)\n"
                "print(coroutine.resume(co))"),
            "false\ttest:2: attempt to yield across C-call boundary\n");
}

TEST_F(InterpTest, CFunctionsCallBackIntoLua) {
  EXPECT_EQ(Run("local t = {5, 2, 8, 1} table.sort(t, function(a, b) return a > b end) print(table.concat(t, ','))\n"
                "print(tostring(setmetatable({}, {__tostring = function() return 'obj' end})))\n"
                "print(pcall(table.sort, {1, 2, 3}, function(a, b) error('cmp') end))"),
            "8,5,2,1\nobj\nfalse\ttest:3: cmp\n");
}

TEST_F(InterpTest, RunawayCToLuaNestingIsAStackOverflow) {
  std::string out = Run("local mt = {} mt.__tostring = function(o) return tostring(o) end\n"
                        "print(pcall(tostring, setmetatable({}, mt))) print('after')");
  EXPECT_EQ(out.substr(0, 6), "false\t");
  EXPECT_NE(out.find("stack overflow\nafter\n"), std::string::npos) << out;
}

TEST_F(InterpTest, HotCountersFireOnLuaJITsIteration) {
  // hotloop 56: a FORL counter starts at 111 and underflows on the 56th
  // backward branch, where LuaJIT starts recording.
  std::vector<const uint32_t*> hot_pcs;
  vm_.on_hot = [&](const uint32_t* pc) { hot_pcs.push_back(pc); };
  vm_.set_hotloop(56);
  EXPECT_EQ(Run("local n = 0 for i = 1, 1000 do n = n + 1 if n == 56 then print(i) end end"), "56\n");
  ASSERT_EQ(hot_pcs.size(), 1u + (1000 - 56) / 56);
  // Counted before the check: the first hot call sees iteration 56.
  hot_pcs.clear();
  vm_.set_hotloop(56);  // counters are shared by hashed pc: start afresh
  int at = 0;
  vm_.on_hot = [&](const uint32_t*) { if (at == 0) at = static_cast<int>(output_.size()); };
  Run("for i = 1, 100 do print(i) end");
  // Output up to iteration 56 inclusive: "1\n" .. "56\n" before the hook.
  std::string before;
  for (int i = 1; i <= 55; i++) before += std::to_string(i) + "\n";
  before += "56\n";
  EXPECT_EQ(at, static_cast<int>(before.size()));
}

TEST_F(InterpTest, FuncfCountsByOneFuncvNotAtAll) {
  // Self tail recursion: FUNCF is the only counted instruction (loops would
  // share hashed counters with it now and then, as in LuaJIT).
  int fired = 0;
  vm_.on_hot = [&](const uint32_t* pc) {
    EXPECT_EQ(bc::OpOf(pc[-1]), bc::Op::FUNCF);
    fired++;
  };
  vm_.set_hotloop(56);
  Run("local function f(n) if n > 1 then return f(n - 1) end end f(111)");
  EXPECT_EQ(fired, 0);  // 111 calls: the counter (111) reaches 0
  vm_.set_hotloop(56);
  Run("local function f(n) if n > 1 then return f(n - 1) end end f(112)");
  EXPECT_EQ(fired, 1);  // the 112th call underflows
  fired = 0;
  vm_.set_hotloop(56);
  Run("local function v(n, ...) if n > 1 then return v(n - 1) end end v(1000)");
  EXPECT_EQ(fired, 0);  // FUNCV never counts
}

TEST_F(InterpTest, DispatchUpdateRoutesEveryInstructionThroughTheHook) {
  int seen = 0;
  vm_.on_instruction = [&](const uint32_t*) { seen++; };
  vm_.set_instruction_hook(true);
  EXPECT_EQ(Run("local s = 0 for i = 1, 10 do s = s + i end print(s)"), "55\n");
  EXPECT_GE(seen, 30);  // 10 iterations of ADDVV+FORL, plus setup
  vm_.set_instruction_hook(false);
  int before = seen;
  EXPECT_EQ(Run("print(1)"), "1\n");
  EXPECT_EQ(seen, before);
}

TEST_F(InterpTest, CollectorRunsConstantlyWithoutLosingLiveValues) {
  // Pause 1%: a GC step at nearly every allocation, across closures,
  // coroutines, deep recursion, metamethods, sort callbacks and pcall.
  EXPECT_EQ(Run(
                "collectgarbage(\"setpause\", 1)\n"
                "collectgarbage(\"setstepmul\", 1000)\n"
                "local function mk(n) local t = {} for i = 1, n do t[i] = {i, tostring(i) .. \"x\", function() return i end} end return t end\n"
                "local sum = 0\n"
                "for r = 1, 30 do\n"
                "  local t = mk(200)\n"
                "  for i = 1, #t do sum = sum + t[i][1] + t[i][3]() + #t[i][2] end\n"
                "end\n"
                "print(sum)\n"
                "local co = coroutine.wrap(function() for i = 1, 2000 do coroutine.yield({i}, i .. \"\") end end)\n"
                "local s2 = 0\n"
                "for i = 1, 2000 do local a, b = co() s2 = s2 + a[1] + #b end\n"
                "print(s2)\n"
                "local function deep(n) local s = {n} if n == 0 then return 0 end return deep(n - 1) + s[1] end\n"
                "print(deep(3000))\n"
                "local mt = {__index = function(t, k) return {k} end, __add = function(a, b) return setmetatable({v = a.v + b.v}, getmetatable(a)) end}\n"
                "local acc = setmetatable({v = 0}, mt)\n"
                "for i = 1, 3000 do acc = acc + setmetatable({v = i}, mt) local x = acc[i] end\n"
                "print(acc.v)\n"
                "local words = {}\n"
                "for i = 1, 3000 do words[#words + 1] = string.format(\"%05d\", (i * 7919) % 3001) end\n"
                "table.sort(words, function(a, b) return a < b end)\n"
                "print(words[1], words[#words])\n"
                "local ok, e = pcall(function() local t = {} for i = 1, 100 do t[i] = {} end error({code = 7}) end)\n"
                "print(ok, e.code)\n"
                "local ud = newproxy(true)\n"
                "getmetatable(ud).__gc = function() gcran = true end\n"
                "ud = nil\n"
                "collectgarbage() collectgarbage()\n"
                "print(gcran)\n"),
            "1226760\n2007893\n4501500\n4501500\n00001\t03000\nfalse\t7\ntrue\n");
}

TEST_F(InterpTest, SyntaxErrorsAndLoadstring) {
  EXPECT_EQ(Run("x = = 1"), "SYNTAX: test:1: unexpected symbol near '='");
  EXPECT_EQ(Run("local f = loadstring('return 1 + ...') print(f(41)) print(loadstring('x ='))"),
            "42\nnil\t[string \"x =\"]:1: unexpected symbol near '<eof>'\n");
}

}  // namespace
}  // namespace lj::interp
