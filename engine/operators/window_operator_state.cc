// WindowOperator: the per-key state besides accumulators and timers — each
// key's open sessions (ValueState "sessions": (start i64 BE, end i64 BE) per
// session, ascending) and each key's record count for count windows
// (ValueState "count": i64 BE). Read on first use in a batch or timer scan,
// cached for it (at most kCacheKeys keys) and written back by
// FlushKeyCaches.

#include "absl/strings/str_cat.h"
#include "base/byte_order.h"
#include "base/status_macros.h"
#include "engine/operators/window_operator.h"

namespace rtai::engine::operators {

using window::MergingWindowSet;
using window::TimeWindow;

absl::StatusOr<MergingWindowSet*> WindowOperator::SessionsOf(std::string_view key) {
  const absl::string_view k(key.data(), key.size());
  auto it = session_cache_.find(k);
  if (it != session_cache_.end()) return &it->second;
  if (session_cache_.size() >= kCacheKeys) RETURN_IF_ERROR(FlushKeyCaches());
  it = session_cache_.try_emplace(k, config_.gap_ms).first;
  std::string bytes;
  ASSIGN_OR_RETURN(bool found, sessions_state_->Get(key, "", &bytes));
  if (!found) return &it->second;
  if (bytes.size() % 16 != 0) return absl::DataLossError("window state: bad session list");
  for (size_t i = 0; i < bytes.size(); i += 16) {
    const TimeWindow s{LoadBigEndian<int64_t>(bytes.data() + i),
                       LoadBigEndian<int64_t>(bytes.data() + i + 8)};
    if (absl::Status st = it->second.Restore(s); !st.ok()) {
      return absl::DataLossError(absl::StrCat("window state: ", st.message()));
    }
  }
  return &it->second;
}

absl::StatusOr<int64_t*> WindowOperator::CountOf(std::string_view key) {
  const absl::string_view k(key.data(), key.size());
  auto it = count_cache_.find(k);
  if (it != count_cache_.end()) return &it->second;
  if (count_cache_.size() >= kCacheKeys) RETURN_IF_ERROR(FlushKeyCaches());
  std::string bytes;
  ASSIGN_OR_RETURN(bool found, counts_state_->Get(key, "", &bytes));
  int64_t count = 0;
  if (found) {
    if (bytes.size() != 8) return absl::DataLossError("window state: bad count");
    count = LoadBigEndian<int64_t>(bytes.data());
  }
  return &count_cache_.try_emplace(k, count).first->second;
}

absl::Status WindowOperator::FlushKeyCaches() {
  std::string bytes;
  for (const auto& [key, sessions] : session_cache_) {
    if (sessions.size() == 0) {
      RETURN_IF_ERROR(sessions_state_->Clear(key, ""));
      continue;
    }
    bytes.clear();
    for (const TimeWindow& s : sessions.Sessions()) {
      char b[16];
      StoreBigEndian<int64_t>(b, s.start_ms);
      StoreBigEndian<int64_t>(b + 8, s.end_ms);
      bytes.append(b, 16);
    }
    RETURN_IF_ERROR(sessions_state_->Put(key, "", bytes));
  }
  session_cache_.clear();
  for (const auto& [key, count] : count_cache_) {
    char b[8];
    StoreBigEndian<int64_t>(b, count);
    RETURN_IF_ERROR(counts_state_->Put(key, "", std::string_view(b, 8)));
  }
  count_cache_.clear();
  return absl::OkStatus();
}

}  // namespace rtai::engine::operators
