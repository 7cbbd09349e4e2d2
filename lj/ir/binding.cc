#include "lj/ir/binding.h"

#include <bit>

namespace lj::ir {

Value Value::number(double v) { return Value{IrType::NUM, std::bit_cast<uint64_t>(v)}; }

double Value::as_num() const { return std::bit_cast<double>(bits); }

double Value::to_number() const {
  switch (type) {
    case IrType::NUM: case IrType::FLOAT: return as_num();
    case IrType::INT: return as_int();
    case IrType::U32: return static_cast<uint32_t>(bits);
    case IrType::I64: return static_cast<double>(static_cast<int64_t>(bits));
    case IrType::U64: return static_cast<double>(bits);
    default: return 0;
  }
}

std::optional<uint16_t> Binding::field_by_name(std::string_view name) const {
  for (size_t i = 0; i < fields.size(); ++i)
    if (fields[i].name == name) return static_cast<uint16_t>(i);
  return std::nullopt;
}

std::optional<uint16_t> Binding::call_by_name(std::string_view name) const {
  for (size_t i = 0; i < calls.size(); ++i)
    if (calls[i].name == name) return static_cast<uint16_t>(i);
  return std::nullopt;
}

namespace nanbox {

inline constexpr uint64_t kPayloadMask = (uint64_t{1} << kTagShift) - 1;

// Integers become doubles: the model has no dual-number mode.
uint64_t box(const Value& v) {
  if (v.type == IrType::NUM) return v.bits;
  if (v.type == IrType::INT) return std::bit_cast<uint64_t>(static_cast<double>(v.as_int()));
  uint64_t itype = ~static_cast<uint64_t>(v.type);
  return (itype << kTagShift) | (v.bits & kPayloadMask);
}

// Tags above the largest NaN pattern are itypes; anything else is a double.
Value unbox(uint64_t boxed) {
  uint32_t itype = static_cast<uint32_t>(boxed >> kTagShift) | 0xfffe0000u;
  uint32_t irt = ~itype;
  if (irt < static_cast<uint32_t>(IrType::NUM) && (boxed >> kTagShift) >= 0x1fff2)
    return Value{static_cast<IrType>(irt), boxed & kPayloadMask};
  return Value{IrType::NUM, boxed};
}

}  // namespace nanbox
}  // namespace lj::ir
