// The package library and require as LuaJIT 2.1 has them: package.path
// (LUA_PATH, ";;" for the default), package.cpath (LUA_CPATH) searched but
// C modules never loaded, package.loaded (also registry._LOADED),
// package.preload (with LuaJIT's "table.new" and "table.clear"),
// package.loaders (preload, Lua, C, all-in-one), searchpath, loadlib,
// seeall and module(). The package functions run with the package table as
// their environment, as LuaJIT's do (docs/interpreter.md, "package and
// require").
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "lj/vm/interp/debug.h"
#include "lj/vm/lib/api.h"
#include "lj/vm/lib/lib.h"

namespace lj::lib {

namespace {

// LuaJIT's defaults on Debian (`luajit -e 'print(package.path)'`).
constexpr const char* kDefaultPath =
    "./?.lua;/usr/share/luajit-2.1.0-beta3/?.lua;/usr/local/share/lua/5.1/?.lua;"
    "/usr/local/share/lua/5.1/?/init.lua;/usr/share/lua/5.1/?.lua;/usr/share/lua/5.1/?/init.lua";
constexpr const char* kDefaultCPath =
    "./?.so;/usr/local/lib/lua/5.1/?.so;/usr/lib/x86_64-linux-gnu/lua/5.1/?.so;/usr/local/lib/lua/5.1/loadall.so";
// Lua's message where dynamic libraries are absent: ljit loads no C code.
constexpr const char* kNoDynamicLibraries = "dynamic libraries not enabled; check your Lua installation";

// The package table: the environment of every package function.
Table* package_table(Thread* L) { return L->base[-2].as_function()->env; }

TValue package_field(Thread* L, const char* name) {
  return package_table(L)->get_str(L->global->intern(name));
}

// package.<name> as a table, or "'package.<name>' must be a table".
Table* package_table_field(Thread* L, const char* name) {
  TValue t = package_field(L, name);
  if (!t.is_table()) Vm::of(L).error_at(L, 1, std::string("'package.") + name + "' must be a table");
  return t.as_table();
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  if (from.empty()) return text;
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

bool readable(const std::string& file) {
  FILE* f = std::fopen(file.c_str(), "r");
  if (f) std::fclose(f);
  return f != nullptr;
}

// Lua's search along a ';'-separated path: the first readable file, or
// empty with "\n\tno file '...'" for each place tried in *tried.
std::string search_path(std::string name, std::string_view path, std::string_view sep, std::string_view rep,
                        std::string* tried) {
  if (!sep.empty()) name = replace_all(name, sep.substr(0, 1), rep);
  size_t from = 0;
  while (from < path.size()) {
    if (path[from] == ';') {
      from++;
      continue;
    }
    size_t end = path.find(';', from);
    if (end == std::string_view::npos) end = path.size();
    std::string file = replace_all(std::string(path.substr(from, end - from)), "?", name);
    from = end;
    if (readable(file)) return file;
    *tried += "\n\tno file '" + file + "'";
  }
  return "";
}

// package.<which> ("path" or "cpath") searched for name.
std::string find_file(Thread* L, const std::string& name, const char* which, std::string* tried) {
  TValue path = package_field(L, which);
  if (!path.is_string() && !path.is_number()) {
    Vm::of(L).error_at(L, 1, std::string("'package.") + which + "' must be a string");
  }
  std::string text(Vm::of(L).to_string_raw(path)->view());
  return search_path(name, text, ".", "/", tried);
}

// "error loading module 'name' from file 'file':\n\t<why>", raised from
// inside a loader (so without a position, as in LuaJIT).
[[noreturn]] void load_error(Thread* L, std::string_view name, const std::string& file, std::string_view why) {
  Vm::of(L).raise_value(L, str(L, "error loading module '" + std::string(name) + "' from file '" + file +
                                      "':\n\t" + std::string(why)));
}

// -- Loaders ----------------------------------------------------------------------------

// package.loaders[1]: package.preload[name].
int loader_preload(Thread* L) {
  String* name = check_string(L, 1);
  TValue found = package_table_field(L, "preload")->get_str(name);
  push(L, found.is_nil() ? str(L, "\n\tno field package.preload['" + std::string(name->view()) + "']") : found);
  return 1;
}

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

// package.loaders[2]: a Lua file on package.path, compiled.
int loader_lua(Thread* L) {
  Vm& vm = Vm::of(L);
  std::string name(check_string(L, 1)->view());
  std::string tried;
  std::string file = find_file(L, name, "path", &tried);
  if (file.empty()) {
    push(L, str(L, tried));
    return 1;
  }
  std::string text;
  if (!read_whole_file(file, &text)) load_error(L, name, file, "cannot read " + file);
  // A first line starting with '#' is skipped, as luaL_loadfile does.
  if (!text.empty() && text[0] == '#') text.erase(0, text.find('\n') == std::string::npos ? text.size() : text.find('\n'));
  try {
    push(L, TValue::function(vm.load(text, "@" + file, vm.global().globals())));
  } catch (const vm::LuaError& e) {
    TValue why = e.value();
    load_error(L, name, file, why.is_string() ? why.as_string()->view() : "?");
  }
  return 1;
}

// Searches cpath for `file_name`; a library found cannot be loaded (ljit
// runs no C code), a miss returns the places tried.
int refuse_c_library(Thread* L, const std::string& name, const std::string& file_name) {
  std::string tried;
  std::string file = find_file(L, file_name, "cpath", &tried);
  if (file.empty()) {
    push(L, str(L, tried));
    return 1;
  }
  load_error(L, name, file, kNoDynamicLibraries);
}

// package.loaders[3]: a C library on package.cpath.
int loader_c(Thread* L) {
  std::string name(check_string(L, 1)->view());
  return refuse_c_library(L, name, name);
}

// package.loaders[4]: the all-in-one loader, "a.b" from the library of "a".
int loader_croot(Thread* L) {
  std::string name(check_string(L, 1)->view());
  size_t dot = name.find('.');
  if (dot == std::string::npos) return 0;
  return refuse_c_library(L, name, name.substr(0, dot));
}

// -- require ----------------------------------------------------------------------------

// Marks a module whose loading started and did not finish.
TValue loading_sentinel() {
  static const char kSentinel = 0;
  return TValue::light_userdata(&kSentinel);
}

// fn(argument), its first result.
TValue call_with(Thread* L, TValue fn, TValue argument) {
  TValue* f = L->top;
  f[0] = fn;
  f[2] = argument;
  L->top = f + 3;
  f = Vm::of(L).call(L, f, 1);
  TValue result = f[0];
  L->top = f;
  return result;
}

// Asks each loader in package.loaders for name; the first function wins,
// the messages of the others make up the "not found" error.
TValue find_loader(Thread* L, String* name) {
  Vm& vm = Vm::of(L);
  Table* loaders = package_table_field(L, "loaders");
  std::string tried;
  for (int64_t i = 1;; i++) {
    TValue loader = loaders->get_int(i);
    if (loader.is_nil()) vm.error_at(L, 1, "module '" + std::string(name->view()) + "' not found:" + tried);
    TValue result = call_with(L, loader, TValue::string(name));
    if (result.is_function()) return result;
    if (result.is_string() || result.is_number()) tried += vm.to_string_raw(result)->view();
    loaders = package_table_field(L, "loaders");
  }
}

// require(name): package.loaded[name], else the first loader found runs
// with the name; its result (true if none) is remembered.
int lib_require(Thread* L) {
  Vm& vm = Vm::of(L);
  vm::GlobalState& g = vm.global();
  String* name = check_string(L, 1);
  L->top = L->base + 1;
  push(L, TValue::string(name));  // rooted: a converted number
  Table* loaded = package_table_field(L, "loaded");
  TValue have = loaded->get_str(name);
  if (have.is_truthy()) {
    if (have.raw_equals(loading_sentinel())) {
      vm.error_at(L, 1, "loop or previous error loading module '" + std::string(name->view()) + "'");
    }
    push(L, have);
    return 1;
  }
  TValue loader = find_loader(L, name);
  loaded->set_str(g, name, loading_sentinel());
  TValue result = call_with(L, loader, TValue::string(name));
  if (!result.is_nil()) loaded->set_str(g, name, result);
  TValue stored = loaded->get_str(name);
  if (stored.raw_equals(loading_sentinel())) {
    stored = TValue::boolean(true);
    loaded->set_str(g, name, stored);
  }
  push(L, stored);
  return 1;
}

// -- package functions -------------------------------------------------------------------

// package.searchpath(name, path [, sep [, rep]]) -> file | nil, tried.
int package_searchpath(Thread* L) {
  std::string name(check_string(L, 1)->view());
  std::string path(check_string(L, 2)->view());
  std::string sep = arg(L, 3).is_nil() ? "." : std::string(check_string(L, 3)->view());
  std::string rep = arg(L, 4).is_nil() ? "/" : std::string(check_string(L, 4)->view());
  std::string tried;
  std::string file = search_path(name, path, sep, rep, &tried);
  if (!file.empty()) {
    push(L, str(L, file));
    return 1;
  }
  push(L, TValue::nil());
  push(L, str(L, tried));
  return 2;
}

// package.loadlib(path, init) -> nil, message, "absent": no C libraries.
int package_loadlib(Thread* L) {
  check_string(L, 1);
  check_string(L, 2);
  push(L, TValue::nil());
  push(L, str(L, kNoDynamicLibraries));
  push(L, str(L, "absent"));
  return 3;
}

// package.seeall(module): globals visible through the module's __index.
int package_seeall(Thread* L) {
  vm::GlobalState& g = *L->global;
  Table* module = check_table(L, 1);
  Table* mt = module->metatable;
  if (!mt) {
    mt = g.new_table(0, 1);
    module->set_metatable(g, mt);
  }
  mt->set_str(g, g.intern("__index"), TValue::table(L->env ? L->env : g.globals()));
  return 0;
}

// The table at dotted `path` from root, created where missing; null if a
// part holds something else than a table (luaL_findtable).
Table* find_table(Thread* L, Table* root, std::string_view path) {
  vm::GlobalState& g = *L->global;
  Table* t = root;
  for (;;) {
    size_t dot = path.find('.');
    String* part = g.intern(path.substr(0, dot));
    TValue next = t->get_str(part);
    if (next.is_nil()) {
      Table* created = g.new_table(0, dot == std::string_view::npos ? 16 : 1);
      t->set_str(g, part, TValue::table(created));
      next = TValue::table(created);
    } else if (!next.is_table()) {
      return nullptr;
    }
    t = next.as_table();
    if (dot == std::string_view::npos) return t;
    path.remove_prefix(dot + 1);
  }
}

// The module table of module(name): package.loaded[name], else the global
// at the dotted name (created), remembered in package.loaded.
Table* module_table(Thread* L, String* name) {
  Vm& vm = Vm::of(L);
  vm::GlobalState& g = vm.global();
  Table* loaded = package_table_field(L, "loaded");
  TValue have = loaded->get_str(name);
  if (have.is_table()) return have.as_table();
  Table* t = find_table(L, L->env ? L->env : g.globals(), name->view());
  if (!t) vm.error_at(L, 1, "name conflict for module '" + std::string(name->view()) + "'");
  loaded->set_str(g, name, TValue::table(t));
  return t;
}

// _M, _NAME and _PACKAGE (the name up to its last dot, dot included).
void init_module(Thread* L, Table* module, String* name) {
  vm::GlobalState& g = *L->global;
  std::string_view text = name->view();
  size_t dot = text.rfind('.');
  module->set_str(g, g.intern("_M"), TValue::table(module));
  module->set_str(g, g.intern("_NAME"), TValue::string(name));
  module->set_str(g, g.intern("_PACKAGE"), str(L, dot == std::string_view::npos ? "" : text.substr(0, dot + 1)));
}

// module(name, ...): makes the module table the caller's environment and
// applies each option function (package.seeall) to it.
int package_module(Thread* L) {
  Vm& vm = Vm::of(L);
  vm::GlobalState& g = vm.global();
  String* name = check_string(L, 1);
  int nargs = arg_count(L);
  Table* module = module_table(L, name);
  TValue module_value = TValue::table(module);
  push(L, module_value);  // rooted
  if (module->get_str(g.intern("_NAME")).is_nil()) init_module(L, module, name);
  std::vector<interp::FrameInfo> frames = interp::thread_frames(L);
  if (frames.size() < 2 || frames[1].function()->is_c()) vm.error_at(L, 1, "'module' not called from a Lua function");
  Function* caller = frames[1].function();
  caller->env = module;
  g.barrier_forward(vm::as_object(caller), vm::as_object(module));
  for (int i = 2; i <= nargs; i++) call_with(L, L->base[i - 1], module_value);
  return 0;
}

// -- Preloaded LuaJIT extensions --------------------------------------------------------

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

// -- Opening ---------------------------------------------------------------------------------

// A search path from the environment: ";;" stands for the default.
std::string path_from_environment(const char* variable, const char* fallback) {
  const char* value = std::getenv(variable);
  if (!value) return fallback;
  return replace_all(replace_all(value, ";;", ";\1;"), "\1", fallback);
}

// A package function: C, with the package table as its environment.
void set_package_function(Vm& vm, Table* package, Table* t, const char* name, vm::CFunction f) {
  vm::GlobalState& g = vm.global();
  Function* fn = g.new_c_function(f, 0, package);
  t->set_str(g, g.intern(name), TValue::function(fn));
}

}  // namespace

void open_package(Vm& vm) {
  vm::GlobalState& g = vm.global();
  Table* package = new_library(vm, "package");
  Table* loaded = g.new_table(0, 4);
  Table* preload = g.new_table(0, 2);
  Table* loaders = g.new_table(5, 0);
  package->set_str(g, g.intern("loaded"), TValue::table(loaded));
  g.registry()->set_str(g, g.intern("_LOADED"), TValue::table(loaded));
  package->set_str(g, g.intern("preload"), TValue::table(preload));
  package->set_str(g, g.intern("loaders"), TValue::table(loaders));
  package->set_str(g, g.intern("path"), str(g.main_thread(), path_from_environment("LUA_PATH", kDefaultPath)));
  package->set_str(g, g.intern("cpath"), str(g.main_thread(), path_from_environment("LUA_CPATH", kDefaultCPath)));
  package->set_str(g, g.intern("config"), str(g.main_thread(), "/\n;\n?\n!\n-\n"));
  int index = 1;
  for (vm::CFunction loader : {loader_preload, loader_lua, loader_c, loader_croot}) {
    loaders->set_int(g, index++, TValue::function(g.new_c_function(loader, 0, package)));
  }
  set_package_function(vm, package, package, "searchpath", package_searchpath);
  set_package_function(vm, package, package, "loadlib", package_loadlib);
  set_package_function(vm, package, package, "seeall", package_seeall);
  set_package_function(vm, package, g.globals(), "require", lib_require);
  set_package_function(vm, package, g.globals(), "module", package_module);
  // Every library opened so far counts as loaded, _G too.
  for (const char* lib : {"string", "table", "math", "coroutine", "io", "os", "bit", "jit", "debug", "package"}) {
    TValue t = g.globals()->get_str(g.intern(lib));
    if (!t.is_nil()) loaded->set_str(g, g.intern(lib), t);
  }
  loaded->set_str(g, g.intern("_G"), TValue::table(g.globals()));
  set_function(vm, preload, "table.new", open_table_function<table_new>);
  set_function(vm, preload, "table.clear", open_table_function<table_clear>);
}

}  // namespace lj::lib
