#pragma once
// Strongly typed integers: an Offset cannot be passed where a Partition is
// expected. `StrongId<Tag, int64_t>` supports comparison, hashing, and
// explicit access through value().

#include <compare>
#include <cstdint>
#include <functional>
#include <ostream>

namespace rtai {

template <typename Tag, typename T>
class StrongId {
 public:
  using ValueType = T;
  constexpr StrongId() : v_(0) {}
  constexpr explicit StrongId(T v) : v_(v) {}
  constexpr T value() const { return v_; }
  constexpr auto operator<=>(const StrongId&) const = default;
  template <typename H>
  friend H AbslHashValue(H h, StrongId id) {
    return H::combine(std::move(h), id.v_);
  }
  friend std::ostream& operator<<(std::ostream& os, StrongId id) {
    return os << id.v_;
  }

 private:
  T v_;
};

}  // namespace rtai

template <typename Tag, typename T>
struct std::hash<rtai::StrongId<Tag, T>> {
  size_t operator()(rtai::StrongId<Tag, T> id) const {
    return std::hash<T>()(id.value());
  }
};
