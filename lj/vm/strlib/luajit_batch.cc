// The batch runner behind the differential tests.
#include "lj/vm/strlib/luajit_batch.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "lj/base/check.h"
#include "lj/vm/strlib/format.h"

namespace lj::strlib::testing {
namespace {

// Decodes H"..", encodes results, and captures gmatch's iterations.
constexpr std::string_view kPrelude = R"lua(
local function H(h) return (h:gsub("..", function(x) return string.char(tonumber(x, 16)) end)) end
local function E(v)
  local t = type(v)
  if t == "string" then return "s" .. (v:gsub(".", function(c) return string.format("%02x", c:byte()) end))
  elseif t == "number" then return "n" .. string.format("%.17g", v)
  else return tostring(v) end
end
local function R(...)
  local o = {}
  for i = 1, select("#", ...) do o[i] = E((select(i, ...))) end
  io.write(table.concat(o, " "), "\n")
end
local function G(s, p)
  local ok, it = pcall(string.gmatch, s, p)
  local o = {"true"}
  for _ = 1, 50 do
    local r = {pcall(it)}
    if not r[1] then return R(false, r[2]) end
    if r[2] == nil then break end
    for i = 2, #r do o[#o + 1] = E(r[i]) end
    o[#o + 1] = "|"
  end
  io.write(table.concat(o, " "), "\n")
end
)lua";

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

// The encoded values of one match: captures (or whole match) after `prefix`.
std::string encode_captures(std::string_view s, const Match& m, bool whole_if_none) {
  std::string out;
  int n = capture_count(m, whole_if_none);
  for (int i = 0; i < n; i++) {
    CaptureValue v;
    check(capture_value(s, m, i, v) == Error::kNone, "captures were checked");
    out += " " + (v.is_position ? encode_number(static_cast<double>(v.position))
                                : encode_string(v.text));
  }
  return out;
}

}  // namespace

std::optional<std::string> luajit_path() {
  if (access("/usr/bin/luajit", X_OK) == 0) return std::string("/usr/bin/luajit");
  return std::nullopt;
}

std::string lua_string(std::string_view bytes) { return "H\"" + hex(bytes) + "\""; }

std::string encode_string(std::string_view bytes) { return "s" + hex(bytes); }

std::string encode_number(double value) {
  std::string out = "n";
  FormatSpec spec;
  spec.precision = 17;
  spec.conversion = 'g';
  format_float(out, spec, value);
  return out;
}

std::string encode_error(std::string_view message) {
  return "false " + encode_string(message);
}

std::string expect_find(std::string_view s, std::string_view p, int64_t init, bool plain) {
  SearchResult r = find(s, p, init, plain);
  if (r.error != Error::kNone) return encode_error(error_text(r.error));
  if (!r.found) return "true nil";
  return "true " + encode_number(static_cast<double>(r.match.begin + 1)) + " " +
         encode_number(static_cast<double>(r.match.end)) + encode_captures(s, r.match, false);
}

std::string expect_match(std::string_view s, std::string_view p, int64_t init) {
  SearchResult r = match(s, p, init);
  if (r.error != Error::kNone) return encode_error(error_text(r.error));
  if (!r.found) return "true nil";
  return "true" + encode_captures(s, r.match, true);
}

std::string expect_gmatch(std::string_view s, std::string_view p) {
  GmatchIterator it(s, p);
  std::string out = "true";
  for (int k = 0; k < 50; k++) {
    SearchResult r = it.next();
    if (r.error != Error::kNone) return encode_error(error_text(r.error));
    if (!r.found) break;
    out += encode_captures(s, r.match, true) + " |";
  }
  return out;
}

std::string expect_gsub(std::string_view s, std::string_view p, std::string_view repl,
                        int64_t max_n) {
  GsubResult r = gsub(s, p, repl, max_n);
  if (r.error != Error::kNone) return encode_error(error_text(r.error));
  return "true " + encode_string(r.text) + " " + encode_number(static_cast<double>(r.count));
}

std::vector<LuaMismatch> run_batch(const std::vector<LuaCase>& cases) {
  std::optional<std::string> luajit = luajit_path();
  check(luajit.has_value(), "luajit is installed");
  // Bazel gives each test a private temporary directory.
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::string script_path = std::string(tmp != nullptr ? tmp : "/tmp") + "/strlib_batch_XXXXXX";
  int fd = mkstemp(script_path.data());
  check(fd >= 0, "temporary script created");
  close(fd);
  {
    std::ofstream script(script_path);
    script << kPrelude;
    for (const LuaCase& c : cases) script << c.lua << "\n";
  }
  // Run it and split the output into one line per case.
  std::string command = *luajit + " " + script_path + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  check(pipe != nullptr, "luajit started");
  std::string output;
  char buffer[65536];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, n);
  pclose(pipe);
  unlink(script_path.c_str());
  std::vector<std::string> lines;
  std::istringstream stream(output);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  std::vector<LuaMismatch> mismatches;
  for (size_t i = 0; i < cases.size(); i++) {
    std::string actual = i < lines.size() ? lines[i] : "<missing line>";
    if (actual != cases[i].expected) mismatches.push_back({cases[i], actual});
  }
  return mismatches;
}

}  // namespace lj::strlib::testing
