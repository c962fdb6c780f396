#include "state/value_state.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace rtai::state {

absl::StatusOr<bool> ValueState::Get(std::string_view key, std::string_view ns,
                                     std::string* value) {
  rocksdb::PinnableSlice raw;
  bool found;
  RETURN_IF_ERROR(Read(MakeKey(key, ns), &raw, &found));
  if (!found) return false;
  StoredValue sv;
  if (!ParseSingleValue(std::string_view(raw.data(), raw.size()), &sv)) {
    return absl::DataLossError(
        absl::StrCat("malformed value in state ", state_id()));
  }
  if (IsExpired(sv.expiry_ms, NowMs())) return false;
  value->assign(sv.payload.data(), sv.payload.size());
  return true;
}

absl::Status ValueState::Put(std::string_view key, std::string_view ns,
                             std::string_view value) {
  value_buf_.clear();
  AppendSingleValue(NewExpiry(), value, &value_buf_);
  return Write(MakeKey(key, ns), value_buf_);
}

absl::Status ValueState::Clear(std::string_view key, std::string_view ns) {
  return Delete(MakeKey(key, ns));
}

}  // namespace rtai::state
