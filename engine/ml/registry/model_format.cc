#include "engine/ml/registry/model_format.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "engine/ml/model/xgboost_model.h"

namespace rtai::ml {

const char* ModelFormatName(ModelFormat format) {
  switch (format) {
    case ModelFormat::kXgboostJson:
      return "xgboost-json";
    case ModelFormat::kXgboostUbj:
      return "xgboost-ubj";
    case ModelFormat::kRtaiLinear:
      return "rtai-linear";
  }
  return "unknown";
}

absl::StatusOr<ModelFormat> ParseModelFormat(absl::string_view name) {
  for (ModelFormat f : {ModelFormat::kXgboostJson, ModelFormat::kXgboostUbj,
                        ModelFormat::kRtaiLinear}) {
    if (name == ModelFormatName(f)) return f;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown model format \"", name,
                   "\" (use xgboost-json, xgboost-ubj or rtai-linear)"));
}

ModelFormat SniffModelFormat(absl::string_view bytes) {
  // UBJSON objects from XGBoost start "{L" / "{$" / "{#" / "{i" (a key's
  // length marker); JSON text continues with whitespace or '"'.
  if (bytes.size() >= 2 && bytes[0] == '{' &&
      absl::string_view("$#LliIU").find(bytes[1]) != absl::string_view::npos) {
    return ModelFormat::kXgboostUbj;
  }
  if (absl::StrContains(bytes.substr(0, 4096), "\"rtai.linear\"")) {
    return ModelFormat::kRtaiLinear;
  }
  return ModelFormat::kXgboostJson;
}

absl::StatusOr<LoadedModel> LoadModelBytes(ModelFormat format,
                                           absl::string_view bytes) {
  switch (format) {
    case ModelFormat::kXgboostJson: {
      ASSIGN_OR_RETURN(TreeEnsemble t, LoadXgboostJson(bytes));
      return LoadedModel{format, std::move(t)};
    }
    case ModelFormat::kXgboostUbj: {
      ASSIGN_OR_RETURN(TreeEnsemble t, LoadXgboostUbjson(bytes));
      return LoadedModel{format, std::move(t)};
    }
    case ModelFormat::kRtaiLinear: {
      ASSIGN_OR_RETURN(LinearModel m, LinearModel::FromJson(bytes));
      return LoadedModel{format, std::move(m)};
    }
  }
  return absl::InvalidArgumentError("unknown model format");
}

}  // namespace rtai::ml
