// Kafka transactions throughput with a real librdkafka client (acks=all).
//
//   kafka_txn_bench --mode=transactional --brokers=127.0.0.1:9092 --topic=t
//       --partitions=1 --records=1000000 --record_bytes=100 --txn_records=1000
//   kafka_txn_bench --mode=idempotent ...      (same, enable.idempotence only)
//   --producers=P (both producer modes): P producers on P threads, each
//       with its own connection (and transactional.id <txn_id>-<i>),
//       sending records/P records each.
//   kafka_txn_bench --mode=consume --isolation=read_committed --records=N ...
//
// transactional: begin, produce --txn_records records, commit, repeated
//   until --records; time from the first begin to the last commit.
// idempotent: the same records as fast as librdkafka accepts them, until
//   the last delivery report. Both modes use the same librdkafka settings
//   (linger.ms, batch.size, ...) except transactional.id.
// consume: a consumer (assign from offset 0, every partition) reads
//   --records records at --isolation; time from the first to the last.
// Creates the topic when --partitions > 0 (producer modes). Prints one
// `key=value` line; MB/s counts value bytes only. Exits 1 on any failure.

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/kafka_bench_common.h"

namespace rtai::bench {
namespace {

// One producer's delivery reports (the rd_kafka_t's opaque).
struct Deliveries {
  std::atomic<int64_t> delivered{0};
  std::atomic<int64_t> failed{0};
};

void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto* d = static_cast<Deliveries*>(opaque);
  (m->err == RD_KAFKA_RESP_ERR_NO_ERROR ? d->delivered : d->failed).fetch_add(1);
}

void RequireOk(rd_kafka_error_t* e, const char* what) {
  if (e == nullptr) return;
  Require(false, absl::StrCat(what, ": ", rd_kafka_error_string(e)));
}

void ProduceOne(rd_kafka_t* rk, rd_kafka_topic_t* rkt, const std::string& value) {
  while (rd_kafka_produce(rkt, RD_KAFKA_PARTITION_UA, 0, const_cast<char*>(value.data()),
                          value.size(), nullptr, 0, nullptr) == -1) {
    const rd_kafka_resp_err_t e = rd_kafka_last_error();
    Require(e == RD_KAFKA_RESP_ERR__QUEUE_FULL, rd_kafka_err2str(e));
    rd_kafka_poll(rk, 1);
  }
}

// One producer (one rd_kafka_t), created and initialized before the clock
// starts; Run() sends its share of the records.
class BenchProducer {
 public:
  BenchProducer(const BenchFlags& flags, const std::string& brokers, const std::string& topic,
                bool txn, const std::string& txn_id, int64_t records)
      : txn_(txn), records_(records), txn_records_(flags.Int("txn_records", 1000)) {
    // The same settings for both modes; only transactional.id differs.
    std::map<std::string, std::string> settings = {
        {"bootstrap.servers", brokers},
        {"linger.ms", absl::StrCat(flags.Int("linger_ms", 5))},
        {"batch.size", "1000000"},
        {"queue.buffering.max.messages", "1000000"},
        {"compression.type", "none"},
        {"enable.idempotence", "true"},
    };
    if (txn) settings["transactional.id"] = txn_id;
    rd_kafka_conf_t* conf = NewKafkaConf(settings);
    rd_kafka_conf_set_dr_msg_cb(conf, OnDelivery);
    rd_kafka_conf_set_opaque(conf, &deliveries_);
    char err[512];
    rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
    Require(rk_ != nullptr, err);
    rkt_ = rd_kafka_topic_new(rk_, topic.c_str(), nullptr);
    if (txn) RequireOk(rd_kafka_init_transactions(rk_, 60000), "init_transactions");
  }
  ~BenchProducer() {
    rd_kafka_topic_destroy(rkt_);
    rd_kafka_destroy(rk_);
  }

  // Returns once every record is acknowledged (and the last transaction
  // committed).
  void Run(const std::string& value) {
    for (int64_t i = 0; i < records_;) {
      if (txn_) RequireOk(rd_kafka_begin_transaction(rk_), "begin_transaction");
      const int64_t end = txn_ ? std::min(records_, i + txn_records_) : records_;
      for (; i < end; ++i) {
        ProduceOne(rk_, rkt_, value);
        if (i % 4096 == 0) rd_kafka_poll(rk_, 0);
      }
      if (txn_) RequireOk(rd_kafka_commit_transaction(rk_, 60000), "commit_transaction");
    }
    while (deliveries_.delivered.load() + deliveries_.failed.load() < records_) {
      rd_kafka_poll(rk_, 10);
    }
    Require(deliveries_.failed.load() == 0, "deliveries failed");
  }

 private:
  const bool txn_;
  const int64_t records_;
  const int64_t txn_records_;
  Deliveries deliveries_;
  rd_kafka_t* rk_ = nullptr;
  rd_kafka_topic_t* rkt_ = nullptr;
};

// --producers producers, each on its own thread with its own rd_kafka_t
// (transactional: distinct transactional.ids), splitting --records evenly.
// Time from the moment all are initialized to the last one's end.
double Produce(const BenchFlags& flags, const std::string& mode, const std::string& brokers,
               const std::string& topic, int64_t records, const std::string& value) {
  const int64_t producers = flags.Int("producers", 1);
  Require(producers >= 1 && producers <= 64 && records % producers == 0,
          "--producers must be in [1, 64] and divide --records");
  const std::string txn_id = flags.String("txn_id", "bench-" + topic);
  std::vector<std::unique_ptr<BenchProducer>> all;
  for (int64_t i = 0; i < producers; ++i) {
    all.push_back(std::make_unique<BenchProducer>(flags, brokers, topic, mode == "transactional",
                                                  absl::StrCat(txn_id, "-", i),
                                                  records / producers));
  }
  const int64_t start = NowNanos();
  std::vector<std::thread> threads;
  for (auto& p : all) threads.emplace_back([&p, &value] { p->Run(value); });
  for (std::thread& t : threads) t.join();
  const double secs = static_cast<double>(NowNanos() - start) / 1e9;
  all.clear();
  return secs;
}

double Consume(const std::string& brokers, const std::string& topic, int64_t partitions,
               int64_t records, const std::string& isolation) {
  rd_kafka_conf_t* conf = NewKafkaConf({{"bootstrap.servers", brokers},
                                        {"group.id", "txn-bench-" + isolation},
                                        {"isolation.level", isolation},
                                        {"enable.auto.commit", "false"},
                                        {"fetch.max.bytes", "52428800"},
                                        {"max.partition.fetch.bytes", "10485760"}});
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
  Require(rk != nullptr, err);
  rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(1);
  for (int32_t p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(parts, topic.c_str(), p)->offset = 0;
  }
  Require(rd_kafka_assign(rk, parts) == RD_KAFKA_RESP_ERR_NO_ERROR, "assign");
  rd_kafka_topic_partition_list_destroy(parts);
  int64_t got = 0, start = 0;
  const int64_t give_up = NowNanos() + int64_t{300} * 1000000000;
  while (got < records && NowNanos() < give_up) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100);
    if (m == nullptr) continue;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (got++ == 0) start = NowNanos();
    }
    rd_kafka_message_destroy(m);
  }
  const double secs = static_cast<double>(NowNanos() - start) / 1e9;
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  Require(got == records, absl::StrCat("consumed ", got, " of ", records));
  return secs;
}

int Run(const BenchFlags& flags) {
  const std::string mode = flags.String("mode", "transactional");
  const std::string brokers = flags.String("brokers", "127.0.0.1:9092");
  const std::string topic = flags.String("topic", "txn-bench");
  const int64_t partitions = flags.Int("partitions", 1);
  const int64_t records = flags.Int("records", 1000000);
  const int64_t record_bytes = flags.Int("record_bytes", 100);
  const std::string isolation = flags.String("isolation", "read_committed");
  Require(mode == "transactional" || mode == "idempotent" || mode == "consume",
          "--mode must be transactional, idempotent or consume");
  Require(records > 0 && record_bytes > 0 && partitions > 0, "bad flags");
  double secs;
  if (mode == "consume") {
    flags.CheckAllUsed();
    secs = Consume(brokers, topic, partitions, records, isolation);
  } else {
    if (flags.Int("create", 1) != 0) CreateTopic(brokers, topic, static_cast<int32_t>(partitions));
    const std::string value(static_cast<size_t>(record_bytes), 'x');
    secs = Produce(flags, mode, brokers, topic, records, value);
    flags.CheckAllUsed();
  }
  const double rps = static_cast<double>(records) / secs;
  std::printf("mode=%s isolation=%s records=%lld seconds=%.3f records_per_s=%.0f MB_per_s=%.2f\n",
              mode.c_str(), mode == "consume" ? isolation.c_str() : "-",
              static_cast<long long>(records), secs, rps,
              rps * static_cast<double>(record_bytes) / 1e6);
  return 0;
}

}  // namespace
}  // namespace rtai::bench

int main(int argc, char** argv) {
  return rtai::bench::Run(rtai::bench::BenchFlags(argc, argv));
}
