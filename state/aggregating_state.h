#pragma once
// AggregatingState: one accumulator per (key, namespace), updated by a
// StateAggregator (read-modify-write of the accumulator bytes). Get returns
// the aggregate result. Thread safety and lifetime: keyed_state_base.h; the
// aggregator must outlive the state.

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "state/keyed_state_base.h"

namespace rtai::state {

// Accumulator logic over serialized accumulators. Implementations must be
// deterministic; they return kDataLoss/kInvalidArgument for malformed bytes.
class StateAggregator {
 public:
  virtual ~StateAggregator() = default;
  virtual std::string CreateAccumulator() const = 0;
  virtual absl::Status Add(std::string_view input, std::string* acc) const = 0;
  // Folds `other` into `acc` (window merging).
  virtual absl::Status Merge(std::string_view other,
                             std::string* acc) const = 0;
  virtual absl::Status GetResult(std::string_view acc,
                                 std::string* result) const = 0;
};

class AggregatingState : public KeyedStateBase {
 public:
  AggregatingState(const StateContext& ctx, const StateAggregator* aggregator)
      : KeyedStateBase(ctx), aggregator_(aggregator) {}

  absl::Status Add(std::string_view key, std::string_view ns,
                   std::string_view input);
  // The result into *result and true; false if nothing was added (or expired).
  absl::StatusOr<bool> Get(std::string_view key, std::string_view ns,
                           std::string* result);
  // Merges the accumulators of `sources` into `target` and clears the sources
  // (session windows merging). Sources without state are skipped.
  absl::Status MergeNamespaces(std::string_view key, std::string_view target,
                               const std::vector<std::string>& sources);
  absl::Status Clear(std::string_view key, std::string_view ns);

 private:
  // Reads the live accumulator of (key, ns) into *acc; false if none.
  absl::StatusOr<bool> ReadAccumulator(std::string_view key,
                                       std::string_view ns, std::string* acc);
  absl::Status WriteAccumulator(std::string_view key, std::string_view ns,
                                std::string_view acc);

  const StateAggregator* aggregator_;
  std::string acc_;
  std::string other_;
};

}  // namespace rtai::state
