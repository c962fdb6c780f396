#pragma once
// KeyedStateBackend: keyed state of one task (or job) in one RocksDB
// instance. Each stateful operator gets its own column family ("op:<id>"),
// created on first use; inside it every state key starts with the key group
// (big-endian u16), so a key-group range is a contiguous key range for
// rescaling. Layout and TTL: state_format.h and docs/ENGINE.md.
//
//   ASSIGN_OR_RETURN(auto backend, KeyedStateBackend::Open(options));
//   ASSIGN_OR_RETURN(auto counts, backend->GetValueState("count-op",
//   {"count"})); RETURN_IF_ERROR(counts->Put(key, window_ns, value));
//
// Thread-safe: Get*State and checkpoints may be called from any thread. The
// state objects returned are each for one thread, and must be destroyed
// before the backend.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/db.h"
#include "state/aggregating_state.h"
#include "state/keyed_state_options.h"
#include "state/list_state.h"
#include "state/map_state.h"
#include "state/state_descriptor.h"
#include "state/timer_service.h"
#include "state/value_state.h"

namespace rtai::state {

class ListMergeOperator;
class TtlCompactionFilter;

class KeyedStateBackend {
 public:
  // Opens (creating if needed) the instance in options.dir, with all column
  // families found there. kInvalidArgument for bad options,
  // kFailedPrecondition if the dir was created with another max_parallelism.
  static absl::StatusOr<std::unique_ptr<KeyedStateBackend>> Open(
      KeyedStateOptions options);
  ~KeyedStateBackend();

  absl::StatusOr<std::unique_ptr<ValueState>> GetValueState(
      std::string_view operator_id, const StateDescriptor& d);
  absl::StatusOr<std::unique_ptr<ListState>> GetListState(
      std::string_view operator_id, const StateDescriptor& d);
  absl::StatusOr<std::unique_ptr<MapState>> GetMapState(
      std::string_view operator_id, const StateDescriptor& d);
  // `aggregator` must outlive the state.
  absl::StatusOr<std::unique_ptr<AggregatingState>> GetAggregatingState(
      std::string_view operator_id, const StateDescriptor& d,
      const StateAggregator* aggregator);
  // The timers `name` of an operator (ttl_ms must be 0), initialized from
  // what the instance holds (e.g. a restored checkpoint).
  absl::StatusOr<std::unique_ptr<TimerService>> GetTimerService(
      std::string_view operator_id, const StateDescriptor& d,
      TimerServiceOptions options = {});

  // Writes a consistent, openable copy of the whole instance into `dir`
  // (which must not exist) using rocksdb::Checkpoint: memtables are flushed
  // and SST files hard-linked, so it is cheap. Restore = Open() on a copy of
  // that directory. The hook for the engine's checkpoints.
  absl::Status CreateCheckpoint(const std::string& dir);
  // Deletes the state of every key group outside [first, last] in every
  // operator, keeping metadata: what a task does after restoring a checkpoint
  // that covered more key groups than it now owns (rescaling). Uses RocksDB
  // range deletions, which the key-group prefix makes possible.
  // kInvalidArgument unless first <= last < max_parallelism.
  absl::Status ClipToKeyGroups(uint32_t first, uint32_t last);
  // Compacts every column family (drops expired TTL entries now).
  absl::Status CompactAll();
  // Operator ids that have a column family, sorted.
  std::vector<std::string> OperatorIds() const;
  // Number of raw RocksDB entries of an operator, metadata included (tests,
  // diagnostics). kNotFound if the operator has no column family.
  absl::StatusOr<size_t> CountRawEntries(std::string_view operator_id);

  uint32_t max_parallelism() const { return options_.max_parallelism; }

 private:
  explicit KeyedStateBackend(KeyedStateOptions options);
  absl::Status OpenDb();
  rocksdb::ColumnFamilyOptions CfOptions() const;
  absl::StatusOr<rocksdb::ColumnFamilyHandle*> ColumnFamily(
      std::string_view operator_id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Registers (or looks up) a state; returns its context.
  absl::StatusOr<StateContext> Register(std::string_view operator_id,
                                        const StateDescriptor& d,
                                        StateKind kind);

  KeyedStateOptions options_;
  std::shared_ptr<ListMergeOperator> merge_operator_;
  std::unique_ptr<TtlCompactionFilter> compaction_filter_;
  std::shared_ptr<rocksdb::Cache> block_cache_;
  mutable absl::Mutex mu_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // owned; closed in ~
  absl::flat_hash_map<std::string, rocksdb::ColumnFamilyHandle*> by_operator_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace rtai::state
