// The `luajit -bl` listing (jit/bc.lua's format), reproduced byte for byte.
#include <cmath>
#include <cstdio>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lj/vm/bc/bc.h"

namespace lj::bc {

bool IsIntegralConstant(double n) {
  return n == std::floor(n) && std::fabs(n) < 2147483648.0 &&
         !(n == 0 && std::signbit(n));
}

namespace {

// Lua's tostring() of a number: "%.14g" as LuaJIT formats it, which rounds
// a tie in the 15th digit away from zero (glibc rounds it to even).
std::string FormatNumber(double n) {
  if (std::isnan(n)) return "nan";
  if (std::isinf(n)) return n > 0 ? "inf" : "-inf";
  if (n == 0) return std::signbit(n) ? "-0" : "0";
  constexpr int kPrecision = 14;
  // 40 exact-enough significant digits, then round half up to 14.
  std::string e = absl::StrFormat("%.40e", std::fabs(n));
  std::string digits = e.substr(0, 1) + e.substr(2, 40);
  int exponent = std::stoi(e.substr(e.find('e') + 1));
  std::string kept = digits.substr(0, kPrecision);
  if (digits[kPrecision] >= '5') {
    int i = kPrecision - 1;
    while (i >= 0 && kept[i] == '9') kept[i--] = '0';
    if (i < 0) {
      kept.insert(kept.begin(), '1');
      kept.pop_back();
      exponent++;
    } else {
      kept[i]++;
    }
  }
  std::string out = n < 0 ? "-" : "";
  if (exponent < -4 || exponent >= kPrecision) {
    // d.ddde+XX without trailing zeros.
    std::string frac = kept.substr(1);
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    out += kept.substr(0, 1);
    if (!frac.empty()) out += "." + frac;
    absl::StrAppendFormat(&out, "e%c%02d", exponent < 0 ? '-' : '+',
                          std::abs(exponent));
    return out;
  }
  std::string whole, frac;
  if (exponent >= 0) {
    whole = kept.substr(0, exponent + 1);
    frac = kept.substr(exponent + 1);
  } else {
    whole = "0";
    frac = std::string(-exponent - 1, '0') + kept;
  }
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  out += whole;
  if (!frac.empty()) out += "." + frac;
  return out;
}

// String constants are shown with control characters escaped and cut to 40
// bytes with a trailing '~' (jit/bc.lua's ctlsub + "%.40s").
std::string FormatString(const std::string& s) {
  std::string escaped;
  for (unsigned char ch : s) {
    if (ch == '\n') {
      escaped += "\\n";
    } else if (ch == '\r') {
      escaped += "\\r";
    } else if (ch == '\t') {
      escaped += "\\t";
    } else if (ch < 32 || ch == 127) {
      escaped += absl::StrFormat("\\%03d", ch);
    } else {
      escaped += static_cast<char>(ch);
    }
  }
  // jit.bc tests the raw string's length, then keeps 40 escaped characters.
  if (s.size() > 40) return "\"" + escaped.substr(0, 40) + "\"~";
  return "\"" + escaped + "\"";
}

const std::string& UpvalueName(const Proto& proto, uint32_t idx) {
  static const std::string kEmpty;
  return idx < proto.upvalue_names.size() ? proto.upvalue_names[idx] : kEmpty;
}

// The comment text for the C/D operand, or empty when jit.bc prints none.
std::string OperandComment(const Proto& proto, Op op, Mode mode, uint32_t d,
                           bool* has_comment) {
  *has_comment = true;
  switch (mode) {
    case Mode::str:
      if (d < proto.gc_consts.size()) {
        if (auto* s = std::get_if<std::string>(&proto.gc_consts[d])) {
          return FormatString(*s);
        }
      }
      break;
    case Mode::num:
      if (d < proto.num_consts.size()) {
        double n = proto.num_consts[d];
        if (op == Op::TSETM) n -= 4503599627370496.0;  // 2^52 bias.
        return FormatNumber(n);
      }
      break;
    case Mode::func:
      if (d < proto.gc_consts.size()) {
        if (auto* p = std::get_if<std::shared_ptr<Proto>>(&proto.gc_consts[d])) {
          return ProtoLocation(**p);
        }
      }
      break;
    case Mode::uv:
      return UpvalueName(proto, d);
    default:
      break;
  }
  *has_comment = false;
  return "";
}

}  // namespace

std::string ProtoLocation(const Proto& proto) {
  const std::string& name = proto.chunkname;
  std::string shown;
  if (!name.empty() && name[0] == '@') {
    // Files are shown by their base name only.
    size_t slash = name.find_last_of("/\\");
    shown = (slash == std::string::npos || slash <= 1) ? name.substr(1)
                                                        : name.substr(slash + 1);
  } else if (name.size() > 40) {
    shown = "?";  // LuaJIT prints the prototype's address here.
  } else if (!name.empty() && name[0] == '=') {
    shown = name.substr(1);
  } else {
    shown = "\"" + name + "\"";
  }
  return absl::StrFormat("%s:%d", shown, proto.firstline);
}

std::string ListInstruction(const Proto& proto, uint32_t pc, bool is_target) {
  uint32_t ins = proto.code[pc];
  Op op = OpOf(ins);
  const OpInfo& info = Info(op);
  uint32_t a = AOf(ins);
  std::string line = absl::StrFormat(
      "%04d %s %-6s %3s ", pc, is_target ? "=>" : "  ", info.name,
      info.a == Mode::___ ? std::string() : absl::StrCat(a));
  uint32_t d = DOf(ins);
  if (info.c == Mode::jump) {
    return absl::StrFormat("%s=> %04d", line,
                           static_cast<int64_t>(pc) + d - 0x7fff);
  }
  bool abc = info.b != Mode::___;
  if (abc) {
    d &= 0xff;
  } else if (info.c == Mode::___) {
    return line;
  }
  bool has_comment = false;
  std::string comment = OperandComment(proto, op, info.c, d, &has_comment);
  if (info.a == Mode::uv) {
    const std::string& ka = UpvalueName(proto, a);
    comment = has_comment ? ka + " ; " + comment : ka;
    has_comment = true;
  }
  if (abc) {
    if (has_comment) {
      return absl::StrFormat("%s%3d %3d  ; %s", line, BOf(ins), d, comment);
    }
    return absl::StrFormat("%s%3d %3d", line, BOf(ins), d);
  }
  if (has_comment) return absl::StrFormat("%s%3d      ; %s", line, d, comment);
  int32_t shown = static_cast<int32_t>(d);
  if (info.c == Mode::lits && shown > 32767) shown -= 65536;
  return absl::StrFormat("%s%3d", line, shown);
}

namespace {

void ListProto(const Proto& proto, std::string* out) {
  // Children first, in constant order, as jit.bc's bcdump(all=true) does.
  if (proto.flags & kProtoChild) {
    for (const GcConst& k : proto.gc_consts) {
      if (auto* child = std::get_if<std::shared_ptr<Proto>>(&k)) {
        ListProto(**child, out);
      }
    }
  }
  absl::StrAppendFormat(out, "-- BYTECODE -- %s-%d\n", ProtoLocation(proto),
                        proto.lastline());
  // Jump targets get the "=>" marker.
  std::set<uint32_t> targets;
  for (uint32_t pc = 1; pc < proto.code.size(); ++pc) {
    uint32_t ins = proto.code[pc];
    if (Info(OpOf(ins)).c == Mode::jump) {
      targets.insert(static_cast<uint32_t>(pc + DOf(ins) - 0x7fff));
    }
  }
  for (uint32_t pc = 1; pc < proto.code.size(); ++pc) {
    out->append(ListInstruction(proto, pc, targets.count(pc) > 0));
    out->push_back('\n');
  }
  out->push_back('\n');
}

}  // namespace

std::string ListChunk(const Proto& main) {
  std::string out;
  ListProto(main, &out);
  return out;
}

}  // namespace lj::bc
