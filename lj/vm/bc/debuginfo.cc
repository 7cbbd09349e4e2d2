// Naming values for error messages from the debug info (LuaJIT's
// lj_debug_slotname): a live local by its name, otherwise by the
// instruction that last loaded the slot.
#include "lj/vm/bc/bc.h"

namespace lj::bc {

const std::string* LocalName(const Proto& proto, uint32_t pc, uint32_t slot) {
  // Variables are in order of startpc; the n-th one alive at pc is slot n.
  for (const VarInfo& v : proto.vars) {
    if (v.startpc > pc) break;
    if (pc < v.endpc && slot-- == 0) return &v.name;
  }
  return nullptr;
}

namespace {

const std::string* StringConstant(const Proto& proto, uint32_t idx) {
  if (idx >= proto.gc_consts.size()) return nullptr;
  return std::get_if<std::string>(&proto.gc_consts[idx]);
}

}  // namespace

SlotName NameOfSlot(const Proto& proto, uint32_t pc, uint32_t slot) {
  for (;;) {
    if (const std::string* local = LocalName(proto, pc, slot)) return {"local", *local};
    // Walk back to the instruction that wrote the slot.
    bool restart = false;
    for (uint32_t ip = pc; !restart && ip-- > 1;) {
      uint32_t ins = proto.code[ip];
      Op op = OpOf(ins);
      uint32_t ra = AOf(ins);
      Mode mode = Info(op).a;
      if (mode == Mode::base) {
        // Calls, varargs and KNIL write a range of slots.
        if (slot >= ra && (op != Op::KNIL || slot <= DOf(ins))) return {};
        continue;
      }
      if (mode != Mode::dst || ra != slot) continue;
      switch (op) {
        case Op::MOV:
          slot = DOf(ins);  // Named after the source, as seen at this pc.
          pc = ip;
          restart = true;
          break;
        case Op::GGET:
          if (const std::string* s = StringConstant(proto, DOf(ins))) return {"global", *s};
          return {};
        case Op::TGETS: {
          const std::string* s = StringConstant(proto, COf(ins));
          if (s == nullptr) return {};
          // obj:m() copies obj to the first argument right before TGETS.
          uint32_t prev = ip > 1 ? proto.code[ip - 1] : 0;
          if (ip > 1 && OpOf(prev) == Op::MOV && AOf(prev) == ra + 2 &&
              DOf(prev) == BOf(ins)) {
            return {"method", *s};
          }
          return {"field", *s};
        }
        case Op::UGET:
          if (DOf(ins) < proto.upvalue_names.size()) {
            return {"upvalue", proto.upvalue_names[DOf(ins)]};
          }
          return {};
        default:
          return {};
      }
    }
    if (!restart) return {};
  }
}

}  // namespace lj::bc
