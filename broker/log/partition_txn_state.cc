#include "broker/log/partition_txn_state.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "broker/log/producer_state.h"

namespace rtai::broker {
namespace {

std::string Who(const BatchHeader& h) {
  return absl::StrCat("producer ", h.producer_id, " epoch ", h.producer_epoch);
}

}  // namespace

absl::Status PartitionTxnState::Begin(int64_t producer_id, int16_t epoch) {
  auto it = producers_.find(producer_id);
  if (it == producers_.end()) {
    if (producers_.size() >= max_producers_ && !EvictOne()) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "partition has ", producers_.size(),
          " producers with open transactions; the limit is ", max_producers_));
    }
    it = producers_.emplace(producer_id, Producer{}).first;
  }
  Producer& p = it->second;
  if (epoch < p.epoch) {
    return MakeProducerError(
        "INVALID_PRODUCER_EPOCH",
        absl::StrCat("producer ", producer_id, " epoch ", epoch,
                     " is older than the partition's epoch ", p.epoch));
  }
  p.epoch = epoch;
  p.armed = true;
  return absl::OkStatus();
}

absl::Status PartitionTxnState::CheckData(const BatchHeader& h) const {
  auto it = producers_.find(h.producer_id);
  const Producer* p = it == producers_.end() ? nullptr : &it->second;
  if (p != nullptr && h.producer_epoch < p->epoch) {
    return MakeProducerError(
        "INVALID_PRODUCER_EPOCH",
        absl::StrCat(Who(h), ": fenced by epoch ", p->epoch));
  }
  if (!h.is_transactional()) {
    if (p != nullptr && p->open_first >= 0) {
      return MakeProducerError(
          "INVALID_TXN_STATE",
          absl::StrCat(Who(h), ": non-transactional write while its "
                               "transaction is open in this partition"));
    }
    return absl::OkStatus();
  }
  if (p == nullptr || !p->armed || p->epoch != h.producer_epoch) {
    return MakeProducerError(
        "INVALID_TXN_STATE",
        absl::StrCat(Who(h), ": partition not added to an ongoing "
                             "transaction (never added, or already ended)"));
  }
  return absl::OkStatus();
}

absl::Status PartitionTxnState::CheckMarker(const BatchHeader& h) const {
  auto it = producers_.find(h.producer_id);
  if (it != producers_.end() && h.producer_epoch < it->second.epoch) {
    return MakeProducerError(
        "INVALID_PRODUCER_EPOCH",
        absl::StrCat(Who(h), ": marker older than epoch ", it->second.epoch));
  }
  return absl::OkStatus();
}

void PartitionTxnState::OnData(const BatchHeader& h) {
  if (h.producer_id < 0 || !h.is_transactional()) return;
  Producer& p = producers_[h.producer_id];
  p.epoch = std::max(p.epoch, h.producer_epoch);
  if (p.open_first < 0) {
    p.open_first = h.base_offset;
    open_.emplace(h.base_offset, h.producer_id);
  }
}

void PartitionTxnState::OpenAt(int64_t producer_id, int16_t epoch,
                               int64_t offset) {
  Producer& p = producers_[producer_id];
  p.epoch = std::max(p.epoch, epoch);
  if (p.open_first >= 0) open_.erase({p.open_first, producer_id});
  p.open_first = offset;
  open_.emplace(offset, producer_id);
}

bool PartitionTxnState::IsOpen(int64_t producer_id) const {
  auto it = producers_.find(producer_id);
  return it != producers_.end() && it->second.open_first >= 0;
}

std::optional<int64_t> PartitionTxnState::OnMarker(const BatchHeader& h) {
  Producer& p = producers_[h.producer_id];
  p.epoch = std::max(p.epoch, h.producer_epoch);
  p.armed = false;
  if (p.open_first < 0) return std::nullopt;
  const int64_t first = p.open_first;
  open_.erase({first, h.producer_id});
  p.open_first = -1;
  return first;
}

std::optional<int64_t> PartitionTxnState::FirstUnstableOffset() const {
  if (open_.empty()) return std::nullopt;
  return open_.begin()->first;
}

bool PartitionTxnState::EvictOne() {
  for (auto it = producers_.begin(); it != producers_.end(); ++it) {
    if (it->second.open_first < 0 && !it->second.armed) {
      producers_.erase(it);
      return true;
    }
  }
  return false;
}

}  // namespace rtai::broker
