// TValue: LuaJIT's 64-bit NaN-boxed value in its GC64 layout.
//
// A double is stored as is. Every other value keeps an "itype" in its top 17
// bits (read as itype = (uint32_t)((int64_t)bits >> 47)) and a 47-bit payload
// below: a GC object pointer, a light userdata pointer, or all ones for the
// primitives nil/false/true (nil is all 64 bits set). Numbers are every value
// whose itype is <= kITypeNumX (unsigned), which holds for all doubles once
// NaNs are canonicalized to 0xfff8000000000000.
#pragma once

#include <bit>
#include <cstdint>

#include "lj/base/check.h"

namespace lj::vm {

struct GCObject;
struct String;
struct Table;
struct Function;
struct Upvalue;
struct Proto;
struct Userdata;
struct Thread;

// X-macro: every type tag in LuaJIT's order, with the name type() reports.
// The tag index i gives itype ~i and the object header's gct byte i.
#define LJ_TYPE_TAGS(_)          \
  _(Nil, "nil")                  \
  _(False, "boolean")            \
  _(True, "boolean")             \
  _(LightUserdata, "userdata")   \
  _(String, "string")            \
  _(Upvalue, "upval")            \
  _(Thread, "thread")            \
  _(Proto, "proto")              \
  _(Function, "function")        \
  _(Trace, "trace")              \
  _(Cdata, "cdata")              \
  _(Table, "table")              \
  _(Userdata, "userdata")        \
  _(Number, "number")

// Index of a type tag: also the gct byte stored in GC object headers.
enum class TypeTag : uint8_t {
#define LJ_TYPE_ENUM(name, str) name,
  LJ_TYPE_TAGS(LJ_TYPE_ENUM)
#undef LJ_TYPE_ENUM
};
inline constexpr int kTypeTagCount = static_cast<int>(TypeTag::Number) + 1;

// The itype stored in the top bits of a tagged value: ~index.
constexpr uint32_t itype_of(TypeTag tag) { return ~static_cast<uint32_t>(tag); }

inline constexpr uint32_t kITypeNil = itype_of(TypeTag::Nil);
inline constexpr uint32_t kITypeFalse = itype_of(TypeTag::False);
inline constexpr uint32_t kITypeTrue = itype_of(TypeTag::True);
inline constexpr uint32_t kITypeLightUserdata = itype_of(TypeTag::LightUserdata);
inline constexpr uint32_t kITypeString = itype_of(TypeTag::String);
inline constexpr uint32_t kITypeUserdata = itype_of(TypeTag::Userdata);
inline constexpr uint32_t kITypeNumX = itype_of(TypeTag::Number);

// Name of a type tag as Lua's type() reports it ("upval", "proto" are internal).
const char* type_tag_name(TypeTag tag);

// Accessors are forced inline: they sit on every interpreter fast path and
// GCC otherwise keeps some out of line (their check() looks big to it).
struct TValue {
  // Payload bits below the itype: GC pointers and light userdata live here.
  static constexpr uint64_t kPayloadMask = (uint64_t{1} << 47) - 1;
  // The one NaN a TValue ever holds (x86's default NaN, LuaJIT's setnanV).
  static constexpr uint64_t kCanonicalNaN = 0xfff8000000000000ull;

  uint64_t u64;

  // -- Constructors ------------------------------------------------------
  [[gnu::always_inline]] static constexpr TValue nil() { return TValue{~uint64_t{0}}; }
  // Primitive: itype in the top 17 bits, all ones below (LuaJIT's setpriV).
  [[gnu::always_inline]] static constexpr TValue primitive(uint32_t itype) {
    return TValue{~(static_cast<uint64_t>(~itype) << 47)};
  }
  [[gnu::always_inline]] static constexpr TValue boolean(bool b) { return primitive(b ? kITypeTrue : kITypeFalse); }
  // Any NaN becomes the canonical one, so no NaN payload can look tagged.
  [[gnu::always_inline]] static TValue number(double d) {
    if (d != d) return TValue{kCanonicalNaN};
    return TValue{std::bit_cast<uint64_t>(d)};
  }
  // A result of +, -, * or / (and floor) whose operands came from TValues:
  // on x86-64 such an operation's only NaN is the default NaN, which is the
  // canonical one (the operands hold no other), so number()'s test is
  // skipped; elsewhere it is kept. Not for negation or glibc's pow (pow(NaN,
  // 1) is +NaN). value_test checks the claim.
  [[gnu::always_inline]] static TValue number_from_arith(double d) {
#if defined(__x86_64__)
    return TValue{std::bit_cast<uint64_t>(d)};
#else
    return number(d);
#endif
  }
  [[gnu::always_inline]] static TValue light_userdata(const void* p) {
    uint64_t bits = reinterpret_cast<uintptr_t>(p);
    check((bits >> 47) == 0, "light userdata pointer wider than 47 bits");
    return TValue{(static_cast<uint64_t>(kITypeLightUserdata) << 47) | bits};
  }
  [[gnu::always_inline]] static TValue gc(const void* obj, TypeTag tag) {
    uint64_t bits = reinterpret_cast<uintptr_t>(obj);
    check((bits >> 47) == 0, "GC pointer wider than 47 bits");
    return TValue{(static_cast<uint64_t>(itype_of(tag)) << 47) | bits};
  }
  // Re-tags a pointer that was boxed before (read back from a TValue, a
  // prototype's constants, a node): its width was checked then. For the
  // interpreter's hot paths, where gc()'s check is a test per instruction.
  [[gnu::always_inline]] static TValue gc_trusted(const void* obj, TypeTag tag) {
    return TValue{(static_cast<uint64_t>(itype_of(tag)) << 47) | reinterpret_cast<uintptr_t>(obj)};
  }
  [[gnu::always_inline]] static TValue string(const String* s) { return gc(s, TypeTag::String); }
  [[gnu::always_inline]] static TValue table(const Table* t) { return gc(t, TypeTag::Table); }
  [[gnu::always_inline]] static TValue function(const Function* f) { return gc(f, TypeTag::Function); }
  [[gnu::always_inline]] static TValue userdata(const Userdata* u) { return gc(u, TypeTag::Userdata); }
  [[gnu::always_inline]] static TValue thread(const Thread* th) { return gc(th, TypeTag::Thread); }
  [[gnu::always_inline]] static TValue proto(const Proto* p) { return gc(p, TypeTag::Proto); }

  // -- Type tests --------------------------------------------------------
  [[gnu::always_inline]] uint32_t itype() const { return static_cast<uint32_t>(static_cast<int64_t>(u64) >> 47); }
  [[gnu::always_inline]] bool is_nil() const { return u64 == ~uint64_t{0}; }
  [[gnu::always_inline]] bool is_false() const { return itype() == kITypeFalse; }
  [[gnu::always_inline]] bool is_true() const { return itype() == kITypeTrue; }
  [[gnu::always_inline]] bool is_boolean() const { return is_false() || is_true(); }
  // itype() <= kITypeNumX as one unsigned compare of the bits (no shift and
  // copy per operand; two tests share the constant): the interpreter's
  // number checks, spectral-norm -8% CPU time.
  [[gnu::always_inline]] bool is_number() const { return u64 < (uint64_t{kITypeNumX + 1} << 47); }
  [[gnu::always_inline]] bool is_light_userdata() const { return itype() == kITypeLightUserdata; }
  [[gnu::always_inline]] bool is_string() const { return itype() == kITypeString; }
  [[gnu::always_inline]] bool is_table() const { return itype() == itype_of(TypeTag::Table); }
  [[gnu::always_inline]] bool is_function() const { return itype() == itype_of(TypeTag::Function); }
  [[gnu::always_inline]] bool is_userdata() const { return itype() == kITypeUserdata; }
  [[gnu::always_inline]] bool is_thread() const { return itype() == itype_of(TypeTag::Thread); }
  [[gnu::always_inline]] bool is_proto() const { return itype() == itype_of(TypeTag::Proto); }
  // GC objects are the itypes from string (~4) to userdata (~12).
  [[gnu::always_inline]] bool is_gc() const { return itype() - kITypeUserdata <= kITypeString - kITypeUserdata; }
  // Lua truth: everything except nil and false (both itypes above ~2).
  [[gnu::always_inline]] bool is_truthy() const { return itype() < kITypeFalse; }
  [[gnu::always_inline]] bool is_nan() const { return is_number() && as_number() != as_number(); }

  // Tag of any value, numbers included.
  [[gnu::always_inline]] TypeTag tag() const {
    return is_number() ? TypeTag::Number : static_cast<TypeTag>(~itype());
  }
  [[gnu::always_inline]] const char* type_name() const { return type_tag_name(tag()); }

  // -- Accessors (checked) -----------------------------------------------
  [[gnu::always_inline]] double as_number() const { return std::bit_cast<double>(u64); }
  [[gnu::always_inline]] bool as_boolean() const { return is_true(); }
  [[gnu::always_inline]] void* as_light_userdata() const { return reinterpret_cast<void*>(u64 & kPayloadMask); }
  [[gnu::always_inline]] GCObject* as_gc() const { return reinterpret_cast<GCObject*>(u64 & kPayloadMask); }
  [[gnu::always_inline]] String* as_string() const { return checked<String>(is_string()); }
  [[gnu::always_inline]] Table* as_table() const { return checked<Table>(is_table()); }
  [[gnu::always_inline]] Function* as_function() const { return checked<Function>(is_function()); }
  [[gnu::always_inline]] Userdata* as_userdata() const { return checked<Userdata>(is_userdata()); }
  [[gnu::always_inline]] Thread* as_thread() const { return checked<Thread>(is_thread()); }
  [[gnu::always_inline]] Proto* as_proto() const { return checked<Proto>(is_proto()); }

  // Raw equality (no metamethods): numbers by value, everything else by bits.
  [[gnu::always_inline]] bool raw_equals(TValue other) const {
    if (is_number() && other.is_number()) return as_number() == other.as_number();
    return u64 == other.u64;
  }
  // Bit identity, what table keys compare by once -0 is normalized.
  bool operator==(const TValue&) const = default;

 private:
  template <class T>
  [[gnu::always_inline]] T* checked(bool ok) const {
    check(ok, "TValue accessed as the wrong type");
    return reinterpret_cast<T*>(u64 & kPayloadMask);
  }
};
static_assert(sizeof(TValue) == 8);

}  // namespace lj::vm
