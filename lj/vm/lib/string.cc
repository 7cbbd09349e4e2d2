// The string library: the simple functions here, patterns and format on
// top of lj/vm/strlib's algorithms; and the string metatable.
#include <algorithm>
#include <array>
#include <optional>
#include <string>

#include "lj/vm/bcsave/bcsave.h"
#include "lj/vm/lib/api.h"
#include "lj/vm/lib/builtins.h"
#include "lj/vm/lib/lib.h"
#include "lj/vm/strlib/format.h"
#include "lj/vm/strlib/pattern.h"
#include "lj/vm/strlib/strops.h"

namespace lj::lib {

namespace {

// Lua 5.1's relative string position: negative counts from the end.
int64_t relative_position(int64_t pos, int64_t len) {
  if (pos < 0) pos += len + 1;
  return pos >= 0 ? pos : 0;
}

int str_sub(Thread* L) {
  String* s = check_string(L, 1);
  int64_t len = s->len;
  int64_t i = relative_position(check_integer(L, 2), len);
  int64_t j = relative_position(opt_integer(L, 3, -1), len);
  if (i < 1) i = 1;
  if (j > len) j = len;
  push(L, i <= j ? str(L, s->view().substr(static_cast<size_t>(i - 1), static_cast<size_t>(j - i + 1))) : str(L, ""));
  return 1;
}

// ASCII only, whatever the C locale (LuaJIT's lj_char_toupper/tolower).
int str_upper(Thread* L) {
  push(L, str(L, strlib::to_upper(check_string(L, 1)->view())));
  return 1;
}

int str_lower(Thread* L) {
  push(L, str(L, strlib::to_lower(check_string(L, 1)->view())));
  return 1;
}

int str_rep(Thread* L) {
  String* s = check_string(L, 1);
  int64_t n = check_integer(L, 2);
  std::string sep = arg(L, 3).is_nil() ? "" : std::string(check_string(L, 3)->view());
  std::string out;
  if (n > 0 && (s->len + sep.size()) * static_cast<uint64_t>(n) >= 0x7fffff00u) {
    Vm::of(L).error_at(L, 1, "not enough memory");
  }
  for (int64_t i = 0; i < n; i++) {
    if (i) out.append(sep);
    out.append(s->view());
  }
  push(L, str(L, out));
  return 1;
}

int str_reverse(Thread* L) {
  push(L, str(L, strlib::reverse(check_string(L, 1)->view())));
  return 1;
}

int str_byte(Thread* L) {
  String* s = check_string(L, 1);
  int64_t len = s->len;
  int64_t i = relative_position(opt_integer(L, 2, 1), len);
  int64_t j = relative_position(opt_integer(L, 3, i), len);
  if (i < 1) i = 1;
  if (j > len) j = len;
  if (i > j) return 0;
  int64_t n = j - i + 1;
  if (L->top + n + 20 > L->maxstack) L->grow_stack(*L->global, static_cast<uint32_t>(n + 20));
  for (int64_t k = i; k <= j; k++) push(L, TValue::number(static_cast<unsigned char>(s->data()[k - 1])));
  return static_cast<int>(n);
}

int str_char(Thread* L) {
  std::string out;
  for (int i = 1; i <= arg_count(L); i++) {
    int64_t c = check_integer(L, i);
    if (c < 0 || c > 255) Vm::of(L).arg_error(L, i, "invalid value");
    out.push_back(static_cast<char>(c));
  }
  push(L, str(L, out));
  return 1;
}

// -- Fast paths (interp::FastPath): string and number arguments only.

int fast_byte(Thread* L, TValue* args, uint32_t nargs) {
  if (nargs < 1 || !args[0].is_string()) return -1;
  String* s = args[0].as_string();
  int64_t len = s->len, i = 1, j;
  // The commonest call, byte(s, i) with 1 <= i <= #s, answers at once.
  if (nargs == 2 && args[1].is_number()) {
    i = lua_int32(args[1].as_number());
    if (i >= 1 && i <= len) {
      args[0] = TValue::number(static_cast<unsigned char>(s->data()[i - 1]));
      return 1;
    }
  } else if (!fast_opt_integer(args, nargs, 1, 1, &i)) {
    return -1;
  }
  i = relative_position(i, len);
  if (!fast_opt_integer(args, nargs, 2, i, &j)) return -1;
  j = relative_position(j, len);
  if (i < 1) i = 1;
  if (j > len) j = len;
  if (i > j) return 0;
  int64_t n = j - i + 1;
  if (args + n + 20 > L->maxstack) return -1;
  for (int64_t k = 0; k < n; k++) args[k] = TValue::number(static_cast<unsigned char>(s->data()[i - 1 + k]));
  return static_cast<int>(n);
}

// string.sub with number arguments. The common case (1 <= i, j <= len)
// takes no clamping branch.
int fast_sub(Thread* L, TValue* args, uint32_t nargs) {
  if (nargs < 2 || !args[0].is_string() || !args[1].is_number() || gc_due(L)) return -1;
  String* s = args[0].as_string();
  int64_t len = s->len, i = lua_int32(args[1].as_number()), j = -1;
  if (nargs > 2 && !args[2].is_nil()) {
    if (!args[2].is_number()) return -1;
    j = lua_int32(args[2].as_number());
  }
  if (i < 1) i = i < 0 ? std::max<int64_t>(i + len + 1, 1) : 1;
  if (j < 0) j += len + 1;
  if (j > len) j = len;
  // An empty part still points into s (intern compares its bytes).
  std::string_view part(s->data() + (i <= j ? i - 1 : 0), static_cast<size_t>(i <= j ? j - i + 1 : 0));
  args[0] = str(L, part);
  return 1;
}

// string.char of up to 64 byte values.
int fast_char(Thread* L, TValue* args, uint32_t nargs) {
  char bytes[64];
  if (nargs > sizeof bytes || gc_due(L)) return -1;
  for (uint32_t k = 0; k < nargs; k++) {
    int64_t c;
    if (!fast_integer(args[k], &c) || c < 0 || c > 255) return -1;
    bytes[k] = static_cast<char>(c);
  }
  args[0] = str(L, std::string_view(bytes, nargs));
  return 1;
}

// string.format's view of the Lua arguments after the format string.
class LuaFormatArgs : public strlib::FormatArgs {
 public:
  explicit LuaFormatArgs(Thread* L) : L_(L) {}
  int size() const override { return arg_count(L_) - 1; }
  std::optional<double> number(int index) override {
    TValue v = L_->base[index + 1];
    double n;
    if (v.is_number()) return v.as_number();
    if (v.is_string() && Vm::string_to_number(v.as_string()->view(), &n)) return n;
    return std::nullopt;
  }
  std::string text(int index) override {
    return std::string(Vm::of(L_).to_string(L_, L_->base[index + 1])->view());
  }
  std::string type_name(int index) override { return L_->base[index + 1].type_name(); }
  uintptr_t pointer(int index) override {
    TValue v = L_->base[index + 1];
    return v.is_gc() ? reinterpret_cast<uintptr_t>(v.as_gc()) : 0;
  }

 private:
  Thread* L_;
};

int str_format(Thread* L) {
  String* fmt = check_string(L, 1);
  LuaFormatArgs args(L);
  strlib::FormatResult r = strlib::format(fmt->view(), args);
  // Named by the call site, as luajit does ('?' when called through pcall).
  if (!r.ok()) Vm::of(L).error_at(L, 1, r.error.message(Vm::of(L).current_function_name(L)));
  push(L, str(L, r.text));
  return 1;
}

// Raises a pattern error as the reference does (with the caller's position).
[[noreturn, gnu::noinline]] void raise_pattern_error(Thread* L, strlib::Error e) {
  Vm::of(L).error_at(L, 1, std::string(strlib::error_text(e)));
}
inline void check_pattern(Thread* L, strlib::Error e) {
  if (e != strlib::Error::kNone) [[unlikely]] raise_pattern_error(L, e);
}

// Pushes match m's values (captures, or the whole match if allowed).
int push_captures(Thread* L, std::string_view subject, const strlib::Match& m, bool whole_if_none) {
  int n = strlib::capture_count(m, whole_if_none);
  if (L->top + n + 20 > L->maxstack) L->grow_stack(*L->global, static_cast<uint32_t>(n + 20));
  for (int i = 0; i < n; i++) {
    strlib::CaptureValue cv;
    check_pattern(L, strlib::capture_value(subject, m, i, cv));
    push(L, cv.is_position ? TValue::number(static_cast<double>(cv.position)) : str(L, cv.text));
  }
  return n;
}

int32_t init_argument(Thread* L, int i) {
  return arg(L, i).is_nil() ? 1 : strlib::to_int32_like_x86(check_number(L, i));
}

int str_find(Thread* L) {
  String* s = check_string(L, 1);
  String* p = check_string(L, 2);
  strlib::SearchResult r = strlib::find(s->view(), p->view(), init_argument(L, 3), arg(L, 4).is_truthy());
  check_pattern(L, r.error);
  if (!r.found) {
    push(L, TValue::nil());
    return 1;
  }
  push(L, TValue::number(static_cast<double>(r.match.begin + 1)));
  push(L, TValue::number(static_cast<double>(r.match.end)));
  return 2 + push_captures(L, s->view(), r.match, false);
}

int str_match(Thread* L) {
  String* s = check_string(L, 1);
  String* p = check_string(L, 2);
  strlib::SearchResult r = strlib::match(s->view(), p->view(), init_argument(L, 3));
  check_pattern(L, r.error);
  if (!r.found) {
    push(L, TValue::nil());
    return 1;
  }
  return push_captures(L, s->view(), r.match, true);
}

// gmatch's iterator: upvalues subject, pattern and the next offset.
int str_gmatch_step(Thread* L) {
  TValue* state = L->base[-2].as_function()->c_upvalues();
  std::string_view subject = state[0].as_string()->view();
  std::string_view pattern = state[1].as_string()->view();
  size_t at = static_cast<size_t>(state[2].as_number());
  strlib::SearchResult r = strlib::gmatch_step(subject, pattern, at);
  check_pattern(L, r.error);
  state[2] = TValue::number(static_cast<double>(at));
  return r.found ? push_captures(L, subject, r.match, true) : 0;
}

int str_gmatch(Thread* L) {
  String* s = check_string(L, 1);
  String* p = check_string(L, 2);
  Function* step = L->global->new_c_function(str_gmatch_step, 3, L->global->globals());
  step->c_upvalues()[0] = TValue::string(s);
  step->c_upvalues()[1] = TValue::string(p);
  step->c_upvalues()[2] = TValue::number(0);
  push(L, TValue::function(step));
  return 1;
}

// gsub's table replacement: the value for the first capture (or the whole
// match). A raw hit needs no metamethod; a miss goes through __index when
// the table has a metatable. One-byte keys (a translation table) are looked
// up once per byte value until a metamethod runs: before Lua code runs the
// table cannot change, and nothing inside gsub takes a collection step.
class TableReplacement {
 public:
  TableReplacement(Vm& vm, Thread* L, TValue table) : vm_(vm), L_(L), table_(table) {}

  TValue value_for(std::string_view subject, const strlib::Match& m) {
    // The key: the whole match, a finished capture's bytes, or (checked by
    // capture_value) a position or an error.
    std::string_view text;
    if (m.level == 0) {
      text = std::string_view(subject.data() + m.begin, m.end - m.begin);
    } else if (m.captures[0].len >= 0) {
      text = std::string_view(subject.data() + m.captures[0].begin, static_cast<size_t>(m.captures[0].len));
    } else {
      strlib::CaptureValue cv;
      check_pattern(L_, strlib::capture_value(subject, m, 0, cv));
      return lookup(TValue::number(static_cast<double>(cv.position)));
    }
    if (text.size() != 1 || code_may_have_run_) return lookup(str(L_, text));
    unsigned char byte = static_cast<unsigned char>(text[0]);
    uint64_t bit = uint64_t{1} << (byte & 63);
    if (known_[byte >> 6] & bit) return memo_[byte];
    TValue value = lookup(str(L_, text));
    if (!code_may_have_run_) {
      known_[byte >> 6] |= bit;
      memo_[byte] = value;
    }
    return value;
  }

 private:
  TValue lookup(TValue key) {
    Table* t = table_.as_table();
    TValue value = t->get(key);
    if (!value.is_nil() || !t->metatable) return value;
    code_may_have_run_ = true;
    return vm_.get(L_, table_, key);
  }

  Vm& vm_;
  Thread* L_;
  TValue table_;
  bool code_may_have_run_ = false;
  std::array<uint64_t, 4> known_{};
  std::array<TValue, 256> memo_;
};

int str_gsub(Thread* L) {
  Vm& vm = Vm::of(L);
  String* s = check_string(L, 1);
  String* p = check_string(L, 2);
  TValue repl = arg(L, 3);
  int64_t max_n = arg(L, 4).is_nil() ? INT64_MAX : check_integer(L, 4);
  if (repl.is_number()) repl = TValue::string(vm.number_to_string(repl.as_number()));
  if (!repl.is_string() && !repl.is_table() && !repl.is_function()) {
    vm.arg_error(L, 3, std::string("string/function/table expected, got ") + repl.type_name());
  }
  std::string_view subject = s->view();
  strlib::GsubResult r;
  if (repl.is_string()) {
    r = strlib::gsub(subject, p->view(), repl.as_string()->view(), max_n);
  } else {
    // Tables are indexed by the first capture, functions get all captures.
    TableReplacement table(vm, L, repl);
    auto replace = [&](const strlib::Match& m, std::string& out) -> strlib::Error {
      TValue value;
      if (repl.is_table()) {
        value = table.value_for(subject, m);
      } else {
        ptrdiff_t at = L->top - L->stack;
        L->top[0] = repl;
        L->top += 2;
        push_captures(L, subject, m, true);  // may move the stack
        TValue* f = vm.call(L, L->stack + at, 1);
        value = f[0];
        L->top = f;
      }
      if (!value.is_truthy()) {
        out.append(subject.substr(m.begin, m.end - m.begin));
      } else if (value.is_string()) {
        out.append(value.as_string()->view());
      } else if (value.is_number()) {
        out.append(vm.number_to_string(value.as_number())->view());
      } else {
        vm.error_at(L, 1, std::string("invalid replacement value (a ") + value.type_name() + ")");
      }
      return strlib::Error::kNone;
    };
    r = strlib::gsub(subject, p->view(), max_n, replace);
  }
  check_pattern(L, r.error);
  push(L, str(L, r.text));
  push(L, TValue::number(static_cast<double>(r.count)));
  return 2;
}

// string.dump(f [, strip]): LuaJIT's bytecode dump of a Lua function's
// prototype (lj/vm/bcsave); C functions and builtins have none to give.
int str_dump(Thread* L) {
  Vm& vm = Vm::of(L);
  TValue f = arg(L, 1);
  if (!f.is_function()) vm.type_error(L, 1, "function");
  Function* fn = f.as_function();
  if (!fn->is_lua()) vm.error_at(L, 1, "unable to dump given function");
  std::string dump = bcsave::Write(*bcsave::FromGc(*fn->proto()), arg(L, 2).is_truthy());
  push(L, str(L, dump));
  return 1;
}

}  // namespace

void open_string(Vm& vm) {
  Table* t = new_library(vm, "string");
  set_builtin(vm, t, Builtin::Len);
  set_fast_function(vm, t, "sub", str_sub, interp::kFfStringSub, fast_sub);
  set_function(vm, t, "upper", str_upper);
  set_function(vm, t, "lower", str_lower);
  set_function(vm, t, "rep", str_rep);
  set_function(vm, t, "reverse", str_reverse);
  set_fast_function(vm, t, "byte", str_byte, interp::kFfStringByte, fast_byte);
  set_fast_function(vm, t, "char", str_char, interp::kFfStringChar, fast_char);
  set_function(vm, t, "format", str_format);
  set_function(vm, t, "find", str_find);
  set_function(vm, t, "match", str_match);
  set_function(vm, t, "gmatch", str_gmatch);
  set_function(vm, t, "gsub", str_gsub);
  set_function(vm, t, "dump", str_dump);
  // Strings index the string table through their shared metatable.
  vm::GlobalState& g = vm.global();
  Table* mt = g.new_table(0, 1);
  mt->set_str(g, g.metamethod_name(vm::Metamethod::Index), TValue::table(t));
  g.base_metatable(vm::TypeTag::String) = mt;
}

}  // namespace lj::lib
