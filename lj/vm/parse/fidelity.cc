#include "lj/vm/parse/fidelity.h"

#include <algorithm>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "lj/vm/bc/bc.h"
#include "lj/vm/parse/parser.h"

namespace lj::parse {

namespace {

// Runs a command and returns its stdout and stderr.
std::string RunCommand(const std::string& command) {
  std::string out;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  pclose(pipe);
  return out;
}

std::string ShellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}

// A listing split into functions, each a list of lines (header first).
std::vector<std::vector<std::string>> SplitFunctions(const std::string& text) {
  std::vector<std::vector<std::string>> functions;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::StartsWith(line, "-- BYTECODE --")) functions.emplace_back();
    if (!functions.empty() && !line.empty()) functions.back().emplace_back(line);
  }
  return functions;
}

// The mnemonic column of an instruction line ("0003 => ADDVV ...").
std::string OpcodeOf(const std::string& line) {
  if (line.size() < 14 || line.rfind("--", 0) == 0) return line;
  return std::string(absl::StripTrailingAsciiWhitespace(line.substr(8, 6)));
}

bool SameOpcodes(const std::vector<std::string>& a,
                 const std::vector<std::string>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 1; i < a.size(); ++i) {
    if (OpcodeOf(a[i]) != OpcodeOf(b[i])) return false;
  }
  return true;
}

std::string FirstDifference(const std::vector<std::string>& want,
                            const std::vector<std::string>& got) {
  for (size_t i = 0; i < std::max(want.size(), got.size()); ++i) {
    std::string w = i < want.size() ? want[i] : "<missing>";
    std::string g = i < got.size() ? got[i] : "<missing>";
    if (w != g) return absl::StrFormat("luajit: %s | ljit: %s", w, g);
  }
  return "";
}


// -- LuaJIT's bytecode dump (luajit -bg), read back ------------------------
// Gives access to what no listing shows: upvalue descriptors (immutable
// flags), variable names with live ranges, exact constants.

class DumpReader {
 public:
  explicit DumpReader(const std::string& data) : data_(data) {}
  bool ok() const { return ok_; }
  size_t pos() const { return pos_; }
  void Seek(size_t pos) {
    pos_ = pos;
    ok_ = pos <= data_.size();
  }
  uint32_t U8() {
    if (pos_ >= data_.size()) return Fail();
    return static_cast<unsigned char>(data_[pos_++]);
  }
  uint32_t U16() { uint32_t lo = U8(); return lo | (U8() << 8); }
  uint32_t U32() { uint32_t lo = U16(); return lo | (U16() << 16); }
  uint32_t Uleb() {
    uint32_t v = 0;
    for (int shift = 0; ok_ && shift < 35; shift += 7) {
      uint32_t b = U8();
      v |= (b & 0x7f) << shift;
      if (b < 0x80) break;
    }
    return v;
  }
  // LuaJIT's 33-bit variant: the first byte's low bit is a flag.
  uint32_t Uleb33(bool* flag) {
    uint32_t b = U8();
    *flag = b & 1;
    uint32_t v = b >> 1;
    if (v >= 0x40) {
      v &= 0x3f;
      int shift = -1;
      do {
        b = U8();
        v |= (b & 0x7f) << (shift += 7);
      } while (ok_ && b >= 0x80);
    }
    return v;
  }
  std::string Bytes(size_t n) {
    if (pos_ + n > data_.size()) {
      Fail();
      return "";
    }
    std::string out = data_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  std::string CString() {
    size_t end = data_.find('\0', pos_);
    if (end == std::string::npos) return Fail(), "";
    std::string out = data_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return out;
  }

 private:
  uint32_t Fail() {
    ok_ = false;
    return 0;
  }
  const std::string& data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

double NumberFromBits(uint32_t lo, uint32_t hi) {
  uint64_t bits = (static_cast<uint64_t>(hi) << 32) | lo;
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

// A template constant as text, for set comparison.
std::string TemplateText(const bc::TemplateValue& v) {
  if (std::holds_alternative<bc::Nil>(v)) return "nil";
  if (auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (auto* d = std::get_if<double>(&v)) return absl::StrFormat("n%.17g", *d);
  return "s" + std::get<std::string>(v);
}

std::string ReadTemplateValue(DumpReader* r) {
  uint32_t tp = r->Uleb();
  switch (tp) {
    case 0: return "nil";
    case 1: return "false";
    case 2: return "true";
    case 3: return absl::StrFormat("n%.17g", static_cast<double>(static_cast<int32_t>(r->Uleb())));
    case 4: {
      uint32_t lo = r->Uleb();
      return absl::StrFormat("n%.17g", NumberFromBits(lo, r->Uleb()));
    }
    default: return "s" + r->Bytes(tp - 5);
  }
}

// Non-nil entries of a template as sorted "key=value" texts.
std::vector<std::string> TemplateEntries(const bc::TableTemplate& t) {
  std::vector<std::string> out;
  for (size_t i = 0; i < t.array.size(); ++i) {
    if (!std::holds_alternative<bc::Nil>(t.array[i])) {
      out.push_back(absl::StrFormat("n%.17g=", static_cast<double>(i)) + TemplateText(t.array[i]));
    }
  }
  for (const auto& [k, v] : t.hash) {
    if (!std::holds_alternative<bc::Nil>(v)) out.push_back(TemplateText(k) + "=" + TemplateText(v));
  }
  std::sort(out.begin(), out.end());
  return out;
}

void CollectProtos(const bc::Proto& p, std::vector<const bc::Proto*>* out) {
  if (p.flags & bc::kProtoChild) {
    for (const bc::GcConst& k : p.gc_consts) {
      if (auto* child = std::get_if<std::shared_ptr<bc::Proto>>(&k)) CollectProtos(**child, out);
    }
  }
  out->push_back(&p);
}

const char* const kFixedVarNames[] = {"", "(for index)", "(for limit)", "(for step)",
                                      "(for generator)", "(for state)", "(for control)"};

// Compares one dumped prototype with ours; returns "" or the first difference.
std::string CompareDumpedProto(DumpReader* r, const bc::Proto& p) {
  uint32_t flags = r->U8(), numparams = r->U8(), framesize = r->U8(), sizeuv = r->U8();
  uint32_t sizekgc = r->Uleb(), sizekn = r->Uleb(), sizebc = r->Uleb();
  uint32_t sizedbg = r->Uleb();
  uint32_t firstline = sizedbg ? r->Uleb() : 0, numline = sizedbg ? r->Uleb() : 0;
  if (!r->ok()) return "truncated header";
  if (flags != (p.flags & 7u)) return absl::StrFormat("flags %d vs %d", flags, p.flags & 7);
  if (numparams != p.numparams || framesize != p.framesize) return "numparams/framesize";
  if (sizeuv != p.upvalues.size() || sizekgc != p.gc_consts.size() ||
      sizekn != p.num_consts.size() || sizebc + 1 != p.code.size()) {
    return "sizes";
  }
  if (firstline != static_cast<uint32_t>(p.firstline) || numline != static_cast<uint32_t>(p.numline)) {
    return "firstline/numline";
  }
  for (uint32_t pc = 1; pc <= sizebc; ++pc) {
    if (r->U32() != p.code[pc]) return absl::StrFormat("instruction %d", pc);
  }
  for (uint32_t i = 0; i < sizeuv; ++i) {
    uint32_t uv = r->U16();
    if (uv != p.upvalues[i]) return absl::StrFormat("upvalue %d: %#x vs %#x", i, uv, p.upvalues[i]);
  }
  for (uint32_t n = sizekgc; n-- > 0;) {  // Written from the last index down.
    uint32_t tp = r->Uleb();
    const bc::GcConst& k = p.gc_consts[n];
    if (tp == 0) {
      if (!std::holds_alternative<std::shared_ptr<bc::Proto>>(k)) return "kgc child";
    } else if (tp == 1) {
      auto* t = std::get_if<bc::TableTemplate>(&k);
      if (!t) return "kgc table";
      uint32_t narray = r->Uleb(), nhash = r->Uleb();
      std::vector<std::string> entries;
      for (uint32_t i = 0; i < narray; ++i) {
        std::string v = ReadTemplateValue(r);
        if (v != "nil") entries.push_back(absl::StrFormat("n%.17g=", static_cast<double>(i)) + v);
      }
      for (uint32_t i = 0; i < nhash; ++i) {
        std::string key = ReadTemplateValue(r);
        entries.push_back(key + "=" + ReadTemplateValue(r));
      }
      std::sort(entries.begin(), entries.end());
      if (entries != TemplateEntries(*t)) return absl::StrFormat("table template %d", n);
    } else if (tp >= 5) {
      auto* str = std::get_if<std::string>(&k);
      if (!str || *str != r->Bytes(tp - 5)) return absl::StrFormat("string constant %d", n);
    } else {
      return "cdata constant";
    }
  }
  for (uint32_t i = 0; i < sizekn; ++i) {
    bool isnum;
    uint32_t lo = r->Uleb33(&isnum);
    double v = isnum ? NumberFromBits(lo, r->Uleb()) : static_cast<double>(static_cast<int32_t>(lo));
    if (std::memcmp(&v, &p.num_consts[i], sizeof v) != 0) {
      return absl::StrFormat("number constant %d: %.17g vs %.17g", i, v, p.num_consts[i]);
    }
  }
  if (sizedbg == 0) return "";
  size_t width = numline < 256 ? 1 : numline < 65536 ? 2 : 4;
  for (uint32_t pc = 1; pc <= sizebc; ++pc) {
    uint32_t delta = width == 1 ? r->U8() : width == 2 ? r->U16() : r->U32();
    if (static_cast<int32_t>(delta) + p.firstline != p.lines[pc]) return absl::StrFormat("line of pc %d", pc);
  }
  for (uint32_t i = 0; i < sizeuv; ++i) {
    if (r->CString() != p.upvalue_names[i]) return absl::StrFormat("upvalue name %d", i);
  }
  uint32_t startpc = 0;
  for (size_t i = 0;; ++i) {
    uint32_t code = r->U8();
    if (!r->ok()) return "truncated variables";
    if (code == 0) {
      return i == p.vars.size() ? "" : "variable count";
    }
    std::string name;
    if (code < 7) {
      name = kFixedVarNames[code];
    } else {
      name = std::string(1, static_cast<char>(code)) + r->CString();
    }
    startpc += r->Uleb();
    uint32_t endpc = startpc + r->Uleb();
    if (i >= p.vars.size()) return "extra variable " + name;
    const bc::VarInfo& v = p.vars[i];
    if (v.name != name || v.startpc != startpc || v.endpc != endpc) {
      return absl::StrFormat("variable %d: %s [%d,%d) vs %s [%d,%d)", i, name, startpc,
                             endpc, v.name, v.startpc, v.endpc);
    }
  }
}

void CompareDump(const std::string& path, const std::string& luajit,
                 const bc::Proto& ours, FidelityReport* report) {
  std::string dump = RunCommand(
      absl::StrFormat("%s -bg %s - 2>/dev/null", luajit, ShellQuote(path)));
  std::vector<const bc::Proto*> protos;
  CollectProtos(ours, &protos);
  DumpReader r(dump);
  std::string problem;
  if (r.Bytes(4) != std::string("\x1bLJ\x02", 4)) problem = "bad dump header";
  uint32_t flags = r.Uleb();
  if (!(flags & 2)) r.Bytes(r.Uleb());  // Chunk name.
  size_t index = 0;
  for (;;) {
    uint32_t len = r.Uleb();
    if (len == 0 || !r.ok() || !problem.empty()) break;
    size_t start = r.pos();
    if (index >= protos.size()) {
      problem = "more prototypes in the dump";
      break;
    }
    report->dump_functions++;
    std::string diff = CompareDumpedProto(&r, *protos[index]);
    if (diff.empty() && r.pos() != start + len) diff = "prototype length";
    if (diff.empty()) {
      report->dump_matches++;
    } else {
      report->mismatches.push_back(absl::StrFormat(
          "%s: dump of %s: %s", path, bc::ProtoLocation(*protos[index]), diff));
    }
    r.Seek(start + len);  // Continue after this prototype in any case.
    index++;
  }
  if (!problem.empty()) report->mismatches.push_back(path + ": " + problem);
}

void InfoLines(const bc::Proto& p, std::string* out) {
  if (p.flags & bc::kProtoChild) {
    for (const bc::GcConst& k : p.gc_consts) {
      if (auto* child = std::get_if<std::shared_ptr<bc::Proto>>(&k)) {
        InfoLines(**child, out);
      }
    }
  }
  absl::StrAppendFormat(
      out, "F %s-%d params=%d slots=%d vararg=%s uv=%d kn=%d kgc=%d bc=%d\n",
      bc::ProtoLocation(p), p.lastline(), p.numparams, p.framesize,
      p.is_vararg() ? "true" : "false", p.upvalues.size(), p.num_consts.size(),
      p.gc_consts.size(), p.code.size());
  out->append("L");
  for (size_t pc = 1; pc < p.lines.size(); ++pc) {
    absl::StrAppendFormat(out, " %d", p.lines[pc]);
  }
  out->append(p.lines.size() > 1 ? "\n" : " \n");
  out->append("U");
  for (const std::string& name : p.upvalue_names) absl::StrAppend(out, " ", name);
  out->append(p.upvalue_names.empty() ? " \n" : "\n");
}

// Compares jit.util's view of the reference prototypes with ours.
void CompareInfo(const std::string& path, const std::string& luajit,
                 const std::string& script, const bc::Proto& ours,
                 FidelityReport* report) {
  std::string want = RunCommand(absl::StrFormat(
      "%s %s %s", luajit, ShellQuote(script), ShellQuote(path)));
  std::string got = ProtoInfo(ours);
  std::vector<std::string> want_lines = absl::StrSplit(want, '\n');
  std::vector<std::string> got_lines = absl::StrSplit(got, '\n');
  // Three lines per function: F (header), L (lines), U (upvalue names).
  for (size_t i = 0; i + 2 < want_lines.size(); i += 3) {
    report->info_functions++;
    bool same = i + 2 < got_lines.size();
    for (size_t k = 0; same && k < 3; ++k) same = want_lines[i + k] == got_lines[i + k];
    if (same) {
      report->info_matches++;
    } else {
      std::vector<std::string> w(want_lines.begin() + i, want_lines.begin() + i + 3);
      std::vector<std::string> g;
      for (size_t k = i; k < i + 3 && k < got_lines.size(); ++k) g.push_back(got_lines[k]);
      report->mismatches.push_back(
          absl::StrFormat("%s: debug info: %s", path, FirstDifference(w, g)));
    }
  }
}

void CompareFile(const std::string& path, const std::string& luajit,
                 const std::string& protoinfo_script, FidelityReport* report) {
  report->files++;
  std::string reference =
      RunCommand(absl::StrFormat("%s -bl %s", luajit, ShellQuote(path)));
  std::ifstream in(path, std::ios::binary);
  std::stringstream source;
  source << in.rdbuf();
  ParseResult ours = Parse(source.str(), "@" + path);
  std::string listing = ours.ok() ? bc::ListChunk(*ours.proto()) : "";

  if (!absl::StartsWith(reference, "-- BYTECODE --")) {
    // The reference rejects the file: the messages must agree.
    report->error_files++;
    std::string want(absl::StripTrailingAsciiWhitespace(
        absl::StripPrefix(reference, "luajit: ")));
    std::string got = ours.ok() ? "<no error>" : ours.error().message;
    if (want == got) {
      report->error_matches++;
    } else {
      report->mismatches.push_back(absl::StrFormat(
          "%s: error message: luajit: %s | ljit: %s", path, want, got));
    }
    return;
  }
  if (reference.find(" KCDATA ") != std::string::npos) {
    // FFI literals: ljit has no FFI and must reject them.
    report->ffi_files++;
    if (!ours.ok() &&
        ours.error().message.find("malformed number") != std::string::npos) {
      report->ffi_rejected++;
    } else {
      report->mismatches.push_back(path + ": FFI literal not rejected");
    }
    return;
  }
  if (!ours.ok()) {
    int n = static_cast<int>(SplitFunctions(reference).size());
    report->functions += n;
    report->mismatches.push_back(absl::StrFormat(
        "%s: ljit rejects the file: %s", path, ours.error().message));
    return;
  }
  auto want = SplitFunctions(reference);
  auto got = SplitFunctions(listing);
  for (size_t i = 0; i < want.size(); ++i) {
    report->functions++;
    if (i >= got.size()) {
      report->mismatches.push_back(
          absl::StrFormat("%s: function %s missing", path, want[i][0]));
      continue;
    }
    if (SameOpcodes(want[i], got[i])) report->opcode_matches++;
    if (want[i] == got[i]) {
      report->exact_matches++;
    } else {
      report->mismatches.push_back(absl::StrFormat(
          "%s: %s: %s", path, want[i][0], FirstDifference(want[i], got[i])));
    }
  }
  if (got.size() > want.size()) {
    report->mismatches.push_back(path + ": ljit lists extra functions");
  }
  if (!protoinfo_script.empty()) {
    CompareInfo(path, luajit, protoinfo_script, *ours.proto(), report);
    CompareDump(path, luajit, *ours.proto(), report);
  }
}

}  // namespace

std::string FidelityReport::Summary() const {
  return absl::StrFormat(
      "bytecode fidelity: %d files, %d functions; opcode sequence matches "
      "%d/%d (%.2f%%); exact matches %d/%d (%.2f%%); syntax errors %d/%d "
      "identical; FFI literals rejected %d/%d; debug info (lines, sizes, "
      "upvalue names) matches %d/%d; luajit -bg dumps (upvalue flags, "
      "variables, constants) match %d/%d",
      files, functions, opcode_matches, functions, OpcodeShare(), exact_matches,
      functions, ExactShare(), error_matches, error_files, ffi_rejected,
      ffi_files, info_matches, info_functions, dump_matches, dump_functions);
}

FidelityReport CompareWithReference(const std::vector<std::string>& files,
                                    const std::string& luajit,
                                    const std::string& protoinfo_script) {
  FidelityReport report;
  for (const std::string& path : files) {
    CompareFile(path, luajit, protoinfo_script, &report);
  }
  return report;
}

std::string ProtoInfo(const bc::Proto& main) {
  std::string out;
  InfoLines(main, &out);
  return out;
}

std::vector<std::string> FindLuaFiles(const std::vector<std::string>& dirs) {
  std::vector<std::string> files;
  for (const std::string& dir : dirs) {
    std::error_code ec;
    if (!std::filesystem::exists(dir, ec)) continue;
    if (std::filesystem::is_regular_file(dir, ec)) {
      files.push_back(dir);  // A file named directly.
      continue;
    }
    for (auto it = std::filesystem::recursive_directory_iterator(
             dir, std::filesystem::directory_options::follow_directory_symlink, ec);
         it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      if (it->path().extension() == ".lua") files.push_back(it->path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace lj::parse
