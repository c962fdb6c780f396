#include "state/ttl_compaction_filter.h"

#include "state/state_format.h"

namespace rtai::state {
namespace {

std::string_view View(const rocksdb::Slice& s) {
  return std::string_view(s.data(), s.size());
}

bool IsListValue(std::string_view v) {
  return !v.empty() && (static_cast<uint8_t>(v[0]) == kTagListPlain ||
                        static_cast<uint8_t>(v[0]) == kTagListTtl);
}

}  // namespace

bool TtlCompactionFilter::Filter(int, const rocksdb::Slice& key,
                                 const rocksdb::Slice& value,
                                 std::string* new_value,
                                 bool* value_changed) const {
  if (IsMetadataKey(View(key))) return false;
  const int64_t now = clock_->NowMillis();
  std::string_view v = View(value);
  if (!IsListValue(v)) {
    StoredValue sv;
    return ParseSingleValue(v, &sv) && IsExpired(sv.expiry_ms, now);
  }
  // A list: keep the live frames.
  std::string_view rest = v;
  bool any_expired = false;
  size_t live = 0;
  StoredValue frame;
  while (!rest.empty()) {
    if (!NextListFrame(&rest, &frame)) return false;  // malformed: keep as is
    if (IsExpired(frame.expiry_ms, now)) {
      any_expired = true;
    } else {
      ++live;
    }
  }
  if (!any_expired) return false;
  if (live == 0) return true;
  new_value->clear();
  rest = v;
  while (!rest.empty() && NextListFrame(&rest, &frame)) {
    if (!IsExpired(frame.expiry_ms, now))
      AppendListFrame(frame.expiry_ms, frame.payload, new_value);
  }
  *value_changed = true;
  return false;
}

bool TtlCompactionFilter::FilterMergeOperand(
    int, const rocksdb::Slice& key, const rocksdb::Slice& operand) const {
  if (IsMetadataKey(View(key))) return false;
  const int64_t now = clock_->NowMillis();
  std::string_view rest = View(operand);
  StoredValue frame;
  if (rest.empty()) return false;
  while (!rest.empty()) {
    if (!NextListFrame(&rest, &frame)) return false;
    if (!IsExpired(frame.expiry_ms, now)) return false;
  }
  return true;
}

}  // namespace rtai::state
