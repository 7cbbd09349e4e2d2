#include "lj/asm/x64/jdump_reference.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace lj::x64 {
namespace {

// Reads the code and the symbols, then lists like jit/dump.lua's
// dump_mcode: hexdump off, the listing split at the loop label.
// Arguments: code file, address (hex), loop offset, symbol file (hex name).
constexpr char kDriver[] = R"lua(
local dis = require("jit.dis_x64")
local f = assert(io.open(arg[1], "rb")); local code = f:read("*a"); f:close()
local addr, loop = tonumber(arg[2], 16), tonumber(arg[3])
local out = {}
local ctx = dis.create(code, addr, function(s) out[#out+1] = s end)
ctx.hexdump = 0
for line in io.lines(arg[4]) do
  local a, name = line:match("^(%x+) (.+)$")
  ctx.symtab[tonumber(a, 16)] = name
end
if loop ~= 0 then
  ctx:disass(0, loop); out[#out+1] = "->LOOP:\n"; ctx:disass(loop, #code - loop)
else
  ctx:disass(0, #code)
end
io.write(table.concat(out))
)lua";

std::string temp_dir() {
  const char* dir = std::getenv("TEST_TMPDIR");
  return dir != nullptr ? dir : "/tmp";
}

bool write_file(const std::string& path, const std::string& contents) {
  std::ofstream file(path, std::ios::binary);
  file << contents;
  return static_cast<bool>(file);
}

// Runs `command`, returning its stdout if it exits 0.
std::optional<std::string> run(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  std::string output;
  char chunk[65536];
  for (size_t n; (n = std::fread(chunk, 1, sizeof chunk, pipe)) > 0;) output.append(chunk, n);
  if (pclose(pipe) != 0) return std::nullopt;
  return output;
}

}  // namespace

bool luajit_disassembler_available() {
  return run("luajit -e \"require('jit.dis_x64')\" 2>/dev/null").has_value();
}

std::optional<std::string> luajit_listing(const ReferenceRequest& request) {
  const std::string base = absl::StrCat(temp_dir(), "/jdump_reference_", getpid());
  const std::string driver = base + ".lua", code = base + ".bin", symbols = base + ".sym";
  std::string symbol_lines;
  for (const auto& [address, name] : request.symbols) {
    absl::StrAppendFormat(&symbol_lines, "%x %s\n", address, name);
  }
  const std::string bytes(request.bytes.begin(), request.bytes.end());
  if (!write_file(driver, kDriver) || !write_file(code, bytes) ||
      !write_file(symbols, symbol_lines)) {
    return std::nullopt;
  }
  return run(absl::StrFormat("luajit %s %s %x %d %s", driver, code, request.address,
                             request.loop_offset, symbols));
}

}  // namespace lj::x64
