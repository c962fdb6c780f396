// Partition log append throughput with fsync before ack (group commit), and
// the disk's physical limit for the same write pattern.
//
//   log_append_bench --dir=D --record_bytes=1024 --records_per_batch=10
//                    --appenders=64 --seconds=5          # PartitionLog
//   log_append_bench --dir=D --raw_write_bytes=N --seconds=5  # write+fdatasync
//   log_append_bench --dir=D --raw_write_bytes=N --raw_pipelined=1
//                    --raw_max_ahead_bytes=M               # overlapped
//
// Each appender appends one batch, waits until it is durable
// (GroupCommitter::SyncBlocking), then appends the next: acks=all latency
// bound, the pattern Kafka producers with acks=all and one in-flight request
// produce. Prints one `key=value` line.

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/check.h"
#include "base/clock.h"
#include "base/file_system.h"
#include "base/logging.h"
#include "broker/log/group_commit.h"
#include "broker/log/partition_log.h"
#include "broker/log/record_batch.h"

namespace rtai::broker {
namespace {

struct Flags {
  std::string dir = "/tmp/log_append_bench";
  int64_t record_bytes = 1024;
  int64_t records_per_batch = 10;
  int64_t appenders = 64;
  int64_t seconds = 5;
  int64_t disk_threads = 2;
  int64_t raw_write_bytes = 0;  // > 0: raw write+fdatasync loop instead
  int64_t raw_pipelined = 0;    // 1: writer and fdatasync threads overlap
  int64_t raw_max_ahead_bytes = int64_t{64} << 20;  // pipelined: not yet durable
};

Flags ParseFlags(int argc, char** argv) {
  Flags f;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const size_t eq = arg.find('=');
    CHECK(arg.rfind("--", 0) == 0 && eq != std::string::npos);
    const std::string key = arg.substr(2, eq - 2);
    const std::string value = arg.substr(eq + 1);
    int64_t* target = nullptr;
    if (key == "dir") {
      f.dir = value;
      continue;
    }
    if (key == "record_bytes") target = &f.record_bytes;
    if (key == "records_per_batch") target = &f.records_per_batch;
    if (key == "appenders") target = &f.appenders;
    if (key == "seconds") target = &f.seconds;
    if (key == "disk_threads") target = &f.disk_threads;
    if (key == "raw_write_bytes") target = &f.raw_write_bytes;
    if (key == "raw_pipelined") target = &f.raw_pipelined;
    if (key == "raw_max_ahead_bytes") target = &f.raw_max_ahead_bytes;
    if (target == nullptr || !absl::SimpleAtoi(value, target)) {
      std::fprintf(stderr, "bad flag %s\n", arg.c_str());
      std::exit(2);
    }
  }
  return f;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since)
      .count();
}

// The physical limit: one writer doing write(N) + fdatasync(), as the log's
// single fsync stream does.
void RunRaw(const Flags& f) {
  CHECK_OK(DefaultFileSystem()->CreateDirs(f.dir));
  const std::string path = JoinPath(f.dir, "raw.dat");
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  CHECK(fd >= 0);
  const std::string buf(static_cast<size_t>(f.raw_write_bytes), 'x');
  int64_t ops = 0;
  const auto start = std::chrono::steady_clock::now();
  while (Seconds(start) < static_cast<double>(f.seconds)) {
    CHECK(::write(fd, buf.data(), buf.size()) ==
          static_cast<ssize_t>(buf.size()));
    CHECK(::fdatasync(fd) == 0);
    ++ops;
  }
  const double secs = Seconds(start);
  ::close(fd);
  ::unlink(path.c_str());
  std::printf("mode=raw write_bytes=%lld fsyncs_per_s=%.0f MB_per_s=%.2f\n",
              static_cast<long long>(f.raw_write_bytes), ops / secs,
              ops * static_cast<double>(buf.size()) / secs / 1e6);
}

// The ceiling for any design that acks after fsync with a given amount of
// data in flight: one thread writes `raw_write_bytes` chunks while at most
// `raw_max_ahead_bytes` are not yet durable (N appenders with one batch each
// in flight = N x batch), another fdatasyncs in a loop; reported is the rate
// at which bytes became durable.
void RunRawPipelined(const Flags& f) {
  CHECK_OK(DefaultFileSystem()->CreateDirs(f.dir));
  const std::string path = JoinPath(f.dir, "raw.dat");
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  CHECK(fd >= 0);
  const std::string buf(static_cast<size_t>(f.raw_write_bytes), 'x');
  const int64_t max_ahead = f.raw_max_ahead_bytes;
  std::atomic<int64_t> written{0};
  std::atomic<int64_t> durable{0};
  std::atomic<bool> stop{false};
  int64_t fsyncs = 0;
  std::thread writer([&] {
    while (!stop.load()) {
      if (written.load() - durable.load() + static_cast<int64_t>(buf.size()) >
          max_ahead) {
        std::this_thread::yield();
        continue;
      }
      CHECK(::write(fd, buf.data(), buf.size()) == static_cast<ssize_t>(buf.size()));
      written.fetch_add(static_cast<int64_t>(buf.size()));
    }
  });
  const auto start = std::chrono::steady_clock::now();
  while (Seconds(start) < static_cast<double>(f.seconds)) {
    const int64_t target = written.load();
    CHECK(::fdatasync(fd) == 0);
    durable.store(target);
    ++fsyncs;
  }
  const double secs = Seconds(start);
  stop = true;
  writer.join();
  ::close(fd);
  ::unlink(path.c_str());
  std::printf("mode=raw_pipelined write_bytes=%lld fsyncs_per_s=%.0f MB_per_s=%.2f\n",
              static_cast<long long>(f.raw_write_bytes), fsyncs / secs,
              static_cast<double>(durable.load()) / secs / 1e6);
}

void RunLog(const Flags& f) {
  SetMinLogLevel(LogLevel::kWarning);
  CHECK_OK(DefaultFileSystem()->DeleteDirRecursive(f.dir));
  LogConfig config;  // defaults: 128 MiB segments, kPerWrite
  auto opened = PartitionLog::Open(f.dir, {"bench", 0}, config,
                                   DefaultFileSystem(), SystemClock());
  CHECK_OK(opened.status());
  std::unique_ptr<PartitionLog> log = std::move(*opened);
  std::vector<Record> records(static_cast<size_t>(f.records_per_batch));
  for (size_t i = 0; i < records.size(); ++i) {
    records[i].key = absl::StrCat("key-", i);
    records[i].value = std::string(static_cast<size_t>(f.record_bytes), 'v');
    records[i].timestamp_ms = SystemClock()->NowMillis();
  }
  const std::string batch = BuildRecordBatch(records);
  GroupCommitter committer({.disk_threads = static_cast<int>(f.disk_threads)});
  std::atomic<bool> stop{false};
  std::atomic<int64_t> batches{0};
  std::vector<std::thread> threads;
  const auto start = std::chrono::steady_clock::now();
  for (int64_t a = 0; a < f.appenders; ++a) {
    threads.emplace_back([&] {
      while (!stop.load(std::memory_order_relaxed)) {
        auto info = log->Append(
            batch, LeaderEpoch(1));  // one copy, as a request buffer
        CHECK_OK(info.status());
        CHECK_OK(committer.SyncBlocking(log.get(),
                                        Offset(info->last_offset.value() + 1)));
        batches.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(f.seconds));
  stop = true;
  for (auto& t : threads) t.join();
  const double secs = Seconds(start);
  const int64_t n = batches.load();
  const int64_t syncs = committer.sync_calls();
  const double bytes =
      static_cast<double>(n) * static_cast<double>(batch.size());
  std::printf(
      "mode=log record_bytes=%lld records_per_batch=%lld appenders=%lld "
      "batch_bytes=%zu records_per_s=%.0f MB_per_s=%.2f fsyncs_per_s=%.0f "
      "bytes_per_fsync=%.0f\n",
      static_cast<long long>(f.record_bytes),
      static_cast<long long>(f.records_per_batch),
      static_cast<long long>(f.appenders), batch.size(),
      n * f.records_per_batch / secs, bytes / secs / 1e6, syncs / secs,
      syncs > 0 ? bytes / static_cast<double>(syncs) : 0.0);
  CHECK_OK(log->Close());
  CHECK_OK(DefaultFileSystem()->DeleteDirRecursive(f.dir));
}

}  // namespace
}  // namespace rtai::broker

int main(int argc, char** argv) {
  const rtai::broker::Flags f = rtai::broker::ParseFlags(argc, argv);
  if (f.raw_write_bytes > 0 && f.raw_pipelined != 0) {
    rtai::broker::RunRawPipelined(f);
  } else if (f.raw_write_bytes > 0) {
    rtai::broker::RunRaw(f);
  } else {
    rtai::broker::RunLog(f);
  }
  return 0;
}
