// Prints the bytecode fidelity figures for the README:
//   bazel run //lj/vm/parse:fidelity_report -- [dir...]
// (defaults to the project's corpus folders, relative to the workspace).
#include <cstdio>
#include <cstdlib>
#include <unistd.h>
#include <string>
#include <vector>

#include "lj/vm/parse/fidelity.h"

int main(int argc, char** argv) {
  if (const char* ws = std::getenv("BUILD_WORKSPACE_DIRECTORY")) {
    if (chdir(ws) != 0) return 1;
  }
  std::vector<std::string> dirs(argv + 1, argv + argc);
  if (dirs.empty()) dirs = {"testing/lua", "examples", "bench", "lj/vm/parse/testdata"};
  lj::parse::FidelityReport report =
      lj::parse::CompareWithReference(lj::parse::FindLuaFiles(dirs), "luajit",
                                      "lj/vm/parse/protoinfo.lua");
  for (const std::string& m : report.mismatches) std::printf("MISMATCH %s\n", m.c_str());
  std::printf("%s\n", report.Summary().c_str());
  return report.opcode_matches == report.functions ? 0 : 1;
}
