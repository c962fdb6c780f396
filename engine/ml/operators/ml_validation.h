#pragma once
// Submission-time validation of the ML operators' configs (docs/JOBS.md,
// "ML operators"): every column named exists with a usable type, every
// option is in range, and models are resolved through the registry
// (SubmitServices::models) and compiled now, so a job that validates scores
// with exactly the model it was validated against. Errors are
// kInvalidArgument naming the node and field (the registry's NOT_FOUND /
// FAILED_PRECONDITION for a model reference are reported the same way).
// Compiled into rtai_engine_graph (the registry's operator table calls it).

#include <vector>

#include "absl/status/statusor.h"
#include "engine/graph/config_reader.h"
#include "engine/graph/operator_registry.h"

namespace rtai::ml::ops {

using engine::Schema;
using engine::graph::ConfigReader;
using engine::graph::OperatorOutputs;
using engine::graph::SchemaMap;
using engine::graph::SubmitServices;

absl::StatusOr<OperatorOutputs> ValidateRollingFeatures(
    ConfigReader& c, const std::vector<const Schema*>& in, const SchemaMap&);
absl::StatusOr<OperatorOutputs> ValidateScore(
    ConfigReader& c, const std::vector<const Schema*>& in, const SchemaMap&,
    const SubmitServices& services);
absl::StatusOr<OperatorOutputs> ValidateLearn(
    ConfigReader& c, const std::vector<const Schema*>& in, const SchemaMap&);
absl::StatusOr<OperatorOutputs> ValidateChampionChallenger(
    ConfigReader& c, const std::vector<const Schema*>& in, const SchemaMap&,
    const SubmitServices& services);
absl::StatusOr<OperatorOutputs> ValidateDrift(
    ConfigReader& c, const std::vector<const Schema*>& in, const SchemaMap&);

}  // namespace rtai::ml::ops
