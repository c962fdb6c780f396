#include "broker/txn/txn_state_log.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/byte_order.h"
#include "base/crc32c.h"
#include "base/logging.h"
#include "base/status_macros.h"

namespace rtai::broker::txn {
namespace {

constexpr uint8_t kRecordVersion = 0;
constexpr size_t kFrameHeader = 8;  // length u32 | crc32c u32
// Bounds on what a record may hold (Kafka's string limits).
constexpr size_t kMaxString = 0x7fff;
constexpr uint32_t kMaxPartitions = 100000;
constexpr uint32_t kMaxRecordBytes = 16 << 20;

class Writer {
 public:
  explicit Writer(std::string* out) : out_(out) {}
  template <typename T>
  void Int(T v) {
    char buf[sizeof(T)];
    StoreBigEndian<T>(buf, v);
    out_->append(buf, sizeof(T));
  }
  void Str(const std::string& s) {
    const size_t n = std::min(s.size(), kMaxString);
    Int<uint16_t>(static_cast<uint16_t>(n));
    out_->append(s.data(), n);
  }

 private:
  std::string* out_;
};

class Reader {
 public:
  explicit Reader(absl::string_view in) : in_(in) {}
  template <typename T>
  bool Int(T* v) {
    if (in_.size() < sizeof(T)) return false;
    *v = LoadBigEndian<T>(in_.data());
    in_.remove_prefix(sizeof(T));
    return true;
  }
  bool Str(std::string* s) {
    uint16_t n;
    if (!Int(&n) || n > kMaxString || in_.size() < n) return false;
    s->assign(in_.data(), n);
    in_.remove_prefix(n);
    return true;
  }
  bool empty() const { return in_.empty(); }

 private:
  absl::string_view in_;
};

std::string Frame(const std::string& payload) {
  std::string out(kFrameHeader, '\0');
  StoreBigEndian<uint32_t>(out.data(), static_cast<uint32_t>(payload.size()));
  StoreBigEndian<uint32_t>(out.data() + 4,
                           crc32c::Value(payload.data(), payload.size()));
  return out + payload;
}

}  // namespace

std::string TxnStateLog::Encode(const TxnMetadata& m) {
  std::string out;
  Writer w(&out);
  w.Int<uint8_t>(kRecordVersion);
  w.Str(m.transactional_id);
  w.Int<int64_t>(m.producer_id);
  w.Int<int16_t>(m.producer_epoch);
  w.Int<int16_t>(m.last_epoch);
  w.Int<int32_t>(m.timeout_ms);
  w.Int<uint8_t>(static_cast<uint8_t>(m.state));
  w.Int<int64_t>(m.txn_start_ms);
  w.Int<int64_t>(m.last_update_ms);
  w.Int<uint32_t>(static_cast<uint32_t>(m.partitions.size()));
  for (const TopicPartition& tp : m.partitions) {
    w.Str(tp.first);
    w.Int<int32_t>(tp.second);
  }
  return out;
}

bool TxnStateLog::Decode(absl::string_view payload, TxnMetadata* m) {
  Reader r(payload);
  uint8_t version, state;
  uint32_t count;
  if (!r.Int(&version) || version != kRecordVersion ||
      !r.Str(&m->transactional_id) || !r.Int(&m->producer_id) ||
      !r.Int(&m->producer_epoch) || !r.Int(&m->last_epoch) ||
      !r.Int(&m->timeout_ms) ||
      !r.Int(&state) || state > static_cast<uint8_t>(TxnState::kDead) ||
      !r.Int(&m->txn_start_ms) || !r.Int(&m->last_update_ms) ||
      !r.Int(&count) || count > kMaxPartitions) {
    return false;
  }
  m->state = static_cast<TxnState>(state);
  m->partitions.clear();
  for (uint32_t i = 0; i < count; ++i) {
    TopicPartition tp;
    if (!r.Str(&tp.first) || !r.Int(&tp.second)) return false;
    m->partitions.insert(std::move(tp));
  }
  return r.empty();
}

absl::StatusOr<std::unique_ptr<TxnStateLog>> TxnStateLog::Open(
    FileSystem* fs, const std::string& dir, State* state,
    int64_t compact_bytes) {
  RETURN_IF_ERROR(fs->CreateDirs(dir));
  std::unique_ptr<TxnStateLog> log(
      new TxnStateLog(fs, JoinPath(dir, "txn_state.log"), compact_bytes));
  std::string data;
  if (fs->Exists(log->path_)) {
    ASSIGN_OR_RETURN(data, fs->ReadFileToString(log->path_));
  }
  size_t pos = 0;
  int64_t records = 0;
  while (data.size() - pos >= kFrameHeader) {
    const uint32_t n = LoadBigEndian<uint32_t>(data.data() + pos);
    const uint32_t crc = LoadBigEndian<uint32_t>(data.data() + pos + 4);
    if (n > kMaxRecordBytes || data.size() - pos - kFrameHeader < n) break;
    const absl::string_view payload(data.data() + pos + kFrameHeader, n);
    TxnMetadata m;
    if (crc32c::Value(payload.data(), n) != crc || !Decode(payload, &m)) break;
    if (m.state == TxnState::kDead) {
      state->erase(m.transactional_id);
    } else {
      (*state)[m.transactional_id] = std::move(m);
    }
    pos += kFrameHeader + n;
    ++records;
  }
  ASSIGN_OR_RETURN(log->writer_, fs->OpenWritable(log->path_, /*truncate=*/false));
  if (pos != data.size()) {
    LogWarning("truncated torn tail of the transaction state log",
               {{"path", log->path_},
                {"offset", static_cast<int64_t>(pos)},
                {"bytes_dropped", static_cast<int64_t>(data.size() - pos)}});
    RETURN_IF_ERROR(log->writer_->Truncate(pos));
    RETURN_IF_ERROR(log->writer_->Sync());
  }
  RETURN_IF_ERROR(fs->SyncDir(dir));
  {
    absl::MutexLock l(&log->mu_);
    log->file_bytes_ = static_cast<int64_t>(pos);
  }
  LogInfo("transaction state loaded",
          {{"path", log->path_},
           {"records", records},
           {"transactional_ids", static_cast<int64_t>(state->size())}});
  return log;
}

absl::StatusOr<int64_t> TxnStateLog::Write(const TxnMetadata& m, const State& live) {
  const std::string framed = Frame(Encode(m));
  absl::MutexLock l(&mu_);
  RETURN_IF_ERROR(failure_);
  absl::Status s = writer_->Append(framed);
  if (!s.ok()) return FailLocked(s);
  file_bytes_ += static_cast<int64_t>(framed.size());
  written_ += static_cast<int64_t>(framed.size());
  if (file_bytes_ > next_check_bytes_) {
    int64_t live_bytes = 0;
    for (const auto& [id, meta] : live) {
      live_bytes += static_cast<int64_t>(kFrameHeader + Encode(meta).size());
    }
    if (file_bytes_ > 4 * live_bytes) {
      s = CompactLocked(live);
      if (!s.ok()) return FailLocked(s);
    }
    next_check_bytes_ = std::max(compact_bytes_, file_bytes_ + compact_bytes_);
  }
  return written_;
}

absl::Status TxnStateLog::SyncTo(int64_t seq) {
  absl::MutexLock l(&mu_);
  for (;;) {
    RETURN_IF_ERROR(failure_);
    if (durable_ >= seq) return absl::OkStatus();
    if (syncing_) {
      // A leader is fsyncing: wait for it, then look again (covered, failed,
      // or written after it started: lead the next round).
      ++waiting_;
      mu_.Await(absl::Condition(
          +[](bool* syncing) { return !*syncing; }, &syncing_));
      --waiting_;
      continue;
    }
    syncing_ = true;
    const int64_t target = written_;
    WritableFile* const w = writer_.get();
    ++sync_calls_;
    mu_.Unlock();
    // Concurrent Write()s may append meanwhile (as write(2) may run beside
    // fdatasync(2)); they are not covered by `target`.
    const absl::Status s = w->Sync();
    mu_.Lock();
    syncing_ = false;
    if (!s.ok()) return FailLocked(s);
    durable_ = std::max(durable_, target);
  }
}

absl::Status TxnStateLog::Append(const TxnMetadata& m, const State& live, bool sync) {
  ASSIGN_OR_RETURN(const int64_t seq, Write(m, live));
  return sync ? SyncTo(seq) : absl::OkStatus();
}

absl::Status TxnStateLog::FailLocked(absl::Status s) {
  if (failure_.ok()) {
    failure_ = s;
    LogError("transaction state log failed; nothing more is written",
             {{"path", path_}, {"error", s.ToString()}});
  }
  return failure_;
}

int64_t TxnStateLog::file_bytes() const {
  absl::MutexLock l(&mu_);
  return file_bytes_;
}

int64_t TxnStateLog::sync_calls() const {
  absl::MutexLock l(&mu_);
  return sync_calls_;
}

int TxnStateLog::waiting() const {
  absl::MutexLock l(&mu_);
  return waiting_;
}

absl::Status TxnStateLog::CompactLocked(const State& live) {
  // The leader's fsync uses writer_ without the lock: let it finish.
  mu_.Await(absl::Condition(+[](bool* syncing) { return !*syncing; }, &syncing_));
  std::string contents;
  for (const auto& [id, meta] : live) contents += Frame(Encode(meta));
  RETURN_IF_ERROR(writer_->Close());
  writer_.reset();
  RETURN_IF_ERROR(fs_->WriteFileAtomically(path_, contents));
  ASSIGN_OR_RETURN(writer_, fs_->OpenWritable(path_, /*truncate=*/false));
  LogInfo("transaction state log compacted",
          {{"path", path_},
           {"bytes_before", file_bytes_},
           {"bytes_after", static_cast<int64_t>(contents.size())}});
  file_bytes_ = static_cast<int64_t>(contents.size());
  // The rewritten file holds every live record and is durable: everything
  // written so far is (a record it dropped is superseded by a live one).
  durable_ = written_;
  return absl::OkStatus();
}

}  // namespace rtai::broker::txn
