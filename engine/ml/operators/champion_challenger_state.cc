// ChampionChallengerOperator::SnapshotState / RestoreState: everything the
// operator needs to continue exactly — decision state, the online learner,
// the event-time buffers, the events awaiting labels and the retraining
// window — in one state_codec envelope (tag 104).
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "engine/ml/operators/champion_challenger_operator.h"
#include "engine/ml/operators/score_operator.h"
#include "engine/ml/state_codec.h"

namespace rtai::ml::ops {
namespace {

constexpr StateTag kTag = static_cast<StateTag>(104);
constexpr uint16_t kVersion = 1;
constexpr uint64_t kMaxNestedBytes = 1ull << 30;
constexpr uint64_t kMaxItems = 100000000;

void EncodeInput(const LearnerInput& x, StateWriter* w) {
  w->F64Vector(x.numeric);
  w->U32(static_cast<uint32_t>(x.strings.size()));
  for (const std::string& s : x.strings) w->String(s);
}

absl::Status DecodeInput(StateReader* r, const LearnerSpec& spec, LearnerInput* x) {
  RETURN_IF_ERROR(r->F64Vector(&x->numeric, spec.numeric_columns.size()));
  uint32_t n = 0;
  RETURN_IF_ERROR(r->U32(&n));
  if (x->numeric.size() != spec.numeric_columns.size() || n != spec.hashed_columns.size()) {
    return CorruptState("champion_challenger", "learner input width differs from the configuration");
  }
  x->strings.resize(n);
  for (auto& s : x->strings) RETURN_IF_ERROR(r->String(&s, 1 << 20));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> ChampionChallengerOperator::SnapshotState(int64_t) {
  StateWriter w(kTag, kVersion);
  w.Nested(EncodeModelIdentity(config_.champion));
  w.Bool(learner_.has_value());
  if (learner_.has_value()) {
    w.Nested(learner_->Serialize());
  } else {
    w.Nested(EncodeModelIdentity(config_.challenger_model));
  }
  w.Nested(cc_.Serialize());
  w.I64(watermark_);
  w.U64(seq_);
  w.I64(next_retrain_ms_);
  w.U64(generation_);
  w.U64(unmatched_labels_);
  w.U64(expired_events_);
  w.U64(events_.size());
  for (const auto& [seq, row] : events_) {
    w.I64(seq.first);
    w.U64(seq.second);
    row.Encode(&w);
  }
  w.U64(labels_.size());
  for (const auto& [seq, l] : labels_) {
    w.I64(seq.first);
    w.U64(seq.second);
    w.String(l.id);
    w.Bool(l.label);
  }
  // Expiry order, each entry followed by its awaiting event if it owns one.
  absl::flat_hash_set<std::string> written;
  w.U64(expiry_.size());
  for (const auto& [ts, id] : expiry_) {
    w.I64(ts);
    w.String(id);
    auto it = awaiting_.find(id);
    const bool owns = it != awaiting_.end() && it->second.ts == ts && written.insert(id).second;
    w.Bool(owns);
    if (!owns) continue;
    const Awaiting& a = it->second;
    a.row.Encode(&w);
    w.F64(a.score_a);
    w.F64(a.score_b);
    w.Bool(a.served_a);
    w.String(a.model);
    if (learner_.has_value()) EncodeInput(a.x, &w);
  }
  w.U64(recent_.size());
  for (const auto& [x, y] : recent_) {
    EncodeInput(x, &w);
    w.Bool(y);
  }
  return w.Finish();
}

absl::Status ChampionChallengerOperator::DecodeQueues(StateReader& r,
                                                      std::map<Seq, OwnedRow>* events,
                                                      std::map<Seq, Label>* labels) const {
  uint64_t n = 0;
  RETURN_IF_ERROR(r.Count(&n, kMaxItems, 20));
  for (uint64_t i = 0; i < n; ++i) {
    Seq s;
    RETURN_IF_ERROR(r.I64(&s.first));
    RETURN_IF_ERROR(r.U64(&s.second));
    ASSIGN_OR_RETURN(OwnedRow row, OwnedRow::Decode(&r, *events_schema_));
    events->emplace(s, std::move(row));
  }
  RETURN_IF_ERROR(r.Count(&n, kMaxItems, 21));
  for (uint64_t i = 0; i < n; ++i) {
    Seq s;
    Label l;
    RETURN_IF_ERROR(r.I64(&s.first));
    RETURN_IF_ERROR(r.U64(&s.second));
    RETURN_IF_ERROR(r.String(&l.id, 1 << 20));
    RETURN_IF_ERROR(r.Bool(&l.label));
    labels->emplace(s, std::move(l));
  }
  return absl::OkStatus();
}

absl::Status ChampionChallengerOperator::DecodeAwaiting(
    StateReader& r, bool has_learner, absl::flat_hash_map<std::string, Awaiting>* awaiting,
    std::deque<std::pair<int64_t, std::string>>* expiry) const {
  uint64_t n = 0;
  RETURN_IF_ERROR(r.Count(&n, kMaxItems, 13));
  for (uint64_t i = 0; i < n; ++i) {
    int64_t ts = 0;
    std::string id;
    bool owns = false;
    RETURN_IF_ERROR(r.I64(&ts));
    RETURN_IF_ERROR(r.String(&id, 1 << 20));
    RETURN_IF_ERROR(r.Bool(&owns));
    expiry->emplace_back(ts, id);
    if (!owns) continue;
    Awaiting a;
    a.ts = ts;
    ASSIGN_OR_RETURN(a.row, OwnedRow::Decode(&r, *events_schema_));
    RETURN_IF_ERROR(r.F64(&a.score_a));
    RETURN_IF_ERROR(r.F64(&a.score_b));
    RETURN_IF_ERROR(r.Bool(&a.served_a));
    RETURN_IF_ERROR(r.String(&a.model, 1024));
    if (has_learner) RETURN_IF_ERROR(DecodeInput(&r, config_.challenger_learner, &a.x));
    if (!awaiting->emplace(id, std::move(a)).second) {
      return CorruptState("champion_challenger", "an id awaits its label twice");
    }
  }
  return absl::OkStatus();
}

absl::Status ChampionChallengerOperator::RestoreState(std::string_view bytes) {
  ASSIGN_OR_RETURN(StateReader r, StateReader::Open(absl::string_view(bytes.data(), bytes.size()),
                                                    kTag, kVersion));
  std::string nested;
  RETURN_IF_ERROR(r.String(&nested, kMaxNestedBytes));
  RETURN_IF_ERROR(CheckModelIdentity(nested, config_.champion));
  bool has_learner = false;
  RETURN_IF_ERROR(r.Bool(&has_learner));
  if (has_learner != learner_.has_value()) {
    return CorruptState("champion_challenger", "challenger kind differs from the configuration");
  }
  RETURN_IF_ERROR(r.String(&nested, kMaxNestedBytes));
  std::optional<OnlineLearner> learner;
  if (has_learner) {
    learner.emplace(config_.challenger_learner);
    RETURN_IF_ERROR(learner->Restore(nested));
  } else {
    RETURN_IF_ERROR(CheckModelIdentity(nested, config_.challenger_model));
  }
  RETURN_IF_ERROR(r.String(&nested, kMaxNestedBytes));
  ASSIGN_OR_RETURN(ChampionChallenger cc, ChampionChallenger::Deserialize(nested));
  int64_t watermark = 0, next_retrain = 0;
  uint64_t seq = 0, generation = 0, unmatched = 0, expired = 0, n = 0;
  RETURN_IF_ERROR(r.I64(&watermark));
  RETURN_IF_ERROR(r.U64(&seq));
  RETURN_IF_ERROR(r.I64(&next_retrain));
  RETURN_IF_ERROR(r.U64(&generation));
  RETURN_IF_ERROR(r.U64(&unmatched));
  RETURN_IF_ERROR(r.U64(&expired));
  std::map<Seq, OwnedRow> events;
  std::map<Seq, Label> labels;
  RETURN_IF_ERROR(DecodeQueues(r, &events, &labels));
  absl::flat_hash_map<std::string, Awaiting> awaiting;
  std::deque<std::pair<int64_t, std::string>> expiry;
  RETURN_IF_ERROR(DecodeAwaiting(r, has_learner, &awaiting, &expiry));
  std::deque<std::pair<LearnerInput, bool>> recent;
  RETURN_IF_ERROR(r.Count(&n, config_.retrain_last_n, 9));
  for (uint64_t i = 0; i < n; ++i) {
    LearnerInput x;
    bool y = false;
    RETURN_IF_ERROR(DecodeInput(&r, config_.challenger_learner, &x));
    RETURN_IF_ERROR(r.Bool(&y));
    recent.emplace_back(std::move(x), y);
  }
  RETURN_IF_ERROR(r.Done());
  learner_ = std::move(learner);
  cc_ = std::move(cc);
  watermark_ = watermark;
  seq_ = seq;
  next_retrain_ms_ = next_retrain;
  generation_ = generation;
  unmatched_labels_ = unmatched;
  expired_events_ = expired;
  events_ = std::move(events);
  labels_ = std::move(labels);
  awaiting_ = std::move(awaiting);
  expiry_ = std::move(expiry);
  recent_ = std::move(recent);
  return absl::OkStatus();
}

}  // namespace rtai::ml::ops
