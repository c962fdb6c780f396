#include "engine/ml/operators/online_learner.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "engine/ml/learn/feature_hasher.h"
#include "engine/ml/operators/model_scorer.h"
#include "engine/ml/state_codec.h"

namespace rtai::ml::ops {
namespace {
// Tag of the OnlineLearner envelope (engine/ml/state_codec.h lists the
// library's tags; the operators' tags start at 100).
constexpr StateTag kLearnerTag = static_cast<StateTag>(100);
constexpr uint16_t kVersion = 1;
constexpr uint64_t kMaxNestedBytes = 1ull << 30;
}  // namespace

OnlineLearner::OnlineLearner(const LearnerSpec& spec) : spec_(spec) {
  const auto n = static_cast<uint32_t>(spec_.numeric_columns.size());
  if (spec_.scale && n > 0) scaler_.emplace(n);
  switch (spec_.kind) {
    case LearnerSpec::Kind::kFtrl: ftrl_.emplace(spec_.ftrl); break;
    case LearnerSpec::Kind::kSgd: sgd_.emplace(spec_.sgd); break;
    case LearnerSpec::Kind::kHoeffding: tree_.emplace(spec_.tree); break;
  }
}

LearnerInput OnlineLearner::Extract(const engine::Value* row) const {
  LearnerInput x;
  x.numeric.reserve(spec_.numeric_columns.size());
  for (int c : spec_.numeric_columns) x.numeric.push_back(ValueAsDouble(row[c]));
  for (int c : spec_.hashed_columns) {
    const engine::Value& v = row[c];
    x.strings.emplace_back(v.is_null() ? std::string_view() : v.str());
  }
  return x;
}

void OnlineLearner::Vectorize(const LearnerInput& x, std::vector<Feature>* out,
                              std::vector<double>* dense) const {
  const size_t n = x.numeric.size();
  dense->assign(n, 0.0);
  std::vector<double> raw(n);
  for (size_t i = 0; i < n; ++i) raw[i] = std::isnan(x.numeric[i]) ? 0.0 : x.numeric[i];
  if (scaler_.has_value()) {
    scaler_->Transform(raw, absl::MakeSpan(*dense));
    for (size_t i = 0; i < n; ++i) {
      if (std::isnan(x.numeric[i])) (*dense)[i] = 0.0;
    }
  } else {
    *dense = raw;
  }
  out->clear();
  for (size_t i = 0; i < n; ++i) {
    if ((*dense)[i] != 0.0) out->push_back({static_cast<uint32_t>(i), (*dense)[i]});
  }
  if (!x.strings.empty()) {
    FeatureHasher hasher(spec_.hash_buckets, spec_.hash_seed);
    for (size_t j = 0; j < x.strings.size(); ++j) {
      if (x.strings[j].empty()) continue;
      out->push_back({static_cast<uint32_t>(n) + hasher.Bucket(spec_.hashed_names[j], x.strings[j]),
                      1.0});
    }
  }
}

double OnlineLearner::Predict(const LearnerInput& x) const {
  Vectorize(x, &features_, &dense_);
  if (ftrl_.has_value()) return ftrl_->PredictProba(features_);
  if (sgd_.has_value()) return sgd_->PredictProba(features_);
  double p[2] = {0, 0};
  tree_->PredictProba(dense_, absl::MakeSpan(p, 2));
  return p[1];
}

double OnlineLearner::Learn(const LearnerInput& x, bool label) {
  const double before = Predict(x);
  if (scaler_.has_value()) {
    std::vector<double> raw(x.numeric.size());
    for (size_t i = 0; i < raw.size(); ++i) raw[i] = std::isnan(x.numeric[i]) ? 0.0 : x.numeric[i];
    scaler_->Learn(raw);
  }
  Vectorize(x, &features_, &dense_);
  if (ftrl_.has_value()) {
    ftrl_->Learn(features_, label);
  } else if (sgd_.has_value()) {
    sgd_->Learn(features_, label);
  } else {
    tree_->Learn(dense_, label ? 1 : 0).IgnoreError();  // inputs are finite: cannot fail
  }
  ++updates_;
  return before;
}

double OnlineLearner::Weight(uint32_t i) const {
  if (ftrl_.has_value()) return ftrl_->Weight(i);
  if (sgd_.has_value()) return sgd_->Weight(i);
  return 0;
}

std::string OnlineLearner::Serialize() const {
  StateWriter w(kLearnerTag, kVersion);
  w.U8(static_cast<uint8_t>(spec_.kind));
  w.U64(updates_);
  w.Bool(scaler_.has_value());
  if (scaler_.has_value()) w.Nested(scaler_->Serialize());
  if (ftrl_.has_value()) w.Nested(ftrl_->Serialize());
  if (sgd_.has_value()) w.Nested(sgd_->Serialize());
  if (tree_.has_value()) w.Nested(tree_->Serialize());
  return w.Finish();
}

absl::Status OnlineLearner::Restore(std::string_view bytes) {
  ASSIGN_OR_RETURN(StateReader r, StateReader::Open(absl::string_view(bytes.data(), bytes.size()),
                                                    kLearnerTag, kVersion));
  uint8_t kind = 0;
  bool has_scaler = false;
  uint64_t updates = 0;
  RETURN_IF_ERROR(r.U8(&kind));
  RETURN_IF_ERROR(r.U64(&updates));
  RETURN_IF_ERROR(r.Bool(&has_scaler));
  if (kind != static_cast<uint8_t>(spec_.kind) || has_scaler != scaler_.has_value()) {
    return CorruptState("learner", "state is for a different learner configuration");
  }
  std::string nested;
  if (has_scaler) {
    RETURN_IF_ERROR(r.String(&nested, kMaxNestedBytes));
    ASSIGN_OR_RETURN(StandardScaler s, StandardScaler::Deserialize(nested));
    if (s.num_features() != scaler_->num_features()) {
      return CorruptState("learner", "scaler width differs from the configuration");
    }
    scaler_.emplace(std::move(s));
  }
  RETURN_IF_ERROR(r.String(&nested, kMaxNestedBytes));
  if (ftrl_.has_value()) {
    ASSIGN_OR_RETURN(FtrlLogistic m, FtrlLogistic::Deserialize(nested));
    if (m.options().dimension != spec_.ftrl.dimension) {
      return CorruptState("learner", "FTRL dimension differs from the configuration");
    }
    ftrl_.emplace(std::move(m));
  } else if (sgd_.has_value()) {
    ASSIGN_OR_RETURN(SgdLogistic m, SgdLogistic::Deserialize(nested));
    if (m.options().dimension != spec_.sgd.dimension) {
      return CorruptState("learner", "SGD dimension differs from the configuration");
    }
    sgd_.emplace(std::move(m));
  } else {
    ASSIGN_OR_RETURN(HoeffdingTree m, HoeffdingTree::Deserialize(nested));
    if (m.options().num_features != spec_.tree.num_features) {
      return CorruptState("learner", "tree width differs from the configuration");
    }
    tree_.emplace(std::move(m));
  }
  RETURN_IF_ERROR(r.Done());
  updates_ = updates;
  return absl::OkStatus();
}

}  // namespace rtai::ml::ops
