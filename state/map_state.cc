#include "state/map_state.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "rocksdb/write_batch.h"
#include "state/rocksdb_status.h"

namespace rtai::state {
namespace {

// The smallest string greater than every string starting with `prefix`;
// empty if there is none (all 0xFF).
std::string PrefixSuccessor(std::string prefix) {
  while (!prefix.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(prefix.back());
    if (last != 0xFF) {
      ++last;
      return prefix;
    }
    prefix.pop_back();
  }
  return prefix;
}

}  // namespace

absl::StatusOr<bool> MapState::Get(std::string_view key, std::string_view ns,
                                   std::string_view user_key,
                                   std::string* value) {
  MakeKey(key, ns);
  key_buf_.append(user_key);
  rocksdb::PinnableSlice raw;
  bool found;
  RETURN_IF_ERROR(Read(key_buf_, &raw, &found));
  if (!found) return false;
  StoredValue sv;
  if (!ParseSingleValue(std::string_view(raw.data(), raw.size()), &sv)) {
    return absl::DataLossError(
        absl::StrCat("malformed map entry in state ", state_id()));
  }
  if (IsExpired(sv.expiry_ms, NowMs())) return false;
  value->assign(sv.payload.data(), sv.payload.size());
  return true;
}

absl::Status MapState::Put(std::string_view key, std::string_view ns,
                           std::string_view user_key, std::string_view value) {
  MakeKey(key, ns);
  key_buf_.append(user_key);
  value_buf_.clear();
  AppendSingleValue(NewExpiry(), value, &value_buf_);
  return Write(key_buf_, value_buf_);
}

absl::Status MapState::Remove(std::string_view key, std::string_view ns,
                              std::string_view user_key) {
  MakeKey(key, ns);
  key_buf_.append(user_key);
  return Delete(key_buf_);
}

absl::Status MapState::ForEach(
    std::string_view key, std::string_view ns,
    const std::function<bool(std::string_view, std::string_view)>& fn) {
  const std::string prefix = MakeKey(key, ns);
  const std::string upper = PrefixSuccessor(prefix);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro = read_options_;
  if (!upper.empty()) ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(ctx_.db->NewIterator(ro, ctx_.cf));
  const int64_t now = NowMs();
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    const rocksdb::Slice k = it->key();
    if (!k.starts_with(prefix)) break;
    StoredValue sv;
    if (!ParseSingleValue(
            std::string_view(it->value().data(), it->value().size()), &sv)) {
      return absl::DataLossError(
          absl::StrCat("malformed map entry in state ", state_id()));
    }
    if (IsExpired(sv.expiry_ms, now)) continue;
    const std::string_view user_key(k.data() + prefix.size(),
                                    k.size() - prefix.size());
    if (!fn(user_key, sv.payload)) break;
  }
  return FromRocksDb(it->status(), "map iteration");
}

absl::StatusOr<bool> MapState::IsEmpty(std::string_view key,
                                       std::string_view ns) {
  bool empty = true;
  RETURN_IF_ERROR(ForEach(key, ns, [&](std::string_view, std::string_view) {
    empty = false;
    return false;
  }));
  return empty;
}

absl::Status MapState::Clear(std::string_view key, std::string_view ns) {
  const std::string prefix = MakeKey(key, ns);
  // Deletes in bounded batches so a huge map does not build a huge batch.
  constexpr int kDeletesPerBatch = 1024;
  rocksdb::WriteBatch batch;
  std::unique_ptr<rocksdb::Iterator> it(
      ctx_.db->NewIterator(read_options_, ctx_.cf));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
       it->Next()) {
    batch.Delete(ctx_.cf, it->key());
    if (batch.Count() >= kDeletesPerBatch) {
      RETURN_IF_ERROR(
          FromRocksDb(ctx_.db->Write(write_options_, &batch), "map clear"));
      batch.Clear();
    }
  }
  RETURN_IF_ERROR(FromRocksDb(it->status(), "map clear"));
  return FromRocksDb(ctx_.db->Write(write_options_, &batch), "map clear");
}

}  // namespace rtai::state
