// The dump reader (LuaJIT's lj_bcread.c facts) with the checks LuaJIT
// leaves out: every length is bounded by the bytes left, and each
// prototype is verified (verify.cc) before anything is built from it.
#include <bit>
#include <cstring>
#include <vector>

#include "lj/vm/bcsave/bcsave.h"
#include "lj/vm/bcsave/format.h"
#include "lj/vm/bcsave/verify.h"

namespace lj::bcsave {

namespace {

// Why a dump was rejected: luajit's two messages.
enum class Reject { Incompatible, Malformed };
struct Rejected {
  Reject why;
};

[[noreturn]] void Malformed() { throw Rejected{Reject::Malformed}; }

// Bytes still to read, never past the end.
class Cursor {
 public:
  Cursor(const uint8_t* p, const uint8_t* end, bool swap) : p_(p), end_(end), swap_(swap) {}
  size_t left() const { return static_cast<size_t>(end_ - p_); }
  bool at_end() const { return p_ == end_; }
  const uint8_t* pos() const { return p_; }

  uint8_t Byte() {
    if (p_ == end_) Malformed();
    return *p_++;
  }
  // At most five bytes for 32 bits; longer encodings are malformed.
  uint32_t Uleb() { return static_cast<uint32_t>(UlebUpTo(0xffffffffu)); }
  // The 33-bit form of number constants; *is_double gets bit 0.
  uint32_t Uleb33(bool* is_double) {
    uint64_t v = UlebUpTo(0x1ffffffffu);
    *is_double = v & 1;
    return static_cast<uint32_t>(v >> 1);
  }
  // A fixed-size word in the dump's byte order.
  uint32_t Word(uint32_t bytes) {
    if (left() < bytes) Malformed();
    uint32_t v = 0;
    for (uint32_t i = 0; i < bytes; i++) {
      uint32_t shift = swap_ ? 8 * (bytes - 1 - i) : 8 * i;
      v |= uint32_t{p_[i]} << shift;
    }
    p_ += bytes;
    return v;
  }
  std::string Bytes(size_t n) {
    if (left() < n) Malformed();
    std::string s(reinterpret_cast<const char*>(p_), n);
    p_ += n;
    return s;
  }
  // A NUL-terminated string (the NUL is consumed, not returned).
  std::string CString() {
    const void* nul = std::memchr(p_, 0, left());
    if (nul == nullptr) Malformed();
    size_t n = static_cast<size_t>(static_cast<const uint8_t*>(nul) - p_);
    std::string s = Bytes(n);
    p_++;
    return s;
  }
  // A count of items that take at least `min_bytes` each must fit.
  uint32_t Count(uint32_t min_bytes) {
    uint32_t n = Uleb();
    if (uint64_t{n} * min_bytes > left()) Malformed();
    return n;
  }

 private:
  uint64_t UlebUpTo(uint64_t max) {
    uint64_t v = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      uint8_t b = Byte();
      v |= uint64_t{b & 0x7fu} << shift;
      if (b < 0x80) {
        if (v > max) Malformed();
        return v;
      }
    }
    Malformed();
  }

  const uint8_t* p_;
  const uint8_t* end_;
  bool swap_;
};

bc::TemplateValue ReadTemplateValue(Cursor& in) {
  uint32_t kind = in.Uleb();
  if (kind >= format::kKtabStr) return in.Bytes(kind - format::kKtabStr);
  switch (kind) {
    case format::kKtabNil: return bc::Nil{};
    case format::kKtabFalse: return false;
    case format::kKtabTrue: return true;
    case format::kKtabInt: return static_cast<double>(static_cast<int32_t>(in.Uleb()));
    default: {  // kKtabNum
      uint64_t lo = in.Uleb();
      uint64_t hi = in.Uleb();
      return std::bit_cast<double>(lo | hi << 32);
    }
  }
}

// Keys must be usable as table keys: not nil, not NaN.
bc::TableTemplate ReadTemplate(Cursor& in) {
  bc::TableTemplate t;
  uint32_t narray = in.Count(1);
  uint32_t nhash = in.Count(2);
  // Sized as luajit sizes it before inserting the keys.
  t.hash_bits = nhash == 0 ? 0 : nhash == 1 ? 1 : static_cast<uint8_t>(std::bit_width(nhash - 1));
  for (uint32_t i = 0; i < narray; i++) t.array.push_back(ReadTemplateValue(in));
  for (uint32_t i = 0; i < nhash; i++) {
    bc::TemplateValue key = ReadTemplateValue(in);
    if (std::holds_alternative<bc::Nil>(key)) Malformed();
    if (const double* d = std::get_if<double>(&key); d && *d != *d) Malformed();
    bc::TemplateValue value = ReadTemplateValue(in);
    t.hash.emplace_back(std::move(key), std::move(value));
  }
  return t;
}

// GC constants arrive from the highest index down; a child is the most
// recently read prototype not yet claimed.
void ReadGcConstants(Cursor& in, bc::Proto& pt, uint32_t count,
                     std::vector<std::shared_ptr<bc::Proto>>& pending) {
  pt.gc_consts.resize(count);
  for (uint32_t i = count; i-- > 0;) {
    uint32_t kind = in.Uleb();
    if (kind >= format::kKgcStr) {
      pt.gc_consts[i] = in.Bytes(kind - format::kKgcStr);
    } else if (kind == format::kKgcTab) {
      pt.gc_consts[i] = ReadTemplate(in);
    } else if (kind == format::kKgcChild) {
      if (pending.empty()) Malformed();
      pt.gc_consts[i] = std::move(pending.back());
      pending.pop_back();
    } else {
      Malformed();  // 64-bit integer and complex cdata need the FFI.
    }
  }
}

void ReadNumbers(Cursor& in, bc::Proto& pt, uint32_t count) {
  for (uint32_t i = 0; i < count; i++) {
    bool is_double;
    uint32_t lo = in.Uleb33(&is_double);
    if (is_double) {
      uint64_t hi = in.Uleb();
      pt.num_consts.push_back(std::bit_cast<double>(uint64_t{lo} | hi << 32));
    } else {
      pt.num_consts.push_back(static_cast<int32_t>(lo));
    }
  }
}

// Line offsets, upvalue names and variables, exactly filling the block.
void ReadDebugInfo(Cursor& in, bc::Proto& pt) {
  uint32_t width = format::LineEntryBytes(static_cast<uint32_t>(pt.numline));
  pt.lines.assign(pt.code.size(), pt.firstline);
  for (size_t i = 1; i < pt.code.size(); i++) {
    pt.lines[i] = pt.firstline + static_cast<int32_t>(in.Word(width));
  }
  for (size_t i = 0; i < pt.upvalues.size(); i++) pt.upvalue_names.push_back(in.CString());
  uint32_t lastpc = 0;
  for (;;) {
    uint8_t first = in.Byte();
    if (first == 0) break;
    bc::VarInfo v;
    if (first < format::kVarNameMax) {
      v.name = format::HiddenVarName(first);
    } else {
      v.name = std::string(1, static_cast<char>(first)) + in.CString();
    }
    v.startpc = lastpc + in.Uleb();
    v.endpc = v.startpc + in.Uleb();
    if (v.startpc < lastpc || v.endpc < v.startpc) Malformed();  // wrapped
    lastpc = v.startpc;
    pt.vars.push_back(std::move(v));
  }
  if (!in.at_end()) Malformed();
}

std::shared_ptr<bc::Proto> ReadProto(Cursor& in, bool stripped, const std::string& chunkname,
                                     std::vector<std::shared_ptr<bc::Proto>>& pending) {
  auto pt = std::make_shared<bc::Proto>();
  pt->flags = in.Byte();
  if (pt->flags & ~(bc::kProtoChild | bc::kProtoVararg)) Malformed();
  pt->numparams = in.Byte();
  pt->framesize = in.Byte();
  uint32_t sizeuv = in.Byte();
  uint32_t sizekgc = in.Count(1);
  uint32_t sizekn = in.Count(1);
  uint32_t nbc = in.Count(4);
  uint32_t sizedbg = 0;
  if (!stripped) {
    sizedbg = in.Count(1);
    if (sizedbg) {
      pt->firstline = static_cast<int32_t>(in.Uleb());
      pt->numline = static_cast<int32_t>(in.Uleb());
      if (pt->firstline < 0 || pt->numline < 0) Malformed();
    }
  }
  pt->chunkname = chunkname;
  bc::Op header = pt->is_vararg() ? bc::Op::FUNCV : bc::Op::FUNCF;
  pt->code.push_back(bc::EncodeAD(header, pt->framesize, 0));
  for (uint32_t i = 0; i < nbc; i++) pt->code.push_back(in.Word(4));
  for (uint32_t i = 0; i < sizeuv; i++) pt->upvalues.push_back(static_cast<uint16_t>(in.Word(2)));
  ReadGcConstants(in, *pt, sizekgc, pending);
  ReadNumbers(in, *pt, sizekn);
  if (sizedbg) {
    if (in.left() < sizedbg) Malformed();
    Cursor debug(in.pos(), in.pos() + sizedbg, false);
    ReadDebugInfo(debug, *pt);
    in.Bytes(sizedbg);
  }
  if (!Verify(*pt).empty()) Malformed();
  return pt;
}

// Magic, version and flags; anything unexpected there is "incompatible".
uint32_t ReadFlags(Cursor& in) {
  if (in.left() < 5 || std::memcmp(in.pos(), kHead, sizeof kHead) != 0) {
    throw Rejected{Reject::Incompatible};
  }
  in.Bytes(sizeof kHead);
  if (in.Byte() != kVersion) throw Rejected{Reject::Incompatible};
  uint32_t flags = in.Uleb();
  if ((flags & ~kKnownFlags) || !(flags & kFlagFr2) || (flags & kFlagFfi)) {
    throw Rejected{Reject::Incompatible};
  }
  return flags;
}

std::shared_ptr<bc::Proto> ReadDump(std::string_view dump, std::string_view chunkarg) {
  auto* begin = reinterpret_cast<const uint8_t*>(dump.data());
  Cursor header(begin, begin + dump.size(), false);
  uint32_t flags = ReadFlags(header);
  bool stripped = flags & kFlagStrip;
  std::string chunkname;
  if (stripped) {
    // As luajit: the name load() was given, up to its first NUL.
    chunkname = std::string(chunkarg.substr(0, chunkarg.find('\0')));
  } else {
    chunkname = header.Bytes(header.Count(1));
  }
  Cursor in(header.pos(), begin + dump.size(), flags & kFlagBigEndian);
  std::vector<std::shared_ptr<bc::Proto>> pending;
  for (;;) {
    uint32_t len = in.Count(1);
    if (len == 0) break;
    Cursor body(in.pos(), in.pos() + len, flags & kFlagBigEndian);
    std::shared_ptr<bc::Proto> pt = ReadProto(body, stripped, chunkname, pending);
    pending.push_back(std::move(pt));
    if (!body.at_end()) Malformed();
    in.Bytes(len);
  }
  if (!in.at_end() || pending.size() != 1) Malformed();
  return pending.back();
}

}  // namespace

ReadResult Read(std::string_view dump, std::string_view chunkarg) {
  ReadResult result;
  try {
    result.proto = ReadDump(dump, chunkarg);
  } catch (const Rejected& r) {
    // Errors name the chunk as luajit does: "(binary)" for a name that is
    // itself a dump (loadstring's default), else without its '@'/'='.
    std::string name(chunkarg.substr(0, chunkarg.find('\0')));
    if (IsDump(name)) {
      name = "(binary)";
    } else if (!name.empty() && (name[0] == '@' || name[0] == '=')) {
      name.erase(0, 1);
    }
    result.error = name + (r.why == Reject::Incompatible ? ": cannot load incompatible bytecode"
                                                         : ": cannot load malformed bytecode");
  }
  return result;
}

}  // namespace lj::bcsave
