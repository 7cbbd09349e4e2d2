// Bytecode fidelity against the reference: runs `luajit -bl` and our parser
// + listing on Lua files and compares them function by function.
#ifndef LJ_VM_PARSE_FIDELITY_H_
#define LJ_VM_PARSE_FIDELITY_H_

#include <string>
#include <vector>

#include "lj/vm/bc/bc.h"

namespace lj::parse {

struct FidelityReport {
  int files = 0;
  int functions = 0;          // Functions in the reference listings.
  int opcode_matches = 0;     // Same opcode sequence.
  int exact_matches = 0;      // Identical listing lines.
  int error_files = 0;        // Files the reference rejects.
  int error_matches = 0;      // ... with our identical message.
  int ffi_files = 0;          // Files using FFI literals (KCDATA).
  int ffi_rejected = 0;       // ... that we reject as malformed numbers.
  int info_functions = 0;     // Functions whose jit.util info was compared.
  int info_matches = 0;       // ... with identical lines, sizes, names.
  int dump_functions = 0;     // Functions compared with `luajit -bg` dumps.
  int dump_matches = 0;       // ... identical (table hash order aside).
  std::vector<std::string> mismatches;  // One line per problem.

  double OpcodeShare() const {
    return functions ? 100.0 * opcode_matches / functions : 100.0;
  }
  double ExactShare() const {
    return functions ? 100.0 * exact_matches / functions : 100.0;
  }
  std::string Summary() const;
};

// Compares every file (paths as given to both tools). `luajit` is the
// reference binary; with `protoinfo_script` (protoinfo.lua) the line info,
// frame sizes, constant counts and upvalue names are compared as well.
FidelityReport CompareWithReference(const std::vector<std::string>& files,
                                    const std::string& luajit,
                                    const std::string& protoinfo_script = "");

// What protoinfo.lua prints for a chunk, computed from our prototypes.
std::string ProtoInfo(const bc::Proto& main);

// Every *.lua below the given directories (or the files named), sorted.
std::vector<std::string> FindLuaFiles(const std::vector<std::string>& dirs);

}  // namespace lj::parse

#endif  // LJ_VM_PARSE_FIDELITY_H_
