#pragma once
// Encoding of operator snapshots (Operator::SnapshotState bytes): a small
// versioned, checksummed binary format shared by the built-in operators.
//
// Layout (little-endian): "RTOS" | u32 tag | u16 version | payload |
// u32 CRC-32C of everything before it (docs/formats/checkpoint.md). Readers
// never trust a length: every count is checked against a caller-given
// maximum and the bytes left; corrupt input is kDataLoss, never a crash.
// Values (engine/record/value.h) are encoded with a type tag and a null
// flag; string/bytes Values read back point into the reader's input, so the
// caller copies them before the input goes away.

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/record/value.h"

namespace rtai::engine::runtime {

// One tag per snapshotting operator; stable forever.
enum class SnapshotTag : uint32_t {
  kBrokerSource = 1,
  kWindowOperator = 2,
  kIntervalJoin = 3,
  kBrokerSink = 4,
};

class SnapshotWriter {
 public:
  SnapshotWriter(SnapshotTag tag, uint16_t version);
  void U8(uint8_t v) { buf_.push_back(static_cast<char>(v)); }
  void U32(uint32_t v);
  void I64(int64_t v);
  void Bytes(std::string_view s);
  void Val(const Value& v);
  // Appends the checksum and returns the bytes; the writer is spent.
  std::string Finish();

 private:
  std::string buf_;
};

class SnapshotReader {
 public:
  // Checks magic, tag, version <= max_version and the CRC.
  static absl::StatusOr<SnapshotReader> Open(std::string_view bytes, SnapshotTag tag,
                                             uint16_t max_version);
  uint16_t version() const { return version_; }
  absl::Status U8(uint8_t* v);
  absl::Status U32(uint32_t* v);
  absl::Status I64(int64_t* v);
  // A view into the input.
  absl::Status Bytes(std::string_view* s, uint64_t max_bytes);
  absl::Status Val(Value* v);
  // A loop count: <= max_count and <= bytes left / min_item_bytes.
  absl::Status Count(uint64_t* n, uint64_t max_count, uint64_t min_item_bytes);
  // OK only when every payload byte was consumed.
  absl::Status Done() const;

 private:
  SnapshotReader(std::string_view payload, uint16_t version)
      : payload_(payload), version_(version) {}
  absl::Status Need(size_t n) const;

  std::string_view payload_;
  size_t pos_ = 0;
  uint16_t version_;
};

}  // namespace rtai::engine::runtime
