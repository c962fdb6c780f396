#include "broker/core/broker_impl.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/logging.h"
#include "base/status_macros.h"
#include "broker/topic/topic_config.h"
#include "broker/topic/topic_name.h"

namespace rtai::broker {

BrokerImpl::BrokerImpl(BrokerOptions options, FileSystem* fs, Clock* clock,
                       std::unique_ptr<TopicTable> table)
    : options_(std::move(options)),
      fs_(fs),
      clock_(clock),
      table_(std::move(table)),
      random_(static_cast<uint64_t>(clock->NowMillis()) ^
              (static_cast<uint64_t>(clock->MonotonicNanos()) << 7) ^
              static_cast<uint64_t>(options_.node_id.value())) {}

BrokerImpl::~BrokerImpl() { Shutdown(); }

absl::Status BrokerImpl::Start() {
  ASSIGN_OR_RETURN(producer_ids_,
                   ProducerIdAllocator::Open(
                       fs_, JoinPath(options_.data_dir, "producer_id_block")));
  timer_ = std::make_unique<DeadlineTimer>(clock_);
  GroupCommitOptions commit_options;
  commit_options.disk_threads = options_.disk_threads;
  // Above the admission bound, so the committer never refuses an append.
  commit_options.max_pending_requests = options_.disk_queue_capacity + 1024;
  commit_options.metrics = options_.metrics;
  committer_ = std::make_unique<GroupCommitter>(commit_options);
  for (int i = 0; i < options_.disk_threads; ++i) {
    DiskWorker::Hooks hooks;
    hooks.hw_moved = [this](const std::shared_ptr<PartitionState>& p) {
      WakeFetches(p);
    };
    hooks.released = [this](int64_t bytes) { ReleaseAdmission(bytes); };
    workers_.push_back(
        std::make_unique<DiskWorker>(i, committer_.get(), std::move(hooks)));
  }
  int64_t partitions = 0;
  {
    absl::MutexLock l(&mu_);
    for (const auto& [name, why] : table_->unreadable()) MarkOffline(name, why);
    for (const std::string& name : table_->Names()) {
      absl::StatusOr<TopicMetadata> meta = TakeLeadership(*table_->Find(name));
      absl::StatusOr<std::shared_ptr<TopicState>> topic =
          meta.ok() ? OpenTopic(*meta) : meta.status();
      if (!topic.ok()) {
        MarkOffline(name, topic.status());
        continue;
      }
      partitions += (*topic)->meta.partition_count;
      topics_.emplace(name, *topic);
      ScheduleIntervalFlush(*topic);
    }
    LogInfo("broker started", {{"data_dir", options_.data_dir},
                               {"node_id", options_.node_id.value()},
                               {"topics_recovered", topics_.size()},
                               {"topics_offline", offline_.size()},
                               {"partitions", partitions}});
  }
  ScheduleRetention();
  return absl::OkStatus();
}

absl::StatusOr<TopicMetadata> BrokerImpl::TakeLeadership(
    const TopicMetadata& meta) {
  TopicMetadata updated = meta;
  bool changed = false;
  for (PartitionAssignment& a : updated.partitions) {
    if (a.leader == options_.node_id) continue;
    a.leader = options_.node_id;
    a.leader_epoch = LeaderEpoch(a.leader_epoch.value() + 1);
    changed = true;
  }
  if (!changed) return updated;
  RETURN_IF_ERROR(table_->Update(updated));
  LogInfo("took leadership of topic",
          {{"topic", meta.name}, {"node_id", options_.node_id.value()}});
  return updated;
}

void BrokerImpl::MarkOffline(const std::string& name, const absl::Status& why) {
  LogError("topic is offline: it could not be opened; its files are kept, other topics "
           "are served; delete it to drop it",
           {{"topic", name}, {"error", why.ToString()}});
  offline_[name] = absl::DataLossError(
      absl::StrCat("topic \"", name, "\" is offline (it failed to open at start): ",
                   why.message()));
}

absl::Status BrokerImpl::MissingTopic(const std::string& name) const {
  auto it = offline_.find(name);
  if (it != offline_.end()) return it->second;
  return absl::NotFoundError(absl::StrCat("unknown topic \"", name, "\""));
}

absl::StatusOr<std::shared_ptr<BrokerImpl::TopicState>> BrokerImpl::OpenTopic(
    const TopicMetadata& meta) {
  auto topic = std::make_shared<TopicState>();
  topic->meta = meta;
  absl::StatusOr<LogConfig> config =
      ApplyTopicConfigs(options_.log_defaults, meta.configs);
  if (!config.ok()) {
    return absl::DataLossError(absl::StrCat(
        "topic \"", meta.name,
        "\" has invalid stored configs: ", config.status().message()));
  }
  topic->config = *config;
  for (const PartitionAssignment& a : meta.partitions) {
    const int32_t id = a.partition.value();
    auto log = PartitionLog::Open(table_->PartitionDir(meta.name, id),
                                  PartitionLogName{meta.name, id}, *config, fs_,
                                  clock_);
    if (!log.ok()) {
      for (auto& p : topic->partitions) (void)p->Close();
      return log.status();
    }
    auto p = std::make_shared<PartitionState>(
        meta.name, a.partition, a.leader_epoch, config->flush_policy,
        next_shard_++ % options_.disk_threads, *std::move(log));
    p->max_message_bytes = config->max_message_bytes;
    topic->partitions.push_back(std::move(p));
  }
  return topic;
}

absl::Status BrokerImpl::ValidateCreate(const std::string& name,
                                        int32_t partitions) const {
  if (topics_.count(name) != 0) {
    return absl::AlreadyExistsError(
        absl::StrCat("topic \"", name, "\" already exists"));
  }
  if (auto it = offline_.find(name); it != offline_.end()) {
    return absl::AlreadyExistsError(absl::StrCat(
        it->second.message(), "; delete it first to reuse the name"));
  }
  const int64_t total = table_->total_partitions() + partitions;
  if (total > options_.max_partitions_total) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "creating ", partitions, " partitions would bring the broker to ",
        total, "; the limit is ", options_.max_partitions_total));
  }
  return absl::OkStatus();
}

absl::Status BrokerImpl::CreateTopic(
    const std::string& name, int32_t partitions,
    const std::map<std::string, std::string>& configs) {
  if (stopping_) return absl::UnavailableError("broker is shutting down");
  RETURN_IF_ERROR(ValidateTopicName(name));
  if (partitions < 1 || partitions > options_.max_partitions_per_topic) {
    return absl::InvalidArgumentError(absl::StrCat(
        "partition count ", partitions, " is out of range [1, ",
        options_.max_partitions_per_topic, "] (max_partitions_per_topic)"));
  }
  ASSIGN_OR_RETURN(LogConfig config,
                   ApplyTopicConfigs(options_.log_defaults, configs));
  absl::MutexLock l(&mu_);
  RETURN_IF_ERROR(ValidateCreate(name, partitions));
  TopicMetadata meta;
  meta.name = name;
  for (uint8_t& b : meta.topic_id) b = static_cast<uint8_t>(random_.Next());
  meta.partition_count = partitions;
  meta.created_ms = clock_->NowMillis();
  meta.configs = configs;
  for (int32_t i = 0; i < partitions; ++i) {
    meta.partitions.push_back(
        {PartitionId(i), options_.node_id, LeaderEpoch(0)});
  }
  RETURN_IF_ERROR(table_->Create(meta));
  absl::StatusOr<std::shared_ptr<TopicState>> topic = OpenTopic(meta);
  if (!topic.ok()) {
    (void)table_->Delete(name);
    return topic.status();
  }
  topics_.emplace(name, *topic);
  ScheduleIntervalFlush(*topic);
  LogInfo("topic created",
          {{"topic", name},
           {"partitions", partitions},
           {"flush_policy", FlushPolicyName(config.flush_policy)},
           {"topic_id", TopicIdToString(meta.topic_id)}});
  return absl::OkStatus();
}

absl::Status BrokerImpl::DeleteTopic(const std::string& name) {
  if (stopping_) return absl::UnavailableError("broker is shutting down");
  absl::MutexLock l(&mu_);
  if (offline_.count(name) != 0) {
    RETURN_IF_ERROR(table_->Delete(name));
    offline_.erase(name);
    LogInfo("offline topic deleted", {{"topic", name}});
    return absl::OkStatus();
  }
  auto it = topics_.find(name);
  if (it == topics_.end()) return MissingTopic(name);
  std::shared_ptr<TopicState> topic = it->second;
  topics_.erase(it);
  topic->deleted = true;
  for (auto& p : topic->partitions) {
    absl::Status s = p->Close();
    if (!s.ok()) {
      LogWarning("closing a deleted partition failed",
                 {{"topic", name}, {"error", s.ToString()}});
    }
    CompleteAllParked(*p, PartitionGoneError(*p));
  }
  RETURN_IF_ERROR(table_->Delete(name));
  LogInfo("topic deleted", {{"topic", name}});
  return absl::OkStatus();
}

std::vector<std::string> BrokerImpl::ListTopics() const {
  absl::ReaderMutexLock l(&mu_);
  std::vector<std::string> names = table_->Names();
  for (const auto& [name, why] : table_->unreadable()) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

PartitionDescription BrokerImpl::Describe(const TopicMetadata& meta,
                                          const PartitionState& p) const {
  PartitionDescription d;
  d.partition = p.partition;
  d.leader = meta.partitions[p.partition.value()].leader;
  d.leader_epoch = p.leader_epoch;
  absl::ReaderMutexLock l(&p.life_mu);
  if (p.closed) return d;
  LogStats stats = p.log->Stats();
  d.log_start_offset = stats.log_start_offset;
  d.log_end_offset = stats.log_end_offset;
  d.high_watermark = p.HighWatermark();
  d.size_bytes = stats.size_bytes;
  d.segment_count = stats.segment_count;
  return d;
}

absl::StatusOr<TopicDescription> BrokerImpl::DescribeTopic(
    const std::string& name) const {
  absl::ReaderMutexLock l(&mu_);
  auto it = topics_.find(name);
  if (it == topics_.end()) return MissingTopic(name);
  TopicDescription d;
  d.name = name;
  d.topic_id = TopicIdToString(it->second->meta.topic_id);
  d.configs = it->second->meta.configs;
  for (const auto& p : it->second->partitions) {
    d.partitions.push_back(Describe(it->second->meta, *p));
  }
  return d;
}

absl::StatusOr<TopicSummary> BrokerImpl::SummarizeTopic(
    const std::string& name) const {
  absl::ReaderMutexLock l(&mu_);
  auto it = topics_.find(name);
  if (it == topics_.end()) return MissingTopic(name);
  return TopicSummary{it->second->meta.partition_count,
                      it->second->config.max_message_bytes};
}

absl::StatusOr<std::shared_ptr<PartitionState>> BrokerImpl::FindPartition(
    const std::string& topic, PartitionId partition) const {
  absl::ReaderMutexLock l(&mu_);
  auto it = topics_.find(topic);
  if (it == topics_.end()) return MissingTopic(topic);
  const auto& parts = it->second->partitions;
  if (partition.value() < 0 ||
      partition.value() >= static_cast<int32_t>(parts.size())) {
    return absl::NotFoundError(
        absl::StrCat("topic \"", topic, "\" has no partition ",
                     partition.value(), " (it has ", parts.size(), ")"));
  }
  return parts[partition.value()];
}

absl::StatusOr<PartitionDescription> BrokerImpl::DescribePartition(
    const std::string& topic, PartitionId partition) const {
  ASSIGN_OR_RETURN(std::shared_ptr<PartitionState> p,
                   FindPartition(topic, partition));
  absl::ReaderMutexLock l(&mu_);
  auto it = topics_.find(topic);
  if (it == topics_.end()) return PartitionGoneError(*p);
  return Describe(it->second->meta, *p);
}

absl::StatusOr<Offset> BrokerImpl::OffsetForTimestamp(
    const std::string& topic, PartitionId partition,
    int64_t timestamp_ms) const {
  ASSIGN_OR_RETURN(std::shared_ptr<PartitionState> p,
                   FindPartition(topic, partition));
  absl::ReaderMutexLock l(&p->life_mu);
  if (p->closed) return PartitionGoneError(*p);
  ASSIGN_OR_RETURN(Offset offset, p->log->OffsetForTimestamp(timestamp_ms));
  return std::min(offset, p->HighWatermark());
}

void BrokerImpl::Produce(const std::string& topic, PartitionId partition,
                         std::string batch, Acks acks, ProduceCallback done) {
  if (stopping_) return done(absl::UnavailableError("broker is shutting down"));
  absl::StatusOr<std::shared_ptr<PartitionState>> p =
      FindPartition(topic, partition);
  if (!p.ok()) return done(p.status());
  const int64_t size = static_cast<int64_t>(batch.size());
  if (size > (*p)->max_message_bytes) {
    return done(absl::ResourceExhaustedError(absl::StrCat(
        "record batch of ", size, " bytes exceeds max.message.bytes=",
        (*p)->max_message_bytes, " of topic \"", topic, "\"")));
  }
  const int64_t requests = queued_requests_.fetch_add(1) + 1;
  const int64_t bytes = queued_bytes_.fetch_add(size) + size;
  if (requests > options_.disk_queue_capacity ||
      bytes > options_.disk_queue_bytes_max) {
    ReleaseAdmission(size);
    return done(absl::ResourceExhaustedError(absl::StrCat(
        "disk queue full (", requests - 1, " requests, ", bytes - size,
        " bytes queued; limits ", options_.disk_queue_capacity, " and ",
        options_.disk_queue_bytes_max, "); back off and retry")));
  }
  DiskTask task;
  task.kind = DiskTask::Kind::kAppend;
  task.partition = *p;
  task.batch = std::move(batch);
  task.acks = acks;
  task.admitted = true;
  task.admitted_bytes = size;
  if (acks == Acks::kNone) {
    AppendInfo unknown;
    unknown.base_offset = unknown.last_offset = Offset(-1);
    done(unknown);
  } else {
    task.done = std::move(done);
  }
  workers_[(*p)->shard]->Push(std::move(task));
}

void BrokerImpl::ReleaseAdmission(int64_t bytes) {
  queued_requests_.fetch_sub(1);
  queued_bytes_.fetch_sub(bytes);
}

void BrokerImpl::ScheduleRetention() {
  timer_->Schedule(options_.retention_check_interval_ms, [this] {
    {
      absl::ReaderMutexLock l(&mu_);
      for (const auto& [name, topic] : topics_) {
        for (const auto& p : topic->partitions) {
          if (p->retention_queued.exchange(true)) continue;
          DiskTask task;
          task.kind = DiskTask::Kind::kRetention;
          task.partition = p;
          workers_[p->shard]->Push(std::move(task));
        }
      }
    }
    ScheduleRetention();
  });
}

void BrokerImpl::ScheduleIntervalFlush(std::shared_ptr<TopicState> topic) {
  if (topic->config.flush_policy != FlushPolicy::kInterval) return;
  std::weak_ptr<TopicState> weak = topic;
  timer_->Schedule(topic->config.flush_interval_ms, [this, weak] {
    std::shared_ptr<TopicState> t = weak.lock();
    if (t == nullptr || t->deleted) return;
    for (const auto& p : t->partitions) {
      if (p->sync_queued.exchange(true)) continue;
      DiskTask task;
      task.kind = DiskTask::Kind::kSync;
      task.partition = p;
      workers_[p->shard]->Push(std::move(task));
    }
    ScheduleIntervalFlush(std::move(t));
  });
}

void BrokerImpl::Shutdown() {
  {
    absl::MutexLock l(&shutdown_mu_);
    if (shut_down_) return;
    shut_down_ = true;
  }
  stopping_ = true;
  if (timer_) timer_->Shutdown();
  for (auto& w : workers_) w->Stop();
  committer_.reset();  // completes every pending durability request
  std::vector<std::shared_ptr<PartitionState>> all;
  {
    absl::ReaderMutexLock l(&mu_);
    for (const auto& [name, topic] : topics_) {
      all.insert(all.end(), topic->partitions.begin(), topic->partitions.end());
    }
  }
  for (const auto& p : all) CompleteAllParked(*p, absl::OkStatus());
  for (const auto& p : all) {
    absl::Status s = p->Close();
    if (!s.ok()) {
      LogError("closing partition log failed",
               {{"topic", p->topic},
                {"partition", p->partition.value()},
                {"error", s.ToString()}});
    }
  }
  LogInfo("broker stopped", {{"partitions_closed", all.size()}});
}

}  // namespace rtai::broker
