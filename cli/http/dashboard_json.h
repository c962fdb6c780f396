#pragma once
// The dashboard's JSON answers (docs/OPERATIONS.md, "Dashboard API"),
// built from rtaid's live objects. Each function reads in-memory state only
// (topic table, job runners, model manifest, metrics registry) and is
// bounded: at most kMaxTopics topics and kMaxPartitions partitions per
// topic are listed ("truncated": true says more exist).
// Thread-safe as the sources are. Pointers in DashboardSources may be null
// (that part answers empty); the objects must outlive the HTTP server.

#include <string>

#include "absl/status/statusor.h"
#include "base/metrics/registry.h"
#include "broker/core/broker.h"
#include "engine/ml/registry/model_registry.h"
#include "engine/runtime/engine_metrics.h"
#include "engine/runtime/ml_metrics.h"
#include "engine/service/job_manager.h"

namespace rtai::cli {

struct DashboardSources {
  const metrics::Registry* registry = nullptr;
  const broker::Broker* broker = nullptr;
  engine::service::JobManager* jobs = nullptr;
  const engine::runtime::EngineMetrics* engine_metrics = nullptr;
  const ml::ModelRegistry* models = nullptr;
  const engine::runtime::MlMetrics* ml_metrics = nullptr;
  const Clock* clock = nullptr;  // "time_ms" of every answer; required
};

inline constexpr size_t kMaxTopics = 1000;
inline constexpr size_t kMaxPartitions = 1000;

// {"time_ms", "truncated", "topics": [{name, partitions[], size_bytes,
// records, produced_*_total, fetched_*_total, consumer_groups[]}]}
std::string TopicsJson(const DashboardSources& s);
// {"time_ms", "jobs": [{id, name, state, error, submit_time_ms,
// operators[], tasks[]}]}
std::string JobsJson(const DashboardSources& s);
// One job with its graph, checkpoints and restarts. kNotFound for an
// unknown id, kInvalidArgument for a malformed one.
absl::StatusOr<std::string> JobJson(const DashboardSources& s, const std::string& id);
// {"time_ms", "models": [...registry...], "series": [...], "events": [...]}
std::string ModelsJson(const DashboardSources& s);
// {"time_ms", "samples": [{name, labels{}, value}]} of the registry's
// series whose name starts with `prefix`.
absl::StatusOr<std::string> MetricsJson(const DashboardSources& s, const std::string& prefix);

}  // namespace rtai::cli
