#pragma once
// Versioned, checksummed binary encoding for ML state (learners, detectors,
// metrics) that becomes operator state in checkpoints.
//
// Layout (little-endian): "RTML" | u32 type tag | u16 version | payload |
// u32 CRC-32C of everything before it. Doubles are stored as their IEEE bit
// patterns, so a restore is bit-exact. Readers never trust a length: every
// count is checked against a caller-given maximum and the bytes left, and any
// failure is an InvalidArgument/DataLoss Status, never a crash.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rtai::ml {

// Type tags: one per serializable class (stable forever; never reuse).
enum class StateTag : uint32_t {
  kFtrl = 1,
  kSgdLogistic = 2,
  kStandardScaler = 3,
  kHoeffdingTree = 4,
  kAdwin = 5,
  kPageHinkley = 6,
  kDdm = 7,
  kPrequentialMetrics = 8,
  kDistributionMonitor = 9,
  kChampionChallenger = 10,
};

// Builds one encoded state. Not thread-safe.
class StateWriter {
 public:
  StateWriter(StateTag tag, uint16_t version);
  void U8(uint8_t v) { buf_.push_back(static_cast<char>(v)); }
  void U32(uint32_t v);
  void U64(uint64_t v);
  void I64(int64_t v) { U64(static_cast<uint64_t>(v)); }
  void F64(double v);
  void Bool(bool v) { U8(v ? 1 : 0); }
  void String(absl::string_view s);
  void F64Vector(const std::vector<double>& v);
  // Nested encoded state (e.g. a metric inside champion-challenger).
  void Nested(absl::string_view encoded) { String(encoded); }
  // Appends the checksum and returns the bytes; the writer is spent.
  std::string Finish();

 private:
  std::string buf_;
};

// Reads one encoded state. Open() checks magic, tag, version range and CRC.
class StateReader {
 public:
  static absl::StatusOr<StateReader> Open(absl::string_view bytes, StateTag tag,
                                          uint16_t max_version);
  uint16_t version() const { return version_; }

  absl::Status U8(uint8_t* v);
  absl::Status U32(uint32_t* v);
  absl::Status U64(uint64_t* v);
  absl::Status I64(int64_t* v);
  absl::Status F64(double* v);
  // Rejects non-finite values (most fields must be finite).
  absl::Status FiniteF64(double* v);
  absl::Status Bool(bool* v);
  absl::Status String(std::string* s, uint64_t max_bytes);
  absl::Status F64Vector(std::vector<double>* v, uint64_t max_count);
  // A count that will drive a loop: checked against max_count and against
  // the bytes left assuming each item takes at least min_item_bytes.
  absl::Status Count(uint64_t* n, uint64_t max_count, uint64_t min_item_bytes);
  // OK only when every payload byte was consumed.
  absl::Status Done() const;

 private:
  StateReader(absl::string_view payload, uint16_t version)
      : payload_(payload), version_(version) {}
  absl::Status Need(size_t n) const;

  absl::string_view payload_;
  size_t pos_ = 0;
  uint16_t version_;
};

// Error helper for decoders: "<what>: <detail>" as InvalidArgument.
absl::Status CorruptState(absl::string_view what, absl::string_view detail);

}  // namespace rtai::ml
