#include "tests/interop/rdkafka_test_util.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/check.h"

namespace rtai::testing {

uint32_t KafkaMurmur2(const std::string& data) {
  constexpr uint32_t kSeed = 0x9747b28c;
  constexpr uint32_t kM = 0x5bd1e995;
  constexpr int kR = 24;
  const size_t length = data.size();
  const auto byte = [&](size_t i) {
    return static_cast<uint32_t>(static_cast<uint8_t>(data[i]));
  };
  uint32_t h = kSeed ^ static_cast<uint32_t>(length);
  for (size_t i = 0; i + 4 <= length; i += 4) {
    uint32_t k = byte(i) | (byte(i + 1) << 8) | (byte(i + 2) << 16) |
                 (byte(i + 3) << 24);
    k *= kM;
    k ^= k >> kR;
    k *= kM;
    h *= kM;
    h ^= k;
  }
  const size_t tail = length & ~size_t{3};
  switch (length % 4) {
    case 3:
      h ^= byte(tail + 2) << 16;
      [[fallthrough]];
    case 2:
      h ^= byte(tail + 1) << 8;
      [[fallthrough]];
    case 1:
      h ^= byte(tail);
      h *= kM;
  }
  h ^= h >> 13;
  h *= kM;
  h ^= h >> 15;
  return h;
}

int32_t KafkaPartitionForKey(const std::string& key, int32_t partitions) {
  CHECK(partitions > 0);
  return static_cast<int32_t>((KafkaMurmur2(key) & 0x7fffffff) %
                              static_cast<uint32_t>(partitions));
}

std::string KafkaPortFromLog(const std::string& log_path) {
  std::ifstream in(log_path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string log = ss.str();
  const size_t line = log.rfind("msg=\"rtaid listening\"");
  if (line == std::string::npos) return "";
  const size_t kafka = log.find(" kafka=", line);
  if (kafka == std::string::npos) return "";
  const size_t end = log.find_first_of(" \n", kafka + 7);
  const std::string address = log.substr(kafka + 7, end - kafka - 7);
  return address.substr(address.rfind(':') + 1);
}

std::unique_ptr<RdKafka::Conf> MakeConf(
    const std::map<std::string, std::string>& settings) {
  std::unique_ptr<RdKafka::Conf> conf(
      RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string err;
  for (const auto& [name, value] : settings) {
    CHECK(conf->set(name, value, err) == RdKafka::Conf::CONF_OK);
  }
  return conf;
}

void DeliveryCollector::dr_cb(RdKafka::Message& message) {
  if (message.err() != RdKafka::ERR_NO_ERROR) {
    errors.push_back(message.errstr());
    return;
  }
  Record r;
  r.key = message.key() != nullptr ? *message.key() : "";
  r.value.assign(static_cast<const char*>(message.payload()), message.len());
  r.partition = message.partition();
  r.offset = message.offset();
  delivered.push_back(std::move(r));
}

std::vector<Record> ProduceKeyed(const std::string& bootstrap,
                                 const std::string& topic, int first,
                                 int records, std::vector<std::string>* errors) {
  DeliveryCollector collector;
  auto conf = MakeConf({{"bootstrap.servers", bootstrap},
                        {"acks", "all"},
                        {"partitioner", "murmur2_random"},
                        {"linger.ms", "5"},
                        {"message.timeout.ms", "60000"}});
  std::string err;
  CHECK(conf->set("dr_cb", &collector, err) == RdKafka::Conf::CONF_OK);
  std::unique_ptr<RdKafka::Producer> producer(
      RdKafka::Producer::create(conf.get(), err));
  CHECK(producer != nullptr);
  for (int i = first; i < first + records; ++i) {
    std::string key = absl::StrCat("key-", i);
    std::string value = absl::StrCat("value-", i);
    const RdKafka::ErrorCode e = producer->produce(
        topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
        value.data(), value.size(), key.data(), key.size(), 0, nullptr);
    if (e != RdKafka::ERR_NO_ERROR) {
      errors->push_back(absl::StrCat("produce: ", RdKafka::err2str(e)));
    }
    producer->poll(0);
  }
  if (producer->flush(90000) != RdKafka::ERR_NO_ERROR) {
    errors->push_back("flush timed out");
  }
  errors->insert(errors->end(), collector.errors.begin(),
                 collector.errors.end());
  return collector.delivered;
}

int CreateTopicViaMetadata(const std::string& bootstrap,
                           const std::string& topic) {
  auto conf = MakeConf({{"bootstrap.servers", bootstrap}});
  std::string err;
  std::unique_ptr<RdKafka::Producer> producer(
      RdKafka::Producer::create(conf.get(), err));
  CHECK(producer != nullptr);
  std::unique_ptr<RdKafka::Topic> rkt(
      RdKafka::Topic::create(producer.get(), topic, nullptr, err));
  CHECK(rkt != nullptr);
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (absl::Now() < deadline) {
    RdKafka::Metadata* raw = nullptr;
    if (producer->metadata(false, rkt.get(), &raw, 10000) ==
        RdKafka::ERR_NO_ERROR) {
      std::unique_ptr<RdKafka::Metadata> md(raw);
      for (const RdKafka::TopicMetadata* t : *md->topics()) {
        if (t->topic() == topic && t->err() == RdKafka::ERR_NO_ERROR &&
            !t->partitions()->empty()) {
          return static_cast<int>(t->partitions()->size());
        }
      }
    }
    absl::SleepFor(absl::Milliseconds(200));  // the topic is being created
  }
  return -1;
}

std::unique_ptr<RdKafka::KafkaConsumer> MakeConsumer(
    const std::string& bootstrap, const std::string& group,
    const std::string& topic) {
  auto conf = MakeConf({{"bootstrap.servers", bootstrap},
                        {"group.id", group},
                        {"auto.offset.reset", "earliest"},
                        {"enable.auto.commit", "false"},
                        {"session.timeout.ms", "15000"},
                        {"heartbeat.interval.ms", "1000"},
                        {"max.poll.interval.ms", "300000"}});
  std::string err;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf.get(), err));
  CHECK(consumer != nullptr);
  CHECK(consumer->subscribe({topic}) == RdKafka::ERR_NO_ERROR);
  return consumer;
}

bool PollOne(RdKafka::KafkaConsumer* consumer, absl::Duration timeout,
             bool commit, Record* out, std::vector<std::string>* errors) {
  std::unique_ptr<RdKafka::Message> msg(
      consumer->consume(static_cast<int>(absl::ToInt64Milliseconds(timeout))));
  if (msg->err() == RdKafka::ERR__TIMED_OUT ||
      msg->err() == RdKafka::ERR__PARTITION_EOF) {
    return false;
  }
  if (msg->err() != RdKafka::ERR_NO_ERROR) {
    errors->push_back(absl::StrCat("consume: ", msg->errstr()));
    return false;
  }
  out->key = msg->key() != nullptr ? *msg->key() : "";
  out->value.assign(static_cast<const char*>(msg->payload()), msg->len());
  out->partition = msg->partition();
  out->offset = msg->offset();
  if (commit) {
    const RdKafka::ErrorCode e = consumer->commitSync(msg.get());
    if (e != RdKafka::ERR_NO_ERROR) {
      errors->push_back(absl::StrCat("commit: ", RdKafka::err2str(e)));
    }
  }
  return true;
}

std::set<int32_t> Assignment(RdKafka::KafkaConsumer* consumer) {
  std::vector<RdKafka::TopicPartition*> parts;
  std::set<int32_t> out;
  if (consumer->assignment(parts) != RdKafka::ERR_NO_ERROR) return out;
  for (const RdKafka::TopicPartition* p : parts) out.insert(p->partition());
  RdKafka::TopicPartition::destroy(parts);
  return out;
}

}  // namespace rtai::testing
