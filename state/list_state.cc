#include "state/list_state.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace rtai::state {

absl::Status ListState::Add(std::string_view key, std::string_view ns,
                            std::string_view value) {
  value_buf_.clear();
  AppendListFrame(NewExpiry(), value, &value_buf_);
  return Merge(MakeKey(key, ns), value_buf_);
}

absl::Status ListState::AddAll(std::string_view key, std::string_view ns,
                               const std::vector<std::string>& values) {
  if (values.empty()) return absl::OkStatus();
  value_buf_.clear();
  const int64_t expiry = NewExpiry();
  for (const std::string& v : values) AppendListFrame(expiry, v, &value_buf_);
  return Merge(MakeKey(key, ns), value_buf_);
}

absl::StatusOr<std::vector<std::string>> ListState::Get(std::string_view key,
                                                        std::string_view ns) {
  rocksdb::PinnableSlice raw;
  bool found;
  RETURN_IF_ERROR(Read(MakeKey(key, ns), &raw, &found));
  std::vector<std::string> out;
  if (!found) return out;
  const int64_t now = NowMs();
  std::string_view rest(raw.data(), raw.size());
  StoredValue frame;
  while (!rest.empty()) {
    if (!NextListFrame(&rest, &frame)) {
      return absl::DataLossError(
          absl::StrCat("malformed list in state ", state_id()));
    }
    if (!IsExpired(frame.expiry_ms, now)) out.emplace_back(frame.payload);
  }
  return out;
}

absl::Status ListState::Update(std::string_view key, std::string_view ns,
                               const std::vector<std::string>& values) {
  if (values.empty()) return Clear(key, ns);
  value_buf_.clear();
  const int64_t expiry = NewExpiry();
  for (const std::string& v : values) AppendListFrame(expiry, v, &value_buf_);
  return Write(MakeKey(key, ns), value_buf_);
}

absl::Status ListState::Clear(std::string_view key, std::string_view ns) {
  return Delete(MakeKey(key, ns));
}

}  // namespace rtai::state
