#pragma once
// ValidatedGraph: a JobGraph that passed validation, with every node's typed
// config and output schemas resolved and the nodes in topological order.
// Immutable after validation; safe to share between threads (const).

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/graph/operator_config.h"
#include "engine/record/schema.h"
#include "proto/job_graph.pb.h"

namespace rtai::engine::graph {

struct ResolvedEdge {
  int from = -1;  // node index
  int to = -1;
  job::Partitioning partitioning = job::FORWARD;  // never UNSPECIFIED
  std::vector<std::string> key;  // HASH: key expressions over from's output
  std::string output;            // "" = main
  int input_index = 0;           // position among `to`'s inputs
};

struct ResolvedNode {
  std::string uid;
  std::string op;
  uint32_t op_version = 1;
  int parallelism = 1;
  OperatorConfig config;
  std::shared_ptr<const Schema> output;  // null for sinks
  std::map<std::string, std::shared_ptr<const Schema>> side_outputs;
  std::vector<int> in_edges;   // edge indices, by input_index
  std::vector<int> out_edges;  // edge indices
};

struct ValidatedGraph {
  job::JobGraph proto;       // as submitted, defaults not filled in
  std::string name;
  int max_parallelism = 128;
  int64_t max_out_of_orderness_ms = 0;
  int64_t idle_timeout_ms = 0;
  std::vector<ResolvedNode> nodes;  // in topological order
  std::vector<ResolvedEdge> edges;
};

}  // namespace rtai::engine::graph
