#pragma once
// ModelScorer: scores rows of an engine batch with a registry model bound to
// input columns (ModelSpec from validation). Batches rows into a float matrix
// for the tree evaluator (TreeEnsemble::PredictBatch). Numeric columns are
// converted to float (the evaluator's type, as in XGBoost); a null feature is
// missing (NaN: the tree's default direction; weight 0 for linear models);
// bool is 0/1. Not thread-safe (scratch buffers); one per operator.

#include <cstddef>
#include <memory>
#include <vector>

#include "engine/ml/operators/ml_configs.h"
#include "engine/record/value.h"

namespace rtai::ml::ops {

// A numeric or bool Value as double; NaN for null.
double ValueAsDouble(const engine::Value& v);

// "NAME@VERSION" -> (NAME, VERSION); (id, 0) for other ids (online learners).
std::pair<std::string, int64_t> SplitModelId(const std::string& id);

class ModelScorer {
 public:
  explicit ModelScorer(const ModelSpec& spec);
  size_t num_outputs() const { return num_outputs_; }
  // Scores rows[i] (pointers to full input rows) into out[i * num_outputs()
  // + k]; out is resized.
  void ScoreRows(const std::vector<const engine::Value*>& rows, std::vector<double>* out);
  // P(y = 1) (or the regression value) for one row; first output.
  double ScoreOne(const engine::Value* row);
  // The model's features of `row` as doubles (NaN for null).
  void Features(const engine::Value* row, std::vector<double>* out) const;
  const ModelSpec& spec() const { return spec_; }

 private:
  ModelSpec spec_;
  const TreeEnsemble* tree_ = nullptr;
  const LinearModel* linear_ = nullptr;
  std::vector<double> bound_;  // linear: weights in column order
  size_t num_outputs_ = 1;
  std::vector<float> matrix_;
  std::vector<float> preds_;
  std::vector<const engine::Value*> one_row_;
  std::vector<double> one_out_;
};

}  // namespace rtai::ml::ops
