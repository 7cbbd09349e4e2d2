// From a loaded prototype back to the plain form the writer takes: the
// inverse of the interpreter's loader (lj/vm/interp/loader.cc).
#include <variant>

#include "lj/vm/bcsave/bcsave.h"

namespace lj::bcsave {

namespace {

bc::TemplateValue TemplateValueOf(vm::TValue v) {
  if (v.is_boolean()) return v.is_true();
  if (v.is_number()) return v.as_number();
  if (v.is_string()) return std::string(v.as_string()->view());
  return bc::Nil{};
}

// The array part as allocated, then the hash nodes from the last one down,
// as LuaJIT's writer walks them (so the hash order is this table's layout).
bc::TableTemplate TemplateOf(const vm::Table& t) {
  bc::TableTemplate out;
  for (uint32_t i = 0; i < t.asize; i++) out.array.push_back(TemplateValueOf(t.array[i]));
  for (uint32_t i = t.hmask + 1; i-- > 0;) {
    const vm::Node& n = t.node[i];
    if (n.val.is_nil()) continue;
    out.hash.emplace_back(TemplateValueOf(n.key), TemplateValueOf(n.val));
  }
  return out;
}

// A prototype has debug info unless it was loaded stripped (no lines:
// firstline and numline 0, which a parsed function never has) or is a
// builtin (firstline ~0).
bool HasDebugInfo(const vm::Proto& pt) {
  if (pt.firstline == ~0u) return false;
  return pt.firstline != 0 || pt.numline != 0;
}

}  // namespace

std::shared_ptr<bc::Proto> FromGc(const vm::Proto& pt) {
  auto out = std::make_shared<bc::Proto>();
  out->code.assign(pt.bc(), pt.bc() + pt.sizebc);
  out->numparams = pt.numparams;
  out->framesize = pt.framesize;
  out->flags = pt.flags;
  out->chunkname = std::string(pt.chunkname->view());
  out->upvalues.assign(pt.uv, pt.uv + pt.sizeuv);
  for (uint32_t i = 0; i < pt.sizekn; i++) out->num_consts.push_back(pt.knum(i).as_number());
  for (uint32_t i = 0; i < pt.sizekgc; i++) {
    vm::GCObject* k = pt.kgc(i);
    switch (k->tag()) {
      case vm::TypeTag::String:
        out->gc_consts.emplace_back(std::string(reinterpret_cast<const vm::String*>(k)->view()));
        break;
      case vm::TypeTag::Proto:
        out->gc_consts.emplace_back(FromGc(*reinterpret_cast<const vm::Proto*>(k)));
        break;
      default:
        out->gc_consts.emplace_back(TemplateOf(*reinterpret_cast<const vm::Table*>(k)));
        break;
    }
  }
  if (!HasDebugInfo(pt)) return out;
  out->firstline = static_cast<int32_t>(pt.firstline);
  out->numline = static_cast<int32_t>(pt.numline);
  out->lines.assign(pt.lineinfo, pt.lineinfo + pt.sizebc);
  for (uint32_t i = 0; i < pt.sizeuv; i++) out->upvalue_names.emplace_back(pt.uvnames[i]->view());
  for (uint32_t i = 0; i < pt.sizevarinfo; i++) {
    const vm::VarInfo& v = pt.varinfo[i];
    out->vars.push_back({std::string(v.name->view()), v.startpc, v.endpc});
  }
  return out;
}

}  // namespace lj::bcsave
