// The `ljit` command line, as luajit's: bytecode saving and listing (-b,
// save.cc), the interactive loop (-i, repl.cc) and running programs
// (`ljit [options] [script [args]]` with -e, -l, -j, -O, -v, -E, --, `-`, LUA_INIT, the arg table) on the interpreter, with
// uncaught errors and exit statuses as luajit reports them (docs/cli.md).
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

#include "lj/vm/cli/cli.h"
#include "lj/vm/interp/vm.h"
#include "lj/vm/lib/lib.h"
#include "lj/vm/object/state.h"

namespace lj::cli {

// Reads a whole file ("-" is stdin); the error text is luajit's.
std::optional<std::string> ReadSource(const std::string& path, std::string* error) {
  FILE* fp = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (fp == nullptr) {
    *error = "cannot open " + path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  std::string text;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, fp)) > 0) text.append(buf, n);
  bool failed = std::ferror(fp);
  int saved_errno = errno;
  if (fp != stdin) std::fclose(fp);
  if (failed) {
    *error = "cannot read " + path + ": " + std::strerror(saved_errno);
    return std::nullopt;
  }
  return text;
}

namespace {
const char* program_name = kProgram;
}  // namespace

const char* ProgramName() { return program_name; }

void SetProgramName(const char* argv0) {
  if (argv0 && *argv0) program_name = argv0;
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "%s: %s\n", ProgramName(), message.c_str());
  return 1;
}

// Reports an uncaught error as luajit does: a string (or an object with
// __tostring) with the traceback, "(error object is not a string)" for
// other objects, nothing for nil.
int ReportError(interp::Vm& vm, vm::TValue error, const std::string& traceback, const char* program) {
  // stdout is not flushed first: on a shared pipe luajit's message comes
  // before output still buffered.
  if (error.is_nil()) return 1;
  std::string msg;
  bool with_traceback = true;
  if (error.is_string() || error.is_number()) {
    msg = std::string(vm.to_string_raw(error)->view());
  } else if (!vm.metamethod(error, vm::Metamethod::ToString).is_nil()) {
    try {
      msg = std::string(vm.to_string(vm.global().main_thread(), error)->view());
    } catch (const vm::LuaError&) {
      msg = "(error object is not a string)";
      with_traceback = false;
    }
  } else {
    msg = "(error object is not a string)";
    with_traceback = false;
  }
  if (program != nullptr) std::fprintf(stderr, "%s: ", program);
  std::fprintf(stderr, "%s\n", msg.c_str());
  if (with_traceback && !traceback.empty()) std::fprintf(stderr, "%s\n", traceback.c_str());
  std::fflush(stderr);
  return 1;
}

namespace {

// Compiles and runs one chunk on the main thread with args as its varargs.
int RunChunk(interp::Vm& vm, std::string_view source, const std::string& chunkname,
             const std::vector<std::string>& args) {
  vm::GlobalState& g = vm.global();
  vm::Thread* L = g.main_thread();
  vm::Function* fn;
  try {
    fn = vm.load(source, chunkname, g.globals());
  } catch (const vm::LuaError& e) {
    return ReportError(vm, e.value(), "");
  }
  if (L->top + args.size() + 30 > L->maxstack) L->grow_stack(g, static_cast<uint32_t>(args.size() + 30));
  vm::TValue* f = L->top;
  f[0] = vm::TValue::function(fn);
  L->top = f + 2;
  for (const std::string& a : args) *L->top++ = vm::TValue::string(g.intern(a));
  std::string traceback;
  ptrdiff_t f_offset = f - L->stack;
  bool ok = vm.pcall(L, f, 0, &traceback);
  f = L->stack + f_offset;  // the stack may have moved
  if (!ok) {
    int status = ReportError(vm, *f, traceback);
    L->top = f;
    return status;
  }
  L->top = f;
  return 0;
}

void PrintUsage() {
  std::fprintf(stderr,
               "usage: %s [options]... [script [args]...].\n"
               "Available options are:\n"
               "  -e chunk  Execute string 'chunk'.\n"
               "  -l name   Require library 'name'.\n"
               "  -b ...    Save or list bytecode.\n"
               "  -j cmd    Perform LuaJIT control command.\n"
               "  -O[opt]   Control LuaJIT optimizations.\n"
               "  -i        Enter interactive mode after executing 'script'.\n"
               "  -v        Show version information.\n"
               "  -E        Ignore environment variables.\n"
               "  --        Stop handling options.\n"
               "  -         Execute stdin and stop handling options.\n",
               ProgramName());
  std::fflush(stderr);
}

// An option that runs in command-line order: -e, -l, -j or -O.
struct Action {
  char kind;
  std::string text;
};

// What luajit's collectargs finds: actions in order, switches, and where
// the script is (args.size() when there is none).
struct Options {
  std::vector<Action> actions;
  bool interactive = false;
  bool version = false;
  bool executes = false;  // some -e: no stdin fallback
  bool ignore_env = false;
  size_t script = 0;
};

// Parses options as luajit does; nullopt means a usage error.
std::optional<Options> ParseOptions(const std::vector<std::string>& args) {
  Options o;
  size_t i = 0;
  for (; i < args.size(); i++) {
    const std::string& a = args[i];
    if (a.size() < 1 || a[0] != '-') break;
    if (a == "-") break;  // the script is stdin
    if (a.rfind("--", 0) == 0) {
      if (a.size() != 2) return std::nullopt;
      i++;
      break;
    }
    char opt = a[1];
    bool tail = a.size() > 2;
    switch (opt) {
      case 'i': if (tail) return std::nullopt; o.interactive = o.version = true; break;
      case 'v': if (tail) return std::nullopt; o.version = true; break;
      case 'E': if (tail) return std::nullopt; o.ignore_env = true; break;
      case 'O': o.actions.push_back({'O', a.substr(2)}); break;
      case 'e': case 'l': case 'j': {
        std::string value;
        if (tail) {
          value = a.substr(2);
        } else {
          if (++i >= args.size()) return std::nullopt;
          value = args[i];
        }
        if (opt == 'e') o.executes = true;
        o.actions.push_back({opt, value});
        break;
      }
      default: return std::nullopt;  // including -b after other options
    }
  }
  o.script = i;
  return o;
}

// The global `arg`: the script at 0, everything before it (and the program
// name) at negative indices, its arguments from 1.
void SetArgTable(vm::GlobalState& g, const std::vector<std::string>& args, size_t script) {
  vm::Table* arg = g.new_table(static_cast<uint32_t>(args.size() > script ? args.size() - script : 0), 0);
  for (size_t k = 0; k < args.size(); k++) {
    arg->set_int(g, static_cast<int64_t>(k) - static_cast<int64_t>(script), vm::TValue::string(g.intern(args[k])));
  }
  arg->set_int(g, -static_cast<int64_t>(script) - 1, vm::TValue::string(g.intern(ProgramName())));
  g.globals()->set_str(g, g.intern("arg"), vm::TValue::table(arg));
}

// Runs a file ("-" or "" is stdin) with args as its varargs.
int RunFile(interp::Vm& vm, const std::string& path, const std::vector<std::string>& args) {
  std::string error;
  bool is_stdin = path.empty() || path == "-";
  std::optional<std::string> text = ReadSource(is_stdin ? "-" : path, &error);
  if (!text) return Fail(error);
  // A first line starting with '#' (shebang) is skipped. A dump after it
  // is refused, unnamed, as luajit does: it would slip past the check
  // of the first byte that tells bytecode from source.
  if (!text->empty() && (*text)[0] == '#') {
    size_t nl = text->find('\n');
    text->replace(0, nl == std::string::npos ? text->size() : nl, "");
    if (text->size() > 1 && (*text)[1] == '\x1b') return Fail("cannot load malformed bytecode");
  }
  return RunChunk(vm, *text, is_stdin ? "=stdin" : "@" + path, args);
}

// -l name: require(name) called from the host, as luajit does (so its
// errors carry no Lua position).
int RequireLibrary(interp::Vm& vm, const std::string& name) {
  vm::GlobalState& g = vm.global();
  vm::Thread* L = g.main_thread();
  if (L->top + 30 > L->maxstack) L->grow_stack(g, 30);
  vm::TValue* f = L->top;
  f[0] = g.globals()->get_str(g.intern("require"));
  f[2] = vm::TValue::string(g.intern(name));
  L->top = f + 3;
  std::string traceback;
  ptrdiff_t f_offset = f - L->stack;
  bool ok = vm.pcall(L, f, 0, &traceback);
  f = L->stack + f_offset;
  int status = ok ? 0 : ReportError(vm, *f, traceback);
  L->top = f;
  return status;
}

// -O[opt,opt...]: each piece is a jit.opt.start argument; none resets.
int ApplyOptimizationOptions(interp::Vm& vm, const std::string& list) {
  if (list.empty()) {
    vm.reset_jit_flags();
    return 0;
  }
  size_t from = 0;
  while (from <= list.size()) {
    size_t comma = list.find(',', from);
    std::string piece = list.substr(from, comma == std::string::npos ? std::string::npos : comma - from);
    if (!vm.apply_jit_option(piece)) return Fail("unknown or malformed optimization flag '" + piece + "'");
    if (comma == std::string::npos) break;
    from = comma + 1;
  }
  return 0;
}

// -j cmd[=args]: on, off and flush act on the VM; the jit.* tool modules
// (v, dump, p, ...) need the trace compiler, which does not exist yet.
int JitCommand(interp::Vm& vm, const std::string& command) {
  std::string name = command.substr(0, command.find('='));
  if (name == "on" || name == "off") {
    vm.set_jit_enabled(name == "on");
    return 0;
  }
  if (name == "flush") return 0;  // no traces to flush
  if (name == "v" || name == "dump" || name == "p" || name == "bc") {
    return Fail("-j" + name + " is not supported yet: it needs the trace compiler");
  }
  return Fail("unknown luaJIT command or jit.* modules not installed");
}

// LUA_INIT: "@file" runs the file, anything else is a chunk named LUA_INIT.
int RunLuaInit(interp::Vm& vm) {
  const char* init = std::getenv("LUA_INIT");
  if (init == nullptr) return 0;
  if (init[0] == '@') return RunFile(vm, init + 1, {});
  return RunChunk(vm, init, "=LUA_INIT", {});
}

// luajit prints its copyright line here; we name ourselves after the
// version we reproduce (jit.version says "LuaJIT 2.1.0-beta3" too).
void PrintVersion() {
  std::printf("LuaJIT 2.1.0-beta3 -- ljit (lj project)\n");
  std::fflush(stdout);
}

// ljit [options] [script [args]]: luajit's order — version, LUA_INIT, the
// -e/-l/-j/-O actions in command-line order, then the script (or stdin).
int RunPrograms(const std::vector<std::string>& args) {
  std::optional<Options> options = ParseOptions(args);
  if (!options) {
    PrintUsage();
    return 1;
  }
  vm::GlobalState g;
  interp::Vm vm(g);
  lib::open_all(vm);
  SetArgTable(g, args, options->script);
  if (options->version) PrintVersion();
  if (!options->ignore_env) {
    if (int status = RunLuaInit(vm)) return status;
  }
  for (const Action& action : options->actions) {
    int status = 0;
    switch (action.kind) {
      case 'e': status = RunChunk(vm, action.text, "=(command line)", {}); break;
      case 'l': status = RequireLibrary(vm, action.text); break;
      case 'j': status = JitCommand(vm, action.text); break;
      case 'O': status = ApplyOptimizationOptions(vm, action.text); break;
    }
    if (status) return status;
  }
  if (options->script < args.size()) {
    std::vector<std::string> script_args(args.begin() + static_cast<long>(options->script) + 1, args.end());
    if (int status = RunFile(vm, args[options->script], script_args)) return status;
  }
  if (options->interactive) {
    PrintJitStatus(vm);
    Repl(vm);
  } else if (options->script >= args.size() && !options->executes && !options->version) {
    // No script: the interactive loop on a terminal, else stdin as a script.
    if (!isatty(0)) return RunFile(vm, "-", {});
    PrintVersion();
    PrintJitStatus(vm);
    Repl(vm);
  }
  std::fflush(stdout);
  return 0;
}

}  // namespace

int Main(int argc, char** argv) {
  if (argc > 0) SetProgramName(argv[0]);
  std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  if (!args.empty() && args[0].rfind("-b", 0) == 0) {
    std::string first = args[0].substr(2);
    std::vector<std::string> rest(args.begin() + 1, args.end());
    if (!first.empty()) rest.insert(rest.begin(), "-" + first);
    return SaveOrList(rest);
  }
  return RunPrograms(args);
}

}  // namespace lj::cli

int main(int argc, char** argv) { return lj::cli::Main(argc, argv); }
