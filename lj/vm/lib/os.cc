// The os library as LuaJIT 2.1 (without 5.2 compatibility) has it: clock,
// date, time, difftime, getenv, remove, rename, tmpname, setlocale,
// execute (system()'s raw status) and exit (docs/stdlib.md).
#include <unistd.h>

#include <cerrno>
#include <clocale>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <string_view>

#include "lj/vm/lib/api.h"
#include "lj/vm/lib/lib.h"
#include "lj/vm/lib/messages.h"

namespace lj::lib {

namespace {

// The fields of os.date("*t") and os.time's table, with struct tm's offset
// from what Lua shows and os.time's default (-1: required).
#define LJ_OS_DATE_FIELDS(_)                 \
  _(sec, tm_sec, 0, 0)                       \
  _(min, tm_min, 0, 0)                       \
  _(hour, tm_hour, 0, 12)                    \
  _(day, tm_mday, 0, -1)                     \
  _(month, tm_mon, 1, -1)                    \
  _(year, tm_year, 1900, -1)

// A double as LuaJIT's C cast turns it into a time_t.
std::time_t to_time(double d) { return static_cast<std::time_t>(truncate_to_int64(d)); }

int os_clock(Thread* L) {
  push(L, TValue::number(static_cast<double>(std::clock()) / CLOCKS_PER_SEC));
  return 1;
}

void set_int_field(Thread* L, Table* t, const char* key, int value) {
  t->set_str(*L->global, L->global->intern(key), TValue::number(value));
}

// os.date("*t"): the broken-down time; isdst only when the C library knows.
void push_date_table(Thread* L, const std::tm& tm) {
  Table* t = L->global->new_table(0, 4);
  push(L, TValue::table(t));
#define LJ_OS_SET_FIELD(name, member, offset, def) set_int_field(L, t, #name, tm.member + (offset));
  LJ_OS_DATE_FIELDS(LJ_OS_SET_FIELD)
#undef LJ_OS_SET_FIELD
  set_int_field(L, t, "wday", tm.tm_wday + 1);
  set_int_field(L, t, "yday", tm.tm_yday + 1);
  if (tm.tm_isdst >= 0) t->set_str(*L->global, L->global->intern("isdst"), TValue::boolean(tm.tm_isdst > 0));
}

// strftime over the whole format: a buffer of 30 bytes per '%' and one per
// other byte, grown up to four times; an empty result gives "".
void push_formatted_date(Thread* L, const char* format, const std::tm& tm) {
  size_t size = 0;
  for (const char* p = format; *p; p++) size += *p == '%' ? 30 : 1;
  std::string buf;
  for (int attempt = 0; attempt < 4; attempt++) {
    buf.resize(size);
    size_t len = std::strftime(buf.data(), buf.size(), format, &tm);
    if (len > 0) {
      push(L, str(L, std::string_view(buf.data(), len)));
      return;
    }
    size += size | 1;
  }
  push(L, str(L, ""));
}

// os.date([format [, time]]): "!" selects UTC, "*t" a table, the rest is
// strftime's; a time the C library cannot convert gives nil.
int os_date(Thread* L) {
  std::string format = arg(L, 1).is_nil() ? "%c" : std::string(check_string(L, 1)->view());
  std::time_t t = arg(L, 2).is_nil() ? std::time(nullptr) : to_time(check_number(L, 2));
  const char* spec = format.c_str();
  std::tm tm{};
  bool converted;
  if (*spec == '!') {
    spec++;
    converted = gmtime_r(&t, &tm) != nullptr;
  } else {
    tzset();
    converted = localtime_r(&t, &tm) != nullptr;
  }
  if (!converted) {
    push(L, TValue::nil());
  } else if (std::string_view(spec) == "*t") {
    push_date_table(L, tm);
  } else {
    push_formatted_date(L, spec, tm);
  }
  return 1;
}

// One field of os.time's table (read with metamethods): a number or numeric
// string truncated to int, else the default, else an error.
int date_field(Thread* L, TValue table, const char* key, int def) {
  Vm& vm = Vm::of(L);
  TValue v = vm.get(L, table, str(L, key));
  double d;
  bool numeric = v.is_number() ? (d = v.as_number(), true)
                               : v.is_string() && Vm::string_to_number(v.as_string()->view(), &d);
  if (numeric) {
    return static_cast<int>(static_cast<int32_t>(truncate_to_int64(d)));
  }
  if (def < 0) vm.error_at(L, 1, "field '" + std::string(key) + "' missing in date table");
  return def;
}

// os.time([table]): now, or mktime of the table (fields normalised by
// mktime; isdst nil means "find out"); nil if mktime fails.
int os_time(Thread* L) {
  std::time_t t;
  if (arg(L, 1).is_nil()) {
    t = std::time(nullptr);
  } else {
    TValue table = TValue::table(check_table(L, 1));
    std::tm tm{};
#define LJ_OS_GET_FIELD(name, member, offset, def) tm.member = date_field(L, table, #name, def) - (offset);
    LJ_OS_DATE_FIELDS(LJ_OS_GET_FIELD)
#undef LJ_OS_GET_FIELD
    TValue isdst = Vm::of(L).get(L, table, str(L, "isdst"));
    tm.tm_isdst = isdst.is_nil() ? -1 : isdst.is_truthy();
    t = std::mktime(&tm);
  }
  push(L, t == static_cast<std::time_t>(-1) ? TValue::nil() : TValue::number(static_cast<double>(t)));
  return 1;
}

int os_difftime(Thread* L) {
  std::time_t a = to_time(check_number(L, 1));
  std::time_t b = to_time(opt_number(L, 2, 0));
  push(L, TValue::number(std::difftime(a, b)));
  return 1;
}

int os_getenv(Thread* L) {
  const char* value = std::getenv(std::string(check_string(L, 1)->view()).c_str());
  push(L, value ? str(L, value) : TValue::nil());
  return 1;
}

int os_remove(Thread* L) {
  std::string name(check_string(L, 1)->view());
  bool ok = std::remove(name.c_str()) == 0;
  return file_result(L, ok, errno, name.c_str());
}

int os_rename(Thread* L) {
  std::string from(check_string(L, 1)->view());
  std::string to(check_string(L, 2)->view());
  bool ok = std::rename(from.c_str(), to.c_str()) == 0;
  return file_result(L, ok, errno, from.c_str());
}

// os.tmpname(): a new empty file under /tmp (mkstemp), its name returned.
int os_tmpname(Thread* L) {
  char name[] = "/tmp/lua_XXXXXX";
  int fd = mkstemp(name);
  if (fd == -1) Vm::of(L).error_at(L, 1, message(LibMessage::NoUniqueName));
  close(fd);
  push(L, str(L, name));
  return 1;
}

// os.execute([command]): system()'s raw status (LuaJIT without 5.2 mode);
// without a command, whether a shell exists.
int os_execute(Thread* L) {
  std::string command;
  bool has_command = !arg(L, 1).is_nil();
  if (has_command) command = std::string(check_string(L, 1)->view());
  push(L, TValue::number(std::system(has_command ? command.c_str() : nullptr)));
  return 1;
}

// os.exit([status]): true/false are success/failure, a number is the exit
// status. C's exit flushes and closes every stdio stream, as in luajit.
int os_exit(Thread* L) {
  TValue status = arg(L, 1);
  int code = status.is_boolean() ? (status.is_true() ? EXIT_SUCCESS : EXIT_FAILURE)
                                 : static_cast<int>(opt_integer(L, 1, EXIT_SUCCESS));
  std::exit(code);
}

// os.setlocale([locale [, category]]): the locale's name, nil on failure.
int os_setlocale(Thread* L) {
  static constexpr int kCategories[] = {LC_CTYPE, LC_NUMERIC, LC_TIME, LC_COLLATE, LC_MONETARY, LC_ALL};
  bool query = arg(L, 1).is_nil();
  std::string locale = query ? "" : std::string(check_string(L, 1)->view());
  int category = kCategories[check_option(L, 2, {"ctype", "numeric", "time", "collate", "monetary", "all"}, 5)];
  const char* result = std::setlocale(category, query ? nullptr : locale.c_str());
  push(L, result ? str(L, result) : TValue::nil());
  return 1;
}

}  // namespace

void open_os(Vm& vm) {
  static constexpr LibFunction kFunctions[] = {
      {"clock", os_clock}, {"date", os_date}, {"time", os_time}, {"difftime", os_difftime},
      {"getenv", os_getenv}, {"remove", os_remove}, {"rename", os_rename}, {"tmpname", os_tmpname},
      {"execute", os_execute}, {"exit", os_exit}, {"setlocale", os_setlocale},
  };
  set_functions(vm, new_library(vm, "os"), kFunctions);
}

}  // namespace lj::lib
