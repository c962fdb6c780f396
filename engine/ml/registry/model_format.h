#pragma once
// The model formats the registry accepts, and loading registered bytes into
// the engine/ml evaluators. Registration and the score operator use the same
// LoadModelBytes(), so a model that registers is a model that scores.

#include <string>
#include <variant>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/ml/model/linear_model.h"
#include "engine/ml/model/tree_ensemble.h"

namespace rtai::ml {

enum class ModelFormat {
  kXgboostJson,  // "xgboost-json": XGBoost 1.7 Booster.save_model("m.json")
  kXgboostUbj,   // "xgboost-ubj": XGBoost 1.7 Booster.save_model("m.ubj")
  kRtaiLinear,   // "rtai-linear": rtai.linear v1 (docs/ML.md)
};

// "xgboost-json", "xgboost-ubj", "rtai-linear".
const char* ModelFormatName(ModelFormat format);
// InvalidArgument listing the accepted names for anything else.
absl::StatusOr<ModelFormat> ParseModelFormat(absl::string_view name);
// Guesses the format of model bytes (for `rtai-cli model register` without
// --format): UBJSON starts with '{' followed by a UBJSON type marker, JSON
// text containing "rtai.linear" is rtai-linear, other JSON is xgboost-json.
ModelFormat SniffModelFormat(absl::string_view bytes);

// A compiled model, ready to score. Immutable; thread-compatible.
struct LoadedModel {
  ModelFormat format;
  std::variant<TreeEnsemble, LinearModel> model;
};

// Parses and validates `bytes` as `format`. InvalidArgument (with the
// loader's reason) for corrupt or unsupported models, including bytes of the
// other XGBoost encoding.
absl::StatusOr<LoadedModel> LoadModelBytes(ModelFormat format,
                                           absl::string_view bytes);

}  // namespace rtai::ml
