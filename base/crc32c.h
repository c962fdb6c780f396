#pragma once
// CRC-32C (Castagnoli), as used by Kafka record batches v2. Uses the SSE4.2
// crc32 instruction when the CPU has it, else a portable slicing table.

#include <cstddef>
#include <cstdint>

namespace rtai::crc32c {

// Extends `crc` (a finished CRC of earlier bytes, 0 for none) with `n` bytes.
uint32_t Extend(uint32_t crc, const void* data, size_t n);
inline uint32_t Value(const void* data, size_t n) { return Extend(0, data, n); }

// Exposed for tests: the portable path regardless of CPU support.
uint32_t ExtendPortable(uint32_t crc, const void* data, size_t n);

}  // namespace rtai::crc32c
