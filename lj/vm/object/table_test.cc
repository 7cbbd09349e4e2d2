// Tables: unit tests of the LuaJIT-visible behaviour, and a property test
// against a std::map model across resizes and array<->hash migration.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <string>

#include "lj/base/table_rules.h"
#include "lj/vm/object/state.h"

namespace lj::vm {
namespace {

TValue num(double d) { return TValue::number(d); }

std::string error_text(const std::function<void()>& f) {
  try {
    f();
  } catch (const LuaError& e) {
    return e.what();
  }
  return "";
}

TEST(Table, NilAndNanKeysAreErrors) {
  GlobalState g;
  Table* t = g.new_table(0, 0);
  EXPECT_EQ(error_text([&] { t->set(g, TValue::nil(), num(1)); }), "table index is nil");
  EXPECT_EQ(error_text([&] { t->set(g, num(NAN), num(1)); }), "table index is NaN");
  EXPECT_TRUE(g.error_value().is_string());
  EXPECT_TRUE(t->get(TValue::nil()).is_nil());
  EXPECT_TRUE(t->get(num(NAN)).is_nil());
}

TEST(Table, NextRejectsUnknownKeys) {
  GlobalState g;
  Table* t = g.new_table(0, 0);
  t->set(g, num(1), num(10));
  TValue key = TValue::string(g.intern("absent")), val;
  EXPECT_EQ(error_text([&] { t->next(g, key, val); }), "invalid key to 'next'");
}

TEST(Table, ArrayPartHoldsSlotZeroAndGrowsFromIntegerKeys) {
  GlobalState g;
  Table* t = g.new_table(0, 0);
  for (int i = 1; i <= 100; i++) t->set_int(g, i, num(i * 2));
  EXPECT_GE(t->asize, 101u);
  EXPECT_EQ(t->hash_size(), 0u);
  for (int i = 1; i <= 100; i++) EXPECT_EQ(t->get_int(i).as_number(), i * 2);
  EXPECT_EQ(t->length(), 100u);
  // Keys 0 and -0 are the same array slot.
  t->set(g, num(-0.0), num(7));
  EXPECT_EQ(t->get(num(0.0)).as_number(), 7);
  EXPECT_EQ(t->get_int(0).as_number(), 7);
}

TEST(Table, SparseIntegerKeysStayInTheHashPart) {
  GlobalState g;
  Table* t = g.new_table(0, 0);
  for (int i = 0; i < 20; i++) t->set_int(g, 1000 * (i + 1), num(i));
  EXPECT_EQ(t->asize, 0u);
  EXPECT_GE(t->hash_size(), 20u);
  for (int i = 0; i < 20; i++) EXPECT_EQ(t->get_int(1000 * (i + 1)).as_number(), i);
  EXPECT_EQ(t->length(), 0u);
}

TEST(Table, LengthFindsBordersInArrayAndHash) {
  GlobalState g;
  Table* t = g.new_table(8, 0);
  for (int i = 1; i <= 5; i++) t->set_int(g, i, num(i));
  EXPECT_EQ(t->length(), 5u);
  Table* h = g.new_table(0, 4);
  for (int i = 1; i <= 6; i++) h->set(g, num(i), num(i));
  EXPECT_EQ(h->length(), 6u);
}

// '#' after inserting keys in order: the array sizing and border search
// decide the answer for tables with holes. Expected values are what the
// reference luajit prints for the same insertions.
TEST(Table, LengthOfTablesWithHolesMatchesLuaJit) {
  const std::vector<std::pair<std::vector<int>, uint32_t>> cases = {
      {{1, 2, 4}, 4},
      {{1, 2, 3, 5, 9}, 3},
      {{1, 3, 5, 7}, 1},
      {{2, 3, 4, 5, 6, 7, 8, 9, 10}, 10},
      {{1, 2, 3, 4, 6, 8, 10, 12, 14, 16, 20}, 20},
      {{1, 5, 6, 7, 8}, 8},
      {{4, 8, 12, 16, 20, 24, 28, 32}, 0},
      {{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 40, 41, 42}, 20},
  };
  for (const auto& [keys, expected] : cases) {
    GlobalState g;
    Table* t = g.new_table(0, 0);
    for (int k : keys) t->set_int(g, k, TValue::boolean(true));
    EXPECT_EQ(t->length(), expected) << "keys starting " << keys.front() << ", " << keys.size() << " keys";
  }
}

TEST(Table, StringKeysAndMetamethodCache) {
  GlobalState g;
  Table* mt = g.new_table(0, 0);
  EXPECT_TRUE(mt->metamethod(g, Metamethod::Index).is_nil());
  EXPECT_TRUE(mt->nomm & 1);  // absence of __index cached
  mt->set_str(g, g.intern("__index"), num(5));
  EXPECT_EQ(mt->nomm, 0);  // a store invalidates the cache
  EXPECT_EQ(mt->metamethod(g, Metamethod::Index).as_number(), 5);
}

TEST(Table, OutOfMemoryLeavesTableIntact) {
  GlobalState g;
  Table* t = g.new_table(0, 0);
  Pinned pin(g, TValue::table(t));
  for (int i = 1; i <= 64; i++) t->set_int(g, i, num(i));
  g.set_memory_limit(g.gc_stats().total + 64);
  std::string err;
  for (int i = 65; i <= 1000 && err.empty(); i++) err = error_text([&] { t->set_int(g, i, num(i)); });
  EXPECT_EQ(err, "not enough memory");
  g.set_memory_limit(SIZE_MAX);
  for (int i = 1; i <= 64; i++) EXPECT_EQ(t->get_int(i).as_number(), i);
  EXPECT_TRUE(g.check_heap().empty());
  g.full_gc();
  EXPECT_TRUE(g.check_heap().empty());
}

TEST(Table, DeletedKeysBecomeDeadKeysAndTraversalContinues) {
  GlobalState g;
  Table* t = g.new_table(0, 0);
  Pinned pin(g, TValue::table(t));
  for (int i = 0; i < 20; i++) t->set_str(g, g.intern("key" + std::to_string(i)), num(i));
  size_t strings = g.census()[static_cast<int>(TypeTag::String)];
  // Delete every entry while traversing, collecting after each deletion.
  TValue k = TValue::nil(), v;
  Pinned control(g, k);
  int visited = 0;
  while (t->next(g, k, v)) {
    control.set(k);
    visited++;
    t->set(g, k, TValue::nil());
    g.full_gc();
    EXPECT_TRUE(g.check_heap().empty());
  }
  EXPECT_EQ(visited, 20);
  control.set(TValue::nil());
  g.full_gc();
  // The deleted keys no longer keep their strings alive.
  EXPECT_EQ(g.census()[static_cast<int>(TypeTag::String)], strings - 20);
  // New strings (perhaps at the same addresses) are ordinary new keys.
  for (int i = 0; i < 20; i++) t->set_str(g, g.intern("other" + std::to_string(i)), num(i));
  for (int i = 0; i < 20; i++) EXPECT_EQ(t->get_str(g.intern("other" + std::to_string(i))).as_number(), i);
  uint32_t index = 0;
  int live = 0;
  while (t->iterate(index, k, v)) live++;
  EXPECT_EQ(live, 20);
}

TEST(Table, HiddenIndexIterationVisitsArrayThenHash) {
  GlobalState g;
  Table* t = g.new_table(4, 2);
  t->set_int(g, 1, num(1));
  t->set_int(g, 2, num(2));
  t->set_str(g, g.intern("x"), num(3));
  uint32_t index = 0;
  TValue k, v;
  std::vector<double> order;
  while (t->iterate(index, k, v)) order.push_back(v.as_number());
  EXPECT_EQ(order, (std::vector<double>{1, 2, 3}));
}

// -- Property test against a model -------------------------------------------------

// Key kinds drawn from small pools so keys collide, migrate and get deleted.
TValue make_key(GlobalState& g, Table* pool, int kind, int n) {
  switch (kind % 8) {
    case 0:
    case 1: return num(n % 70);                  // dense integers 0..69
    case 2: return num((n % 40) * 37 - 100);     // sparse / negative
    case 3: return num((n % 10) + 0.5);          // fractional
    case 4: return TValue::boolean(n % 2);
    case 5: return TValue::light_userdata(reinterpret_cast<void*>(uintptr_t{16} * (n % 30 + 1)));
    case 6: {  // table keys, kept alive by the pool's array part
      TValue existing = pool->get_int(1 + n % 20);
      if (!existing.is_nil()) return existing;
      TValue fresh = TValue::table(g.new_table(0, 0));
      pool->set_int(g, 1 + n % 20, fresh);
      return fresh;
    }
    default: {
      TValue s = TValue::string(g.intern("k" + std::to_string(n % 50)));
      if (n % 2) pool->set(g, s, TValue::boolean(true));  // half the key strings stay alive
      return s;
    }
  }
}

uint64_t model_key(TValue k) { return k.is_number() && k.as_number() == 0 ? num(0).u64 : k.u64; }

// The layout LuaJIT's rehash gives a table whose live keys are `keys`
// (table_rules applied key by key, the plain way): the array size and the
// hash part's node count.
std::pair<uint32_t, uint32_t> rules_layout(const std::map<uint64_t, double>& keys) {
  uint32_t bins[table_rules::kMaxArrayBits] = {}, integer_keys = 0;
  for (const auto& entry : keys) {
    double d = TValue{entry.first}.as_number();
    if (TValue{entry.first}.is_number() && d >= 0 && d < table_rules::kMaxArraySize && d == std::floor(d)) {
      bins[table_rules::key_bin(static_cast<uint32_t>(d))]++;
      integer_keys++;
    }
  }
  uint32_t in_array = 0;
  uint32_t asize = table_rules::best_array_size(bins, integer_keys, in_array);
  uint32_t hbits = table_rules::hash_bits_for(static_cast<uint32_t>(keys.size()) - in_array);
  return {asize, hbits ? 1u << hbits : 0u};
}

struct Op {
  int kind, n, action, value;
};

RC_GTEST_PROP(TableProperty, MatchesMapModel, ()) {
  const int count = *rc::gen::inRange(0, 400);
  auto ops = *rc::gen::container<std::vector<Op>>(
      count, rc::gen::construct<Op>(rc::gen::inRange(0, 8), rc::gen::inRange(0, 1000), rc::gen::inRange(0, 20),
                             rc::gen::inRange(0, 1000)));
  GlobalState g;
  Table* pool = g.new_table(0, 0);
  Table* t = g.new_table(*rc::gen::inRange(0, 5), *rc::gen::inRange(0, 3));
  Pinned pin_pool(g, TValue::table(pool));
  Pinned pin_t(g, TValue::table(t));
  std::map<uint64_t, double> model;

  auto check_all = [&] {
    // Every model entry readable; both iteration APIs see each key once.
    for (auto& [bits, val] : model) RC_ASSERT(t->get(TValue{bits}).as_number() == val);
    std::set<uint64_t> seen;
    TValue k = TValue::nil(), v;
    while (t->next(g, k, v)) {
      RC_ASSERT(seen.insert(model_key(k)).second);
      RC_ASSERT(model.count(model_key(k)) == 1);
      RC_ASSERT(model[model_key(k)] == v.as_number());
    }
    RC_ASSERT(seen.size() == model.size());
    std::set<uint64_t> seen2;
    uint32_t index = 0;
    while (t->iterate(index, k, v)) RC_ASSERT(seen2.insert(model_key(k)).second);
    RC_ASSERT(seen2 == seen);
    // '#' is a border.
    uint32_t n = t->length();
    RC_ASSERT(n == 0 || !t->get_int(n).is_nil());
    RC_ASSERT(t->get_int(int64_t{n} + 1).is_nil());
  };

  bool array_grew = false, array_shrank = false;
  for (const Op& op : ops) {
    uint32_t asize_before = t->asize;
    TValue key = make_key(g, pool, op.kind, op.n);
    if (op.action < 12) {  // insert / overwrite
      uint32_t hash_before = t->hash_size();
      bool fresh = t->find(key) == nullptr;
      t->set(g, key, num(op.value));
      model[model_key(key)] = op.value;
      // A new key that resized the table: the layout is the rules' for the
      // live keys, the new one included (checks the counting shortcuts).
      if (fresh && (t->asize != asize_before || t->hash_size() != hash_before)) {
        RC_ASSERT(std::make_pair(t->asize, t->hash_size()) == rules_layout(model));
      }
    } else if (op.action < 17) {  // delete
      t->set(g, key, TValue::nil());
      model.erase(model_key(key));
    } else if (op.action < 18) {  // delete while iterating (allowed by Lua), maybe collecting
      TValue k = TValue::nil(), v;
      Pinned control(g, k);  // the interpreter keeps the key in a stack slot
      std::set<uint64_t> seen;
      while (t->next(g, k, v)) {
        control.set(k);
        RC_ASSERT(seen.insert(model_key(k)).second);
        if (op.value % 2) {
          t->set(g, k, TValue::nil());
          model.erase(model_key(k));
        }
        if (op.value % 3 == 0) g.full_gc();
      }
    } else if (op.action < 19) {
      g.full_gc();
      RC_ASSERT(g.check_heap().empty());
    } else {
      check_all();
    }
    array_grew |= t->asize > asize_before;
    array_shrank |= t->asize < asize_before;
  }
  RC_CLASSIFY(array_grew, "array part grew");
  RC_CLASSIFY(array_shrank, "array part shrank (array -> hash)");
  check_all();
  RC_ASSERT(g.check_heap().empty());
}

// array_index (one truncation, no type test) against the plain definition:
// a number with an integer value in [0, asize).
RC_GTEST_PROP(TableProperty, ArrayIndexIsIntegerKeyInsideArray, ()) {
  GlobalState g;
  uint32_t asize = *rc::gen::inRange<uint32_t>(0, 70);
  Table* t = g.new_table(asize, 0);
  Pinned pin(g, TValue::table(t));
  const double specials[] = {0.0, -0.0, -1.0, 0.5, 1e300, -1e300, 4294967296.0, 9.3e18, -9.3e18,
                             -9223372036854775808.0, INFINITY, -INFINITY, NAN, 2147483648.0};
  std::vector<TValue> keys = {TValue::nil(), TValue::boolean(false), TValue::boolean(true),
                              TValue::table(t), TValue::string(g.intern("1")),
                              TValue::light_userdata(reinterpret_cast<void*>(uintptr_t{8}))};
  for (double d : specials) keys.push_back(num(d));
  for (int i = 0; i < 40; i++) {
    keys.push_back(num(*rc::gen::inRange(-100, 100)));
    keys.push_back(num(*rc::gen::inRange(-100, 100) + *rc::gen::element(0.25, 0.5, 1e-9)));
    keys.push_back(TValue{*rc::gen::arbitrary<uint64_t>()});  // any bits: NaN-boxed values of every kind
  }
  for (TValue key : keys) {
    double d = key.as_number();
    bool expected = key.is_number() && d >= 0 && d < t->asize && d == std::floor(d);
    uint64_t index = ~uint64_t{0};
    RC_ASSERT(t->array_index(key, index) == expected);
    if (expected) RC_ASSERT(index == static_cast<uint64_t>(d));
  }
}

// LuaJIT's lj_tab_len written the plain way (over get_int), for tables with
// random holes in the array and integer keys in the hash part.
uint32_t reference_length(const Table* t) {
  auto is_nil = [&](uint64_t k) { return t->get_int(static_cast<int64_t>(k)).is_nil(); };
  // Bisection between t[lo] ~= nil (or lo == 0) and t[hi] == nil.
  auto bisect = [&](uint64_t lo, uint64_t hi) {
    while (hi - lo > 1) {
      uint64_t mid = (lo + hi) / 2;
      (is_nil(mid) ? hi : lo) = mid;
    }
    return static_cast<uint32_t>(lo);
  };
  uint64_t j = t->asize ? t->asize - 1 : 0;
  if (j > 0 && is_nil(j)) return bisect(0, j);
  if (!t->has_hash_part() || is_nil(j + 1)) return static_cast<uint32_t>(j);
  uint64_t lo = j + 1, hi = 2 * lo;
  while (!is_nil(hi)) {
    lo = hi;
    hi *= 2;
  }
  return bisect(lo, hi);
}

RC_GTEST_PROP(TableProperty, LengthMatchesPlainLuaJitSearch, ()) {
  GlobalState g;
  Table* t = g.new_table(*rc::gen::inRange<uint32_t>(0, 130), *rc::gen::inRange<uint32_t>(0, 5));
  Pinned pin(g, TValue::table(t));
  // Fill 1..n with a random hole density, then punch and extend at random:
  // the array part, its last slot and the hash part each hold or miss keys.
  int n = *rc::gen::inRange(0, 300);
  int hole_percent = *rc::gen::element(0, 1, 10, 50, 90);
  for (int i = 1; i <= n; i++) {
    if (*rc::gen::inRange(0, 100) >= hole_percent) t->set_int(g, i, num(i));
  }
  int edits = *rc::gen::inRange(0, 40);
  for (int e = 0; e < edits; e++) {
    int k = *rc::gen::inRange(0, 2 * n + 10);
    t->set_int(g, k, *rc::gen::inRange(0, 3) == 0 ? TValue::nil() : num(k));
    RC_ASSERT(t->length() == reference_length(t));
  }
  RC_ASSERT(t->length() == reference_length(t));
}

}  // namespace
}  // namespace lj::vm
