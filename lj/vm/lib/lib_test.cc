// Tests of the libraries added on top of the interpreter core: the bytecode
// builtins (checked instruction by instruction against luajit's own), bit,
// jit, require/table.new/table.clear, collectgarbage switches and
// debug.getinfo. Expected strings are what luajit 2.1 prints.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <utility>
#include <sstream>
#include <string>
#include <vector>

#include "lj/vm/interp/vm.h"
#include "lj/vm/lib/builtins.h"
#include "lj/vm/lib/lib.h"
#include "lj/vm/lib/test_lua.h"

namespace lj::lib {
namespace {

using interp::Vm;
using vm::TValue;

class LibTest : public ::testing::Test {
 protected:
  std::string Eval(const std::string& source) { return lua_.Eval(source); }

  TestLua lua_;
  vm::GlobalState& g_ = lua_.global();
  Vm& vm_ = lua_.vm();
};

// -- Builtins ---------------------------------------------------------------------

// luajit's instruction words and constants of a builtin, via jit.util.
std::string LuajitListing(const char* path) {
  std::string script =
      "local u = require('jit.util') local f = " + std::string(path) +
      " local i = u.funcinfo(f) io.write(i.params, ' ', i.stackslots) "
      "for pc = 0, i.bytecodes - 1 do io.write(' ', (u.funcbc(f, pc))) end "
      "for k = 0, i.nconsts - 1 do io.write(' k', string.format('%.17g', u.funck(f, k))) end";
  std::string cmd = "luajit -e \"" + script + "\" 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return "";
  std::string out;
  char buf[256];
  while (fgets(buf, sizeof buf, p)) out += buf;
  return pclose(p) == 0 ? out : "";
}

std::string OurListing(Builtin which) {
  bc::Proto p = BuiltinProto(which);
  std::ostringstream out;
  out << int{p.numparams} << ' ' << int{p.framesize};
  // jit.util.funcbc returns the word as a signed 32-bit number.
  for (uint32_t ins : p.code) out << ' ' << static_cast<int32_t>(ins);
  char buf[40];
  for (double k : p.num_consts) {
    std::snprintf(buf, sizeof buf, " k%.17g", k);
    out << buf;
  }
  return out.str();
}

TEST(Builtins, BytecodeIsLuajitsOwn) {
  if (system("luajit -e '' 2>/dev/null") != 0) GTEST_SKIP() << "luajit not installed";
  const std::pair<Builtin, const char*> cases[] = {
      {Builtin::Deg, "math.deg"},         {Builtin::Rad, "math.rad"},
      {Builtin::Len, "string.len"},       {Builtin::Getn, "table.getn"},
      {Builtin::Remove, "table.remove"},  {Builtin::Foreach, "table.foreach"},
      {Builtin::Foreachi, "table.foreachi"},
  };
  for (auto [which, path] : cases) EXPECT_EQ(OurListing(which), LuajitListing(path)) << path;
}

TEST_F(LibTest, BuiltinsAreLuaFunctionsNamedBuiltin) {
  EXPECT_EQ(Eval("local i = debug.getinfo(table.remove) "
                 "return i.what..' '..i.source..' '..i.short_src..' '..i.linedefined..' '..i.nparams"),
            "Lua remove [builtin:remove] -1 2");
  EXPECT_EQ(Eval("local ok, tb = xpcall(function() table.foreachi({1}, error) end, debug.traceback) "
                 "return (tb:match('%[builtin:foreachi%]: in function .foreachi.') or tb)"),
            "[builtin:foreachi]: in function 'foreachi'");
}

TEST_F(LibTest, BuiltinArgumentErrorsAreLuajits) {
  EXPECT_EQ(Eval("table.remove(nil)"), "ERROR: test:1: bad argument #1 to 'remove' (table expected, got nil)");
  EXPECT_EQ(Eval("local s = string.len s({})"), "ERROR: test:1: bad argument #1 to 's' (string expected, got table)");
  EXPECT_EQ(Eval("return select(2, pcall(table.remove, {}, 'x'))"),
            "bad argument #2 to '?' (number expected, got string)");
  EXPECT_EQ(Eval("table.foreach({}, 1)"), "ERROR: test:1: bad argument #2 to 'foreach' (function expected, got number)");
  EXPECT_EQ(Eval("table.getn()"), "ERROR: test:1: bad argument #1 to 'getn' (table expected, got nil)");
  EXPECT_EQ(Eval("math.deg(nil)"), "ERROR: [builtin:deg]:0: attempt to perform arithmetic on a nil value");
}

TEST_F(LibTest, BuiltinsBehaveAsLuajits) {
  // Coercions of ISTYPE/ISNUM, raw access of TGETR/TSETR, truncated keys.
  EXPECT_EQ(Eval("return string.len(123) .. ' ' .. math.deg('1') .. ' ' .. math.rad(180)"),
            "3 57.295779513082 3.1415926535898");
  EXPECT_EQ(Eval("return table.remove({1, 2, 3}, '2') .. table.remove({1, 2, 3}, 1.5)"), "21");
  EXPECT_EQ(Eval("local t = setmetatable({}, {__index = function() return 9 end, "
                 "__newindex = function() error('raw!') end}) "
                 "rawset(t, 1, 7) rawset(t, 2, 8) "
                 "return table.remove(t) .. table.remove(t, 1) .. tostring(rawget(t, 1)) .. table.getn(t)"),
            "87nil0");
  EXPECT_EQ(Eval("return select('#', table.remove({})) .. select('#', table.remove({1, 2}, 5))"), "00");
  EXPECT_EQ(Eval("local t = {} for i = 1, 100 do t[i] = i end "
                 "for i = 1, 50 do table.remove(t, 1) end return #t .. ' ' .. t[1] .. ' ' .. t[50]"),
            "50 51 100");
  EXPECT_EQ(Eval("local s = 0 table.foreach({a = 1, b = 2, 3}, function(k, v) s = s + v end) return s"), "6");
  EXPECT_EQ(Eval("return table.foreachi({5, 6, 7}, function(i, v) if i == 2 then return v * 10 end end)"), "60");
}

// -- bit --------------------------------------------------------------------------

TEST_F(LibTest, BitUsesLuajitsThirtyTwoBitSemantics) {
  EXPECT_EQ(Eval("return bit.tobit(0xffffffff) .. ' ' .. bit.tobit(2^32 + 5) .. ' ' .. bit.tobit(1.5) .. ' ' .. "
                 "bit.tobit(-0.5) .. ' ' .. bit.tobit('12')"),
            "-1 5 2 0 12");
  EXPECT_EQ(Eval("return bit.lshift(1, 33) .. ' ' .. bit.arshift(-8, 1) .. ' ' .. bit.rshift(-1, 28) .. ' ' .. "
                 "bit.rol(1, -1) .. ' ' .. bit.bswap(1) .. ' ' .. bit.band(7, 6, 5)"),
            "2 -4 15 -2147483648 16777216 4");
  EXPECT_EQ(Eval("return bit.tohex(255, -4) .. ' ' .. bit.tohex(-1, 12) .. '|' .. bit.tohex(1, 0) .. '|' .. "
                 "bit.tohex(1, 17)"),
            "00FF 0000ffffffff||00000000000000001");
  EXPECT_EQ(Eval("bit.band()"), "ERROR: test:1: bad argument #1 to 'band' (number expected, got no value)");
}

// -- math.random ------------------------------------------------------------------

TEST_F(LibTest, RandomFollowsLuajitsSequence) {
  // Values printed by luajit 2.1.0-beta3 for the same calls.
  EXPECT_EQ(Eval("return string.format('%.17g', math.random()) .. ' ' .. math.random(1000)"),
            "0.79420629243124097 699");
  EXPECT_EQ(Eval("math.randomseed(7) local t = {} for i = 1, 4 do t[i] = string.format('%.17g', math.random()) end "
                 "t[5] = math.random(1000) t[6] = math.random(-5, 5) return table.concat(t, ' ')"),
            "0.26387193276332677 0.8664721596517706 0.67769192237738674 0.79576545809428167 131 5");
}

// -- jit --------------------------------------------------------------------------

TEST_F(LibTest, JitLibraryReportsLuajitsIdentity) {
  EXPECT_EQ(Eval("return jit.version .. ' ' .. jit.version_num .. ' ' .. jit.arch .. ' ' .. jit.os"),
            "LuaJIT 2.1.0-beta3 20100 x64 Linux");
  // No trace compiler yet: status is luajit -joff's (false, CPU, flags).
  EXPECT_EQ(Eval("local t = {jit.status()} return tostring(t[1]) .. ' ' .. t[#t]"), "false fuse");
}

TEST_F(LibTest, OptStartParsesLevelsFlagsAndParams) {
  Eval("jit.opt.start(2)");
  EXPECT_EQ(vm_.jit_settings().flags, interp::kJitLevel2);
  Eval("jit.opt.start('-fold', 'nocse', 'no-dce', '+fuse', 'hotloop=7', 'maxmcode=')");
  EXPECT_EQ(vm_.jit_settings().flags,
            interp::jit_flag_bit(interp::JitFlag::narrow) | interp::jit_flag_bit(interp::JitFlag::loop) |
                interp::jit_flag_bit(interp::JitFlag::fuse));
  EXPECT_EQ(vm_.jit_settings().param(interp::JitParam::hotloop), 7);
  EXPECT_EQ(vm_.hotloop(), 7u);
  EXPECT_EQ(vm_.jit_settings().param(interp::JitParam::maxmcode), 0);
  Eval("jit.opt.start()");
  EXPECT_EQ(vm_.jit_settings().flags, interp::kJitLevel3);
  EXPECT_EQ(Eval("jit.opt.start('hotloop=1x')"), "ERROR: test:1: unknown or malformed optimization flag 'hotloop=1x'");
  EXPECT_EQ(Eval("jit.opt.start('O1')"), "ERROR: test:1: unknown or malformed optimization flag 'O1'");
}

TEST_F(LibTest, JitOffStopsCountingAndOnResetsCounters) {
  vm_.set_hotloop(56);
  Eval("jit.off() for i = 1, 200 do end");
  // While off nothing counted: every counter still holds hotloop*2-1.
  const uint32_t fake_pc[64] = {};
  for (int i = 0; i < 64; i++) EXPECT_EQ(vm_.hot_counter(fake_pc + i + 1), 111) << i;
  EXPECT_FALSE(vm_.jit_enabled());
  Eval("jit.on() for i = 1, 10 do end");
  int counted = 0;
  for (int i = 0; i < 64; i++) counted += vm_.hot_counter(fake_pc + i + 1) != 111;
  EXPECT_EQ(counted, 1);  // the FORL's counter only (FUNCF of main is FUNCV)
}

TEST_F(LibTest, JitOffComposesWithTheDispatchHook) {
  // Both swap dispatch entries: the hook still sees every instruction and
  // the loop still does not count while the JIT is off.
  vm_.set_hotloop(56);
  vm_.set_jit_enabled(false);
  int seen = 0;
  vm_.on_instruction = [&](const uint32_t*) { seen++; };
  vm_.set_instruction_hook(true);
  EXPECT_EQ(Eval("local s = 0 for i = 1, 300 do s = s + i end return s"), "45150");
  vm_.set_instruction_hook(false);
  EXPECT_GT(seen, 600);
  const uint32_t fake_pc[64] = {};
  for (int i = 0; i < 64; i++) EXPECT_EQ(vm_.hot_counter(fake_pc + i + 1), 111) << i;
  vm_.set_jit_enabled(true);
  EXPECT_EQ(Eval("local s = 0 for i = 1, 300 do s = s + i end return s"), "45150");
}

TEST_F(LibTest, JitOnOffFlagFunctions) {
  Eval("function f() return function() end end jit.off(f, true)");
  vm::Function* f = g_.globals()->get_str(g_.intern("f")).as_function();
  EXPECT_TRUE(f->proto()->flags & bc::kProtoNoJit);
  EXPECT_TRUE(reinterpret_cast<vm::Proto*>(f->proto()->kgc(0))->flags & bc::kProtoNoJit);  // child
  Eval("jit.on(f)");
  EXPECT_FALSE(f->proto()->flags & bc::kProtoNoJit);
  EXPECT_TRUE(reinterpret_cast<vm::Proto*>(f->proto()->kgc(0))->flags & bc::kProtoNoJit);  // not recursive
  Eval("function g() jit.off(true) end g()");
  EXPECT_TRUE(g_.globals()->get_str(g_.intern("g")).as_function()->proto()->flags & bc::kProtoNoJit);
  EXPECT_EQ(Eval("jit.off(print)"), "ERROR: test:1: bad argument #1 to 'off' (function expected, got function)");
  EXPECT_TRUE(vm_.jit_enabled());
}

// -- require, collectgarbage, newproxy, debug -------------------------------------

TEST_F(LibTest, RequireFindsTableNewAndClear) {
  EXPECT_EQ(Eval("local n = require 'table.new' local t = n(4, 2) t[1] = 1 t.x = 2 "
                 "require('table.clear')(t) return tostring(next(t)) .. tostring(table.new == n) .. "
                 "tostring(package.loaded['table.new'] == n) .. tostring(require('bit') == bit)"),
            "niltruetruetrue");
  EXPECT_EQ(Eval("require 'nonexistent'"),
            "ERROR: test:1: module 'nonexistent' not found:\n\tno field package.preload['nonexistent']"
            "\n\tno file './nonexistent.lua'\n\tno file '/usr/share/luajit-2.1.0-beta3/nonexistent.lua'"
            "\n\tno file '/usr/local/share/lua/5.1/nonexistent.lua'"
            "\n\tno file '/usr/local/share/lua/5.1/nonexistent/init.lua'"
            "\n\tno file '/usr/share/lua/5.1/nonexistent.lua'\n\tno file '/usr/share/lua/5.1/nonexistent/init.lua'"
            "\n\tno file './nonexistent.so'\n\tno file '/usr/local/lib/lua/5.1/nonexistent.so'"
            "\n\tno file '/usr/lib/x86_64-linux-gnu/lua/5.1/nonexistent.so'"
            "\n\tno file '/usr/local/lib/lua/5.1/loadall.so'");
  EXPECT_EQ(Eval("package.preload.m = function(name) return name .. '!' end return require 'm' .. require 'm'"),
            "m!m!");
}

TEST_F(LibTest, CollectgarbageStopsAndRestarts) {
  EXPECT_EQ(Eval("collectgarbage('stop') local r = tostring(collectgarbage('isrunning')) "
                 "local before = collectgarbage('count') for i = 1, 20000 do local t = {} end "
                 "local grew = collectgarbage('count') > before + 500 "
                 "collectgarbage('restart') return r .. tostring(grew) .. tostring(collectgarbage('isrunning'))"),
            "falsetruetrue");
  EXPECT_EQ(Eval("return select(2, pcall(collectgarbage, 'bogus'))"), "bad argument #1 to '?' (invalid option 'bogus')");
}

TEST_F(LibTest, NewproxyChecksItsArgument) {
  EXPECT_EQ(Eval("local p = newproxy(true) local q = newproxy(p) "
                 "return type(p) .. tostring(getmetatable(q) == getmetatable(p)) .. tostring(getmetatable(newproxy()))"),
            "userdatatruenil");
  EXPECT_EQ(Eval("newproxy(1)"), "ERROR: test:1: bad argument #1 to 'newproxy' (boolean or proxy expected)");
}

// -- package: C modules, LUA_PATH; debug.debug -------------------------------------

// A scratch file under the test's temporary directory.
std::string WriteTempFile(const std::string& name, const std::string& text) {
  const char* dir = std::getenv("TEST_TMPDIR");
  std::string path = std::string(dir ? dir : "/tmp") + "/" + name;
  FILE* f = std::fopen(path.c_str(), "wb");
  std::fputs(text.c_str(), f);
  std::fclose(f);
  return path;
}

TEST_F(LibTest, CModulesAreFoundButNeverLoaded) {
  std::string so = WriteTempFile("cmod.so", "not really a library");
  std::string dir = so.substr(0, so.rfind('/'));
  std::string expected = "ERROR: error loading module 'cmod' from file '" + so +
                         "':\n\tdynamic libraries not enabled; check your Lua installation";
  EXPECT_EQ(Eval("package.path = '' package.cpath = '" + dir + "/?.so' return require 'cmod'"), expected);
  // The all-in-one loader: "cmod.sub" from the library of "cmod".
  EXPECT_EQ(Eval("package.path = '' package.cpath = '" + dir + "/?.so' return require 'cmod.sub'"),
            "ERROR: error loading module 'cmod.sub' from file '" + so +
                "':\n\tdynamic libraries not enabled; check your Lua installation");
  EXPECT_EQ(Eval("return table.concat({tostring(select(1, package.loadlib('x.so', 'f'))), "
                 "select(2, package.loadlib('x.so', 'f'))}, '|')"),
            "nil|dynamic libraries not enabled; check your Lua installation|absent");
}

// What luajit makes of LUA_PATH/LUA_CPATH (";;" is its default path).
std::string LuajitPaths(const std::string& env) {
  std::string command = env + " luajit -e 'io.write(package.path, \"|\", package.cpath)' 2>/dev/null";
  FILE* p = popen(command.c_str(), "r");
  if (!p) return "";
  std::string out;
  char buf[512];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

TEST(Package, PathsFromTheEnvironmentAsLuajit) {
  for (auto [path, cpath] : {std::pair{"./x/?.lua;;", "/c/?.so"}, std::pair{"a;;b", ";;"}, std::pair{"only", "c"}}) {
    std::string reference = LuajitPaths(std::string("LUA_PATH='") + path + "' LUA_CPATH='" + cpath + "'");
    ASSERT_FALSE(reference.empty()) << "luajit is needed for this comparison";
    setenv("LUA_PATH", path, 1);
    setenv("LUA_CPATH", cpath, 1);
    vm::GlobalState g;
    Vm vm(g);
    open_all(vm);
    unsetenv("LUA_PATH");
    unsetenv("LUA_CPATH");
    vm::Table* package = g.globals()->get_str(g.intern("package")).as_table();
    std::string ours = std::string(package->get_str(g.intern("path")).as_string()->view()) + "|" +
                       std::string(package->get_str(g.intern("cpath")).as_string()->view());
    EXPECT_EQ(ours, reference) << path << " " << cpath;
  }
}

TEST_F(LibTest, DebugDebugRunsLinesUntilCont) {
  std::string input = WriteTempFile("debug_input.txt", "x = 1 + 1\nerror('boom')\nlocal = \ncont\ny = 5\n");
  ASSERT_NE(std::freopen(input.c_str(), "r", stdin), nullptr);
  testing::internal::CaptureStderr();
  EXPECT_EQ(Eval("debug.debug() return tostring(x) .. ' ' .. tostring(y)"), "2 nil");
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(err,
            "lua_debug> lua_debug> (debug command):1: boom\n"
            "lua_debug> (debug command):1: '<name>' expected near '='\nlua_debug> ");
  // The lines after "cont" wait for the next session; end of input ends it.
  testing::internal::CaptureStderr();
  EXPECT_EQ(Eval("debug.debug() return tostring(y)"), "5");
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "lua_debug> lua_debug> ");
}

TEST_F(LibTest, HooksAreOffAfterSethookWithoutArguments) {
  // luajit: the line that sets the hook does not fire again; after
  // sethook() nothing fires.
  EXPECT_EQ(Eval("local n = 0 debug.sethook(function() n = n + 1 end, 'l') local a = 1 debug.sethook() "
                 "local before = n local b = 2 return before .. ' ' .. n .. ' ' .. select(2, debug.gethook())"),
            "0 0 ");
  EXPECT_EQ(Eval("local n = 0 debug.sethook(function() n = n + 1 end, 'l')\nlocal a = 1\ndebug.sethook()\n"
                 "local b = 2 return n"),
            "2");
}

TEST_F(LibTest, SetlocalOnHiddenLoopStateRaisesInsteadOfCrashing) {
  // luajit itself crashes here; ljit must stop the loop with a Lua error.
  EXPECT_EQ(Eval("for k in pairs({1, 2}) do for i = 1, 5 do local name = debug.getlocal(1, i) "
                 "if name == '(for state)' then debug.setlocal(1, i, 'x') end end end return 'no error'"),
            "ERROR: test:1: invalid loop state (a hidden loop variable was changed)");
  EXPECT_EQ(Eval("for k in pairs({1, 2}) do for i = 1, 5 do local name = debug.getlocal(1, i) "
                 "if name == '(for control)' then debug.setlocal(1, i, -1) end end end return 'no error'"),
            "ERROR: test:1: invalid loop state (a hidden loop variable was changed)");
}

}  // namespace
}  // namespace lj::lib
