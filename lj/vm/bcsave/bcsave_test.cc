// The dump format against itself and the parser: every corpus program's
// prototypes pass the verifier and survive write -> read -> write byte for
// byte; hand-written dumps check the header rules and luajit's messages;
// mutated dumps (rapidcheck) load or fail cleanly, never crash.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <variant>
#include <vector>

#include <fcntl.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include "lj/vm/bcsave/bcsave.h"
#include "lj/vm/bcsave/verify.h"
#include "lj/vm/interp/vm.h"
#include "lj/vm/lib/lib.h"
#include "lj/vm/object/state.h"
#include "lj/vm/parse/parser.h"

namespace lj::bcsave {
namespace {

std::vector<std::filesystem::path> CorpusFiles() {
  std::vector<std::filesystem::path> files;
  for (const char* dir : {"testing/lua", "examples"}) {
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.path().extension() == ".lua") files.push_back(entry.path());
    }
  }
  return files;
}

std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::shared_ptr<bc::Proto> ParseOk(std::string_view source, const std::string& name) {
  parse::ParseResult result = parse::Parse(source, name);
  if (!result.ok()) return nullptr;
  return result.proto();
}

// Every prototype of the tree, children first.
void CollectVerifyErrors(const bc::Proto& pt, std::vector<std::string>* errors) {
  for (const bc::GcConst& k : pt.gc_consts) {
    if (auto* child = std::get_if<std::shared_ptr<bc::Proto>>(&k)) CollectVerifyErrors(**child, errors);
  }
  std::string why = Verify(pt);
  if (!why.empty()) errors->push_back(bc::ProtoLocation(pt) + ": " + why);
}

TEST(BcsaveTest, CorpusVerifiesAndRoundTripsBytes) {
  std::vector<std::filesystem::path> files = CorpusFiles();
  ASSERT_GE(files.size(), 50u);
  int syntax_errors = 0;
  for (const auto& path : files) {
    std::shared_ptr<bc::Proto> pt = ParseOk(ReadText(path), "@" + path.filename().string());
    if (pt == nullptr) {
      syntax_errors++;  // testing/lua/errors/ holds none; the count is checked below
      continue;
    }
    std::vector<std::string> errors;
    CollectVerifyErrors(*pt, &errors);
    EXPECT_TRUE(errors.empty()) << path << ": " << errors.front();
    for (bool strip : {false, true}) {
      std::string dump = Write(*pt, strip);
      ReadResult read = Read(dump, "=x");
      ASSERT_TRUE(read.ok()) << path << " strip=" << strip << ": " << read.error;
      EXPECT_EQ(Write(*read.proto, strip), dump) << path << " strip=" << strip;
    }
  }
  EXPECT_EQ(syntax_errors, 0);
}

TEST(BcsaveTest, HeaderMessagesAsLuajit) {
  // Short headers are incompatible until the flags; after them, malformed.
  EXPECT_EQ(Read("\x1b", "\x1b").error, "(binary): cannot load incompatible bytecode");
  EXPECT_EQ(Read("\x1bLJ\x02", "@f.lua").error, "f.lua: cannot load incompatible bytecode");
  EXPECT_EQ(Read("\x1bLJ\x01\x0a", "=b").error, "b: cannot load incompatible bytecode");
  EXPECT_EQ(Read("\x1bLJ\x02\x1a", "x").error, "x: cannot load incompatible bytecode");  // unknown flag
  EXPECT_EQ(Read("\x1bLJ\x02\x02", "x").error, "x: cannot load incompatible bytecode");  // no FR2
  EXPECT_EQ(Read("\x1bLJ\x02\x08", "x").error, "x: cannot load malformed bytecode");
  EXPECT_EQ(Read(std::string("\x1bLJ\x02\x0a\x00", 6), "x").error, "x: cannot load malformed bytecode");
}

TEST(BcsaveTest, TruncationsAndTrailingBytesAreMalformed) {
  std::string dump = Write(*ParseOk("local t = {1, 'a', x = 2} return function() return t end", "=t"), false);
  ASSERT_TRUE(Read(dump, "=t").ok());
  for (size_t n = 5; n < dump.size(); n++) {
    EXPECT_EQ(Read(dump.substr(0, n), "=t").error, "t: cannot load malformed bytecode") << n;
  }
  EXPECT_FALSE(Read(dump + "x", "=t").ok());
}

// A big-endian writer's dump (luajit on PowerPC, say) loads too: the flag
// says to swap instruction words. Built from ours: one stripped prototype
// with small counts, so its instructions start at byte 13.
TEST(BcsaveTest, BigEndianDumpsLoad) {
  std::shared_ptr<bc::Proto> pt = ParseOk("return 1, 'a'", "=be");
  ASSERT_NE(pt, nullptr);
  std::string dump = Write(*pt, true);
  uint8_t nbc = static_cast<uint8_t>(dump[12]);
  ASSERT_EQ(nbc, pt->code.size() - 1);
  dump[4] = static_cast<char>(dump[4] | kFlagBigEndian);
  for (size_t at = 13; at < 13 + 4u * nbc; at += 4) std::reverse(dump.begin() + at, dump.begin() + at + 4);
  ReadResult read = Read(dump, "=be");
  ASSERT_TRUE(read.ok()) << read.error;
  EXPECT_EQ(read.proto->code, pt->code);
}

TEST(BcsaveTest, NumberConstantsKeepTheirValues) {
  std::shared_ptr<bc::Proto> pt =
      ParseOk("local a, b, c, d, e, f = 1e6, -70000, 0.5, 2^31, -2^31, 1/3 return a, b, c, d, e, f", "=n");
  ASSERT_NE(pt, nullptr);
  ReadResult read = Read(Write(*pt, true), "=n");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read.proto->num_consts, pt->num_consts);
}

TEST(BcsaveTest, VerifierRejectsOutOfRangeOperands) {
  std::shared_ptr<bc::Proto> pt = ParseOk("local x = 'a' return x", "=v");
  ASSERT_NE(pt, nullptr);
  ASSERT_EQ(Verify(*pt), "");
  bc::Proto bad = *pt;
  bad.code[1] = bc::WithA(bad.code[1], pt->framesize);  // KSTR into a slot past the frame
  EXPECT_EQ(Verify(bad), "operand at 1");
  bad = *pt;
  bad.code[1] = bc::WithD(bad.code[1], 7);  // no string constant 7
  EXPECT_EQ(Verify(bad), "operand at 1");
  bad = *pt;
  bad.code.back() = bc::EncodeAD(bc::Op::MOV, 0, 0);  // runs off the end
  EXPECT_EQ(Verify(bad), "falls off the end");
  bad = *pt;
  bad.code[1] = bc::EncodeAD(bc::Op::JLOOP, 0, 0);  // trace numbers never load
  EXPECT_EQ(Verify(bad), "operand at 1");
}

// The index of the first instruction with this opcode.
size_t Find(const bc::Proto& pt, bc::Op op) {
  for (size_t pc = 1; pc < pt.code.size(); pc++) {
    if (bc::OpOf(pt.code[pc]) == op) return pc;
  }
  return 0;
}

// Slots the interpreter trusts without a type check stay out of reach.
TEST(BcsaveTest, VerifierGuardsIteratorAndConstructorSlots) {
  std::shared_ptr<bc::Proto> loop = ParseOk("local t = {} for k in pairs(t) do k = 1 end", "=i");
  ASSERT_NE(loop, nullptr);
  ASSERT_EQ(Verify(*loop), "");
  size_t itern = Find(*loop, bc::Op::ITERN), kshort = Find(*loop, bc::Op::KSHORT);
  ASSERT_TRUE(itern > 0 && kshort > 0);
  bc::Proto bad = *loop;
  bad.code[kshort] = bc::WithA(bad.code[kshort], bc::AOf(bad.code[itern]) - 2);  // clobbers the state
  EXPECT_EQ(Verify(bad).rfind("hidden slots exposed", 0), 0u) << Verify(bad);
  bad = *loop;
  bad.code[Find(bad, bc::Op::ISNEXT)] = bc::EncodeAJ(bc::Op::JMP, 0, 0);  // ITERN without its ISNEXT
  EXPECT_EQ(Verify(bad).rfind("hidden slots exposed", 0), 0u) << Verify(bad);

  std::shared_ptr<bc::Proto> ctor = ParseOk("return {f()}", "=c");
  ASSERT_NE(ctor, nullptr);
  ASSERT_EQ(Verify(*ctor), "");
  bad = *ctor;
  size_t tnew = Find(bad, bc::Op::TNEW);
  ASSERT_GT(tnew, 0u);
  bad.code[tnew] = bc::EncodeAD(bc::Op::KSHORT, bc::AOf(bad.code[tnew]), 1);  // a number, not a table
  EXPECT_EQ(Verify(bad).rfind("hidden slots exposed", 0), 0u) << Verify(bad);
}

// Valid dumps of a few programs, with and without debug info.
std::vector<std::string> SeedDumps() {
  std::vector<std::string> seeds;
  for (const auto& path : CorpusFiles()) {
    if (seeds.size() >= 12) break;
    std::shared_ptr<bc::Proto> pt = ParseOk(ReadText(path), "@" + path.filename().string());
    if (pt == nullptr) continue;
    seeds.push_back(Write(*pt, seeds.size() % 2 == 0));
  }
  return seeds;
}

// One to four edits after the magic: byte changes and bit flips, and with
// `resize` deletions and insertions (which mostly break the framing).
std::string Mutated(std::string dump, bool resize) {
  int edits = *rc::gen::inRange(1, 5);
  for (int e = 0; e < edits && dump.size() > 4; e++) {
    size_t at = *rc::gen::inRange<size_t>(4, dump.size());
    switch (*rc::gen::inRange(0, resize ? 4 : 2)) {
      case 0: dump[at] = static_cast<char>(*rc::gen::arbitrary<uint8_t>()); break;
      case 1: dump[at] = static_cast<char>(dump[at] ^ (1 << *rc::gen::inRange(0, 8))); break;
      case 2: dump.erase(at, *rc::gen::inRange<size_t>(1, 9)); break;
      default: dump.insert(at, 1, static_cast<char>(*rc::gen::arbitrary<uint8_t>())); break;
    }
  }
  return dump;
}

// Loading goes all the way to GC objects and back out through string.dump's
// path; with asan this catches any read outside the input or the proto.
TEST(BcsaveTest, MutatedDumpsLoadOrFailCleanly) {
  static const std::vector<std::string> seeds = SeedDumps();
  ASSERT_FALSE(seeds.empty());
  int loaded = 0, rejected = 0;
  EXPECT_TRUE(rc::check("mutated dumps", [&] {
    std::string dump = Mutated(*rc::gen::elementOf(seeds), /*resize=*/true);
    if (dump.size() <= 4) return;
    vm::GlobalState g;
    interp::Vm vm(g);
    try {
      vm::Function* fn = vm.load(dump, "=fuzz", g.globals());
      std::string again = Write(*FromGc(*fn->proto()), false);
      RC_ASSERT(Read(again, "=again").ok());
      loaded++;
    } catch (const vm::LuaError& e) {
      std::string message(vm.to_string_raw(e.value())->view());
      RC_ASSERT(message == "fuzz: cannot load malformed bytecode" ||
                message == "fuzz: cannot load incompatible bytecode");
      rejected++;
    }
  }));
  EXPECT_GT(loaded, 0);
  EXPECT_GT(rejected, 0);
  std::printf("mutated dumps: %d loaded, %d rejected\n", loaded, rejected);
}

// How a child run of a loaded dump ended.
enum class RunEnd { Finished, TimedOut, Crashed };

// Runs what loads in a child process (a mutant may loop forever; a timer
// ends it) with stderr in a file, to show what a crash said.
RunEnd RunInChild(const std::string& dump, std::string* how) {
  std::string err_path = std::string(std::getenv("TEST_TMPDIR") ? std::getenv("TEST_TMPDIR") : "/tmp") +
                         "/bcsave_run_" + std::to_string(getpid()) + ".err";
  std::fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    dup2(open("/dev/null", O_WRONLY), 1);
    dup2(open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), 2);
    itimerval limit{};
    limit.it_value.tv_usec = 200000;
    setitimer(ITIMER_REAL, &limit, nullptr);
    vm::GlobalState g;
    interp::Vm vm(g);
    lib::open_all(vm);
    try {
      vm::Function* fn = vm.load(dump, "=fuzz", g.globals());
      vm::Thread* L = g.main_thread();
      vm::TValue* f = L->top;
      f[0] = vm::TValue::function(fn);
      L->top = f + 2;
      std::string traceback;
      vm.pcall(L, f, 0, &traceback);
    } catch (const vm::LuaError&) {
    }
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return RunEnd::Finished;
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) return RunEnd::TimedOut;
  std::string err = ReadText(err_path);
  *how = (WIFSIGNALED(status) ? "signal " + std::to_string(WTERMSIG(status))
                              : "exit " + std::to_string(WEXITSTATUS(status))) + ": " + err.substr(0, 300);
  return RunEnd::Crashed;
}

// Mutated dumps that pass the verifier run to completion, to an error,
// or into the timer; never into a crash (asan reports exit 1: a crash).
TEST(BcsaveTest, MutatedDumpsThatLoadRunWithoutCrashing) {
  static const std::vector<std::string> seeds = SeedDumps();
  int ends[3] = {};
  EXPECT_TRUE(rc::check("running mutated dumps", [&] {
    std::string dump = Mutated(*rc::gen::elementOf(seeds), /*resize=*/false);
    RC_PRE(Read(dump, "=fuzz").ok());
    std::string how;
    RunEnd end = RunInChild(dump, &how);
    ends[static_cast<int>(end)]++;
    if (end == RunEnd::Crashed) {
      std::string hex;
      for (unsigned char c : dump) hex += "0123456789abcdef"[c >> 4], hex += "0123456789abcdef"[c & 15];
      RC_FAIL(how + "\nrunning " + hex);
    }
  }));
  std::printf("mutated dumps run: %d finished, %d timed out\n", ends[0], ends[1]);
  EXPECT_GT(ends[0], 0);
}

}  // namespace
}  // namespace lj::bcsave
