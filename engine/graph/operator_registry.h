#pragma once
// The built-in operators, registered by name and version. Each validates its
// config against its input schemas and derives its output schemas; the
// expressions it holds are compiled (type-checked) here, at submission.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/graph/config_reader.h"
#include "engine/graph/operator_config.h"
#include "engine/record/schema.h"

namespace rtai::ml {
class ModelResolver;
}  // namespace rtai::ml

namespace rtai::engine::graph {

// Named event schemas declared by the job.
using SchemaMap = std::map<std::string, std::shared_ptr<const Schema>>;

struct OperatorShape {
  int min_inputs = 1;
  int max_inputs = 1;    // -1 = any
  bool is_sink = false;  // no main output
  std::vector<std::string> side_outputs;  // e.g. "late", "dead_letter"
};

struct OperatorOutputs {
  OperatorConfig config;
  std::shared_ptr<const Schema> main;  // null for sinks
  std::map<std::string, std::shared_ptr<const Schema>> side;
};

// What validation may consult at submission besides the graph. Pointers are
// borrowed for the call; null = not available (operators that need it fail
// validation with a clear message).
struct SubmitServices {
  ml::ModelResolver* models = nullptr;  // resolves `score`/`champion_challenger` models
};

struct OperatorSpec {
  std::string name;
  uint32_t latest_version = 1;
  OperatorShape shape;
  // `inputs` holds one schema per input edge (in edge order).
  absl::StatusOr<OperatorOutputs> (*validate)(
      ConfigReader& config, const std::vector<const Schema*>& inputs,
      const SchemaMap& schemas);
  // Set instead of `validate` by operators that need SubmitServices (the ML
  // operators resolve registry models at submission).
  absl::StatusOr<OperatorOutputs> (*validate_with_services)(
      ConfigReader& config, const std::vector<const Schema*>& inputs,
      const SchemaMap& schemas, const SubmitServices& services) = nullptr;
};

// nullptr if `name` is not registered.
const OperatorSpec* FindOperator(const std::string& name);
// "blackhole_sink, broker_sink, ..." for error messages.
std::string OperatorNames();

}  // namespace rtai::engine::graph
