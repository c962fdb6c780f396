#include "tests/broker/kafka/memory_broker.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/byte_order.h"
#include "base/clock.h"

namespace rtai::kafka::testing {
namespace {

constexpr size_t kBatchHeaderBytes = 61;

bool ValidTopicName(const std::string& name) {
  if (name.empty() || name.size() > 249 || name == "." || name == "..") return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '-';
  });
}

}  // namespace

MemoryBroker::MemoryBroker(int32_t max_message_bytes)
    : max_message_bytes_(max_message_bytes), waker_([this] { WakerLoop(); }) {}

MemoryBroker::~MemoryBroker() {
  Shutdown();
  waker_.join();
}

absl::Status MemoryBroker::CreateTopic(const std::string& name, int32_t partitions,
                                       const std::map<std::string, std::string>& configs) {
  if (!ValidTopicName(name)) return absl::InvalidArgumentError("bad topic name " + name);
  if (partitions < 1 || partitions > 1000) return absl::InvalidArgumentError("bad partitions");
  for (const auto& [k, v] : configs) {
    int64_t n;
    if (k != "retention.ms" && k != "max.message.bytes" && k != "segment.bytes") {
      return absl::InvalidArgumentError("unknown config " + k);
    }
    if (!absl::SimpleAtoi(v, &n)) return absl::InvalidArgumentError("bad value for " + k);
  }
  absl::MutexLock lock(&mu_);
  if (topics_.count(name) != 0) return absl::AlreadyExistsError(name);
  Topic& t = topics_[name];
  t.partitions.resize(static_cast<size_t>(partitions));
  t.configs = configs;
  return absl::OkStatus();
}

absl::Status MemoryBroker::DeleteTopic(const std::string& name) {
  absl::MutexLock lock(&mu_);
  if (topics_.erase(name) == 0) return absl::NotFoundError(name);
  return absl::OkStatus();
}

std::vector<std::string> MemoryBroker::ListTopics() const {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> names;
  for (const auto& [name, t] : topics_) names.push_back(name);
  return names;
}

absl::StatusOr<broker::TopicDescription> MemoryBroker::DescribeTopic(
    const std::string& name) const {
  absl::MutexLock lock(&mu_);
  auto it = topics_.find(name);
  if (it == topics_.end()) return absl::NotFoundError("unknown topic " + name);
  broker::TopicDescription d;
  d.name = name;
  d.configs = it->second.configs;
  for (size_t i = 0; i < it->second.partitions.size(); ++i) {
    const Partition& p = it->second.partitions[i];
    d.partitions.push_back({PartitionId(static_cast<int32_t>(i)), NodeId(0), LeaderEpoch(0),
                            Offset(0), Offset(p.end), Offset(p.end),
                            static_cast<int64_t>(p.data.size()), 1, Offset(p.end)});
  }
  return d;
}

absl::StatusOr<broker::TopicSummary> MemoryBroker::SummarizeTopic(const std::string& name) const {
  absl::MutexLock lock(&mu_);
  auto it = topics_.find(name);
  if (it == topics_.end()) return absl::NotFoundError("unknown topic " + name);
  broker::TopicSummary s;
  s.partition_count = static_cast<int32_t>(it->second.partitions.size());
  s.max_message_bytes = max_message_bytes_;
  auto limit = it->second.configs.find("max.message.bytes");
  if (limit != it->second.configs.end()) (void)absl::SimpleAtoi(limit->second, &s.max_message_bytes);
  return s;
}

MemoryBroker::Partition* MemoryBroker::FindLocked(const std::string& topic, PartitionId p) {
  auto it = topics_.find(topic);
  if (it == topics_.end() || p.value() < 0 ||
      p.value() >= static_cast<int32_t>(it->second.partitions.size())) {
    return nullptr;
  }
  return &it->second.partitions[static_cast<size_t>(p.value())];
}

void MemoryBroker::Produce(const std::string& topic, PartitionId partition, std::string batch,
                           broker::Acks acks, broker::ProduceCallback done) {
  if (batch.size() < kBatchHeaderBytes || batch[16] != 2 ||
      LoadBigEndian<int32_t>(batch.data() + 8) + 12 != static_cast<int64_t>(batch.size())) {
    return done(absl::InvalidArgumentError("malformed record batch"));
  }
  if (batch.size() > static_cast<size_t>(max_message_bytes_)) {
    return done(absl::ResourceExhaustedError("batch larger than max.message.bytes"));
  }
  std::vector<std::unique_ptr<Waiter>> woken;
  broker::AppendInfo info;
  {
    absl::MutexLock lock(&mu_);
    Partition* p = FindLocked(topic, partition);
    if (p == nullptr) return done(absl::NotFoundError("unknown topic or partition"));
    const int32_t last_delta = LoadBigEndian<int32_t>(batch.data() + 23);
    const int64_t max_ts = LoadBigEndian<int64_t>(batch.data() + 35);
    StoreBigEndian<int64_t>(batch.data(), p->end);
    p->batches.push_back({p->end, p->end + last_delta, p->data.size(), batch.size(), max_ts});
    info.base_offset = Offset(p->end);
    info.last_offset = Offset(p->end + last_delta);
    info.record_count = LoadBigEndian<int32_t>(batch.data() + 57);
    info.max_timestamp_ms = max_ts;
    info.size_bytes = static_cast<int64_t>(batch.size());
    p->end += last_delta + 1;
    p->data += batch;
    woken.swap(p->waiters);
  }
  done(info);
  for (auto& w : woken) Fetch(topic, partition, w->offset, w->max_bytes, 0, std::move(w->done));
}

broker::FetchResult MemoryBroker::ReadLocked(const Partition& p, Offset from, int32_t max_bytes) {
  broker::FetchResult r;
  r.high_watermark = Offset(p.end);
  r.log_start_offset = Offset(0);
  for (const BatchRef& b : p.batches) {
    if (b.last < from.value()) continue;
    if (!r.batches.empty() && r.batches.size() + b.size > static_cast<size_t>(max_bytes)) break;
    r.batches.append(p.data, b.pos, b.size);
  }
  return r;
}

void MemoryBroker::Fetch(const std::string& topic, PartitionId partition, Offset offset,
                         int32_t max_bytes, int64_t max_wait_ms, broker::FetchCallback done) {
  absl::StatusOr<broker::FetchResult> result;
  {
    absl::MutexLock lock(&mu_);
    Partition* p = FindLocked(topic, partition);
    if (p == nullptr) {
      result = absl::NotFoundError("unknown topic or partition");
    } else if (offset.value() < 0 || offset.value() > p->end) {
      result = absl::OutOfRangeError(absl::StrCat("offset ", offset.value(), " not in [0, ",
                                                  p->end, "]"));
    } else if (offset.value() < p->end || max_wait_ms <= 0 || shutdown_) {
      result = ReadLocked(*p, offset, max_bytes);
    } else {
      const int64_t deadline = SystemClock()->MonotonicNanos() + max_wait_ms * 1'000'000;
      p->waiters.push_back(
          std::make_unique<Waiter>(Waiter{offset, max_bytes, deadline, std::move(done)}));
      return;
    }
  }
  done(std::move(result));
}

absl::StatusOr<broker::PartitionDescription> MemoryBroker::DescribePartition(
    const std::string& topic, PartitionId partition) const {
  absl::StatusOr<broker::TopicDescription> d = DescribeTopic(topic);
  if (!d.ok()) return d.status();
  if (partition.value() < 0 || partition.value() >= static_cast<int32_t>(d->partitions.size())) {
    return absl::NotFoundError("unknown partition");
  }
  return d->partitions[static_cast<size_t>(partition.value())];
}

absl::StatusOr<Offset> MemoryBroker::OffsetForTimestamp(const std::string& topic,
                                                        PartitionId partition,
                                                        int64_t timestamp_ms) const {
  absl::MutexLock lock(&mu_);
  Partition* p = const_cast<MemoryBroker*>(this)->FindLocked(topic, partition);
  if (p == nullptr) return absl::NotFoundError("unknown topic or partition");
  for (const BatchRef& b : p->batches) {
    if (b.max_timestamp >= timestamp_ms) return Offset(b.base);
  }
  return Offset(p->end);
}

void MemoryBroker::Shutdown() {
  absl::MutexLock lock(&mu_);
  shutdown_ = true;
}

int MemoryBroker::waiting_fetches() const {
  absl::MutexLock lock(&mu_);
  int n = 0;
  for (const auto& [name, t] : topics_) {
    for (const Partition& p : t.partitions) n += static_cast<int>(p.waiters.size());
  }
  return n;
}

void MemoryBroker::WakerLoop() {
  for (;;) {
    std::vector<std::unique_ptr<Waiter>> expired;
    std::vector<broker::FetchResult> results;
    {
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(absl::Condition(&shutdown_), absl::Milliseconds(5));
      const int64_t now = SystemClock()->MonotonicNanos();
      for (auto& [name, t] : topics_) {
        for (Partition& p : t.partitions) {
          for (auto it = p.waiters.begin(); it != p.waiters.end();) {
            if ((*it)->deadline_ns <= now || shutdown_) {
              results.push_back(ReadLocked(p, (*it)->offset, (*it)->max_bytes));
              expired.push_back(std::move(*it));
              it = p.waiters.erase(it);
            } else {
              ++it;
            }
          }
        }
      }
      if (shutdown_ && expired.empty()) return;
    }
    for (size_t i = 0; i < expired.size(); ++i) expired[i]->done(std::move(results[i]));
  }
}

}  // namespace rtai::kafka::testing
