// Tables: array part + hash part with collision chains (LuaJIT lj_tab.c's
// design). Free nodes have a nil key; keys are never removed except by a
// rehash, so a deleted entry (nil value) keeps its node and `next` stays
// valid across deletions.
#include <emmintrin.h>

#include <algorithm>
#include <bit>

#include "lj/base/table_rules.h"
#include "lj/vm/object/state.h"

namespace lj::vm {

namespace {

using table_rules::best_array_size;
using table_rules::hash_bits_for;
using table_rules::key_bin;
using table_rules::kMaxArrayBits;
using table_rules::kMaxArraySize;
constexpr uint32_t kMaxHashBits = 26;

// Mixes a 64-bit key so the low bits select a well-spread bucket.
uint32_t hash_word(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  return static_cast<uint32_t>(x);
}

// Keys -0 and +0 are the same key: store +0.
TValue normalize_key(TValue key) {
  if (key.is_number() && key.as_number() == 0) return TValue::number(0.0);
  return key;
}

// Integer key usable for the array part, if any.
bool array_candidate(TValue key, uint32_t& k) {
  if (!key.is_number()) return false;
  double d = key.as_number();
  if (!(d >= 0 && d < kMaxArraySize)) return false;
  k = static_cast<uint32_t>(d);
  return static_cast<double>(k) == d;
}

// Live (non-nil) slots among n. Two slots per SSE2 compare (SSE2 has no
// 64-bit compare): a slot is nil when both its 32-bit halves are all ones.
// sieve rehashes a 1e6-slot array on every doubling.
uint32_t live_slots(const TValue* slots, uint32_t n) {
  const __m128i ones = _mm_set1_epi32(-1);
  auto nil_lanes = [&](const TValue* p) {  // -1 in each 64-bit lane holding nil
    __m128i eq = _mm_cmpeq_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), ones);
    return _mm_and_si128(eq, _mm_shuffle_epi32(eq, _MM_SHUFFLE(2, 3, 0, 1)));
  };
  __m128i nils = _mm_setzero_si128();  // two 64-bit counters
  const TValue* p = slots;
  for (const TValue* end = slots + (n & ~3u); p != end; p += 4) {
    nils = _mm_sub_epi64(nils, _mm_add_epi64(nil_lanes(p), nil_lanes(p + 2)));
  }
  uint64_t nil_count = static_cast<uint64_t>(_mm_cvtsi128_si64(nils)) +
                       static_cast<uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(nils, nils)));
  for (const TValue* end = slots + n; p != end; p++) nil_count += p->is_nil();
  return n - static_cast<uint32_t>(nil_count);
}

}  // namespace

// -- Lookup -------------------------------------------------------------------

Node* Table::main_position(TValue key) const {
  uint32_t h = key.is_string() ? key.as_string()->hash : key.is_number() ? table_rules::number_hash(key.u64) : hash_word(key.u64);
  return &node[h & hmask];
}

Node* Table::find_node(TValue key) const {
  for (Node* n = main_position(key); n; n = n->next) {
    if (n->key == key) return n;
  }
  return nullptr;
}

const TValue* Table::find(TValue key) const {
  if (uint64_t i; array_index(key, i)) return &array[i];
  if (key.is_nil() || key.is_nan()) return nullptr;
  key = normalize_key(key);
  if (!has_hash_part()) return nullptr;
  Node* n = find_node(key);
  return n ? &n->val : nullptr;
}

TValue Table::get(TValue key) const {
  const TValue* slot = find(key);
  return slot ? *slot : TValue::nil();
}

TValue Table::get_num(double key) const { return get(TValue::number(key)); }


// -- Stores ------------------------------------------------------------------------

TValue* Table::slot_for(GlobalState& g, TValue key) {
  if (uint64_t i; array_index(key, i)) return &array[i];
  if (key.is_nil()) g.raise(ErrorCode::NilIndex);
  if (key.is_nan()) g.raise(ErrorCode::NanIndex);
  key = normalize_key(key);
  nomm = 0;  // the caller may store a metamethod under this key
  if (has_hash_part()) {
    if (Node* n = find_node(key)) return &n->val;
  }
  return new_key(g, key);
}

void Table::set(GlobalState& g, TValue key, TValue val) {
  // A nil store to an absent key inserts a dead key, as LuaJIT and Lua 5.1
  // do: it takes a node, which decides when the next rehash comes.
  TValue* slot = slot_for(g, key);
  g.barrier_back(this);
  *slot = val;
}

void Table::set_int(GlobalState& g, int64_t key, TValue val) {
  if (key >= 0 && static_cast<uint64_t>(key) < asize) {
    if (val.is_gc()) g.barrier_back(this);
    array[key] = val;
    return;
  }
  set(g, TValue::number(static_cast<double>(key)), val);
}

void Table::set_str(GlobalState& g, String* key, TValue val) { set(g, TValue::string(key), val); }

void Table::set_metatable(GlobalState& g, Table* mt) {
  if (mt) g.barrier_back(this);
  metatable = mt;
}

// Inserts a key known to be absent from the hash part (rehashing if full).
TValue* Table::new_key(GlobalState& g, TValue key) {
  if (!has_hash_part()) {
    rehash(g, key);
    return slot_for(g, key);
  }
  Node* mp = main_position(key);
  if (mp->key.is_nil()) {  // free main position: free nodes are never chained
    mp->key = key;
    return &mp->val;
  }
  if (mp->val.is_nil()) {
    // mp holds a deleted entry: overwrite it in place (it may sit inside
    // another chain; that chain stays intact and mp now heads ours). Its old
    // key, possibly a dead key, is never hashed.
    mp->key = key;
    return &mp->val;
  }
  Node* owner = main_position(mp->key);
  // Take a free node from below freetop.
  Node* free = nullptr;
  while (freetop > node) {
    --freetop;
    if (freetop->key.is_nil()) {
      free = freetop;
      break;
    }
  }
  if (!free) {
    rehash(g, key);
    return slot_for(g, key);
  }
  if (owner != mp) {
    // mp holds a key of another chain: move it out, mp starts our chain.
    Node* prev = owner;
    while (prev->next != mp) prev = prev->next;
    prev->next = free;
    *free = *mp;
    mp->next = nullptr;
    mp->val = TValue::nil();
    mp->key = key;
    return &mp->val;
  }
  // mp heads our chain: the new key goes right after it.
  free->next = mp->next;
  mp->next = free;
  free->key = key;
  return &free->val;
}

// -- Resize ---------------------------------------------------------------------------

void Table::rehash(GlobalState& g, TValue extra_key) {
  uint32_t k;
  // A table with no parts gets its first key (a fresh `{}`, most rehashes
  // of object-building code): the counting below with that key alone gives
  // 3 array slots for keys 0..2 (bin 0), else a 2-node hash part.
  if (asize == 0 && !has_hash_part()) {
    bool to_array = array_candidate(extra_key, k) && key_bin(k) == 0;
    resize(g, to_array ? 3 : 0, to_array ? 0 : hash_bits_for(1));
    return;
  }
  uint32_t bins[kMaxArrayBits] = {};
  uint32_t integer_keys = 0, total = 0;
  // Count the live keys (and the one being added) by kind.
  auto count = [&](TValue key) {
    total++;
    if (array_candidate(key, k)) {
      bins[key_bin(k)]++;
      integer_keys++;
    }
  };
  // Array slots are integer keys already: bin them a bin's range at a time
  // rather than through a double per slot (sieve rehashes a 1e6 array).
  for (uint32_t lo = 0, b = 0; lo < asize; b++) {
    uint32_t hi = std::min(asize, (2u << b) + 1);  // bin b holds keys 2^b+1..2^(b+1)
    uint32_t live = live_slots(array + lo, hi - lo);
    bins[b] += live;
    integer_keys += live;
    total += live;
    lo = hi;
  }
  if (has_hash_part()) {
    for (uint32_t i = 0; i <= hmask; i++) {
      if (!node[i].val.is_nil()) count(node[i].key);
    }
  }
  count(extra_key);
  uint32_t in_array = 0;
  uint32_t new_asize = best_array_size(bins, integer_keys, in_array);
  resize(g, new_asize, hash_bits_for(total - in_array));
}

void Table::resize(GlobalState& g, uint32_t new_asize, uint32_t hbits) {
  if (hbits == 0 && !has_hash_part() && new_asize > asize) {
    grow_array(g, new_asize);
    return;
  }
  // Entries that will land in the hash part must fit: grow hbits if needed.
  uint32_t to_hash = 0;
  for (uint32_t i = new_asize; i < asize; i++) to_hash += !array[i].is_nil();
  if (has_hash_part()) {
    for (uint32_t i = 0; i <= hmask; i++) {
      uint32_t k;
      if (node[i].val.is_nil()) continue;
      if (!(array_candidate(node[i].key, k) && k < new_asize)) to_hash++;
    }
  }
  hbits = std::max(hbits, hash_bits_for(to_hash));
  if (new_asize > kMaxArraySize || hbits > kMaxHashBits) g.raise(ErrorCode::TableOverflow);

  // Allocate everything first: a failure leaves the table untouched.
  TValue* new_array = array;
  if (new_asize != asize) new_array = new_asize ? static_cast<TValue*>(g.allocate(sizeof(TValue) * new_asize)) : nullptr;
  Node* new_nodes = g.nil_node();
  uint32_t new_hmask = 0;
  if (hbits) {
    new_hmask = (1u << hbits) - 1;
    try {
      new_nodes = static_cast<Node*>(g.allocate(sizeof(Node) * (new_hmask + 1)));
    } catch (const LuaError&) {
      if (new_array != array) g.release(new_array, sizeof(TValue) * new_asize);
      throw;
    }
    for (uint32_t i = 0; i <= new_hmask; i++) new_nodes[i] = Node{TValue::nil(), TValue::nil(), nullptr};
  }

  // Install the new parts, keeping the old ones to move entries from.
  TValue* old_array = array;
  uint32_t old_asize = asize;
  Node* old_nodes = node;
  uint32_t old_hmask = hmask;
  bool old_has_hash = has_hash_part();
  if (new_array != old_array) {
    uint32_t keep = std::min(old_asize, new_asize);
    std::copy(old_array, old_array + keep, new_array);
    std::fill(new_array + keep, new_array + new_asize, TValue::nil());
  }
  array = new_array;
  asize = new_asize;
  node = new_nodes;
  hmask = new_hmask;
  freetop = hbits ? new_nodes + new_hmask + 1 : new_nodes;

  // Re-insert array entries beyond the new size, then the old hash entries.
  // Each key is unique and absent from the new parts: no chain walk
  // (slot_for's find_node) before new_key, which gives the same layout.
  auto reinsert = [&](TValue key, TValue val) {
    if (uint64_t i; array_index(key, i)) {
      array[i] = val;
    } else {
      *new_key(g, key) = val;
    }
  };
  for (uint32_t i = new_asize; i < old_asize; i++) {
    if (!old_array[i].is_nil()) reinsert(TValue::number(i), old_array[i]);
  }
  if (old_has_hash) {
    for (uint32_t i = 0; i <= old_hmask; i++) {
      if (!old_nodes[i].val.is_nil()) reinsert(old_nodes[i].key, old_nodes[i].val);
    }
    g.release(old_nodes, sizeof(Node) * (old_hmask + 1));
  }
  if (old_array != new_array) g.release(old_array, sizeof(TValue) * old_asize);
}

// The array-only case of resize (appends, `t[#t + 1] = v`): no entry moves
// between the parts, so only the array is reallocated.
void Table::grow_array(GlobalState& g, uint32_t new_asize) {
  if (new_asize > kMaxArraySize) g.raise(ErrorCode::TableOverflow);
  auto* new_array = static_cast<TValue*>(g.allocate(sizeof(TValue) * new_asize));
  std::copy(array, array + asize, new_array);
  std::fill(new_array + asize, new_array + new_asize, TValue::nil());
  g.release(array, sizeof(TValue) * asize);
  array = new_array;
  asize = new_asize;
}

// -- Length ----------------------------------------------------------------------------

uint32_t Table::length() const {
  uint32_t j = asize;
  if (j > 1 && array[j - 1].is_nil()) {
    // A border inside the array: t[lo] ~= nil (or lo == 0), t[hi] == nil.
    uint32_t lo = 0, hi = j - 1;
    while (hi - lo > 1) {
      uint32_t mid = lo + (hi - lo) / 2;
      if (array[mid].is_nil()) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return lo;
  }
  uint32_t n = j ? j - 1 : 0;  // t[n] ~= nil, or n == 0
  if (!has_hash_part()) return n;
  return hash_length(n);
}

// Out of line: its registers would cost every array-part `#` (json's
// `buf[#buf + 1]`) a save and restore.
uint32_t Table::hash_length(uint32_t n) const {
  if (get_int(int64_t{n} + 1).is_nil()) return n;
  // Unbounded search in the hash part: double until a nil, then bisect.
  uint64_t lo = n + 1, hi = 2 * lo;
  while (!get_int(static_cast<int64_t>(hi)).is_nil()) {
    lo = hi;
    if (hi > 0x3fffffffu) {  // pathological: fall back to a linear scan
      uint64_t i = 1;
      while (!get_int(static_cast<int64_t>(i)).is_nil()) i++;
      return static_cast<uint32_t>(i - 1);
    }
    hi *= 2;
  }
  while (hi - lo > 1) {
    uint64_t mid = lo + (hi - lo) / 2;
    if (get_int(static_cast<int64_t>(mid)).is_nil()) {
      hi = mid;
    } else {
      lo = mid;
    }
  }
  return static_cast<uint32_t>(lo);
}

// -- Traversal -----------------------------------------------------------------------------

bool Table::index_of(TValue key, uint32_t& index) const {
  if (uint64_t i; array_index(key, i)) {
    index = static_cast<uint32_t>(i);
    return true;
  }
  if (key.is_nil() || key.is_nan()) return false;
  key = normalize_key(key);
  if (!has_hash_part()) return false;
  // The key may have been deleted and turned into a dead key by the GC since
  // `next` returned it: match dead keys by object address too.
  Node* found = nullptr;
  for (Node* n = main_position(key); n && !found; n = n->next) {
    if (n->key == key || (key.is_gc() && is_dead_key(n->key) && n->key.as_gc() == key.as_gc())) found = n;
  }
  if (!found) return false;
  index = asize + static_cast<uint32_t>(found - node);
  return true;
}

bool Table::iterate(uint32_t& index, TValue& key, TValue& val) const {
  for (; index < asize; index++) {
    if (!array[index].is_nil()) {
      key = TValue::number(index);
      val = array[index];
      index++;
      return true;
    }
  }
  if (!has_hash_part()) return false;
  for (uint32_t h = index - asize; h <= hmask; h++) {
    if (!node[h].val.is_nil()) {
      key = node[h].key;
      val = node[h].val;
      index = asize + h + 1;
      return true;
    }
  }
  index = asize + hmask + 1;
  return false;
}

bool Table::next(GlobalState& g, TValue& key, TValue& val) const {
  uint32_t index = 0;
  if (!key.is_nil()) {
    if (!index_of(key, index)) g.raise(ErrorCode::InvalidNextKey);
    index++;
  }
  return iterate(index, key, val);
}

// -- Metamethods --------------------------------------------------------------------------------

TValue Table::metamethod(const GlobalState& g, Metamethod mm) {
  auto bit = static_cast<uint32_t>(mm);
  bool cached = bit < static_cast<uint32_t>(kFastMetamethods);
  if (cached && (nomm & (1u << bit))) return TValue::nil();
  TValue v = get_str(g.metamethod_name(mm));
  if (v.is_nil() && cached) nomm |= static_cast<uint8_t>(1u << bit);
  return v;
}

}  // namespace lj::vm
