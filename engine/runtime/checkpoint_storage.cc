#include "engine/runtime/checkpoint_storage.h"

#include <algorithm>
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/logging.h"
#include "base/status_macros.h"

namespace rtai::engine::runtime {
namespace {

namespace stdfs = std::filesystem;

absl::Status FsError(const std::error_code& ec, const std::string& what) {
  if (ec.value() == ENOSPC) return absl::ResourceExhaustedError(what + ": " + ec.message());
  return absl::InternalError(what + ": " + ec.message());
}

}  // namespace

std::string CheckpointDirName(int64_t id) { return absl::StrCat("chk-", id); }

std::string OperatorStateFileName(const std::string& uid, int subtask) {
  return absl::StrCat("op-", uid, "-", subtask, ".state");
}

std::string TaskDbDirName(const std::string& uid, int subtask) {
  return absl::StrCat("task-", uid, "-", subtask, "/db");
}

absl::StatusOr<std::vector<int64_t>> ListCheckpointIds(FileSystem* fs, const std::string& root) {
  std::vector<int64_t> ids;
  if (!fs->Exists(root)) return ids;
  ASSIGN_OR_RETURN(std::vector<std::string> names, fs->ListDir(root));
  for (const std::string& n : names) {
    int64_t id = 0;
    if (absl::StartsWith(n, "chk-") && absl::SimpleAtoi(n.substr(4), &id) && id > 0 &&
        n == CheckpointDirName(id)) {
      ids.push_back(id);
    }
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

absl::StatusOr<std::optional<LoadedCheckpoint>> FindLatestCheckpoint(
    FileSystem* fs, const std::string& root, std::vector<std::string>* skipped) {
  ASSIGN_OR_RETURN(std::vector<int64_t> ids, ListCheckpointIds(fs, root));
  std::string reason;
  int64_t failed_id = 0;
  for (auto it = ids.rbegin(); it != ids.rend(); ++it) {
    const std::string dir = JoinPath(root, CheckpointDirName(*it));
    if (!fs->Exists(JoinPath(dir, kManifestName))) continue;  // never completed
    absl::StatusOr<CheckpointManifest> m = ReadAndVerifyManifest(fs, dir);
    if (failed_id != 0) {
      LogWarning("checkpoint unusable; falling back to an older one",
                 {{"checkpoint", failed_id}, {"error", reason}, {"fallback", *it}});
    }
    if (m.ok() && m->checkpoint_id == *it) {
      return std::optional<LoadedCheckpoint>(LoadedCheckpoint{dir, std::move(*m)});
    }
    failed_id = *it;
    reason = m.ok() ? "manifest names another checkpoint id" : std::string(m.status().message());
    if (skipped != nullptr) skipped->push_back(absl::StrCat("checkpoint ", *it, ": ", reason));
  }
  if (failed_id != 0) {
    LogWarning("checkpoint unusable and no older one to fall back to",
               {{"checkpoint", failed_id}, {"error", reason}});
  }
  return std::optional<LoadedCheckpoint>();
}

absl::Status ApplyRetention(FileSystem* fs, const std::string& root, int retain) {
  ASSIGN_OR_RETURN(std::vector<int64_t> ids, ListCheckpointIds(fs, root));
  int kept = 0;
  bool seen_complete = false;
  for (auto it = ids.rbegin(); it != ids.rend(); ++it) {
    const std::string dir = JoinPath(root, CheckpointDirName(*it));
    const bool complete = fs->Exists(JoinPath(dir, kManifestName));
    if (!seen_complete && !complete) continue;  // newer than any complete one
    seen_complete = true;
    if (complete && kept < retain) {
      ++kept;
      continue;
    }
    RETURN_IF_ERROR(fs->DeleteDirRecursive(dir));
  }
  return absl::OkStatus();
}

absl::Status DeleteCheckpointsAfter(FileSystem* fs, const std::string& root, int64_t id) {
  ASSIGN_OR_RETURN(std::vector<int64_t> ids, ListCheckpointIds(fs, root));
  for (int64_t i : ids) {
    if (i > id) RETURN_IF_ERROR(fs->DeleteDirRecursive(JoinPath(root, CheckpointDirName(i))));
  }
  return absl::OkStatus();
}

absl::Status CopyCheckpointTree(const std::string& from, const std::string& to) {
  std::error_code ec;
  if (stdfs::exists(to, ec)) return absl::AlreadyExistsError(to + " exists");
  const std::string tmp = to + ".tmp";
  stdfs::remove_all(tmp, ec);
  stdfs::create_directories(tmp, ec);
  if (ec) return FsError(ec, "create " + tmp);
  for (auto it = stdfs::recursive_directory_iterator(from, ec);
       !ec && it != stdfs::recursive_directory_iterator(); it.increment(ec)) {
    const stdfs::path rel = stdfs::relative(it->path(), from, ec);
    if (ec) break;
    const stdfs::path dest = stdfs::path(tmp) / rel;
    if (it->is_directory()) {
      stdfs::create_directories(dest, ec);
    } else if (it->path().extension() == ".sst") {
      stdfs::create_hard_link(it->path(), dest, ec);
    } else {
      stdfs::copy_file(it->path(), dest, ec);
    }
    if (ec) return FsError(ec, "copy " + it->path().string());
  }
  if (ec) return FsError(ec, "walk " + from);
  FileSystem* fs = DefaultFileSystem();
  // Copied files are synced by syncing through a reopen of each file.
  ASSIGN_OR_RETURN(std::vector<StateFileEntry> files, ListStateFiles(tmp));
  for (const StateFileEntry& f : files) {
    ASSIGN_OR_RETURN(auto w, fs->OpenWritable(JoinPath(tmp, f.name), /*truncate=*/false));
    RETURN_IF_ERROR(w->Sync());
    RETURN_IF_ERROR(w->Close());
  }
  RETURN_IF_ERROR(fs->Rename(tmp, to));
  return fs->SyncDir(DirName(to));
}

absl::StatusOr<std::vector<StateFileEntry>> ListStateFiles(const std::string& dir) {
  std::vector<StateFileEntry> out;
  std::error_code ec;
  for (auto it = stdfs::recursive_directory_iterator(dir, ec);
       !ec && it != stdfs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    const uint64_t size = it->file_size(ec);
    if (ec) break;
    out.push_back({stdfs::relative(it->path(), dir, ec).string(), size});
  }
  if (ec) return FsError(ec, "list " + dir);
  std::sort(out.begin(), out.end(),
            [](const StateFileEntry& a, const StateFileEntry& b) { return a.name < b.name; });
  return out;
}

}  // namespace rtai::engine::runtime
