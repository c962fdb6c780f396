#pragma once
// GroupCoordinator: Kafka's classic consumer-group protocol for this single
// node (JoinGroup / SyncGroup / Heartbeat / LeaveGroup) and the groups'
// committed offsets (OffsetCommit / OffsetFetch).
//
// Rebalance: any JoinGroup moves the group to PreparingRebalance; it
// completes when every known member has (re)joined or the largest rebalance
// timeout passes (members that did not rejoin are dropped). The generation
// then increments, the leader (kept if still present, else the first
// member) receives every member's metadata for the protocol all members
// support, and SyncGroup from the leader distributes the assignments.
// Members that miss heartbeats for their session timeout are removed
// (Tick()). Static membership (GroupInstanceId) is not implemented.
//
// Committed offsets live here in memory; OffsetStore makes them durable in
// the internal topic __consumer_offsets and restores them at start.
//
// Thread safety: all methods thread-safe; callbacks run without the lock
// held, on the calling thread or the thread calling Tick(). `clock` must
// outlive the coordinator.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"
#include "base/clock.h"
#include "broker/kafka/error_codes.h"

namespace rtai::kafka {

struct GroupCoordinatorOptions {
  // Groups kept (with members or committed offsets). Default: 10000.
  int32_t max_groups = 10000;
  // Members per group; more get GROUP_MAX_SIZE_REACHED. Default: 1000.
  int32_t max_members_per_group = 1000;
  // Committed offsets per group. Default: 100000.
  int32_t max_offsets_per_group = 100000;
  // Accepted session timeouts (group.min/max.session.timeout.ms).
  // Default: 1000 .. 1800000 (ms).
  int32_t min_session_timeout_ms = 1000;
  int32_t max_session_timeout_ms = 1800000;
};

struct JoinGroupRequestData {
  std::string group_id;
  std::string member_id;  // "" for a new member
  std::string client_id;
  std::string client_host;  // "" when unknown
  int32_t session_timeout_ms = 0;
  int32_t rebalance_timeout_ms = -1;  // -1: use session_timeout_ms
  std::string protocol_type;
  std::vector<std::pair<std::string, std::string>> protocols;  // name, metadata
};

struct JoinGroupResult {
  ErrorCode error = ErrorCode::kNone;
  int32_t generation = -1;
  std::string protocol_name;
  std::string leader;
  std::string member_id;
  std::vector<std::pair<std::string, std::string>> members;  // leader only
};

struct SyncGroupResult {
  ErrorCode error = ErrorCode::kNone;
  std::string assignment;
};

struct CommittedOffset {
  int64_t offset = -1;
  std::string metadata;
};

// Read-only views for ListGroups / DescribeGroups.
struct GroupListing {
  std::string group_id;
  std::string protocol_type;
  std::string state;
};

struct GroupMemberDescription {
  std::string member_id;
  std::string client_id;
  std::string client_host;
  std::string metadata;    // for the group's chosen protocol ("" before one is chosen)
  std::string assignment;  // "" unless the group is Stable
};

struct GroupDescription {
  std::string group_id;
  // Kafka's names: Empty, PreparingRebalance, CompletingRebalance, Stable;
  // "Dead" for an unknown group.
  std::string state;
  std::string protocol_type;
  std::string protocol_name;  // "" unless Stable or CompletingRebalance
  std::vector<GroupMemberDescription> members;
};

class GroupCoordinator {
 public:
  using JoinCallback = absl::AnyInvocable<void(JoinGroupResult)>;
  using SyncCallback = absl::AnyInvocable<void(SyncGroupResult)>;
  using TopicPartition = std::pair<std::string, int32_t>;

  // Internal state, opaque to callers.
  struct Group;
  struct Member;

  GroupCoordinator(GroupCoordinatorOptions options, Clock* clock);
  ~GroupCoordinator();

  // `done` runs when the rebalance completes (possibly much later) or at
  // once with an error.
  void Join(JoinGroupRequestData request, JoinCallback done);
  void Sync(const std::string& group_id, int32_t generation, const std::string& member_id,
            std::vector<std::pair<std::string, std::string>> assignments, SyncCallback done);
  ErrorCode Heartbeat(const std::string& group_id, int32_t generation,
                      const std::string& member_id);
  ErrorCode Leave(const std::string& group_id, const std::string& member_id);

  // generation -1 with an empty member id is a "simple" commit, allowed
  // while the group has no members.
  ErrorCode CommitOffsets(const std::string& group_id, int32_t generation,
                          const std::string& member_id,
                          const std::vector<std::pair<TopicPartition, CommittedOffset>>& offsets);
  // CommitOffsets in two steps, for callers that make the commit durable in
  // between (OffsetStore): the checks, then the update. ApplyCommit never
  // fails; new partitions beyond max_offsets_per_group are dropped.
  ErrorCode ValidateCommit(const std::string& group_id, int32_t generation,
                           const std::string& member_id, size_t count);
  void ApplyCommit(const std::string& group_id,
                   const std::vector<std::pair<TopicPartition, CommittedOffset>>& offsets);
  // Committed offsets of `partitions`, or of every partition when nullopt.
  // Partitions without a commit report offset -1.
  std::vector<std::pair<TopicPartition, CommittedOffset>> FetchOffsets(
      const std::string& group_id, const std::optional<std::vector<TopicPartition>>& partitions);

  // Ids of every known group (for metrics: lag per group).
  std::vector<std::string> GroupIds();
  // Every known group, ordered by id.
  std::vector<GroupListing> ListGroups();
  // The group's state and members; state "Dead" with no members if unknown.
  GroupDescription DescribeGroup(const std::string& group_id);

  // Expires members past their session timeout and completes rebalances
  // past their deadline. Call periodically (the server does, every 100 ms).
  void Tick();

 private:
  using Completions = std::vector<absl::AnyInvocable<void()>>;

  Group* FindLocked(const std::string& group_id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Admits the member and starts or joins the rebalance; on an error
  // `done` is left for the caller to answer.
  ErrorCode ValidateCommitLocked(const std::string& group_id, int32_t generation,
                                 const std::string& member_id, size_t count)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ApplyCommitLocked(const std::string& group_id,
                         const std::vector<std::pair<TopicPartition, CommittedOffset>>& offsets)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  ErrorCode JoinLocked(JoinGroupRequestData& req, JoinCallback& done, Completions& out)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void StartRebalanceLocked(Group& g, Completions& out) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void MaybeCompleteJoinLocked(Group& g, bool deadline_passed, Completions& out)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void RemoveMemberLocked(Group& g, const std::string& member_id, Completions& out)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const GroupCoordinatorOptions options_;
  Clock* const clock_;
  absl::Mutex mu_;
  std::map<std::string, std::unique_ptr<Group>> groups_ ABSL_GUARDED_BY(mu_);
  uint64_t next_member_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace rtai::kafka
