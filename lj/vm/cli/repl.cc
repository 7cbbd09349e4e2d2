// The interactive loop (`ljit -i`, or no script with a terminal), as
// luajit's dotty: "> " prompts a statement, ">> " continues one the
// parser found incomplete, "=expr" prints the expression's values, errors
// are reported without the program name and the session goes on. Prompts
// go to stdout even when stdin is not a terminal, as luajit's do.
#include <cstdio>
#include <string>

#include "lj/vm/cli/cli.h"
#include "lj/vm/object/state.h"

namespace lj::cli {

namespace {

constexpr const char* kPrompt = "> ";
constexpr const char* kContinuation = ">> ";
constexpr const char* kChunkname = "=stdin";

// One line from stdin without its newline; false at end of input.
bool ReadLine(const char* prompt, std::string* line) {
  std::fputs(prompt, stdout);
  std::fflush(stdout);
  line->clear();
  int c;
  while ((c = std::fgetc(stdin)) != EOF && c != '\n') line->push_back(static_cast<char>(c));
  return c != EOF || !line->empty();
}

// A syntax error at the end of the input means "keep reading" (luajit
// checks that the message ends in '<eof>').
bool IsIncomplete(const std::string& message) {
  static constexpr std::string_view kEof = "'<eof>'";
  return message.size() >= kEof.size() && message.compare(message.size() - kEof.size(), kEof.size(), kEof) == 0;
}

std::string MessageOf(interp::Vm& vm, vm::TValue error) {
  if (error.is_string() || error.is_number()) return std::string(vm.to_string_raw(error)->view());
  return "";
}

// Reads and compiles one statement, continuing lines while it is
// incomplete. Null at end of input; a syntax error is reported and
// compiles as nothing.
bool CompileStatement(interp::Vm& vm, vm::Function** fn) {
  std::string chunk;
  if (!ReadLine(kPrompt, &chunk)) return false;
  if (!chunk.empty() && chunk[0] == '=') chunk = "return " + chunk.substr(1);
  vm::GlobalState& g = vm.global();
  for (;;) {
    try {
      *fn = vm.load(chunk, kChunkname, g.globals());
      return true;
    } catch (const vm::LuaError& e) {
      std::string line;
      if (!IsIncomplete(MessageOf(vm, e.value()))) {
        ReportError(vm, e.value(), "", nullptr);
        *fn = nullptr;
        return true;
      }
      if (!ReadLine(kContinuation, &line)) return false;
      chunk += "\n" + line;
    }
  }
}

// Calls the global print with the statement's results, as luajit does.
void PrintResults(interp::Vm& vm, vm::Thread* L, vm::TValue* results) {
  vm::GlobalState& g = vm.global();
  ptrdiff_t count = L->top - results;
  for (ptrdiff_t i = count; i-- > 0;) results[i + 2] = results[i];
  results[0] = g.globals()->get_str(g.intern("print"));
  L->top = results + 2 + count;
  std::string traceback;
  ptrdiff_t offset = results - L->stack;
  if (!vm.pcall(L, results, 0, &traceback)) {
    results = L->stack + offset;
    std::fprintf(stderr, "error calling 'print' (%s)\n", MessageOf(vm, *results).c_str());
    std::fflush(stderr);
  }
}

// Runs a compiled statement; its values (from "=expr" or "return") are
// printed, an error is reported with its traceback.
void RunStatement(interp::Vm& vm, vm::Function* fn) {
  vm::GlobalState& g = vm.global();
  vm::Thread* L = g.main_thread();
  if (L->top + 30 > L->maxstack) L->grow_stack(g, 30);
  vm::TValue* f = L->top;
  f[0] = vm::TValue::function(fn);
  L->top = f + 2;
  std::string traceback;
  ptrdiff_t offset = f - L->stack;
  bool ok = vm.pcall(L, f, -1, &traceback);
  f = L->stack + offset;
  if (!ok) {
    ReportError(vm, *f, traceback, nullptr);
  } else if (L->top > f) {
    if (L->top + 3 > L->maxstack) L->grow_stack(g, 3);
    PrintResults(vm, L, L->stack + offset);
  }
  L->top = L->stack + offset;
}

}  // namespace

void PrintJitStatus(interp::Vm& vm) {
  vm::GlobalState& g = vm.global();
  vm::Thread* L = g.main_thread();
  vm::TValue jit = g.globals()->get_str(g.intern("jit"));
  if (!jit.is_table()) return;
  if (L->top + 30 > L->maxstack) L->grow_stack(g, 30);
  vm::TValue* f = L->top;
  ptrdiff_t offset = f - L->stack;
  f[0] = jit.as_table()->get_str(g.intern("status"));
  L->top = f + 2;
  std::string traceback;
  if (!vm.pcall(L, f, -1, &traceback)) {
    L->top = L->stack + offset;
    return;
  }
  f = L->stack + offset;
  std::string line = f < L->top && f[0].is_truthy() ? "JIT: ON" : "JIT: OFF";
  for (vm::TValue* v = f + 1; v < L->top; v++) {
    if (v->is_string()) line += " " + std::string(v->as_string()->view());
  }
  L->top = f;
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

void Repl(interp::Vm& vm) {
  vm::Function* fn;
  while (CompileStatement(vm, &fn)) {
    if (fn != nullptr) RunStatement(vm, fn);
  }
  std::fputs("\n", stdout);
  std::fflush(stdout);
}

}  // namespace lj::cli
