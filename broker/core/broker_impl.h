#pragma once
// BrokerImpl: the single-node Broker (see broker.h for the contract).
//
// Threads: `disk_threads` DiskWorkers (appends, group-commit fsync, interval
// syncs, retention), one DeadlineTimer thread (long-poll timeouts and the
// periodic retention / interval-flush ticks), and the callers' threads
// (lookups, reads, admission). Produce never blocks: it admits the batch
// against the disk-queue bounds and queues it on its partition's worker.

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "base/random.h"
#include "broker/core/broker.h"
#include "broker/core/deadline_timer.h"
#include "broker/core/disk_worker.h"
#include "broker/core/partition_state.h"
#include "broker/core/producer_id_allocator.h"
#include "broker/topic/topic_table.h"

namespace rtai::broker {

class BrokerImpl final : public Broker {
 public:
  BrokerImpl(BrokerOptions options, FileSystem* fs, Clock* clock,
             std::unique_ptr<TopicTable> table);
  ~BrokerImpl() override;

  // Opens every partition log of the loaded topics and starts the threads.
  absl::Status Start();

  absl::Status CreateTopic(
      const std::string& name, int32_t partitions,
      const std::map<std::string, std::string>& configs) override;
  absl::Status DeleteTopic(const std::string& name) override;
  std::vector<std::string> ListTopics() const override;
  absl::StatusOr<TopicDescription> DescribeTopic(
      const std::string& name) const override;
  absl::StatusOr<TopicSummary> SummarizeTopic(
      const std::string& name) const override;
  void Produce(const std::string& topic, PartitionId partition,
               std::string batch, Acks acks, ProduceCallback done) override;
  void Fetch(const std::string& topic, PartitionId partition, Offset offset,
             int32_t max_bytes, int64_t max_wait_ms,
             FetchCallback done) override;
  absl::StatusOr<PartitionDescription> DescribePartition(
      const std::string& topic, PartitionId partition) const override;
  absl::StatusOr<Offset> OffsetForTimestamp(
      const std::string& topic, PartitionId partition,
      int64_t timestamp_ms) const override;
  NodeId node_id() const override { return options_.node_id; }
  absl::StatusOr<int64_t> AllocateProducerId() override {
    return producer_ids_->Next();
  }
  void Shutdown() override;

 private:
  struct TopicState {
    TopicMetadata meta;
    LogConfig config;
    std::vector<std::shared_ptr<PartitionState>> partitions;
    std::atomic<bool> deleted{false};
  };

  absl::StatusOr<std::shared_ptr<TopicState>> OpenTopic(
      const TopicMetadata& meta) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Single node: this node leads every partition. Partitions recorded with
  // another leader (the node id changed) move here with a bumped epoch.
  absl::StatusOr<TopicMetadata> TakeLeadership(const TopicMetadata& meta)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<std::shared_ptr<PartitionState>> FindPartition(
      const std::string& topic, PartitionId partition) const;
  // kNotFound for an unknown topic, the offline error for an offline one.
  absl::Status MissingTopic(const std::string& name) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  void MarkOffline(const std::string& name, const absl::Status& why)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status ValidateCreate(const std::string& name, int32_t partitions) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  PartitionDescription Describe(const TopicMetadata& meta,
                                const PartitionState& p) const;

  // Long poll.
  void Park(std::shared_ptr<PartitionState> p, Offset offset, int32_t max_bytes,
            int64_t max_wait_ms, FetchCallback done);
  void WakeFetches(const std::shared_ptr<PartitionState>& p);
  void ExpireFetch(const std::shared_ptr<PartitionState>& p,
                   uint64_t waiter_id);
  void CompleteAllParked(PartitionState& p, const absl::Status& status);

  // Periodic work, scheduled on the timer.
  void ScheduleRetention();
  void ScheduleIntervalFlush(std::shared_ptr<TopicState> topic);
  void ReleaseAdmission(int64_t bytes);

  const BrokerOptions options_;
  FileSystem* const fs_;
  Clock* const clock_;

  mutable absl::Mutex mu_;
  std::unique_ptr<TopicTable> table_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::shared_ptr<TopicState>> topics_
      ABSL_GUARDED_BY(mu_);
  // Topics found at start that could not be opened (unreadable manifest,
  // a partition log that failed to open), with why. Their files are kept;
  // every access answers the stored kDataLoss error; DeleteTopic removes them.
  std::map<std::string, absl::Status> offline_ ABSL_GUARDED_BY(mu_);
  Random random_ ABSL_GUARDED_BY(mu_);
  int next_shard_ ABSL_GUARDED_BY(mu_) = 0;

  std::unique_ptr<ProducerIdAllocator> producer_ids_;  // set by Start()
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> queued_requests_{0};
  std::atomic<int64_t> queued_bytes_{0};
  std::atomic<int64_t> parked_fetches_{0};
  std::atomic<uint64_t> next_waiter_id_{1};

  // Destroyed after the workers (declared first) so their requests finish.
  std::unique_ptr<GroupCommitter> committer_;
  std::vector<std::unique_ptr<DiskWorker>> workers_;
  std::unique_ptr<DeadlineTimer> timer_;
  absl::Mutex shutdown_mu_;
  bool shut_down_ ABSL_GUARDED_BY(shutdown_mu_) = false;
};

}  // namespace rtai::broker
