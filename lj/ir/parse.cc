// Reads the -jdump text form back into a Trace.
#include <bit>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "lj/ir/builder.h"
#include "lj/ir/dump.h"
#include "lj/ir/text_util.h"

namespace lj::ir {
namespace {

using text::cat;

// Splits on blanks, keeping quoted strings (with escapes) as one token.
std::vector<std::string> tokenize(std::string_view text) {
  std::vector<std::string> tokens;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == ' ') {
      ++i;
      continue;
    }
    size_t start = i;
    if (text[i] == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i)
        if (text[i] == '\\') ++i;
      ++i;
      if (i < text.size() && text[i] == '~') ++i;
    } else {
      while (i < text.size() && text[i] != ' ') ++i;
    }
    tokens.emplace_back(text.substr(start, std::min(i, text.size()) - start));
    // "proto: 0x..." is one constant.
    if (tokens.back().ends_with(":") && tokens.back().size() > 1 && i < text.size()) {
      size_t j = i + 1;
      while (j < text.size() && text[j] != ' ') ++j;
      tokens.back() += std::string(text.substr(i, j - i));
      i = j;
    }
  }
  return tokens;
}

// Numbers as the dump prints them: %.14g, %a, int64 with LL/ULL, or names.
bool looks_numeric(std::string_view text) {
  if (text == "bias" || text == "ftsz" || text == "contpc") return true;
  std::string copy(text);
  if (copy.ends_with("ULL")) copy.resize(copy.size() - 3);
  else if (copy.ends_with("LL")) copy.resize(copy.size() - 2);
  if (copy.empty()) return false;
  char* end = nullptr;
  std::strtod(copy.c_str(), &end);
  return end == copy.c_str() + copy.size();
}

class Parser {
 public:
  explicit Parser(const Binding& binding) : binding_(binding) {}

  absl::StatusOr<Trace> run(std::string_view text) {
    for (std::string_view line : text::split(text, '\n', false)) {
      ++line_number_;
      absl::Status status = parse_line(line);
      if (!status.ok())
        return absl::InvalidArgumentError(
            cat("line ", line_number_, ": ", status.message(),
                         "\n  ", line));
    }
    return std::move(trace_);
  }

 private:
  absl::Status parse_line(std::string_view line) {
    while (!line.empty() && (line.back() == '\r')) line.remove_suffix(1);
    if (text::strip(line).empty()) return absl::OkStatus();
    if (line.starts_with("....")) return parse_snapshot(line);
    if (line.starts_with("----")) return absl::OkStatus();
    return parse_instruction(line);
  }

  // Instruction numbers are explicit; a hole is a hidden NOP.
  absl::Status fill_to(Ref r) {
    if (r < trace_.nins())
      return absl::InvalidArgumentError("instruction numbers must increase");
    while (trace_.nins() < r)
      trace_.append(Builder::make(Op::NOP, Type(IrType::NIL), 0, 0));
    return absl::OkStatus();
  }

  absl::StatusOr<Ref> parse_ref_number(std::string_view text) {
    int n;
    if (text.size() != 4 || !text::to_int(text, &n) || n < 0)
      return absl::InvalidArgumentError(cat("bad reference '", text, "'"));
    return kRefBias + static_cast<Ref>(n);
  }

  // A numeric constant; `hint` picks KINT/KNUM/KINT64 like the instruction.
  absl::StatusOr<Ref> parse_number(std::string_view text, IrType hint) {
    double v;
    if (text == "bias") {
      v = 0x1.8p52;
    } else if (text == "ftsz" || text == "contpc") {
      v = 0;
    } else {
      std::string copy(text);
      char* end = nullptr;
      v = std::strtod(copy.c_str(), &end);
      if (end == copy.c_str()) return absl::InvalidArgumentError(cat("bad constant '", text, "'"));
      if (copy.ends_with("ULL") || copy.ends_with("LL") || hint == IrType::I64 ||
          hint == IrType::U64) {
        long long i = std::strtoll(copy.c_str(), nullptr, 10);
        Type t(copy.ends_with("ULL") || hint == IrType::U64 ? IrType::U64 : IrType::I64);
        if (copy.ends_with("ULL"))
          return trace_.konst(Op::KINT64, t, std::strtoull(copy.c_str(), nullptr, 10));
        return trace_.konst(Op::KINT64, t, static_cast<uint64_t>(i));
      }
    }
    bool integral = v == std::trunc(v) && v >= -2147483648.0 && v <= 2147483647.0 &&
                    !(v == 0 && std::signbit(v));
    if (hint != IrType::NUM && hint != IrType::FLOAT && integral &&
        text != "ftsz" && text != "contpc" && text != "bias")
      return trace_.kint(static_cast<int32_t>(v));
    return trace_.knum(v);
  }

  absl::StatusOr<Ref> parse_constant(std::string_view text, IrType hint) {
    if (size_t at = text.find(" @"); at != std::string_view::npos) {
      auto key = parse_constant(text::strip_trailing(text.substr(0, at)), hint);
      if (!key.ok()) return key;
      int slot;
      if (!text::to_int(text.substr(at + 2), &slot))
        return absl::InvalidArgumentError("bad KSLOT");
      return trace_.kslot(*key, static_cast<uint32_t>(slot));
    }
    if (text == "nil") return kRefNil;
    if (text == "false") return kRefFalse;
    if (text == "true") return kRefTrue;
    if (text == "NULL")
      return hint == IrType::P64 || hint == IrType::P32 ? trace_.kptr(0)
                                                          : trace_.knull(hint);
    if (text.starts_with("[0x")) {
      uint64_t address;
      std::string hex(text.substr(1, text.size() - 2));
      if (!text::to_int(std::string_view(hex).substr(2), &address, 16)) return absl::InvalidArgumentError("bad pointer");
      return trace_.kptr(address);
    }
    if (looks_numeric(text)) return parse_number(text, hint);
    if (binding_.constants.parse) {
      if (auto v = binding_.constants.parse(text, hint)) return trace_.kgc(v->type, v->bits);
    }
    return absl::InvalidArgumentError(cat("unknown constant '", text, "'"));
  }

  absl::StatusOr<Ref> parse_operand(std::string_view text, IrType hint) {
    if (text.size() == 4 && std::isdigit(static_cast<unsigned char>(text[0])) &&
        std::isdigit(static_cast<unsigned char>(text[3])) &&
        text.find_first_not_of("0123456789") == std::string_view::npos)
      return parse_ref_number(text);
    return parse_constant(text, hint);
  }

  absl::StatusOr<uint16_t> parse_literal(Op op, std::string_view text) {
    auto hash_number = [&](std::string_view t) -> absl::StatusOr<uint16_t> {
      int n;
      if (!t.starts_with("#") || !text::to_int(t.substr(1), &n))
        return absl::InvalidArgumentError(cat("bad literal '", t, "'"));
      return static_cast<uint16_t>(n);
    };
    switch (op) {
      case Op::SLOAD: {
        uint16_t mode = 0;
        for (char c : text) {
          bool known = false;
#define LJ_IR_SLOADPARSE(name, bit, letter) \
  if (c == letter) mode |= bit, known = true;
          LJ_IR_SLOADDEF(LJ_IR_SLOADPARSE)
#undef LJ_IR_SLOADPARSE
          if (!known) return absl::InvalidArgumentError("bad SLOAD mode");
        }
        return mode;
      }
      case Op::CONV: {
        std::vector<std::string_view> parts = text::split(text, ' ', true);
        if (parts.empty()) return absl::InvalidArgumentError("bad CONV mode");
        size_t dot = parts[0].find('.');
        if (dot == std::string_view::npos) return absl::InvalidArgumentError("bad CONV types");
        std::pair<std::string_view, std::string_view> types{parts[0].substr(0, dot), parts[0].substr(dot + 1)};
        auto type_of = [](std::string_view n) -> int {
          for (int t = 0; t < kTypeCount; ++t)
            if (text::strip_trailing(kTypeNames[t]) == n) return t;
          return -1;
        };
        int dst = type_of(types.first), src = type_of(types.second);
        if (dst < 0 || src < 0) return absl::InvalidArgumentError("bad CONV types");
        uint16_t mode = conv::mode(static_cast<IrType>(dst), static_cast<IrType>(src));
        for (size_t i = 1; i < parts.size(); ++i) {
          if (parts[i] == "sext") mode |= conv::kSignExtend;
          else if (parts[i] == "none") mode |= conv::kAny;
          else if (parts[i] == "index") mode |= conv::kIndex;
          else if (parts[i] == "check") mode |= conv::kCheck;
          else return absl::InvalidArgumentError("bad CONV flag");
        }
        return mode;
      }
      case Op::FLOAD:
      case Op::FREF:
        if (auto f = binding_.field_by_name(text)) return *f;
        return hash_number(text);
      case Op::FPMATH: {
        static constexpr std::string_view kNames[] = {
#define LJ_IR_FPMNAME(name, text) text,
            LJ_IR_FPMDEF(LJ_IR_FPMNAME)
#undef LJ_IR_FPMNAME
        };
        for (size_t i = 0; i < std::size(kNames); ++i)
          if (kNames[i] == text) return static_cast<uint16_t>(i);
        return hash_number(text);
      }
      case Op::XLOAD: {
        static constexpr std::string_view kNames[] = {"", "R", "V", "RV", "U", "RU", "VU", "RVU"};
        for (size_t i = 0; i < std::size(kNames); ++i)
          if (kNames[i] == text) return static_cast<uint16_t>(i);
        return hash_number(text);
      }
      case Op::BUFHDR:
      case Op::TOSTR: {
        static constexpr std::string_view kBuf[] = {"RESET", "APPEND", "WRITE"};
        static constexpr std::string_view kStr[] = {"INT", "NUM", "CHAR"};
        const std::string_view* names = op == Op::BUFHDR ? kBuf : kStr;
        for (uint16_t i = 0; i < 3; ++i)
          if (names[i] == text) return i;
        return hash_number(text);
      }
      case Op::TMPREF: {
        static constexpr std::string_view kNames[] = {"", "IN", "OUT", "INOUT"};
        for (uint16_t i = 0; i < 4; ++i)
          if (kNames[i] == text) return i;
        return hash_number(text);
      }
      case Op::UREFO:
      case Op::UREFC: {
        auto n = hash_number(text);
        if (!n.ok()) return n;
        return static_cast<uint16_t>(*n << 8);
      }
      default: return hash_number(text);
    }
  }

  absl::StatusOr<Op> parse_opname(std::string_view text) {
    for (int i = 0; i < kOpCount; ++i)
      if (kOpInfo[i].name == text) return static_cast<Op>(i);
    return absl::InvalidArgumentError(cat("unknown opcode '", text, "'"));
  }

  absl::StatusOr<IrType> parse_type(std::string_view text) {
    for (int t = 0; t < kTypeCount; ++t)
      if (kTypeNames[t] == text) return static_cast<IrType>(t);
    return absl::InvalidArgumentError(cat("unknown type '", text, "'"));
  }

  absl::Status parse_instruction(std::string_view line) {
    auto number = parse_ref_number(line.substr(0, 4));
    if (!number.ok()) return number.status();
    if (line.substr(4).starts_with(" ------ LOOP")) {
      if (auto s = fill_to(*number); !s.ok()) return s;
      trace_.append(Builder::make(Op::LOOP, Type(IrType::NIL), 0, 0));
      return absl::OkStatus();
    }
    if (line.size() < 18) return absl::InvalidArgumentError("short instruction line");
    Ins ins;
    auto type = parse_type(line.substr(8, 3));
    if (!type.ok()) return type.status();
    ins.t = Type(*type);
    if (line[5] == '>') ins.t.set_guard();
    if (line[6] == '+') ins.t.set_phi();
    auto op = parse_opname(text::strip_trailing(line.substr(12, 6)));
    if (!op.ok()) return op.status();
    ins.o = *op;
    std::string_view rest = line.size() > 19 ? line.substr(19) : std::string_view();
    const OpInfo& oi = info(ins.o);
    if (oi.name.starts_with("CALL")) return parse_call(*number, ins, rest);
    if (auto s = fill_to(*number); !s.ok()) return s;
    std::vector<std::string> tokens = tokenize(rest);
    // A KSLOT operand prints as "key @slot": glue the parts back together.
    if (tokens.size() >= 2 && tokens[1].starts_with("@")) {
      tokens[0] += " " + tokens[1];
      tokens.erase(tokens.begin() + 1);
    }
    size_t next = 0;
    auto take_operand = [&](OperandKind kind, bool all_rest, IrType hint) -> absl::StatusOr<Ref> {
      if (kind == OperandKind::none) return Ref{0};
      std::string text;
      if (all_rest) {
        for (size_t i = next; i < tokens.size(); ++i)
          text += cat(i > next ? " " : "", tokens[i]);
        next = tokens.size();
      } else if (next < tokens.size()) {
        text = tokens[next++];
      }
      if (kind == OperandKind::ref) {
        if (text.empty()) return absl::InvalidArgumentError("missing operand");
        return parse_operand(text, hint);
      }
      if (kind == OperandKind::lit && all_rest) return parse_literal(ins.o, text);
      int n;
      if (!text.starts_with("#") || !text::to_int(std::string_view(text).substr(1), &n))
        return absl::InvalidArgumentError(cat("bad literal '", text, "'"));
      return static_cast<Ref>(n);
    };
    // CONV's operand has the conversion's source type, not the result's.
    IrType operand_hint = ins.t.base();
    if (ins.o == Op::CONV && !tokens.empty()) {
      next = 1;
      auto mode = take_operand(oi.op2, true, operand_hint);
      if (!mode.ok()) return mode.status();
      operand_hint = conv::source(static_cast<uint16_t>(*mode));
      next = 0;
    }
    auto op1 = take_operand(oi.op1, false, operand_hint);
    if (!op1.ok()) return op1.status();
    auto op2 = take_operand(oi.op2, true, ins.t.base());
    if (!op2.ok()) return op2.status();
    ins.op1 = static_cast<Ref1>(*op1);
    ins.op2 = static_cast<Ref1>(*op2);
    Ref r = trace_.append(ins);
    if (line[5] == '}') trace_.set_sunk(r);
    return absl::OkStatus();
  }

  // "CALLN  name        (a b c)": the arguments become CARGs placed in the
  // hidden instructions just before the call.
  absl::Status parse_call(Ref number, Ins ins, std::string_view rest) {
    size_t open = rest.find('(');
    size_t close = rest.rfind(')');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open)
      return absl::InvalidArgumentError("bad CALL arguments");
    std::string callee(text::strip(rest.substr(0, open)));
    auto call = binding_.call_by_name(callee);
    if (!call) return absl::InvalidArgumentError(cat("unknown call '", callee, "'"));
    ins.op2 = *call;
    std::vector<std::string> args = tokenize(rest.substr(open + 1, close - open - 1));
    for (size_t i = 1; i < args.size();) {
      if (args[i].starts_with("@")) {
        args[i - 1] += " " + args[i];
        args.erase(args.begin() + static_cast<long>(i));
      } else {
        ++i;
      }
    }
    size_t cargs = args.size() > 1 ? args.size() - 1 : 0;
    if (number < trace_.nins() + cargs)
      return absl::InvalidArgumentError("no room for CALL arguments");
    if (auto s = fill_to(number - static_cast<Ref>(cargs)); !s.ok()) return s;
    Ref chain = kRefNil;
    for (size_t i = 0; i < args.size(); ++i) {
      auto arg = parse_operand(args[i], IrType::NIL);
      if (!arg.ok()) return arg.status();
      if (i == 0) {
        chain = *arg;
      } else {
        chain = trace_.append(Builder::make(Op::CARG, Type(IrType::NIL), chain, *arg));
      }
    }
    ins.op1 = static_cast<Ref1>(chain);
    trace_.append(ins);
    return absl::OkStatus();
  }

  // "....        SNAP   #1   [ ---- 0002 ftsz|---- ]"
  absl::Status parse_snapshot(std::string_view line) {
    size_t open = line.find('[');
    size_t close = line.rfind(']');
    if (open == std::string_view::npos || close == std::string_view::npos)
      return absl::InvalidArgumentError("bad SNAP line");
    // A snapshot starts at the next instruction; two in a row mean a NOP
    // separated them (snapshot #0 is never merged).
    Ref ref = trace_.nins();
    if (!trace_.snaps.empty() && trace_.snaps.back().ref >= ref) {
      if (auto s = fill_to(trace_.snaps.back().ref + 1); !s.ok()) return s;
      ref = trace_.nins();
    }
    std::vector<SnapEntry> entries;
    std::string_view body_text = line.substr(open + 1, close - open - 1);
    std::string_view body = body_text;
    uint32_t slot = 0;
    size_t i = 0;
    while (true) {
      while (i < body.size() && body[i] == ' ') ++i;
      if (i >= body.size()) break;
      size_t start = i;
      if (body[i] == '"') {
        for (++i; i < body.size() && body[i] != '"'; ++i)
          if (body[i] == '\\') ++i;
        ++i;
        if (i < body.size() && body[i] == '~') ++i;
      }
      while (i < body.size() && body[i] != ' ' && body[i] != '|') ++i;
      // "trace: 0x..." is one constant.
      if (i > start + 1 && body[i - 1] == ':' && i < body.size() && body[i] == ' ') {
        for (i += 1; i < body.size() && body[i] != ' ' && body[i] != '|';) ++i;
      }
      // Glue a KSLOT's " @n".
      if (i + 1 < body.size() && body[i] == ' ' && body[i + 1] == '@') {
        for (i += 1; i < body.size() && body[i] != ' ' && body[i] != '|';) ++i;
      }
      std::string_view token = body.substr(start, i - start);
      bool frame = i < body.size() && body[i] == '|';
      if (i < body.size()) ++i;
      uint32_t flags = frame ? SnapEntry::kFrame : 0;
      if (token == "----") {
        if (frame && slot == 1)
          entries.push_back(SnapEntry::make(1, SnapEntry::kFrame | SnapEntry::kNoRestore, kRefNil));
        ++slot;
        continue;
      }
      if (token == "contpc") flags |= SnapEntry::kCont;
      absl::StatusOr<Ref> r;
      if (size_t slash = token.find('/'); slash != std::string_view::npos) {
        flags |= SnapEntry::kSoftFpNum;
        r = parse_ref_number(token.substr(0, slash));
      } else {
        r = parse_operand(token, IrType::NIL);
      }
      if (!r.ok()) return r.status();
      entries.push_back(SnapEntry::make(slot, flags, *r));
      ++slot;
    }
    Snapshot s;
    s.map_offset = static_cast<uint32_t>(trace_.snap_map.size());
    s.ref = static_cast<Ref1>(ref);
    s.nslots = static_cast<uint8_t>(slot);
    s.topslot = static_cast<uint8_t>(slot);
    s.nent = static_cast<uint8_t>(entries.size());
    trace_.snap_map.insert(trace_.snap_map.end(), entries.begin(), entries.end());
    trace_.snap_map.push_back(SnapEntry{0});
    trace_.snap_map.push_back(SnapEntry{0});
    trace_.snaps.push_back(s);
    return absl::OkStatus();
  }

  const Binding& binding_;
  Trace trace_;
  int line_number_ = 0;
};

}  // namespace

absl::StatusOr<Trace> parse(std::string_view text, const Binding& binding) {
  return Parser(binding).run(text);
}

}  // namespace lj::ir
