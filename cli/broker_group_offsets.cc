#include "cli/broker_group_offsets.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace rtai::cli {
namespace {

using Offsets = kafka::OffsetStore::Offsets;

// The coordinator's answer to a standalone commit, as the caller should act.
absl::Status CommitError(kafka::ErrorCode error, const std::string& group) {
  switch (error) {
    case kafka::ErrorCode::kNone:
      return absl::OkStatus();
    case kafka::ErrorCode::kInvalidGroupId:
      return absl::InvalidArgumentError("empty consumer group id");
    case kafka::ErrorCode::kUnknownMemberId:
      return absl::FailedPreconditionError(absl::StrCat(
          "consumer group `", group, "` has active members: Kafka refuses commits from a "
          "standalone committer while consumers are in the group (UNKNOWN_MEMBER_ID)"));
    case kafka::ErrorCode::kCoordinatorNotAvailable:
      return absl::UnavailableError("the group coordinator holds its maximum number of groups");
    default:
      return absl::UnavailableError(
          absl::StrCat("group coordinator error ", static_cast<int>(error)));
  }
}

}  // namespace

void BrokerGroupOffsets::Attach(kafka::GroupCoordinator* groups, kafka::OffsetStore* store) {
  absl::MutexLock lock(&mu_);
  groups_ = groups;
  store_ = store;
}

absl::StatusOr<kafka::GroupCoordinator*> BrokerGroupOffsets::Groups(kafka::OffsetStore** store) {
  absl::MutexLock lock(&mu_);
  if (groups_ == nullptr) {
    return absl::FailedPreconditionError(
        "consumer-group offsets need rtaid's Kafka listener (--kafka-listen), which keeps them");
  }
  *store = store_;
  return groups_;
}

absl::StatusOr<std::vector<int64_t>> BrokerGroupOffsets::Fetch(
    const std::string& group, const std::string& topic, const std::vector<int32_t>& partitions) {
  if (group.empty()) return absl::InvalidArgumentError("empty consumer group id");
  kafka::OffsetStore* store = nullptr;
  absl::StatusOr<kafka::GroupCoordinator*> groups = Groups(&store);
  if (!groups.ok()) return groups.status();
  std::vector<kafka::GroupCoordinator::TopicPartition> wanted;
  wanted.reserve(partitions.size());
  for (int32_t p : partitions) wanted.emplace_back(topic, p);
  std::vector<int64_t> out;
  out.reserve(partitions.size());
  for (const auto& [tp, committed] : (*groups)->FetchOffsets(group, wanted)) {
    out.push_back(committed.offset < 0 ? engine::io::kNoCommittedOffset : committed.offset);
  }
  return out;
}

absl::Status BrokerGroupOffsets::Commit(const std::string& group, const std::string& topic,
                                        const std::vector<engine::io::PartitionOffset>& offsets) {
  if (group.empty()) return absl::InvalidArgumentError("empty consumer group id");
  Offsets list;
  list.reserve(offsets.size());
  for (const engine::io::PartitionOffset& po : offsets) {
    if (po.offset < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("negative offset ", po.offset, " for partition ", po.partition));
    }
    list.push_back({{topic, po.partition}, kafka::CommittedOffset{po.offset, ""}});
  }
  kafka::OffsetStore* store = nullptr;
  absl::StatusOr<kafka::GroupCoordinator*> groups = Groups(&store);
  if (!groups.ok()) return groups.status();
  if (store == nullptr) return CommitError((*groups)->CommitOffsets(group, -1, "", list), group);
  if (absl::Status s = CommitError((*groups)->ValidateCommit(group, -1, "", list.size()), group);
      !s.ok()) {
    return s;
  }
  // The callback may outlive a timed-out wait: it owns what it touches.
  struct Done {
    absl::Notification notified;
    absl::Status status;
  };
  auto done = std::make_shared<Done>();
  store->Append(group, list, [done](absl::Status s) {
    done->status = std::move(s);
    done->notified.Notify();
  });
  if (!done->notified.WaitForNotificationWithTimeout(absl::Milliseconds(kCommitTimeoutMs))) {
    return absl::UnavailableError(absl::StrCat("committing offsets of group `", group,
                                               "`: __consumer_offsets append timed out"));
  }
  if (!done->status.ok()) {
    return absl::UnavailableError(absl::StrCat("committing offsets of group `", group,
                                               "`: ", done->status.message()));
  }
  (*groups)->ApplyCommit(group, list);
  return absl::OkStatus();
}

}  // namespace rtai::cli
