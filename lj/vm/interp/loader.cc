// Loader: turns the parser's plain bc::Proto tree into GC prototypes.
// Children are built first (they are GC constants of their parent), string
// constants are interned and TDUP templates become template tables.
#include <memory>
#include <variant>

#include "lj/vm/bcsave/bcsave.h"
#include "lj/vm/interp/vm.h"
#include "lj/vm/parse/parser.h"

namespace lj::interp {

namespace {

// A template value as the TValue stored in a template table.
TValue TemplateToValue(GlobalState& g, const bc::TemplateValue& v) {
  if (std::holds_alternative<bool>(v)) return TValue::boolean(std::get<bool>(v));
  if (std::holds_alternative<double>(v)) return TValue::number(std::get<double>(v));
  if (std::holds_alternative<std::string>(v)) return TValue::string(g.intern(std::get<std::string>(v)));
  return TValue::nil();
}

// The template table TDUP copies: array part as laid out, then hash keys.
Table* BuildTemplate(GlobalState& g, const bc::TableTemplate& tpl) {
  Table* t = g.new_table(static_cast<uint32_t>(tpl.array.size()), tpl.hash_bits);
  for (size_t i = 0; i < tpl.array.size(); i++) t->array[i] = TemplateToValue(g, tpl.array[i]);
  for (const auto& [key, value] : tpl.hash) {
    TValue k = TemplateToValue(g, key);
    // A nil value (a field computed at run time) keeps its key as a dead
    // node, as in LuaJIT's template: it decides later collisions.
    t->set(g, k, TemplateToValue(g, value));
  }
  return t;
}

Proto* BuildProto(GlobalState& g, const bc::Proto& src) {
  vm::ProtoSizes sizes;
  sizes.bytecode = static_cast<uint32_t>(src.code.size());
  sizes.gc_consts = static_cast<uint32_t>(src.gc_consts.size());
  sizes.num_consts = static_cast<uint32_t>(src.num_consts.size());
  sizes.upvalues = static_cast<uint32_t>(src.upvalues.size());
  sizes.vars = static_cast<uint32_t>(src.vars.size());
  // Children first: once the parent exists, everything it points to does too.
  std::vector<vm::GCObject*> kgc(src.gc_consts.size());
  for (size_t i = 0; i < src.gc_consts.size(); i++) {
    const bc::GcConst& c = src.gc_consts[i];
    if (auto* s = std::get_if<std::string>(&c)) {
      kgc[i] = vm::as_object(g.intern(*s));
    } else if (auto* child = std::get_if<std::shared_ptr<bc::Proto>>(&c)) {
      kgc[i] = vm::as_object(BuildProto(g, **child));
    } else {
      kgc[i] = vm::as_object(BuildTemplate(g, std::get<bc::TableTemplate>(c)));
    }
  }
  String* chunkname = g.intern(src.chunkname);
  std::vector<String*> var_names, uv_names;
  for (const bc::VarInfo& v : src.vars) var_names.push_back(g.intern(v.name));
  for (size_t i = 0; i < src.upvalues.size(); i++) {
    uv_names.push_back(g.intern(i < src.upvalue_names.size() ? src.upvalue_names[i] : ""));
  }
  Proto* pt = g.new_proto(sizes);
  pt->numparams = src.numparams;
  pt->framesize = src.framesize;
  pt->flags = src.flags;
  pt->chunkname = chunkname;
  pt->firstline = static_cast<uint32_t>(src.firstline);
  pt->numline = static_cast<uint32_t>(src.numline);
  for (size_t i = 0; i < src.code.size(); i++) {
    pt->bc()[i] = src.code[i];
    pt->lineinfo[i] = static_cast<uint32_t>(i < src.lines.size() ? src.lines[i] : 0);
  }
  for (size_t i = 0; i < kgc.size(); i++) pt->kgc(static_cast<uint32_t>(i)) = kgc[i];
  for (size_t i = 0; i < src.num_consts.size(); i++) {
    pt->knum(static_cast<uint32_t>(i)) = TValue::number(src.num_consts[i]);
  }
  for (size_t i = 0; i < src.upvalues.size(); i++) {
    pt->uv[i] = src.upvalues[i];
    pt->uvnames[i] = uv_names[i];
  }
  for (size_t i = 0; i < src.vars.size(); i++) {
    pt->varinfo[i] = {var_names[i], src.vars[i].startpc, src.vars[i].endpc};
  }
  return pt;
}

// A bytecode dump (first byte ESC, as luajit decides): read and verified,
// then built like parsed code. A dumped inner function keeps its upvalue
// count; as in luajit its upvalues start closed and nil.
Function* LoadDump(GlobalState& g, std::string_view dump, const std::string& chunkname, Table* env) {
  bcsave::ReadResult read = bcsave::Read(dump, chunkname);
  if (!read.ok()) g.raise(TValue::string(g.intern(read.error)));
  Function* fn = g.new_lua_function(BuildProto(g, *read.proto), env);
  for (uint32_t i = 0; i < fn->nupvalues; i++) fn->upvalues()[i] = g.new_closed_upvalue(TValue::nil());
  return fn;
}

}  // namespace

Function* Vm::load(std::string_view source, const std::string& chunkname, Table* env) {
  if (bcsave::IsDump(source)) return LoadDump(g_, source, chunkname, env);
  parse::ParseResult result = parse::Parse(source, chunkname);
  if (!result.ok()) g_.raise(TValue::string(g_.intern(result.error().message)));
  // No GC step runs while building (only explicit checks step the collector).
  Proto* pt = BuildProto(g_, *result.proto());
  return g_.new_lua_function(pt, env);
}

Function* Vm::load_proto(const bc::Proto& proto, Table* env) {
  return g_.new_lua_function(BuildProto(g_, proto), env);
}

}  // namespace lj::interp
