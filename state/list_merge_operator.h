#pragma once
// ListMergeOperator: ListState appends are RocksDB Merge() calls whose
// operands are self-delimiting list frames (state_format.h), so merging is
// plain byte concatenation: an append is a blind write (no read), and a read
// gets the whole list in one Get(). Thread-safe, stateless.

#include "rocksdb/merge_operator.h"

namespace rtai::state {

class ListMergeOperator : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice& key, const rocksdb::Slice* existing_value,
             const rocksdb::Slice& value, std::string* new_value,
             rocksdb::Logger* logger) const override {
    new_value->clear();
    if (existing_value != nullptr) {
      new_value->reserve(existing_value->size() + value.size());
      new_value->assign(existing_value->data(), existing_value->size());
    }
    new_value->append(value.data(), value.size());
    return true;
  }
  const char* Name() const override { return "rtai.ListMergeOperator"; }
};

}  // namespace rtai::state
