// Test helper: runs many Lua expressions through /usr/bin/luajit in one
// process and compares each printed result with what the C++ side expects.
// Values travel hex-encoded so no quoting can go wrong in either direction.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lj/vm/strlib/errors.h"
#include "lj/vm/strlib/pattern.h"

namespace lj::strlib::testing {

// The reference interpreter's path, or nullopt when it is not installed.
std::optional<std::string> luajit_path();

// Lua source for a string literal: H"6162" (decoded by the prelude).
std::string lua_string(std::string_view bytes);

// Encodings the prelude's R(...) prints for each value of a result list.
std::string encode_string(std::string_view bytes);
std::string encode_number(double value);  // "%.17g" as luajit prints it
std::string encode_error(std::string_view message);  // pcall's false, msg

// The encoded results of find/match/gmatch/gsub, as luajit prints them.
std::string expect_find(std::string_view s, std::string_view p, int64_t init, bool plain);
std::string expect_match(std::string_view s, std::string_view p, int64_t init);
std::string expect_gmatch(std::string_view s, std::string_view p);
std::string expect_gsub(std::string_view s, std::string_view p, std::string_view repl,
                        int64_t max_n);

// One case: a Lua expression whose R(...) output must equal `expected`.
struct LuaCase {
  std::string lua;       // e.g. R(pcall(string.find, H"61", H"61", 1))
  std::string expected;  // e.g. "true n1 n1"
};

// A mismatch: the case, and what luajit printed instead.
struct LuaMismatch {
  LuaCase c;
  std::string actual;
};

// Runs all cases in one luajit process; returns the mismatches.
std::vector<LuaMismatch> run_batch(const std::vector<LuaCase>& cases);

}  // namespace lj::strlib::testing
