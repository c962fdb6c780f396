#include "broker/kafka/auth/request_authorizer.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/auth/authorizer.h"
#include "broker/kafka/api_schemas.h"
#include "broker/kafka/codec.h"
#include "broker/kafka/error_codes.h"

namespace rtai::kafka {
namespace {

using auth::Action;

// Where topics and partitions sit in one API's request and response.
struct TopicLayout {
  const char* topics;
  const char* name;
  const char* partitions;
  const char*
      index;  // field of a partition struct; "" when partitions is []int32
  const char* resp_topics;
  const char* resp_name;
  const char* resp_partitions;
  const char* resp_index;
  Action action;
  const MessageSpec* response;
};

const TopicLayout* LayoutFor(ApiKey key) {
  static const TopicLayout kProduce{
      "Topics",         "Name",           "Partitions", "PartitionIndex",
      "Responses",      "Name",           "Partitions", "PartitionIndex",
      Action::kProduce, &kProduceResponse};
  static const TopicLayout kFetch{
      "Topics",         "Name",         "FetchPartitions",    "PartitionIndex",
      "Responses",      "Topic",        "PartitionResponses", "Partition",
      Action::kConsume, &kFetchResponse};
  static const TopicLayout kListOffsets{"Topics",
                                        "Name",
                                        "Partitions",
                                        "PartitionIndex",
                                        "Topics",
                                        "Name",
                                        "Partitions",
                                        "PartitionIndex",
                                        Action::kDescribeTopic,
                                        &kListOffsetsResponse};
  static const TopicLayout kOffsetCommit{
      "Topics",         "Name",
      "Partitions",     "PartitionIndex",
      "Topics",         "Name",
      "Partitions",     "PartitionIndex",
      Action::kConsume, &kOffsetCommitResponse};
  static const TopicLayout kOffsetFetch{
      "Topics",           "Name",
      "PartitionIndexes", "",
      "Topics",           "Name",
      "Partitions",       "PartitionIndex",
      Action::kConsume,   &kOffsetFetchResponse};
  switch (key) {
    case ApiKey::kProduce:
      return &kProduce;
    case ApiKey::kFetch:
      return &kFetch;
    case ApiKey::kListOffsets:
      return &kListOffsets;
    case ApiKey::kOffsetCommit:
      return &kOffsetCommit;
    case ApiKey::kOffsetFetch:
      return &kOffsetFetch;
    default:
      return nullptr;
  }
}

using Denied = std::vector<std::pair<std::string, std::vector<int64_t>>>;

// Moves the topics `principal` may not touch out of the request.
Denied TakeDenied(const auth::Principal& principal, const TopicLayout& l,
                  StructValue* request) {
  Denied denied;
  if (request->IsNull(l.topics)) return denied;
  std::vector<Value>* topics = request->MutableArray(l.topics);
  std::vector<Value> kept;
  for (Value& v : *topics) {
    const StructValue& t = v.as_struct();
    const std::string& name = t.Str(l.name);
    if (auth::IsAllowed(&principal, l.action, name)) {
      kept.push_back(std::move(v));
      continue;
    }
    std::vector<int64_t> partitions;
    for (const Value& p : t.Array(l.partitions)) {
      partitions.push_back(*l.index == '\0' ? p.as_int()
                                            : p.as_struct().Int(l.index));
    }
    denied.emplace_back(name, std::move(partitions));
  }
  *topics = std::move(kept);
  return denied;
}

void AddDenied(const TopicLayout& l, const Denied& denied,
               StructValue* response) {
  for (const auto& [name, partitions] : denied) {
    StructValue& t = response->AddStruct(l.resp_topics);
    t.SetStr(l.resp_name, name);
    for (int64_t p : partitions) {
      StructValue& r = t.AddStruct(l.resp_partitions);
      r.SetInt(l.resp_index, p);
      r.SetInt("ErrorCode", Code(ErrorCode::kTopicAuthorizationFailed));
      if (l.response == &kFetchResponse) r.SetInt("HighWatermark", -1);
      if (l.response == &kOffsetFetchResponse) r.SetInt("CommittedOffset", -1);
    }
  }
}

// Response filter for OffsetFetch "all topics" and Metadata: topics the
// principal may not see are dropped.
void DropUnauthorized(const auth::Principal& principal, Action action,
                      const char* topics, const char* name,
                      StructValue* response) {
  std::vector<Value>* all = response->MutableArray(topics);
  std::vector<Value> kept;
  for (Value& v : *all) {
    if (auth::IsAllowed(&principal, action, v.as_struct().Str(name)))
      kept.push_back(std::move(v));
  }
  *all = std::move(kept);
}

AuthzOutcome AuthorizeTopics(const auth::Principal& principal,
                             const TopicLayout& l, StructValue* request,
                             Respond* respond) {
  const bool all_topics = request->IsNull(l.topics);
  Denied denied = TakeDenied(principal, l, request);
  const bool nothing_left = !all_topics && request->Array(l.topics).empty();
  if (denied.empty() && !all_topics) return AuthzOutcome::kProceed;
  const auth::Principal p = principal;
  Respond inner = std::move(*respond);
  *respond = [l, denied, all_topics, p, inner = std::move(inner)](
                 std::optional<StructValue> response) mutable {
    if (response.has_value()) {
      if (all_topics)
        DropUnauthorized(p, l.action, l.resp_topics, l.resp_name, &*response);
      AddDenied(l, denied, &*response);
    }
    inner(std::move(response));
  };
  if (!nothing_left) return AuthzOutcome::kProceed;
  // Nothing for the handler: answer (Produce acks=0 wants no answer).
  if (l.response == &kProduceResponse && request->Int("Acks") == 0) {
    (*respond)(std::nullopt);
  } else {
    (*respond)(NewMessage(*l.response));
  }
  return AuthzOutcome::kAnswered;
}

AuthzOutcome AuthorizeMetadata(const auth::Principal& principal,
                               int16_t version, StructValue* request,
                               Respond* respond) {
  std::vector<std::string> denied;
  if (!request->IsNull("Topics")) {
    std::vector<Value>* topics = request->MutableArray("Topics");
    std::vector<Value> kept;
    for (Value& v : *topics) {
      const std::string& name = v.as_struct().Str("Name");
      if (auth::IsAllowed(&principal, Action::kDescribeTopic, name)) {
        kept.push_back(std::move(v));
      } else {
        denied.push_back(name);
      }
    }
    // v0: an empty list means "all topics"; keep the request non-empty
    // semantics by answering the denials alone.
    const bool emptied = kept.empty() && !topics->empty();
    *topics = std::move(kept);
    if (emptied && version == 0) request->SetNull("Topics");
  }
  const auth::Principal p = principal;
  Respond inner = std::move(*respond);
  *respond = [p, denied, inner = std::move(inner)](
                 std::optional<StructValue> response) mutable {
    if (response.has_value()) {
      DropUnauthorized(p, Action::kDescribeTopic, "Topics", "Name", &*response);
      for (const std::string& name : denied) {
        StructValue& t = response->AddStruct("Topics");
        t.SetStr("Name", name);
        t.SetInt("ErrorCode", Code(ErrorCode::kTopicAuthorizationFailed));
      }
    }
    inner(std::move(response));
  };
  return AuthzOutcome::kProceed;
}

// CreateTopics / DeleteTopics: admin only, every decision audited.
AuthzOutcome AuthorizeTopicAdmin(const auth::Principal& principal, ApiKey key,
                                 const StructValue& request, Respond* respond,
                                 auth::AuditLog* audit) {
  const bool create = key == ApiKey::kCreateTopics;
  std::vector<std::string> names;
  if (create) {
    for (const Value& t : request.Array("Topics"))
      names.push_back(t.as_struct().Str("Name"));
  } else {
    for (const Value& t : request.Array("TopicNames"))
      names.push_back(t.as_string());
  }
  const bool allowed = auth::IsAllowed(&principal, Action::kAdmin);
  if (audit != nullptr) {
    for (const std::string& name : names) {
      audit->Record({principal.name, create ? "create-topic" : "delete-topic",
                     name, allowed, "kafka", ""});
    }
  }
  if (allowed) return AuthzOutcome::kProceed;
  StructValue response =
      NewMessage(create ? kCreateTopicsResponse : kDeleteTopicsResponse);
  for (const std::string& name : names) {
    StructValue& r = response.AddStruct(create ? "Topics" : "Responses");
    r.SetStr("Name", name);
    r.SetInt("ErrorCode", Code(ErrorCode::kTopicAuthorizationFailed));
  }
  (*respond)(std::move(response));
  return AuthzOutcome::kAnswered;
}

bool HasRole(const auth::Principal& p, std::string_view prefix) {
  for (const std::string& r : p.roles) {
    if (r == "admin" || r.starts_with(prefix)) return true;
  }
  return false;
}

// Consumer-group APIs need some consume role; without one the answer is
// GROUP_AUTHORIZATION_FAILED (30).
AuthzOutcome AuthorizeGroupApi(const auth::Principal& principal, ApiKey key,
                               const StructValue& request, Respond* respond) {
  if (HasRole(principal, "consume:")) return AuthzOutcome::kProceed;
  StructValue response =
      NewMessage(*FindApiSchema(static_cast<int16_t>(key))->response);
  if (key == ApiKey::kDescribeGroups) {
    for (const Value& g : request.Array("Groups")) {
      StructValue& r = response.AddStruct("Groups");
      r.SetStr("GroupId", g.as_string());
      r.SetInt("ErrorCode", Code(ErrorCode::kGroupAuthorizationFailed));
    }
  } else {
    response.SetInt("ErrorCode", Code(ErrorCode::kGroupAuthorizationFailed));
  }
  (*respond)(std::move(response));
  return AuthzOutcome::kAnswered;
}

}  // namespace

AuthzOutcome AuthorizeRequest(const auth::Principal& principal, int16_t api_key,
                              int16_t version, StructValue* request,
                              Respond* respond, auth::AuditLog* audit) {
  const ApiKey key = static_cast<ApiKey>(api_key);
  if (const TopicLayout* layout = LayoutFor(key)) {
    return AuthorizeTopics(principal, *layout, request, respond);
  }
  switch (key) {
    case ApiKey::kMetadata:
      return AuthorizeMetadata(principal, version, request, respond);
    case ApiKey::kCreateTopics:
    case ApiKey::kDeleteTopics:
      return AuthorizeTopicAdmin(principal, key, *request, respond, audit);
    case ApiKey::kFindCoordinator:
    case ApiKey::kJoinGroup:
    case ApiKey::kSyncGroup:
    case ApiKey::kHeartbeat:
    case ApiKey::kLeaveGroup:
    case ApiKey::kDescribeGroups:
    case ApiKey::kListGroups:
      return AuthorizeGroupApi(principal, key, *request, respond);
    case ApiKey::kInitProducerId: {
      if (HasRole(principal, "produce:")) return AuthzOutcome::kProceed;
      StructValue response = NewMessage(kInitProducerIdResponse);
      response.SetInt("ErrorCode",
                      Code(ErrorCode::kClusterAuthorizationFailed));
      (*respond)(std::move(response));
      return AuthzOutcome::kAnswered;
    }
    default:
      return AuthzOutcome::kProceed;
  }
}

bool MayUseApi(const auth::Principal& principal, int16_t api_key) {
  switch (static_cast<ApiKey>(api_key)) {
    case ApiKey::kProduce:
    case ApiKey::kFetch:
    case ApiKey::kListOffsets:
    case ApiKey::kMetadata:
    case ApiKey::kOffsetCommit:
    case ApiKey::kOffsetFetch:
    case ApiKey::kCreateTopics:
    case ApiKey::kDeleteTopics:
    case ApiKey::kInitProducerId:
    case ApiKey::kApiVersions:
    case ApiKey::kSaslHandshake:
    case ApiKey::kSaslAuthenticate:
    case ApiKey::kFindCoordinator:
    case ApiKey::kJoinGroup:
    case ApiKey::kSyncGroup:
    case ApiKey::kHeartbeat:
    case ApiKey::kLeaveGroup:
    case ApiKey::kDescribeGroups:
    case ApiKey::kListGroups:
    case ApiKey::kDescribeConfigs:
      return true;
    default:
      return auth::IsAllowed(&principal, Action::kAdmin);
  }
}

}  // namespace rtai::kafka
