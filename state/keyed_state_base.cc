#include "state/keyed_state_base.h"

#include "absl/strings/str_cat.h"
#include "base/check.h"
#include "base/status_macros.h"
#include "state/key_group.h"
#include "state/rocksdb_status.h"

namespace rtai::state {

KeyedStateBase::KeyedStateBase(const StateContext& ctx) : ctx_(ctx) {
  CHECK(ctx_.db != nullptr && ctx_.cf != nullptr && ctx_.clock != nullptr);
  write_options_.disableWAL = !ctx_.use_wal;
  write_options_.sync = ctx_.use_wal && ctx_.sync_writes;
}

const std::string& KeyedStateBase::MakeKey(std::string_view key,
                                           std::string_view ns) {
  key_buf_.clear();
  AppendStateKey(KeyGroupForKey(key, ctx_.max_parallelism), ctx_.state_id, key,
                 ns, &key_buf_);
  return key_buf_;
}

absl::Status KeyedStateBase::Read(const std::string& k,
                                  rocksdb::PinnableSlice* value, bool* found) {
  rocksdb::Status s = ctx_.db->Get(read_options_, ctx_.cf, k, value);
  *found = s.ok();
  if (s.IsNotFound()) return absl::OkStatus();
  return FromRocksDb(s, "get");
}

absl::Status KeyedStateBase::Write(const std::string& k,
                                   std::string_view value) {
  return FromRocksDb(ctx_.db->Put(write_options_, ctx_.cf, k,
                                  rocksdb::Slice(value.data(), value.size())),
                     "put");
}

absl::Status KeyedStateBase::Merge(const std::string& k,
                                   std::string_view operand) {
  return FromRocksDb(
      ctx_.db->Merge(write_options_, ctx_.cf, k,
                     rocksdb::Slice(operand.data(), operand.size())),
      "merge");
}

absl::Status KeyedStateBase::Delete(const std::string& k) {
  return FromRocksDb(ctx_.db->Delete(write_options_, ctx_.cf, k), "delete");
}

absl::StatusOr<bool> KeyedStateBase::ReadSingle(std::string_view key,
                                                std::string_view ns,
                                                const char* what,
                                                std::string* out) {
  rocksdb::PinnableSlice raw;
  bool found;
  RETURN_IF_ERROR(Read(MakeKey(key, ns), &raw, &found));
  if (!found) return false;
  StoredValue sv;
  if (!ParseSingleValue(std::string_view(raw.data(), raw.size()), &sv)) {
    return absl::DataLossError(
        absl::StrCat("malformed ", what, " in state ", state_id()));
  }
  if (IsExpired(sv.expiry_ms, NowMs())) return false;
  out->assign(sv.payload.data(), sv.payload.size());
  return true;
}

absl::Status KeyedStateBase::WriteSingle(std::string_view key,
                                         std::string_view ns,
                                         std::string_view payload) {
  value_buf_.clear();
  AppendSingleValue(NewExpiry(), payload, &value_buf_);
  return Write(MakeKey(key, ns), value_buf_);
}

}  // namespace rtai::state
