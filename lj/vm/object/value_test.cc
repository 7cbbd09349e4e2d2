// TValue: GC64 encoding facts, boxing round trips, NaN canonicalization.
#include "lj/vm/object/value.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <bit>
#include <cmath>
#include <limits>

#include "lj/vm/object/state.h"

namespace lj::vm {
namespace {

TEST(Value, PrimitiveEncodingsMatchLuaJitGc64) {
  EXPECT_EQ(TValue::nil().u64, ~uint64_t{0});
  EXPECT_EQ(TValue::nil().itype(), ~0u);
  EXPECT_EQ(TValue::boolean(false).itype(), ~1u);
  EXPECT_EQ(TValue::boolean(true).itype(), ~2u);
  // Primitives keep all ones below the itype.
  EXPECT_EQ(TValue::boolean(false).u64, 0xffff7fffffffffffull);
  EXPECT_EQ(TValue::boolean(true).u64, 0xfffeffffffffffffull);
  EXPECT_EQ(itype_of(TypeTag::String), ~4u);
  EXPECT_EQ(itype_of(TypeTag::Table), ~11u);
  EXPECT_EQ(itype_of(TypeTag::Userdata), ~12u);
  EXPECT_EQ(kITypeNumX, ~13u);
}

TEST(Value, TypeNames) {
  EXPECT_STREQ(TValue::nil().type_name(), "nil");
  EXPECT_STREQ(TValue::boolean(true).type_name(), "boolean");
  EXPECT_STREQ(TValue::number(1.5).type_name(), "number");
  int x = 0;
  EXPECT_STREQ(TValue::light_userdata(&x).type_name(), "userdata");
  GlobalState g;
  EXPECT_STREQ(TValue::string(g.intern("s")).type_name(), "string");
  EXPECT_STREQ(TValue::table(g.new_table(0, 0)).type_name(), "table");
  EXPECT_STREQ(TValue::userdata(g.new_userdata(4, nullptr)).type_name(), "userdata");
  EXPECT_STREQ(TValue::thread(g.main_thread()).type_name(), "thread");
  EXPECT_STREQ(TValue::function(g.new_c_function(nullptr, 0, nullptr)).type_name(), "function");
}

TEST(Value, TruthAndPredicates) {
  EXPECT_FALSE(TValue::nil().is_truthy());
  EXPECT_FALSE(TValue::boolean(false).is_truthy());
  EXPECT_TRUE(TValue::boolean(true).is_truthy());
  EXPECT_TRUE(TValue::number(0).is_truthy());
  EXPECT_FALSE(TValue::nil().is_number());
  EXPECT_FALSE(TValue::nil().is_gc());
  EXPECT_FALSE(TValue::boolean(true).is_gc());
  int x = 0;
  EXPECT_FALSE(TValue::light_userdata(&x).is_gc());
  EXPECT_TRUE(TValue::number(-std::numeric_limits<double>::infinity()).is_number());
}

TEST(Value, ComputedNaNsAreCanonicalAndStayNumbers) {
  volatile double zero = 0.0;
  double nan = zero / zero;
  // A NaN with a payload that would decode as a tagged value.
  double evil = std::bit_cast<double>(0xfffa123456789abcull);
  ASSERT_TRUE(evil != evil);
  for (double d : {nan, -nan, evil, std::numeric_limits<double>::quiet_NaN(),
                   std::numeric_limits<double>::signaling_NaN()}) {
    TValue v = TValue::number(d);
    EXPECT_EQ(v.u64, TValue::kCanonicalNaN);
    EXPECT_TRUE(v.is_number());
    EXPECT_TRUE(v.is_nan());
    EXPECT_FALSE(v.raw_equals(v));
  }
}

TEST(Value, RawEqualityTreatsZerosAsEqual) {
  EXPECT_TRUE(TValue::number(0.0).raw_equals(TValue::number(-0.0)));
  EXPECT_FALSE(TValue::number(1).raw_equals(TValue::boolean(true)));
  EXPECT_TRUE(TValue::nil().raw_equals(TValue::nil()));
}

RC_GTEST_PROP(ValueProperty, NumbersRoundTrip, (double d)) {
  TValue v = TValue::number(d);
  RC_ASSERT(v.is_number());
  RC_ASSERT(!v.is_gc());
  RC_ASSERT(v.tag() == TypeTag::Number);
  if (d == d) {
    RC_ASSERT(std::bit_cast<uint64_t>(v.as_number()) == std::bit_cast<uint64_t>(d));
  } else {
    RC_ASSERT(v.u64 == TValue::kCanonicalNaN);
  }
}

// The interpreter stores +, -, *, / and mod (with floor) results of number
// operands without canonicalizing: their bits must already be what number()
// would store, for operands that are NaN, infinite, zero or any.
RC_GTEST_PROP(ValueProperty, ArithmeticResultsNeedNoCanonicalization, ()) {
  auto operand = rc::gen::oneOf(rc::gen::arbitrary<double>(),
                                rc::gen::element(std::bit_cast<double>(TValue::kCanonicalNaN), 0.0, -0.0,
                                                 HUGE_VAL, -HUGE_VAL, 1.0, -1.0, 2.0, 0.5));
  double x = TValue::number(*operand).as_number(), y = TValue::number(*operand).as_number();
  for (double r : {x + y, x - y, x * y, x / y, x - std::floor(x / y) * y}) {
    RC_ASSERT(TValue::number_from_arith(r).u64 == TValue::number(r).u64);
  }
}

RC_GTEST_PROP(ValueProperty, AnyBitPatternNaNIsCanonicalized, (uint64_t payload)) {
  uint64_t bits = 0x7ff0000000000000ull | (payload & 0x800fffffffffffffull) | 1;
  double d = std::bit_cast<double>(bits);
  RC_ASSERT(d != d);
  TValue v = TValue::number(d);
  RC_ASSERT(v.is_number());
  RC_ASSERT(v.is_nan());
  RC_ASSERT(v.u64 == TValue::kCanonicalNaN);
}

RC_GTEST_PROP(ValueProperty, PointersRoundTrip, (uint64_t raw, uint8_t which)) {
  uint64_t bits = (raw & TValue::kPayloadMask) & ~uint64_t{7};
  const void* p = reinterpret_cast<const void*>(bits);
  static constexpr TypeTag kTags[] = {TypeTag::String, TypeTag::Upvalue, TypeTag::Thread,
                                      TypeTag::Proto,  TypeTag::Function, TypeTag::Trace,
                                      TypeTag::Cdata,  TypeTag::Table,   TypeTag::Userdata};
  TypeTag tag = kTags[which % 9];
  TValue v = TValue::gc(p, tag);
  RC_ASSERT(v.is_gc());
  RC_ASSERT(!v.is_number());
  RC_ASSERT(v.tag() == tag);
  RC_ASSERT(v.itype() == itype_of(tag));
  RC_ASSERT(reinterpret_cast<uint64_t>(v.as_gc()) == bits);
  TValue lud = TValue::light_userdata(p);
  RC_ASSERT(lud.is_light_userdata());
  RC_ASSERT(!lud.is_gc());
  RC_ASSERT(reinterpret_cast<uintptr_t>(lud.as_light_userdata()) == bits);
}

RC_GTEST_PROP(ValueProperty, BooleansRoundTrip, (bool b)) {
  TValue v = TValue::boolean(b);
  RC_ASSERT(v.is_boolean());
  RC_ASSERT(v.as_boolean() == b);
  RC_ASSERT(v.is_truthy() == b);
  RC_ASSERT(!v.is_number());
}

}  // namespace
}  // namespace lj::vm
