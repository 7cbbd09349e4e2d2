// Test tool: rewrites a dump with every template table's hash entries in
// one fixed order, so two dumps that differ only in that order (luajit
// seeds its string hashes per run) compare equal. Prints how many
// templates have two or more hash entries (only those can differ).
//   canonical_dump in.raw out.raw
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <variant>

#include "lj/vm/bcsave/bcsave.h"

namespace {

// A sortable stand-in for a template value: its kind, then its bytes.
std::pair<size_t, std::string> SortKey(const lj::bc::TemplateValue& v) {
  std::string bytes;
  if (const bool* b = std::get_if<bool>(&v)) bytes = *b ? "1" : "0";
  if (const double* d = std::get_if<double>(&v)) bytes.assign(reinterpret_cast<const char*>(d), sizeof *d);
  if (const std::string* s = std::get_if<std::string>(&v)) bytes = *s;
  return {v.index(), bytes};
}

int SortTemplates(lj::bc::Proto& pt) {
  int reorderable = 0;
  for (lj::bc::GcConst& k : pt.gc_consts) {
    if (auto* child = std::get_if<std::shared_ptr<lj::bc::Proto>>(&k)) {
      reorderable += SortTemplates(**child);
    } else if (auto* t = std::get_if<lj::bc::TableTemplate>(&k)) {
      reorderable += t->hash.size() >= 2;
      std::sort(t->hash.begin(), t->hash.end(), [](const auto& x, const auto& y) {
        return std::pair(SortKey(x.first), SortKey(x.second)) < std::pair(SortKey(y.first), SortKey(y.second));
      });
    }
  }
  return reorderable;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: canonical_dump in.raw out.raw\n";
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::string dump((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  lj::bcsave::ReadResult read = lj::bcsave::Read(dump, std::string("@") + argv[1]);
  if (!read.ok()) {
    std::cerr << read.error << "\n";
    return 1;
  }
  int reorderable = SortTemplates(*read.proto);
  bool stripped = dump.size() > 4 && (dump[4] & lj::bcsave::kFlagStrip);
  std::ofstream(argv[2], std::ios::binary) << lj::bcsave::Write(*read.proto, stripped);
  std::cout << reorderable << "\n";
  return 0;
}
