#include "testing/asm/test_heap.h"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cmath>
#include <stdexcept>

#include "absl/strings/str_format.h"
#include "lj/base/check.h"

namespace lj::testing {
namespace {

thread_local TestHeap* current_heap = nullptr;

// Bytes a field of type `t` occupies (its loads and stores are that wide).
int field_width(ir::IrType t) {
  switch (t) {
    case ir::IrType::U8: case ir::IrType::I8: return 1;
    case ir::IrType::U16: case ir::IrType::I16: return 2;
    case ir::IrType::INT: case ir::IrType::U32: return 4;
    default: return 8;
  }
}

bool is_nan(const ir::Value& v) { return v.type == ir::IrType::NUM && std::isnan(v.as_num()); }

}  // namespace

// The helpers machine code calls (x64::ObjectLayout), over current_heap.
struct HeapHelpers {
  static uint64_t* href(x64::TraceContext*, uint64_t table, uint64_t key) {
    static uint64_t nil_slot;
    nil_slot = ir::nanbox::box(ir::Value::nil());
    uint64_t* slot = current_heap->hash_slot(table, key, false);
    return slot ? slot : &nil_slot;
  }
  static uint64_t* newref(x64::TraceContext*, uint64_t table, uint64_t key) {
    return current_heap->hash_slot(table, key, true);
  }
  static uint64_t tnew(x64::TraceContext*, uint32_t asize, uint32_t) {
    if (asize > TestHeap::kMaxArray) throw std::runtime_error("array too big");
    ir::Object o;
    o.array.assign(asize, ir::Value::nil());
    const uint64_t id = current_heap->new_object();
    current_heap->store_object(current_heap->block(id), id, o);
    return id;
  }
  static void gc_step(x64::TraceContext*) {
    TestHeap::GcCounters& gc = TestHeap::gc();
    ++gc.steps;
    if (gc.fail) throw std::runtime_error("not enough memory");
  }
  // OBAR (lj_gc_barrieruv): storing a white object into a black upvalue
  // marks the object. `cell` is the closed upvalue's cell.
  static void barrier_upvalue(x64::TraceContext*, uint64_t* cell, uint64_t object) {
    const auto* uv = reinterpret_cast<const TestHeap::Upvalue*>(reinterpret_cast<const uint8_t*>(cell) -
                                                                offsetof(TestHeap::Upvalue, storage));
    if (!(uv->marked & ir::gc_marked::kBlack) || !current_heap->index_.contains(object)) return;
    current_heap->block(object).marked &= static_cast<uint8_t>(~ir::gc_marked::kWhites);
  }
  static uint64_t tdup(x64::TraceContext*, uint64_t source) {
    const uint64_t id = current_heap->new_object();
    current_heap->copy_object(id, source);
    return id;
  }
  // Strings: built with the C library's formatting (the evaluator has its
  // own); STRTO answers with the evaluator's reading of numbers.
  static uint64_t str_new(x64::TraceContext*, const char* bytes, int32_t length) {
    return current_heap->intern(std::string_view(bytes, static_cast<size_t>(length)));
  }
  static std::string int_text(int32_t v) {
    char text[16];
    return std::string(text, static_cast<size_t>(std::snprintf(text, sizeof text, "%d", v)));
  }
  static std::string num_text(double v) {
    char text[40];
    const int n = std::isnan(v) ? std::snprintf(text, sizeof text, "nan") : std::snprintf(text, sizeof text, "%.14g", v);
    return std::string(text, static_cast<size_t>(n));
  }
  static std::string char_text(int32_t c) { return std::string(1, static_cast<char>(c)); }
  static uint64_t str_from_int(x64::TraceContext*, int32_t v) { return current_heap->intern(int_text(v)); }
  static uint64_t str_from_num(x64::TraceContext*, double v) { return current_heap->intern(num_text(v)); }
  static uint64_t str_from_char(x64::TraceContext*, int32_t c) { return current_heap->intern(char_text(c)); }
  static double str_to_num(x64::TraceContext* ctx, uint64_t str) {
    double value = 0;
    ctx->helper_answer = ir::semantics::string_to_number(current_heap->text(current_heap->block(str)), &value);
    return value;
  }
  static uint64_t append(uint64_t buffer, std::string_view piece) {
    TestHeap::Block& b = current_heap->block(buffer);
    current_heap->set_text(b, current_heap->text(b) + std::string(piece));
    return buffer;
  }
  static uint64_t buf_put(x64::TraceContext*, uint64_t buffer, uint64_t str) {
    return append(buffer, current_heap->text(current_heap->block(str)));
  }
  // BUFPUT of a TOSTR, fused: the number formatted straight into the buffer.
  static uint64_t buf_put_int(x64::TraceContext*, uint64_t buffer, int32_t v) { return append(buffer, int_text(v)); }
  static uint64_t buf_put_num(x64::TraceContext*, uint64_t buffer, double v) { return append(buffer, num_text(v)); }
  static uint64_t buf_put_char(x64::TraceContext*, uint64_t buffer, int32_t c) { return append(buffer, char_text(c)); }
  static uint64_t buf_str(x64::TraceContext*, uint64_t buffer) {
    return current_heap->intern(current_heap->text(current_heap->block(buffer)));
  }
};

TestHeap::TestHeap(const ir::Binding& binding) : binding_(binding) {}
TestHeap::~TestHeap() {
  if (current_heap == this) current_heap = nullptr;
}

void TestHeap::activate() { current_heap = this; }

TestHeap::GcCounters& TestHeap::gc() {
  static GcCounters counters;
  return counters;
}

uint64_t& TestHeap::gray_again_head() {
  static uint64_t head = 0;
  return head;
}

// Walks the gray-again list (bounded: a cycle would be a bug, not a hang).
bool TestHeap::on_gray_again_list(uint64_t id) const {
  size_t steps = 0;
  for (uint64_t at = gray_again_head(); at && steps <= blocks_.size(); at = block(at).gclist, ++steps)
    if (at == id) return true;
  return false;
}

uint64_t TestHeap::new_object() {
  blocks_.push_back(std::make_unique<Block>());
  const uint64_t id = reinterpret_cast<uint64_t>(blocks_.back().get());
  index_[id] = blocks_.size() - 1;
  return id;
}

TestHeap::Block& TestHeap::block(uint64_t id) const {
  auto it = index_.find(id);
  check(it != index_.end(), "no such heap object");
  return *blocks_[it->second];
}

bool TestHeap::placed(uint64_t id) const {
  auto it = index_.find(id);
  return it != index_.end() && it->second < placed_count_;
}

const x64::ObjectLayout& TestHeap::layout(const ir::Binding& binding) {
  static const x64::ObjectLayout layout = [&] {
    x64::ObjectLayout l;
    l.table_array = static_cast<int32_t>(binding.fields[*binding.field_by_name("tab.array")].offset);
    l.table_node = static_cast<int32_t>(binding.fields[*binding.field_by_name("tab.node")].offset);
    l.node_size = sizeof(Node);
    l.node_value = offsetof(Node, value);
    l.node_key = offsetof(Node, key);
    l.func_upvalues = offsetof(Block, upvalues);
    l.upvalue_value = offsetof(Upvalue, value);
    l.upvalue_cell = offsetof(Upvalue, storage);
    l.upvalue_closed = offsetof(Upvalue, closed);
    l.upvalue_marked = offsetof(Upvalue, marked);
    l.gc_marked = offsetof(Block, marked);
    l.gc_list = offsetof(Block, gclist);
    l.gc_grayagain = reinterpret_cast<uint64_t>(&gray_again_head());
    l.barrier_upvalue = reinterpret_cast<uint64_t>(&HeapHelpers::barrier_upvalue);
    l.href = reinterpret_cast<uint64_t>(&HeapHelpers::href);
    l.newref = x64::guarded<&HeapHelpers::newref>::address();
    l.tnew = x64::guarded<&HeapHelpers::tnew>::address();
    l.tdup = x64::guarded<&HeapHelpers::tdup>::address();
    l.gc_counters = reinterpret_cast<uint64_t>(&gc());
    l.gc_step = x64::guarded<&HeapHelpers::gc_step>::address();
    l.string_data = offsetof(Block, chars);
    l.buffer_length = static_cast<int32_t>(binding.fields[*binding.field_by_name("str.len")].offset);
    l.str_new = x64::guarded<&HeapHelpers::str_new>::address();
    l.str_from_int = x64::guarded<&HeapHelpers::str_from_int>::address();
    l.str_from_num = x64::guarded<&HeapHelpers::str_from_num>::address();
    l.str_from_char = x64::guarded<&HeapHelpers::str_from_char>::address();
    l.str_to_num = reinterpret_cast<uint64_t>(&HeapHelpers::str_to_num);
    l.buf_put = x64::guarded<&HeapHelpers::buf_put>::address();
    l.buf_put_int = x64::guarded<&HeapHelpers::buf_put_int>::address();
    l.buf_put_num = x64::guarded<&HeapHelpers::buf_put_num>::address();
    l.buf_put_char = x64::guarded<&HeapHelpers::buf_put_char>::address();
    l.buf_str = x64::guarded<&HeapHelpers::buf_str>::address();
    return l;
  }();
  return layout;
}

// A field's raw contents: numbers as doubles, integers at their width, GC
// values and pointers as their payload.
uint64_t TestHeap::raw_field(uint16_t field, const ir::Value& v) const {
  const ir::IrType t = binding_.fields[field].type;
  if (t == ir::IrType::NUM) return std::bit_cast<uint64_t>(v.to_number());
  const int width = field_width(t);
  return width == 8 ? v.bits : v.bits & ((uint64_t{1} << (8 * width)) - 1);
}

std::string TestHeap::text(const Block& b) const {
  const uint32_t offset = binding_.fields[*binding_.field_by_name("str.len")].offset;
  const auto length = static_cast<uint32_t>(b.fields[offset / 8]);
  check(length <= kMaxString, "string length beyond the test heap's");
  return std::string(b.chars.data(), length);
}

void TestHeap::set_text(Block& b, std::string_view text) const {
  if (text.size() > kMaxString) throw std::runtime_error("string too long for the test heap");
  const uint32_t offset = binding_.fields[*binding_.field_by_name("str.len")].offset;
  b.fields[offset / 8] = text.size();
  std::copy(text.begin(), text.end(), b.chars.begin());
}

// The string block holding `text`, made if there is none.
uint64_t TestHeap::intern(std::string_view text) {
  for (const auto& b : blocks_)
    if (b->type == ir::IrType::STR && this->text(*b) == text) return reinterpret_cast<uint64_t>(b.get());
  const uint64_t id = new_object();
  Block& b = block(id);
  b.type = ir::IrType::STR;
  set_text(b, text);
  return id;
}

void TestHeap::store_object(Block& b, uint64_t id, const ir::Object& o) {
  check(o.array.size() <= kMaxArray && o.hash.size() <= kNodes && o.upvalues.size() <= kMaxUpvalues,
        "object too big for the test heap");
  b.type = o.type;
  for (uint16_t f = 0; f < binding_.fields.size(); ++f) {
    const ir::FieldInfo& info = binding_.fields[f];
    ir::Value v = info.type == ir::IrType::P64 ? ir::Value{ir::IrType::P64, id} : ir::Value{info.type, 0};
    if (auto it = o.fields.find(f); it != o.fields.end()) v = it->second;
    if (info.compute) v = info.compute(o);
    b.fields[info.offset / 8] = raw_field(f, v);
  }
  const x64::ObjectLayout& l = layout(binding_);
  b.fields[static_cast<size_t>(l.table_array / 8)] = reinterpret_cast<uint64_t>(b.array.data());
  b.fields[static_cast<size_t>(l.table_node / 8)] = reinterpret_cast<uint64_t>(b.nodes.data());
  for (size_t i = 0; i < o.array.size(); ++i) b.array[i] = ir::nanbox::box(o.array[i]);
  b.hash_count = static_cast<uint32_t>(o.hash.size());
  for (size_t i = 0; i < o.hash.size(); ++i)
    b.nodes[i] = Node{ir::nanbox::box(o.hash[i].second), ir::nanbox::box(o.hash[i].first), 0};
  b.marked = o.marked;
  b.gclist = 0;
  set_text(b, o.text);
  for (size_t i = 0; i < o.upvalues.size(); ++i) {
    Upvalue& uv = b.cells[i];
    uv.closed = !(i < o.upvalue_open.size() && o.upvalue_open[i]);
    uv.value = uv.closed ? &uv.storage : &uv.open_slot;
    *uv.value = ir::nanbox::box(o.upvalues[i]);
    uv.marked = i < o.upvalue_marked.size() ? o.upvalue_marked[i] : 0;
    b.upvalues[i] = reinterpret_cast<uint64_t>(&uv);
  }
}

// A copy of a table whose array and hash pointers point at its own parts.
void TestHeap::copy_object(uint64_t to_id, uint64_t from_id) {
  Block& to = block(to_id);
  const Block& from = block(from_id);
  to.fields = from.fields;
  to.array = from.array;
  to.nodes = from.nodes;
  to.hash_count = from.hash_count;
  to.type = from.type;
  to.marked = from.marked;
  const x64::ObjectLayout& l = layout(binding_);
  to.fields[static_cast<size_t>(l.table_array / 8)] = reinterpret_cast<uint64_t>(to.array.data());
  to.fields[static_cast<size_t>(l.table_node / 8)] = reinterpret_cast<uint64_t>(to.nodes.data());
}

// The value slot of `key` (compared as the evaluator compares keys), or a
// new one (nil) when `create`; nullptr when absent.
uint64_t* TestHeap::hash_slot(uint64_t table, uint64_t key, bool create) {
  Block& b = block(table);
  for (uint32_t i = 0; i < b.hash_count; ++i)
    if (ir::semantics::compare(ir::Op::EQ, ir::nanbox::unbox(b.nodes[i].key), ir::nanbox::unbox(key)))
      return &b.nodes[i].value;
  if (!create) return nullptr;
  if (b.hash_count >= kNodes) throw std::runtime_error("table overflow");
  Node& n = b.nodes[b.hash_count++];
  n.key = key;
  n.value = ir::nanbox::box(ir::Value::nil());
  return &n.value;
}

void TestHeap::store(const ir::MachineState& state) {
  gray_again_head() = 0;
  for (const auto& [id, object] : state.objects) store_object(block(id), id, object);
  placed_count_ = blocks_.size();
}

uint64_t TestHeap::rebuild(const ir::Trace& trace, ir::Ref alloc, ir::Ref limit,
                           const std::function<ir::Value(ir::Ref)>& value) {
  const ir::Ins& a = trace[alloc];
  const uint64_t id = new_object();
  if (a.o == ir::Op::TDUP) {
    copy_object(id, trace.payload64(a.op1));
  } else {
    ir::Object o;
    o.array.assign(a.op1, ir::Value::nil());
    store_object(block(id), id, o);
  }
  for (ir::Ref s = alloc + 1; s < limit; ++s) {
    const ir::Ins& store = trace[s];
    if (!trace.is_sunk(s) || store.op_info().kind != ir::OpKind::kStore || store.o == ir::Op::PHI ||
        store.o == ir::Op::LOOP || ir::allocation_of(trace, store.op1) != alloc)
      continue;
    ir::Value v = value(store.op2);
    if (v.bits & x64::kSunkPlaceholder && !ir::is_constant_ref(store.op2) && trace.is_sunk(store.op2))
      v = ir::Value{v.type, rebuild(trace, store.op2, limit, value)};
    const ir::Ins& ref = trace[store.op1];
    if (ref.o == ir::Op::AREF) {
      block(id).array[static_cast<size_t>(trace[ref.op2].int_value())] = ir::nanbox::box(v);
    } else if (ref.o == ir::Op::FREF) {
      block(id).fields[binding_.fields[ref.op2].offset / 8] = raw_field(ref.op2, v);
    } else {
      const ir::Ref key = trace[ref.op2].o == ir::Op::KSLOT ? trace[ref.op2].op1 : ref.op2;
      const ir::Ins& k = trace[key];
      ir::Value kv{k.t.base(), ir::has_64bit_payload(k.o) ? trace.payload64(key) : 0};
      if (k.o == ir::Op::KINT) kv = ir::Value::integer(k.int_value());
      *hash_slot(id, ir::nanbox::box(kv), true) = ir::nanbox::box(v);
    }
  }
  return id;
}

// One comparison of machine results with the evaluator's, matching the
// objects both created one to one.
class TestHeap::Comparison {
 public:
  Comparison(const TestHeap& heap, const ir::MachineState& expected) : heap_(heap), expected_(expected) {}

  // A value as the machine has it vs the evaluator's (slots: INT as NUM).
  bool value(const ir::Value& have, const ir::Value& want) {
    const ir::Value w = ir::slot_value(want), h = ir::slot_value(have);
    const bool gc = w.type >= ir::IrType::STR && w.type <= ir::IrType::UDATA;
    if (!gc || !expected_.objects.contains(w.bits)) return (is_nan(h) && is_nan(w)) || h == w;
    if (h.type != w.type) return false;
    if (heap_.placed(w.bits)) return h.bits == w.bits;
    // A new object: matched once, then by the match.
    if (heap_.placed(h.bits) || !heap_.index_.contains(h.bits)) return false;
    if (auto it = to_machine_.find(w.bits); it != to_machine_.end()) return it->second == h.bits;
    if (from_machine_.contains(h.bits)) return false;
    to_machine_[w.bits] = h.bits;
    from_machine_[h.bits] = w.bits;
    return object(h.bits, expected_.objects.at(w.bits)).empty();
  }
  bool boxed(uint64_t have, const ir::Value& want) { return value(ir::nanbox::unbox(have), want); }

  std::string object(uint64_t id, const ir::Object& o) {
    const Block& b = heap_.block(id);
    const x64::ObjectLayout& l = layout(heap_.binding_);
    for (uint16_t f = 0; f < heap_.binding_.fields.size(); ++f) {
      const ir::FieldInfo& info = heap_.binding_.fields[f];
      if (info.compute || info.offset == static_cast<uint32_t>(l.table_array) ||
          info.offset == static_cast<uint32_t>(l.table_node) || info.type == ir::IrType::P64)
        continue;
      ir::Value v{info.type, 0};
      if (auto it = o.fields.find(f); it != o.fields.end()) v = it->second;
      const uint64_t want = heap_.raw_field(f, v);
      const uint64_t have = heap_.raw_field(f, ir::Value{info.type, b.fields[info.offset / 8]});
      const bool nans = info.type == ir::IrType::NUM && std::isnan(std::bit_cast<double>(want)) &&
                        std::isnan(std::bit_cast<double>(have));
      if (want != have && !nans) return absl::StrFormat("field %s: %#x, evaluator %#x", info.name, have, want);
    }
    for (size_t i = 0; i < o.array.size(); ++i)
      if (!boxed(b.array[i], o.array[i]))
        return absl::StrFormat("array[%d]: %#x, evaluator %#x", i, b.array[i], ir::nanbox::box(o.array[i]));
    // A key holding nil is absent: a NEWREF nothing was stored to (LuaJIT
    // would have stored), so count only keys with values.
    size_t present = 0;
    for (const auto& [key, v] : o.hash) {
      if (v.type == ir::IrType::NIL) continue;
      ++present;
      const uint64_t* slot = const_cast<TestHeap&>(heap_).hash_slot(id, ir::nanbox::box(key), false);
      if (!slot || !boxed(*slot, v))
        return absl::StrFormat("hash value of key %#x: %#x, evaluator %#x", ir::nanbox::box(key),
                               slot ? *slot : 0, ir::nanbox::box(v));
    }
    size_t machine_present = 0;
    for (uint32_t i = 0; i < b.hash_count; ++i)
      machine_present += ir::nanbox::unbox(b.nodes[i].value).type != ir::IrType::NIL;
    if (machine_present != present)
      return absl::StrFormat("%d hash keys with values, evaluator %d", machine_present, present);
    for (size_t i = 0; i < o.upvalues.size(); ++i)
      if (!boxed(*b.cells[i].value, o.upvalues[i]))
        return absl::StrFormat("upvalue %d: %#x, evaluator %#x", i, *b.cells[i].value,
                               ir::nanbox::box(o.upvalues[i]));
    if (b.marked != o.marked) return absl::StrFormat("GC colour %#x, evaluator %#x", b.marked, o.marked);
    if (heap_.text(b) != o.text) return absl::StrFormat("text \"%s\", evaluator \"%s\"", heap_.text(b), o.text);
    if (heap_.on_gray_again_list(id) != o.gray_again)
      return absl::StrFormat("on the gray-again list: %d, evaluator %d", !o.gray_again, o.gray_again);
    return "";
  }

 private:
  const TestHeap& heap_;
  const ir::MachineState& expected_;
  absl::flat_hash_map<uint64_t, uint64_t> to_machine_, from_machine_;
};

std::string TestHeap::compare(const std::map<int32_t, ir::Value>& slots, const ir::EvalResult& expected) const {
  Comparison c(*this, expected.state);
  if (slots.size() != expected.restored.size()) return "different slots";
  for (const auto& [slot, v] : expected.restored) {
    auto it = slots.find(slot);
    if (it == slots.end() || !c.value(it->second, v)) return absl::StrFormat("slot %d differs", slot);
  }
  for (const auto& [id, object] : expected.state.objects) {
    if (!placed(id)) continue;  // new: compared where something refers to it
    if (std::string why = c.object(id, object); !why.empty())
      return absl::StrFormat("memory: object %#x: %s", id, why);
  }
  return "";
}

}  // namespace lj::testing
