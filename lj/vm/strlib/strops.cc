// rep, index normalisation and the case/reverse helpers.
#include "lj/vm/strlib/strops.h"

#include "lj/vm/strlib/chars.h"

namespace lj::strlib {

ByteRange sub_range(size_t length, int64_t i, int64_t j) {
  int64_t len = static_cast<int64_t>(length);
  // Negative positions count from the end; then clamp into 1..len.
  if (i < 0) i += len + 1;
  if (j < 0) j += len + 1;
  if (i < 1) i = 1;
  if (j > len) j = len;
  if (i > j) return ByteRange{0, 0};
  return ByteRange{static_cast<size_t>(i - 1), static_cast<size_t>(j)};
}

RepResult rep(std::string_view s, int64_t n, std::string_view separator) {
  RepResult result;
  if (n <= 0) return result;
  // Refuse before allocating what the reference could not allocate either.
  uint64_t total = (s.size() + separator.size()) * static_cast<uint64_t>(n) - separator.size();
  if (static_cast<uint64_t>(n) > kMaxStringLength ||
      (s.size() + separator.size()) > kMaxStringLength / static_cast<uint64_t>(n) + 1 ||
      total > kMaxStringLength) {
    result.error = Error::kNotEnoughMemory;
    return result;
  }
  result.text.reserve(total);
  for (int64_t k = 0; k < n; k++) {
    if (k > 0) result.text.append(separator);
    result.text.append(s);
  }
  return result;
}

std::string to_upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(lj::strlib::to_upper(static_cast<unsigned char>(c)));
  return out;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(lj::strlib::to_lower(static_cast<unsigned char>(c)));
  return out;
}

std::string reverse(std::string_view s) { return std::string(s.rbegin(), s.rend()); }

}  // namespace lj::strlib
