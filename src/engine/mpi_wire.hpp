#pragma once
// The bytes ranks send each other (docs/mpi.md): little-endian on every machine SitePlan builds
// for; numbers are copied bit for bit (a double arrives as the same double), strings and
// byte blocks are length-prefixed. Reading past the end is an error, never a silent zero.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/error.hpp"

namespace siteplan::engine::wire {

class Writer {
 public:
  template <typename T>
  void put(T v) {
    static_assert(std::is_arithmetic_v<T> || std::is_enum_v<T>);
    const auto at = bytes_.size();
    bytes_.resize(at + sizeof(T));
    std::memcpy(bytes_.data() + at, &v, sizeof(T));
  }
  void str(std::string_view s) {
    put<std::uint64_t>(s.size());
    bytes_.append(s.data(), s.size());
  }
  template <typename T>
  void vec(const std::vector<T>& v) {  // the items' bytes in one copy (a map band is large)
    items(v.data(), v.size());
  }
  template <typename T>
  void items(const T* p, std::size_t n) {  // as vec: a count, then the items' bytes
    static_assert(std::is_arithmetic_v<T> || std::is_enum_v<T>);
    put<std::uint64_t>(n);
    if (n == 0) return;
    const auto at = bytes_.size();
    bytes_.resize(at + n * sizeof(T));
    std::memcpy(bytes_.data() + at, p, n * sizeof(T));
  }
  void strings(const std::vector<std::string>& v) {
    put<std::uint64_t>(v.size());
    for (const auto& s : v) str(s);
  }
  std::string& bytes() { return bytes_; }

 private:
  std::string bytes_;
};

class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  template <typename T>
  T get() {
    static_assert(std::is_arithmetic_v<T> || std::is_enum_v<T>);
    need(sizeof(T));
    T v;
    std::memcpy(&v, bytes_.data() + at_, sizeof(T));
    at_ += sizeof(T);
    return v;
  }
  std::string_view view() {
    const auto n = count(1);
    std::string_view s = bytes_.substr(at_, n);
    at_ += n;
    return s;
  }
  std::string str() { return std::string(view()); }
  template <typename T>
  std::vector<T> vec() {
    static_assert(std::is_arithmetic_v<T> || std::is_enum_v<T>);
    std::vector<T> v(count(sizeof(T)));
    if (v.empty()) return v;
    std::memcpy(v.data(), bytes_.data() + at_, v.size() * sizeof(T));
    at_ += v.size() * sizeof(T);
    return v;
  }
  std::vector<std::string> strings() {
    std::vector<std::string> v(count(sizeof(std::uint64_t)));
    for (auto& s : v) s = str();
    return v;
  }
  // A count of items of at least `item` bytes each that the rest of the message can hold.
  std::size_t count(std::size_t item) {
    const auto n = get<std::uint64_t>();
    if (item && n > (bytes_.size() - at_) / item) fail();
    return static_cast<std::size_t>(n);
  }
  bool done() const { return at_ == bytes_.size(); }

 private:
  void need(std::size_t n) const {
    if (bytes_.size() - at_ < n) fail();
  }
  [[noreturn]] static void fail() {
    throw RuntimeError("MPI: a rank's message is truncated or malformed");
  }
  std::string_view bytes_;
  std::size_t at_ = 0;
};

}  // namespace siteplan::engine::wire
