#pragma once
// JoinRowTier: the interval join's bounded in-memory write-back tier for
// buffered rows (the encoded rows of interval_join_operator_rows.h), per
// side, bucket start and join key, in arrival order. Rows of recent buckets
// stay here until the tier is full (the operator then spills the oldest
// buckets to RocksDB), a checkpoint flushes them, or the watermark passes
// their bucket's cleanup time (dropped: they never touch RocksDB).
// Size is charged in bytes: each row its length + kRowOverhead, each key of
// a bucket its length + kKeyOverhead (an estimate of the containers' own
// memory); bytes() never exceeds bound_bytes() — Add CHECKs it.
// Thread safety: none (one task thread). Owned by the operator.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"

namespace rtai::engine::operators {

struct IntervalJoinTierOptions {
  // Default: 64 MiB. Bytes of buffered rows kept in memory per operator
  // subtask (charged as above). 0 = none: every row goes to RocksDB.
  size_t memory_bytes = size_t{64} << 20;
};

class JoinRowTier {
 public:
  static constexpr size_t kRowOverhead = 32;
  static constexpr size_t kKeyOverhead = 96;

  explicit JoinRowTier(size_t bound_bytes) : bound_(bound_bytes) {}
  JoinRowTier(const JoinRowTier&) = delete;
  JoinRowTier& operator=(const JoinRowTier&) = delete;

  // Bytes that adding `row` under `key` to (side, bucket) would charge.
  size_t Charge(int side, int64_t bucket, std::string_view key, std::string_view row) const;
  // Appends a row; CHECKs that it fits (bytes() + Charge(...) <= bound).
  void Add(int side, int64_t bucket, std::string_view key, std::string_view row);
  // Appends views of the rows of (side, bucket, key), in arrival order, to
  // `out`; valid until the tier is next changed.
  void Get(int side, int64_t bucket, std::string_view key,
           std::vector<std::string_view>* out) const;
  // The oldest bucket (smallest start; on a tie side 0). False when empty.
  bool Oldest(int* side, int64_t* bucket) const;
  // Removes (side, bucket), calling fn(key, rows) for each of its keys
  // (rows in arrival order). The first error stops the walk and is
  // returned; the bucket is removed either way (the caller fails the task).
  using KeyRowsFn =
      std::function<absl::Status(const std::string& key, const std::vector<std::string>& rows)>;
  absl::Status Take(int side, int64_t bucket, const KeyRowsFn& fn);
  // Drops the buckets of `side` while due(bucket start) holds, oldest
  // first; returns the number of rows dropped.
  size_t DropWhile(int side, const std::function<bool(int64_t)>& due);

  size_t bytes() const { return bytes_; }
  size_t bound_bytes() const { return bound_; }
  size_t rows() const { return rows_; }
  bool empty() const { return buckets_[0].empty() && buckets_[1].empty(); }

 private:
  struct Bucket {
    absl::flat_hash_map<std::string, std::vector<std::string>> keys;
    size_t bytes = 0;
    size_t rows = 0;
  };
  void Erase(int side, std::map<int64_t, Bucket>::iterator it);

  size_t bound_;
  size_t bytes_ = 0;
  size_t rows_ = 0;
  std::map<int64_t, Bucket> buckets_[2];
};

}  // namespace rtai::engine::operators
