// LuaJIT's library functions written in bytecode (DESIGN §4): math.deg,
// math.rad, string.len, table.remove, table.getn, table.foreach and
// table.foreachi. They are Lua functions, so debug.getinfo says "Lua",
// tracebacks name them [builtin:NAME] and the trace compiler can inline them
// instead of stitching. The instructions are exactly what LuaJIT 2.1's
// genlibbc produces (checked against luajit's jit.util.funcbc by
// builtins_test): argument checks are ISTYPE/ISNUM, indexing the checked
// table is raw (TGETR/TSETR) and table.foreach iterates with ITERN.
#include "lj/vm/lib/builtins.h"

#include <string>
#include <vector>

#include "lj/vm/interp/vm.h"

namespace lj::lib {

namespace {

using bc::EncodeABC;
using bc::EncodeAD;
using bc::EncodeAJ;
using bc::Op;

// ISTYPE's D operand: LuaJIT's ~itype + 1 of the expected type.
constexpr uint32_t kIsString = static_cast<uint32_t>(vm::TypeTag::String) + 1;
constexpr uint32_t kIsFunction = static_cast<uint32_t>(vm::TypeTag::Function) + 1;
constexpr uint32_t kIsTable = static_cast<uint32_t>(vm::TypeTag::Table) + 1;
// ISNUM's D operand (LuaJIT's ~LJ_TNUMX + 2).
constexpr uint32_t kIsNumber = static_cast<uint32_t>(vm::TypeTag::Number) + 2;

bc::Proto Make(uint8_t numparams, uint8_t framesize, std::vector<uint32_t> body,
               std::vector<double> knums = {}) {
  bc::Proto p;
  p.code.push_back(EncodeAD(Op::FUNCF, framesize, 0));
  p.code.insert(p.code.end(), body.begin(), body.end());
  p.lines.assign(p.code.size(), 0);  // stripped: every line is 0
  p.num_consts = std::move(knums);
  p.numparams = numparams;
  p.framesize = framesize;
  return p;
}

// function(x) return x * k end (no argument check: luajit reports
// "attempt to perform arithmetic on a nil value" from the builtin).
bc::Proto Scale(double k) {
  return Make(1, 2, {EncodeABC(Op::MULVN, 1, 0, 0), EncodeAD(Op::RET1, 1, 2)}, {k});
}

// function(x) CHECK_<type>(x) return #x end
bc::Proto Length(uint32_t type) {
  return Make(1, 2, {EncodeAD(Op::ISTYPE, 0, type), EncodeAD(Op::LEN, 1, 0), EncodeAD(Op::RET1, 1, 2)});
}

// table.remove(t, pos): with pos nil, pops t[#t]; else shifts t[pos+1..#t]
// down when 1 <= pos <= #t and returns the old t[pos].
bc::Proto Remove() {
  return Make(2, 10,
              {
                  EncodeAD(Op::ISTYPE, 0, kIsTable),   // 1
                  EncodeAD(Op::LEN, 2, 0),             // 2  len = #t
                  EncodeAD(Op::ISNEP, 1, bc::kPriNil), // 3  pos == nil?
                  EncodeAJ(Op::JMP, 3, 7),             // 4  -> 12
                  EncodeAD(Op::ISEQN, 2, 0),           // 5  len ~= 0?
                  EncodeAJ(Op::JMP, 3, 23),            // 6  -> 30
                  EncodeABC(Op::TGETR, 3, 0, 2),       // 7  old = t[len]
                  EncodeAD(Op::KPRI, 4, bc::kPriNil),  // 8
                  EncodeABC(Op::TSETR, 4, 0, 2),       // 9  t[len] = nil
                  EncodeAD(Op::RET1, 3, 2),            // 10
                  EncodeAJ(Op::JMP, 3, 18),            // 11 -> 30
                  EncodeAD(Op::ISNUM, 1, kIsNumber),   // 12
                  EncodeAD(Op::KSHORT, 3, 1),          // 13
                  EncodeAD(Op::ISGT, 3, 1),            // 14 1 > pos?
                  EncodeAJ(Op::JMP, 3, 14),            // 15 -> 30
                  EncodeAD(Op::ISGT, 1, 2),            // 16 pos > len?
                  EncodeAJ(Op::JMP, 3, 12),            // 17 -> 30
                  EncodeABC(Op::TGETR, 3, 0, 1),       // 18 old = t[pos]
                  EncodeABC(Op::ADDVN, 4, 1, 1),       // 19 for i = pos+1, len
                  EncodeAD(Op::MOV, 5, 2),             // 20
                  EncodeAD(Op::KSHORT, 6, 1),          // 21
                  EncodeAJ(Op::FORI, 4, 4),            // 22 -> 27
                  EncodeABC(Op::SUBVN, 8, 7, 1),       // 23   t[i-1] = t[i]
                  EncodeABC(Op::TGETR, 9, 0, 7),       // 24
                  EncodeABC(Op::TSETR, 9, 0, 8),       // 25
                  EncodeAJ(Op::FORL, 4, -4),           // 26 -> 23
                  EncodeAD(Op::KPRI, 4, bc::kPriNil),  // 27
                  EncodeABC(Op::TSETR, 4, 0, 2),       // 28 t[len] = nil
                  EncodeAD(Op::RET1, 3, 2),            // 29
                  EncodeAD(Op::RET0, 0, 1),            // 30
              },
              {0, 1});
}

// table.foreach(t, f): for k, v in next, t do local r = f(k, v) if r ~= nil
// then return r end end (genlibbc's PAIRS: ITERN over a hidden index).
bc::Proto Foreach() {
  return Make(2, 11, {
                         EncodeAD(Op::ISTYPE, 0, kIsTable),     // 1
                         EncodeAD(Op::ISTYPE, 1, kIsFunction),  // 2
                         EncodeAD(Op::KPRI, 2, bc::kPriNil),    // 3
                         EncodeAD(Op::MOV, 3, 0),               // 4
                         EncodeAD(Op::KSHORT, 4, 0),            // 5  hidden index 0
                         EncodeAJ(Op::JMP, 5, 7),               // 6  -> 14
                         EncodeAD(Op::MOV, 7, 1),               // 7
                         EncodeAD(Op::MOV, 9, 5),               // 8
                         EncodeAD(Op::MOV, 10, 6),              // 9
                         EncodeABC(Op::CALL, 7, 2, 3),          // 10 r = f(k, v)
                         EncodeAD(Op::ISEQP, 7, bc::kPriNil),   // 11
                         EncodeAJ(Op::JMP, 8, 1),               // 12 -> 14
                         EncodeAD(Op::RET1, 7, 2),              // 13
                         EncodeABC(Op::ITERN, 5, 3, 3),         // 14
                         EncodeAJ(Op::ITERL, 5, -9),            // 15 -> 7
                         EncodeAD(Op::RET0, 0, 1),              // 16
                     });
}

// table.foreachi(t, f): for i = 1, #t do local r = f(i, t[i]) if r ~= nil
// then return r end end
bc::Proto Foreachi() {
  return Make(2, 10, {
                         EncodeAD(Op::ISTYPE, 0, kIsTable),     // 1
                         EncodeAD(Op::ISTYPE, 1, kIsFunction),  // 2
                         EncodeAD(Op::KSHORT, 2, 1),            // 3
                         EncodeAD(Op::LEN, 3, 0),               // 4
                         EncodeAD(Op::KSHORT, 4, 1),            // 5
                         EncodeAJ(Op::FORI, 2, 8),              // 6  -> 15
                         EncodeAD(Op::MOV, 6, 1),               // 7
                         EncodeAD(Op::MOV, 8, 5),               // 8
                         EncodeABC(Op::TGETR, 9, 0, 5),         // 9  t[i]
                         EncodeABC(Op::CALL, 6, 2, 3),          // 10 r = f(i, t[i])
                         EncodeAD(Op::ISEQP, 6, bc::kPriNil),   // 11
                         EncodeAJ(Op::JMP, 7, 1),               // 12 -> 14
                         EncodeAD(Op::RET1, 6, 2),              // 13
                         EncodeAJ(Op::FORL, 2, -8),             // 14 -> 7
                         EncodeAD(Op::RET0, 0, 1),              // 15
                     });
}

}  // namespace

bc::Proto BuiltinProto(Builtin which) {
  switch (which) {
    case Builtin::Deg: return Scale(57.29577951308232);
    case Builtin::Rad: return Scale(0.017453292519943295);
    case Builtin::Len: return Length(kIsString);
    case Builtin::Getn: return Length(kIsTable);
    case Builtin::Remove: return Remove();
    case Builtin::Foreach: return Foreach();
    case Builtin::Foreachi: return Foreachi();
  }
  return {};
}

const char* BuiltinName(Builtin which) {
  switch (which) {
    case Builtin::Deg: return "deg";
    case Builtin::Rad: return "rad";
    case Builtin::Len: return "len";
    case Builtin::Getn: return "getn";
    case Builtin::Remove: return "remove";
    case Builtin::Foreach: return "foreach";
    case Builtin::Foreachi: return "foreachi";
  }
  return "?";
}

void set_builtin(interp::Vm& vm, vm::Table* lib, Builtin which) {
  bc::Proto proto = BuiltinProto(which);
  // LuaJIT's builtins: chunkname is the bare name, firstline ~0.
  proto.chunkname = BuiltinName(which);
  proto.firstline = -1;
  vm::GlobalState& g = vm.global();
  vm::Function* fn = vm.load_proto(proto, g.globals());
  lib->set_str(g, g.intern(BuiltinName(which)), vm::TValue::function(fn));
}

}  // namespace lj::lib
