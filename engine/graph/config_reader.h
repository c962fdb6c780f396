#pragma once
// ConfigReader: typed, validated access to a node's `config` Struct.
//
// Every error is kInvalidArgument and names the node and the field:
//   node `win` (window_aggregate): config field `size_ms` is required
//   node `win` (window_aggregate): config field `size_ms` must be an integer, got string
// Unknown fields are rejected by Finish() so typos do not pass silently.
// Not thread-safe; borrows the Struct (must outlive the reader).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/struct.pb.h"

namespace rtai::engine::graph {

class ConfigReader {
 public:
  ConfigReader(std::string context, const google::protobuf::Struct* config)
      : context_(std::move(context)), config_(config) {}

  // Required fields: kInvalidArgument if absent or ill-typed.
  absl::StatusOr<std::string> String(const std::string& name);
  absl::StatusOr<int64_t> Int(const std::string& name);
  // Optional fields: `fallback` if absent; kInvalidArgument if ill-typed.
  absl::StatusOr<std::string> String(const std::string& name,
                                     const std::string& fallback);
  absl::StatusOr<int64_t> Int(const std::string& name, int64_t fallback);
  absl::StatusOr<bool> Bool(const std::string& name, bool fallback);
  // A finite number.
  absl::StatusOr<double> Double(const std::string& name, double fallback);
  // A list of strings; `required` means present and non-empty.
  absl::StatusOr<std::vector<std::string>> StringList(const std::string& name,
                                                      bool required);
  absl::StatusOr<std::vector<int64_t>> IntList(const std::string& name);
  // A list of objects, each read with its own ConfigReader (context
  // "<context> config field `name`[i]").
  absl::StatusOr<std::vector<const google::protobuf::Struct*>> ObjectList(
      const std::string& name, bool required);
  absl::StatusOr<const google::protobuf::Struct*> Object(
      const std::string& name);  // required
  bool Has(const std::string& name) const;

  // kInvalidArgument naming the first field no accessor asked for.
  absl::Status Finish() const;

  // "<context>: config field `name` <message>".
  absl::Status Error(const std::string& name, const std::string& message) const;
  const std::string& context() const { return context_; }

 private:
  const google::protobuf::Value* Find(const std::string& name);

  std::string context_;
  const google::protobuf::Struct* config_;
  absl::flat_hash_set<std::string> seen_;
};

}  // namespace rtai::engine::graph
