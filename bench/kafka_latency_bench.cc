// End-to-end produce -> consume latency at a fixed rate, librdkafka on both
// sides (acks=all producer, a consumer on the same partition).
//
//   kafka_latency_bench --brokers=127.0.0.1:9092 --topic=lat --rate=20000
//       --seconds=10 --warmup_seconds=2 --linger_ms=1
//
// The producer follows a fixed schedule: record i is due at
// start + i / rate. Each value carries its due time (8 bytes, monotonic ns);
// the consumer computes receive time - due time. Measuring from the due time
// rather than the actual send time keeps a stalled producer from hiding
// latency (no coordinated omission). Records due during the warm-up are
// not counted. One partition, so every record travels the same path.
// Prints one `key=value` line with p50/p99/p999/max in microseconds.

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/kafka_bench_common.h"

namespace rtai::bench {
namespace {

std::atomic<int64_t> g_failed{0};

void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
  if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) g_failed.fetch_add(1);
}

struct Plan {
  std::string brokers;
  std::string topic;
  int64_t rate = 20000;
  int64_t total = 0;   // records produced
  int64_t warmup = 0;  // first records not counted
  int64_t record_bytes = 100;
};

// Produces plan.total records on schedule; returns how late (ns) the
// producer fell behind its schedule at worst.
int64_t ProduceOnSchedule(const Plan& plan, rd_kafka_t* rk,
                          rd_kafka_topic_t* rkt, int64_t start) {
  std::string value(static_cast<size_t>(plan.record_bytes), 'x');
  const double interval_ns = 1e9 / static_cast<double>(plan.rate);
  int64_t worst_behind = 0;
  for (int64_t i = 0; i < plan.total; ++i) {
    const int64_t due = start + static_cast<int64_t>(i * interval_ns);
    int64_t now = NowNanos();
    while (now < due) {
      if (due - now > 200000) rd_kafka_poll(rk, 0);
      if (due - now > 100000) {
        std::this_thread::sleep_for(std::chrono::nanoseconds(due - now - 60000));
      }
      now = NowNanos();
    }
    worst_behind = std::max(worst_behind, now - due);
    std::memcpy(value.data(), &due, sizeof(due));
    while (rd_kafka_produce(rkt, 0, RD_KAFKA_MSG_F_COPY, value.data(),
                            value.size(), nullptr, 0, nullptr) == -1) {
      Require(rd_kafka_last_error() == RD_KAFKA_RESP_ERR__QUEUE_FULL,
              rd_kafka_err2str(rd_kafka_last_error()));
      rd_kafka_poll(rk, 1);
    }
  }
  rd_kafka_flush(rk, 60000);
  return worst_behind;
}

// Consumes plan.total records from offset 0; returns latencies (ns) of the
// records past the warm-up.
std::vector<int64_t> Consume(const Plan& plan,
                             const std::map<std::string, std::string>& conf) {
  char err[512];
  rd_kafka_t* rk =
      rd_kafka_new(RD_KAFKA_CONSUMER, NewKafkaConf(conf), err, sizeof(err));
  Require(rk != nullptr, err);
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, plan.topic.c_str(), nullptr);
  Require(rd_kafka_consume_start(rkt, 0, RD_KAFKA_OFFSET_BEGINNING) == 0,
          "consume_start failed");
  std::vector<int64_t> lat;
  lat.reserve(static_cast<size_t>(plan.total));
  int64_t seen = 0;
  int64_t idle_since = NowNanos();
  // One message per call: rd_kafka_consume_batch may wait to fill its batch.
  while (seen < plan.total) {
    rd_kafka_message_t* m = rd_kafka_consume(rkt, 0, 100);
    const int64_t now = NowNanos();
    if (m == nullptr) {
      Require(now - idle_since < 30'000'000'000, "consumer idle for 30 s");
      continue;
    }
    idle_since = now;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR && m->len >= 8) {
      int64_t due = 0;
      std::memcpy(&due, m->payload, sizeof(due));
      if (seen >= plan.warmup) lat.push_back(now - due);
      ++seen;
    } else if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      Require(false, rd_kafka_message_errstr(m));
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consume_stop(rkt, 0);
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
  return lat;
}

double Percentile(const std::vector<int64_t>& sorted, double q) {
  const size_t i = std::min(
      sorted.size() - 1, static_cast<size_t>(q * static_cast<double>(sorted.size())));
  return static_cast<double>(sorted[i]) / 1000.0;
}

int Run(const BenchFlags& flags) {
  Plan plan;
  plan.brokers = flags.String("brokers", "127.0.0.1:9092");
  plan.topic = flags.String("topic", "latency-bench");
  plan.rate = flags.Int("rate", 20000);
  const int64_t seconds = flags.Int("seconds", 10);
  const int64_t warmup_seconds = flags.Int("warmup_seconds", 2);
  plan.record_bytes = flags.Int("record_bytes", 100);
  const std::map<std::string, std::string> producer_conf = {
      {"bootstrap.servers", plan.brokers},
      {"acks", "all"},
      {"linger.ms", absl::StrCat(flags.Int("linger_ms", 1))},
      {"max.in.flight.requests.per.connection",
       absl::StrCat(flags.Int("max_in_flight", 5))},
      {"compression.type", "none"},
  };
  const std::map<std::string, std::string> consumer_conf = {
      {"bootstrap.servers", plan.brokers},
      {"fetch.wait.max.ms", absl::StrCat(flags.Int("fetch_wait_max_ms", 100))},
      {"fetch.min.bytes", "1"},
      {"enable.partition.eof", "false"},
  };
  flags.CheckAllUsed();
  Require(plan.rate > 0 && seconds > warmup_seconds && warmup_seconds >= 0 &&
              plan.record_bytes >= 8,
          "bad flags");
  plan.total = plan.rate * seconds;
  plan.warmup = plan.rate * warmup_seconds;

  CreateTopic(plan.brokers, plan.topic, 1);
  std::vector<int64_t> lat;
  std::thread consumer([&] { lat = Consume(plan, consumer_conf); });

  rd_kafka_conf_t* conf = NewKafkaConf(producer_conf);
  rd_kafka_conf_set_dr_msg_cb(conf, OnDelivery);
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  Require(rk != nullptr, err);
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, plan.topic.c_str(), nullptr);
  // Connect and fetch metadata before the schedule starts.
  const rd_kafka_metadata_t* md = nullptr;
  Require(rd_kafka_metadata(rk, 0, rkt, &md, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR,
          "metadata failed");
  rd_kafka_metadata_destroy(md);
  const int64_t behind = ProduceOnSchedule(plan, rk, rkt, NowNanos());
  consumer.join();
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);

  std::sort(lat.begin(), lat.end());
  Require(!lat.empty(), "no samples");
  std::printf(
      "rate=%lld samples=%zu failed=%lld p50_us=%.0f p99_us=%.0f "
      "p999_us=%.0f max_us=%.0f producer_worst_behind_us=%.0f\n",
      static_cast<long long>(plan.rate), lat.size(),
      static_cast<long long>(g_failed.load()), Percentile(lat, 0.5),
      Percentile(lat, 0.99), Percentile(lat, 0.999),
      static_cast<double>(lat.back()) / 1000.0,
      static_cast<double>(behind) / 1000.0);
  return g_failed.load() == 0 ? 0 : 1;
}

}  // namespace
}  // namespace rtai::bench

int main(int argc, char** argv) {
  return rtai::bench::Run(rtai::bench::BenchFlags(argc, argv));
}
