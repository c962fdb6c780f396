#include "broker/core/broker.h"

#include "absl/strings/numbers.h"
#include "absl/synchronization/notification.h"
#include "base/status_macros.h"
#include "broker/core/broker_impl.h"
#include "broker/topic/topic_table.h"

namespace rtai::broker {

absl::StatusOr<std::unique_ptr<Broker>> Broker::Open(BrokerOptions options,
                                                     FileSystem* fs,
                                                     Clock* clock) {
  RETURN_IF_ERROR(options.Validate());
  RETURN_IF_ERROR(fs->CreateDirs(options.data_dir));
  ASSIGN_OR_RETURN(std::unique_ptr<TopicTable> table,
                   TopicTable::Open(fs, options.data_dir));
  auto broker = std::make_unique<BrokerImpl>(std::move(options), fs, clock,
                                             std::move(table));
  absl::Status s = broker->Start();
  if (!s.ok()) {
    broker->Shutdown();
    return s;
  }
  return broker;
}

absl::StatusOr<int64_t> Broker::AllocateProducerId() {
  return absl::UnimplementedError("this broker allocates no producer ids");
}

absl::StatusOr<TopicSummary> Broker::SummarizeTopic(
    const std::string& name) const {
  ASSIGN_OR_RETURN(TopicDescription d, DescribeTopic(name));
  TopicSummary summary;
  summary.partition_count = static_cast<int32_t>(d.partitions.size());
  summary.max_message_bytes = LogConfig().max_message_bytes;
  auto it = d.configs.find("max.message.bytes");
  int32_t configured = 0;
  if (it != d.configs.end() && absl::SimpleAtoi(it->second, &configured)) {
    summary.max_message_bytes = configured;
  }
  return summary;
}

absl::StatusOr<AppendInfo> ProduceAndWait(Broker& broker,
                                          const std::string& topic,
                                          PartitionId partition,
                                          std::string batch, Acks acks) {
  absl::Notification done;
  absl::StatusOr<AppendInfo> result;
  broker.Produce(topic, partition, std::move(batch), acks,
                 [&](absl::StatusOr<AppendInfo> r) {
                   result = std::move(r);
                   done.Notify();
                 });
  done.WaitForNotification();
  return result;
}

void Broker::FetchIsolated(const std::string& topic, PartitionId partition,
                           Offset offset, int32_t max_bytes,
                           int64_t max_wait_ms, Isolation isolation,
                           FetchCallback done) {
  (void)isolation;
  Fetch(topic, partition, offset, max_bytes, max_wait_ms,
        [done = std::move(done)](absl::StatusOr<FetchResult> r) mutable {
          if (r.ok()) r->last_stable_offset = r->high_watermark;
          done(std::move(r));
        });
}

absl::StatusOr<FetchResult> FetchAndWait(Broker& broker,
                                         const std::string& topic,
                                         PartitionId partition, Offset offset,
                                         int32_t max_bytes,
                                         int64_t max_wait_ms,
                                         Isolation isolation) {
  absl::Notification done;
  absl::StatusOr<FetchResult> result;
  broker.FetchIsolated(topic, partition, offset, max_bytes, max_wait_ms,
                       isolation, [&](absl::StatusOr<FetchResult> r) {
                         result = std::move(r);
                         done.Notify();
                       });
  done.WaitForNotification();
  return result;
}

}  // namespace rtai::broker
