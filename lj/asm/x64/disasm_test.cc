// Whole -jdump mcode sections of assembled IR traces: the header, the
// "->LOOP:" label line, "\t->N" on exit branches and "\t->LOOP" on the back
// edge checked directly, then the whole listing compared with what LuaJIT's
// dumper (jit/dump.lua's dump_mcode over jit.dis_x64, run live) prints for
// the same bytes, addresses and exit stubs.
#include "lj/asm/x64/disasm.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "lj/asm/x64/cpu.h"
#include "lj/asm/x64/jdump_reference.h"
#include "lj/ir/builder.h"

namespace lj::x64 {
namespace {

// Assembles `trace` as trace 5, its exit stubs jumping to a real handler.
AssembledTrace assemble_trace(const ir::Trace& trace, mcode::McodeSpace& space,
                              const ir::Binding* binding = nullptr) {
  static const TraceAbi abi;
  const AssembleOptions options{.trace_number = 5,
                                .exit_handler = abi.exit_handler_address(),
                                .use_sse4_1 = cpu_features().sse4_1,
                                .binding = binding};
  return assemble(trace, space, options);
}

using ir::IrType;
using ir::Op;
using ir::Ref;
using ir::SnapEntry;
using ir::Type;

// x = x * 1.5 while (i = i + step) <= 1000, i and step integers: exits for
// the type check of x, the bound before LOOP and the bound inside it.
ir::Trace scaling_loop() {
  ir::Trace t;
  ir::Builder b(t);
  b.snapshot(0, 4, 4, {});
  const Ref x = b.emit(Op::SLOAD, Type::guarded(IrType::NUM), 2, ir::sload::kTypeCheck);
  const Ref step = b.emit(Op::SLOAD, Type(IrType::INT), 3, ir::sload::kConvert);
  const Ref i = b.emit(Op::SLOAD, Type(IrType::INT), 1, ir::sload::kConvert);
  const Ref x1 = b.emit(Op::MUL, Type(IrType::NUM), x, b.knum(1.5));
  const Ref i1 = b.emit(Op::ADD, Type(IrType::INT), i, step);
  const SnapEntry first[] = {SnapEntry::make(1, 0, i1), SnapEntry::make(2, 0, x1)};
  b.snapshot(1, 4, 4, first);
  b.emit(Op::LE, Type::guarded(IrType::INT), i1, b.kint(1000));
  b.emit(Op::LOOP, Type(IrType::NIL));
  const Ref x2 = b.emit(Op::MUL, Type(IrType::NUM), x1, b.knum(1.5));
  const Ref i2 = b.emit(Op::ADD, Type(IrType::INT), i1, step);
  const SnapEntry later[] = {SnapEntry::make(1, 0, i2), SnapEntry::make(2, 0, x2)};
  b.snapshot(2, 4, 4, later);
  b.emit(Op::LE, Type::guarded(IrType::INT), i2, b.kint(1000));
  b.emit(Op::PHI, Type(IrType::NUM), x1, x2);
  b.emit(Op::PHI, Type(IrType::INT), i1, i2);
  return t;
}

// A helper for the call table: the dump names calls to it.
double halve(double x) { return x / 2; }

ir::Binding halve_table() {
  ir::Binding binding;
  binding.calls.push_back({"halve", reinterpret_cast<uint64_t>(&halve), 1, IrType::NUM, 0, nullptr});
  return binding;
}

// No loop: slot 3 = slot1 * 2.5 + slot2 (both type-checked), or with
// `call_helper` slot 3 = halve(slot 1) through the call table.
ir::Trace straight_line(bool call_helper) {
  ir::Trace t;
  ir::Builder b(t);
  b.snapshot(0, 4, 4, {});
  const Ref x = b.emit(Op::SLOAD, Type::guarded(IrType::NUM), 1, ir::sload::kTypeCheck);
  Ref result = 0;
  if (call_helper) {
    result = b.emit(Op::CALLN, Type(IrType::NUM), x, 0);
  } else {
    const Ref y = b.emit(Op::SLOAD, Type::guarded(IrType::NUM), 2, ir::sload::kTypeCheck);
    result = b.emit(Op::ADD, Type(IrType::NUM), b.emit(Op::MUL, Type(IrType::NUM), x, b.knum(2.5)), y);
  }
  const SnapEntry after[] = {SnapEntry::make(3, 0, result)};
  b.snapshot(1, 4, 4, after);
  return t;
}

std::vector<std::string> lines_of(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

// Where the listing line of the instruction at `address` is, or -1.
int line_at(const std::vector<std::string>& lines, uint64_t address) {
  const std::string prefix = absl::StrFormat("%08x  ", address);
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].rfind(prefix, 0) == 0) return static_cast<int>(i);
  }
  return -1;
}

// LuaJIT's dumper over the same bytes, or nullopt without luajit.
std::optional<std::string> luajit_dump(const AssembledTrace& code, const ir::Binding& binding) {
  ReferenceRequest request;
  for (const ir::CallInfo& call : binding.calls) request.symbols[call.address] = call.name;
  const auto* bytes = reinterpret_cast<const uint8_t*>(code.entry);
  request.bytes.assign(bytes, bytes + code.code_bytes());
  request.address = code.entry;
  request.loop_offset = code.loop == 0 ? 0 : code.loop - code.entry;
  for (uint32_t exit = 0; exit < code.stubs.count; ++exit) {
    request.symbols[code.stubs.address(exit)] = absl::StrCat(exit);
  }
  if (code.loop != 0) request.symbols[code.loop] = "LOOP";
  return luajit_listing(request);
}

TEST(Disasm, LoopTraceMarksLabelBackEdgeAndExits) {
  mcode::McodeSpace space;
  const AssembledTrace code = assemble_trace(scaling_loop(), space);
  ASSERT_NE(code.loop, 0u);
  const std::string dump = dump_mcode(code, 5);
  const std::vector<std::string> lines = lines_of(dump);
  ASSERT_GE(lines.size(), 4u) << dump;
  EXPECT_EQ(lines[0], absl::StrFormat("---- TRACE 5 mcode %d", code.code_bytes())) << dump;
  // The label line sits right above the loop's first instruction.
  const int loop_line = line_at(lines, code.loop);
  ASSERT_GT(loop_line, 1) << dump;
  EXPECT_EQ(lines[loop_line - 1], "->LOOP:") << dump;
  EXPECT_EQ(std::count(lines.begin(), lines.end(), "->LOOP:"), 1) << dump;
  // The last instruction jumps back to the label.
  EXPECT_TRUE(absl::EndsWith(lines.back(), "\t->LOOP")) << dump;
  // Every exit branch's line names its exit: the line before the branch end.
  ASSERT_FALSE(code.exit_branches.empty());
  for (const auto& [branch_end, exit] : code.exit_branches) {
    int line = -1;
    for (uint64_t at = branch_end - 2; at >= branch_end - 6 && line < 0; --at) line = line_at(lines, at);
    ASSERT_GE(line, 0) << "no line for the branch ending at " << branch_end << "\n" << dump;
    EXPECT_TRUE(absl::EndsWith(lines[line], absl::StrCat("\t->", exit))) << lines[line] << "\n" << dump;
  }
}

TEST(Disasm, StraightTraceHasNoLoopLabel) {
  mcode::McodeSpace space;
  const AssembledTrace code = assemble_trace(straight_line(false), space);
  ASSERT_EQ(code.loop, 0u);
  const std::string dump = dump_mcode(code, 7);
  EXPECT_EQ(dump.rfind(absl::StrFormat("---- TRACE 7 mcode %d\n", code.code_bytes()), 0), 0u);
  EXPECT_EQ(dump.find("LOOP"), std::string::npos) << dump;
  EXPECT_NE(dump.find("\t->0\n"), std::string::npos) << dump;
  EXPECT_NE(dump.find("mulsd xmm"), std::string::npos) << dump;
}

TEST(Disasm, CallsNameTheirHelper) {
  mcode::McodeSpace space;
  const ir::Binding binding = halve_table();
  const AssembledTrace code = assemble_trace(straight_line(true), space, &binding);
  const std::string dump = dump_mcode(code, 5, binding);
  EXPECT_NE(dump.find("call 0x"), std::string::npos) << dump;
  EXPECT_NE(dump.find("\t->halve\n"), std::string::npos) << dump;
  // Without the call table the address stays unnamed.
  EXPECT_EQ(dump_mcode(code, 5).find("halve"), std::string::npos);
}

// The whole listing, line for line, is what LuaJIT's dumper prints.
TEST(Disasm, WholeDumpsMatchLuajitsDumper) {
  if (!luajit_disassembler_available()) GTEST_SKIP() << "luajit with jit.dis_x64 not installed";
  mcode::McodeSpace space;
  const ir::Binding binding = halve_table();
  for (const ir::Trace& trace : {scaling_loop(), straight_line(false), straight_line(true)}) {
    const AssembledTrace code = assemble_trace(trace, space, &binding);
    const std::string dump = dump_mcode(code, 5, binding);
    const std::optional<std::string> reference = luajit_dump(code, binding);
    ASSERT_TRUE(reference.has_value()) << "luajit failed";
    const std::string header = absl::StrFormat("---- TRACE 5 mcode %d\n", code.code_bytes());
    EXPECT_EQ(dump, header + *reference);
    std::printf("%s", dump.c_str());
  }
}

}  // namespace
}  // namespace lj::x64
