#pragma once
// Broker: the single-node broker facade. Owns the topic table, every
// partition's PartitionLog, the disk threads (appends), the group committer
// (fsyncs) and the timer (long-poll deadlines, retention, interval flushes).
// The gRPC BrokerService, the Kafka front and the engine's in-process
// partition client all go through this class. Design: docs/BROKER.md.
//
// Thread safety: all methods are thread-safe. Callbacks run on a broker
// thread (disk, fsync or timer) or on the thread that called; they must not
// block. Network threads may call Produce/Fetch freely: Produce never blocks
// on disk; Fetch reads already-available data (page cache) on the calling
// thread and otherwise parks without blocking it.
// Ownership: FileSystem and Clock passed to Open must outlive the Broker.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/clock.h"
#include "base/file_system.h"
#include "base/ids.h"
#include "broker/core/broker_options.h"
#include "broker/log/partition_log.h"
#include "broker/log/txn_index.h"

namespace rtai::broker::txn {
class TransactionCoordinator;
}  // namespace rtai::broker::txn

namespace rtai::broker {

struct PartitionDescription {
  PartitionId partition;
  NodeId leader;
  LeaderEpoch leader_epoch;
  Offset log_start_offset;
  Offset high_watermark;  // consumers see offsets below this
  Offset log_end_offset;
  int64_t size_bytes = 0;
  int32_t segment_count = 0;
  // read_committed consumers see offsets below this: min(high watermark,
  // first offset of the oldest open transaction).
  Offset last_stable_offset;
};

struct TopicDescription {
  std::string name;
  std::vector<PartitionDescription> partitions;
  // Explicitly set topic configs (Kafka names, e.g. "retention.ms").
  std::map<std::string, std::string> configs;
  std::string topic_id;  // 32 hex digits, fixed at creation
};

// Kafka acks: kNone (0) answers before the write; kLeader (1) after the
// write reached the log; kAll (-1) after it is durable per the topic's
// flush policy (fsync with group commit under kPerWrite).
enum class Acks { kNone, kLeader, kAll };

// Kafka's isolation levels: read_uncommitted reads up to the high
// watermark; read_committed up to the last stable offset, with the aborted
// transactions of the range (docs/TRANSACTIONS.md).
enum class Isolation { kReadUncommitted, kReadCommitted };

struct FetchResult {
  std::string batches;  // whole Kafka v2 batches, as PartitionLog::Read
  Offset high_watermark;
  Offset log_start_offset;
  Offset last_stable_offset;
  // kReadCommitted only: the aborted transactions overlapping the batches.
  std::vector<AbortedTxn> aborted_transactions;
};

// What a front end needs to route records to partitions.
struct TopicSummary {
  int32_t partition_count = 0;
  int32_t max_message_bytes = 0;  // the topic's max.message.bytes
};

using ProduceCallback = absl::AnyInvocable<void(absl::StatusOr<AppendInfo>)>;
using FetchCallback = absl::AnyInvocable<void(absl::StatusOr<FetchResult>)>;

class Broker {
 public:
  // Opens the data directory, loads topic metadata and recovers every
  // partition log (see PartitionLog::Open).
  static absl::StatusOr<std::unique_ptr<Broker>> Open(BrokerOptions options,
                                                      FileSystem* fs,
                                                      Clock* clock);
  virtual ~Broker() = default;

  // Errors: kAlreadyExists, kInvalidArgument (bad name, partition count out
  // of [1, options.max_partitions_per_topic], unknown or invalid config key
  // or value), kResourceExhausted (broker-wide partition limit).
  virtual absl::Status CreateTopic(
      const std::string& name, int32_t partitions,
      const std::map<std::string, std::string>& configs) = 0;
  // Removes the topic and its data. kNotFound if unknown.
  virtual absl::Status DeleteTopic(const std::string& name) = 0;
  virtual std::vector<std::string> ListTopics() const = 0;
  virtual absl::StatusOr<TopicDescription> DescribeTopic(
      const std::string& name) const = 0;
  // Cheap (no log stats). kNotFound if unknown. The default implementation
  // (for test doubles) derives it from DescribeTopic and the LogConfig
  // default of max.message.bytes unless the topic sets it.
  virtual absl::StatusOr<TopicSummary> SummarizeTopic(
      const std::string& name) const;

  // Appends one Kafka v2 record batch to a partition (validated, offsets
  // assigned, stamped with the partition's leader epoch) on a disk thread
  // and calls `done` per `acks` (kNone: at once, offsets -1). The batch is
  // moved down to the log, never copied. Errors: kNotFound (unknown topic or
  // partition), kInvalidArgument (corrupt batch), kResourceExhausted (batch
  // too large, or the disk queue is full: back off), kFailedPrecondition
  // (the partition's log failed, e.g. after an fsync error), kUnavailable
  // (shutting down).
  virtual void Produce(const std::string& topic, PartitionId partition,
                       std::string batch, Acks acks, ProduceCallback done) = 0;

  // Reads whole batches from `offset` up to the high watermark. If nothing
  // is available at `offset` yet (offset in [high watermark, log end]),
  // waits up to max_wait_ms (capped by options.max_fetch_wait_ms) for data
  // before answering with an empty result (long poll). Errors: kNotFound,
  // kOutOfRange (offset below log start or above log end),
  // kInvalidArgument (max_bytes < 1), kDataLoss (corrupt data in range;
  // never served), kUnavailable (shutting down).
  virtual void Fetch(const std::string& topic, PartitionId partition,
                     Offset offset, int32_t max_bytes, int64_t max_wait_ms,
                     FetchCallback done) = 0;
  // Fetch at an isolation level: kReadCommitted reads and long-polls up to
  // the last stable offset and fills aborted_transactions. The default (for
  // test doubles without transactions) is Fetch with last_stable_offset =
  // high watermark.
  virtual void FetchIsolated(const std::string& topic, PartitionId partition,
                             Offset offset, int32_t max_bytes,
                             int64_t max_wait_ms, Isolation isolation,
                             FetchCallback done);

  // Offset lookups for ListOffsets: earliest, latest (high watermark), or the
  // first offset whose timestamp >= timestamp_ms.
  virtual absl::StatusOr<PartitionDescription> DescribePartition(
      const std::string& topic, PartitionId partition) const = 0;
  virtual absl::StatusOr<Offset> OffsetForTimestamp(
      const std::string& topic, PartitionId partition,
      int64_t timestamp_ms) const = 0;

  virtual NodeId node_id() const = 0;

  // A new idempotent-producer id, never handed out before (also across
  // restarts: see ProducerIdAllocator). May block for one atomic file write;
  // never call it on a network thread. The default (for test doubles) is
  // kUnimplemented.
  virtual absl::StatusOr<int64_t> AllocateProducerId();

  // The transaction coordinator (docs/TRANSACTIONS.md), or nullptr when this
  // broker has none (the default, for test doubles). Owned by the broker.
  virtual txn::TransactionCoordinator* transactions() { return nullptr; }

  // Stops accepting work (kUnavailable), finishes queued appends and their
  // fsyncs, answers parked fetches with what is available, then syncs and
  // closes every log. Every callback has run when it returns. Idempotent.
  virtual void Shutdown() = 0;
};

// Blocking helpers over the async API, for tests, the CLI path and the engine.
absl::StatusOr<AppendInfo> ProduceAndWait(Broker& broker,
                                          const std::string& topic,
                                          PartitionId partition,
                                          std::string batch, Acks acks);
absl::StatusOr<FetchResult> FetchAndWait(
    Broker& broker, const std::string& topic, PartitionId partition,
    Offset offset, int32_t max_bytes, int64_t max_wait_ms,
    Isolation isolation = Isolation::kReadUncommitted);

}  // namespace rtai::broker
