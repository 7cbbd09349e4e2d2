// LuaJIT 2.1 bytecode: the opcode table, instruction encoding and the plain
// prototype the parser produces. Everything here mirrors the reference VM
// (Debian's luajit 2.1.0-beta3) bit for bit: opcode numbers, operand modes,
// the jump bias and the prototype flags.
#ifndef LJ_VM_BC_BC_H_
#define LJ_VM_BC_BC_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace lj::bc {

// The single source of truth for the instruction set, in LuaJIT's order:
// name, A mode, B mode, C/D mode, metamethod. "___" marks an unused operand.
// Numbering is the row index (ISLT=0 ... FUNCCW=96).
#define LJ_BC_OPCODES(X)                         \
  X(ISLT, var, ___, var, lt)                     \
  X(ISGE, var, ___, var, lt)                     \
  X(ISLE, var, ___, var, le)                     \
  X(ISGT, var, ___, var, le)                     \
  X(ISEQV, var, ___, var, eq)                    \
  X(ISNEV, var, ___, var, eq)                    \
  X(ISEQS, var, ___, str, eq)                    \
  X(ISNES, var, ___, str, eq)                    \
  X(ISEQN, var, ___, num, eq)                    \
  X(ISNEN, var, ___, num, eq)                    \
  X(ISEQP, var, ___, pri, eq)                    \
  X(ISNEP, var, ___, pri, eq)                    \
  X(ISTC, dst, ___, var, ___)                    \
  X(ISFC, dst, ___, var, ___)                    \
  X(IST, ___, ___, var, ___)                     \
  X(ISF, ___, ___, var, ___)                     \
  X(ISTYPE, var, ___, lit, ___)                  \
  X(ISNUM, var, ___, lit, ___)                   \
  X(MOV, dst, ___, var, ___)                     \
  X(NOT, dst, ___, var, ___)                     \
  X(UNM, dst, ___, var, unm)                     \
  X(LEN, dst, ___, var, len)                     \
  X(ADDVN, dst, var, num, add)                   \
  X(SUBVN, dst, var, num, sub)                   \
  X(MULVN, dst, var, num, mul)                   \
  X(DIVVN, dst, var, num, div)                   \
  X(MODVN, dst, var, num, mod)                   \
  X(ADDNV, dst, var, num, add)                   \
  X(SUBNV, dst, var, num, sub)                   \
  X(MULNV, dst, var, num, mul)                   \
  X(DIVNV, dst, var, num, div)                   \
  X(MODNV, dst, var, num, mod)                   \
  X(ADDVV, dst, var, var, add)                   \
  X(SUBVV, dst, var, var, sub)                   \
  X(MULVV, dst, var, var, mul)                   \
  X(DIVVV, dst, var, var, div)                   \
  X(MODVV, dst, var, var, mod)                   \
  X(POW, dst, var, var, pow)                     \
  X(CAT, dst, rbase, rbase, concat)              \
  X(KSTR, dst, ___, str, ___)                    \
  X(KCDATA, dst, ___, cdata, ___)                \
  X(KSHORT, dst, ___, lits, ___)                 \
  X(KNUM, dst, ___, num, ___)                    \
  X(KPRI, dst, ___, pri, ___)                    \
  X(KNIL, base, ___, base, ___)                  \
  X(UGET, dst, ___, uv, ___)                     \
  X(USETV, uv, ___, var, ___)                    \
  X(USETS, uv, ___, str, ___)                    \
  X(USETN, uv, ___, num, ___)                    \
  X(USETP, uv, ___, pri, ___)                    \
  X(UCLO, rbase, ___, jump, ___)                 \
  X(FNEW, dst, ___, func, gc)                    \
  X(TNEW, dst, ___, lit, gc)                     \
  X(TDUP, dst, ___, tab, gc)                     \
  X(GGET, dst, ___, str, index)                  \
  X(GSET, var, ___, str, newindex)               \
  X(TGETV, dst, var, var, index)                 \
  X(TGETS, dst, var, str, index)                 \
  X(TGETB, dst, var, lit, index)                 \
  X(TGETR, dst, var, var, index)                 \
  X(TSETV, var, var, var, newindex)              \
  X(TSETS, var, var, str, newindex)              \
  X(TSETB, var, var, lit, newindex)              \
  X(TSETM, base, ___, num, newindex)             \
  X(TSETR, var, var, var, newindex)              \
  X(CALLM, base, lit, lit, call)                 \
  X(CALL, base, lit, lit, call)                  \
  X(CALLMT, base, ___, lit, call)                \
  X(CALLT, base, ___, lit, call)                 \
  X(ITERC, base, lit, lit, call)                 \
  X(ITERN, base, lit, lit, call)                 \
  X(VARG, base, lit, lit, ___)                   \
  X(ISNEXT, base, ___, jump, ___)                \
  X(RETM, base, ___, lit, ___)                   \
  X(RET, rbase, ___, lit, ___)                   \
  X(RET0, rbase, ___, lit, ___)                  \
  X(RET1, rbase, ___, lit, ___)                  \
  X(FORI, base, ___, jump, ___)                  \
  X(JFORI, base, ___, jump, ___)                 \
  X(FORL, base, ___, jump, ___)                  \
  X(IFORL, base, ___, jump, ___)                 \
  X(JFORL, base, ___, lit, ___)                  \
  X(ITERL, base, ___, jump, ___)                 \
  X(IITERL, base, ___, jump, ___)                \
  X(JITERL, base, ___, lit, ___)                 \
  X(LOOP, rbase, ___, jump, ___)                 \
  X(ILOOP, rbase, ___, jump, ___)                \
  X(JLOOP, rbase, ___, lit, ___)                 \
  X(JMP, rbase, ___, jump, ___)                  \
  X(FUNCF, rbase, ___, ___, ___)                 \
  X(IFUNCF, rbase, ___, ___, ___)                \
  X(JFUNCF, rbase, ___, lit, ___)                \
  X(FUNCV, rbase, ___, ___, ___)                 \
  X(IFUNCV, rbase, ___, ___, ___)                \
  X(JFUNCV, rbase, ___, lit, ___)                \
  X(FUNCC, rbase, ___, ___, ___)                 \
  X(FUNCCW, rbase, ___, ___, ___)

enum class Op : uint8_t {
#define LJ_BC_ENUM(name, ma, mb, mc, mm) name,
  LJ_BC_OPCODES(LJ_BC_ENUM)
#undef LJ_BC_ENUM
};

inline constexpr int kNumOpcodes = 0
#define LJ_BC_COUNT(name, ma, mb, mc, mm) +1
    LJ_BC_OPCODES(LJ_BC_COUNT)
#undef LJ_BC_COUNT
    ;
static_assert(kNumOpcodes == 97, "LuaJIT 2.1 has 97 opcodes");

// Operand kinds, numbered as LuaJIT's BCMode (jit.util.funcbc reports them).
enum class Mode : uint8_t {
  ___ = 0, dst, base, var, rbase, uv, lit, lits, pri, num, str, tab, func,
  jump, cdata
};

// Metamethod an instruction may invoke (LuaJIT's MMS order is not needed
// here; the column documents which fallback the VM takes).
enum class Meta : uint8_t {
  ___, index, newindex, gc, mode, eq, len, lt, le, concat, call, add, sub,
  mul, div, mod, pow, unm
};

struct OpInfo {
  const char* name;
  Mode a, b, c;  // c is the D operand's mode when b is unused.
  Meta meta;
};

inline constexpr OpInfo kOpInfo[kNumOpcodes] = {
#define LJ_BC_INFO(name, ma, mb, mc, mm) \
  {#name, Mode::ma, Mode::mb, Mode::mc, Meta::mm},
    LJ_BC_OPCODES(LJ_BC_INFO)
#undef LJ_BC_INFO
};

inline const OpInfo& Info(Op op) { return kOpInfo[static_cast<int>(op)]; }
inline bool HasD(Op op) { return Info(op).b == Mode::___; }

// Instruction layout: OP in bits 0-7, A in 8-15, then either C (16-23) and
// B (24-31) or the 16-bit D (16-31). Jumps store target-(pc+1)+kJumpBias.
inline constexpr uint32_t kJumpBias = 0x8000;
inline constexpr uint32_t kMaxA = 0xff, kMaxB = 0xff, kMaxC = 0xff;
inline constexpr uint32_t kMaxD = 0xffff;
inline constexpr uint32_t kNoReg = kMaxA;

constexpr uint32_t EncodeABC(Op op, uint32_t a, uint32_t b, uint32_t c) {
  return static_cast<uint32_t>(op) | (a << 8) | (b << 24) | (c << 16);
}
constexpr uint32_t EncodeAD(Op op, uint32_t a, uint32_t d) {
  return static_cast<uint32_t>(op) | (a << 8) | (d << 16);
}
constexpr uint32_t EncodeAJ(Op op, uint32_t a, int32_t j) {
  return EncodeAD(op, a, static_cast<uint32_t>(j + int32_t(kJumpBias)) & 0xffff);
}
constexpr Op OpOf(uint32_t ins) { return static_cast<Op>(ins & 0xff); }
constexpr uint32_t AOf(uint32_t ins) { return (ins >> 8) & 0xff; }
constexpr uint32_t BOf(uint32_t ins) { return ins >> 24; }
constexpr uint32_t COf(uint32_t ins) { return (ins >> 16) & 0xff; }
constexpr uint32_t DOf(uint32_t ins) { return ins >> 16; }
constexpr int32_t JOf(uint32_t ins) {
  return static_cast<int32_t>(DOf(ins)) - static_cast<int32_t>(kJumpBias);
}
constexpr uint32_t WithOp(uint32_t ins, Op op) {
  return (ins & ~0xffu) | static_cast<uint32_t>(op);
}
constexpr uint32_t WithA(uint32_t ins, uint32_t a) {
  return (ins & ~0xff00u) | (a << 8);
}
constexpr uint32_t WithB(uint32_t ins, uint32_t b) {
  return (ins & 0x00ffffffu) | (b << 24);
}
constexpr uint32_t WithC(uint32_t ins, uint32_t c) {
  return (ins & ~0xff0000u) | (c << 16);
}
constexpr uint32_t WithD(uint32_t ins, uint32_t d) {
  return (ins & 0xffffu) | (d << 16);
}

// KPRI / ISEQP operands: LuaJIT encodes nil, false, true as 0, 1, 2.
inline constexpr uint32_t kPriNil = 0, kPriFalse = 1, kPriTrue = 2;

// Prototype flags (LuaJIT's PROTO_*).
inline constexpr uint8_t kProtoChild = 0x01;      // Has child prototypes.
inline constexpr uint8_t kProtoVararg = 0x02;     // Vararg function.
inline constexpr uint8_t kProtoFfi = 0x04;        // Uses BC_KCDATA (never set).
inline constexpr uint8_t kProtoNoJit = 0x08;      // JIT disabled.
inline constexpr uint8_t kProtoILoop = 0x10;      // Patched bytecode with ILOOP.

// Upvalue descriptor bits (LuaJIT's PROTO_UV_*): with kUvLocal the low bits
// are the parent's local slot, otherwise the parent's upvalue index.
inline constexpr uint16_t kUvLocal = 0x8000;
inline constexpr uint16_t kUvImmutable = 0x4000;

// A constant key or value inside a table template (TDUP).
struct Nil {
  bool operator==(const Nil&) const = default;
};
using TemplateValue = std::variant<Nil, bool, double, std::string>;

// Template for TDUP, laid out as LuaJIT's parser leaves its template table:
// integer keys 0..array.size()-1 in the array part (absent slots hold Nil),
// every other key in the hash part of 2^hash_bits nodes (0: none). A hash
// value may be Nil: LuaJIT keeps the key of a field whose value is computed
// at run time.
struct TableTemplate {
  std::vector<TemplateValue> array;
  std::vector<std::pair<TemplateValue, TemplateValue>> hash;
  uint8_t hash_bits = 0;
};

struct Proto;

// A GC constant: string, child prototype or table template. The D operand
// of KSTR/FNEW/TDUP/GGET/... indexes Proto::gc_consts directly (LuaJIT
// stores them negated; the loader may reverse the array).
using GcConst =
    std::variant<std::string, std::shared_ptr<Proto>, TableTemplate>;

// A local variable's name and live range [startpc, endpc) in instruction
// indexes (the FUNCF header is pc 0). Hidden loop variables carry LuaJIT's
// names, e.g. "(for index)".
struct VarInfo {
  std::string name;
  uint32_t startpc = 0;
  uint32_t endpc = 0;
};

struct Proto {
  std::vector<uint32_t> code;   // code[0] is the FUNCF/FUNCV header.
  std::vector<int32_t> lines;   // Source line of each instruction.
  std::vector<GcConst> gc_consts;
  std::vector<double> num_consts;
  std::vector<uint16_t> upvalues;  // kUvLocal|kUvImmutable|slot-or-index.
  std::vector<std::string> upvalue_names;
  std::vector<VarInfo> vars;
  uint8_t numparams = 0;
  uint8_t framesize = 0;
  uint8_t flags = 0;
  int32_t firstline = 0;  // Line of "function" (0 for the main chunk).
  int32_t numline = 0;    // lastline - firstline.
  std::string chunkname;  // As given to the parser: "@file", "=stdin", ...

  int32_t lastline() const { return firstline + numline; }
  bool is_vararg() const { return flags & kProtoVararg; }
};

// True when a number constant is an integer LuaJIT would serialize as such
// (string.dump writes these in its integer form).
bool IsIntegralConstant(double n);

// The `luajit -bl` listing of a chunk: children before their parent, each
// function as "-- BYTECODE -- loc-last" then one line per instruction and a
// blank line.
std::string ListChunk(const Proto& main);

// One instruction line (without newline) as jit.bc prints it; `is_target`
// adds the "=>" marker. pc is 1-based into proto.code.
std::string ListInstruction(const Proto& proto, uint32_t pc, bool is_target);

// "file.lua:12"-style location LuaJIT's jit.util.funcinfo reports.
std::string ProtoLocation(const Proto& proto);

// The local variable living in `slot` at instruction `pc`, if any.
const std::string* LocalName(const Proto& proto, uint32_t pc, uint32_t slot);

// How Lua's error messages name the value in `slot` when instruction `pc`
// fails ("attempt to index local 'x'"): kind is "local", "global", "field",
// "method" or "upvalue"; empty when the value has no name.
struct SlotName {
  std::string kind;
  std::string name;
};
SlotName NameOfSlot(const Proto& proto, uint32_t pc, uint32_t slot);

}  // namespace lj::bc

#endif  // LJ_VM_BC_BC_H_
