#pragma once
// rtaid's web dashboard on the HTTP listener (docs/OPERATIONS.md,
// "Dashboard"):
//   GET /, /dashboard, /dashboard/   the single-page app (index.html)
//   GET /dashboard/<asset>           its scripts, styles and uPlot (embedded)
//   GET /api/topics                  topics, partitions, sizes, counters, lag
//   GET /api/jobs                    jobs with per-operator and per-task numbers
//   GET /api/job?id=ID               one job with its graph and checkpoints
//                                    (400 bad id, 404 unknown)
//   GET /api/models                  registry versions, prequential series, events
//   GET /api/metrics?prefix=P        the registry's samples as JSON (P: metric
//                                    name characters only, else 400)
// JSON answers are application/json, computed from in-memory state on the
// server's io thread (see dashboard_json.h for the bounds). `sources` must
// outlive the server's Stop().

#include <string>
#include <string_view>

#include "cli/http/dashboard_json.h"
#include "cli/http/http_server.h"

namespace rtai::cli {

void RegisterDashboardEndpoints(HttpServer* server, DashboardSources sources);

// The value of `key` in a query string "a=1&b=2" ("" if absent). No
// percent-decoding: the dashboard's parameters are ids and metric names.
std::string QueryParam(std::string_view query, std::string_view key);

}  // namespace rtai::cli
