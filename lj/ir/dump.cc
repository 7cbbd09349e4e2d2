#include "lj/ir/dump.h"

#include <bit>
#include <cmath>
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lj/ir/text_util.h"

namespace lj::ir {
namespace {

// C printf formatting, exactly what Lua's string.format produces.
template <typename... Args>
std::string cformat(const char* format, Args... args) {
  char buffer[128];
  std::snprintf(buffer, sizeof buffer, format, args...);
  return buffer;
}

// Lua's own %a prints denormals normalized ("+0x1.8p-1030"), unlike libc.
std::string hex_float(double v) {
  int exponent;
  double mantissa = std::frexp(v, &exponent);  // v = mantissa * 2^exponent
  std::string text = cformat("%+a", mantissa * 2);  // "+0x1.xxxp+0"
  return text.substr(0, text.find('p')) + cformat("p%d", exponent - 1);
}

std::string format_number(double v, uint32_t snap_flags) {
  if (snap_flags & (SnapEntry::kFrame | SnapEntry::kCont))
    return (snap_flags & SnapEntry::kCont) ? "contpc" : "ftsz";
  if (v == 0x1.8p52) return "bias";
  if (0 < v && v < 0x1p-1026) return hex_float(v);
  return cformat("%+.14g", v);
}

// The unpadded text of a constant.
std::string constant_text(const Trace& trace, const Binding& binding, Ref k,
                          uint32_t snap_flags) {
  const Ins& ins = trace[k];
  switch (ins.o) {
    case Op::KPRI:
      return ins.t.is(IrType::NIL) ? "nil" : ins.t.is(IrType::FALSE) ? "false" : "true";
    case Op::KINT: return format_number(ins.int_value(), 0);
    case Op::KNUM: return format_number(trace.number(k), snap_flags);
    case Op::KINT64:
      if (ins.t.is(IrType::U64))
        return absl::StrCat(trace.payload64(k), "ULL");
      return cformat("%+lld", static_cast<long long>(trace.int64(k)));
    case Op::KPTR:
    case Op::KKPTR:
    case Op::KNULL: {
      uint64_t p = trace.payload64(k);
      return p == 0 ? std::string("NULL")
                    : cformat("[0x%08llx]", static_cast<unsigned long long>(p));
    }
    case Op::KGC:
      if (binding.constants.format)
        return binding.constants.format(
            Value::object(ins.t.base(), trace.payload64(k)));
      return absl::StrFormat("%s:%#x", name(ins.t.base()), trace.payload64(k));
    default: check(false, "not a constant"); return "";
  }
}

std::string pad4(std::string s) {
  if (s.size() < 4) s.resize(4, ' ');
  return s;
}

std::string ref_text(Ref r) { return cformat("%04d", static_cast<int>(r - kRefBias)); }

std::string operand_text(const Trace& trace, const Binding& binding, Ref r) {
  return is_constant_ref(r) ? format_constant(trace, binding, r) : ref_text(r);
}

// Named literals for op2, as dump.lua's litname table.
std::string literal_text(const Binding& binding, Op op, uint16_t lit) {
  switch (op) {
    case Op::SLOAD: {
      std::string s;
#define LJ_IR_SLOADLETTER(name, bit, letter) \
  if (lit & bit) s += letter;
      LJ_IR_SLOADDEF(LJ_IR_SLOADLETTER)
#undef LJ_IR_SLOADLETTER
      return s;
    }
    case Op::XLOAD: {
      static constexpr const char* kNames[] = {"", "R", "V", "RV", "U", "RU", "VU", "RVU"};
      if (lit < 8) return kNames[lit];
      break;
    }
    case Op::CONV: {
      std::string s = std::string(text::strip_trailing(name(conv::dest(lit)))) + "." + std::string(text::strip_trailing(name(conv::source(lit))));
      if (lit & conv::kSignExtend) s += " sext";
      static constexpr const char* kModes[] = {"", " none", " index", " check"};
      s += kModes[conv::check_mode(lit) & 3];
      return s;
    }
    case Op::FLOAD:
    case Op::FREF:
      if (lit < binding.fields.size()) return binding.fields[lit].name;
      break;
    case Op::FPMATH: {
      static constexpr const char* kNames[] = {
#define LJ_IR_FPMNAME(name, text) text,
          LJ_IR_FPMDEF(LJ_IR_FPMNAME)
#undef LJ_IR_FPMNAME
      };
      if (lit < std::size(kNames)) return kNames[lit];
      break;
    }
    case Op::TMPREF: {
      static constexpr const char* kNames[] = {"", "IN", "OUT", "INOUT", "", "", "OUT2", "INOUT2"};
      if (lit < 8) return kNames[lit];
      break;
    }
    case Op::BUFHDR: {
      static constexpr const char* kNames[] = {"RESET", "APPEND", "WRITE"};
      if (lit < 3) return kNames[lit];
      break;
    }
    case Op::TOSTR: {
      static constexpr const char* kNames[] = {"INT", "NUM", "CHAR"};
      if (lit < 3) return kNames[lit];
      break;
    }
    case Op::UREFO:
    case Op::UREFC: return cformat("#%-3d", lit >> 8);
    default: break;
  }
  return cformat("#%-3d", lit);
}

// CALL arguments: a left-nested chain of CARGs, printed flat.
void append_call_args(const Trace& trace, const Binding& binding, Ref r,
                      std::string& out) {
  if (is_constant_ref(r)) {
    out += format_constant(trace, binding, r);
    return;
  }
  const Ins& ins = trace[r];
  if (ins.o != Op::CARG) {
    out += ref_text(r);
    return;
  }
  append_call_args(trace, binding, ins.op1, out);
  out += " ";
  out += operand_text(trace, binding, ins.op2);
}

void append_snapshot(const Trace& trace, const Binding& binding, size_t n,
                     std::string& out) {
  const Snapshot& snap = trace.snaps[n];
  out += cformat("....        SNAP   #%-3d [ ", static_cast<int>(n));
  const SnapEntry* entries = trace.snapshot_entries(n);
  uint32_t e = 0;
  for (uint32_t slot = 0; slot < snap.nslots; ++slot) {
    if (e >= snap.nent || entries[e].slot() != slot) {
      out += "---- ";
      continue;
    }
    SnapEntry entry = entries[e++];
    Ref r = entry.ref();
    if (entry.bits == 0x1057fff) {
      out += "----";  // the GC64 frame slot 1 placeholder
    } else if (is_constant_ref(r)) {
      out += format_constant(trace, binding, r, entry.flags());
    } else if (entry.has(SnapEntry::kSoftFpNum)) {
      out += cformat("%04d/%04d", static_cast<int>(r - kRefBias),
                     static_cast<int>(r + 1 - kRefBias));
    } else {
      out += ref_text(r);
    }
    out += entry.has(SnapEntry::kFrame) ? "|" : " ";
  }
  out += "]\n";
}

void append_instruction(const Trace& trace, const Binding& binding, Ref r,
                        std::string& out) {
  const Ins& ins = trace[r];
  const OpInfo& oi = ins.op_info();
  std::string opname = std::string(oi.name);
  opname.resize(6, ' ');
  out += cformat("%04d ", static_cast<int>(r - kRefBias));
  out += trace.is_sunk(r) ? '}' : ins.t.is_guard() ? '>' : ' ';
  out += ins.t.is_phi() ? '+' : ' ';
  out += " " + std::string(name(ins.t.base())) + " " + opname + " ";
  if (oi.name.starts_with("CALL")) {
    if (oi.op2 == OperandKind::lit) {
      std::string callee = ins.op2 < binding.calls.size()
                               ? binding.calls[ins.op2].name
                               : cformat("#%d", ins.op2);
      out += cformat("%-10s  (", callee.c_str());
    } else {
      out += is_constant_ref(ins.op2)
                 ? cformat("[0x%llx](", static_cast<unsigned long long>(
                                            trace.payload64(ins.op2)))
                 : ref_text(ins.op2) + " (";
    }
    if (ins.op1 != kRefNil) append_call_args(trace, binding, ins.op1, out);
    out += ")";
  } else if (ins.o == Op::CNEW && ins.op2 == kRefNil) {
    out += format_constant(trace, binding, ins.op1);
  } else if (oi.op1 != OperandKind::none) {
    if (oi.op1 == OperandKind::ref)
      out += operand_text(trace, binding, ins.op1);
    else
      out += cformat("#%-3d", ins.op1);
    if (oi.op2 == OperandKind::lit)
      absl::StrAppend(&out, "  ", literal_text(binding, ins.o, ins.op2));
    else if (oi.op2 != OperandKind::none)
      absl::StrAppend(&out, "  ", operand_text(trace, binding, ins.op2));
  }
  out += "\n";
}

}  // namespace

std::string format_constant(const Trace& trace, const Binding& binding, Ref k,
                            uint32_t snap_flags) {
  const Ins& ins = trace[k];
  if (ins.o == Op::KSLOT)
    return absl::StrCat(format_constant(trace, binding, ins.op1), " @", ins.op2);
  return pad4(constant_text(trace, binding, k, snap_flags));
}

// Snapshots print before the first instruction they cover; NOP, CARG and
// RENAME are not printed.
std::string dump(const Trace& trace, const Binding& binding) {
  std::string out;
  size_t next_snap = 0;
  for (Ref r = kRefFirst; r < trace.nins(); ++r) {
    if (next_snap < trace.snaps.size() && r >= trace.snaps[next_snap].ref)
      append_snapshot(trace, binding, next_snap++, out);
    Op op = trace[r].o;
    if (op == Op::LOOP) {
      out += cformat("%04d ------ LOOP ------------\n", static_cast<int>(r - kRefBias));
    } else if (op != Op::NOP && op != Op::CARG && op != Op::RENAME) {
      append_instruction(trace, binding, r, out);
    }
  }
  while (next_snap < trace.snaps.size())
    append_snapshot(trace, binding, next_snap++, out);
  return out;
}

}  // namespace lj::ir
