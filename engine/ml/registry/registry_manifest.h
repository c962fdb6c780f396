#pragma once
// The model registry's manifest: every model name, its versions and their
// metadata, and each name's champion history. Stored as JSON in
// <data_dir>/models/manifest.json, replaced atomically on every change
// (spec: docs/MODELS.md). Plain values; thread-compatible.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/ml/registry/model_format.h"

namespace rtai::ml {

enum class ModelStage { kChallenger, kChampion, kArchived };
// "challenger", "champion", "archived".
const char* ModelStageName(ModelStage stage);

struct ModelVersion {
  int64_t version = 0;  // 1, 2, ... per name, never reused
  ModelFormat format = ModelFormat::kXgboostJson;
  std::string sha256;  // of the model bytes; names the blob file
  int64_t size_bytes = 0;
  int64_t created_ms = 0;  // registry Clock, Unix epoch milliseconds
  ModelStage stage = ModelStage::kChallenger;
  std::map<std::string, double> metrics;  // finite values only
};

struct ModelEntry {
  std::string name;
  int64_t next_version = 1;
  // Ascending by version.
  std::vector<ModelVersion> versions;
  // The serving version, 0 when none was promoted yet.
  int64_t champion = 0;
  // Earlier champions, oldest first: rollback restores the last one.
  std::vector<int64_t> previous_champions;

  const ModelVersion* Find(int64_t version) const;
  ModelVersion* Find(int64_t version);
};

struct RegistryManifest {
  std::map<std::string, ModelEntry> models;  // by name
};

inline constexpr char kRegistryManifestFormat[] = "rtai.model_registry";
inline constexpr int kRegistryManifestVersion = 1;

std::string EncodeManifest(const RegistryManifest& manifest);
// InvalidArgument naming the first problem (syntax, missing or mistyped
// field, duplicate version, champion not among the versions, ...).
absl::StatusOr<RegistryManifest> DecodeManifest(absl::string_view text);

// Metric names: 1..128 printable ASCII characters; values finite.
absl::Status ValidateMetric(absl::string_view name, double value);

}  // namespace rtai::ml
