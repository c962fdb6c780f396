#pragma once
// Record-batch compression codecs (attributes bits 0-2 of a Kafka v2 batch),
// on Debian's zlib, snappy, lz4 and zstd. The log stores compressed batches
// untouched; these are used to decode records (consumers, tools, tests) and to
// build compressed batches. Thread-safe (no shared state).

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rtai::broker {

enum class CompressionCodec : int {
  kNone = 0,
  kGzip = 1,
  // Java clients frame snappy xerial-style: magic "\x82SNAPPY\0", version and
  // compat i32s, then blocks of (i32 compressed length, raw snappy block).
  // Decompression accepts that framing and also a single raw snappy block.
  kSnappy = 2,
  kLz4 = 3,  // LZ4 frame format (lz4frame.h)
  kZstd = 4,
};

// "none", "gzip", "snappy", "lz4", "zstd" or "codec(<n>)".
const char* CompressionCodecName(CompressionCodec codec);

// Decompresses `input`. Errors: kInvalidArgument for corrupt input or an
// unknown codec; kResourceExhausted when the output would exceed
// `max_output_bytes` (never allocates more than that).
absl::StatusOr<std::string> Decompress(CompressionCodec codec,
                                       absl::string_view input,
                                       int64_t max_output_bytes);

// Compresses `input` the way Kafka's Java producer does (gzip member, xerial
// snappy, LZ4 frame, zstd frame). kNone returns the input. CHECK-fails only
// when a library cannot allocate.
std::string Compress(CompressionCodec codec, absl::string_view input);

}  // namespace rtai::broker
