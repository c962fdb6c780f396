// Kafka produce throughput with a real librdkafka producer (acks=all).
//
//   kafka_produce_bench --brokers=127.0.0.1:9092 --topic=t --partitions=4
//       --records=2000000 --record_bytes=100 --linger_ms=5
//       --batch_bytes=1000000 --max_in_flight=5 --partitioning=default
//
// Creates the topic (--partitions > 0), then produces --records values of
// --record_bytes (null keys, no compression; --partitioning=default leaves
// the partition to librdkafka, whose default for keyless records is the
// sticky partitioner (KIP-480: one partition per batch, switching every
// sticky.partitioning.linger.ms); --partitioning=round-robin sets partition
// i % partitions per record, which splits every request into small batches) as fast as librdkafka accepts them and waits for every
// delivery report. Time runs from the first produce call to the last
// delivery report. MB/s counts value bytes only (records x record_bytes /
// 1e6). Prints one `key=value` line. Exits 1 if any record failed.

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "bench/kafka_bench_common.h"

namespace rtai::bench {
namespace {

std::atomic<int64_t> g_delivered{0};
std::atomic<int64_t> g_failed{0};
std::atomic<int> g_first_error{0};

void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
  if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    g_delivered.fetch_add(1, std::memory_order_relaxed);
  } else {
    g_failed.fetch_add(1, std::memory_order_relaxed);
    int expected = 0;
    g_first_error.compare_exchange_strong(expected, m->err);
  }
}

int Run(const BenchFlags& flags) {
  const std::string brokers = flags.String("brokers", "127.0.0.1:9092");
  const std::string topic = flags.String("topic", "produce-bench");
  const int64_t partitions = flags.Int("partitions", 4);
  const int64_t records = flags.Int("records", 2000000);
  const int64_t record_bytes = flags.Int("record_bytes", 100);
  const std::string partitioning = flags.String("partitioning", "default");
  const std::map<std::string, std::string> settings = {
      {"bootstrap.servers", brokers},
      {"acks", flags.String("acks", "all")},
      {"linger.ms", absl::StrCat(flags.Int("linger_ms", 5))},
      {"batch.size", absl::StrCat(flags.Int("batch_bytes", 1000000))},
      {"batch.num.messages", "1000000"},
      {"max.in.flight.requests.per.connection",
       absl::StrCat(flags.Int("max_in_flight", 5))},
      {"queue.buffering.max.messages", "1000000"},
      {"queue.buffering.max.kbytes", "1048576"},
      {"compression.type", "none"},
      {"message.timeout.ms", "120000"},
  };
  flags.CheckAllUsed();
  Require(partitions > 0 && records > 0 && record_bytes > 0, "bad flags");
  Require(partitioning == "default" || partitioning == "round-robin",
          "--partitioning must be default or round-robin");
  const bool round_robin = partitioning == "round-robin";

  CreateTopic(brokers, topic, static_cast<int32_t>(partitions));
  rd_kafka_conf_t* conf = NewKafkaConf(settings);
  rd_kafka_conf_set_dr_msg_cb(conf, OnDelivery);
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  Require(rk != nullptr, err);
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  // Every record points at the same value bytes: no copy, no free.
  std::string value(static_cast<size_t>(record_bytes), 'x');

  int64_t queue_full_waits = 0;
  const int64_t start = NowNanos();
  for (int64_t i = 0; i < records; ++i) {
    const int32_t p = round_robin ? static_cast<int32_t>(i % partitions)
                                  : RD_KAFKA_PARTITION_UA;
    while (rd_kafka_produce(rkt, p, 0, value.data(), value.size(), nullptr, 0,
                            nullptr) == -1) {
      const rd_kafka_resp_err_t e = rd_kafka_last_error();
      Require(e == RD_KAFKA_RESP_ERR__QUEUE_FULL, rd_kafka_err2str(e));
      ++queue_full_waits;
      rd_kafka_poll(rk, 1);
    }
    if (i % 4096 == 0) rd_kafka_poll(rk, 0);
  }
  while (g_delivered.load() + g_failed.load() < records) rd_kafka_poll(rk, 10);
  const double secs = static_cast<double>(NowNanos() - start) / 1e9;
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);

  const double rps = static_cast<double>(g_delivered.load()) / secs;
  std::printf(
      "records=%lld delivered=%lld failed=%lld first_error=%s seconds=%.3f "
      "records_per_s=%.0f MB_per_s=%.2f queue_full_waits=%lld\n",
      static_cast<long long>(records),
      static_cast<long long>(g_delivered.load()),
      static_cast<long long>(g_failed.load()),
      rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(g_first_error.load())),
      secs, rps, rps * static_cast<double>(record_bytes) / 1e6,
      static_cast<long long>(queue_full_waits));
  return g_failed.load() == 0 ? 0 : 1;
}

}  // namespace
}  // namespace rtai::bench

int main(int argc, char** argv) {
  return rtai::bench::Run(rtai::bench::BenchFlags(argc, argv));
}
