#pragma once
// Loads models written by XGBoost 1.7 `Booster.save_model()` — JSON text
// ("m.json") or UBJSON ("m.ubj") — into a compiled TreeEnsemble.
//
// Supported: booster "gbtree" (also num_parallel_tree > 1), objectives
// binary:logistic / reg:logistic, reg:squarederror, multi:softprob; missing
// values (NaN) follow each node's default direction. Rejected with
// InvalidArgument and a clear message: categorical splits, "gblinear" and
// "dart" boosters, other objectives, inconsistent or out-of-range arrays.

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/ml/model/json_value.h"
#include "engine/ml/model/tree_ensemble.h"

namespace rtai::ml {

absl::StatusOr<TreeEnsemble> LoadXgboostJson(absl::string_view text);
absl::StatusOr<TreeEnsemble> LoadXgboostUbjson(absl::string_view bytes);
// Detects JSON text vs UBJSON from the first bytes.
absl::StatusOr<TreeEnsemble> LoadXgboostModel(absl::string_view bytes);
// From an already-parsed document (either encoding).
absl::StatusOr<TreeEnsemble> LoadXgboostDocument(const JsonValue& doc);

}  // namespace rtai::ml
