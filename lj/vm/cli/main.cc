// The `ljit` command line: luajit's bytecode listing (-bl) and running
// programs (`ljit [options] [script [args]]`, -e chunk, -v, `-` for stdin)
// on the interpreter, with uncaught errors reported as luajit does.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "lj/vm/bc/bc.h"
#include "lj/vm/interp/vm.h"
#include "lj/vm/lib/lib.h"
#include "lj/vm/object/state.h"
#include "lj/vm/parse/parser.h"

namespace lj::cli {

namespace {

constexpr const char* kProgram = "ljit";

void PrintSaveUsage() {
  std::fprintf(stderr,
               "Save LuaJIT bytecode: %s -b[options] input output\n"
               "  -l        Only list bytecode.\n"
               "  -e chunk  Use chunk string as input.\n"
               "  --        Stop handling options.\n"
               "  -         Use stdin as input and/or stdout as output.\n",
               kProgram);
}

// Reads a whole file ("-" is stdin); the error text is luajit's.
std::optional<std::string> ReadSource(const std::string& path,
                                      std::string* error) {
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

int Fail(const std::string& message) {
  std::fprintf(stderr, "%s: %s\n", kProgram, message.c_str());
  return 1;
}

// -b[l] [options] input [output]: list (or, later, save) bytecode.
int SaveOrList(const std::vector<std::string>& args, bool list) {
  std::vector<std::string> files;
  std::optional<std::string> chunk_text;
  bool options_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (!options_done && a.size() > 1 && a[0] == '-') {
      if (a == "--") {
        options_done = true;
        continue;
      }
      for (size_t k = 1; k < a.size(); ++k) {
        char opt = a[k];
        if (opt == 'l') {
          list = true;
        } else if (opt == 's' || opt == 'g') {
          // Debug info options do not change a listing.
        } else if (opt == 'e' && i + 1 < args.size()) {
          chunk_text = args[++i];
        } else {
          PrintSaveUsage();
          return 1;
        }
      }
      continue;
    }
    files.push_back(a);
  }
  size_t want = chunk_text ? 0 : 1;
  if (files.size() < want || files.size() > want + 1) {
    PrintSaveUsage();
    return 1;
  }
  if (!list) return Fail("saving bytecode is not implemented yet (issue 3)");
  std::string source, chunkname;
  if (chunk_text) {
    source = *chunk_text;
    chunkname = "=(command line)";
  } else {
    std::string error;
    std::optional<std::string> text = ReadSource(files[0], &error);
    if (!text) return Fail(error);
    source = std::move(*text);
    chunkname = files[0] == "-" ? "=stdin" : "@" + files[0];
  }
  parse::ParseResult result = parse::Parse(source, chunkname);
  if (!result.ok()) return Fail(result.error().message);
  std::string listing = bc::ListChunk(*result.proto());
  std::string out_path = files.size() > want ? files.back() : "-";
  if (out_path == "-") {
    std::fwrite(listing.data(), 1, listing.size(), stdout);
    return std::fflush(stdout) == 0 ? 0 : 1;
  }
  FILE* out = std::fopen(out_path.c_str(), "wb");
  if (out == nullptr) {
    return Fail("cannot open " + out_path + ": " + std::strerror(errno));
  }
  std::fwrite(listing.data(), 1, listing.size(), out);
  return std::fclose(out) == 0 ? 0 : 1;
}

// Reports an uncaught error as luajit does: a string (or an object with
// __tostring) with the traceback, "(error object is not a string)" for
// other objects, nothing for nil.
int ReportError(interp::Vm& vm, vm::TValue error, const std::string& traceback) {
  std::fflush(stdout);
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
  std::fprintf(stderr, "%s: %s\n", kProgram, msg.c_str());
  if (with_traceback && !traceback.empty()) std::fprintf(stderr, "%s\n", traceback.c_str());
  std::fflush(stderr);
  return 1;
}

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

// ljit [options] [script [args]]: runs -e chunks and the script.
int RunPrograms(const std::vector<std::string>& args) {
  vm::GlobalState g;
  interp::Vm vm(g);
  lib::open_all(vm);
  size_t i = 0;
  bool ran_something = false;
  for (; i < args.size(); i++) {
    const std::string& a = args[i];
    if (a == "--") {
      i++;
      break;
    }
    if (a == "-e" && i + 1 < args.size()) {
      int status = RunChunk(vm, args[i + 1], "=(command line)", {});
      if (status) return status;
      ran_something = true;
      i++;
      continue;
    }
    if (a == "-v") {
      std::printf("LuaJIT 2.1.0-beta3 -- ljit (lj project)\n");
      ran_something = true;
      continue;
    }
    if (a.size() > 1 && a[0] == '-' && a != "-") {
      return Fail("unrecognized option '" + a + "'");
    }
    break;
  }
  if (i >= args.size()) {
    std::fflush(stdout);
    return ran_something ? 0 : Fail("the interactive mode is not implemented yet (issue 3)");
  }
  const std::string& script = args[i];
  std::vector<std::string> script_args(args.begin() + static_cast<long>(i) + 1, args.end());
  // The arg table: script at 0, options before it negative.
  vm::Table* arg = g.new_table(static_cast<uint32_t>(script_args.size() + 1), 0);
  for (size_t k = 0; k < args.size(); k++) {
    arg->set_int(g, static_cast<int64_t>(k) - static_cast<int64_t>(i), vm::TValue::string(g.intern(args[k])));
  }
  arg->set_int(g, -static_cast<int64_t>(i) - 1, vm::TValue::string(g.intern(kProgram)));
  g.globals()->set_str(g, g.intern("arg"), vm::TValue::table(arg));
  std::string error;
  std::optional<std::string> text = ReadSource(script, &error);
  if (!text) return Fail(error);
  // A first line starting with '#' (shebang) is skipped.
  if (!text->empty() && (*text)[0] == '#') {
    size_t nl = text->find('\n');
    text->replace(0, nl == std::string::npos ? text->size() : nl, "");
  }
  int status = RunChunk(vm, *text, script == "-" ? "=stdin" : "@" + script, script_args);
  std::fflush(stdout);
  return status;
}

}  // namespace

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args[0].rfind("-b", 0) == 0) {
    std::string first = args[0].substr(2);
    std::vector<std::string> rest(args.begin() + 1, args.end());
    if (!first.empty()) rest.insert(rest.begin(), "-" + first);
    return SaveOrList(rest, false);
  }
  if (args.empty()) {
    return Fail("the interactive mode is not implemented yet (issue 3)");
  }
  return RunPrograms(args);
}

}  // namespace lj::cli

int main(int argc, char** argv) { return lj::cli::Main(argc, argv); }
