// lj/asm is reusable by any front end: the dependency closure of its
// libraries (a genquery result) must not reach the Lua VM or the recorder.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <string>

namespace {

TEST(AsmLayering, NoDependencyOnTheVmOrTheRecorder) {
  std::ifstream query_result("lj/asm/asm_deps");
  ASSERT_TRUE(query_result.good()) << "genquery output lj/asm/asm_deps not found";
  std::set<std::string> labels;
  for (std::string label; std::getline(query_result, label);) labels.insert(label);
  // The query really covered the libraries (an empty file would pass vacuously).
  EXPECT_TRUE(labels.count("//lj/asm:mcode"));
  EXPECT_TRUE(labels.count("//lj/asm/x64:encoder"));
  EXPECT_TRUE(labels.count("//lj/asm/x64:trace_abi"));
  EXPECT_TRUE(labels.count("//lj/asm:regalloc"));
  EXPECT_TRUE(labels.count("//lj/asm/x64:assembler"));
  EXPECT_TRUE(labels.count("//lj/asm/x64:disasm"));
  EXPECT_TRUE(labels.count("//lj/base:check"));
  for (const std::string& label : labels) {
    EXPECT_FALSE(label.starts_with("//lj/vm")) << label;
    EXPECT_FALSE(label.starts_with("//lj/record")) << label;
  }
}

}  // namespace
