// Real memory for the reference evaluator's objects, so machine code can run
// over the same tables, arrays, hash parts, fields and upvalues the
// evaluator models (lj/ir/eval.h). Each object is a block at a fixed
// address, and its address is its id in the ir::MachineState, so a GC value's
// payload is the same for the evaluator and for the machine code. The
// layout (x64::ObjectLayout plus the binding's field offsets):
//
//   block + field.offset    each field of the binding's table, raw (8 bytes each)
//   tab.array  -> the array part: boxed slots
//   tab.node   -> the hash part: nodes {value, key, next} of 24 bytes, in the
//                 evaluator's insertion order, kNodes of them at most
//   tab.asize  the array size (int32)
//   block + 128  a function's upvalue-object pointers; an upvalue object
//                holds a pointer to its boxed value: its own cell once
//                closed, else a cell standing for the stack slot; a closed
//                flag and a colour byte
//   marked, gclist  the GC colour byte (ir::gc_marked) and the gray-again
//                list link (TBAR pushes a black table on that list)
//   str.len, chars  a string's or string buffer's length (the binding's
//                field, 32 bits) and bytes (kMaxString at most). Strings
//                are interned over the heap: one block per content.
//
// The helpers the layout names (href, newref, tnew, tdup, the string ones) work on the heap
// that is current (TestHeap::activate); newref fails when a hash part is
// full, tnew when the array is too big.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "lj/asm/x64/assembler.h"
#include "lj/ir/binding.h"
#include "lj/ir/eval.h"

namespace lj::testing {

class TestHeap {
 public:
  static constexpr int kNodes = 8;
  static constexpr int kMaxArray = 16;
  static constexpr int kMaxUpvalues = 8;
  static constexpr int kMaxString = 256;

  explicit TestHeap(const ir::Binding& binding);
  ~TestHeap();

  // A fresh block; its address is the object's id.
  uint64_t new_object();
  // Writes every object of `state` (ids from new_object) into its block.
  // Blocks made after this are the run's new objects.
  void store(const ir::MachineState& state);

  // Rebuilds sunk allocation `alloc` for an exit at snapshot reference
  // `limit`, as the evaluator does: a new table (TNEW: nil array; TDUP: a
  // copy of the template) with every sunk store into it before `limit`
  // replayed. `value` gives a stored value at the exit. Returns its id.
  uint64_t rebuild(const ir::Trace& trace, ir::Ref alloc, ir::Ref limit,
                   const std::function<ir::Value(ir::Ref)>& value);

  // Empty when the machine's restored slots and objects equal the
  // evaluator's: objects placed before the run by address, objects created
  // since (by the trace, or rebuilt at the exit) matched one to one with
  // the evaluator's new objects and compared by content; else why not.
  std::string compare(const std::map<int32_t, ir::Value>& slots, const ir::EvalResult& expected) const;

  // The layout the assembler needs, with the heap helpers (built once, from
  // the first binding asked for: the tests use one).
  static const x64::ObjectLayout& layout(const ir::Binding& binding);
  // Makes this heap the one the helpers work on.
  void activate();

  // GCSTEP's counters (x64::ObjectLayout::gc_counters): the step helper
  // runs when total >= threshold; it counts its calls, and throws when told.
  struct GcCounters {
    uint64_t total = 0, threshold = 1;
    int steps = 0;
    bool fail = false;
  };
  static GcCounters& gc();
  // The gray-again list TBAR pushes black tables on (linked through each
  // block's gclist); store() empties it.
  static uint64_t& gray_again_head();
  size_t objects() const { return blocks_.size(); }

 private:
  struct Node {
    uint64_t value, key, next;
  };
  struct Upvalue {
    uint64_t* value;        // &storage once closed, else &open_slot
    uint64_t storage;       // the closed upvalue's own cell (UREFC's address)
    uint64_t open_slot;     // stands for the stack slot an open upvalue names
    uint8_t closed = 0;
    uint8_t marked = 0;     // GC colour (OBAR reads it)
  };
  struct Block {
    std::array<uint64_t, 16> fields{};
    std::array<char, kMaxString> chars{};  // a string's or buffer's bytes
    std::array<uint64_t, kMaxUpvalues> upvalues{};  // Upvalue* each
    std::array<uint64_t, kMaxArray> array{};
    std::array<Node, kNodes> nodes{};
    std::array<Upvalue, kMaxUpvalues> cells{};
    uint32_t hash_count = 0;
    ir::IrType type = ir::IrType::TAB;
    uint8_t marked = 0;     // GC colour (ir::gc_marked)
    uint64_t gclist = 0;    // next on the gray-again list
  };
  class Comparison;

  Block& block(uint64_t id) const;
  bool placed(uint64_t id) const;
  void store_object(Block& b, uint64_t id, const ir::Object& o);
  void copy_object(uint64_t to, uint64_t from);
  uint64_t* hash_slot(uint64_t table, uint64_t boxed_key, bool create);
  uint64_t raw_field(uint16_t field, const ir::Value& v) const;
  bool on_gray_again_list(uint64_t id) const;
  // Strings and buffers: the block's bytes, and the interned string of `text`.
  std::string text(const Block& b) const;
  void set_text(Block& b, std::string_view text) const;
  uint64_t intern(std::string_view text);

  friend struct HeapHelpers;
  const ir::Binding& binding_;
  std::vector<std::unique_ptr<Block>> blocks_;
  absl::flat_hash_map<uint64_t, size_t> index_;  // address -> blocks_ index
  size_t placed_count_ = 0;
};

}  // namespace lj::testing
