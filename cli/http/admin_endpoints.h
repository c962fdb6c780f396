#pragma once
// The operational endpoints rtaid serves over HttpServer:
//   GET /metrics  Prometheus text exposition of `registry`
//                 (Content-Type: text/plain; version=0.0.4).
//   GET /healthz  200 "ok" while the process serves HTTP at all.
//   GET /readyz   200 "ready" when ready() is true (broker open and every
//                 listener serving), else 503 "not ready".
// `registry` and whatever `ready` reads must outlive the server's Stop().

#include <functional>

#include "base/metrics/registry.h"
#include "cli/http/http_server.h"

namespace rtai::cli {

inline constexpr char kPrometheusContentType[] = "text/plain; version=0.0.4; charset=utf-8";

void RegisterAdminEndpoints(HttpServer* server, const metrics::Registry* registry,
                            std::function<bool()> ready);

}  // namespace rtai::cli
