// The text form of a trace: LuaJIT's `-jdump=is` IR listing (instructions,
// constants, interleaved snapshots) and a parser that reads it back, so tests
// can be written as text.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "lj/ir/binding.h"
#include "lj/ir/ir.h"

namespace lj::ir {

// The IR body as `luajit -jdump=is` prints it (without the "---- TRACE"
// header lines).
std::string dump(const Trace& trace, const Binding& binding);

// One constant as the dump prints it (padded to 4 columns); `snap_flags`
// are the SnapEntry flags when printed inside a snapshot.
std::string format_constant(const Trace& trace, const Binding& binding, Ref k,
                            uint32_t snap_flags = 0);

// Reads the text form back. Lines starting with "----" other than LOOP and
// blank lines are ignored. Gaps in instruction numbers become NOPs (the dump
// hides NOP, CARG and RENAME); CALL arguments are rebuilt as CARGs in the
// gap before the call.
absl::StatusOr<Trace> parse(std::string_view text, const Binding& binding);

}  // namespace lj::ir
