#include "broker/core/metered_broker.h"

#include "absl/strings/str_cat.h"
#include "base/byte_order.h"
#include "broker/log/record_batch.h"

namespace rtai::broker {
namespace {

constexpr double kNanosToSeconds = 1e-9;
static_assert(static_cast<int>(Acks::kNone) == 0 && static_cast<int>(Acks::kAll) == 2);

std::string AcksName(Acks acks) {
  switch (acks) {
    case Acks::kNone:
      return "0";
    case Acks::kLeader:
      return "1";
    case Acks::kAll:
      return "all";
  }
  return "?";
}

std::string CodeName(const absl::Status& s) {
  return absl::StatusCodeToString(s.code());
}

}  // namespace

int64_t CountRecordsInBatches(const std::string& batches) {
  namespace layout = batch_layout;
  int64_t records = 0;
  size_t pos = 0;
  // Each step advances by at least kLogOverhead + kHeaderSize bytes, so the
  // loop runs at most size / 73 times.
  while (pos + layout::kHeaderSize <= batches.size()) {
    const char* p = batches.data() + pos;
    const int32_t length = LoadBigEndian<int32_t>(p + layout::kBatchLength);
    if (length < layout::kHeaderSize - layout::kLogOverhead) break;
    records += LoadBigEndian<int32_t>(p + layout::kRecordsCount);
    pos += static_cast<size_t>(length) + layout::kLogOverhead;
  }
  return records;
}

MeteredBroker::MeteredBroker(std::unique_ptr<Broker> inner, metrics::Registry* registry)
    : inner_(std::move(inner)), registry_(registry), clock_(registry->clock()) {
  metrics::Registry& r = *registry_;
  produced_bytes_ = r.CounterFamily("rtai_broker_produced_bytes_total",
                                    "Bytes of record batches appended, by topic.", {"topic"});
  produced_records_ = r.CounterFamily("rtai_broker_produced_records_total",
                                      "Records appended, by topic.", {"topic"});
  fetched_bytes_ = r.CounterFamily("rtai_broker_fetched_bytes_total",
                                   "Bytes of record batches served by Fetch, by topic.",
                                   {"topic"});
  fetched_records_ = r.CounterFamily("rtai_broker_fetched_records_total",
                                     "Records in the batches served by Fetch, by topic.",
                                     {"topic"});
  produce_errors_ = r.CounterFamily("rtai_broker_produce_errors_total",
                                    "Produce calls that failed, by status code.", {"code"}, 32);
  fetch_errors_ = r.CounterFamily("rtai_broker_fetch_errors_total",
                                  "Fetch calls that failed, by status code.", {"code"}, 32);
  metrics::Family<metrics::Histogram>* produce_duration = r.HistogramFamily(
      "rtai_broker_produce_duration_seconds",
      "Broker Produce from admission to acknowledgement (per acks), all front ends.", {"acks"},
      metrics::LatencyBoundsNanos(), kNanosToSeconds, 4);
  for (Acks acks : {Acks::kNone, Acks::kLeader, Acks::kAll}) {
    produce_duration_[static_cast<int>(acks)] = produce_duration->WithLabels({AcksName(acks)});
  }
  fetch_duration_ = r.AddHistogram(
      "rtai_broker_fetch_duration_seconds",
      "Broker Fetch from call to answer, long-poll wait included, all front ends.",
      metrics::LatencyBoundsNanos(), kNanosToSeconds);
  RegisterLogGauges();
}

MeteredBroker::~MeteredBroker() {
  for (const char* name : {"rtai_broker_log_size_bytes", "rtai_broker_log_segments",
                           "rtai_broker_log_start_offset", "rtai_broker_log_end_offset",
                           "rtai_broker_high_watermark"}) {
    registry_->RemoveCollector(name);
  }
}

void MeteredBroker::RegisterLogGauges() {
  struct Gauge {
    const char* name;
    const char* help;
    double (*value)(const PartitionDescription&);
  };
  static constexpr Gauge kGauges[] = {
      {"rtai_broker_log_size_bytes", "Bytes on disk of a partition's log segments.",
       [](const PartitionDescription& p) { return static_cast<double>(p.size_bytes); }},
      {"rtai_broker_log_segments", "Segments of a partition's log.",
       [](const PartitionDescription& p) { return static_cast<double>(p.segment_count); }},
      {"rtai_broker_log_start_offset", "First offset still in a partition's log.",
       [](const PartitionDescription& p) {
         return static_cast<double>(p.log_start_offset.value());
       }},
      {"rtai_broker_log_end_offset", "Offset the next record appended to a partition gets.",
       [](const PartitionDescription& p) {
         return static_cast<double>(p.log_end_offset.value());
       }},
      {"rtai_broker_high_watermark", "Offset below which consumers see a partition's records.",
       [](const PartitionDescription& p) {
         return static_cast<double>(p.high_watermark.value());
       }},
  };
  for (const Gauge& g : kGauges) {
    Broker* inner = inner_.get();
    auto value = g.value;
    registry_->AddCollector(
        g.name, g.help, metrics::MetricType::kGauge, {"topic", "partition"},
        [inner, value](metrics::SampleSink& sink) {
          for (const std::string& topic : inner->ListTopics()) {
            absl::StatusOr<TopicDescription> d = inner->DescribeTopic(topic);
            if (!d.ok()) continue;  // deleted since ListTopics
            for (const PartitionDescription& p : d->partitions) {
              sink.Add({topic, absl::StrCat(p.partition.value())}, value(p));
            }
          }
        });
  }
}

MeteredBroker::TopicCounters MeteredBroker::CountersFor(const std::string& topic) {
  {
    absl::ReaderMutexLock l(&mu_);
    auto it = topics_.find(topic);
    if (it != topics_.end()) return it->second;
  }
  TopicCounters c{produced_bytes_->WithLabels({topic}), produced_records_->WithLabels({topic}),
                  fetched_bytes_->WithLabels({topic}), fetched_records_->WithLabels({topic})};
  absl::MutexLock l(&mu_);
  if (topics_.size() < kMaxCachedTopics) topics_.emplace(topic, c);
  return c;
}

void MeteredBroker::Produce(const std::string& topic, PartitionId partition, std::string batch,
                            Acks acks, ProduceCallback done) {
  const int64_t start = clock_->MonotonicNanos();
  // acks=0 answers before the append (AppendInfo unknown): count from the
  // batch header then.
  const int64_t bytes = static_cast<int64_t>(batch.size());
  const int64_t records = CountRecordsInBatches(batch);
  inner_->Produce(
      topic, partition, std::move(batch), acks,
      [this, topic, acks, start, bytes, records,
       done = std::move(done)](absl::StatusOr<AppendInfo> info) mutable {
        produce_duration_[static_cast<int>(acks)]->Observe(clock_->MonotonicNanos() - start);
        if (info.ok()) {
          const TopicCounters c = CountersFor(topic);
          c.produced_bytes->Increment(info->size_bytes > 0 ? info->size_bytes : bytes);
          c.produced_records->Increment(info->record_count > 0 ? info->record_count : records);
        } else {
          produce_errors_->WithLabels({CodeName(info.status())})->Increment();
        }
        done(std::move(info));
      });
}

void MeteredBroker::Fetch(const std::string& topic, PartitionId partition, Offset offset,
                          int32_t max_bytes, int64_t max_wait_ms, FetchCallback done) {
  FetchIsolated(topic, partition, offset, max_bytes, max_wait_ms, Isolation::kReadUncommitted,
                std::move(done));
}

void MeteredBroker::FetchIsolated(const std::string& topic, PartitionId partition,
                                  Offset offset, int32_t max_bytes, int64_t max_wait_ms,
                                  Isolation isolation, FetchCallback done) {
  const int64_t start = clock_->MonotonicNanos();
  inner_->FetchIsolated(topic, partition, offset, max_bytes, max_wait_ms, isolation,
                [this, topic, start,
                 done = std::move(done)](absl::StatusOr<FetchResult> result) mutable {
                  fetch_duration_->Observe(clock_->MonotonicNanos() - start);
                  if (result.ok()) {
                    const TopicCounters c = CountersFor(topic);
                    c.fetched_bytes->Increment(static_cast<int64_t>(result->batches.size()));
                    c.fetched_records->Increment(CountRecordsInBatches(result->batches));
                  } else {
                    fetch_errors_->WithLabels({CodeName(result.status())})->Increment();
                  }
                  done(std::move(result));
                });
}

}  // namespace rtai::broker
