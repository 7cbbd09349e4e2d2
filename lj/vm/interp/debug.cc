// Debug information: naming slots, positions, frame walks, tracebacks.
#include "lj/vm/interp/debug.h"

#include <algorithm>
#include <cstdio>

namespace lj::interp {

uint32_t line_of(const Proto* pt, const uint32_t* pc_after) {
  uint32_t i = pc_index(pt, pc_after);
  return i < pt->sizebc ? pt->lineinfo[i] : 0;
}

std::string short_source(const String* chunkname) {
  std::string_view s = chunkname->view();
  if (!s.empty() && (s[0] == '@' || s[0] == '=')) return std::string(s.substr(1));
  // Source text, as LuaJIT's lj_debug_shortname: up to the first control
  // character within 48 bytes; anything cut keeps 45 bytes and gets "...".
  constexpr size_t kScan = 60 - 12, kKeep = 60 - 15;
  size_t len = 0;
  while (len < kScan && len < s.size() && static_cast<unsigned char>(s[len]) >= ' ') len++;
  // A NUL ends the name, as it ends luajit's C string.
  if (len == s.size() || s[len] == '\0') return "[string \"" + std::string(s.substr(0, len)) + "\"]";
  return "[string \"" + std::string(s.substr(0, std::min(len, kKeep))) + "...\"]";
}

std::string short_source(const Proto* pt) {
  if (pt->firstline == kBuiltinFirstLine) return "[builtin:" + std::string(pt->chunkname->view()) + "]";
  return short_source(pt->chunkname);
}

const String* local_name(const Proto* pt, uint32_t pc, uint32_t slot) {
  // Variables are in startpc order; the n-th one alive at pc is slot n.
  for (uint32_t i = 0; i < pt->sizevarinfo; i++) {
    const vm::VarInfo& v = pt->varinfo[i];
    if (v.startpc > pc) break;
    if (pc < v.endpc && slot-- == 0) return v.name;
  }
  return nullptr;
}

namespace {

const String* string_constant(const Proto* pt, uint32_t idx) {
  if (idx >= pt->sizekgc) return nullptr;
  vm::GCObject* o = pt->kgc(idx);
  return o->tag() == vm::TypeTag::String ? reinterpret_cast<const String*>(o) : nullptr;
}

}  // namespace

ValueName name_of_slot(const Proto* pt, uint32_t pc, uint32_t slot) {
  using bc::Op;
  for (;;) {
    if (const String* local = local_name(pt, pc, slot)) {
      // Hidden names like "(for index)" are not shown as locals.
      if (local->len && local->data()[0] != '(') return {"local", std::string(local->view())};
      return {};
    }
    // Walk back to the instruction that wrote the slot.
    bool restart = false;
    for (uint32_t ip = pc; !restart && ip-- > 1;) {
      uint32_t ins = pt->bc()[ip];
      Op op = bc::OpOf(ins);
      uint32_t ra = bc::AOf(ins);
      bc::Mode mode = bc::Info(op).a;
      if (mode == bc::Mode::base) {
        if (slot >= ra && (op != Op::KNIL || slot <= bc::DOf(ins))) return {};
        continue;
      }
      if (mode != bc::Mode::dst || ra != slot) continue;
      switch (op) {
        case Op::MOV:
          slot = bc::DOf(ins);
          pc = ip;
          restart = true;
          break;
        case Op::GGET:
          if (const String* s = string_constant(pt, bc::DOf(ins))) return {"global", std::string(s->view())};
          return {};
        case Op::TGETS: {
          const String* s = string_constant(pt, bc::COf(ins));
          if (!s) return {};
          uint32_t prev = pt->bc()[ip - 1];
          if (ip > 1 && bc::OpOf(prev) == Op::MOV && bc::AOf(prev) == ra + 2 && bc::DOf(prev) == bc::BOf(ins)) {
            return {"method", std::string(s->view())};
          }
          return {"field", std::string(s->view())};
        }
        case Op::UGET:
          if (bc::DOf(ins) < pt->sizeuv) return {"upvalue", std::string(pt->uvnames[bc::DOf(ins)]->view())};
          return {};
        default:
          return {};
      }
    }
    if (!restart) return {};
  }
}

std::string describe_slot(const Proto* pt, uint32_t pc, uint32_t slot) {
  ValueName n = name_of_slot(pt, pc, slot);
  if (n.kind.empty()) return "";
  return " " + n.kind + " '" + n.name + "'";
}

std::vector<FrameInfo> walk_frames(Thread* L, const uint32_t* top_pc) {
  std::vector<FrameInfo> frames;
  TValue* bottom = L->stack + 2;
  TValue* base = L->base;
  const uint32_t* pc = top_pc;
  while (base > bottom) {
    bool lua = base[-2].is_function() && base[-2].as_function()->is_lua();
    // A frame whose callee turned out not to be callable never ran: skip it.
    if (base[-2].is_function()) frames.push_back({base, lua ? pc : nullptr});
    // A vararg frame belongs to the function below its delta.
    TValue* fb = base;
    if (!is_lua_link(fb[-1]) && link_typep(fb[-1]) == kFrameVarg) fb -= link_delta(fb[-1]);
    TValue link = fb[-1];
    if (is_lua_link(link)) {
      pc = link_pc(link);
      base = fb - 2 - bc::AOf(pc[-1]);
    } else if (link_typep(link) == kFrameCont) {
      pc = link_pc(fb[-3]);
      base = fb - link_delta(link);
    } else {
      // A C link below a Lua frame: Vm::call remembers the caller's pc.
      pc = link_typep(link) == kFrameC ? Vm::of(L).c_call_pc(L, fb) : nullptr;
      base = fb - link_delta(link);
    }
  }
  return frames;
}

namespace {

// The metamethod an instruction calls through a continuation frame, named
// as LuaJIT's lj_debug_funcname does ("__index", "__add", ...).
const char* metamethod_called_by(bc::Op op) {
  using bc::Op;
  switch (op) {
    case Op::TGETV: case Op::TGETS: case Op::TGETB: case Op::TGETR: case Op::GGET: return "__index";
    case Op::TSETV: case Op::TSETS: case Op::TSETB: case Op::TSETR: case Op::GSET: return "__newindex";
    case Op::ISEQV: case Op::ISNEV: case Op::ISEQS: case Op::ISNES:
    case Op::ISEQN: case Op::ISNEN: case Op::ISEQP: case Op::ISNEP: return "__eq";
    case Op::ISLT: case Op::ISGE: return "__lt";
    case Op::ISLE: case Op::ISGT: return "__le";
    case Op::LEN: return "__len";
    case Op::CAT: return "__concat";
    case Op::UNM: return "__unm";
    case Op::ADDVN: case Op::ADDNV: case Op::ADDVV: return "__add";
    case Op::SUBVN: case Op::SUBNV: case Op::SUBVV: return "__sub";
    case Op::MULVN: case Op::MULNV: case Op::MULVV: return "__mul";
    case Op::DIVVN: case Op::DIVNV: case Op::DIVVV: return "__div";
    case Op::MODVN: case Op::MODNV: case Op::MODVV: return "__mod";
    case Op::POW: return "__pow";
    default: return "";
  }
}

}  // namespace

ValueName frame_call_name(const std::vector<FrameInfo>& frames, size_t i) {
  if (i + 1 >= frames.size()) return {};
  const FrameInfo& caller = frames[i + 1];
  if (!caller.pc) return {};
  TValue* fb = frames[i].base;
  if (!is_lua_link(fb[-1]) && link_typep(fb[-1]) == kFrameVarg) fb -= link_delta(fb[-1]);
  // A metamethod called by an instruction: named after the metamethod.
  if (!is_lua_link(fb[-1]) && link_typep(fb[-1]) == kFrameCont) {
    const char* mm = metamethod_called_by(bc::OpOf(caller.pc[-1]));
    if (*mm == 0) return {};
    return {"metamethod", mm};
  }
  if (!is_lua_link(fb[-1])) return {};
  const Proto* pt = caller.function()->proto();
  uint32_t ins = caller.pc[-1];
  bc::Op op = bc::OpOf(ins);
  if (op != bc::Op::CALL && op != bc::Op::CALLM && op != bc::Op::ITERC) return {};
  // An iterator is named after the generator slot, "(for generator)".
  uint32_t slot = op == bc::Op::ITERC ? bc::AOf(ins) - 3 : bc::AOf(ins);
  uint32_t pc = pc_index(pt, caller.pc);
  if (const String* local = local_name(pt, pc, slot)) return {"local", std::string(local->view())};
  return name_of_slot(pt, pc, slot);
}

std::string frame_function_name(const std::vector<FrameInfo>& frames, size_t i) {
  return frame_call_name(frames, i).name;
}

std::vector<FrameInfo> thread_frames(Thread* L) {
  Vm& vm = Vm::of(L);
  return walk_frames(L, L == vm.current_thread() ? vm.saved_pc() : nullptr);
}

namespace {

// Where the frame above frames[level] begins (its function slot): locals
// and temporaries of frames[level] lie below. The top frame ends at L->top.
TValue* frame_limit(Thread* L, const std::vector<FrameInfo>& frames, size_t level) {
  if (level == 0) return L->top;
  TValue* above = frames[level - 1].base;
  if (!is_lua_link(above[-1]) && link_typep(above[-1]) == kFrameVarg) above -= link_delta(above[-1]);
  return above - 2;
}

// The n-th vararg (n from 1) of a Lua frame, before or after FUNCV set up
// its vararg frame.
LocalSlot frame_vararg(const FrameInfo& f, TValue* limit, int n) {
  const Proto* pt = f.function()->proto();
  if (!(pt->flags & bc::kProtoVararg)) return {};
  TValue* start = f.base;
  if (!is_lua_link(f.base[-1]) && link_typep(f.base[-1]) == kFrameVarg) {
    limit = f.base - 2;
    start = f.base - link_delta(f.base[-1]);
  }
  TValue* slot = start + pt->numparams + (n - 1);
  if (slot >= limit) return {};
  return {"(*vararg)", slot};
}

}  // namespace

LocalSlot frame_local(Thread* L, const std::vector<FrameInfo>& frames, size_t level, int n) {
  const FrameInfo& f = frames[level];
  TValue* limit = frame_limit(L, frames, level);
  bool lua = f.function()->is_lua() && f.pc;
  if (n < 0) return lua ? frame_vararg(f, limit, -n) : LocalSlot{};
  if (n == 0) return {};
  TValue* slot = f.base + (n - 1);
  if (lua) {
    const Proto* pt = f.function()->proto();
    if (const String* name = local_name(pt, pc_index(pt, f.pc), static_cast<uint32_t>(n - 1))) {
      return {std::string(name->view()), slot};
    }
  }
  if (slot < limit) return {"(*temporary)", slot};
  return {};
}

std::string Vm::traceback(Thread* L, int level) {
  std::vector<FrameInfo> frames = thread_frames(L);
  std::vector<std::string> lines;
  for (size_t i = static_cast<size_t>(level); i < frames.size(); i++) {
    const FrameInfo& f = frames[i];
    Function* fn = f.function();
    std::string name = frame_function_name(frames, i);
    std::string line = "\n\t";
    if (fn->is_c()) {
      line += "[C]: ";
      if (!name.empty()) {
        line += "in function '" + name + "'";
      } else {
        char buf[40];
        std::snprintf(buf, sizeof buf, "at %p", reinterpret_cast<void*>(fn->cfunction()));
        line += buf;
      }
      lines.push_back(line);
      continue;
    }
    const Proto* pt = fn->proto();
    uint32_t current_line = f.pc ? line_of(pt, f.pc) : 0;
    // Lua's traceback leaves out a line of 0 (LuaJIT's builtins have none).
    line += short_source(pt) + ":" + (current_line > 0 ? std::to_string(current_line) + ":" : "");
    if (!name.empty()) {
      line += " in function '" + name + "'";
    } else if (pt->firstline == 0) {
      line += " in main chunk";
    } else {
      line += " in function <" + short_source(pt) + ":" + std::to_string(pt->firstline) + ">";
    }
    lines.push_back(line);
  }
  // The host's C frame below the main thread's first call, as luajit shows.
  // luajit prints the address of its host's C function there.
  if (L == g_.main_thread()) {
    char host[48];
    std::snprintf(host, sizeof host, "\n\t[C]: at %p", reinterpret_cast<void*>(&walk_frames));
    lines.push_back(host);
  }
  // Lua 5.1's cut: the first 11 levels, "...", the last 10.
  constexpr size_t kHead = 11, kTail = 10;
  std::string out = "stack traceback:";
  for (size_t i = 0; i < lines.size(); i++) {
    if (lines.size() > kHead + 1 + kTail && i == kHead) {
      out += "\n\t...";
      i = lines.size() - kTail - 1;
      continue;
    }
    out += lines[i];
  }
  return out;
}

std::string Vm::where(Thread* L, int level) {
  std::vector<FrameInfo> frames = walk_frames(L, savedpc_);
  if (level < 0 || static_cast<size_t>(level) >= frames.size()) return "";
  const FrameInfo& f = frames[level];
  if (!f.pc || f.function()->is_c()) return "";
  const Proto* pt = f.function()->proto();
  return short_source(pt) + ":" + std::to_string(line_of(pt, f.pc)) + ": ";
}

std::string Vm::current_function_name(Thread* L) {
  std::vector<FrameInfo> frames = walk_frames(L, savedpc_);
  std::string name = frame_function_name(frames, 0);
  return name.empty() ? "?" : name;
}

void Vm::error_at(Thread* L, int level, std::string_view message) {
  std::string text = where(L, level) + std::string(message);
  raise_value(L, TValue::string(g_.intern(text)));
}

void Vm::raise_value(Thread*, TValue value) { g_.raise(value); }

void Vm::arg_error(Thread* L, int arg, std::string_view message) {
  ValueName called = frame_call_name(walk_frames(L, savedpc_), 0);
  std::string name = called.name.empty() ? "?" : called.name;
  // Lua's rule for obj:name(...): self is not counted, and a bad self says so.
  if (called.kind == "method" && --arg == 0) {
    error_at(L, 1, "calling '" + name + "' on bad self (" + std::string(message) + ")");
  }
  error_at(L, 1, "bad argument #" + std::to_string(arg) + " to '" + name + "' (" + std::string(message) + ")");
}

void Vm::type_error(Thread* L, int arg, std::string_view expected) {
  TValue* v = L->base + arg - 1;
  const char* got = v < L->top ? v->type_name() : "no value";
  arg_error(L, arg, std::string(expected) + " expected, got " + got);
}

}  // namespace lj::interp
