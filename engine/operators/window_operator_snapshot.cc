// WindowOperator::SnapshotState / RestoreState (docs/CHECKPOINTS.md).
// Layout (SnapshotTag::kWindowOperator, version 1):
//   watermark i64 | seq i64
//   keys: count, then per key (sorted by key bytes): key bytes | values:
//     count, Value each | sessions: count, (start, end) each | count i64
//   timers: count, then (time i64, cleanup u8, key bytes, start, end) each

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "engine/operators/window_operator.h"
#include "engine/runtime/snapshot_codec.h"

namespace rtai::engine::operators {

using runtime::SnapshotReader;
using runtime::SnapshotWriter;

namespace {
constexpr uint64_t kMaxKeys = uint64_t{1} << 32;
constexpr uint64_t kMaxKeyBytes = 1 << 20;
}  // namespace

absl::StatusOr<std::string> WindowOperator::SnapshotState(int64_t) {
  SnapshotWriter w(runtime::SnapshotTag::kWindowOperator, 1);
  w.I64(watermark_);
  w.I64(seq_);
  std::vector<const std::string*> keys;
  keys.reserve(keys_.size());
  for (const auto& [k, _] : keys_) keys.push_back(&k);
  std::sort(keys.begin(), keys.end(), [](const std::string* a, const std::string* b) { return *a < *b; });
  w.I64(static_cast<int64_t>(keys.size()));
  for (const std::string* k : keys) {
    const KeyEntry& e = *keys_.at(*k);
    w.Bytes(*k);
    w.I64(static_cast<int64_t>(e.values.size()));
    for (const Value& v : e.values) w.Val(v);
    const std::vector<window::TimeWindow> sessions =
        e.sessions != nullptr ? e.sessions->Sessions() : std::vector<window::TimeWindow>();
    w.I64(static_cast<int64_t>(sessions.size()));
    for (const window::TimeWindow& s : sessions) {
      w.I64(s.start_ms);
      w.I64(s.end_ms);
    }
    w.I64(e.count);
  }
  w.I64(static_cast<int64_t>(timers_.size()));
  for (const Timer& t : timers_) {
    w.I64(t.time);
    w.U8(t.cleanup ? 1 : 0);
    w.Bytes(t.key);
    w.I64(t.window.start_ms);
    w.I64(t.window.end_ms);
  }
  return w.Finish();
}

absl::Status WindowOperator::RestoreState(std::string_view bytes) {
  ASSIGN_OR_RETURN(SnapshotReader r,
                   SnapshotReader::Open(bytes, runtime::SnapshotTag::kWindowOperator, 1));
  keys_.clear();
  timers_.clear();
  RETURN_IF_ERROR(r.I64(&watermark_));
  RETURN_IF_ERROR(r.I64(&seq_));
  uint64_t nkeys = 0;
  RETURN_IF_ERROR(r.Count(&nkeys, kMaxKeys, 8 + 8 + 8 + 8));
  for (uint64_t i = 0; i < nkeys; ++i) {
    std::string_view key;
    RETURN_IF_ERROR(r.Bytes(&key, kMaxKeyBytes));
    uint64_t nvalues = 0;
    RETURN_IF_ERROR(r.Count(&nvalues, config_.key_columns.size(), 2));
    if (nvalues != config_.key_columns.size()) {
      return absl::DataLossError("window snapshot: key width does not match the operator");
    }
    auto entry = std::make_unique<KeyEntry>();
    entry->strings.reserve(nvalues);
    for (uint64_t v = 0; v < nvalues; ++v) {
      Value value;
      RETURN_IF_ERROR(r.Val(&value));
      if (!value.is_null() && (value.type() == TypeId::kString || value.type() == TypeId::kBytes)) {
        entry->strings.emplace_back(value.str());
        value = value.type() == TypeId::kString ? Value::String(entry->strings.back())
                                                : Value::Bytes(entry->strings.back());
      }
      entry->values.push_back(value);
    }
    uint64_t nsessions = 0;
    RETURN_IF_ERROR(r.Count(&nsessions, 10000, 16));
    if (config_.kind == graph::WindowKind::kSession) {
      entry->sessions = std::make_unique<window::MergingWindowSet>(config_.gap_ms);
    } else if (nsessions != 0) {
      return absl::DataLossError("window snapshot: sessions for a non-session window");
    }
    for (uint64_t s = 0; s < nsessions; ++s) {
      int64_t start = 0, end = 0;
      RETURN_IF_ERROR(r.I64(&start));
      RETURN_IF_ERROR(r.I64(&end));
      if (!runtime::EventTimeInRange(start) || !runtime::EventTimeInRange(end)) {
        return absl::DataLossError("window snapshot: session out of range");
      }
      if (absl::Status st = entry->sessions->Restore({start, end}); !st.ok()) {
        return absl::DataLossError(absl::StrCat("window snapshot: ", st.message()));
      }
    }
    RETURN_IF_ERROR(r.I64(&entry->count));
    keys_.emplace(std::string(key), std::move(entry));
  }
  uint64_t ntimers = 0;
  RETURN_IF_ERROR(r.Count(&ntimers, kMaxKeys, 8 + 1 + 8 + 16));
  for (uint64_t i = 0; i < ntimers; ++i) {
    Timer t;
    uint8_t cleanup = 0;
    std::string_view key;
    RETURN_IF_ERROR(r.I64(&t.time));
    RETURN_IF_ERROR(r.U8(&cleanup));
    RETURN_IF_ERROR(r.Bytes(&key, kMaxKeyBytes));
    RETURN_IF_ERROR(r.I64(&t.window.start_ms));
    RETURN_IF_ERROR(r.I64(&t.window.end_ms));
    t.cleanup = cleanup != 0;
    t.key = std::string(key);
    if (!keys_.contains(t.key)) return absl::DataLossError("window snapshot: timer of unknown key");
    AddTimer(std::move(t));
  }
  RETURN_IF_ERROR(r.Done());
  return ArmProcessingTimer();  // processing-time timers are not checkpointed
}

}  // namespace rtai::engine::operators
