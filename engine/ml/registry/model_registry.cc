#include "engine/ml/registry/model_registry.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/logging.h"
#include "base/status_macros.h"
#include "engine/ml/registry/sha256.h"

namespace rtai::ml {
namespace {

std::set<std::string> ReferencedBlobs(const RegistryManifest& m) {
  std::set<std::string> out;
  for (const auto& [name, e] : m.models) {
    for (const ModelVersion& v : e.versions) out.insert(v.sha256);
  }
  return out;
}

absl::Status NoSuchModel(const std::string& name) {
  return absl::NotFoundError(
      absl::StrCat("no model named \"", name,
                   "\" (`rtai-cli model list` shows the registered ones)"));
}

// Drops the oldest non-champion versions past `max_versions`.
void Prune(ModelEntry& e, int max_versions) {
  while (static_cast<int>(e.versions.size()) > max_versions) {
    auto victim = std::find_if(
        e.versions.begin(), e.versions.end(),
        [&](const ModelVersion& v) { return v.version != e.champion; });
    const int64_t gone = victim->version;
    e.versions.erase(victim);
    e.previous_champions.erase(std::remove(e.previous_champions.begin(),
                                           e.previous_champions.end(), gone),
                               e.previous_champions.end());
  }
}

}  // namespace

absl::Status ModelRegistryOptions::Validate() const {
  if (dir.empty())
    return absl::InvalidArgumentError("registry dir is required");
  if (max_model_bytes < 1) {
    return absl::InvalidArgumentError("max_model_bytes must be positive");
  }
  if (max_versions_per_name < 2 || max_names < 1 || max_metrics < 0) {
    return absl::InvalidArgumentError(
        "max_versions_per_name must be >= 2, max_names >= 1, max_metrics >= 0");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<ModelRegistry>> ModelRegistry::Open(
    const ModelRegistryOptions& options, FileSystem* fs, Clock* clock) {
  RETURN_IF_ERROR(options.Validate());
  std::unique_ptr<ModelRegistry> r(new ModelRegistry(options, fs, clock));
  RETURN_IF_ERROR(r->Load());
  return r;
}

std::string ModelRegistry::BlobPath(const std::string& sha256) const {
  return JoinPath(JoinPath(options_.dir, "blobs"), sha256);
}
std::string ModelRegistry::ManifestPath() const {
  return JoinPath(options_.dir, "manifest.json");
}

absl::Status ModelRegistry::Load() {
  const std::string blobs = JoinPath(options_.dir, "blobs");
  RETURN_IF_ERROR(fs_->CreateDirs(blobs));
  RegistryManifest loaded;
  const std::string path = ManifestPath();
  if (fs_->Exists(path)) {
    ASSIGN_OR_RETURN(std::string text, fs_->ReadFileToString(path));
    auto decoded = DecodeManifest(text);
    if (!decoded.ok()) {
      return absl::DataLossError(absl::StrCat(
          "model registry manifest ", path,
          " is corrupt: ", decoded.status().message(),
          " (restore it from a backup, or move it aside to start an empty "
          "registry)"));
    }
    loaded = *std::move(decoded);
  }
  const std::set<std::string> referenced = ReferencedBlobs(loaded);
  for (const auto& [name, e] : loaded.models) {
    for (const ModelVersion& v : e.versions) {
      auto size = fs_->FileSize(BlobPath(v.sha256));
      if (!size.ok() || static_cast<int64_t>(*size) != v.size_bytes) {
        return absl::DataLossError(absl::StrCat(
            "model registry: ", name, "@", v.version, " needs blob ",
            BlobPath(v.sha256), " of ", v.size_bytes,
            " bytes, which is missing or has another size"));
      }
    }
  }
  // Blobs of registrations that crashed before their manifest was written.
  ASSIGN_OR_RETURN(std::vector<std::string> files, fs_->ListDir(blobs));
  for (const std::string& f : files) {
    if (referenced.count(f) != 0) continue;
    LogInfo("model registry: deleting unreferenced blob", {{"file", f}});
    RETURN_IF_ERROR(fs_->DeleteFile(JoinPath(blobs, f)));
  }
  absl::MutexLock lock(&mu_);
  manifest_ = std::move(loaded);
  return absl::OkStatus();
}

absl::Status ModelRegistry::Commit(RegistryManifest next) {
  RETURN_IF_ERROR(
      fs_->WriteFileAtomically(ManifestPath(), EncodeManifest(next)));
  const std::set<std::string> keep = ReferencedBlobs(next);
  for (const std::string& sha : ReferencedBlobs(manifest_)) {
    if (keep.count(sha) != 0) continue;
    absl::Status s = fs_->DeleteFile(BlobPath(sha));
    if (!s.ok()) {  // an orphan is harmless; Open() removes it
      LogWarning("model registry: cannot delete blob",
                 {{"error", s.ToString()}});
    }
  }
  manifest_ = std::move(next);
  return absl::OkStatus();
}

absl::StatusOr<ModelInfo> ModelRegistry::Register(
    const std::string& name, ModelFormat format, absl::string_view bytes,
    const std::map<std::string, double>& metrics) {
  RETURN_IF_ERROR(ValidateModelName(name));
  if (static_cast<int64_t>(bytes.size()) > options_.max_model_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "model is ", bytes.size(), " bytes; the registry accepts at most ",
        options_.max_model_bytes));
  }
  if (static_cast<int>(metrics.size()) > options_.max_metrics) {
    return absl::InvalidArgumentError(
        absl::StrCat("at most ", options_.max_metrics, " metrics per version"));
  }
  for (const auto& [k, v] : metrics) RETURN_IF_ERROR(ValidateMetric(k, v));
  if (auto loaded = LoadModelBytes(format, bytes); !loaded.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("model rejected, not a valid ", ModelFormatName(format),
                     " model: ", loaded.status().message()));
  }
  const std::string sha = Sha256Hex(bytes);

  absl::MutexLock lock(&mu_);
  auto it = manifest_.models.find(name);
  if (it != manifest_.models.end()) {
    for (const ModelVersion& v : it->second.versions) {
      if (v.sha256 == sha && v.format == format) {
        return ModelInfo{name, v, /*deduplicated=*/true};
      }
    }
  } else if (static_cast<int>(manifest_.models.size()) >= options_.max_names) {
    return absl::ResourceExhaustedError(
        absl::StrCat("the registry holds the maximum of ", options_.max_names,
                     " model names"));
  }
  const std::string blob = BlobPath(sha);
  const bool new_blob = !fs_->Exists(blob);
  if (new_blob) RETURN_IF_ERROR(fs_->WriteFileAtomically(blob, bytes));

  RegistryManifest next = manifest_;
  ModelEntry& e = next.models[name];
  e.name = name;
  ModelVersion v;
  v.version = e.next_version++;
  v.format = format;
  v.sha256 = sha;
  v.size_bytes = static_cast<int64_t>(bytes.size());
  v.created_ms = clock_->NowMillis();
  v.stage = ModelStage::kChallenger;
  v.metrics = metrics;
  e.versions.push_back(v);
  Prune(e, options_.max_versions_per_name);
  if (absl::Status s = Commit(std::move(next)); !s.ok()) {
    if (new_blob) fs_->DeleteFile(blob).IgnoreError();
    return s;
  }
  return ModelInfo{name, v, false};
}

absl::StatusOr<ModelInfo> ModelRegistry::Promote(const ModelRef& ref) {
  if (ref.champion()) {
    return absl::InvalidArgumentError(
        "promote needs an explicit version: NAME@VERSION");
  }
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(ModelInfo info, LookupLocked(ref));
  if (info.version.stage == ModelStage::kChampion) {
    return absl::FailedPreconditionError(
        absl::StrCat(ref.ToString(), " is already the champion"));
  }
  RegistryManifest next = manifest_;
  ModelEntry& e = next.models[ref.name];
  auto& prev = e.previous_champions;
  prev.erase(std::remove(prev.begin(), prev.end(), ref.version), prev.end());
  if (e.champion != 0) {
    e.Find(e.champion)->stage = ModelStage::kArchived;
    prev.push_back(e.champion);
  }
  info.replaced_champion = e.champion;
  e.champion = ref.version;
  e.Find(ref.version)->stage = ModelStage::kChampion;
  info.version = *e.Find(ref.version);
  RETURN_IF_ERROR(Commit(std::move(next)));
  return info;
}

absl::StatusOr<ModelInfo> ModelRegistry::Rollback(const std::string& name) {
  RETURN_IF_ERROR(ValidateModelName(name));
  absl::MutexLock lock(&mu_);
  auto it = manifest_.models.find(name);
  if (it == manifest_.models.end()) return NoSuchModel(name);
  if (it->second.previous_champions.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "model \"", name, "\" has no previous champion to roll back to"));
  }
  RegistryManifest next = manifest_;
  ModelEntry& e = next.models[name];
  const int64_t replaced = e.champion;
  if (e.champion != 0) e.Find(e.champion)->stage = ModelStage::kArchived;
  e.champion = e.previous_champions.back();
  e.previous_champions.pop_back();
  e.Find(e.champion)->stage = ModelStage::kChampion;
  ModelInfo info{name, *e.Find(e.champion), false, replaced};
  RETURN_IF_ERROR(Commit(std::move(next)));
  return info;
}

std::vector<ModelEntry> ModelRegistry::List() const {
  absl::MutexLock lock(&mu_);
  std::vector<ModelEntry> out;
  for (const auto& [name, e] : manifest_.models) out.push_back(e);
  return out;
}

absl::StatusOr<ModelEntry> ModelRegistry::Describe(
    const std::string& name) const {
  RETURN_IF_ERROR(ValidateModelName(name));
  absl::MutexLock lock(&mu_);
  auto it = manifest_.models.find(name);
  if (it == manifest_.models.end()) return NoSuchModel(name);
  return it->second;
}

absl::StatusOr<ModelInfo> ModelRegistry::LookupLocked(
    const ModelRef& ref) const {
  auto it = manifest_.models.find(ref.name);
  if (it == manifest_.models.end()) return NoSuchModel(ref.name);
  const ModelEntry& e = it->second;
  if (ref.champion() && e.champion == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("model \"", ref.name,
                     "\" has no champion yet; promote a version "
                     "(rtai-cli model promote ",
                     ref.name, "@VERSION)"));
  }
  const int64_t version = ref.champion() ? e.champion : ref.version;
  const ModelVersion* v = e.Find(version);
  if (v == nullptr) {
    std::vector<int64_t> have;
    for (const ModelVersion& x : e.versions) have.push_back(x.version);
    return absl::NotFoundError(
        absl::StrCat("model \"", ref.name, "\" has no version ", version,
                     " (versions: ", absl::StrJoin(have, ", "), ")"));
  }
  return ModelInfo{ref.name, *v, false};
}

absl::StatusOr<ModelInfo> ModelRegistry::Lookup(const ModelRef& ref) const {
  absl::MutexLock lock(&mu_);
  return LookupLocked(ref);
}

absl::StatusOr<ResolvedModel> ModelRegistry::Resolve(absl::string_view ref) {
  ASSIGN_OR_RETURN(ModelRef parsed, ParseModelRef(ref));
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(ModelInfo info, LookupLocked(parsed));
  const std::string path = BlobPath(info.version.sha256);
  auto bytes = fs_->ReadFileToString(path);
  if (!bytes.ok() || Sha256Hex(*bytes) != info.version.sha256) {
    return absl::DataLossError(absl::StrCat(
        "model blob ", path, " of ", parsed.ToString(),
        " is missing or does not match its SHA-256; re-register the model"));
  }
  return ResolvedModel{std::move(info), *std::move(bytes)};
}

}  // namespace rtai::ml
