#pragma once
// Submission-time validation of a job graph (docs/JOBS.md, "Validation").
//
// Everything a job could fail on before running is checked here, and every
// error is kInvalidArgument with a message that names the node, edge or
// field: unknown operator or version, missing or ill-typed config field,
// unknown column or type error in an expression, cycle, dangling edge,
// duplicate uid, parallelism out of range, bad watermark or checkpoint
// settings. Thread-safe (pure function).

#include <string_view>

#include "absl/status/statusor.h"
#include "engine/graph/operator_registry.h"
#include "engine/graph/validated_graph.h"
#include "proto/job_graph.pb.h"

namespace rtai::engine::graph {

struct ValidatorLimits {
  int max_nodes = 256;            // Default: 256
  int max_parallelism_cap = 1024;  // Default: 1024 subtasks per node
};

// `services`: see SubmitServices (models for the ML operators).
absl::StatusOr<ValidatedGraph> ValidateJobGraph(const job::JobGraph& graph,
                                                const ValidatorLimits& limits = {},
                                                const SubmitServices& services = {});

// Parses the canonical JSON form (proto field names; enums as strings;
// unknown fields rejected). kInvalidArgument with protobuf's message.
absl::StatusOr<job::JobGraph> ParseJobGraphJson(std::string_view json);

// Parse + validate.
absl::StatusOr<ValidatedGraph> ParseAndValidateJobGraph(std::string_view json,
                                                        const SubmitServices& services = {});

// Canonical JSON (proto field names, indented).
std::string JobGraphToJson(const job::JobGraph& graph);

}  // namespace rtai::engine::graph
