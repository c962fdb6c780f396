#pragma once
// The Nexmark queries q0, q1, q2, q5, q7 and q8 as rtai job graphs over the
// in-process nexmark_source (and q0-json: q0 over JSON events in a topic
// `events`, read by broker_source), as used by bench/nexmark_bench and
// tests/engine/operators/nexmark_queries_test. Nexmark's SQL for each is in
// the .cc next to its graph.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace rtai::engine::nexmark {

// "q0", "q1", "q2", "q5", "q7", "q8", "q0-json".
std::vector<std::string> QueryNames();

// The job graph JSON of `query` over `events` generated events (bounded;
// seed 42, 10,000 events/s of event time), ending in a node `sink` whose
// operator and config are `sink` (a JSON fragment such as
// `"operator": "blackhole_sink"`). kNotFound for an unknown query.
absl::StatusOr<std::string> QueryJob(const std::string& query, int64_t events,
                                     const std::string& sink);

// Flink 1.13's published events/s per core for `query` (nexmark/nexmark
// README), 0 if none.
double FlinkEventsPerCore(const std::string& query);

}  // namespace rtai::engine::nexmark
