// The processor fuzzer links the Kafka front over the in-memory Broker
// without broker/core (which would pull in the whole disk-backed broker).
// Broker's key function (its out-of-line virtuals, which carries the
// vtable and typeinfo) lives in broker/core/broker.cc; this file provides
// it for the fuzz build only. MemoryBroker overrides them, so they never run.

#include "broker/core/broker.h"

namespace rtai::broker {

absl::StatusOr<TopicSummary> Broker::SummarizeTopic(const std::string& name) const {
  return absl::UnimplementedError("Broker::SummarizeTopic is not linked into the fuzzer");
}

void Broker::FetchIsolated(const std::string& topic, PartitionId partition, Offset offset,
                           int32_t max_bytes, int64_t max_wait_ms, Isolation isolation,
                           FetchCallback done) {
  (void)isolation;  // as broker/core/broker.cc: no transactions in memory
  Fetch(topic, partition, offset, max_bytes, max_wait_ms,
        [done = std::move(done)](absl::StatusOr<FetchResult> r) mutable {
          if (r.ok()) r->last_stable_offset = r->high_watermark;
          done(std::move(r));
        });
}

absl::StatusOr<int64_t> Broker::AllocateProducerId() {
  return absl::UnimplementedError("Broker::AllocateProducerId is not linked into the fuzzer");
}

}  // namespace rtai::broker
