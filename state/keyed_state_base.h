#pragma once
// The shared plumbing of the keyed state kinds: the RocksDB handles, key
// encoding into a reused buffer, TTL expiry. Each state object is used by
// one task thread (not thread-safe: it owns scratch buffers) and must not
// outlive its KeyedStateBackend.

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/clock.h"
#include "rocksdb/db.h"
#include "state/state_format.h"

namespace rtai::state {

struct StateContext {
  rocksdb::DB* db = nullptr;
  rocksdb::ColumnFamilyHandle* cf = nullptr;
  uint16_t state_id = 0;
  int64_t ttl_ms = 0;
  const Clock* clock = nullptr;
  uint32_t max_parallelism = 0;
  bool use_wal = false;
  bool sync_writes = false;
};

class KeyedStateBase {
 public:
  KeyedStateBase(const KeyedStateBase&) = delete;
  KeyedStateBase& operator=(const KeyedStateBase&) = delete;
  virtual ~KeyedStateBase() = default;

  uint16_t state_id() const { return ctx_.state_id; }

 protected:
  explicit KeyedStateBase(const StateContext& ctx);

  // Encodes (key group of key, state id, key, ns) into key_buf_.
  const std::string& MakeKey(std::string_view key, std::string_view ns);
  int64_t NowMs() const { return ctx_.clock->NowMillis(); }
  int64_t NewExpiry() const { return ExpiryFor(NowMs(), ctx_.ttl_ms); }

  // Reads `k`; *found false if absent.
  absl::Status Read(const std::string& k, rocksdb::PinnableSlice* value,
                    bool* found);
  absl::Status Write(const std::string& k, std::string_view value);
  absl::Status Merge(const std::string& k, std::string_view operand);
  absl::Status Delete(const std::string& k);

  // One TTL-stamped value at (key, ns), as ValueState and AggregatingState
  // keep them. ReadSingle: false when absent or expired; kDataLoss naming
  // `what` when the stored bytes are malformed.
  absl::StatusOr<bool> ReadSingle(std::string_view key, std::string_view ns,
                                  const char* what, std::string* out);
  absl::Status WriteSingle(std::string_view key, std::string_view ns,
                           std::string_view payload);

  StateContext ctx_;
  rocksdb::WriteOptions write_options_;
  rocksdb::ReadOptions read_options_;
  std::string key_buf_;
  std::string value_buf_;
};

}  // namespace rtai::state
