#include "cli/http/dashboard_json.h"

#include <map>
#include <tuple>

#include "cli/http/json_writer.h"
#include "cli/http/metrics_snapshot.h"

namespace rtai::cli {
namespace {

// Registry samples by (name, topic) and the consumer-group samples, read
// back from one rendering of the registry.
struct TopicCounters {
  std::map<std::pair<std::string, std::string>, double> by_topic;
  // (group, topic, partition) -> lag / committed offset
  std::map<std::tuple<std::string, std::string, std::string>, std::pair<double, double>> groups;
};

TopicCounters ReadTopicCounters(const metrics::Registry* registry) {
  TopicCounters c;
  if (registry == nullptr) return c;
  auto samples = ParseExposition(registry->RenderText(), "rtai_");
  if (!samples.ok()) return c;  // our own rendering: not expected
  for (const MetricSample& m : *samples) {
    if (m.name.rfind("rtai_broker_", 0) == 0 && m.name.size() > 6 &&
        m.name.compare(m.name.size() - 6, 6, "_total") == 0) {
      c.by_topic[{m.name, m.Label("topic")}] += m.value;
    } else if (m.name == "rtai_kafka_consumer_group_lag") {
      c.groups[{m.Label("group"), m.Label("topic"), m.Label("partition")}].first = m.value;
    } else if (m.name == "rtai_kafka_consumer_group_committed_offset") {
      c.groups[{m.Label("group"), m.Label("topic"), m.Label("partition")}].second = m.value;
    }
  }
  return c;
}

void WriteConsumerGroups(const TopicCounters& c, const std::string& topic, JsonWriter& w) {
  w.Key("consumer_groups").BeginArray();
  bool open = false;  // a group object is being written
  std::string open_group;
  double total = 0;
  auto close_group = [&] {
    if (open) w.EndArray().Key("lag").Double(total).EndObject();
  };
  // Keys are sorted by group first, so each group's partitions are adjacent.
  for (const auto& [key, value] : c.groups) {
    const auto& [group, t, partition] = key;
    if (t != topic) continue;
    if (!open || group != open_group) {
      close_group();
      open = true;
      open_group = group;
      total = 0;
      w.BeginObject().Key("group").String(group).Key("partitions").BeginArray();
    }
    total += value.first;
    w.BeginObject().Key("partition").String(partition).Key("lag").Double(value.first);
    w.Key("committed_offset").Double(value.second).EndObject();
  }
  close_group();
  w.EndArray();
}

void WriteTopic(const broker::TopicDescription& d, const TopicCounters& c, JsonWriter& w,
                bool* truncated) {
  w.BeginObject().Key("name").String(d.name).Key("topic_id").String(d.topic_id);
  int64_t size = 0, records = 0;
  w.Key("partition_count").Int(static_cast<int64_t>(d.partitions.size()));
  w.Key("partitions").BeginArray();
  size_t listed = 0;
  for (const broker::PartitionDescription& p : d.partitions) {
    size += p.size_bytes;
    records += p.high_watermark.value() - p.log_start_offset.value();
    if (listed++ >= kMaxPartitions) {
      *truncated = true;
      continue;
    }
    w.BeginObject().Key("partition").Int(p.partition.value());
    w.Key("log_start_offset").Int(p.log_start_offset.value());
    w.Key("high_watermark").Int(p.high_watermark.value());
    w.Key("log_end_offset").Int(p.log_end_offset.value());
    w.Key("size_bytes").Int(p.size_bytes).Key("segments").Int(p.segment_count).EndObject();
  }
  w.EndArray().Key("size_bytes").Int(size).Key("records").Int(records);
  for (const char* name :
       {"rtai_broker_produced_records_total", "rtai_broker_produced_bytes_total",
        "rtai_broker_fetched_records_total", "rtai_broker_fetched_bytes_total"}) {
    auto it = c.by_topic.find({name, d.name});
    w.Key(std::string(name).substr(std::string("rtai_broker_").size()))
        .Double(it == c.by_topic.end() ? 0 : it->second);
  }
  WriteConsumerGroups(c, d.name, w);
  w.EndObject();
}

}  // namespace

std::string TopicsJson(const DashboardSources& s) {
  JsonWriter w;
  w.BeginObject().Key("time_ms").Int(s.clock->NowMillis());
  bool truncated = false;
  w.Key("topics").BeginArray();
  if (s.broker != nullptr) {
    const TopicCounters counters = ReadTopicCounters(s.registry);
    std::vector<std::string> names = s.broker->ListTopics();
    std::sort(names.begin(), names.end());
    if (names.size() > kMaxTopics) {
      names.resize(kMaxTopics);
      truncated = true;
    }
    for (const std::string& name : names) {
      auto d = s.broker->DescribeTopic(name);
      if (!d.ok()) continue;  // deleted meanwhile
      WriteTopic(*d, counters, w, &truncated);
    }
  }
  w.EndArray().Key("truncated").Bool(truncated).EndObject();
  return w.Take();
}

absl::StatusOr<std::string> MetricsJson(const DashboardSources& s, const std::string& prefix) {
  auto samples = ParseExposition(s.registry->RenderText(), prefix);
  if (!samples.ok()) return samples.status();
  JsonWriter w;
  w.BeginObject().Key("time_ms").Int(s.clock->NowMillis()).Key("samples").BeginArray();
  for (const MetricSample& m : *samples) {
    w.BeginObject().Key("name").String(m.name).Key("labels").BeginObject();
    for (const auto& [k, v] : m.labels) w.Key(k).String(v);
    w.EndObject().Key("value").Double(m.value).EndObject();
  }
  w.EndArray().EndObject();
  return w.Take();
}

}  // namespace rtai::cli
