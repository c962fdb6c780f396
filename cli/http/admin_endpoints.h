#pragma once
// The operational endpoints rtaid serves over HttpServer:
//   GET /metrics  Prometheus text exposition of `registry`
//                 (Content-Type: text/plain; version=0.0.4).
//   GET /healthz  200 "ok" while the process serves HTTP at all.
//   GET /readyz   200 "ready" when ready() is true (broker open and every
//                 listener serving), else 503 "not ready".
// `registry` and whatever `ready` reads must outlive the server's Stop().

#include <functional>
#include <memory>

#include "absl/status/statusor.h"

#include "base/metrics/registry.h"
#include "cli/http/http_server.h"

namespace rtai::cli {

inline constexpr char kPrometheusContentType[] = "text/plain; version=0.0.4; charset=utf-8";

void RegisterAdminEndpoints(HttpServer* server, const metrics::Registry* registry,
                            std::function<bool()> ready);

// rtaid's endpoint in one call: an HttpServer on options.listen_address
// with the admin endpoints, counting itself in `registry` (which also gets
// rtai_process_start_time_seconds and the process_* gauges of
// process_metrics.h). `register_more` (may be empty) adds further paths
// before the server starts (rtaid: the dashboard). Errors as
// HttpServer::Start.
absl::StatusOr<std::unique_ptr<HttpServer>> StartAdminServer(
    HttpServerOptions options, metrics::Registry* registry, std::function<bool()> ready,
    const std::function<void(HttpServer*)>& register_more = nullptr);

}  // namespace rtai::cli
