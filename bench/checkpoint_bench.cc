// Checkpoint costs, in process (in-memory topic, JSON-decoding source,
// RocksDB window state, blackhole sink); docs/PERFORMANCE.md "Checkpoints
// (issue 6)".
//   checkpoint_bench [records=2000000] [state_keys=2000000] [rounds=3]
// 1. Throughput of a keyed tumbling-window job with checkpoints every 1 s
//    versus none, alternating in the same run.
// 2. Checkpoint duration for large keyed state: `state_keys` keys in windows
//    that never fire; a full checkpoint, then one after 10% of the keys
//    changed (incremental: only new SSTs are new bytes on disk).
// 3. Restore: the time from a destroyed runner to a running one restored
//    from the latest checkpoint (the in-process part of recovery).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "base/clock.h"
#include "base/file_system.h"
#include "engine/graph/validator.h"
#include "engine/io/memory_partition_client.h"
#include "engine/operators/operator_factory.h"
#include "engine/runtime/job_runner.h"

namespace {

using rtai::engine::runtime::CheckpointState;
using rtai::engine::runtime::CheckpointStats;

constexpr char kJob[] = R"({"version": 1, "name": "ckpt-bench",
  "schemas": [{"name": "e", "fields": [{"name": "k", "type": "int64"},
    {"name": "v", "type": "int64"}, {"name": "ts", "type": "timestamp"}]}],
  "nodes": [
    {"uid": "src", "operator": "broker_source", "config": {"topic": "TOPIC", "schema": "e",
      "event_time": "ts", "bounded": BOUNDED}},
    {"uid": "win", "operator": "window_aggregate", "config": {
      "window": {"type": "tumbling", "size_ms": SIZE}, "key": ["k"],
      "aggregates": [{"name": "n", "fn": "count"}, {"name": "s", "fn": "sum", "expr": "v"}]}},
    {"uid": "sink", "operator": "blackhole_sink"}],
  "edges": [{"from": "src", "to": "win"}, {"from": "win", "to": "sink"}]})";

std::shared_ptr<const rtai::engine::graph::ValidatedGraph> Graph(const std::string& topic,
                                                                  bool bounded, int64_t size_ms) {
  const std::string json = absl::StrReplaceAll(
      kJob, {{"TOPIC", topic}, {"BOUNDED", bounded ? "true" : "false"},
             {"SIZE", absl::StrCat(size_ms)}});
  auto g = rtai::engine::graph::ParseAndValidateJobGraph(json);
  if (!g.ok()) {
    std::fprintf(stderr, "%s\n", std::string(g.status().message()).c_str());
    std::exit(1);
  }
  return std::make_shared<const rtai::engine::graph::ValidatedGraph>(std::move(*g));
}

void Fill(rtai::engine::io::MemoryPartitionClient& c, const std::string& topic, int64_t n,
          int64_t keys, int64_t first_ts) {
  for (int64_t i = 0; i < n; ++i) {
    rtai::engine::io::ClientRecord r;
    r.value = absl::StrCat("{\"k\":", (i * 7919) % keys, ",\"v\":", i, ",\"ts\":", first_ts + i / 100, "}");
    if (!c.AppendTo(topic, 0, std::move(r)).ok()) std::exit(1);
  }
}

rtai::engine::runtime::RuntimeOptions Options(rtai::engine::io::MemoryPartitionClient* c,
                                              const std::string& dir, int64_t interval_ms) {
  rtai::engine::runtime::RuntimeOptions o;
  o.client = c;
  o.state_dir = rtai::JoinPath(dir, "state");
  if (interval_ms >= 0) {
    o.checkpoint.dir = rtai::JoinPath(dir, "checkpoints");
    o.checkpoint.interval_ms = interval_ms;
    o.checkpoint.timeout_ms = 600'000;
  }
  return o;
}

double RunThroughput(rtai::engine::io::MemoryPartitionClient* c, const std::string& dir,
                     int64_t records, int64_t interval_ms, std::vector<CheckpointStats>* stats) {
  std::filesystem::remove_all(dir);
  auto g = Graph("events", true, 1000);
  const int64_t start = rtai::SystemClock()->MonotonicNanos();
  auto r = rtai::engine::runtime::JobRunner::Start(g, Options(c, dir, interval_ms),
                                                   rtai::engine::operators::CreateOperator);
  if (!r.ok() || (*r)->Wait() != rtai::engine::runtime::RunState::kFinished) std::exit(2);
  const double secs = static_cast<double>(rtai::SystemClock()->MonotonicNanos() - start) / 1e9;
  if ((*r)->coordinator() != nullptr) *stats = (*r)->coordinator()->History();
  return static_cast<double>(records) / secs;
}

void Throughput(int64_t records, int rounds, const std::string& base) {
  rtai::engine::io::MemoryPartitionClient c;
  (void)c.CreateTopic("events", 1);
  Fill(c, "events", records, 10'000, 1'700'000'000'000);
  std::vector<double> off, on;
  for (int i = 0; i < rounds; ++i) {
    std::vector<CheckpointStats> stats;
    off.push_back(RunThroughput(&c, base + "/off", records, -1, &stats));
    on.push_back(RunThroughput(&c, base + "/on", records, 1000, &stats));
    int completed = 0;
    int64_t dur = 0, align = 0;
    for (const CheckpointStats& s : stats) {
      if (s.state != CheckpointState::kCompleted) continue;
      ++completed;
      dur = std::max(dur, s.duration_ms);
      align = std::max(align, s.alignment_ms);
    }
    std::printf("round %d: off %.0f rec/s, on(1 s) %.0f rec/s, %d checkpoints (max %lld ms, "
                "max alignment %lld ms)\n",
                i, off.back(), on.back(), completed, static_cast<long long>(dur),
                static_cast<long long>(align));
  }
  std::sort(off.begin(), off.end());
  std::sort(on.begin(), on.end());
  const double mo = off[off.size() / 2], mn = on[on.size() / 2];
  std::printf("throughput median: off %.0f rec/s, on %.0f rec/s, overhead %.1f%%\n", mo, mn,
              100.0 * (mo - mn) / mo);
}

// Bytes of the SST files of checkpoint `id` that checkpoint `prev` did not have.
uint64_t NewSstBytes(const std::string& root, int64_t prev, int64_t id) {
  std::set<std::string> old;
  const std::string pdir = absl::StrCat(root, "/chk-", prev, "/task-src-0/db");
  std::error_code ec;
  for (auto& e : std::filesystem::directory_iterator(pdir, ec)) old.insert(e.path().filename());
  uint64_t bytes = 0;
  for (auto& e : std::filesystem::directory_iterator(absl::StrCat(root, "/chk-", id, "/task-src-0/db"), ec)) {
    if (e.path().extension() == ".sst" && !old.contains(e.path().filename())) bytes += e.file_size();
  }
  return bytes;
}

void WaitConsumed(rtai::engine::runtime::JobRunner& r, int64_t n) {
  while (true) {
    for (const auto& m : r.Metrics()) {
      if (m.uid == "win" && m.records_in >= n) return;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
}

void LargeState(int64_t keys, const std::string& base) {
  rtai::engine::io::MemoryPartitionClient c;
  (void)c.CreateTopic("state", 1);
  Fill(c, "state", keys, keys, 1'700'000'000'000);
  std::filesystem::remove_all(base + "/large");
  auto g = Graph("state", false, 86'400'000);  // one-day windows: nothing fires
  auto o = Options(&c, base + "/large", 0);    // checkpoints on request only
  const int64_t t0 = rtai::SystemClock()->MonotonicNanos();
  auto r = rtai::engine::runtime::JobRunner::Start(g, o, rtai::engine::operators::CreateOperator);
  if (!r.ok()) std::exit(3);
  WaitConsumed(**r, keys);
  std::printf("large state: %lld keys ingested in %.1f s\n", static_cast<long long>(keys),
              static_cast<double>(rtai::SystemClock()->MonotonicNanos() - t0) / 1e9);
  auto full = (*r)->TriggerCheckpoint(false, absl::Minutes(10));
  if (!full.ok()) std::exit(4);
  std::printf("full checkpoint %lld: %lld ms, %.1f MB\n", static_cast<long long>(full->id),
              static_cast<long long>(full->duration_ms), static_cast<double>(full->size_bytes) / 1e6);
  Fill(c, "state", keys / 10, keys, 1'700'000'000'000);
  WaitConsumed(**r, keys + keys / 10);
  auto incr = (*r)->TriggerCheckpoint(false, absl::Minutes(10));
  if (!incr.ok()) std::exit(5);
  std::printf("after 10%% of the keys changed, checkpoint %lld: %lld ms, %.1f MB referenced, "
              "%.1f MB new SST bytes\n",
              static_cast<long long>(incr->id), static_cast<long long>(incr->duration_ms),
              static_cast<double>(incr->size_bytes) / 1e6,
              static_cast<double>(NewSstBytes(o.checkpoint.dir, full->id, incr->id)) / 1e6);
  r->reset();
  // Restore: from a destroyed runner to a running, restored one.
  auto latest = rtai::engine::runtime::FindLatestCheckpoint(rtai::DefaultFileSystem(),
                                                            o.checkpoint.dir);
  if (!latest.ok() || !latest->has_value()) std::exit(6);
  o.restore = std::move(*latest);
  const int64_t t1 = rtai::SystemClock()->MonotonicNanos();
  auto restored =
      rtai::engine::runtime::JobRunner::Start(g, o, rtai::engine::operators::CreateOperator);
  if (!restored.ok()) std::exit(7);
  std::printf("restore (state dir rebuilt + RocksDB opened + operators restored): %.0f ms\n",
              static_cast<double>(rtai::SystemClock()->MonotonicNanos() - t1) / 1e6);
  uint64_t disk = 0;
  std::error_code ec;
  for (auto& e : std::filesystem::recursive_directory_iterator(o.state_dir, ec)) {
    if (e.is_regular_file()) disk += e.file_size();
  }
  std::printf("live RocksDB size: %.1f MB\n", static_cast<double>(disk) / 1e6);
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t records = argc > 1 ? std::atoll(argv[1]) : 2'000'000;
  const int64_t keys = argc > 2 ? std::atoll(argv[2]) : 2'000'000;
  const int rounds = argc > 3 ? std::atoi(argv[3]) : 3;
  const std::string base = std::filesystem::temp_directory_path() / "rtai_checkpoint_bench";
  Throughput(records, rounds, base);
  LargeState(keys, base);
  std::filesystem::remove_all(base);
  return 0;
}
