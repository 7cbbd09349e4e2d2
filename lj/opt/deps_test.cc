// lj/ir and lj/opt are language-neutral: their transitive dependencies (from
// `bazel query`, via genquery) must name nothing under //lj/vm or //lj/record.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace {

TEST(Layering, IrAndOptDoNotDependOnTheVmOrTheRecorder) {
  std::ifstream file("lj/opt/ir_opt_deps");
  ASSERT_TRUE(file.good()) << "genquery output missing";
  std::string line;
  int targets = 0;
  bool saw_ir = false;
  while (std::getline(file, line)) {
    ++targets;
    saw_ir |= line == "//lj/ir:ir";
    EXPECT_EQ(line.find("//lj/vm"), std::string::npos) << line;
    EXPECT_EQ(line.find("//lj/record"), std::string::npos) << line;
  }
  EXPECT_TRUE(saw_ir) << "the query result should list //lj/ir:ir itself";
  EXPECT_GT(targets, 2);
}

}  // namespace
