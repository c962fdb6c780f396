#pragma once
// Typed, validated configurations of the built-in operators (docs/JOBS.md).
// Produced by the validator from a node's JSON config; consumed by the
// runtime to instantiate operators. Plain values; copyable.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "engine/expr/row_functions.h"
#include "engine/ml/operators/ml_configs.h"
#include "engine/record/type.h"

namespace rtai::engine::graph {

// kCommitted: the consumer group's committed offset; partitions without one
// (or with one outside the log) start at SourceConfig::reset.
enum class StartPosition { kEarliest, kLatest, kCommitted };
enum class EventFormat { kJson, kCsv, kRaw };  // kRaw: sources only

// broker_source v1: reads a topic, decodes values into an event schema.
struct SourceConfig {
  std::string topic;
  std::vector<int32_t> partitions;  // empty = all
  StartPosition start = StartPosition::kEarliest;
  EventFormat format = EventFormat::kJson;
  std::string schema;                // name of an event schema
  int event_time_column = -1;        // -1 = the broker record timestamp
  std::string dead_letter_topic;     // "" = malformed events only counted
  char csv_delimiter = ',';
  bool ignore_unknown_fields = true;
  bool bounded = false;              // stop at the end offsets seen at start
  // Kafka consumer group whose committed offsets the source starts from
  // (start kCommitted) and commits to; "" = none.
  std::string group;
  StartPosition reset = StartPosition::kEarliest;  // kEarliest or kLatest
  int64_t commit_interval_ms = 5000;  // commits when checkpointing is off
};

// parse v1: decodes a bytes/string column (a raw source's `value`) into an
// event schema; malformed values go to the dead-letter topic.
struct ParseConfig {
  EventFormat format = EventFormat::kJson;
  std::string schema;
  int column = -1;               // input column holding the encoded event
  int event_time_column = -1;    // in the output; -1 = keep the input time
  std::string dead_letter_topic;
  char csv_delimiter = ',';
  bool ignore_unknown_fields = true;
};

struct FilterConfig {
  std::string predicate;
};

struct MapConfig {
  std::vector<expr::NamedExpression> fields;
};

struct KeyByConfig {
  std::vector<std::string> key;  // expressions
};

enum class WindowKind { kTumbling, kSliding, kSession, kCount };
enum class AggregateFn {
  kCount, kSum, kMin, kMax, kAvg, kStddev, kFirst, kLast, kApproxDistinct
};

struct AggregateSpec {
  std::string name;       // output column
  AggregateFn fn;
  std::string expr;       // "" only for count (counts rows)
  TypeId input_type = TypeId::kNull;
  TypeId output_type = TypeId::kInt64;
};

struct WindowConfig {
  WindowKind kind = WindowKind::kTumbling;
  int64_t size_ms = 0;     // tumbling, sliding
  int64_t slide_ms = 0;    // sliding
  int64_t gap_ms = 0;      // session
  int64_t count = 0;       // count
  std::vector<std::string> key;  // column names of the input
  std::vector<int> key_columns;
  std::vector<AggregateSpec> aggregates;
  int64_t allowed_lateness_ms = 0;
  // "time": "processing": records are assigned by the task clock at arrival
  // and windows fire by processing-time timers, not watermarks.
  bool processing_time = false;
};

struct UnionConfig {};

// interval_join v1: pairs left and right records with equal keys and
// right.ts in [left.ts + lower_bound_ms, left.ts + upper_bound_ms].
struct IntervalJoinConfig {
  std::vector<std::string> left_key;   // column names of input 0
  std::vector<std::string> right_key;  // column names of input 1
  std::vector<int> left_columns;
  std::vector<int> right_columns;
  int64_t lower_bound_ms = 0;
  int64_t upper_bound_ms = 0;
};

struct SinkConfig {
  std::string topic;
  std::string key;  // expression; "" = no key
};

struct BlackholeConfig {};

// nexmark_source v1: generates the Nexmark event mix in process
// (engine/nexmark; output schema NexmarkGenerator::EventSchema()).
struct NexmarkSourceConfig {
  int64_t events = 0;  // total over all subtasks; 0 = unbounded
  uint64_t seed = 42;
  int64_t events_per_second = 10'000;  // of event time
  int64_t base_time_ms = 1'700'000'000'000;
};

using OperatorConfig =
    std::variant<SourceConfig, ParseConfig, FilterConfig, MapConfig, KeyByConfig,
                 WindowConfig, UnionConfig, IntervalJoinConfig, SinkConfig,
                 BlackholeConfig, NexmarkSourceConfig, ml::ops::RollingFeaturesConfig,
                 ml::ops::ScoreConfig, ml::ops::LearnConfig,
                 ml::ops::ChampionChallengerConfig, ml::ops::DriftConfig>;

std::string_view AggregateFnName(AggregateFn fn);

}  // namespace rtai::engine::graph
