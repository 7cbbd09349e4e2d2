// Tests of the io and os libraries that are easier from C++ than from the
// Lua corpus (testing/lua/io_*.lua, os_*.lua): stdout shared by print and
// io.write, file handles as userdata closed by the collector (counted in
// /proc/self/fd), and properties over random inputs checked against models
// written here: reading files with random format sequences against a
// string-slicing model, writing random values against their concatenation,
// and os.date("!...") against a civil-calendar computation.
#include <dirent.h>
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "lj/vm/interp/vm.h"
#include "lj/vm/lib/lib.h"
#include "lj/vm/lib/test_lua.h"

namespace lj::lib {
namespace {

using interp::Vm;
using vm::TValue;

// A file name under the test's temporary directory.
std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/" + name;
}

void WriteFile(const std::string& path, const std::string& bytes) {
  FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fwrite(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
}

std::string ReadFile(const std::string& path) {
  std::string out;
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return "<missing>";
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  std::fclose(f);
  return out;
}

int OpenDescriptors() {
  int n = 0;
  DIR* d = opendir("/proc/self/fd");
  if (!d) return -1;
  while (readdir(d)) n++;
  closedir(d);
  return n;
}

// -- Sharing stdout ------------------------------------------------------------------

TEST(IoStdout, PrintIoWriteAndStdoutShareOneBuffer) {
  TestLua lua;
  testing::internal::CaptureStdout();
  EXPECT_EQ(lua.Eval("print('a', 1) io.write('b', 2) io.stdout:write('c') print('d') "
                     "io.stdout:setvbuf('no') io.write('e') print() return 'ok'"),
            "ok");
  std::fflush(stdout);
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "a\t1\nb2cd\ne\n");
}

TEST(IoStdout, StandardHandlesWrapCStreams) {
  TestLua lua;
  char expected[96];
  std::snprintf(expected, sizeof expected, "file (%p) file (%p) file (%p)", static_cast<void*>(stdin),
                static_cast<void*>(stdout), static_cast<void*>(stderr));
  EXPECT_EQ(lua.Eval("return tostring(io.stdin) .. ' ' .. tostring(io.stdout) .. ' ' .. tostring(io.stderr)"),
            expected);
}

// -- Handles and the collector ----------------------------------------------------------

TEST(IoHandles, AreUserdataOfTypeFileWithTheRegistryMetatable) {
  TestLua lua;
  std::string path = TempPath("handle.txt");
  WriteFile(path, "x");
  EXPECT_EQ(lua.Eval("h = io.open('" + path + "') return type(h)"), "userdata");
  vm::GlobalState& g = lua.global();
  TValue h = g.globals()->get_str(g.intern("h"));
  ASSERT_TRUE(h.is_userdata());
  EXPECT_EQ(h.as_userdata()->udtype, 1);  // LuaJIT's UDTYPE_IO_FILE
  EXPECT_EQ(h.as_userdata()->metatable, g.registry()->get_str(g.intern("FILE*")).as_table());
  // A proxy with the same metatable is still not a file.
  EXPECT_EQ(lua.Eval("local p = newproxy(true) return tostring(io.type(p))"), "nil");
  EXPECT_EQ(lua.Eval("h:close() return io.type(h)"), "closed file");
}

TEST(IoHandles, CollectorClosesUnreachableFiles) {
  TestLua lua;
  std::string path = TempPath("gc.txt");
  WriteFile(path, "data");
  int before = OpenDescriptors();
  ASSERT_GT(before, 0);
  EXPECT_EQ(lua.Eval("keep = {} for i = 1, 20 do keep[i] = io.open('" + path + "') end return #keep"), "20");
  EXPECT_EQ(OpenDescriptors(), before + 20);
  EXPECT_EQ(lua.Eval("keep = nil collectgarbage() collectgarbage() return 'ok'"), "ok");
  EXPECT_EQ(OpenDescriptors(), before);
  // A closed handle's finalizer does nothing more.
  EXPECT_EQ(lua.Eval("local f = io.open('" + path + "') f:close() f = nil collectgarbage() return 'ok'"), "ok");
  EXPECT_EQ(OpenDescriptors(), before);
}

TEST(IoHandles, LinesOfANamedFileCloseAtTheEnd) {
  TestLua lua;
  std::string path = TempPath("lines.txt");
  WriteFile(path, "1\n2\n3");
  int before = OpenDescriptors();
  EXPECT_EQ(lua.Eval("local s = '' for l in io.lines('" + path + "') do s = s .. l end return s"), "123");
  EXPECT_EQ(OpenDescriptors(), before);
}

// -- Reading against a model ----------------------------------------------------------------

// One read format and what the model says it returns: the text, or
// nothing (nil) when it fails, from position *pos in content.
struct Format {
  std::string lua;  // as written in the read call
  enum Kind { Line, LineKeep, Count, All } kind;
  size_t count = 0;
};

bool ModelRead(const std::string& content, size_t* pos, const Format& f, std::string* out) {
  size_t rest = content.size() - *pos;
  switch (f.kind) {
    case Format::All:
      *out = content.substr(*pos);
      *pos = content.size();
      return true;
    case Format::Count:
      if (rest == 0) return false;
      *out = content.substr(*pos, f.count);
      *pos += out->size();
      return f.count == 0 || !out->empty();
    case Format::Line:
    case Format::LineKeep: {
      if (rest == 0) return false;
      size_t nl = content.find('\n', *pos);
      size_t end = nl == std::string::npos ? content.size() : nl;
      *out = content.substr(*pos, end - *pos);
      if (nl != std::string::npos && f.kind == Format::LineKeep) out->push_back('\n');
      *pos = nl == std::string::npos ? content.size() : nl + 1;
      return true;
    }
  }
  return false;
}

Format RandomFormat() {
  switch (*rc::gen::inRange(0, 4)) {
    case 0: return {*rc::gen::element<std::string>("'*l'", "'l'"), Format::Line};
    case 1: return {*rc::gen::element<std::string>("'*L'", "'L'"), Format::LineKeep};
    case 2: {
      size_t n = *rc::gen::inRange<size_t>(0, 12);
      return {std::to_string(n), Format::Count, n};
    }
    default: return {*rc::gen::element<std::string>("'*a'", "'a'"), Format::All};
  }
}

// Results as "S<len>:<bytes>" / "N" items, joined; the same serialisation
// runs in Lua.
constexpr const char* kSerialise =
    "local function ser(...) local out = {} for i = 1, select('#', ...) do local v = select(i, ...) "
    "out[#out + 1] = v == nil and 'N' or ('S' .. #v .. ':' .. v) end return table.concat(out, ',') end ";

TEST(IoRead, RandomFormatSequencesMatchTheModel) {
  TestLua lua;
  std::string path = TempPath("model.txt");
  bool ok = rc::check("read(formats...) slices the file as the model does", [&] {
    std::string content = *rc::gen::container<std::string>(rc::gen::element('a', 'b', ' ', '\n', '\r', '7', '\t'));
    WriteFile(path, content);
    int calls = *rc::gen::inRange(1, 6);
    std::string chunk = std::string(kSerialise) + "local f = assert(io.open('" + path + "', 'rb')) local r = {} ";
    std::string expected;
    size_t pos = 0;
    for (int c = 0; c < calls; c++) {
      int nformats = *rc::gen::inRange(0, 4);
      std::vector<Format> formats;
      for (int i = 0; i < nformats; i++) formats.push_back(RandomFormat());
      std::string args;
      std::string items;
      // No format reads a line; after a failing format the rest are skipped.
      std::vector<Format> effective = formats.empty() ? std::vector<Format>{{"", Format::Line}} : formats;
      for (size_t i = 0; i < formats.size(); i++) args += (i ? ", " : "") + formats[i].lua;
      for (const Format& f : effective) {
        std::string text;
        bool got = ModelRead(content, &pos, f, &text);
        items += (items.empty() ? "" : ",") + (got ? "S" + std::to_string(text.size()) + ":" + text : "N");
        if (!got) break;
      }
      chunk += "r[#r + 1] = ser(f:read(" + args + ")) ";
      expected += items + ";";
    }
    chunk += "f:close() return table.concat(r, ';') .. ';'";
    RC_ASSERT(lua.Eval(chunk) == expected);
  });
  EXPECT_TRUE(ok);
}

TEST(IoRead, EmbeddedZerosSurviveCountsAndAll) {
  TestLua lua;
  std::string path = TempPath("zeros.bin");
  WriteFile(path, std::string("a\0b\0\0c", 6));
  EXPECT_EQ(lua.Eval(std::string(kSerialise) + "local f = io.open('" + path + "', 'rb') return ser(f:read(2, '*a'))"),
            std::string("S2:a\0,S4:b\0\0c", 13));
}

// -- Writing against a model ------------------------------------------------------------

TEST(IoWrite, RandomValuesConcatenateAsTostring) {
  TestLua lua;
  std::string path = TempPath("written.txt");
  bool ok = rc::check("f:write(values...) writes their concatenation", [&] {
    int n = *rc::gen::inRange(0, 8);
    std::string args, expected;
    for (int i = 0; i < n; i++) {
      if (*rc::gen::arbitrary<bool>()) {
        int v = *rc::gen::inRange(-100000, 100000);
        args += (i ? ", " : "") + std::to_string(v);
        expected += std::to_string(v);
      } else {
        std::string s = *rc::gen::container<std::string>(rc::gen::inRange<char>('a', 'z'));
        args += (i ? ", '" : "'") + s + "'";
        expected += s;
      }
    }
    RC_ASSERT(lua.Eval("local f = io.open('" + path + "', 'wb') local ok = f:write(" + args +
                       ") f:close() return tostring(ok)") == "true");
    RC_ASSERT(ReadFile(path) == expected);
  });
  EXPECT_TRUE(ok);
}

// -- os.date against the civil calendar ------------------------------------------------------

// Year, month, day of a day count since 1970-01-01 (proleptic Gregorian).
void CivilFromDays(int64_t days, int64_t* y, int* m, int* d) {
  days += 719468;
  int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  int64_t doe = days - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2 ? 1 : 0);
}

TEST(OsDate, UtcFieldsMatchTheCivilCalendar) {
  TestLua lua;
  bool ok = rc::check("os.date('!...', t) and '!*t' agree with a civil-calendar model", [&] {
    int64_t t = *rc::gen::inRange<int64_t>(-20000000000, 20000000000);
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int64_t secs = t - days * 86400;
    int64_t y;
    int m, d;
    CivilFromDays(days, &y, &m, &d);
    int wday = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday (4)
    char expected[96];
    std::snprintf(expected, sizeof expected, "%04lld-%02d-%02d %02lld:%02lld:%02lld %d", static_cast<long long>(y), m,
                  d, static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                  static_cast<long long>(secs % 60), wday);
    std::string tt = std::to_string(t);
    RC_ASSERT(lua.Eval("return os.date('!%Y-%m-%d %H:%M:%S %w', " + tt + ")") == expected);
    char fields[96];
    std::snprintf(fields, sizeof fields, "%lld %d %d %d false", static_cast<long long>(y), m, d, wday + 1);
    RC_ASSERT(lua.Eval("local d = os.date('!*t', " + tt +
                       ") return d.year .. ' ' .. d.month .. ' ' .. d.day .. ' ' .. d.wday .. ' ' .. tostring(d.isdst)") ==
              fields);
  });
  EXPECT_TRUE(ok);
}

TEST(OsTime, RoundTripsThroughLocalDateTables) {
  TestLua lua;
  bool ok = rc::check("os.time(os.date('*t', t)) == t", [&] {
    int64_t t = *rc::gen::inRange<int64_t>(-2000000000, 4000000000);
    std::string tt = std::to_string(t);
    RC_ASSERT(lua.Eval("return tostring(os.time(os.date('*t', " + tt + ")) == " + tt + ")") == "true");
  });
  EXPECT_TRUE(ok);
}

TEST(OsExecute, ReturnsTheRawStatusWord) {
  TestLua lua;
  EXPECT_EQ(lua.Eval("return os.execute('exit 5')"), "1280");
  EXPECT_EQ(lua.Eval("return os.execute()"), "1");
}

// os.exit ends the process: checked in a forked child (death test).
TEST(OsExitDeathTest, EndsTheProcessWithItsStatus) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(TestLua().Eval("io.stderr:write('bye') os.exit(3)"), testing::ExitedWithCode(3), "bye");
  EXPECT_EXIT(TestLua().Eval("os.exit(true)"), testing::ExitedWithCode(0), "");
  EXPECT_EXIT(TestLua().Eval("os.exit(false)"), testing::ExitedWithCode(1), "");
  EXPECT_EXIT(TestLua().Eval("os.exit()"), testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace lj::lib
