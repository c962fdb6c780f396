#pragma once
// IndexFile<Entry>: a sparse index kept in memory and mirrored to an
// append-only file of fixed-size big-endian entries (the `.index` and
// `.timeindex` files; layouts in docs/formats/log.md). The file is derived
// data: recovery checks it and rebuilds it from the segment when it is
// missing or inconsistent, so it is synced only when a segment is sealed or
// the log closes.
//
// Entry needs: `static constexpr int kSize`, `void Encode(char*) const`,
// `static Entry Decode(const char*)`.
//
// Thread safety: Append/TruncateTo/Sync/CloseWriter are called by the single
// writer (the log's append path); Snapshot-style reads (Find) may run
// concurrently from any thread.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/file_system.h"
#include "base/status_macros.h"

namespace rtai::broker {

template <typename Entry>
class IndexFile {
 public:
  IndexFile(FileSystem* fs, std::string path)
      : fs_(fs), path_(std::move(path)) {}

  // Reads the entries of the file at `path`. kNotFound when missing;
  // kDataLoss when its size is not a whole number of entries.
  static absl::StatusOr<std::vector<Entry>> Load(FileSystem* fs,
                                                 const std::string& path) {
    ASSIGN_OR_RETURN(std::string data, fs->ReadFileToString(path));
    if (data.size() % Entry::kSize != 0) {
      return absl::DataLossError(absl::StrCat(path, ": size ", data.size(),
                                              " is not a multiple of ",
                                              Entry::kSize));
    }
    std::vector<Entry> entries;
    entries.reserve(data.size() / Entry::kSize);
    for (size_t p = 0; p < data.size(); p += Entry::kSize) {
      entries.push_back(Entry::Decode(data.data() + p));
    }
    return entries;
  }

  // Adopts `entries` (already on disk as the first entries.size() entries
  // of the file) and, with `writable`, opens the file for appending, cut to
  // exactly those entries (or rewritten from scratch with `rewrite`).
  absl::Status Reset(std::vector<Entry> entries, bool writable, bool rewrite) {
    absl::MutexLock l(&mu_);
    entries_ = std::move(entries);
    writer_.reset();
    if (!writable && !rewrite) return absl::OkStatus();
    ASSIGN_OR_RETURN(writer_, fs_->OpenWritable(path_, /*truncate=*/rewrite));
    if (rewrite) {
      std::string buf(entries_.size() * Entry::kSize, '\0');
      for (size_t i = 0; i < entries_.size(); ++i) {
        entries_[i].Encode(buf.data() + i * Entry::kSize);
      }
      RETURN_IF_ERROR(writer_->Append(buf));
    } else if (writer_->Size() != entries_.size() * Entry::kSize) {
      RETURN_IF_ERROR(writer_->Truncate(entries_.size() * Entry::kSize));
    }
    if (!writable) return CloseWriterLocked(/*sync=*/true);
    return absl::OkStatus();
  }

  absl::Status Append(const Entry& e) {
    char buf[Entry::kSize];
    e.Encode(buf);
    absl::MutexLock l(&mu_);
    RETURN_IF_ERROR(writer_->Append(absl::string_view(buf, Entry::kSize)));
    entries_.push_back(e);
    return absl::OkStatus();
  }

  // Syncs (optionally) and closes the file; entries stay in memory.
  absl::Status CloseWriter(bool sync) {
    absl::MutexLock l(&mu_);
    return CloseWriterLocked(sync);
  }

  // Binary search: the last entry for which `before(e)` holds, given that
  // `before` is true on a prefix of the entries. False if there is none.
  template <typename Pred>
  bool FindLast(Pred before, Entry* out) const {
    absl::ReaderMutexLock l(&mu_);
    size_t lo = 0, hi = entries_.size();  // first index where !before
    while (lo < hi) {
      const size_t mid = lo + (hi - lo) / 2;
      if (before(entries_[mid])) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    if (lo == 0) return false;
    *out = entries_[lo - 1];
    return true;
  }

  bool Last(Entry* out) const {
    absl::ReaderMutexLock l(&mu_);
    if (entries_.empty()) return false;
    *out = entries_.back();
    return true;
  }

  size_t size() const {
    absl::ReaderMutexLock l(&mu_);
    return entries_.size();
  }
  const std::string& path() const { return path_; }

 private:
  absl::Status CloseWriterLocked(bool sync) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (writer_ == nullptr) return absl::OkStatus();
    absl::Status s = sync ? writer_->Sync() : absl::OkStatus();
    absl::Status c = writer_->Close();
    writer_.reset();
    return s.ok() ? c : s;
  }

  FileSystem* const fs_;
  const std::string path_;
  mutable absl::Mutex mu_;
  std::vector<Entry> entries_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<WritableFile> writer_ ABSL_GUARDED_BY(mu_);
};

}  // namespace rtai::broker
