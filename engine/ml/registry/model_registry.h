#pragma once
// ModelRegistry: versioned models stored durably under <data_dir>/models/,
// content-addressed by SHA-256 (layout and manifest: docs/MODELS.md).
//
//   models/manifest.json        every name, version, stage, metrics, history
//   models/blobs/<sha256>       model bytes, shared by identical versions
//
// Every change writes the blob (if new) and then the whole manifest with
// FileSystem::WriteFileAtomically, so a crash leaves the old or the new
// registry; blobs no manifest references are deleted at Open().
//
// Thread-safe (one mutex; control-plane rates). `fs` and `clock` must
// outlive the registry.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "base/clock.h"
#include "base/file_system.h"
#include "engine/ml/registry/model_format.h"
#include "engine/ml/registry/model_ref.h"
#include "engine/ml/registry/registry_manifest.h"

namespace rtai::ml {

struct ModelRegistryOptions {
  // Directory of the registry (rtaid: <data_dir>/models). Required.
  std::string dir;
  // Largest model accepted. Default: 15 MiB (bytes; fits gRPC's 16 MiB).
  int64_t max_model_bytes = 15 << 20;
  // Versions kept per name; registering past it deletes the oldest version
  // that is not the champion. Default: 20 (min 2).
  int max_versions_per_name = 20;
  // Distinct model names. Default: 1000.
  int max_names = 1000;
  // Metrics per version. Default: 64.
  int max_metrics = 64;

  absl::Status Validate() const;
};

// One version with its name, as returned by the registry.
struct ModelInfo {
  std::string name;
  ModelVersion version;
  bool deduplicated = false;  // Register(): identical bytes already there
  // Promote()/Rollback(): the champion before the change (0: none).
  int64_t replaced_champion = 0;
};

// What a score operator gets for a reference: metadata plus the bytes,
// checked against their SHA-256. LoadModelBytes(info.version.format, bytes)
// compiles it.
struct ResolvedModel {
  ModelInfo info;
  std::string bytes;
};

// The engine's view of the registry: resolves job-graph references.
class ModelResolver {
 public:
  virtual ~ModelResolver() = default;
  // NOT_FOUND (unknown name or version), FAILED_PRECONDITION (NAME or
  // NAME@champion with no champion yet), DATA_LOSS (blob missing/corrupt).
  virtual absl::StatusOr<ResolvedModel> Resolve(absl::string_view ref) = 0;
};

class ModelRegistry : public ModelResolver {
 public:
  // Creates the directory if missing. DATA_LOSS naming the file when the
  // manifest is corrupt or references a missing blob.
  static absl::StatusOr<std::unique_ptr<ModelRegistry>> Open(
      const ModelRegistryOptions& options, FileSystem* fs, Clock* clock);

  // Validates `bytes` by loading them as `format` (INVALID_ARGUMENT with the
  // loader's reason), then stores a new challenger version. Identical bytes
  // already registered under `name` return that version (deduplicated=true,
  // metrics unchanged). RESOURCE_EXHAUSTED past max_model_bytes/max_names.
  absl::StatusOr<ModelInfo> Register(
      const std::string& name, ModelFormat format, absl::string_view bytes,
      const std::map<std::string, double>& metrics);

  // Makes NAME@VERSION the champion; the old champion is archived and
  // remembered for Rollback(). FAILED_PRECONDITION if it already is.
  absl::StatusOr<ModelInfo> Promote(const ModelRef& ref);
  // Archives the champion and restores the previous one.
  // FAILED_PRECONDITION when there is no previous champion.
  absl::StatusOr<ModelInfo> Rollback(const std::string& name);

  std::vector<ModelEntry> List() const;
  absl::StatusOr<ModelEntry> Describe(const std::string& name) const;
  // Metadata only (no bytes).
  absl::StatusOr<ModelInfo> Lookup(const ModelRef& ref) const;
  absl::StatusOr<ResolvedModel> Resolve(absl::string_view ref) override;

 private:
  ModelRegistry(ModelRegistryOptions options, FileSystem* fs, Clock* clock)
      : options_(std::move(options)), fs_(fs), clock_(clock) {}
  std::string BlobPath(const std::string& sha256) const;
  std::string ManifestPath() const;
  absl::Status Load();
  // Writes `next` durably, then makes it current; deletes blobs it no
  // longer references.
  absl::Status Commit(RegistryManifest next) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<ModelInfo> LookupLocked(const ModelRef& ref) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);

  const ModelRegistryOptions options_;
  FileSystem* const fs_;
  Clock* const clock_;
  mutable absl::Mutex mu_;
  RegistryManifest manifest_ ABSL_GUARDED_BY(mu_);
};

}  // namespace rtai::ml
