#include "broker/topic/topic_table.h"

#include "absl/strings/str_cat.h"
#include "base/logging.h"
#include "base/status_macros.h"
#include "broker/topic/topic_manifest.h"
#include "broker/topic/topic_name.h"

namespace rtai::broker {
namespace {

constexpr char kTopicsDir[] = "topics";
constexpr char kTrashDir[] = "trash";

}  // namespace

absl::StatusOr<std::unique_ptr<TopicTable>> TopicTable::Open(
    FileSystem* fs, std::string data_dir) {
  std::unique_ptr<TopicTable> table(new TopicTable(fs, std::move(data_dir)));
  RETURN_IF_ERROR(fs->CreateDirs(JoinPath(table->data_dir_, kTopicsDir)));
  RETURN_IF_ERROR(table->EmptyTrash());
  RETURN_IF_ERROR(table->LoadAll());
  return table;
}

absl::Status TopicTable::EmptyTrash() {
  const std::string trash = JoinPath(data_dir_, kTrashDir);
  if (!fs_->Exists(trash)) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::vector<std::string> names, fs_->ListDir(trash));
  for (const std::string& n : names) {
    LogInfo("finishing interrupted topic delete",
            {{"dir", JoinPath(trash, n)}});
  }
  return fs_->DeleteDirRecursive(trash);
}

absl::Status TopicTable::LoadAll() {
  const std::string topics = JoinPath(data_dir_, kTopicsDir);
  ASSIGN_OR_RETURN(std::vector<std::string> names, fs_->ListDir(topics));
  for (const std::string& name : names) {
    const std::string dir = JoinPath(topics, name);
    const std::string path = JoinPath(dir, kTopicManifestFileName);
    if (!ValidateTopicName(name).ok()) {
      LogWarning("ignoring entry that is not a topic", {{"path", dir}});
      continue;
    }
    if (!fs_->Exists(path)) {
      LogWarning(
          "removing topic directory without manifest (interrupted create)",
          {{"dir", dir}});
      RETURN_IF_ERROR(fs_->DeleteDirRecursive(dir));
      continue;
    }
    absl::StatusOr<TopicMetadata> meta = ReadTopicManifest(fs_, path);
    if (meta.ok() && meta->name != name) {
      meta = absl::DataLossError(
          absl::StrCat("corrupt topic manifest ", path, ": it names topic \"",
                       meta->name, "\" but lies in directory \"", name, "\""));
    }
    if (!meta.ok()) {
      LogError("topic manifest unreadable; the topic is offline (its files are kept)",
               {{"topic", name}, {"error", meta.status().ToString()}});
      unreadable_.emplace(name, meta.status());
      continue;
    }
    topics_.emplace(name, *std::move(meta));
  }
  return absl::OkStatus();
}

absl::Status TopicTable::Create(const TopicMetadata& meta) {
  if (topics_.count(meta.name) != 0) {
    return absl::AlreadyExistsError(
        absl::StrCat("topic \"", meta.name, "\" already exists"));
  }
  if (auto u = unreadable_.find(meta.name); u != unreadable_.end()) {
    return absl::AlreadyExistsError(
        absl::StrCat("topic \"", meta.name, "\" exists but is offline (",
                     u->second.message(), "); delete it first to reuse the name"));
  }
  const std::string dir = TopicDir(meta.name);
  if (fs_->Exists(dir)) {
    // Leftover of a create that crashed before its manifest was written.
    RETURN_IF_ERROR(fs_->DeleteDirRecursive(dir));
  }
  RETURN_IF_ERROR(fs_->CreateDirs(dir));
  RETURN_IF_ERROR(fs_->SyncDir(JoinPath(data_dir_, kTopicsDir)));
  RETURN_IF_ERROR(
      WriteTopicManifest(fs_, JoinPath(dir, kTopicManifestFileName), meta));
  topics_.emplace(meta.name, meta);
  return absl::OkStatus();
}

absl::Status TopicTable::Update(const TopicMetadata& meta) {
  auto it = topics_.find(meta.name);
  if (it == topics_.end()) {
    return absl::NotFoundError(
        absl::StrCat("unknown topic \"", meta.name, "\""));
  }
  if (it->second.topic_id != meta.topic_id ||
      it->second.partition_count != meta.partition_count) {
    return absl::InvalidArgumentError(
        absl::StrCat("topic \"", meta.name,
                     "\": an update may not change its id or partition count"));
  }
  RETURN_IF_ERROR(WriteTopicManifest(
      fs_, JoinPath(TopicDir(meta.name), kTopicManifestFileName), meta));
  it->second = meta;
  return absl::OkStatus();
}

absl::Status TopicTable::Delete(const std::string& name) {
  auto it = topics_.find(name);
  auto u = unreadable_.find(name);
  if (it == topics_.end() && u == unreadable_.end()) {
    return absl::NotFoundError(absl::StrCat("unknown topic \"", name, "\""));
  }
  const std::string trash = JoinPath(data_dir_, kTrashDir);
  RETURN_IF_ERROR(fs_->CreateDirs(trash));
  const std::string id =
      it != topics_.end() ? TopicIdToString(it->second.topic_id) : "unreadable";
  const std::string target =
      JoinPath(trash, absl::StrCat(name, ".", id, ".", trash_seq_++));
  RETURN_IF_ERROR(fs_->Rename(TopicDir(name), target));
  RETURN_IF_ERROR(fs_->SyncDir(JoinPath(data_dir_, kTopicsDir)));
  if (it != topics_.end()) topics_.erase(it);
  if (u != unreadable_.end()) unreadable_.erase(u);
  return fs_->DeleteDirRecursive(target);
}

const TopicMetadata* TopicTable::Find(const std::string& name) const {
  auto it = topics_.find(name);
  return it == topics_.end() ? nullptr : &it->second;
}

std::vector<std::string> TopicTable::Names() const {
  std::vector<std::string> names;
  names.reserve(topics_.size());
  for (const auto& [name, meta] : topics_) names.push_back(name);
  return names;
}

int64_t TopicTable::total_partitions() const {
  int64_t n = 0;
  for (const auto& [name, meta] : topics_) n += meta.partition_count;
  return n;
}

std::string TopicTable::TopicDir(const std::string& name) const {
  return JoinPath(JoinPath(data_dir_, kTopicsDir), name);
}

std::string TopicTable::PartitionDir(const std::string& name,
                                     int32_t partition) const {
  return JoinPath(TopicDir(name), absl::StrCat(partition));
}

}  // namespace rtai::broker
