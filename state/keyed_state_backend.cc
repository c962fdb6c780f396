#include "state/keyed_state_backend.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/byte_order.h"
#include "base/logging.h"
#include "base/status_macros.h"
#include "rocksdb/cache.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/checkpoint.h"
#include "state/key_group.h"
#include "state/list_merge_operator.h"
#include "state/rocksdb_status.h"
#include "state/state_format.h"
#include "state/ttl_compaction_filter.h"

namespace rtai::state {
namespace {

constexpr char kCfPrefix[] = "op:";
constexpr char kMaxParallelismKey[] = "rtai.max_parallelism";

}  // namespace

absl::Status KeyedStateOptions::Validate() const {
  if (dir.empty())
    return absl::InvalidArgumentError("keyed state: dir is required");
  if (max_parallelism < 1 || max_parallelism > kMaxParallelismLimit) {
    return absl::InvalidArgumentError(
        absl::StrCat("keyed state: max_parallelism must be 1..",
                     kMaxParallelismLimit, ", got ", max_parallelism));
  }
  if (write_buffer_bytes < (64u << 10)) {
    return absl::InvalidArgumentError(
        "keyed state: write_buffer_bytes below 64 KiB");
  }
  if (sync_writes && !use_wal) {
    return absl::InvalidArgumentError(
        "keyed state: sync_writes requires use_wal");
  }
  if (bloom_bits_per_key < 0 || bloom_bits_per_key > 64) {
    return absl::InvalidArgumentError(
        "keyed state: bloom_bits_per_key must be 0..64");
  }
  return absl::OkStatus();
}

KeyedStateBackend::KeyedStateBackend(KeyedStateOptions options)
    : options_(std::move(options)),
      merge_operator_(std::make_shared<ListMergeOperator>()),
      compaction_filter_(std::make_unique<TtlCompactionFilter>(options_.clock)),
      block_cache_(rocksdb::NewLRUCache(options_.block_cache_bytes)) {}

KeyedStateBackend::~KeyedStateBackend() {
  if (db_ == nullptr) return;
  // Without the WAL the memtables are the only copy of recent writes: flush
  // them explicitly (Close() would too, but silently).
  if (!options_.use_wal) {
    rocksdb::Status s = db_->Flush(rocksdb::FlushOptions(), handles_);
    if (!s.ok()) {
      LogError("keyed state: flush at close failed",
               {{"dir", options_.dir}, {"error", s.ToString()}});
    }
  }
  for (rocksdb::ColumnFamilyHandle* h : handles_) {
    (void)db_->DestroyColumnFamilyHandle(h);
  }
  (void)db_->Close();
}

absl::StatusOr<std::unique_ptr<KeyedStateBackend>> KeyedStateBackend::Open(
    KeyedStateOptions options) {
  RETURN_IF_ERROR(options.Validate());
  if (options.clock == nullptr) options.clock = SystemClock();
  std::unique_ptr<KeyedStateBackend> backend(
      new KeyedStateBackend(std::move(options)));
  RETURN_IF_ERROR(backend->OpenDb());
  return backend;
}

rocksdb::ColumnFamilyOptions KeyedStateBackend::CfOptions() const {
  rocksdb::ColumnFamilyOptions cf;
  cf.merge_operator = merge_operator_;
  cf.compaction_filter = compaction_filter_.get();
  cf.write_buffer_size = options_.write_buffer_bytes;
  // A bloom filter over whole keys in the memtable: point reads of absent
  // keys (a new window, an empty join bucket) skip the skiplist search.
  cf.memtable_whole_key_filtering = true;
  cf.memtable_prefix_bloom_size_ratio = 0.05;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = block_cache_;
  if (options_.bloom_bits_per_key > 0) {
    table.filter_policy.reset(
        rocksdb::NewBloomFilterPolicy(options_.bloom_bits_per_key));
  }
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return cf;
}

absl::Status KeyedStateBackend::OpenDb() {
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  std::vector<std::string> names;
  rocksdb::Status s =
      rocksdb::DB::ListColumnFamilies(db_options, options_.dir, &names);
  if (!s.ok()) names = {rocksdb::kDefaultColumnFamilyName};  // a new instance
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : names)
    descriptors.emplace_back(name, CfOptions());
  rocksdb::DB* raw = nullptr;
  RETURN_IF_ERROR(FromRocksDb(
      rocksdb::DB::Open(db_options, options_.dir, descriptors, &handles_, &raw),
      absl::StrCat("open ", options_.dir)));
  db_.reset(raw);
  absl::MutexLock lock(&mu_);
  for (rocksdb::ColumnFamilyHandle* h : handles_) {
    if (absl::StartsWith(h->GetName(), kCfPrefix)) {
      by_operator_[h->GetName().substr(sizeof(kCfPrefix) - 1)] = h;
    }
  }
  // max_parallelism is fixed per instance: key groups depend on it.
  std::string stored;
  s = db_->Get(rocksdb::ReadOptions(), db_->DefaultColumnFamily(),
               kMaxParallelismKey, &stored);
  if (s.IsNotFound()) {
    char b[4];
    StoreBigEndian<uint32_t>(b, options_.max_parallelism);
    return FromRocksDb(
        db_->Put(rocksdb::WriteOptions(), db_->DefaultColumnFamily(),
                 kMaxParallelismKey, rocksdb::Slice(b, 4)),
        "write max_parallelism");
  }
  RETURN_IF_ERROR(FromRocksDb(s, "read max_parallelism"));
  if (stored.size() != 4)
    return absl::DataLossError("keyed state: bad max_parallelism record");
  const auto was = LoadBigEndian<uint32_t>(stored.data());
  if (was != options_.max_parallelism) {
    return absl::FailedPreconditionError(absl::StrCat(
        "keyed state in ", options_.dir, " was created with max_parallelism ",
        was, ", not ", options_.max_parallelism,
        "; it is fixed for the life of a job"));
  }
  return absl::OkStatus();
}

absl::StatusOr<rocksdb::ColumnFamilyHandle*> KeyedStateBackend::ColumnFamily(
    std::string_view operator_id) {
  if (operator_id.empty() || operator_id.size() > kMaxOperatorIdBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "keyed state: operator id must be 1..", kMaxOperatorIdBytes, " bytes"));
  }
  auto it = by_operator_.find(
      absl::string_view(operator_id.data(), operator_id.size()));
  if (it != by_operator_.end()) return it->second;
  rocksdb::ColumnFamilyHandle* h = nullptr;
  RETURN_IF_ERROR(FromRocksDb(
      db_->CreateColumnFamily(
          CfOptions(), absl::StrCat(kCfPrefix, std::string(operator_id)), &h),
      "create column family"));
  handles_.push_back(h);
  by_operator_[std::string(operator_id)] = h;
  return h;
}

absl::StatusOr<StateContext> KeyedStateBackend::Register(
    std::string_view operator_id, const StateDescriptor& d, StateKind kind) {
  if (d.name.empty() || d.name.size() > kMaxStateNameBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "keyed state: state name must be 1..", kMaxStateNameBytes, " bytes"));
  }
  if (d.ttl_ms < 0)
    return absl::InvalidArgumentError("keyed state: ttl_ms must be >= 0");
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(rocksdb::ColumnFamilyHandle * cf, ColumnFamily(operator_id));
  StateContext ctx{db_.get(),
                   cf,
                   0,
                   d.ttl_ms,
                   options_.clock,
                   options_.max_parallelism,
                   options_.use_wal,
                   options_.sync_writes};
  // Metadata entry: name -> [state_id u16 BE][kind u8].
  std::string meta;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), cf, MetadataKey(d.name), &meta);
  if (s.ok()) {
    if (meta.size() != 3)
      return absl::DataLossError("keyed state: bad state metadata");
    if (static_cast<StateKind>(meta[2]) != kind) {
      return absl::FailedPreconditionError(absl::StrCat(
          "keyed state `", d.name, "` of operator `", std::string(operator_id),
          "` was registered as another kind of state"));
    }
    ctx.state_id = LoadBigEndian<uint16_t>(meta.data());
    return ctx;
  }
  if (!s.IsNotFound()) return FromRocksDb(s, "read state metadata");
  // A new state: the next id is the number of metadata entries.
  uint16_t next_id = 0;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), cf));
  const std::string meta_prefix = MetadataKey("");
  for (it->Seek(meta_prefix); it->Valid() && it->key().starts_with(meta_prefix);
       it->Next()) {
    if (++next_id >= kMaxStatesPerOperator) {
      return absl::ResourceExhaustedError(
          "keyed state: too many states in one operator");
    }
  }
  RETURN_IF_ERROR(FromRocksDb(it->status(), "scan state metadata"));
  char b[3];
  StoreBigEndian<uint16_t>(b, next_id);
  b[2] = static_cast<char>(kind);
  rocksdb::WriteOptions wo;
  wo.sync = true;  // ids must never be reused for another state
  RETURN_IF_ERROR(
      FromRocksDb(db_->Put(wo, cf, MetadataKey(d.name), rocksdb::Slice(b, 3)),
                  "write state metadata"));
  ctx.state_id = next_id;
  return ctx;
}

absl::StatusOr<std::unique_ptr<ValueState>> KeyedStateBackend::GetValueState(
    std::string_view operator_id, const StateDescriptor& d) {
  ASSIGN_OR_RETURN(StateContext ctx,
                   Register(operator_id, d, StateKind::kValue));
  return std::make_unique<ValueState>(ctx);
}

absl::StatusOr<std::unique_ptr<ListState>> KeyedStateBackend::GetListState(
    std::string_view operator_id, const StateDescriptor& d) {
  ASSIGN_OR_RETURN(StateContext ctx,
                   Register(operator_id, d, StateKind::kList));
  return std::make_unique<ListState>(ctx);
}

absl::StatusOr<std::unique_ptr<MapState>> KeyedStateBackend::GetMapState(
    std::string_view operator_id, const StateDescriptor& d) {
  ASSIGN_OR_RETURN(StateContext ctx, Register(operator_id, d, StateKind::kMap));
  return std::make_unique<MapState>(ctx);
}

absl::StatusOr<std::unique_ptr<AggregatingState>>
KeyedStateBackend::GetAggregatingState(std::string_view operator_id,
                                       const StateDescriptor& d,
                                       const StateAggregator* aggregator) {
  ASSIGN_OR_RETURN(StateContext ctx,
                   Register(operator_id, d, StateKind::kAggregating));
  return std::make_unique<AggregatingState>(ctx, aggregator);
}

absl::StatusOr<std::unique_ptr<TimerService>> KeyedStateBackend::GetTimerService(
    std::string_view operator_id, const StateDescriptor& d,
    TimerServiceOptions options) {
  if (d.ttl_ms != 0)
    return absl::InvalidArgumentError("keyed state: timers have no TTL");
  ASSIGN_OR_RETURN(StateContext ctx,
                   Register(operator_id, d, StateKind::kTimers));
  auto timers = std::make_unique<TimerService>(ctx, options);
  RETURN_IF_ERROR(timers->Init());
  return timers;
}

absl::Status KeyedStateBackend::CreateCheckpoint(const std::string& dir) {
  rocksdb::Checkpoint* raw = nullptr;
  RETURN_IF_ERROR(
      FromRocksDb(rocksdb::Checkpoint::Create(db_.get(), &raw), "checkpoint"));
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  return FromRocksDb(checkpoint->CreateCheckpoint(dir),
                     absl::StrCat("checkpoint to ", dir));
}

absl::Status KeyedStateBackend::ClipToKeyGroups(uint32_t first, uint32_t last) {
  if (first > last || last >= options_.max_parallelism) {
    return absl::InvalidArgumentError(
        absl::StrCat("keyed state: bad key group range [", first, ", ", last,
                     "] for max_parallelism ", options_.max_parallelism));
  }
  auto group_key = [](uint32_t group) {
    std::string k(2, '\0');
    StoreBigEndian<uint16_t>(k.data(), static_cast<uint16_t>(group));
    return k;
  };
  const std::string begin = group_key(first);
  const std::string end = group_key(last + 1);                // exclusive
  const std::string metadata = group_key(kMetadataKeyGroup);  // kept
  absl::MutexLock lock(&mu_);
  for (const auto& [id, cf] : by_operator_) {
    if (first > 0) {
      RETURN_IF_ERROR(FromRocksDb(
          db_->DeleteRange(rocksdb::WriteOptions(), cf, std::string(), begin),
          "clip"));
    }
    RETURN_IF_ERROR(FromRocksDb(
        db_->DeleteRange(rocksdb::WriteOptions(), cf, end, metadata), "clip"));
  }
  return absl::OkStatus();
}

absl::Status KeyedStateBackend::CompactAll() {
  absl::MutexLock lock(&mu_);
  for (rocksdb::ColumnFamilyHandle* h : handles_) {
    rocksdb::CompactRangeOptions o;
    o.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    RETURN_IF_ERROR(
        FromRocksDb(db_->Flush(rocksdb::FlushOptions(), h), "flush"));
    RETURN_IF_ERROR(
        FromRocksDb(db_->CompactRange(o, h, nullptr, nullptr), "compact"));
  }
  return absl::OkStatus();
}

std::vector<std::string> KeyedStateBackend::OperatorIds() const {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> ids;
  for (const auto& [id, h] : by_operator_) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

absl::StatusOr<size_t> KeyedStateBackend::CountRawEntries(
    std::string_view operator_id) {
  rocksdb::ColumnFamilyHandle* cf;
  {
    absl::MutexLock lock(&mu_);
    auto it = by_operator_.find(
        absl::string_view(operator_id.data(), operator_id.size()));
    if (it == by_operator_.end())
      return absl::NotFoundError("no such operator");
    cf = it->second;
  }
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), cf));
  size_t n = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++n;
  RETURN_IF_ERROR(FromRocksDb(it->status(), "count"));
  return n;
}

}  // namespace rtai::state
