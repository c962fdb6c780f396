#include "broker/log/producer_state.h"

#include <limits>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/types/optional.h"

namespace rtai::broker {
namespace {

int32_t NextSequence(int32_t seq) {
  return seq == std::numeric_limits<int32_t>::max() ? 0 : seq + 1;
}

absl::Status ProducerError(const char* kafka_name, const std::string& msg) {
  return MakeProducerError(kafka_name, msg);
}

}  // namespace

absl::Status MakeProducerError(const char* kafka_name, const std::string& msg) {
  absl::Status s = absl::AbortedError(absl::StrCat(kafka_name, ": ", msg));
  s.SetPayload(kProducerErrorPayload, absl::Cord(kafka_name));
  return s;
}

std::string ProducerErrorName(const absl::Status& s) {
  absl::optional<absl::Cord> p = s.GetPayload(kProducerErrorPayload);
  return p.has_value() ? std::string(*p) : std::string();
}

int32_t LastSequence(const BatchHeader& h) {
  const int64_t last = int64_t{h.base_sequence} + h.last_offset_delta;
  const int64_t wrap = int64_t{std::numeric_limits<int32_t>::max()} + 1;
  return static_cast<int32_t>(last % wrap);
}

absl::StatusOr<std::optional<ProducerBatch>> ProducerStateTable::Check(
    const BatchHeader& h) const {
  const std::string who = absl::StrCat("producer ", h.producer_id, " epoch ",
                                       h.producer_epoch, " sequence ",
                                       h.base_sequence);
  if (h.base_sequence < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(who, ": negative baseSequence in an idempotent batch"));
  }
  auto it = producers_.find(h.producer_id);
  if (it == producers_.end()) {
    if (h.base_sequence == 0) return std::nullopt;
    return ProducerError("UNKNOWN_PRODUCER_ID",
                         absl::StrCat(who, ": no state for this producer"));
  }
  const Entry& e = it->second;
  if (h.producer_epoch < e.epoch) {
    return ProducerError(
        "INVALID_PRODUCER_EPOCH",
        absl::StrCat(who, ": older than the current epoch ", e.epoch));
  }
  if (h.producer_epoch > e.epoch) {
    if (h.base_sequence == 0) return std::nullopt;
    return ProducerError("OUT_OF_ORDER_SEQUENCE_NUMBER",
                         absl::StrCat(who, ": a new epoch starts at 0"));
  }
  const int32_t last = LastSequence(h);
  for (const ProducerBatch& b : e.batches) {
    if (b.first_sequence == h.base_sequence && b.last_sequence == last) {
      return std::optional<ProducerBatch>(b);
    }
  }
  if (e.batches.empty() ||
      h.base_sequence == NextSequence(e.batches.back().last_sequence)) {
    return std::nullopt;
  }
  return ProducerError(
      "OUT_OF_ORDER_SEQUENCE_NUMBER",
      absl::StrCat(who, ": expected ",
                   NextSequence(e.batches.back().last_sequence)));
}

void ProducerStateTable::Record(const BatchHeader& h) {
  if (h.producer_id < 0) return;
  auto it = producers_.find(h.producer_id);
  if (it == producers_.end()) {
    if (producers_.size() >= max_producers_) EvictOldest();
    it = producers_.emplace(h.producer_id, Entry{}).first;
  }
  Entry& e = it->second;
  if (h.producer_epoch != e.epoch) {
    e.epoch = h.producer_epoch;
    e.batches.clear();
  }
  e.batches.push_back(ProducerBatch{h.base_sequence, LastSequence(h),
                                    h.base_offset, h.last_offset(),
                                    h.max_timestamp});
  while (e.batches.size() > kMaxCachedBatches) e.batches.pop_front();
  e.last_offset = h.last_offset();
}

void ProducerStateTable::EvictOldest() {
  auto oldest = producers_.begin();
  for (auto it = producers_.begin(); it != producers_.end(); ++it) {
    if (it->second.last_offset < oldest->second.last_offset) oldest = it;
  }
  if (oldest != producers_.end()) producers_.erase(oldest);
}

}  // namespace rtai::broker
