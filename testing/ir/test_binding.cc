#include "testing/ir/test_binding.h"

#include <cmath>
#include <cstdio>

#include "absl/strings/str_format.h"
#include "lj/base/check.h"
#include "lj/ir/eval.h"

namespace lj::testing {
namespace {

// Lua's escaping of control characters in dumps.
std::string escape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c < 32 || c == 127) out += absl::StrFormat("\\%03d", c);
    else out += static_cast<char>(c);
  }
  return out;
}

}  // namespace

TestBinding::TestBinding() {
  using ir::IrType;
  // LuaJIT's FLOAD fields in the reference build's order; the test's memory
  // model treats each as a plain slot of its object.
  const std::pair<const char*, IrType> fields[] = {
      {"str.len", IrType::INT},      {"func.env", IrType::TAB},
      {"func.pc", IrType::P64},      {"func.ffid", IrType::U8},
      {"thread.env", IrType::TAB},   {"tab.meta", IrType::TAB},
      {"tab.array", IrType::P64},    {"tab.node", IrType::P64},
      {"tab.asize", IrType::INT},    {"tab.hmask", IrType::INT},
      {"tab.nomm", IrType::U8},      {"udata.meta", IrType::TAB},
      {"udata.udtype", IrType::U8},  {"udata.file", IrType::P64},
      // Two plain number fields for memory tests (not LuaJIT's).
      {"test.x", IrType::NUM},       {"test.y", IrType::NUM},
  };
  uint32_t offset = 0;
  for (auto [name, type] : fields) {
    binding_.fields.push_back(ir::FieldInfo{name, offset, type});
    offset += 8;
  }
  // The array size is what ABC checks against.
  binding_.fields[field("tab.asize")].compute = [](const ir::Object& o) {
    return ir::Value::integer(static_cast<int32_t>(o.array.size()));
  };
  auto num_fn = [](double (*f)(double, double)) {
    return [f](std::span<const ir::Value> args) {
      return ir::Value::number(f(args[0].to_number(), args.size() > 1 ? args[1].to_number() : 0));
    };
  };
  binding_.calls.push_back(ir::CallInfo{"lj_vm_floor", 0x1000, 1, IrType::NUM, 0,
                                        num_fn([](double a, double) { return std::floor(a); })});
  binding_.calls.push_back(ir::CallInfo{"pow", 0x1010, 2, IrType::NUM, 0,
                                        num_fn([](double a, double b) { return std::pow(a, b); })});
  binding_.calls.push_back(ir::CallInfo{"fmod", 0x1020, 2, IrType::NUM, 0,
                                        num_fn([](double a, double b) { return std::fmod(a, b); })});
  binding_.template_value = [this](const ir::Value& table, ir::TablePart part,
                                   const ir::Value& key) -> std::optional<ir::Value> {
    auto it = templates_.find(table.bits);
    if (it == templates_.end()) return std::nullopt;
    const ir::Object& o = it->second;
    if (part == ir::TablePart::kArray) {
      if (key.type != IrType::INT) return std::nullopt;
      size_t i = static_cast<size_t>(static_cast<uint32_t>(key.as_int()));
      return i < o.array.size() ? o.array[i] : ir::Value::nil();
    }
    for (const auto& [k, v] : o.hash)
      if (k == key) return v;
    return ir::Value::nil();
  };
  ir::Object standard;
  standard.array = {ir::Value::nil(), ir::Value::number(1), ir::Value::number(2.5)};
  standard.hash.emplace_back(string("x"), ir::Value::number(3.5));
  add_template(kTemplateName, standard);
  binding_.constants.format = [this](const ir::Value& v) { return format(v); };
  binding_.constants.parse = [this](std::string_view t, ir::IrType hint) { return parse(t, hint); };
}

ir::Value TestBinding::string(std::string_view text) {
  std::string shown = "\"" + escape(text) + "\"";
  if (text.size() > 20) shown = "\"" + escape(text.substr(0, 20)) + "\"~";
  if (auto it = by_text_.find(shown); it != by_text_.end()) return it->second;
  ir::Value v = ir::Value::object(ir::IrType::STR, next_id_ += 16);
  names_[v.bits] = {v.type, shown};
  by_text_[shown] = v;
  return v;
}

ir::Value TestBinding::named(ir::IrType t, std::string_view name) {
  std::string key(name);
  if (auto it = by_text_.find(key); it != by_text_.end()) return it->second;
  ir::Value v = ir::Value::object(t, next_id_ += 16);
  names_[v.bits] = {t, key};
  by_text_[key] = v;
  return v;
}

ir::Value TestBinding::add_template(std::string_view name, ir::Object contents) {
  ir::Value v = named(ir::IrType::TAB, name);
  templates_[v.bits] = std::move(contents);
  return v;
}

const ir::Object& TestBinding::template_object(const ir::Value& table) const {
  auto it = templates_.find(table.bits);
  lj::check(it != templates_.end(), "not a template");
  return it->second;
}

uint16_t TestBinding::field(std::string_view name) const {
  auto f = binding_.field_by_name(name);
  lj::check(f.has_value(), "unknown field");
  return *f;
}

uint16_t TestBinding::call(std::string_view name) const {
  auto c = binding_.call_by_name(name);
  lj::check(c.has_value(), "unknown call");
  return *c;
}

std::string TestBinding::format(const ir::Value& v) const {
  if (auto it = names_.find(v.bits); it != names_.end()) return it->second.second;
  return absl::StrFormat("{%s:%#x}", ir::name(v.type), v.bits);
}

// Strings seen for the first time are interned on the fly.
std::optional<ir::Value> TestBinding::parse(std::string_view text, ir::IrType hint) {
  if (auto it = by_text_.find(std::string(text)); it != by_text_.end()) return it->second;
  if (text.starts_with("\"") && text.ends_with("\"")) {
    ir::Value v = ir::Value::object(ir::IrType::STR, next_id_ += 16);
    names_[v.bits] = {v.type, std::string(text)};
    by_text_[std::string(text)] = v;
    return v;
  }
  // Anything else names an object: register it with the expected type.
  if (text.empty()) return std::nullopt;
  return named(hint == ir::IrType::NIL ? ir::IrType::FUNC : hint, text);
}

}  // namespace lj::testing
