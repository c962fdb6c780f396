#pragma once
// TtlCompactionFilter: drops expired state during RocksDB compaction, so
// expired entries stop costing disk space without a read. Reads also hide
// expired entries (lazily), so correctness does not depend on compaction
// timing; the filter only reclaims space. Stateless apart from the clock:
// the value's first byte tells a single value from a list (state_format.h).
//   single value expired           -> removed
//   list value                     -> expired frames cut; removed if none left
//   merge operand (list frames)    -> removed when every frame expired
//   metadata keys, malformed values -> kept
// Thread-safe (RocksDB calls it from compaction threads); `clock` must
// outlive the DB.

#include "base/clock.h"
#include "rocksdb/compaction_filter.h"

namespace rtai::state {

class TtlCompactionFilter : public rocksdb::CompactionFilter {
 public:
  explicit TtlCompactionFilter(const Clock* clock) : clock_(clock) {}

  bool Filter(int level, const rocksdb::Slice& key, const rocksdb::Slice& value,
              std::string* new_value, bool* value_changed) const override;
  bool FilterMergeOperand(int level, const rocksdb::Slice& key,
                          const rocksdb::Slice& operand) const override;
  const char* Name() const override { return "rtai.TtlCompactionFilter"; }

 private:
  const Clock* clock_;
};

}  // namespace rtai::state
