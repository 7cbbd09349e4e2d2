// Fuzzing: random patterns, subjects, replacements and format strings never
// crash, never overflow the stack, and finish in bounded time.
#include <chrono>
#include <cstring>
#include <string>

#include "gtest/gtest.h"
#include "lj/vm/strlib/format.h"
#include "lj/vm/strlib/number.h"
#include "lj/vm/strlib/pattern.h"
#include "rapidcheck.h"

namespace lj::strlib {
namespace {

// Bytes biased toward the pattern and format metacharacters.
rc::Gen<std::string> gen_bytes(int max_length) {
  return rc::gen::map(
      rc::gen::container<std::string>(rc::gen::oneOf(
          rc::gen::elementOf(std::string("%[]()^$*+?.-abfz019 \0%%%", 24)),
          rc::gen::arbitrary<char>())),
      [max_length](std::string s) {
        if (s.size() > static_cast<size_t>(max_length)) s.resize(static_cast<size_t>(max_length));
        return s;
      });
}

// Arguments of every kind, without a VM.
class FuzzArgs : public FormatArgs {
 public:
  explicit FuzzArgs(double n) : n_(n) {}
  int size() const override { return 3; }
  std::optional<double> number(int i) override {
    if (i == 2) return std::nullopt;
    return n_;
  }
  std::string text(int) override { return number_to_string(n_); }
  std::string type_name(int) override { return "table"; }
  uintptr_t pointer(int) override { return static_cast<uintptr_t>(n_); }

 private:
  double n_;
};

TEST(Fuzz, PatternsNeverCrashAndFinish) {
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(rc::check("random patterns", [] {
    std::string subject = *gen_bytes(24);
    std::string pattern = *gen_bytes(16);
    std::string replacement = *gen_bytes(8);
    int64_t init = *rc::gen::inRange(-30, 30);
    SearchResult f = find(subject, pattern, init, false);
    RC_ASSERT(!f.found || f.match.end <= subject.size());
    SearchResult m = match(subject, pattern, init);
    RC_ASSERT(!m.found || m.match.begin <= m.match.end);
    GmatchIterator it(subject, pattern);
    for (int k = 0; k < 100; k++) {
      SearchResult r = it.next();
      if (!r.found) break;
    }
    GsubResult g = gsub(subject, pattern, replacement, 1000);
    RC_ASSERT(g.error != Error::kNone || g.count <= static_cast<int64_t>(subject.size()) + 1);
  }));
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 50.0);
}

TEST(Fuzz, FormatStringsNeverCrash) {
  EXPECT_TRUE(rc::check("random format strings", [] {
    std::string fmt = *gen_bytes(16);
    uint64_t bits = *rc::gen::arbitrary<uint64_t>();
    double n;
    std::memcpy(&n, &bits, sizeof(n));
    FuzzArgs args(n);
    FormatResult r = format(fmt, args);
    RC_ASSERT(r.ok() || !r.error.message().empty());
    std::optional<double> back = string_to_number(fmt);
    RC_ASSERT(!back || !number_to_string(*back).empty());
  }));
}

}  // namespace
}  // namespace lj::strlib
