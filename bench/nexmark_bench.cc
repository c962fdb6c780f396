// Nexmark q0/q1/q2 as job graphs, from an in-process source (an in-memory
// topic read through the engine's PartitionClient, JSON-decoded by the
// source) to a blackhole sink, parallelism 1 (one task thread: one core).
// Prints events/s for each query; docs/PERFORMANCE.md "Nexmark (issue 4)".
//   nexmark_bench [events=1000000] [rounds=3]
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <vector>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "base/clock.h"
#include "bench/nexmark_generator.h"
#include "engine/graph/validator.h"
#include "engine/io/memory_partition_client.h"
#include "engine/operators/operator_factory.h"
#include "engine/runtime/job_runner.h"

namespace {

constexpr char kJob[] = R"({"version": 1, "name": "NAME",
  "schemas": [{"name": "event", "fields": [{"name": "type", "type": "string"},
    {"name": "auction", "type": "int64"}, {"name": "bidder", "type": "int64"},
    {"name": "price", "type": "int64"}, {"name": "channel", "type": "string"},
    {"name": "url", "type": "string"}, {"name": "ts", "type": "timestamp"}]}],
  "watermark": {"max_out_of_orderness_ms": 4000},
  "nodes": [
    {"uid": "src", "operator": "broker_source", "config": {"topic": "events", "schema": "event",
      "event_time": "ts", "bounded": true}},
    {"uid": "bids", "operator": "filter", "config": {"predicate": "PREDICATE"}},
    {"uid": "project", "operator": "map", "config": {"fields": FIELDS}},
    {"uid": "sink", "operator": "blackhole_sink"}],
  "edges": [{"from": "src", "to": "bids"}, {"from": "bids", "to": "project"},
            {"from": "project", "to": "sink"}]})";

struct Query {
  const char* name;
  const char* predicate;
  const char* fields;
};

constexpr Query kQueries[] = {
    {"q0", "type = 'bid'",
     R"([{"name": "auction", "expr": "auction"}, {"name": "bidder", "expr": "bidder"},
         {"name": "price", "expr": "price"}, {"name": "channel", "expr": "channel"},
         {"name": "url", "expr": "url"}, {"name": "ts", "expr": "ts"}])"},
    {"q1", "type = 'bid'",
     R"([{"name": "auction", "expr": "auction"}, {"name": "bidder", "expr": "bidder"},
         {"name": "price", "expr": "price * 0.908"}, {"name": "ts", "expr": "ts"}])"},
    {"q2", "type = 'bid' and auction % 123 = 0",
     R"([{"name": "auction", "expr": "auction"}, {"name": "price", "expr": "price"}])"},
};

// q5 (hot items), the counting part: bids per auction in sliding 10 s / 2 s
// windows, then the largest count per window (the join back to the auction
// id that Nexmark's q5 does is not built). Stateful: RocksDB keyed state.
constexpr char kQ5[] = R"({"version": 1, "name": "q5",
  "schemas": [{"name": "event", "fields": [{"name": "type", "type": "string"},
    {"name": "auction", "type": "int64"}, {"name": "ts", "type": "timestamp"}]}],
  "watermark": {"max_out_of_orderness_ms": 4000},
  "nodes": [
    {"uid": "src", "operator": "broker_source", "config": {"topic": "events", "schema": "event",
      "event_time": "ts", "bounded": true}},
    {"uid": "bids", "operator": "filter", "config": {"predicate": "type = 'bid'"}},
    {"uid": "per-auction", "operator": "window_aggregate", "config": {
      "window": {"type": "sliding", "size_ms": 10000, "slide_ms": 2000}, "key": ["auction"],
      "aggregates": [{"name": "bids", "fn": "count"}]}},
    {"uid": "hottest", "operator": "window_aggregate", "config": {
      "window": {"type": "tumbling", "size_ms": 2000},
      "aggregates": [{"name": "max_bids", "fn": "max", "expr": "bids"}]}},
    {"uid": "sink", "operator": "blackhole_sink"}],
  "edges": [{"from": "src", "to": "bids"}, {"from": "bids", "to": "per-auction"},
            {"from": "per-auction", "to": "hottest"}, {"from": "hottest", "to": "sink"}]})";

}  // namespace

int main(int argc, char** argv) {
  using namespace rtai;
  const int64_t events = argc > 1 ? std::atoll(argv[1]) : 1000000;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
  engine::io::MemoryPartitionClient client(events + 1);
  if (!client.CreateTopic("events", 1).ok()) return 1;
  bench::NexmarkGenerator gen(42, 1'700'000'000'000, 10);
  for (int64_t i = 0; i < events; ++i) {
    engine::io::ClientRecord r;
    r.value = gen.Event(i);
    if (!client.AppendTo("events", 0, std::move(r)).ok()) return 1;
  }
  std::printf("%lld events generated (1 person : 3 auctions : 46 bids)\n",
              static_cast<long long>(events));
  char state_template[] = "/tmp/nexmark_state_XXXXXX";
  const char* state_dir = mkdtemp(state_template);
  if (state_dir == nullptr) return 1;
  std::vector<std::pair<std::string, std::string>> jobs;
  for (const Query& q : kQueries) {
    jobs.emplace_back(q.name, absl::StrReplaceAll(kJob, {{"NAME", q.name}, {"PREDICATE", q.predicate},
                                                         {"FIELDS", q.fields}}));
  }
  jobs.emplace_back("q5 (counts)", kQ5);
  for (const auto& [name, json] : jobs) {
    const Query q{name.c_str(), nullptr, nullptr};
    auto graph = engine::graph::ParseAndValidateJobGraph(json);
    if (!graph.ok()) {
      std::fprintf(stderr, "%s: %s\n", q.name, std::string(graph.status().message()).c_str());
      return 1;
    }
    auto shared = std::make_shared<const engine::graph::ValidatedGraph>(std::move(*graph));
    double best = 0;
    for (int round = 0; round < rounds; ++round) {
      engine::runtime::RuntimeOptions o;
      o.client = &client;
      o.state_dir = state_dir;
      const int64_t start = SystemClock()->MonotonicNanos();
      auto runner = engine::runtime::JobRunner::Start(shared, o, engine::operators::CreateOperator);
      if (!runner.ok() || (*runner)->Wait() != engine::runtime::RunState::kFinished) {
        std::fprintf(stderr, "%s failed\n", q.name);
        return 1;
      }
      const double secs = (SystemClock()->MonotonicNanos() - start) / 1e9;
      best = std::max(best, events / secs);
    }
    std::printf("%s: %.0f events/s (best of %d)\n", q.name, best, rounds);
  }
  std::error_code ec;
  std::filesystem::remove_all(state_dir, ec);
  return 0;
}
