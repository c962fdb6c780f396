#include "engine/io/memory_group_offsets.h"

#include "absl/strings/str_cat.h"

namespace rtai::engine::io {

absl::StatusOr<std::vector<int64_t>> MemoryGroupOffsets::Fetch(
    const std::string& group, const std::string& topic, const std::vector<int32_t>& partitions) {
  if (group.empty()) return absl::InvalidArgumentError("empty consumer group id");
  absl::MutexLock lock(&mu_);
  std::vector<int64_t> out;
  out.reserve(partitions.size());
  for (int32_t p : partitions) {
    auto it = offsets_.find(Key{group, topic, p});
    out.push_back(it == offsets_.end() ? kNoCommittedOffset : it->second);
  }
  return out;
}

absl::Status MemoryGroupOffsets::Commit(const std::string& group, const std::string& topic,
                                        const std::vector<PartitionOffset>& offsets) {
  if (group.empty()) return absl::InvalidArgumentError("empty consumer group id");
  for (const PartitionOffset& po : offsets) {
    if (po.offset < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("negative offset ", po.offset, " for partition ", po.partition));
    }
  }
  absl::MutexLock lock(&mu_);
  if (!fail_.ok()) return fail_;
  if (active_[group]) {
    return absl::FailedPreconditionError(absl::StrCat(
        "consumer group `", group, "` has active members: a standalone committer may not commit "
        "(UNKNOWN_MEMBER_ID)"));
  }
  size_t added = 0;
  for (const PartitionOffset& po : offsets) {
    added += offsets_.count(Key{group, topic, po.partition}) == 0 ? 1 : 0;
  }
  if (offsets_.size() + added > max_offsets_) {
    return absl::ResourceExhaustedError("too many committed offsets");
  }
  for (const PartitionOffset& po : offsets) offsets_[Key{group, topic, po.partition}] = po.offset;
  ++commits_;
  return absl::OkStatus();
}

void MemoryGroupOffsets::SetActiveMembers(const std::string& group, bool active) {
  absl::MutexLock lock(&mu_);
  active_[group] = active;
}

void MemoryGroupOffsets::FailCommits(absl::Status status) {
  absl::MutexLock lock(&mu_);
  fail_ = std::move(status);
}

int64_t MemoryGroupOffsets::commits() {
  absl::MutexLock lock(&mu_);
  return commits_;
}

}  // namespace rtai::engine::io
