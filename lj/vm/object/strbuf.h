// StringBuffer: a growable byte buffer for building strings (concatenation,
// number formatting), accounted in the heap and interned when done.
#pragma once

#include <cstdio>
#include <cstring>
#include <string_view>

#include "lj/vm/object/state.h"

namespace lj::vm {

class StringBuffer {
 public:
  explicit StringBuffer(GlobalState& g) : g_(g) {}
  ~StringBuffer() { g_.release(data_, capacity_); }
  StringBuffer(const StringBuffer&) = delete;
  StringBuffer& operator=(const StringBuffer&) = delete;

  // Appends; raises "not enough memory" with the buffer left unchanged.
  void append(std::string_view bytes) {
    reserve(size_ + bytes.size());
    if (!bytes.empty()) std::memcpy(data_ + size_, bytes.data(), bytes.size());
    size_ += bytes.size();
  }
  void append(char c) { append(std::string_view(&c, 1)); }
  // Lua's number format (LuaJIT's spelling of nan and infinities).
  void append_number(double n) {
    char tmp[32];
    if (n != n) {
      append("nan");
      return;
    }
    int len = std::snprintf(tmp, sizeof tmp, "%.14g", n);
    append(std::string_view(tmp, static_cast<size_t>(len)));
  }
  void clear() { size_ = 0; }
  size_t size() const { return size_; }
  std::string_view view() const { return {data_, size_}; }
  String* intern() const { return g_.intern(view()); }

 private:
  // Grows geometrically; the old contents move only once the new block exists.
  void reserve(size_t needed) {
    if (needed <= capacity_) return;
    size_t capacity = capacity_ ? capacity_ : 32;
    while (capacity < needed) capacity *= 2;
    char* fresh = static_cast<char*>(g_.allocate(capacity));
    if (size_) std::memcpy(fresh, data_, size_);
    g_.release(data_, capacity_);
    data_ = fresh;
    capacity_ = capacity;
  }

  GlobalState& g_;
  char* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace lj::vm
