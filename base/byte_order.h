#pragma once
// Big-endian (network order) loads and stores, as the Kafka formats use.

#include <bit>
#include <cstdint>
#include <cstring>

namespace rtai {

static_assert(std::endian::native == std::endian::little,
              "rtai assumes a little-endian host");

template <typename T>
inline T LoadBigEndian(const void* p) {
  static_assert(std::is_integral_v<T>);
  std::make_unsigned_t<T> v;
  std::memcpy(&v, p, sizeof(v));
  if constexpr (sizeof(T) == 2) v = __builtin_bswap16(v);
  if constexpr (sizeof(T) == 4) v = __builtin_bswap32(v);
  if constexpr (sizeof(T) == 8) v = __builtin_bswap64(v);
  return static_cast<T>(v);
}

template <typename T>
inline void StoreBigEndian(void* p, T value) {
  static_assert(std::is_integral_v<T>);
  auto v = static_cast<std::make_unsigned_t<T>>(value);
  if constexpr (sizeof(T) == 2) v = __builtin_bswap16(v);
  if constexpr (sizeof(T) == 4) v = __builtin_bswap32(v);
  if constexpr (sizeof(T) == 8) v = __builtin_bswap64(v);
  std::memcpy(p, &v, sizeof(v));
}

}  // namespace rtai
