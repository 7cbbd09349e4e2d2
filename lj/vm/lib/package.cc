// A first package library: require over package.loaded, package.preload
// (with LuaJIT's preloaded "table.new" and "table.clear") and Lua files on
// package.path. C modules (cpath), LUA_PATH and package.loaders are issue 4.
#include <cstdio>
#include <string>

#include "lj/vm/lib/api.h"
#include "lj/vm/lib/lib.h"

namespace lj::lib {

namespace {

Table* package_field(Thread* L, const char* name) {
  vm::GlobalState& g = *L->global;
  TValue package = g.globals()->get_str(g.intern("package"));
  if (!package.is_table()) Vm::of(L).error_at(L, 1, "'package' must be a table");
  TValue t = package.as_table()->get_str(g.intern(name));
  if (!t.is_table()) Vm::of(L).error_at(L, 1, std::string("'package.") + name + "' must be a table");
  return t.as_table();
}

// LuaJIT's default package.path on Debian.
constexpr const char* kDefaultPath =
    "./?.lua;/usr/share/luajit-2.1.0-beta3/?.lua;/usr/local/share/lua/5.1/?.lua;"
    "/usr/local/share/lua/5.1/?/init.lua;/usr/share/lua/5.1/?.lua;/usr/share/lua/5.1/?/init.lua";

// Reads a whole file; false if it cannot be opened.
bool read_whole_file(const std::string& path, std::string* text) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text->append(buf, n);
  std::fclose(f);
  return true;
}

// Searches package.path for the module; returns its loader (nil if none)
// and appends "\n\tno file '...'" lines for the places tried.
TValue find_lua_file(Thread* L, const std::string& name, std::string* tried) {
  Vm& vm = Vm::of(L);
  vm::GlobalState& g = vm.global();
  TValue path_value = g.globals()->get_str(g.intern("package")).as_table()->get_str(g.intern("path"));
  if (!path_value.is_string()) vm.error_at(L, 1, "'package.path' must be a string");
  std::string path(path_value.as_string()->view());
  std::string file_part = name;
  for (char& c : file_part) c = c == '.' ? '/' : c;
  size_t from = 0;
  while (from <= path.size()) {
    size_t semi = path.find(';', from);
    std::string tpl = path.substr(from, semi == std::string::npos ? std::string::npos : semi - from);
    from = semi == std::string::npos ? path.size() + 1 : semi + 1;
    if (tpl.empty()) continue;
    std::string file;
    for (char c : tpl) c == '?' ? file += file_part : file += c;
    std::string text;
    if (!read_whole_file(file, &text)) {
      *tried += "\n\tno file '" + file + "'";
      continue;
    }
    if (!text.empty() && text[0] == '#') text.erase(0, text.find('\n') == std::string::npos ? text.size() : text.find('\n'));
    try {
      return TValue::function(vm.load(text, "@" + file, g.globals()));
    } catch (const vm::LuaError& e) {
      std::string msg = e.value().is_string() ? std::string(e.value().as_string()->view()) : "?";
      // Raised from inside the searcher: no position, as luajit.
      std::string text_out = "error loading module '" + name + "' from file '" + file + "':\n\t" + msg;
      vm.raise_value(L, str(L, text_out));
    }
  }
  return TValue::nil();
}

// require(name): package.loaded[name], else run the loader found in
// package.preload or on package.path with the name and remember its
// result (true if it returned nothing).
int lib_require(Thread* L) {
  Vm& vm = Vm::of(L);
  vm::GlobalState& g = vm.global();
  String* name = check_string(L, 1);
  Table* loaded = package_field(L, "loaded");
  TValue have = loaded->get_str(name);
  if (have.is_truthy()) {
    push(L, have);
    return 1;
  }
  TValue loader = package_field(L, "preload")->get_str(name);
  if (loader.is_nil()) {
    std::string n(name->view());
    std::string tried = "\n\tno field package.preload['" + n + "']";
    loader = find_lua_file(L, n, &tried);
    if (loader.is_nil()) vm.error_at(L, 1, "module '" + n + "' not found:" + tried);
  }
  TValue* f = L->top;
  f[0] = loader;
  f[2] = TValue::string(name);
  L->top = f + 3;
  f = vm.call(L, f, 1);
  TValue result = f[0].is_nil() ? TValue::boolean(true) : f[0];
  L->top = f;
  // The loader may have stored something itself (Lua 5.1's rule).
  loaded = package_field(L, "loaded");
  TValue stored = loaded->get_str(name);
  if (!stored.is_nil()) result = stored;
  loaded->set_str(g, name, result);
  push(L, result);
  return 1;
}

// table.new(narray, nhash): a table with preallocated parts.
int table_new(Thread* L) {
  int64_t narray = check_integer(L, 1);
  int64_t nhash = check_integer(L, 2);
  uint32_t asize = narray > 0 ? static_cast<uint32_t>(narray < (1 << 27) ? narray : (1 << 27)) : 0;
  uint32_t hbits = 0;
  while (hbits < 26 && (int64_t{1} << hbits) < nhash) hbits++;
  // LuaJIT's lua_createtable counts slot 0 in the array part.
  push(L, TValue::table(L->global->new_table(asize > 0 ? asize + 1 : 0, nhash > 0 ? hbits : 0)));
  return 1;
}

// table.clear(t): removes every entry but keeps the allocated parts.
int table_clear(Thread* L) {
  Table* t = check_table(L, 1);
  for (uint32_t i = 0; i < t->asize; i++) t->array[i] = TValue::nil();
  if (t->node != L->global->nil_node()) {
    for (uint32_t i = 0; i <= t->hmask; i++) t->node[i].val = TValue::nil();
  }
  return 0;
}

// The preload entry for "table.<name>": adds the function to the table
// library (as LuaJIT's lj_lib_postreg does) and returns it.
template <vm::CFunction F>
int open_table_function(Thread* L) {
  Vm& vm = Vm::of(L);
  vm::GlobalState& g = vm.global();
  std::string_view module = check_string(L, 1)->view();
  std::string field(module.substr(module.find('.') + 1));
  Function* fn = vm.new_c_function(F);
  TValue table_lib = g.globals()->get_str(g.intern("table"));
  if (table_lib.is_table()) table_lib.as_table()->set_str(g, g.intern(field), TValue::function(fn));
  push(L, TValue::function(fn));
  return 1;
}

}  // namespace

void open_package(Vm& vm) {
  vm::GlobalState& g = vm.global();
  Table* package = new_library(vm, "package");
  Table* loaded = g.new_table(0, 4);
  Table* preload = g.new_table(0, 2);
  package->set_str(g, g.intern("loaded"), TValue::table(loaded));
  package->set_str(g, g.intern("preload"), TValue::table(preload));
  package->set_str(g, g.intern("path"), TValue::string(g.intern(kDefaultPath)));
  // Every library opened so far counts as loaded, _G too.
  for (const char* lib : {"string", "table", "math", "coroutine", "io", "bit", "jit", "debug", "package"}) {
    TValue t = g.globals()->get_str(g.intern(lib));
    if (!t.is_nil()) loaded->set_str(g, g.intern(lib), t);
  }
  loaded->set_str(g, g.intern("_G"), TValue::table(g.globals()));
  set_function(vm, preload, "table.new", open_table_function<table_new>);
  set_function(vm, preload, "table.clear", open_table_function<table_clear>);
  set_function(vm, g.globals(), "require", lib_require);
}

}  // namespace lj::lib
