// The `ljit` command line. For now it implements luajit's bytecode listing
// (-bl); running programs arrives with the interpreter (issue 3).
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "lj/vm/bc/bc.h"
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
  return Fail("running Lua programs is not implemented yet (issue 3)");
}

}  // namespace lj::cli

int main(int argc, char** argv) { return lj::cli::Main(argc, argv); }
