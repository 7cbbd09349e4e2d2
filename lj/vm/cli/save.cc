// `ljit -b`: luajit's bcsave for Lua input: list (-l) or save bytecode as
// raw bytes or a C array (-t c / -t h), stripped unless -g (docs/cli.md).
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lj/vm/bc/bc.h"
#include "lj/vm/bcsave/bcsave.h"
#include "lj/vm/cli/cli.h"
#include "lj/vm/object/state.h"
#include "lj/vm/parse/parser.h"

namespace lj::cli {

namespace {

void PrintSaveUsage() {
  std::fprintf(stderr,
               "Save LuaJIT bytecode: %s -b[options] input output\n"
               "  -l        Only list bytecode.\n"
               "  -s        Strip debug info (default).\n"
               "  -g        Keep debug info.\n"
               "  -n name   Set module name (default: auto-detect from input name).\n"
               "  -t type   Set output file type (default: auto-detect from output name).\n"
               "  -a arch   Override architecture for object files (default: native).\n"
               "  -o os     Override OS for object files (default: native).\n"
               "  -e chunk  Use chunk string as input.\n"
               "  --        Stop handling options.\n"
               "  -         Use stdin as input and/or stdout as output.\n"
               "\n"
               "File types: c h obj o raw (default)\n",
               kProgram);
}

// What follows -b, parsed as bcsave.lua parses it.
struct SaveOptions {
  bool list = false;
  bool strip = true;
  std::string modname;  // empty: derived from the input name
  std::string type;     // empty: derived from the output name
  std::optional<std::string> chunk;  // -e
  std::vector<std::string> files;
};

// Output types by name or file extension (bcsave's map_type).
std::optional<std::string> OutputType(std::string name) {
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (name == "raw" || name == "c" || name == "h") return name;
  if (name == "o" || name == "obj") return "obj";
  return std::nullopt;
}

// The type an output name implies: its letters-only extension, else raw.
std::string DetectType(const std::string& output) {
  size_t dot = output.rfind('.');
  if (dot == std::string::npos || dot + 1 == output.size()) return "raw";
  std::string ext = output.substr(dot + 1);
  for (char c : ext) {
    if (!std::isalpha(static_cast<unsigned char>(c))) return "raw";
  }
  return OutputType(ext).value_or("raw");
}

bool IsModnameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
}

// '.' and '-' become '_' in the C symbol.
std::string SymbolOf(std::string name) {
  for (char& c : name) {
    if (c == '.' || c == '-') c = '_';
  }
  return name;
}

// The module name from the input path: the file name without its last
// extension, up to the first character a module name cannot have.
std::string DetectModname(const std::string& input) {
  std::string tail = input.substr(input.find_last_of("/\\") + 1);
  size_t dot = tail.rfind('.');
  if (dot != std::string::npos) tail.erase(dot);
  size_t end = 0;
  while (end < tail.size() && IsModnameChar(tail[end])) end++;
  return SymbolOf(tail.substr(0, end));
}

// nullopt: usage error; otherwise the options (error set for a bad value).
std::optional<SaveOptions> ParseSaveOptions(const std::vector<std::string>& args, std::string* error) {
  SaveOptions o;
  bool options_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (options_done || a.size() < 2 || a[0] != '-') {
      o.files.push_back(a);
      continue;
    }
    if (a == "--") {
      options_done = true;
      continue;
    }
    for (size_t k = 1; k < a.size(); ++k) {
      char opt = a[k];
      if (opt == 'l') { o.list = true; continue; }
      if (opt == 's') { o.strip = true; continue; }
      if (opt == 'g') { o.strip = false; continue; }
      // The rest take the next argument and must end the option word.
      if (k + 1 != a.size() || i + 1 >= args.size()) return std::nullopt;
      std::string value = args[++i];
      if (opt == 'e') {
        if (!o.files.empty() || o.chunk) return std::nullopt;
        o.chunk = value;
      } else if (opt == 'n') {
        bool ok = !value.empty();
        for (char c : value) ok = ok && IsModnameChar(c);
        if (!ok) *error = "bad module name";
        o.modname = SymbolOf(value);
      } else if (opt == 't') {
        std::optional<std::string> type = OutputType(value);
        if (!type) *error = "unknown file type";
        o.type = type.value_or("");
      } else if (opt != 'a' && opt != 'o') {  // -a/-o only matter for objects
        return std::nullopt;
      }
      if (!error->empty()) return o;
    }
  }
  return o;
}

bool WriteOutput(const std::string& path, const std::string& bytes, std::string* error) {
  if (path == "-") {
    std::fwrite(bytes.data(), 1, bytes.size(), stdout);
    return std::fflush(stdout) == 0;
  }
  FILE* out = std::fopen(path.c_str(), "wb");
  if (out == nullptr) {
    *error = "cannot open " + path + ": " + std::strerror(errno);
    return false;
  }
  std::fwrite(bytes.data(), 1, bytes.size(), out);
  return std::fclose(out) == 0;
}

// The dump as bcsave writes a C source (-t c) or header (-t h): decimal
// bytes, a line broken before it would pass 78 characters.
std::string AsCArray(const std::string& dump, const std::string& type, const std::string& symbol) {
  std::string out;
  if (type == "c") {
    out = "#ifdef __cplusplus\nextern \"C\"\n#endif\n#ifdef _WIN32\n__declspec(dllexport)\n#endif\n"
          "const unsigned char luaJIT_BC_" + symbol + "[] = {\n";
  } else {
    out = "#define luaJIT_BC_" + symbol + "_SIZE " + std::to_string(dump.size()) +
          "\nstatic const unsigned char luaJIT_BC_" + symbol + "[] = {\n";
  }
  size_t width = 0;
  std::string line;
  for (unsigned char byte : dump) {
    std::string b = std::to_string(byte);
    width += b.size() + 1;
    if (width > 78) {
      out += line + ",\n";
      line.clear();
      width = b.size() + 1;
    }
    if (!line.empty()) line += ",";
    line += b;
  }
  return out + line + "\n};\n";
}

// The input's source text and chunk name as luajit's loadfile/loadstring
// would name it.
bool ReadInput(const SaveOptions& o, std::string* source, std::string* chunkname, std::string* error) {
  if (o.chunk) {
    *source = *o.chunk;
    *chunkname = *o.chunk;
    return true;
  }
  std::optional<std::string> text = ReadSource(o.files[0], error);
  if (!text) return false;
  *source = std::move(*text);
  *chunkname = o.files[0] == "-" ? "=stdin" : "@" + o.files[0];
  return true;
}

// -l: the listing of parsed source, or of a dump read back.
int List(const std::string& source, const std::string& chunkname, const std::string& out_path) {
  std::shared_ptr<bc::Proto> proto;
  if (bcsave::IsDump(source)) {
    bcsave::ReadResult read = bcsave::Read(source, chunkname);
    if (!read.ok()) return Fail(read.error);
    proto = read.proto;
  } else {
    parse::ParseResult result = parse::Parse(source, chunkname);
    if (!result.ok()) return Fail(result.error().message);
    proto = result.proto();
  }
  std::string error;
  if (!WriteOutput(out_path, bc::ListChunk(*proto), &error)) return error.empty() ? 1 : Fail(error);
  return 0;
}

// Saving loads the chunk as string.dump's input would be (so a dump can be
// re-saved) and dumps its prototype.
int Save(const SaveOptions& o, const std::string& source, const std::string& chunkname) {
  std::string type = o.type.empty() ? DetectType(o.files.back()) : o.type;
  std::string modname = o.modname;
  if (type != "raw" && modname.empty()) {
    if (o.chunk || (modname = DetectModname(o.files[0])).empty()) {
      return Fail("cannot derive module name, use -n name");
    }
  }
  if (type == "obj") return Fail("object file output is not supported: use -t c or -t h");
  vm::GlobalState g;
  interp::Vm vm(g);
  vm::Function* fn;
  try {
    fn = vm.load(source, chunkname, g.globals());
  } catch (const vm::LuaError& e) {
    return Fail(std::string(vm.to_string_raw(e.value())->view()));
  }
  std::string dump = bcsave::Write(*bcsave::FromGc(*fn->proto()), o.strip);
  if (type != "raw") dump = AsCArray(dump, type, modname);
  std::string error;
  if (!WriteOutput(o.files.back(), dump, &error)) return error.empty() ? 1 : Fail(error);
  return 0;
}

}  // namespace

int SaveOrList(const std::vector<std::string>& args) {
  std::string error;
  std::optional<SaveOptions> o = ParseSaveOptions(args, &error);
  if (!error.empty()) return Fail(error);
  size_t inputs = o && o->chunk ? 0 : 1;
  bool usage = !o || (o->list ? o->files.size() < inputs || o->files.size() > inputs + 1
                              : o->files.size() != inputs + 1);
  if (usage) {
    PrintSaveUsage();
    return 1;
  }
  std::string source, chunkname;
  if (!ReadInput(*o, &source, &chunkname, &error)) return Fail(error);
  if (o->list) return List(source, chunkname, o->files.size() > inputs ? o->files.back() : "-");
  return Save(*o, source, chunkname);
}

}  // namespace lj::cli
