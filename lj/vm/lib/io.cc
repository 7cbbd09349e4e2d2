// The io library as LuaJIT 2.1 has it: file handles are userdata (udtype
// kUdtypeFile) wrapping a C stdio FILE*, so print, io.write and
// io.stdout:write share stdout's buffer and interleave with io.stderr as
// luajit's do. Messages, argument numbers and results follow luajit
// (docs/stdlib.md).
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "lj/vm/lib/api.h"
#include "lj/vm/lib/lib.h"
#include "lj/vm/lib/messages.h"

namespace lj::lib {

namespace {

// LuaJIT's UDTYPE_IO_FILE: what io.type and the methods check.
constexpr uint8_t kUdtypeFile = 1;
// LuaJIT's LUAL_BUFFERSIZE: first line buffer and setvbuf's default size.
constexpr size_t kBufferSize = 8192;
// LuaJIT's LJ_MAX_UPVAL: the most arguments file:lines can keep.
constexpr int kMaxLinesArgs = 60;

// How a handle is closed: fclose, pclose, or not at all (stdin/out/err).
enum class StreamKind : uint8_t { File, Pipe, Standard };

// The payload of a file userdata; fp is null once closed.
struct FileHandle {
  FILE* fp;
  StreamKind kind;
  bool close_at_eof;  // opened by io.lines(name)
};

// Registry keys: the handles' shared metatable (Lua's LUA_FILEHANDLE) and
// the current default input and output.
constexpr const char* kMetatableKey = "FILE*";
constexpr const char* kDefaultInputKey = "_IO_input";
constexpr const char* kDefaultOutputKey = "_IO_output";

TValue registry_get(Thread* L, const char* key) {
  return L->global->registry()->get_str(L->global->intern(key));
}

void registry_set(Thread* L, const char* key, TValue v) {
  vm::GlobalState& g = *L->global;
  g.registry()->set_str(g, g.intern(key), v);
}

// -- Handles --------------------------------------------------------------------

FileHandle* handle_of(TValue v) {
  if (!v.is_userdata() || v.as_userdata()->udtype != kUdtypeFile) return nullptr;
  return static_cast<FileHandle*>(v.as_userdata()->payload());
}

// Argument 1 as a handle, open or closed.
FileHandle* check_handle(Thread* L) {
  FileHandle* h = handle_of(arg(L, 1));
  if (!h) Vm::of(L).type_error(L, 1, "FILE*");
  return h;
}

// Argument 1 as an open handle.
FileHandle* check_open_handle(Thread* L) {
  FileHandle* h = check_handle(L);
  if (!h->fp) Vm::of(L).error_at(L, 1, message(LibMessage::ClosedFile));
  return h;
}

// Pushes a new handle (closed until fp is set) and returns its payload.
FileHandle* push_new_handle(Thread* L, StreamKind kind) {
  vm::GlobalState& g = *L->global;
  vm::Userdata* ud = g.new_userdata(sizeof(FileHandle), g.globals());
  ud->udtype = kUdtypeFile;
  TValue mt = registry_get(L, kMetatableKey);
  ud->metatable = mt.is_table() ? mt.as_table() : nullptr;
  auto* h = static_cast<FileHandle*>(ud->payload());
  *h = FileHandle{nullptr, kind, false};
  push(L, TValue::userdata(ud));
  return h;
}

// The default input or output; an error if it has been closed.
FILE* default_file(Thread* L, const char* key) {
  FileHandle* h = handle_of(registry_get(L, key));
  if (!h || !h->fp) Vm::of(L).error_at(L, 1, message(LibMessage::DefaultClosed));
  return h->fp;
}

// Opens argument 1 as a file name; failure is an argument error (io.lines,
// io.input, io.output), not a nil result.
FileHandle* open_named_or_raise(Thread* L, const char* mode) {
  std::string name(check_string(L, 1)->view());
  FileHandle* h = push_new_handle(L, StreamKind::File);
  h->fp = std::fopen(name.c_str(), mode);
  if (!h->fp) Vm::of(L).arg_error(L, 1, name + ": " + std::strerror(errno));
  return h;
}

// Closes a handle: true, nil+message+errno, or nil+message for a standard
// file, pushed as results.
int close_handle(Thread* L, FileHandle* h) {
  bool ok = false;
  switch (h->kind) {
    case StreamKind::File: ok = std::fclose(h->fp) == 0; break;
    case StreamKind::Pipe: ok = pclose(h->fp) != -1; break;
    case StreamKind::Standard:
      push(L, TValue::nil());
      push(L, str(L, message(LibMessage::CannotCloseStd)));
      return 2;
  }
  int err = errno;
  h->fp = nullptr;
  return file_result(L, ok, err, nullptr);
}

// -- Reading ----------------------------------------------------------------------

// Leaves room for n more results (plus the usual slack) on the stack.
void reserve_results(Thread* L, int n) {
  if (L->top + n + 20 > L->maxstack) L->grow_stack(*L->global, static_cast<uint32_t>(n + 20));
}

// "*n": what fscanf's %lf accepts (hex, inf, nan...), as luajit.
bool read_number(Thread* L, FILE* fp) {
  double d;
  if (std::fscanf(fp, "%lf", &d) == 1) {
    push(L, TValue::number(d));
    return true;
  }
  push(L, TValue::nil());
  return false;
}

// "*l"/"*L": a line read with fgets and measured with strlen, so an
// embedded NUL cuts the piece it is in short exactly as in luajit.
bool read_line(Thread* L, FILE* fp, bool drop_newline) {
  std::string buf(kBufferSize, '\0');
  size_t n = 0;
  bool got_any = false;
  while (std::fgets(buf.data() + n, static_cast<int>(buf.size() - n), fp)) {
    n += std::strlen(buf.data() + n);
    got_any = got_any || n > 0;
    if (n > 0 && buf[n - 1] == '\n') {
      if (drop_newline) n--;
      break;
    }
    if (n >= buf.size() - 64) buf.resize(buf.size() * 2);
  }
  push(L, str(L, std::string_view(buf.data(), n)));
  return got_any;
}

// "*a": the rest of the file; never fails (an empty string at the end).
void read_all(Thread* L, FILE* fp) {
  std::string out;
  char chunk[kBufferSize];
  size_t got;
  while ((got = std::fread(chunk, 1, sizeof chunk, fp)) > 0) out.append(chunk, got);
  push(L, str(L, out));
}

// A count: up to n bytes (nil at the end of file); 0 tests for the end.
bool read_count(Thread* L, FILE* fp, uint32_t n) {
  if (n == 0) {
    int c = std::getc(fp);
    std::ungetc(c, fp);
    push(L, str(L, ""));
    return c != EOF;
  }
  // luajit allocates the whole count first; 2 GB or more always fails.
  if (n >= 0x80000000u) L->global->raise(vm::ErrorCode::NoMemory);
  std::string out;
  char chunk[kBufferSize];
  while (out.size() < n) {
    size_t want = std::min<size_t>(sizeof chunk, n - out.size());
    size_t got = std::fread(chunk, 1, want, fp);
    out.append(chunk, got);
    if (got < want) break;
  }
  push(L, str(L, out));
  return !out.empty();
}

// lj_lib_checkint: a number truncated to int32 (out of range: INT32_MIN).
int32_t check_int32(Thread* L, int i) {
  double d = check_number(L, i);
  if (d >= -2147483648.0 && d < 2147483648.0) return static_cast<int32_t>(d);
  return INT32_MIN;
}

// Reads one item for format argument i; false when it found nothing.
bool read_format(Thread* L, FILE* fp, int i) {
  TValue fmt = arg(L, i);
  if (fmt.is_string()) {
    std::string_view f = fmt.as_string()->view();
    if (!f.empty() && f[0] == '*') f.remove_prefix(1);
    char kind = f.empty() ? '\0' : f[0];
    switch (kind) {
      case 'n': return read_number(L, fp);
      case 'l': return read_line(L, fp, true);
      case 'L': return read_line(L, fp, false);
      case 'a': read_all(L, fp); return true;
      default: Vm::of(L).arg_error(L, i, message(LibMessage::InvalidFormat));
    }
  }
  if (fmt.is_number()) return read_count(L, fp, static_cast<uint32_t>(check_int32(L, i)));
  Vm::of(L).arg_error(L, i, message(LibMessage::InvalidOption));
}

// file:read / io.read with the formats from argument `first` on: one
// result per format up to the first that fails (which gives nil); a read
// error gives nil, message, errno.
int read_formats(Thread* L, FILE* fp, int first) {
  int nformats = arg_count(L) - first + 1;
  std::clearerr(fp);
  bool ok = true;
  int results = 0;
  if (nformats <= 0) {
    ok = read_line(L, fp, true);
    results = 1;
  } else {
    reserve_results(L, nformats);
    for (int i = first; i < first + nformats && ok; i++, results++) ok = read_format(L, fp, i);
  }
  if (std::ferror(fp)) return file_result(L, false, errno, nullptr);
  if (!ok) L->top[-1] = TValue::nil();
  return results;
}

// -- Writing ----------------------------------------------------------------------

// Writes arguments from `first` on (strings and numbers); true or
// nil, message, errno.
int write_values(Thread* L, FILE* fp, int first) {
  Vm& vm = Vm::of(L);
  bool ok = true;
  for (int i = first; i <= arg_count(L); i++) {
    TValue v = arg(L, i);
    if (v.is_number()) v = TValue::string(vm.number_to_string(v.as_number()));
    if (!v.is_string()) vm.type_error(L, i, "string");
    String* s = v.as_string();
    ok = ok && std::fwrite(s->data(), 1, s->len, fp) == s->len;
  }
  return file_result(L, ok, errno, nullptr);
}

// -- Line iterators -----------------------------------------------------------------

// The function io.lines and file:lines return: upvalue 1 is the handle,
// the others the read formats. At the end of a file opened by
// io.lines(name) it closes the file and returns nothing.
int lines_iterator(Thread* L) {
  Function* self = L->base[-2].as_function();
  TValue handle = self->c_upvalues()[0];
  FileHandle* h = handle_of(handle);
  if (!h->fp) Vm::of(L).error_at(L, 1, message(LibMessage::ClosedFile));
  int nformats = self->nupvalues - 1;
  L->top = L->base;
  reserve_results(L, nformats);
  for (int i = 1; i <= nformats; i++) push(L, self->c_upvalues()[i]);
  int results = read_formats(L, h->fp, 1);
  if (std::ferror(h->fp)) Vm::of(L).error_at(L, 1, L->top[-2].as_string()->view());
  if (L->base[0].is_nil() && h->close_at_eof) {
    close_handle(L, h);
    return 0;
  }
  return results;
}

// Replaces the arguments by a lines iterator over (handle, formats...).
int push_lines_iterator(Thread* L) {
  int n = arg_count(L);
  if (n > kMaxLinesArgs) Vm::of(L).error_at(L, 1, message(LibMessage::TooManyLinesFormats));
  vm::GlobalState& g = *L->global;
  Function* fn = g.new_c_function(lines_iterator, static_cast<uint32_t>(n), g.globals());
  for (int i = 0; i < n; i++) fn->c_upvalues()[i] = L->base[i];
  push(L, TValue::function(fn));
  return 1;
}

// -- File methods ---------------------------------------------------------------------

// file:close() and io.close([file]); without a file, the default output.
int file_close(Thread* L) {
  if (arg_count(L) == 0) push(L, registry_get(L, kDefaultOutputKey));
  return close_handle(L, check_open_handle(L));
}

int file_read(Thread* L) { return read_formats(L, check_open_handle(L)->fp, 2); }

int file_write(Thread* L) { return write_values(L, check_open_handle(L)->fp, 2); }

int file_flush(Thread* L) {
  FILE* fp = check_open_handle(L)->fp;
  bool ok = std::fflush(fp) == 0;
  return file_result(L, ok, errno, nullptr);
}

// file:seek([whence [, offset]]): the new position, or nil, message, errno.
int file_seek(Thread* L) {
  FILE* fp = check_open_handle(L)->fp;
  static constexpr int kWhence[] = {SEEK_SET, SEEK_CUR, SEEK_END};
  int whence = kWhence[check_option(L, 2, {"set", "cur", "end"}, 1)];
  TValue offset_arg = arg(L, 3);
  int64_t offset = 0;
  // Only a real number: luajit refuses numeric strings here.
  if (offset_arg.is_number()) {
    offset = truncate_to_int64(offset_arg.as_number());
  } else if (!offset_arg.is_nil()) {
    Vm::of(L).type_error(L, 3, "number");
  }
  if (fseeko(fp, offset, whence) != 0) return file_result(L, false, errno, nullptr);
  push(L, TValue::number(static_cast<double>(ftello(fp))));
  return 1;
}

int file_setvbuf(Thread* L) {
  FILE* fp = check_open_handle(L)->fp;
  static constexpr int kModes[] = {_IOFBF, _IOLBF, _IONBF};
  int mode = kModes[check_option(L, 2, {"full", "line", "no"}, -1)];
  int64_t size = opt_integer(L, 3, kBufferSize);
  bool ok = std::setvbuf(fp, nullptr, mode, static_cast<size_t>(size)) == 0;
  return file_result(L, ok, errno, nullptr);
}

int file_lines(Thread* L) {
  check_open_handle(L);
  return push_lines_iterator(L);
}

// __gc: closes what is still open, except the standard files.
int file_gc(Thread* L) {
  FileHandle* h = check_handle(L);
  if (h->fp && h->kind != StreamKind::Standard) close_handle(L, h);
  return 0;
}

int file_tostring(Thread* L) {
  FileHandle* h = check_handle(L);
  if (!h->fp) {
    push(L, str(L, "file (closed)"));
    return 1;
  }
  char buf[48];
  std::snprintf(buf, sizeof buf, "file (%p)", static_cast<void*>(h->fp));
  push(L, str(L, buf));
  return 1;
}

// -- Library functions --------------------------------------------------------------

// io.open(name [, mode]): the mode goes to fopen unchecked, as luajit.
int io_open(Thread* L) {
  std::string name(check_string(L, 1)->view());
  std::string mode = arg(L, 2).is_nil() ? "r" : std::string(check_string(L, 2)->view());
  FileHandle* h = push_new_handle(L, StreamKind::File);
  h->fp = std::fopen(name.c_str(), mode.c_str());
  if (h->fp) return 1;
  return file_result(L, false, errno, name.c_str());
}

// io.popen(command [, mode]); pending output is flushed first so that the
// child's output comes after it.
int io_popen(Thread* L) {
  std::string command(check_string(L, 1)->view());
  std::string mode = arg(L, 2).is_nil() ? "r" : std::string(check_string(L, 2)->view());
  FileHandle* h = push_new_handle(L, StreamKind::Pipe);
  std::fflush(nullptr);
  h->fp = popen(command.c_str(), mode.c_str());
  if (h->fp) return 1;
  return file_result(L, false, errno, command.c_str());
}

int io_tmpfile(Thread* L) {
  FileHandle* h = push_new_handle(L, StreamKind::File);
  h->fp = std::tmpfile();
  if (h->fp) return 1;
  return file_result(L, false, errno, nullptr);
}

int io_read(Thread* L) { return read_formats(L, default_file(L, kDefaultInputKey), 1); }

int io_write(Thread* L) { return write_values(L, default_file(L, kDefaultOutputKey), 1); }

int io_flush(Thread* L) {
  bool ok = std::fflush(default_file(L, kDefaultOutputKey)) == 0;
  return file_result(L, ok, errno, nullptr);
}

// io.input / io.output: with a handle or a file name, set the default;
// always return the current default.
int default_get_set(Thread* L, const char* key, const char* mode) {
  TValue a = arg(L, 1);
  if (a.is_nil()) {
    push(L, registry_get(L, key));
    return 1;
  }
  if (a.is_userdata()) {
    check_open_handle(L);
    push(L, a);
  } else {
    open_named_or_raise(L, mode);
  }
  registry_set(L, key, L->top[-1]);
  return 1;
}

int io_input(Thread* L) { return default_get_set(L, kDefaultInputKey, "r"); }
int io_output(Thread* L) { return default_get_set(L, kDefaultOutputKey, "w"); }

// io.lines([name, formats...]): over a file opened (and closed at its end)
// here, or over the default input.
int io_lines(Thread* L) {
  if (arg_count(L) == 0) push(L, TValue::nil());
  if (arg(L, 1).is_nil()) {
    L->base[0] = registry_get(L, kDefaultInputKey);
  } else {
    FileHandle* h = open_named_or_raise(L, "r");
    h->close_at_eof = true;
    L->base[0] = *--L->top;
  }
  return push_lines_iterator(L);
}

int io_type(Thread* L) {
  check_any(L, 1);
  FileHandle* h = handle_of(arg(L, 1));
  push(L, !h ? TValue::nil() : str(L, h->fp ? "file" : "closed file"));
  return 1;
}

// The handle metatable, its own __index, kept in the registry.
void new_handle_metatable(Vm& vm) {
  vm::GlobalState& g = vm.global();
  static constexpr LibFunction kMethods[] = {
      {"close", file_close}, {"read", file_read}, {"write", file_write},
      {"flush", file_flush}, {"seek", file_seek}, {"setvbuf", file_setvbuf},
      {"lines", file_lines}, {"__gc", file_gc}, {"__tostring", file_tostring},
  };
  Table* mt = g.new_table(0, 4);
  set_functions(vm, mt, kMethods);
  mt->set_str(g, g.intern("__index"), TValue::table(mt));
  g.registry()->set_str(g, g.intern(kMetatableKey), TValue::table(mt));
}

// io.stdin/stdout/stderr: handles of kind Standard over C's streams.
TValue new_standard_handle(Vm& vm, Table* io, const char* name, FILE* fp) {
  vm::GlobalState& g = vm.global();
  Thread* L = g.main_thread();
  FileHandle* h = push_new_handle(L, StreamKind::Standard);
  h->fp = fp;
  TValue handle = *--L->top;
  io->set_str(g, g.intern(name), handle);
  return handle;
}

}  // namespace

void open_io(Vm& vm) {
  vm::GlobalState& g = vm.global();
  new_handle_metatable(vm);
  static constexpr LibFunction kFunctions[] = {
      {"open", io_open}, {"popen", io_popen}, {"tmpfile", io_tmpfile}, {"close", file_close},
      {"read", io_read}, {"write", io_write}, {"flush", io_flush}, {"input", io_input},
      {"output", io_output}, {"lines", io_lines}, {"type", io_type},
  };
  Table* io = new_library(vm, "io");
  set_functions(vm, io, kFunctions);
  Thread* L = g.main_thread();
  registry_set(L, kDefaultInputKey, new_standard_handle(vm, io, "stdin", stdin));
  registry_set(L, kDefaultOutputKey, new_standard_handle(vm, io, "stdout", stdout));
  new_standard_handle(vm, io, "stderr", stderr);
}

}  // namespace lj::lib
