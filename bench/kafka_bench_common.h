#pragma once
// Shared pieces of the librdkafka benchmarks (kafka_produce_bench,
// kafka_latency_bench): `--key=value` flags, librdkafka configuration that
// CHECKs every key, and topic creation through the Admin API.
//
// Benchmarks are programs run by hand: a bad flag or an unreachable broker is
// a CHECK failure with a message, not a Status.

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

namespace rtai::bench {

// Prints `what` and exits 2 unless ok.
void Require(bool ok, const std::string& what);

// Parses `--key=value` arguments. CHECK-fails on anything else.
class BenchFlags {
 public:
  BenchFlags(int argc, char** argv);
  std::string String(const std::string& key, const std::string& def) const;
  int64_t Int(const std::string& key, int64_t def) const;
  // CHECK-fails if a flag was given that no String/Int call asked for.
  void CheckAllUsed() const;

 private:
  std::map<std::string, std::string> values_;
  mutable std::map<std::string, bool> used_;
};

// A new rd_kafka_conf_t with `settings` applied (CHECK on a rejected key).
rd_kafka_conf_t* NewKafkaConf(const std::map<std::string, std::string>& settings);

// Creates `topic` with `partitions` partitions (replication factor 1) and
// waits for the answer. CHECK-fails unless it was created.
void CreateTopic(const std::string& brokers, const std::string& topic,
                 int32_t partitions);

// Nanoseconds from the process' monotonic clock (base/clock.h SystemClock).
int64_t NowNanos();

}  // namespace rtai::bench
