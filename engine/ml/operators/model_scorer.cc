#include "engine/ml/operators/model_scorer.h"

#include <cmath>
#include <limits>

#include "absl/strings/numbers.h"
#include "base/check.h"

namespace rtai::ml::ops {

using engine::TypeId;
using engine::Value;

double ValueAsDouble(const Value& v) {
  if (v.is_null()) return std::numeric_limits<double>::quiet_NaN();
  switch (v.type()) {
    case TypeId::kDouble: return v.dbl();
    case TypeId::kInt64:
    case TypeId::kTimestamp: return static_cast<double>(v.int64());
    case TypeId::kBool: return v.boolean() ? 1.0 : 0.0;
    default: return std::numeric_limits<double>::quiet_NaN();
  }
}

std::pair<std::string, int64_t> SplitModelId(const std::string& id) {
  const size_t at = id.rfind('@');
  int64_t v = 0;
  if (at != std::string::npos && absl::SimpleAtoi(id.substr(at + 1), &v)) {
    return {id.substr(0, at), v};
  }
  return {id, 0};
}

ModelScorer::ModelScorer(const ModelSpec& spec) : spec_(spec) {
  CHECK(spec_.model != nullptr);
  tree_ = std::get_if<TreeEnsemble>(&spec_.model->model);
  linear_ = std::get_if<LinearModel>(&spec_.model->model);
  if (tree_ != nullptr) {
    CHECK_EQ(spec_.columns.size(), tree_->num_features());
    num_outputs_ = tree_->num_outputs();
  } else {
    std::vector<std::string> names;
    for (const auto& [name, w] : linear_->weights()) names.push_back(name);
    auto bound = linear_->Bind(names);
    CHECK(bound.ok());  // validation bound the same names
    bound_ = *std::move(bound);
    CHECK_EQ(bound_.size(), spec_.columns.size());
  }
}

void ModelScorer::Features(const Value* row, std::vector<double>* out) const {
  out->resize(spec_.columns.size());
  for (size_t j = 0; j < spec_.columns.size(); ++j) {
    (*out)[j] = ValueAsDouble(row[spec_.columns[j]]);
  }
}

void ModelScorer::ScoreRows(const std::vector<const Value*>& rows, std::vector<double>* out) {
  const size_t n = rows.size();
  const size_t width = spec_.columns.size();
  out->resize(n * num_outputs_);
  matrix_.resize(n * width);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < width; ++j) {
      matrix_[i * width + j] = static_cast<float>(ValueAsDouble(rows[i][spec_.columns[j]]));
    }
  }
  if (tree_ != nullptr) {
    preds_.resize(n * num_outputs_);
    tree_->PredictBatch(matrix_, absl::MakeSpan(preds_));
    for (size_t i = 0; i < preds_.size(); ++i) (*out)[i] = preds_[i];
    return;
  }
  for (size_t i = 0; i < n; ++i) {
    (*out)[i] = linear_->Predict(bound_, absl::MakeConstSpan(matrix_.data() + i * width, width));
  }
}

double ModelScorer::ScoreOne(const Value* row) {
  one_row_.assign(1, row);
  ScoreRows(one_row_, &one_out_);
  return one_out_[0];
}

}  // namespace rtai::ml::ops
