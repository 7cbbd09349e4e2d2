#include "lj/ir/dump.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "lj/ir/builder.h"
#include "testing/ir/test_binding.h"

namespace lj::ir {
namespace {

// Trace 1 of fidelity/09_side_exit_link.dump, built through the API.
TEST(Dump, PrintsLuaJitFormat) {
  testing::TestBinding tb;
  Trace trace;
  Builder b(trace);
  auto snap = [&](std::vector<SnapEntry> entries, int nslots) {
    b.snapshot(0, static_cast<uint8_t>(nslots), static_cast<uint8_t>(nslots), entries);
  };
  snap({}, 2);
  Ref i = b.emit(Op::SLOAD, Type(IrType::INT), 6, sload::kConvert | sload::kInherit);
  Ref next = b.emit(Op::ADD, Type(IrType::INT), i, b.kint(1));
  snap({}, 6);
  b.emit(Op::LE, Type::guarded(IrType::INT), next, b.kint(58));
  snap({SnapEntry::make(6, 0, next), SnapEntry::make(9, 0, next)}, 10);
  b.append(Builder::make(Op::LOOP, Type(IrType::NIL), 0, 0));
  Ref next2 = b.emit(Op::ADD, Type(IrType::INT), next, b.kint(1));
  snap({}, 6);
  b.emit(Op::LE, Type::guarded(IrType::INT), next2, b.kint(58));
  b.emit(Op::PHI, Type(IrType::INT), next, next2);
  trace[next].t.set_phi();
  trace[next2].t.set_phi();
  EXPECT_EQ(dump(trace, tb.binding()),
            "....        SNAP   #0   [ ---- ---- ]\n"
            "0001    int SLOAD  #6    CI\n"
            "0002  + int ADD    0001  +1  \n"
            "....        SNAP   #1   [ ---- ---- ---- ---- ---- ---- ]\n"
            "0003 >  int LE     0002  +58 \n"
            "....        SNAP   #2   [ ---- ---- ---- ---- ---- ---- 0002 ---- ---- 0002 ]\n"
            "0004 ------ LOOP ------------\n"
            "0005  + int ADD    0002  +1  \n"
            "....        SNAP   #3   [ ---- ---- ---- ---- ---- ---- ]\n"
            "0006 >  int LE     0005  +58 \n"
            "0007    int PHI    0002  0005\n");
}

TEST(Dump, ConstantsAndLiterals) {
  testing::TestBinding tb;
  Trace trace;
  Builder b(trace);
  Ref env = b.emit(Op::FLOAD, Type(IrType::TAB), b.kgc(IrType::FUNC, tb.named(IrType::FUNC, "t.lua:3").bits),
                   tb.field("func.env"));
  Ref key = trace.kslot(b.kgc(IrType::STR, tb.string("print").bits), 8);
  b.emit(Op::HREFK, Type::guarded(IrType::P64), env, key);
  Ref x = b.emit(Op::SLOAD, Type::guarded(IrType::NUM), 2, sload::kTypeCheck);
  b.emit(Op::CONV, Type(IrType::INT), x, conv::mode(IrType::INT, IrType::NUM) | conv::kCheck);
  b.emit(Op::LT, Type::guarded(IrType::NUM), x, b.knum(0.25));
  b.emit(Op::TNEW, Type::guarded(IrType::TAB), 0, 0);
  b.emit(Op::FPMATH, Type(IrType::NUM), x, static_cast<Ref>(FpMath::FLOOR));
  Ref arg = b.emit(Op::CARG, Type(IrType::NIL), x, b.knum(2.5));
  b.emit(Op::CALLN, Type(IrType::NUM), arg, tb.call("pow"));
  EXPECT_EQ(dump(trace, tb.binding()),
            "0001    tab FLOAD  t.lua:3  func.env\n"
            "0002 >  p64 HREFK  0001  \"print\" @8\n"
            "0003 >  num SLOAD  #2    T\n"
            "0004    int CONV   0003  int.num check\n"
            "0005 >  num LT     0003  +0.25\n"
            "0006 >  tab TNEW   #0    #0  \n"
            "0007    num FPMATH 0003  floor\n"
            "0009    num CALLN  pow         (0003 +2.5)\n");
}

// Splits a -jdump file into its IR sections.
std::vector<std::string> ir_sections(const std::string& text) {
  std::vector<std::string> sections;
  std::istringstream in(text);
  std::string line, current;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line.starts_with("---- TRACE")) {
      if (inside) sections.push_back(current);
      inside = line.ends_with(" IR");
      current.clear();
      continue;
    }
    if (inside) current += line + "\n";
  }
  if (inside) sections.push_back(current);
  return sections;
}

// Every IR listing LuaJIT printed for the fidelity programs parses and
// prints back byte for byte.
TEST(Parse, LuaJitDumpsRoundTrip) {
  int sections = 0;
  for (const auto& entry : std::filesystem::directory_iterator("lj/ir/testdata")) {
    std::ifstream file(entry.path());
    std::stringstream content;
    content << file.rdbuf();
    for (const std::string& section : ir_sections(content.str())) {
      testing::TestBinding tb;
      auto trace = parse(section, tb.binding());
      ASSERT_TRUE(trace.ok()) << entry.path() << ": " << trace.status();
      EXPECT_EQ(dump(*trace, tb.binding()), section) << entry.path();
      ++sections;
    }
  }
  EXPECT_GE(sections, 30);
}

TEST(Parse, RebuildsStructure) {
  testing::TestBinding tb;
  auto trace = parse(
      "....        SNAP   #0   [ ---- ---- ]\n"
      "0001    int SLOAD  #6    CI\n"
      "0002    int ADD    0001  +1  \n"
      "....        SNAP   #1   [ ---- 0002 ftsz|---- ]\n"
      "0003 >  int LE     0002  +58 \n",
      tb.binding());
  ASSERT_TRUE(trace.ok()) << trace.status();
  EXPECT_EQ(trace->nins(), kRefFirst + 3);
  EXPECT_EQ((*trace)[kRefFirst].op2, sload::kConvert | sload::kInherit);
  EXPECT_EQ((*trace)[kRefFirst + 1].o, Op::ADD);
  EXPECT_EQ((*trace)[(*trace)[kRefFirst + 1].op2].int_value(), 1);
  EXPECT_TRUE((*trace)[kRefFirst + 2].t.is_guard());
  ASSERT_EQ(trace->snaps.size(), 2u);
  EXPECT_EQ(trace->snaps[1].ref, kRefFirst + 2);
  EXPECT_EQ(trace->snaps[1].nent, 2);
  EXPECT_TRUE(trace->snapshot_entries(1)[1].has(SnapEntry::kFrame));
  EXPECT_EQ(trace->snapshot_entries(1)[0].ref(), kRefFirst + 1);
}

TEST(Parse, ReportsErrorsWithLineNumbers) {
  testing::TestBinding tb;
  auto bad = parse("0001    int FROB   0001\n", tb.binding());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("line 1"), std::string::npos);
  EXPECT_FALSE(parse("0002    int ADD    0001  +1  \n0001    int ADD    0001  +1  \n", tb.binding()).ok());
}

}  // namespace
}  // namespace lj::ir
