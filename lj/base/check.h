// An invariant check shared by every component: unlike assert() it stays on
// in every build mode, so tests and optimized builds catch a broken invariant
// where it happens instead of as wrong results (or wrong machine code) later.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <source_location>

namespace lj {

// Reports the broken invariant with where it was checked, then aborts.
[[noreturn]] inline void check_failed(const char* what, std::source_location where) {
  std::fprintf(stderr, "%s:%u: invariant failed: %s\n", where.file_name(),
               static_cast<unsigned>(where.line()), what);
  std::abort();
}

// Checks an internal invariant; never compiled out.
inline void check(bool ok, const char* what,
                  std::source_location where = std::source_location::current()) {
  if (!ok) [[unlikely]] check_failed(what, where);
}

}  // namespace lj
