// Language binding points: what a front end tells the IR about its world.
// The IR, the optimizer and the evaluator know fields, helper calls and GC
// constants only through these tables.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lj/ir/ir.h"

namespace lj::ir {

// A typed value as the IR sees it: base type plus a 64-bit payload
// (int32 sign-extended, double bits, int64 bits, or an object/pointer id).
struct Value {
  IrType type = IrType::NIL;
  uint64_t bits = 0;

  static Value nil() { return Value{IrType::NIL, 0}; }
  static Value boolean(bool b) { return Value{b ? IrType::TRUE : IrType::FALSE, 0}; }
  static Value integer(int32_t v) {
    return Value{IrType::INT, static_cast<uint64_t>(static_cast<int64_t>(v))};
  }
  static Value number(double v);
  static Value object(IrType t, uint64_t id) { return Value{t, id}; }
  int32_t as_int() const { return static_cast<int32_t>(bits); }
  double as_num() const;
  // NUM as is, integer types converted (helpers take numbers).
  double to_number() const;
  friend bool operator==(const Value&, const Value&) = default;
};

struct Object;  // the evaluator's object (eval.h)

// FLOAD / FREF / FSTORE literal: an index into the field table.
struct FieldInfo {
  std::string name;  // printed by the dump: "tab.hmask"
  uint32_t offset;   // byte offset for the backend
  IrType type;       // type of the loaded value
  // For the evaluator: a field derived from the object (e.g. an array
  // size) instead of a stored one. May be empty.
  std::function<Value(const Object&)> compute = nullptr;
};

// CALL* literal: an index into the call table.
struct CallInfo {
  std::string name;   // printed by the dump: "lj_tab_len"
  uint64_t address;   // for the backend
  uint8_t nargs;
  IrType result;
  uint32_t flags;
  // Reference semantics of the helper for the evaluator (may be empty).
  std::function<Value(std::span<const Value>)> evaluate;
};

// The GC colour bits of an object's `marked` byte (LuaJIT's LJ_GC_WHITE0/1,
// LJ_GC_BLACK), which the write barriers (TBAR, OBAR) test.
namespace gc_marked {
inline constexpr uint8_t kWhites = 0x03;
inline constexpr uint8_t kBlack = 0x04;
}  // namespace gc_marked

// How GC constants are printed and read back in the text form.
struct ConstantNames {
  std::function<std::string(const Value&)> format;
  // `hint` is the type the context expects (NIL inside snapshots).
  std::function<std::optional<Value>(std::string_view text, IrType hint)> parse;
};

// The part of a table a key addresses (TDUP templates).
enum class TablePart : uint8_t { kArray, kHash };

// TDUP's template is a constant table the front end owns and never changes.
// Given the template (a GC constant), a part and a constant key (an INT
// array index, or any hash key), the value stored there: nil when absent,
// nullopt when the front end cannot tell at compile time.
using TemplateLookup =
    std::function<std::optional<Value>(const Value& table, TablePart part, const Value& key)>;

// Everything a front end supplies. Lookups by name serve the parser.
struct Binding {
  std::vector<FieldInfo> fields;
  std::vector<CallInfo> calls;
  ConstantNames constants;
  TemplateLookup template_value;  // may be empty: nothing is known

  std::optional<uint16_t> field_by_name(std::string_view name) const;
  std::optional<uint16_t> call_by_name(std::string_view name) const;
};

// The NaN-boxing value model (LuaJIT GC64): doubles as themselves, any other
// value with its itype (~irt) in the top 17 bits and a 47-bit payload.
namespace nanbox {
inline constexpr uint32_t kTagShift = 47;
uint64_t box(const Value& v);
Value unbox(uint64_t boxed);
}  // namespace nanbox

}  // namespace lj::ir
