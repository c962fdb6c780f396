#include "engine/ml/registry/registry_manifest.h"

#include <cmath>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/status_macros.h"
#include "engine/ml/model/json_value.h"
#include "engine/ml/registry/model_ref.h"
#include "engine/ml/registry/sha256.h"

namespace rtai::ml {
namespace {

// Names are restricted to [A-Za-z0-9._-] and metric keys to printable
// ASCII, so escaping '"' and '\\' suffices.
std::string Quote(absl::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string Number(double d) { return absl::StrFormat("%.17g", d); }

std::string EncodeVersion(const ModelVersion& v) {
  std::string metrics;
  for (const auto& [k, value] : v.metrics) {
    absl::StrAppend(&metrics, metrics.empty() ? "" : ", ", Quote(k), ": ",
                    Number(value));
  }
  return absl::StrCat("{\"version\": ", v.version,
                      ", \"format\": ", Quote(ModelFormatName(v.format)),
                      ", \"sha256\": ", Quote(v.sha256),
                      ", \"size_bytes\": ", v.size_bytes,
                      ", \"created_ms\": ", v.created_ms,
                      ", \"stage\": ", Quote(ModelStageName(v.stage)),
                      ", \"metrics\": {", metrics, "}}");
}

// A JSON number that must be an integer in [lo, hi].
absl::StatusOr<int64_t> IntMember(const JsonValue& obj, absl::string_view key,
                                  absl::string_view path, int64_t lo,
                                  int64_t hi) {
  ASSIGN_OR_RETURN(double d, NumberMember(obj, key, path));
  if (!(d >= static_cast<double>(lo) && d <= static_cast<double>(hi)) ||
      d != std::floor(d)) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ".", key, " must be an integer in [", lo, ", ", hi, "]"));
  }
  return static_cast<int64_t>(d);
}

absl::StatusOr<ModelStage> ParseStage(absl::string_view s) {
  for (ModelStage st : {ModelStage::kChallenger, ModelStage::kChampion,
                        ModelStage::kArchived}) {
    if (s == ModelStageName(st)) return st;
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown stage \"", s, "\""));
}

constexpr int64_t kMaxInt = int64_t{1} << 53;

absl::StatusOr<ModelVersion> DecodeVersion(const JsonValue& j,
                                           const std::string& path) {
  ModelVersion v;
  ASSIGN_OR_RETURN(v.version, IntMember(j, "version", path, 1, kMaxInt));
  ASSIGN_OR_RETURN(std::string format, StringMember(j, "format", path));
  ASSIGN_OR_RETURN(v.format, ParseModelFormat(format));
  ASSIGN_OR_RETURN(v.sha256, StringMember(j, "sha256", path));
  if (!IsSha256Hex(v.sha256)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ".sha256 is not 64 lowercase hex digits"));
  }
  ASSIGN_OR_RETURN(v.size_bytes, IntMember(j, "size_bytes", path, 0, kMaxInt));
  ASSIGN_OR_RETURN(v.created_ms,
                   IntMember(j, "created_ms", path, -kMaxInt, kMaxInt));
  ASSIGN_OR_RETURN(std::string stage, StringMember(j, "stage", path));
  ASSIGN_OR_RETURN(v.stage, ParseStage(stage));
  ASSIGN_OR_RETURN(const JsonValue* metrics, Member(j, "metrics", path));
  if (!metrics->is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ".metrics is not an object"));
  }
  for (size_t i = 0; i < metrics->keys().size(); ++i) {
    const JsonValue& m = metrics->items()[i];
    if (!m.is_number()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ".metrics values must be numbers"));
    }
    RETURN_IF_ERROR(ValidateMetric(metrics->keys()[i], m.number()));
    v.metrics[metrics->keys()[i]] = m.number();
  }
  return v;
}

absl::Status CheckEntry(const ModelEntry& e, const std::string& path) {
  int64_t last = 0;
  for (const ModelVersion& v : e.versions) {
    if (v.version <= last || v.version >= e.next_version) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": versions must ascend and stay below next_version"));
    }
    last = v.version;
    const bool is_champion = v.version == e.champion;
    if (is_champion != (v.stage == ModelStage::kChampion)) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": version ", v.version, " stage disagrees with champion"));
    }
  }
  if (e.champion != 0 && e.Find(e.champion) == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": champion ", e.champion, " is not a version"));
  }
  for (int64_t p : e.previous_champions) {
    if (e.Find(p) == nullptr || p == e.champion) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": previous champion ", p, " is not an archived version"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<ModelEntry> DecodeEntry(const JsonValue& j,
                                       const std::string& path) {
  ModelEntry e;
  ASSIGN_OR_RETURN(e.name, StringMember(j, "name", path));
  RETURN_IF_ERROR(ValidateModelName(e.name));
  ASSIGN_OR_RETURN(e.next_version,
                   IntMember(j, "next_version", path, 1, kMaxInt));
  ASSIGN_OR_RETURN(e.champion, IntMember(j, "champion", path, 0, kMaxInt));
  ASSIGN_OR_RETURN(const JsonValue* versions, Member(j, "versions", path));
  ASSIGN_OR_RETURN(const JsonValue* previous,
                   Member(j, "previous_champions", path));
  if (!versions->is_array() || !previous->is_array()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ".versions and .previous_champions must be arrays"));
  }
  for (size_t i = 0; i < versions->items().size(); ++i) {
    ASSIGN_OR_RETURN(ModelVersion v,
                     DecodeVersion(versions->items()[i],
                                   absl::StrCat(path, ".versions[", i, "]")));
    e.versions.push_back(std::move(v));
  }
  for (const JsonValue& p : previous->items()) {
    if (!p.is_number() || p.number() < 1 || p.number() > kMaxInt ||
        p.number() != std::floor(p.number())) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ".previous_champions holds a non-version"));
    }
    e.previous_champions.push_back(static_cast<int64_t>(p.number()));
  }
  RETURN_IF_ERROR(CheckEntry(e, path));
  return e;
}

}  // namespace

const char* ModelStageName(ModelStage stage) {
  switch (stage) {
    case ModelStage::kChallenger:
      return "challenger";
    case ModelStage::kChampion:
      return "champion";
    case ModelStage::kArchived:
      return "archived";
  }
  return "unknown";
}

const ModelVersion* ModelEntry::Find(int64_t version) const {
  for (const ModelVersion& v : versions) {
    if (v.version == version) return &v;
  }
  return nullptr;
}
ModelVersion* ModelEntry::Find(int64_t version) {
  for (ModelVersion& v : versions) {
    if (v.version == version) return &v;
  }
  return nullptr;
}

absl::Status ValidateMetric(absl::string_view name, double value) {
  if (name.empty() || name.size() > 128) {
    return absl::InvalidArgumentError(
        "metric names must be 1 to 128 characters");
  }
  for (char c : name) {
    if (c < 0x20 || c > 0x7E) {
      return absl::InvalidArgumentError(
          absl::StrCat("metric name \"", name, "\" must be printable ASCII"));
    }
  }
  if (!std::isfinite(value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("metric \"", name, "\" must be a finite number"));
  }
  return absl::OkStatus();
}

std::string EncodeManifest(const RegistryManifest& manifest) {
  std::string out = absl::StrCat("{\"format\": \"", kRegistryManifestFormat,
                                 "\", \"version\": ", kRegistryManifestVersion,
                                 ",\n \"models\": [");
  bool first = true;
  for (const auto& [name, e] : manifest.models) {
    absl::StrAppend(&out, first ? "\n" : ",\n", "  {\"name\": ", Quote(name),
                    ", \"next_version\": ", e.next_version,
                    ", \"champion\": ", e.champion,
                    ", \"previous_champions\": [");
    for (size_t i = 0; i < e.previous_champions.size(); ++i) {
      absl::StrAppend(&out, i ? ", " : "", e.previous_champions[i]);
    }
    absl::StrAppend(&out, "],\n   \"versions\": [");
    for (size_t i = 0; i < e.versions.size(); ++i) {
      absl::StrAppend(&out, i ? ",\n    " : "\n    ",
                      EncodeVersion(e.versions[i]));
    }
    absl::StrAppend(&out, "]}");
    first = false;
  }
  absl::StrAppend(&out, "]}\n");
  return out;
}

absl::StatusOr<RegistryManifest> DecodeManifest(absl::string_view text) {
  JsonLimits limits;
  limits.max_input_bytes = 64u << 20;
  limits.max_depth = 8;
  ASSIGN_OR_RETURN(JsonValue doc, ParseJson(text, limits));
  ASSIGN_OR_RETURN(std::string format, StringMember(doc, "format", "manifest"));
  ASSIGN_OR_RETURN(double version, NumberMember(doc, "version", "manifest"));
  if (format != kRegistryManifestFormat ||
      version != kRegistryManifestVersion) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a version ", kRegistryManifestVersion, " ",
                     kRegistryManifestFormat, " manifest (format \"", format,
                     "\", version ", version, ")"));
  }
  ASSIGN_OR_RETURN(const JsonValue* models, Member(doc, "models", "manifest"));
  if (!models->is_array()) {
    return absl::InvalidArgumentError("manifest.models is not an array");
  }
  RegistryManifest out;
  for (size_t i = 0; i < models->items().size(); ++i) {
    ASSIGN_OR_RETURN(ModelEntry e,
                     DecodeEntry(models->items()[i],
                                 absl::StrCat("manifest.models[", i, "]")));
    if (out.models.count(e.name) != 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("manifest lists model \"", e.name, "\" twice"));
    }
    std::string name = e.name;
    out.models.emplace(std::move(name), std::move(e));
  }
  return out;
}

}  // namespace rtai::ml
