// Bytecode fidelity over the project's Lua corpus: `luajit -bl` vs ljit.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include "gtest/gtest.h"
#include "lj/vm/parse/fidelity.h"

namespace lj::parse {
namespace {

constexpr const char* kLuajit = "/usr/bin/luajit";

TEST(FidelityTest, CorpusMatchesLuajitListing) {
  if (access(kLuajit, X_OK) != 0) {
    GTEST_SKIP() << "reference " << kLuajit << " is not installed";
  }
  std::vector<std::string> files = FindLuaFiles(
      {"testing/lua", "examples", "bench", "lj/vm/parse/testdata"});
  ASSERT_GE(files.size(), 10u) << "corpus not found in runfiles";
  FidelityReport report =
      CompareWithReference(files, kLuajit, "lj/vm/parse/protoinfo.lua");
  for (const std::string& m : report.mismatches) std::printf("MISMATCH %s\n", m.c_str());
  std::printf("%s\n", report.Summary().c_str());
  EXPECT_GT(report.functions, 0);
  EXPECT_EQ(report.opcode_matches, report.functions) << report.Summary();
  EXPECT_GE(report.ExactShare(), 95.0) << report.Summary();
  EXPECT_EQ(report.error_matches, report.error_files) << report.Summary();
  EXPECT_EQ(report.ffi_rejected, report.ffi_files) << report.Summary();
  EXPECT_GT(report.info_functions, 0);
  EXPECT_EQ(report.info_matches, report.info_functions) << report.Summary();
  EXPECT_GT(report.dump_functions, 0);
  EXPECT_EQ(report.dump_matches, report.dump_functions) << report.Summary();
}

}  // namespace
}  // namespace lj::parse

namespace lj::parse {
namespace {

// Mutated corpus programs that the reference still accepts must list the
// same: explores code shapes the corpus does not have.
TEST(FidelityTest, MutatedProgramsMatchLuajit) {
  if (access(kLuajit, X_OK) != 0) {
    GTEST_SKIP() << "reference " << kLuajit << " is not installed";
  }
  std::vector<std::string> files = FindLuaFiles(
      {"testing/lua", "examples", "bench", "lj/vm/parse/testdata"});
  ASSERT_FALSE(files.empty());
  std::vector<std::string> texts;
  for (const std::string& f : files) {
    if (f.find("/errors/") != std::string::npos) continue;  // Incl. FFI ones.
    std::ifstream in(f, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    texts.push_back(s.str());
  }
  const char* const kInserts[] = {" ", "local ", "-", "not ", "(", ")", "..",
                                  " and ", " or ", "1", "x", ",", "=", "{",
                                  "}", "[1]", ".y", ":z()", "return ", "\n"};
  std::mt19937 rng(12345);
  std::string dir = std::getenv("TEST_TMPDIR") ? std::getenv("TEST_TMPDIR") : "/tmp";
  std::string path = dir + "/mutant.lua";
  int compared = 0, rejected = 0, identical = 0;
  for (int round = 0; round < 800; ++round) {
    std::string text = texts[rng() % texts.size()];
    for (int m = 0, n = 1 + rng() % 2; m < n && !text.empty(); ++m) {
      size_t pos = rng() % text.size();
      if (rng() % 2) {
        text.erase(pos, 1 + rng() % 8);
      } else {
        text.insert(pos, kInserts[rng() % std::size(kInserts)]);
      }
    }
    if (text.find("LL") != std::string::npos || text.find("ULL") != std::string::npos) continue;
    std::ofstream(path, std::ios::binary) << text;
    FidelityReport r =
        CompareWithReference({path}, kLuajit, "lj/vm/parse/protoinfo.lua");
    if (r.ffi_files) continue;
    if (r.error_files == 1) {
      rejected++;  // Both must reject it with the same message.
    } else {
      compared++;
    }
    if (r.mismatches.empty()) {
      identical++;
    } else {
      ADD_FAILURE() << r.mismatches[0] << "\n--- program ---\n" << text;
      if (compared + rejected - identical > 3) break;
    }
  }
  std::printf("mutated programs: %d accepted, %d rejected by luajit; %d "
              "identical listings or messages\n", compared, rejected, identical);
  EXPECT_EQ(compared + rejected, identical);
  EXPECT_GT(compared, 100);
}

}  // namespace
}  // namespace lj::parse
