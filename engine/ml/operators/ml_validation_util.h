#pragma once
// Helpers shared by the ML operators' validators (ml_validation.cc,
// cc_validation.cc): column lookup, model resolution, learner options, and
// output schema construction.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/graph/config_reader.h"
#include "engine/graph/operator_registry.h"
#include "engine/ml/operators/ml_configs.h"
#include "engine/record/schema.h"

namespace rtai::ml::ops {

// Column `name` of `schema`; numeric_only: int64, double or bool.
absl::StatusOr<int> ResolveColumn(const engine::graph::ConfigReader& c,
                                  const std::string& field, const std::string& name,
                                  const engine::Schema& schema, bool numeric_only);

// Reads the model reference in config field `field` (NAME, NAME@champion or
// NAME@VERSION), resolves it through `services`, compiles it and binds its
// features (`features`, or the model's own names when empty) to columns.
absl::StatusOr<ModelSpec> ReadModel(engine::graph::ConfigReader& c, const std::string& field,
                                    const std::vector<std::string>& features,
                                    const engine::Schema& input,
                                    const engine::graph::SubmitServices& services);

// Reads a learner object ({"type": "ftrl"|"sgd"|"hoeffding", "features",
// "hashed_features", options...}) from config field `field`.
absl::StatusOr<LearnerSpec> ReadLearner(engine::graph::ConfigReader& c, const std::string& field,
                                        const engine::Schema& input);

// A label column: bool, int64 or double (0/1).
absl::StatusOr<int> ReadLabelColumn(engine::graph::ConfigReader& c, const std::string& field,
                                    const engine::Schema& schema);

// `base`'s fields followed by `extra`; kInvalidArgument on a name clash.
absl::StatusOr<std::shared_ptr<const engine::Schema>> Extend(
    const engine::graph::ConfigReader& c, const std::string& field, const engine::Schema& base,
    const std::vector<engine::Field>& extra);

}  // namespace rtai::ml::ops
