#include "lj/ir/ir.h"

#include <gtest/gtest.h>

#include "lj/ir/builder.h"
#include "lj/ir/dump.h"
#include "testing/ir/test_binding.h"

namespace lj::ir {
namespace {

TEST(OpTable, MatchesLuaJitNumberingAndModes) {
  EXPECT_EQ(static_cast<int>(Op::LT), 0);
  EXPECT_EQ(static_cast<int>(Op::NOP), 12);
  EXPECT_EQ(static_cast<int>(Op::KPRI), 22);
  EXPECT_EQ(static_cast<int>(Op::ADD), 41);
  EXPECT_EQ(static_cast<int>(Op::SLOAD), 71);
  EXPECT_EQ(static_cast<int>(Op::CARG), kOpCount - 1);
  EXPECT_EQ(kOpCount, 101);
  // jit.vmdef.irnames of the reference build: 6 characters per opcode.
  std::string_view irnames =
      "LT    GE    LE    GT    ULT   UGE   ULE   UGT   EQ    NE    ABC   RETF  NOP   BASE  PVAL  GCSTEPHIOP  LOOP  USE   PHI   RENAMEPROF  KPRI  KINT  KGC   KPTR  KKPTR KNULL KNUM  KINT64KSLOT BNOT  BSWAP BAND  BOR   BXOR  BSHL  BSHR  BSAR  BROL  BROR  ADD   SUB   MUL   DIV   MOD   POW   NEG   ABS   LDEXP MIN   MAX   FPMATHADDOV SUBOV MULOV AREF  HREFK HREF  NEWREFUREFO UREFC FREF  TMPREFSTRREFLREF  ALOAD HLOAD ULOAD FLOAD XLOAD SLOAD VLOAD ALEN  ASTOREHSTOREUSTOREFSTOREXSTORESNEW  XSNEW TNEW  TDUP  CNEW  CNEWI BUFHDRBUFPUTBUFSTRTBAR  OBAR  XBAR  CONV  TOBIT TOSTR STRTO CALLN CALLA CALLL CALLS CALLXSCARG  ";
  for (int i = 0; i < kOpCount; ++i) {
    std::string padded(kOpInfo[i].name);
    padded.resize(6, ' ');
    EXPECT_EQ(irnames.substr(i * 6, 6), padded) << i;
  }
  EXPECT_EQ(name(Op::HREFK), "HREFK");
  EXPECT_TRUE(info(Op::ADD).commutative);
  EXPECT_FALSE(info(Op::SUB).commutative);
  EXPECT_TRUE(info(Op::ADDOV).weak_guard);
  EXPECT_FALSE(info(Op::LT).weak_guard);
  EXPECT_EQ(info(Op::HSTORE).kind, OpKind::kStore);
  EXPECT_EQ(info(Op::TNEW).kind, OpKind::kAlloc);
  EXPECT_EQ(info(Op::SLOAD).op1, OperandKind::lit);
  EXPECT_EQ(info(Op::KINT).op1, OperandKind::cst);
  EXPECT_EQ(info(Op::LOOP).op1, OperandKind::none);
}

// Mode bytes jit.util.traceir returns in the reference build.
TEST(OpTable, ModeBytesMatchTheReferenceBuild) {
  const std::pair<Op, int> reference[] = {
      {Op::SLOAD, 197}, {Op::CONV, 132},  {Op::MUL, 144},   {Op::FLOAD, 196},
      {Op::ABC, 128},   {Op::AREF, 128},  {Op::EQ, 144},    {Op::ASTORE, 224},
      {Op::LOOP, 239},  {Op::PHI, 224},   {Op::NOP, 143},   {Op::ALOAD, 204},
      {Op::TNEW, 37},   {Op::TOSTR, 132}, {Op::BUFHDR, 196}, {Op::BUFPUT, 64},
      {Op::BUFSTR, 32}, {Op::RENAME, 228}, {Op::HREF, 192}, {Op::UREFO, 68},
      {Op::TDUP, 44},   {Op::ALEN, 192},  {Op::TBAR, 236},  {Op::SUBOV, 0},
      {Op::VLOAD, 196}, {Op::FREF, 132},  {Op::NEWREF, 224}, {Op::FPMATH, 132},
      {Op::STRREF, 128}, {Op::SNEW, 128}, {Op::ULOAD, 204}, {Op::MOD, 128}};
  for (auto [op, mode] : reference) EXPECT_EQ(luajit_mode(info(op)), mode) << name(op);
}

TEST(Types, DumpNamesAndFlags) {
  EXPECT_EQ(name(IrType::NUM), "num");
  EXPECT_EQ(name(IrType::I8), "i8 ");
  EXPECT_EQ(name(IrType::SOFTFP), "sfp");
  EXPECT_EQ(static_cast<int>(IrType::INT), 19);
  Type t = Type::guarded(IrType::INT);
  t.set_phi();
  EXPECT_TRUE(t.is_guard());
  EXPECT_TRUE(t.is_phi());
  EXPECT_TRUE(t.is_int());
  EXPECT_EQ(t.bits, 0x80 | 0x40 | 19);
}

TEST(Trace, FixedReferencesAndInterning) {
  Trace trace;
  EXPECT_EQ(trace[kRefNil].o, Op::KPRI);
  EXPECT_TRUE(trace[kRefTrue].t.is(IrType::TRUE));
  EXPECT_EQ(trace[kRefBase].o, Op::BASE);
  Ref one = trace.kint(1);
  EXPECT_EQ(trace.kint(1), one);
  EXPECT_NE(trace.kint(2), one);
  EXPECT_EQ(trace[one].int_value(), 1);
  Ref half = trace.knum(0.5);
  EXPECT_EQ(trace.knum(0.5), half);
  EXPECT_NE(trace.knum(-0.0), trace.knum(0.0));
  // 64-bit constants take two slots below the bias.
  Ref before = trace.nk();
  Ref big = trace.knum(1e300);
  EXPECT_EQ(before - trace.nk(), 2u);
  EXPECT_EQ(trace.number(big), 1e300);
  EXPECT_EQ(trace.int64(trace.kint64(-7)), -7);
  Ref slot = trace.kslot(trace.kgc(IrType::STR, 0x40), 8);
  EXPECT_EQ(trace[slot].op2, 8);
}

TEST(Trace, GrowsBothWays) {
  Trace trace;
  for (int i = 0; i < 2000; ++i) trace.kint(i);
  for (int i = 0; i < 3000; ++i)
    trace.append(Builder::make(Op::ADD, Type(IrType::INT), trace.kint(i % 7), trace.kint(i % 5)));
  EXPECT_EQ(trace.nins(), kRefFirst + 3000);
  EXPECT_EQ(trace[trace.kint(1999)].int_value(), 1999);
  EXPECT_EQ(trace[kRefFirst + 2999].op1, trace.kint(2999 % 7));
}

TEST(Builder, CseFindsEqualPureInstructionsOnly) {
  Trace trace;
  Builder b(trace);
  Ref x = b.emit(Op::SLOAD, Type(IrType::INT), 1, sload::kTypeCheck);
  Ref y = b.emit(Op::SLOAD, Type(IrType::INT), 1, sload::kTypeCheck);
  EXPECT_NE(x, y) << "loads are not CSE'd by the emitter";
  Ref a = b.emit(Op::ADD, Type(IrType::INT), x, b.kint(1));
  EXPECT_EQ(b.emit(Op::ADD, Type(IrType::INT), x, b.kint(1)), a);
  EXPECT_NE(b.emit(Op::ADD, Type(IrType::INT), y, b.kint(1)), a);
  Ref s1 = b.emit(Op::FSTORE, Type(IrType::INT), a, a);
  EXPECT_NE(b.emit(Op::FSTORE, Type(IrType::INT), a, a), s1);
  EmitOptions no_cse;
  no_cse.cse = false;
  Builder plain(trace, nullptr, no_cse);
  EXPECT_NE(plain.emit(Op::ADD, Type(IrType::INT), x, trace.kint(1)), a);
}

TEST(Builder, ChainsLinkSameOpcode) {
  Trace trace;
  Builder b(trace);
  Ref x = b.emit(Op::SLOAD, Type(IrType::NUM), 1, 0);
  Ref a1 = b.emit(Op::ADD, Type(IrType::NUM), x, b.knum(1));
  b.emit(Op::SUB, Type(IrType::NUM), a1, x);
  Ref a2 = b.emit(Op::ADD, Type(IrType::NUM), a1, b.knum(2));
  EXPECT_EQ(trace.chain(Op::ADD), a2);
  EXPECT_EQ(trace[a2].prev, a1);
  EXPECT_EQ(trace[a1].prev, 0);
  trace.make_nop(a2);
  EXPECT_EQ(trace.chain(Op::ADD), a1);
}

TEST(Builder, SnapshotsAreSparse) {
  Trace trace;
  Builder b(trace);
  SnapEntry none[] = {SnapEntry::make(0, 0, kRefNil)};
  b.snapshot(100, 1, 1, none);
  // Snapshot #0 is never replaced: a NOP separates the next one.
  b.snapshot(104, 1, 1, none);
  ASSERT_EQ(trace.snaps.size(), 2u);
  EXPECT_EQ(trace[kRefFirst].o, Op::NOP);
  EXPECT_EQ(trace.snapshot_pc(0), 100u);
  // No instruction since #1: replaced.
  b.snapshot(108, 1, 1, none);
  ASSERT_EQ(trace.snaps.size(), 2u);
  EXPECT_EQ(trace.snapshot_pc(1), 108u);
  // An instruction but no guard: replaced only when merging was asked for.
  Ref x = b.emit(Op::SLOAD, Type(IrType::INT), 1, 0);
  b.snapshot(112, 1, 1, none, /*merge=*/true);
  EXPECT_EQ(trace.snaps.size(), 2u);
  b.emit(Op::SLOAD, Type::guarded(IrType::INT), 2, sload::kTypeCheck);
  b.snapshot(116, 1, 1, none, /*merge=*/true);
  EXPECT_EQ(trace.snaps.size(), 3u);
  b.emit(Op::ADD, Type(IrType::INT), x, b.kint(1));
  b.snapshot(120, 1, 1, none);
  EXPECT_EQ(trace.snaps.size(), 4u);
  EXPECT_EQ(trace.snapshot_for(trace.nins() - 1), 2);
}

TEST(Builder, LimitsAbortWithLuaJitMessages) {
  Trace trace;
  EmitOptions tight;
  tight.max_constants = 10;
  Builder b(trace, nullptr, tight);
  try {
    for (int i = 0; i < 100; ++i) b.kint(i);
    FAIL() << "no abort";
  } catch (const TraceAbort& abort) {
    EXPECT_STREQ(abort.what(), "trace too long");
  }
}

TEST(NanBox, GC64Layout) {
  EXPECT_EQ(nanbox::box(Value::nil()), 0xffff800000000000ull);
  EXPECT_EQ(nanbox::box(Value::boolean(false)), 0xffff000000000000ull);
  EXPECT_EQ(nanbox::box(Value::integer(3)), std::bit_cast<uint64_t>(3.0));
  Value tab = Value::object(IrType::TAB, 0x1234560);
  EXPECT_EQ(nanbox::unbox(nanbox::box(tab)), tab);
  EXPECT_EQ(nanbox::unbox(nanbox::box(Value::number(-2.5))), Value::number(-2.5));
}

}  // namespace
}  // namespace lj::ir
