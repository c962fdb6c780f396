#pragma once
// FaultInjectionFileSystem: wraps a real FileSystem for fault tests (modelled
// on leveldb's and RocksDB's fault-injection envs). It counts fsyncs, fails
// the next N / all Sync()s, fails writes with ENOSPC once a byte budget is
// spent (writing the part that fits, as a real short write would), and
// simulates a crash: DropUnsyncedData() cuts every file it saw being written
// back to the size it had at its last successful Sync() (0 if never synced).
//
// Model: a file opened for writing that already existed counts as synced up
// to its size at open. Rename moves the synced state; WriteFileAtomically
// therefore keeps its guarantee. Directory entries are modelled as always
// durable (a created-but-never-synced file survives a crash, empty).
//
// Thread-safe. `base` must outlive this object. Files it opened must be
// closed (or destroyed) before DropUnsyncedData().

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "base/file_system.h"

namespace rtai::testing {

class FaultInjectionFileSystem final : public FileSystem {
 public:
  explicit FaultInjectionFileSystem(FileSystem* base) : base_(base) {}

  // --- fault controls ---
  // The next `n` WritableFile::Sync() calls fail with kInternal (EIO).
  // Directory syncs fail only under SetFailAllSyncs.
  void FailNextSyncs(int n) { fail_next_syncs_ = n; }
  // Every Sync() fails while set.
  void SetFailAllSyncs(bool fail) { fail_all_syncs_ = fail; }
  // After `bytes` more bytes are appended (to any file), appends fail with
  // kResourceExhausted (ENOSPC); -1 removes the limit.
  void SetWriteBudget(int64_t bytes);
  // Sync point: `hook(path)` runs at the start of every WritableFile::Sync()
  // (on the syncing thread, no locks held), e.g. to block a sync until a
  // test has lined up concurrent work. Set before use; nullptr clears.
  void SetSyncHook(std::function<void(const std::string&)> hook) {
    absl::MutexLock l(&mu_);
    sync_hook_ = std::move(hook);
  }
  // Successful WritableFile::Sync() calls so far (not directory syncs).
  int64_t sync_count() const { return sync_count_.load(); }
  // Successful SyncDir() calls so far.
  int64_t dir_sync_count() const { return dir_sync_count_.load(); }
  // Simulated power loss: truncates each written file to its synced size.
  absl::Status DropUnsyncedData();

  // --- FileSystem ---
  absl::StatusOr<std::unique_ptr<WritableFile>> OpenWritable(
      const std::string& path, bool truncate) override;
  absl::StatusOr<std::unique_ptr<RandomAccessFile>> OpenRandomAccess(
      const std::string& path) override {
    return base_->OpenRandomAccess(path);
  }
  bool Exists(const std::string& path) override { return base_->Exists(path); }
  absl::StatusOr<uint64_t> FileSize(const std::string& path) override {
    return base_->FileSize(path);
  }
  absl::StatusOr<std::vector<std::string>> ListDir(
      const std::string& dir) override {
    return base_->ListDir(dir);
  }
  absl::Status CreateDirs(const std::string& dir) override {
    return base_->CreateDirs(dir);
  }
  absl::Status DeleteFile(const std::string& path) override;
  absl::Status DeleteDirRecursive(const std::string& dir) override {
    return base_->DeleteDirRecursive(dir);
  }
  absl::Status Rename(const std::string& from, const std::string& to) override;
  absl::Status SyncDir(const std::string& dir) override;
  absl::Status TruncateFile(const std::string& path, uint64_t size) override;

 private:
  friend class FaultInjectionWritableFile;
  // Called by files: returns OK or the injected error; `*allowed` is how many
  // of `n` bytes may be written.
  absl::Status ChargeWrite(const std::string& path, size_t n, size_t* allowed);
  absl::Status MaybeFailSync(const std::string& path, bool is_dir);
  void RunSyncHook(const std::string& path);
  void RecordSynced(const std::string& path, uint64_t size);
  void RecordTruncated(const std::string& path, uint64_t size);

  FileSystem* const base_;
  std::atomic<int> fail_next_syncs_{0};
  std::atomic<bool> fail_all_syncs_{false};
  std::atomic<int64_t> sync_count_{0};
  std::atomic<int64_t> dir_sync_count_{0};
  absl::Mutex mu_;
  int64_t write_budget_ ABSL_GUARDED_BY(mu_) = -1;
  std::function<void(const std::string&)> sync_hook_ ABSL_GUARDED_BY(mu_);
  // Path -> bytes known durable, for every file opened for writing.
  std::map<std::string, uint64_t> synced_size_ ABSL_GUARDED_BY(mu_);
};

}  // namespace rtai::testing
