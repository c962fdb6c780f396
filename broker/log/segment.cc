#include "broker/log/segment.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/byte_order.h"
#include "base/status_macros.h"
#include "broker/log/batch_scanner.h"

namespace rtai::broker {

namespace bl = batch_layout;

std::string SegmentFileName(Offset base, absl::string_view extension) {
  return absl::StrFormat("%020d%s", base.value(), extension);
}

Segment::Segment(FileSystem* fs, const std::string& dir, Offset base)
    : fs_(fs),
      base_(base),
      log_path_(JoinPath(dir, SegmentFileName(base, ".log"))),
      index_(fs, JoinPath(dir, SegmentFileName(base, ".index"))),
      time_index_(fs, JoinPath(dir, SegmentFileName(base, ".timeindex"))),
      txn_index_(fs, JoinPath(dir, SegmentFileName(base, ".txnindex"))),
      next_offset_(base.value()) {}

absl::StatusOr<std::unique_ptr<Segment>> Segment::Create(FileSystem* fs,
                                                         const std::string& dir,
                                                         Offset base) {
  std::unique_ptr<Segment> seg(new Segment(fs, dir, base));
  ASSIGN_OR_RETURN(seg->writer_,
                   fs->OpenWritable(seg->log_path_, /*truncate=*/true));
  ASSIGN_OR_RETURN(seg->reader_, fs->OpenRandomAccess(seg->log_path_));
  RETURN_IF_ERROR(seg->index_.Reset({}, /*writable=*/true, /*rewrite=*/true));
  RETURN_IF_ERROR(
      seg->time_index_.Reset({}, /*writable=*/true, /*rewrite=*/true));
  RETURN_IF_ERROR(seg->txn_index_.Reset({}));
  return seg;
}

absl::StatusOr<std::unique_ptr<Segment>> Segment::Open(
    FileSystem* fs, const std::string& dir, Offset base,
    int32_t index_interval_bytes, bool writable, SegmentRecovery* report) {
  std::unique_ptr<Segment> seg(new Segment(fs, dir, base));
  ASSIGN_OR_RETURN(seg->reader_, fs->OpenRandomAccess(seg->log_path_));
  RETURN_IF_ERROR(seg->Recover(index_interval_bytes, writable, report));
  return seg;
}

absl::Status Segment::DataLoss(int64_t pos, absl::string_view what) const {
  return absl::DataLossError(
      absl::StrCat("segment ", log_path_, " at position ", pos, ": ", what));
}

absl::StatusOr<BatchHeader> Segment::ReadHeader(int64_t pos,
                                                int64_t size_limit) const {
  char buf[bl::kHeaderSize];
  if (size_limit - pos < bl::kHeaderSize) {
    return DataLoss(pos, absl::StrCat(size_limit - pos,
                                      " bytes are not a whole batch header"));
  }
  ASSIGN_OR_RETURN(size_t n, reader_->Read(pos, sizeof(buf), buf));
  if (n != sizeof(buf)) return DataLoss(pos, "file is shorter than expected");
  ASSIGN_OR_RETURN(BatchHeader h, ParseBatchHeader(absl::string_view(buf, n)));
  if (h.magic != bl::kMagicV2 ||
      h.batch_length < bl::kHeaderSize - bl::kLogOverhead ||
      pos + h.size_bytes() > size_limit) {
    return DataLoss(pos, absl::StrCat("malformed batch header (magic ",
                                      static_cast<int>(h.magic),
                                      ", batchLength ", h.batch_length, ")"));
  }
  return h;
}

size_t Segment::VerifiedIndexPrefix(const std::vector<OffsetIndexEntry>& index,
                                    const std::vector<TimeIndexEntry>& time,
                                    int64_t file_size) const {
  const size_t n = std::min(index.size(), time.size());
  size_t k = 0;
  for (; k < n; ++k) {
    if (index[k].relative_offset != time[k].relative_offset) break;
    if (index[k].position == 0 || index[k].position >= file_size) break;
    if (k > 0 && (index[k].relative_offset <= index[k - 1].relative_offset ||
                  index[k].position <= index[k - 1].position ||
                  time[k].timestamp_ms < time[k - 1].timestamp_ms)) {
      break;
    }
  }
  // The last kept entry must point at a valid batch with the right offset;
  // give up after a few tries (then the whole segment is rescanned).
  constexpr int kMaxTries = 8;
  for (int tries = 0; k > 0 && tries < kMaxTries; ++tries, --k) {
    const OffsetIndexEntry& e = index[k - 1];
    auto h = ReadHeader(e.position, file_size);
    if (!h.ok() || h->base_offset != base_.value() + e.relative_offset)
      continue;
    std::string batch(static_cast<size_t>(h->size_bytes()), '\0');
    auto got = reader_->Read(e.position, batch.size(), batch.data());
    if (got.ok() && *got == batch.size() && CheckStoredBatch(batch).ok())
      return k;
  }
  return 0;
}

bool Segment::Observe(const BatchHeader& h, int64_t pos, int64_t size,
                      int32_t index_interval_bytes) {
  const bool add = pos > 0 && bytes_since_index_ >= index_interval_bytes;
  if (add) bytes_since_index_ = 0;
  bytes_since_index_ += size;
  if (pos == 0) first_timestamp_.store(h.max_timestamp);
  if (h.max_timestamp > max_timestamp_.load())
    max_timestamp_.store(h.max_timestamp);
  next_offset_.store(h.last_offset() + 1);
  return add;
}

absl::Status Segment::Recover(int32_t index_interval_bytes, bool writable,
                              SegmentRecovery* report) {
  ASSIGN_OR_RETURN(const uint64_t file_size_u, fs_->FileSize(log_path_));
  const int64_t file_size = static_cast<int64_t>(file_size_u);
  auto index = IndexFile<OffsetIndexEntry>::Load(fs_, index_.path());
  auto time = IndexFile<TimeIndexEntry>::Load(fs_, time_index_.path());
  std::vector<OffsetIndexEntry> index_entries;
  std::vector<TimeIndexEntry> time_entries;
  size_t kept = 0;
  if (index.ok() && time.ok()) {
    kept = VerifiedIndexPrefix(*index, *time, file_size);
    index_entries.assign(index->begin(), index->begin() + kept);
    time_entries.assign(time->begin(), time->begin() + kept);
  }
  bool rewrite = !index.ok() || !time.ok() || kept != index->size() ||
                 kept != time->size();
  int64_t start = 0;
  if (kept > 0) {
    start = index_entries.back().position;
    next_offset_.store(base_.value() + index_entries.back().relative_offset);
    max_timestamp_.store(time_entries.back().timestamp_ms);
    auto first = ReadHeader(0, file_size);
    if (first.ok()) first_timestamp_.store(first->max_timestamp);
  }
  BatchScanner scanner(reader_.get(), log_path_, start, file_size);
  int64_t valid_end = start;
  while (true) {
    absl::Status s = scanner.Next();
    if (absl::IsOutOfRange(s)) break;
    if (absl::IsDataLoss(s)) {
      report->reason = std::string(s.message());
      break;
    }
    RETURN_IF_ERROR(s);
    const BatchHeader& h = scanner.header();
    if (h.base_offset != next_offset_.load()) {
      report->reason = absl::StrCat(
          log_path_, " at position ", scanner.position(), ": baseOffset ",
          h.base_offset, " where ", next_offset_.load(), " was expected");
      break;
    }
    const int64_t size = h.size_bytes();
    if (Observe(h, scanner.position(), size, index_interval_bytes)) {
      const auto rel = static_cast<uint32_t>(h.base_offset - base_.value());
      index_entries.push_back({rel, static_cast<uint32_t>(scanner.position())});
      time_entries.push_back({max_timestamp_.load(), rel});
      rewrite = true;
    }
    valid_end = scanner.position() + size;
  }
  report->indexes_rebuilt = rewrite;
  if (writable) {
    report->dropped_bytes = file_size - valid_end;
    ASSIGN_OR_RETURN(writer_, fs_->OpenWritable(log_path_, /*truncate=*/false));
    if (valid_end != file_size) RETURN_IF_ERROR(writer_->Truncate(valid_end));
    size_.store(valid_end);
  } else {
    if (valid_end != file_size) report->corrupt_position = valid_end;
    size_.store(file_size);
  }
  RETURN_IF_ERROR(index_.Reset(std::move(index_entries), writable, rewrite));
  return time_index_.Reset(std::move(time_entries), writable, rewrite);
}

absl::Status Segment::Append(absl::string_view batch, const BatchHeader& h,
                             int32_t index_interval_bytes) {
  const int64_t pos = size_.load();
  RETURN_IF_ERROR(writer_->Append(batch));
  const int64_t size = static_cast<int64_t>(batch.size());
  if (Observe(h, pos, size, index_interval_bytes)) {
    const auto rel = static_cast<uint32_t>(h.base_offset - base_.value());
    RETURN_IF_ERROR(index_.Append({rel, static_cast<uint32_t>(pos)}));
    RETURN_IF_ERROR(time_index_.Append({max_timestamp_.load(), rel}));
  }
  size_.store(pos + size);
  return absl::OkStatus();
}

absl::Status Segment::SyncLog() {
  if (writer_ == nullptr) return absl::OkStatus();
  return writer_->Sync();
}

absl::Status Segment::CloseWriters(bool sync) {
  absl::Status s;
  if (writer_ != nullptr) {
    if (sync) s = writer_->Sync();
    absl::Status c = writer_->Close();
    if (s.ok()) s = c;
    writer_.reset();
  }
  absl::Status i = index_.CloseWriter(sync);
  absl::Status t = time_index_.CloseWriter(sync);
  absl::Status x = txn_index_.Close(sync);
  if (s.ok()) s = i;
  if (s.ok()) s = t;
  if (s.ok()) s = x;
  return s;
}

absl::Status Segment::DeleteFiles() {
  // The .log goes first: an index left behind by a crash is cleaned at open.
  RETURN_IF_ERROR(fs_->DeleteFile(log_path_));
  for (const std::string& path : {index_.path(), time_index_.path()}) {
    absl::Status s = fs_->DeleteFile(path);
    if (!s.ok() && !absl::IsNotFound(s)) return s;
  }
  return txn_index_.Delete();
}

absl::StatusOr<int64_t> Segment::FindPosition(int64_t target,
                                              int64_t size_limit) const {
  const int64_t rel = target - base_.value();
  int64_t pos = 0;
  OffsetIndexEntry e;
  if (rel > 0 && index_.FindLast(
                     [&](const OffsetIndexEntry& x) {
                       return x.relative_offset <= rel &&
                              x.position < size_limit;
                     },
                     &e)) {
    pos = e.position;
  }
  while (pos < size_limit) {
    ASSIGN_OR_RETURN(BatchHeader h, ReadHeader(pos, size_limit));
    if (h.last_offset() >= target) return pos;
    pos += h.size_bytes();
  }
  return size_limit;
}

absl::StatusOr<Offset> Segment::FindOffsetForTimestamp(
    int64_t timestamp_ms, int64_t size_limit) const {
  int64_t pos = 0;
  TimeIndexEntry te;
  if (time_index_.FindLast(
          [&](const TimeIndexEntry& x) {
            return x.timestamp_ms < timestamp_ms;
          },
          &te)) {
    OffsetIndexEntry ie;
    if (index_.FindLast(
            [&](const OffsetIndexEntry& x) {
              return x.relative_offset <= te.relative_offset &&
                     x.position < size_limit;
            },
            &ie)) {
      pos = ie.position;
    }
  }
  while (pos < size_limit) {
    ASSIGN_OR_RETURN(BatchHeader h, ReadHeader(pos, size_limit));
    if (h.max_timestamp >= timestamp_ms) return Offset(h.base_offset);
    pos += h.size_bytes();
  }
  return absl::NotFoundError("no batch at or after the timestamp");
}

}  // namespace rtai::broker
