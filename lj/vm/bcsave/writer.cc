// The dump writer (LuaJIT's lj_bcwrite.c facts): header, then every
// prototype with its children before it, each prefixed by its length,
// then a zero byte. Multi-byte fields are little-endian.
#include <bit>
#include <cmath>
#include <cstring>
#include <variant>

#include "lj/vm/bcsave/bcsave.h"
#include "lj/vm/bcsave/format.h"

namespace lj::bcsave {

namespace {

using bc::Op;

void PutUleb(std::string& out, uint64_t v) {
  do {
    uint8_t byte = v & 0x7f;
    v >>= 7;
    out.push_back(static_cast<char>(byte | (v ? 0x80 : 0)));
  } while (v);
}

void PutLittle(std::string& out, uint32_t v, uint32_t bytes) {
  for (uint32_t i = 0; i < bytes; i++) out.push_back(static_cast<char>(v >> (8 * i)));
}

// LuaJIT narrows a number to int32 with a truncating conversion that
// yields INT32_MIN out of range; it writes the int form when that is exact
// (so -0 is written as the integer 0).
bool NarrowToInt(double n, int32_t* k) {
  *k = (n >= -2147483648.0 && n < 2147483648.0) ? static_cast<int32_t>(n) : INT32_MIN;
  return static_cast<double>(*k) == n;
}

// A template key or value; keys are never narrowed to integers.
void PutTemplateValue(std::string& out, const bc::TemplateValue& v, bool narrow) {
  if (std::holds_alternative<bc::Nil>(v)) {
    PutUleb(out, format::kKtabNil);
  } else if (const bool* b = std::get_if<bool>(&v)) {
    PutUleb(out, *b ? format::kKtabTrue : format::kKtabFalse);
  } else if (const std::string* s = std::get_if<std::string>(&v)) {
    PutUleb(out, format::kKtabStr + s->size());
    out += *s;
  } else {
    double n = std::get<double>(v);
    int32_t k;
    if (narrow && NarrowToInt(n, &k)) {
      PutUleb(out, format::kKtabInt);
      PutUleb(out, static_cast<uint32_t>(k));
    } else {
      uint64_t bits = std::bit_cast<uint64_t>(n);
      PutUleb(out, format::kKtabNum);
      PutUleb(out, static_cast<uint32_t>(bits));
      PutUleb(out, static_cast<uint32_t>(bits >> 32));
    }
  }
}

// Array part without trailing nils, then the hash entries that have a value
// (a key whose value is computed at run time only sized LuaJIT's table).
void PutTemplate(std::string& out, const bc::TableTemplate& t) {
  size_t narray = t.array.size();
  while (narray > 0 && std::holds_alternative<bc::Nil>(t.array[narray - 1])) narray--;
  size_t nhash = 0;
  for (const auto& [key, value] : t.hash) nhash += !std::holds_alternative<bc::Nil>(value);
  PutUleb(out, narray);
  PutUleb(out, nhash);
  for (size_t i = 0; i < narray; i++) PutTemplateValue(out, t.array[i], true);
  for (const auto& [key, value] : t.hash) {
    if (std::holds_alternative<bc::Nil>(value)) continue;
    PutTemplateValue(out, key, false);
    PutTemplateValue(out, value, true);
  }
}

// GC constants from the highest index down (LuaJIT stores them below its
// k pointer and writes them in memory order).
void PutGcConstants(std::string& out, const bc::Proto& pt) {
  for (size_t i = pt.gc_consts.size(); i-- > 0;) {
    const bc::GcConst& k = pt.gc_consts[i];
    if (const std::string* s = std::get_if<std::string>(&k)) {
      PutUleb(out, format::kKgcStr + s->size());
      out += *s;
    } else if (std::holds_alternative<std::shared_ptr<bc::Proto>>(k)) {
      PutUleb(out, format::kKgcChild);
    } else {
      PutUleb(out, format::kKgcTab);
      PutTemplate(out, std::get<bc::TableTemplate>(k));
    }
  }
}

// A 33-bit ULEB128: bit 0 says "double" (low word follows, then the high
// word as a plain ULEB128), otherwise the rest is an int32.
void PutNumber(std::string& out, double n) {
  int32_t k;
  if (NarrowToInt(n, &k)) {
    PutUleb(out, uint64_t{static_cast<uint32_t>(k)} << 1);
    return;
  }
  uint64_t bits = std::bit_cast<uint64_t>(n);
  PutUleb(out, (uint64_t{static_cast<uint32_t>(bits)} << 1) | 1);
  PutUleb(out, static_cast<uint32_t>(bits >> 32));
}

// The unpatched form of an instruction the VM rewrote for its hot counters
// (LuaJIT's writer undoes ILOOP/IFORL/IITERL and JFORI the same way).
uint32_t Unpatched(uint32_t ins) {
  switch (bc::OpOf(ins)) {
    case Op::IFORL: return bc::WithOp(ins, Op::FORL);
    case Op::IITERL: return bc::WithOp(ins, Op::ITERL);
    case Op::ILOOP: return bc::WithOp(ins, Op::LOOP);
    case Op::JFORI: return bc::WithOp(ins, Op::FORI);
    default: return ins;
  }
}

// Line offsets, upvalue names, then variables with delta-coded ranges.
std::string DebugInfo(const bc::Proto& pt) {
  std::string out;
  uint32_t numline = static_cast<uint32_t>(pt.numline);
  uint32_t width = format::LineEntryBytes(numline);
  for (size_t i = 1; i < pt.code.size(); i++) {
    int32_t line = i < pt.lines.size() ? pt.lines[i] : pt.firstline;
    PutLittle(out, static_cast<uint32_t>(line - pt.firstline), width);
  }
  for (size_t i = 0; i < pt.upvalues.size(); i++) {
    if (i < pt.upvalue_names.size()) out += pt.upvalue_names[i];
    out.push_back('\0');
  }
  uint32_t lastpc = 0;
  for (const bc::VarInfo& v : pt.vars) {
    if (uint8_t code = format::HiddenVarCode(v.name)) {
      out.push_back(static_cast<char>(code));
    } else {
      out += v.name;
      out.push_back('\0');
    }
    PutUleb(out, v.startpc - lastpc);
    PutUleb(out, v.endpc - v.startpc);
    lastpc = v.startpc;
  }
  out.push_back('\0');
  return out;
}

void PutProto(std::string& out, const bc::Proto& pt, bool strip) {
  for (const bc::GcConst& k : pt.gc_consts) {
    if (auto* child = std::get_if<std::shared_ptr<bc::Proto>>(&k)) PutProto(out, **child, strip);
  }
  std::string body;
  body.push_back(static_cast<char>(pt.flags & (bc::kProtoChild | bc::kProtoVararg | bc::kProtoFfi)));
  body.push_back(static_cast<char>(pt.numparams));
  body.push_back(static_cast<char>(pt.framesize));
  body.push_back(static_cast<char>(pt.upvalues.size()));
  PutUleb(body, pt.gc_consts.size());
  PutUleb(body, pt.num_consts.size());
  PutUleb(body, pt.code.empty() ? 0 : pt.code.size() - 1);
  std::string debug;
  if (!strip) {
    if (!pt.lines.empty()) debug = DebugInfo(pt);
    PutUleb(body, debug.size());
    if (!debug.empty()) {
      PutUleb(body, static_cast<uint32_t>(pt.firstline));
      PutUleb(body, static_cast<uint32_t>(pt.numline));
    }
  }
  // The FUNCF/FUNCV header is not written: the reader rebuilds it.
  for (size_t i = 1; i < pt.code.size(); i++) PutLittle(body, Unpatched(pt.code[i]), 4);
  for (uint16_t uv : pt.upvalues) PutLittle(body, uv, 2);
  PutGcConstants(body, pt);
  for (double n : pt.num_consts) PutNumber(body, n);
  body += debug;
  PutUleb(out, body.size());
  out += body;
}

}  // namespace

std::string Write(const bc::Proto& main, bool strip) {
  std::string out(kHead, sizeof kHead);
  out.push_back(static_cast<char>(kVersion));
  PutUleb(out, (strip ? kFlagStrip : 0) | kFlagFr2);
  if (!strip) {
    PutUleb(out, main.chunkname.size());
    out += main.chunkname;
  }
  PutProto(out, main, strip);
  out.push_back('\0');
  return out;
}

}  // namespace lj::bcsave
