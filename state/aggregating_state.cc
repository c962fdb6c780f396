#include "state/aggregating_state.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace rtai::state {

absl::StatusOr<bool> AggregatingState::ReadAccumulator(std::string_view key,
                                                       std::string_view ns,
                                                       std::string* acc) {
  return ReadSingle(key, ns, "accumulator", acc);
}

absl::Status AggregatingState::WriteAccumulator(std::string_view key,
                                                std::string_view ns,
                                                std::string_view acc) {
  return WriteSingle(key, ns, acc);
}

absl::Status AggregatingState::Add(std::string_view key, std::string_view ns,
                                   std::string_view input) {
  ASSIGN_OR_RETURN(bool found, ReadAccumulator(key, ns, &acc_));
  if (!found) acc_ = aggregator_->CreateAccumulator();
  RETURN_IF_ERROR(aggregator_->Add(input, &acc_));
  return WriteAccumulator(key, ns, acc_);
}

absl::StatusOr<bool> AggregatingState::Get(std::string_view key,
                                           std::string_view ns,
                                           std::string* result) {
  ASSIGN_OR_RETURN(bool found, ReadAccumulator(key, ns, &acc_));
  if (!found) return false;
  RETURN_IF_ERROR(aggregator_->GetResult(acc_, result));
  return true;
}

absl::Status AggregatingState::MergeNamespaces(
    std::string_view key, std::string_view target,
    const std::vector<std::string>& sources) {
  ASSIGN_OR_RETURN(bool found, ReadAccumulator(key, target, &acc_));
  bool any = found;
  if (!found) acc_ = aggregator_->CreateAccumulator();
  for (const std::string& src : sources) {
    if (src == target) continue;
    ASSIGN_OR_RETURN(bool has, ReadAccumulator(key, src, &other_));
    if (!has) continue;
    RETURN_IF_ERROR(aggregator_->Merge(other_, &acc_));
    RETURN_IF_ERROR(Clear(key, src));
    any = true;
  }
  if (!any) return absl::OkStatus();
  return WriteAccumulator(key, target, acc_);
}

absl::Status AggregatingState::Clear(std::string_view key,
                                     std::string_view ns) {
  return Delete(MakeKey(key, ns));
}

}  // namespace rtai::state
