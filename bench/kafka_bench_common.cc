#include "bench/kafka_bench_common.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/check.h"
#include "base/clock.h"

namespace rtai::bench {

void Require(bool ok, const std::string& what) {
  if (ok) return;
  std::fprintf(stderr, "bench: %s\n", what.c_str());
  std::exit(2);
}

BenchFlags::BenchFlags(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const size_t eq = arg.find('=');
    Require(arg.rfind("--", 0) == 0 && eq != std::string::npos,
          absl::StrCat("expected --key=value, got ", arg));
    values_[arg.substr(2, eq - 2)] = arg.substr(eq + 1);
  }
}

std::string BenchFlags::String(const std::string& key,
                               const std::string& def) const {
  used_[key] = true;
  auto it = values_.find(key);
  return it == values_.end() ? def : it->second;
}

int64_t BenchFlags::Int(const std::string& key, int64_t def) const {
  used_[key] = true;
  auto it = values_.find(key);
  if (it == values_.end()) return def;
  int64_t v = 0;
  Require(absl::SimpleAtoi(it->second, &v),
          absl::StrCat("--", key, " not a number"));
  return v;
}

void BenchFlags::CheckAllUsed() const {
  for (const auto& [key, value] : values_) {
    Require(used_.count(key) > 0,
          absl::StrCat("unknown flag --", key));
  }
}

rd_kafka_conf_t* NewKafkaConf(
    const std::map<std::string, std::string>& settings) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  for (const auto& [key, value] : settings) {
    Require(rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err,
                            sizeof(err)) == RD_KAFKA_CONF_OK,
          absl::StrCat(key, "=", value, ": ", err));
  }
  return conf;
}

void CreateTopic(const std::string& brokers, const std::string& topic,
                 int32_t partitions) {
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(
      RD_KAFKA_PRODUCER, NewKafkaConf({{"bootstrap.servers", brokers}}), err,
      sizeof(err));
  Require(rk != nullptr,
          absl::StrCat(err));
  rd_kafka_NewTopic_t* nt =
      rd_kafka_NewTopic_new(topic.c_str(), partitions, 1, err, sizeof(err));
  Require(nt != nullptr,
          absl::StrCat(err));
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
  rd_kafka_CreateTopics(rk, &nt, 1, nullptr, q);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 30000);
  Require(ev != nullptr,
          absl::StrCat("CreateTopics: no answer in 30 s"));
  Require(rd_kafka_event_error(ev) == RD_KAFKA_RESP_ERR_NO_ERROR,
          absl::StrCat(rd_kafka_event_error_string(ev)));
  const rd_kafka_CreateTopics_result_t* res =
      rd_kafka_event_CreateTopics_result(ev);
  CHECK(res != nullptr);
  size_t n = 0;
  const rd_kafka_topic_result_t** topics =
      rd_kafka_CreateTopics_result_topics(res, &n);
  CHECK(n == 1);
  Require(rd_kafka_topic_result_error(topics[0]) == RD_KAFKA_RESP_ERR_NO_ERROR,
          absl::StrCat("CreateTopics ", topic, ": ", rd_kafka_err2str(rd_kafka_topic_result_error(topics[0]))));
  rd_kafka_event_destroy(ev);
  rd_kafka_queue_destroy(q);
  rd_kafka_NewTopic_destroy(nt);
  rd_kafka_destroy(rk);
}

int64_t NowNanos() { return SystemClock()->MonotonicNanos(); }

}  // namespace rtai::bench
