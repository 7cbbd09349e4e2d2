// A front-end binding for IR tests: LuaJIT's field names, a few helper calls
// and a registry of named GC constants (strings print quoted, other objects
// by the name they were registered with, e.g. "test.lua:1").
#pragma once

#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "lj/ir/binding.h"
#include "lj/ir/eval.h"

namespace lj::testing {

class TestBinding {
 public:
  TestBinding();

  const ir::Binding& binding() const { return binding_; }
  // The constant for a string's contents (same contents, same value).
  ir::Value string(std::string_view text);
  // An object of type `t` printed as `name`.
  ir::Value named(ir::IrType t, std::string_view name);
  // A TDUP template printed as `name` whose contents the binding reveals
  // (Binding::template_value). The evaluator needs the same object in its
  // MachineState (template_object).
  ir::Value add_template(std::string_view name, ir::Object contents);
  const ir::Object& template_object(const ir::Value& table) const;
  // A template every TestBinding knows: array {nil, 1, 2.5}, hash {x = 3.5}.
  static constexpr std::string_view kTemplateName = "{1,2.5,x=3.5}";

  // Field and call numbers by name (the test's view of the tables).
  uint16_t field(std::string_view name) const;
  uint16_t call(std::string_view name) const;

 private:
  std::string format(const ir::Value& v) const;
  std::optional<ir::Value> parse(std::string_view text, ir::IrType hint);

  ir::Binding binding_;
  absl::flat_hash_map<uint64_t, std::pair<ir::IrType, std::string>> names_;
  absl::flat_hash_map<std::string, ir::Value> by_text_;
  absl::flat_hash_map<uint64_t, ir::Object> templates_;
  uint64_t next_id_ = 0x1000;
};

}  // namespace lj::testing
