#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "lj/vm/bc/bc.h"

namespace lj::bc {
namespace {

TEST(OpcodeTable, NumberingMatchesLuaJit) {
  EXPECT_EQ(static_cast<int>(Op::ISLT), 0);
  EXPECT_EQ(static_cast<int>(Op::ISNEP), 11);
  EXPECT_EQ(static_cast<int>(Op::ISTYPE), 16);
  EXPECT_EQ(static_cast<int>(Op::MOV), 18);
  EXPECT_EQ(static_cast<int>(Op::ADDVN), 22);
  EXPECT_EQ(static_cast<int>(Op::POW), 37);
  EXPECT_EQ(static_cast<int>(Op::KSTR), 39);
  EXPECT_EQ(static_cast<int>(Op::UCLO), 50);
  EXPECT_EQ(static_cast<int>(Op::FNEW), 51);
  EXPECT_EQ(static_cast<int>(Op::TGETR), 59);
  EXPECT_EQ(static_cast<int>(Op::CALLM), 65);
  EXPECT_EQ(static_cast<int>(Op::VARG), 71);
  EXPECT_EQ(static_cast<int>(Op::FORI), 77);
  EXPECT_EQ(static_cast<int>(Op::LOOP), 85);
  EXPECT_EQ(static_cast<int>(Op::JMP), 88);
  EXPECT_EQ(static_cast<int>(Op::FUNCF), 89);
  EXPECT_EQ(static_cast<int>(Op::FUNCCW), 96);
  EXPECT_EQ(kNumOpcodes, 97);
}

TEST(OpcodeTable, ModesFollowBcdef) {
  EXPECT_STREQ(Info(Op::TSETM).name, "TSETM");
  EXPECT_EQ(Info(Op::TSETM).a, Mode::base);
  EXPECT_EQ(Info(Op::TSETM).c, Mode::num);
  EXPECT_EQ(Info(Op::KSHORT).c, Mode::lits);
  EXPECT_EQ(Info(Op::USETS).a, Mode::uv);
  EXPECT_EQ(Info(Op::CAT).b, Mode::rbase);
  EXPECT_EQ(Info(Op::FNEW).meta, Meta::gc);
  EXPECT_EQ(Info(Op::IST).a, Mode::___);
  EXPECT_TRUE(HasD(Op::JMP));
  EXPECT_FALSE(HasD(Op::TGETS));
  // Mode numbers are what jit.util.funcbc reports.
  EXPECT_EQ(static_cast<int>(Mode::jump), 13);
  EXPECT_EQ(static_cast<int>(Mode::str), 10);
}

TEST(Encoding, FieldsRoundTrip) {
  uint32_t abc = EncodeABC(Op::TGETS, 3, 200, 17);
  EXPECT_EQ(OpOf(abc), Op::TGETS);
  EXPECT_EQ(AOf(abc), 3u);
  EXPECT_EQ(BOf(abc), 200u);
  EXPECT_EQ(COf(abc), 17u);
  uint32_t ad = EncodeAD(Op::KSHORT, 7, 0xfffe);
  EXPECT_EQ(DOf(ad), 0xfffeu);
  uint32_t aj = EncodeAJ(Op::JMP, 1, -5);
  EXPECT_EQ(JOf(aj), -5);
  EXPECT_EQ(DOf(aj), kJumpBias - 5);
  EXPECT_EQ(JOf(WithD(aj, kJumpBias + 2)), 2);
  EXPECT_EQ(AOf(WithA(aj, 9)), 9u);
  EXPECT_EQ(OpOf(WithOp(aj, Op::UCLO)), Op::UCLO);
  EXPECT_EQ(BOf(WithB(abc, 0)), 0u);
  EXPECT_EQ(COf(WithC(abc, 5)), 5u);
}

Proto SampleProto() {
  Proto p;
  p.chunkname = "@dir/sample.lua";
  p.firstline = 0;
  p.numline = 4;
  p.flags = kProtoVararg;
  p.gc_consts = {std::string("print"), std::string("a\tb\nc\001"),
                 std::string(50, 'x')};
  p.num_consts = {2.5, 123456789012345.0, 4503599627370496.0 + 3, 1e308 * 10};
  p.upvalue_names = {"up"};
  p.code = {EncodeAD(Op::FUNCV, 4, 0),
            EncodeAD(Op::GGET, 0, 0),
            EncodeAD(Op::KSTR, 1, 1),
            EncodeAD(Op::KSTR, 2, 2),
            EncodeAD(Op::KSHORT, 3, 0xffff),
            EncodeAD(Op::KNUM, 3, 1),
            EncodeABC(Op::ADDVN, 3, 3, 0),
            EncodeAD(Op::TSETM, 1, 2),
            EncodeAD(Op::USETS, 0, 0),
            EncodeAJ(Op::JMP, 4, -8),
            EncodeAD(Op::KNUM, 0, 3),
            EncodeAD(Op::RET0, 0, 1)};
  p.lines.assign(p.code.size(), 1);
  return p;
}

TEST(Listing, InstructionLinesAsJitBc) {
  Proto p = SampleProto();
  EXPECT_EQ(ListInstruction(p, 1, true), "0001 => GGET     0   0      ; \"print\"");
  EXPECT_EQ(ListInstruction(p, 2, false),
            "0002    KSTR     1   1      ; \"a\\tb\\nc\\001\"");
  EXPECT_EQ(ListInstruction(p, 3, false),
            "0003    KSTR     2   2      ; \"" + std::string(40, 'x') + "\"~");
  EXPECT_EQ(ListInstruction(p, 4, false), "0004    KSHORT   3  -1");
  // LuaJIT rounds the tie in the 15th digit away from zero.
  EXPECT_EQ(ListInstruction(p, 5, false), "0005    KNUM     3   1      ; 1.2345678901235e+14");
  EXPECT_EQ(ListInstruction(p, 6, false), "0006    ADDVN    3   3   0  ; 2.5");
  EXPECT_EQ(ListInstruction(p, 7, false), "0007    TSETM    1   2      ; 3");
  EXPECT_EQ(ListInstruction(p, 8, false), "0008    USETS    0   0      ; up ; \"print\"");
  EXPECT_EQ(ListInstruction(p, 9, false), "0009    JMP      4 => 0002");
  EXPECT_EQ(ListInstruction(p, 10, false), "0010    KNUM     0   3      ; inf");
  EXPECT_EQ(ListInstruction(p, 11, false), "0011    RET0     0   1");
}

TEST(Listing, ChildrenBeforeParentWithLocations) {
  auto child = std::make_shared<Proto>();
  child->chunkname = "@dir/sample.lua";
  child->firstline = 2;
  child->numline = 1;
  child->code = {EncodeAD(Op::FUNCF, 1, 0), EncodeAD(Op::RET0, 0, 1)};
  child->lines = {2, 3};
  Proto main;
  main.chunkname = "@dir/sample.lua";
  main.numline = 4;
  main.flags = kProtoVararg | kProtoChild;
  main.gc_consts = {child};
  main.code = {EncodeAD(Op::FUNCV, 2, 0), EncodeAD(Op::FNEW, 0, 0),
               EncodeAD(Op::RET0, 0, 1)};
  main.lines = {0, 3, 4};
  EXPECT_EQ(ListChunk(main),
            "-- BYTECODE -- sample.lua:2-3\n"
            "0001    RET0     0   1\n"
            "\n"
            "-- BYTECODE -- sample.lua:0-4\n"
            "0001    FNEW     0   0      ; sample.lua:2\n"
            "0002    RET0     0   1\n"
            "\n");
}

TEST(Listing, ChunkNameForms) {
  Proto p;
  p.chunkname = "=stdin";
  EXPECT_EQ(ProtoLocation(p), "stdin:0");
  p.chunkname = "return 1";
  EXPECT_EQ(ProtoLocation(p), "\"return 1\":0");
  p.chunkname = "@/abs.lua";
  EXPECT_EQ(ProtoLocation(p), "/abs.lua:0");
}

TEST(Constants, IntegralCheck) {
  EXPECT_TRUE(IsIntegralConstant(3));
  EXPECT_TRUE(IsIntegralConstant(-7));
  EXPECT_FALSE(IsIntegralConstant(0.5));
  EXPECT_FALSE(IsIntegralConstant(-0.0));
  EXPECT_FALSE(IsIntegralConstant(1e20));
}

}  // namespace
}  // namespace lj::bc
