#include "tests/testing/fault_injection_file_system.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace rtai::testing {

class FaultInjectionWritableFile final : public WritableFile {
 public:
  FaultInjectionWritableFile(FaultInjectionFileSystem* fs, std::string path,
                             std::unique_ptr<WritableFile> base)
      : fs_(fs), path_(std::move(path)), base_(std::move(base)) {}

  absl::Status Append(absl::string_view data) override {
    size_t allowed;
    absl::Status charge = fs_->ChargeWrite(path_, data.size(), &allowed);
    absl::MutexLock l(&mu_);
    if (allowed > 0) RETURN_IF_ERROR(base_->Append(data.substr(0, allowed)));
    return charge;
  }
  // May run concurrently with Append (as fdatasync may with write): the
  // durable size is the size when the sync started.
  absl::Status Sync() override {
    uint64_t size;
    {
      absl::MutexLock l(&mu_);
      size = base_->Size();
    }
    fs_->RunSyncHook(path_);
    RETURN_IF_ERROR(fs_->MaybeFailSync(path_, /*is_dir=*/false));
    RETURN_IF_ERROR(base_->Sync());
    fs_->RecordSynced(path_, size);
    ++fs_->sync_count_;
    return absl::OkStatus();
  }
  absl::Status Truncate(uint64_t size) override {
    absl::MutexLock l(&mu_);
    RETURN_IF_ERROR(base_->Truncate(size));
    fs_->RecordTruncated(path_, size);
    return absl::OkStatus();
  }
  absl::Status Close() override {
    absl::MutexLock l(&mu_);
    return base_->Close();
  }
  uint64_t Size() const override {
    absl::MutexLock l(&mu_);
    return base_->Size();
  }

 private:
  FaultInjectionFileSystem* const fs_;
  const std::string path_;
  mutable absl::Mutex mu_;
  std::unique_ptr<WritableFile> base_ ABSL_GUARDED_BY(mu_);
};

void FaultInjectionFileSystem::RunSyncHook(const std::string& path) {
  std::function<void(const std::string&)> hook;
  {
    absl::MutexLock l(&mu_);
    hook = sync_hook_;
  }
  if (hook) hook(path);
}

void FaultInjectionFileSystem::SetWriteBudget(int64_t bytes) {
  absl::MutexLock l(&mu_);
  write_budget_ = bytes;
}

absl::StatusOr<std::unique_ptr<WritableFile>>
FaultInjectionFileSystem::OpenWritable(const std::string& path, bool truncate) {
  ASSIGN_OR_RETURN(auto file, base_->OpenWritable(path, truncate));
  {
    absl::MutexLock l(&mu_);
    auto [it, inserted] = synced_size_.emplace(path, file->Size());
    if (!inserted) it->second = std::min<uint64_t>(it->second, file->Size());
  }
  return std::unique_ptr<WritableFile>(
      new FaultInjectionWritableFile(this, path, std::move(file)));
}

absl::Status FaultInjectionFileSystem::DeleteFile(const std::string& path) {
  RETURN_IF_ERROR(base_->DeleteFile(path));
  absl::MutexLock l(&mu_);
  synced_size_.erase(path);
  return absl::OkStatus();
}

absl::Status FaultInjectionFileSystem::Rename(const std::string& from,
                                              const std::string& to) {
  RETURN_IF_ERROR(base_->Rename(from, to));
  absl::MutexLock l(&mu_);
  auto it = synced_size_.find(from);
  if (it == synced_size_.end()) {
    synced_size_.erase(to);
    return absl::OkStatus();
  }
  synced_size_[to] = it->second;
  synced_size_.erase(from);
  return absl::OkStatus();
}

absl::Status FaultInjectionFileSystem::SyncDir(const std::string& dir) {
  RETURN_IF_ERROR(MaybeFailSync(dir, /*is_dir=*/true));
  RETURN_IF_ERROR(base_->SyncDir(dir));
  ++dir_sync_count_;
  return absl::OkStatus();
}

absl::Status FaultInjectionFileSystem::TruncateFile(const std::string& path,
                                                    uint64_t size) {
  RETURN_IF_ERROR(base_->TruncateFile(path, size));
  RecordTruncated(path, size);
  return absl::OkStatus();
}

absl::Status FaultInjectionFileSystem::ChargeWrite(const std::string& path,
                                                   size_t n, size_t* allowed) {
  absl::MutexLock l(&mu_);
  if (write_budget_ < 0) {
    *allowed = n;
    return absl::OkStatus();
  }
  *allowed = std::min<size_t>(n, static_cast<size_t>(write_budget_));
  write_budget_ -= static_cast<int64_t>(*allowed);
  if (*allowed == n) return absl::OkStatus();
  return absl::ResourceExhaustedError(
      absl::StrCat("write ", path, ": No space left on device (injected)"));
}

absl::Status FaultInjectionFileSystem::MaybeFailSync(const std::string& path,
                                                     bool is_dir) {
  if (fail_all_syncs_.load()) {
    return absl::InternalError(
        absl::StrCat("fsync ", path, ": Input/output error (injected)"));
  }
  if (is_dir) return absl::OkStatus();
  int left = fail_next_syncs_.load();
  while (left > 0) {
    if (fail_next_syncs_.compare_exchange_weak(left, left - 1)) {
      return absl::InternalError(
          absl::StrCat("fdatasync ", path, ": Input/output error (injected)"));
    }
  }
  return absl::OkStatus();
}

void FaultInjectionFileSystem::RecordSynced(const std::string& path,
                                            uint64_t size) {
  absl::MutexLock l(&mu_);
  uint64_t& synced = synced_size_[path];
  synced = std::max(synced, size);
}

void FaultInjectionFileSystem::RecordTruncated(const std::string& path,
                                               uint64_t size) {
  absl::MutexLock l(&mu_);
  auto it = synced_size_.find(path);
  if (it != synced_size_.end()) it->second = std::min(it->second, size);
}

absl::Status FaultInjectionFileSystem::DropUnsyncedData() {
  absl::MutexLock l(&mu_);
  for (const auto& [path, synced] : synced_size_) {
    if (!base_->Exists(path)) continue;
    ASSIGN_OR_RETURN(uint64_t size, base_->FileSize(path));
    if (size > synced) RETURN_IF_ERROR(base_->TruncateFile(path, synced));
  }
  return absl::OkStatus();
}

}  // namespace rtai::testing
