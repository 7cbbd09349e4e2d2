// Single-pass Lua parser and code generator emitting LuaJIT 2.1 bytecode
// exactly as the reference `luajit` does (same opcodes, registers, constant
// order and jumps), so that listings compare equal with `luajit -bl`.
#ifndef LJ_VM_PARSE_PARSER_H_
#define LJ_VM_PARSE_PARSER_H_

#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "lj/vm/bc/bc.h"

namespace lj::parse {

// A syntax error, already formatted as Lua shows it:
// "chunk:line: message near 'token'".
struct ParseError {
  std::string message;
};

// Either the main prototype of the chunk or the error.
class ParseResult {
 public:
  explicit ParseResult(std::shared_ptr<bc::Proto> proto) : value_(std::move(proto)) {}
  explicit ParseResult(ParseError error) : value_(std::move(error)) {}

  bool ok() const { return value_.index() == 0; }
  const std::shared_ptr<bc::Proto>& proto() const {
    return std::get<0>(value_);
  }
  const ParseError& error() const { return std::get<1>(value_); }

 private:
  std::variant<std::shared_ptr<bc::Proto>, ParseError> value_;
};

// Parses a whole chunk. `chunkname` follows Lua's convention: "@file.lua"
// for files, "=stdin" for a literal name, anything else is source text.
ParseResult Parse(std::string_view source, std::string chunkname);

}  // namespace lj::parse

#endif  // LJ_VM_PARSE_PARSER_H_
