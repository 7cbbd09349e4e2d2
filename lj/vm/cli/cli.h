// Internal to lj/vm/cli: what the parts of `ljit` share (docs/cli.md).
#ifndef LJ_VM_CLI_CLI_H_
#define LJ_VM_CLI_CLI_H_

#include <optional>
#include <string>
#include <vector>

#include "lj/vm/interp/vm.h"

namespace lj::cli {

// The name bcsave's usage text gives the command (luajit's is fixed too).
inline constexpr const char* kProgram = "ljit";

// The name error messages, the usage text and arg[-n] use: argv[0] as luajit
// does, or kProgram when argv[0] is missing or empty.
const char* ProgramName();
void SetProgramName(const char* argv0);

// Reads a whole file ("-" is stdin); the error text is luajit's.
std::optional<std::string> ReadSource(const std::string& path, std::string* error);

// Prints "program: message" to stderr; returns the exit status 1.
int Fail(const std::string& message);

// Reports an uncaught error as luajit does, prefixed with "program: "
// unless program is null (the interactive loop); returns 1.
int ReportError(interp::Vm& vm, vm::TValue error, const std::string& traceback,
                const char* program = ProgramName());

// -b[options] input output: save (or with -l list) bytecode as luajit's
// bcsave does. `args` follow the "-b".
int SaveOrList(const std::vector<std::string>& args);

// The interactive loop on stdin (luajit's dotty): prompts, continuation
// lines, "=expr", errors reported and the session goes on; 0 at EOF.
void Repl(interp::Vm& vm);

// "JIT: ON fold cse ..." as luajit prints it before the interactive loop.
void PrintJitStatus(interp::Vm& vm);

}  // namespace lj::cli

#endif  // LJ_VM_CLI_CLI_H_
