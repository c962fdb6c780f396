#include "broker/kafka/group/group_coordinator.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace rtai::kafka {

enum class GroupState { kEmpty, kPreparingRebalance, kCompletingRebalance, kStable };

struct GroupCoordinator::Member {
  std::string id;
  std::string client_id;
  std::string client_host;
  int32_t session_timeout_ms = 0;
  int32_t rebalance_timeout_ms = 0;
  std::vector<std::pair<std::string, std::string>> protocols;
  int64_t last_heartbeat_ms = 0;
  JoinCallback join;  // pending JoinGroup, if any
  SyncCallback sync;  // pending SyncGroup, if any
  std::string assignment;
};

struct GroupCoordinator::Group {
  GroupState state = GroupState::kEmpty;
  int32_t generation = 0;
  std::string protocol_type;
  std::string protocol_name;
  std::string leader;
  int64_t rebalance_deadline_ms = 0;
  std::vector<std::unique_ptr<Member>> members;  // join order
  std::map<TopicPartition, CommittedOffset> offsets;

  Member* Find(const std::string& id) {
    for (auto& m : members) {
      if (m->id == id) return m.get();
    }
    return nullptr;
  }
};

namespace {

// The first of the leader's protocols that every member supports.
std::optional<std::string> CommonProtocol(const std::vector<std::unique_ptr<
                                              GroupCoordinator::Member>>& members);

}  // namespace

GroupCoordinator::GroupCoordinator(GroupCoordinatorOptions options, Clock* clock)
    : options_(options), clock_(clock) {}

GroupCoordinator::~GroupCoordinator() = default;

GroupCoordinator::Group* GroupCoordinator::FindLocked(const std::string& group_id) {
  auto it = groups_.find(group_id);
  return it == groups_.end() ? nullptr : it->second.get();
}

namespace {

std::optional<std::string> CommonProtocol(
    const std::vector<std::unique_ptr<GroupCoordinator::Member>>& members) {
  if (members.empty()) return std::nullopt;
  for (const auto& protocol : members.front()->protocols) {
    const std::string& name = protocol.first;
    bool everyone = true;
    for (const auto& m : members) {
      everyone &= std::any_of(m->protocols.begin(), m->protocols.end(),
                              [&](const auto& p) { return p.first == name; });
    }
    if (everyone) return name;
  }
  return std::nullopt;
}

}  // namespace

void GroupCoordinator::StartRebalanceLocked(Group& g, Completions& out) {
  if (g.state == GroupState::kPreparingRebalance) return;
  // Members waiting in SyncGroup for the old generation must rejoin.
  for (auto& m : g.members) {
    if (m->sync) {
      out.push_back([cb = std::move(m->sync)]() mutable {
        cb(SyncGroupResult{ErrorCode::kRebalanceInProgress, ""});
      });
      m->sync = nullptr;
    }
  }
  int32_t timeout = 0;
  for (auto& m : g.members) timeout = std::max(timeout, m->rebalance_timeout_ms);
  g.state = GroupState::kPreparingRebalance;
  g.rebalance_deadline_ms = clock_->NowMillis() + timeout;
}

void GroupCoordinator::MaybeCompleteJoinLocked(Group& g, bool deadline_passed,
                                               Completions& out) {
  if (g.state != GroupState::kPreparingRebalance) return;
  const bool all_joined = std::all_of(g.members.begin(), g.members.end(),
                                      [](const auto& m) { return static_cast<bool>(m->join); });
  if (!all_joined && !deadline_passed) return;
  g.members.erase(std::remove_if(g.members.begin(), g.members.end(),
                                 [](const auto& m) { return !m->join; }),
                  g.members.end());
  ++g.generation;
  if (g.members.empty()) {
    g.state = GroupState::kEmpty;
    g.leader.clear();
    return;
  }
  if (g.Find(g.leader) == nullptr) g.leader = g.members.front()->id;
  // Put the leader first so its protocol preference decides.
  std::stable_partition(g.members.begin(), g.members.end(),
                        [&](const auto& m) { return m->id == g.leader; });
  std::optional<std::string> protocol = CommonProtocol(g.members);
  g.protocol_name = protocol.value_or("");
  g.state = GroupState::kCompletingRebalance;
  const int64_t now = clock_->NowMillis();
  for (auto& m : g.members) {
    JoinGroupResult r;
    r.generation = g.generation;
    r.protocol_name = g.protocol_name;
    r.leader = g.leader;
    r.member_id = m->id;
    if (m->id == g.leader) {
      for (auto& other : g.members) {
        std::string metadata;
        for (const auto& [name, md] : other->protocols) {
          if (name == g.protocol_name) metadata = md;
        }
        r.members.emplace_back(other->id, std::move(metadata));
      }
    }
    m->last_heartbeat_ms = now;
    m->assignment.clear();
    out.push_back([cb = std::move(m->join), r = std::move(r)]() mutable { cb(std::move(r)); });
    m->join = nullptr;
  }
}

void GroupCoordinator::Join(JoinGroupRequestData req, JoinCallback done) {
  ErrorCode error = ErrorCode::kNone;
  if (req.group_id.empty()) {
    error = ErrorCode::kInvalidGroupId;
  } else if (req.session_timeout_ms < options_.min_session_timeout_ms ||
             req.session_timeout_ms > options_.max_session_timeout_ms) {
    error = ErrorCode::kInvalidSessionTimeout;
  } else if (req.protocol_type.empty() || req.protocols.empty()) {
    error = ErrorCode::kInconsistentGroupProtocol;
  }
  Completions out;
  if (error == ErrorCode::kNone) {
    absl::MutexLock lock(&mu_);
    error = JoinLocked(req, done, out);
  }
  if (error != ErrorCode::kNone) {
    JoinGroupResult r;
    r.error = error;
    r.member_id = req.member_id;
    done(std::move(r));
  }
  for (auto& c : out) c();
}

ErrorCode GroupCoordinator::JoinLocked(JoinGroupRequestData& req, JoinCallback& done,
                                       Completions& out) {
  Group* g = FindLocked(req.group_id);
  if (g == nullptr) {
    if (static_cast<int32_t>(groups_.size()) >= options_.max_groups) {
      return ErrorCode::kCoordinatorNotAvailable;
    }
    g = (groups_[req.group_id] = std::make_unique<Group>()).get();
  }
  Member* m = req.member_id.empty() ? nullptr : g->Find(req.member_id);
  if (!g->members.empty() && g->protocol_type != req.protocol_type) {
    return ErrorCode::kInconsistentGroupProtocol;
  }
  if (!req.member_id.empty() && m == nullptr) return ErrorCode::kUnknownMemberId;
  if (m == nullptr && static_cast<int32_t>(g->members.size()) >= options_.max_members_per_group) {
    return ErrorCode::kGroupMaxSizeReached;
  }
  // Every member must share a protocol with the others (and the newcomer).
  for (const auto& other : g->members) {
    if (other.get() == m) continue;
    const bool shared = std::any_of(req.protocols.begin(), req.protocols.end(), [&](const auto& p) {
      return std::any_of(other->protocols.begin(), other->protocols.end(),
                         [&](const auto& q) { return q.first == p.first; });
    });
    if (!shared) return ErrorCode::kInconsistentGroupProtocol;
  }
  if (m == nullptr) {
    g->members.push_back(std::make_unique<Member>());
    m = g->members.back().get();
    m->id = absl::StrCat(req.client_id.empty() ? "member" : req.client_id, "-", ++next_member_);
  }
  if (m->join) {  // a duplicate join replaces the earlier one
    out.push_back([cb = std::move(m->join)]() mutable {
      cb(JoinGroupResult{ErrorCode::kRebalanceInProgress});
    });
  }
  g->protocol_type = req.protocol_type;
  m->client_id = req.client_id;
  m->client_host = req.client_host;
  m->session_timeout_ms = req.session_timeout_ms;
  m->rebalance_timeout_ms =
      req.rebalance_timeout_ms > 0 ? req.rebalance_timeout_ms : req.session_timeout_ms;
  m->protocols = std::move(req.protocols);
  m->join = std::move(done);
  StartRebalanceLocked(*g, out);
  MaybeCompleteJoinLocked(*g, false, out);
  return ErrorCode::kNone;
}

void GroupCoordinator::Sync(const std::string& group_id, int32_t generation,
                            const std::string& member_id,
                            std::vector<std::pair<std::string, std::string>> assignments,
                            SyncCallback done) {
  Completions out;
  {
    absl::MutexLock lock(&mu_);
    Group* g = FindLocked(group_id);
    Member* m = g == nullptr ? nullptr : g->Find(member_id);
    ErrorCode error = ErrorCode::kNone;
    if (m == nullptr) {
      error = ErrorCode::kUnknownMemberId;
    } else if (generation != g->generation) {
      error = ErrorCode::kIllegalGeneration;
    } else if (g->state == GroupState::kPreparingRebalance) {
      error = ErrorCode::kRebalanceInProgress;
    }
    if (error != ErrorCode::kNone) {
      out.push_back([cb = std::move(done), error]() mutable { cb(SyncGroupResult{error, ""}); });
    } else if (g->state == GroupState::kStable) {
      out.push_back([cb = std::move(done), a = m->assignment]() mutable {
        cb(SyncGroupResult{ErrorCode::kNone, std::move(a)});
      });
    } else {
      m->last_heartbeat_ms = clock_->NowMillis();
      m->sync = std::move(done);
      if (member_id == g->leader) {
        for (auto& [id, assignment] : assignments) {
          if (Member* target = g->Find(id)) target->assignment = std::move(assignment);
        }
        g->state = GroupState::kStable;
        for (auto& member : g->members) {
          if (!member->sync) continue;
          out.push_back([cb = std::move(member->sync), a = member->assignment]() mutable {
            cb(SyncGroupResult{ErrorCode::kNone, std::move(a)});
          });
          member->sync = nullptr;
        }
      }
    }
  }
  for (auto& c : out) c();
}

ErrorCode GroupCoordinator::Heartbeat(const std::string& group_id, int32_t generation,
                                      const std::string& member_id) {
  absl::MutexLock lock(&mu_);
  Group* g = FindLocked(group_id);
  Member* m = g == nullptr ? nullptr : g->Find(member_id);
  if (m == nullptr) return ErrorCode::kUnknownMemberId;
  m->last_heartbeat_ms = clock_->NowMillis();
  if (g->state == GroupState::kPreparingRebalance) return ErrorCode::kRebalanceInProgress;
  if (generation != g->generation) return ErrorCode::kIllegalGeneration;
  return ErrorCode::kNone;
}

void GroupCoordinator::RemoveMemberLocked(Group& g, const std::string& member_id,
                                          Completions& out) {
  auto it = std::find_if(g.members.begin(), g.members.end(),
                         [&](const auto& m) { return m->id == member_id; });
  if (it == g.members.end()) return;
  std::unique_ptr<Member> gone = std::move(*it);
  g.members.erase(it);
  if (gone->join) {
    out.push_back([cb = std::move(gone->join)]() mutable {
      cb(JoinGroupResult{ErrorCode::kUnknownMemberId});
    });
  }
  if (gone->sync) {
    out.push_back([cb = std::move(gone->sync)]() mutable {
      cb(SyncGroupResult{ErrorCode::kUnknownMemberId, ""});
    });
  }
  if (g.members.empty()) {
    g.state = GroupState::kEmpty;
    g.leader.clear();
    ++g.generation;
    return;
  }
  StartRebalanceLocked(g, out);
  MaybeCompleteJoinLocked(g, false, out);
}

ErrorCode GroupCoordinator::Leave(const std::string& group_id, const std::string& member_id) {
  Completions out;
  ErrorCode error = ErrorCode::kNone;
  {
    absl::MutexLock lock(&mu_);
    Group* g = FindLocked(group_id);
    if (g == nullptr || g->Find(member_id) == nullptr) {
      error = ErrorCode::kUnknownMemberId;
    } else {
      RemoveMemberLocked(*g, member_id, out);
    }
  }
  for (auto& c : out) c();
  return error;
}

ErrorCode GroupCoordinator::ValidateCommitLocked(const std::string& group_id,
                                                 int32_t generation,
                                                 const std::string& member_id, size_t count) {
  if (group_id.empty()) return ErrorCode::kInvalidGroupId;
  Group* g = FindLocked(group_id);
  if (g == nullptr) {
    if (static_cast<int32_t>(groups_.size()) >= options_.max_groups) {
      return ErrorCode::kCoordinatorNotAvailable;
    }
    if (generation < 0 && member_id.empty()) return ErrorCode::kNone;
    return ErrorCode::kUnknownMemberId;
  }
  const bool simple = generation < 0 && member_id.empty();
  if (simple) {
    if (!g->members.empty()) return ErrorCode::kUnknownMemberId;
  } else {
    // As Kafka: a member of the current generation may still commit while a
    // rebalance is being prepared (it commits before rejoining); between
    // JoinGroup and SyncGroup the assignment is in flux, so not then.
    if (g->state == GroupState::kCompletingRebalance) return ErrorCode::kRebalanceInProgress;
    if (g->Find(member_id) == nullptr) return ErrorCode::kUnknownMemberId;
    if (generation != g->generation) return ErrorCode::kIllegalGeneration;
  }
  return ErrorCode::kNone;
}

void GroupCoordinator::ApplyCommitLocked(
    const std::string& group_id,
    const std::vector<std::pair<TopicPartition, CommittedOffset>>& offsets) {
  Group* g = FindLocked(group_id);
  if (g == nullptr) {
    if (static_cast<int32_t>(groups_.size()) >= options_.max_groups) return;
    g = (groups_[group_id] = std::make_unique<Group>()).get();
  }
  for (const auto& [tp, committed] : offsets) {
    if (g->offsets.count(tp) == 0 &&
        static_cast<int32_t>(g->offsets.size()) >= options_.max_offsets_per_group) {
      continue;
    }
    g->offsets[tp] = committed;
  }
}

ErrorCode GroupCoordinator::ValidateCommit(const std::string& group_id, int32_t generation,
                                           const std::string& member_id, size_t count) {
  absl::MutexLock lock(&mu_);
  return ValidateCommitLocked(group_id, generation, member_id, count);
}

void GroupCoordinator::ApplyCommit(
    const std::string& group_id,
    const std::vector<std::pair<TopicPartition, CommittedOffset>>& offsets) {
  absl::MutexLock lock(&mu_);
  ApplyCommitLocked(group_id, offsets);
}

ErrorCode GroupCoordinator::CommitOffsets(
    const std::string& group_id, int32_t generation, const std::string& member_id,
    const std::vector<std::pair<TopicPartition, CommittedOffset>>& offsets) {
  absl::MutexLock lock(&mu_);
  const ErrorCode error = ValidateCommitLocked(group_id, generation, member_id, offsets.size());
  if (error == ErrorCode::kNone) ApplyCommitLocked(group_id, offsets);
  return error;
}

std::vector<std::pair<GroupCoordinator::TopicPartition, CommittedOffset>>
GroupCoordinator::FetchOffsets(const std::string& group_id,
                               const std::optional<std::vector<TopicPartition>>& partitions) {
  absl::MutexLock lock(&mu_);
  Group* g = FindLocked(group_id);
  std::vector<std::pair<TopicPartition, CommittedOffset>> out;
  if (!partitions.has_value()) {
    if (g != nullptr) out.assign(g->offsets.begin(), g->offsets.end());
    return out;
  }
  for (const TopicPartition& tp : *partitions) {
    CommittedOffset c;
    if (g != nullptr) {
      auto it = g->offsets.find(tp);
      if (it != g->offsets.end()) c = it->second;
    }
    out.emplace_back(tp, std::move(c));
  }
  return out;
}

void GroupCoordinator::Tick() {
  Completions out;
  {
    absl::MutexLock lock(&mu_);
    const int64_t now = clock_->NowMillis();
    for (auto it = groups_.begin(); it != groups_.end();) {
      Group& g = *it->second;
      std::vector<std::string> expired;
      for (const auto& m : g.members) {
        if (!m->join && now - m->last_heartbeat_ms > m->session_timeout_ms) {
          expired.push_back(m->id);
        }
      }
      for (const std::string& id : expired) RemoveMemberLocked(g, id, out);
      if (g.state == GroupState::kPreparingRebalance && now >= g.rebalance_deadline_ms) {
        MaybeCompleteJoinLocked(g, true, out);
      }
      if (g.state == GroupState::kEmpty && g.offsets.empty()) {
        it = groups_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& c : out) c();
}

std::vector<std::string> GroupCoordinator::GroupIds() {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> ids;
  ids.reserve(groups_.size());
  for (const auto& entry : groups_) ids.push_back(entry.first);
  return ids;
}

namespace {

const char* StateName(GroupState state) {
  switch (state) {
    case GroupState::kEmpty:
      return "Empty";
    case GroupState::kPreparingRebalance:
      return "PreparingRebalance";
    case GroupState::kCompletingRebalance:
      return "CompletingRebalance";
    case GroupState::kStable:
      return "Stable";
  }
  return "Dead";
}

}  // namespace

std::vector<GroupListing> GroupCoordinator::ListGroups() {
  absl::MutexLock lock(&mu_);
  std::vector<GroupListing> groups;
  groups.reserve(groups_.size());
  for (const auto& [id, g] : groups_) {
    groups.push_back(GroupListing{id, g->protocol_type, StateName(g->state)});
  }
  return groups;
}

GroupDescription GroupCoordinator::DescribeGroup(const std::string& group_id) {
  absl::MutexLock lock(&mu_);
  GroupDescription d;
  d.group_id = group_id;
  const Group* g = FindLocked(group_id);
  if (g == nullptr) {
    d.state = "Dead";
    return d;
  }
  d.state = StateName(g->state);
  d.protocol_type = g->protocol_type;
  const bool chosen =
      g->state == GroupState::kStable || g->state == GroupState::kCompletingRebalance;
  if (chosen) d.protocol_name = g->protocol_name;
  for (const auto& m : g->members) {
    GroupMemberDescription md{m->id, m->client_id, m->client_host, "", ""};
    if (chosen) {
      for (const auto& [name, metadata] : m->protocols) {
        if (name == g->protocol_name) md.metadata = metadata;
      }
    }
    if (g->state == GroupState::kStable) md.assignment = m->assignment;
    d.members.push_back(std::move(md));
  }
  return d;
}

}  // namespace rtai::kafka
