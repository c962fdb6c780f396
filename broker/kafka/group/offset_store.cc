#include "broker/kafka/group/offset_store.h"

#include <memory>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "base/logging.h"
#include "base/status_macros.h"
#include "broker/kafka/wire.h"
#include "broker/log/record_batch.h"
#include "broker/log/txn_batch.h"

namespace rtai::kafka {
namespace {

constexpr int16_t kKeyVersion = 1;
// Records per appended batch, well under the default max.message.bytes.
constexpr size_t kRecordsPerBatch = 1000;
// Bytes read per fetch while loading.
constexpr int32_t kLoadFetchBytes = 1 << 20;

void PutString(WireWriter& w, const std::string& s) {
  w.WriteInt(static_cast<int16_t>(s.size()));
  w.WriteRaw(s);
}

bool GetString(WireReader& r, std::string* s) {
  int16_t n;
  std::string_view v;
  if (!r.ReadInt(&n).ok() || n < 0 || !r.ReadView(static_cast<size_t>(n), &v).ok()) return false;
  *s = std::string(v);
  return true;
}

absl::StatusOr<broker::FetchResult> FetchNow(broker::Broker* broker, Offset offset) {
  absl::Notification done;
  absl::StatusOr<broker::FetchResult> result;
  broker->Fetch(kOffsetsTopic, PartitionId(0), offset, kLoadFetchBytes, 0,
                [&](absl::StatusOr<broker::FetchResult> r) {
                  result = std::move(r);
                  done.Notify();
                });
  done.WaitForNotification();
  return result;
}

}  // namespace

std::string OffsetStore::EncodeKey(const std::string& group_id,
                                   const GroupCoordinator::TopicPartition& tp) {
  std::string out;
  WireWriter w(&out);
  w.WriteInt(kKeyVersion);
  PutString(w, group_id.substr(0, 0x7fff));
  PutString(w, tp.first.substr(0, 0x7fff));
  w.WriteInt(tp.second);
  return out;
}

std::string OffsetStore::EncodeValue(const CommittedOffset& committed) {
  std::string out;
  WireWriter w(&out);
  w.WriteInt(committed.offset);
  PutString(w, committed.metadata.substr(0, 0x7fff));
  return out;
}

bool OffsetStore::Decode(const std::string& key, const std::string& value,
                         std::string* group_id, GroupCoordinator::TopicPartition* tp,
                         CommittedOffset* committed) {
  WireReader k(key);
  int16_t version;
  if (!k.ReadInt(&version).ok() || version != kKeyVersion) return false;
  if (!GetString(k, group_id) || !GetString(k, &tp->first) || !k.ReadInt(&tp->second).ok() ||
      !k.empty()) {
    return false;
  }
  WireReader v(value);
  return v.ReadInt(&committed->offset).ok() && GetString(v, &committed->metadata) && v.empty();
}

void OffsetStore::LoadBatch(absl::string_view batch, GroupCoordinator* groups,
                            TxnOffsetBuffer* pending, int64_t* applied, int64_t* skipped) {
  absl::StatusOr<broker::BatchHeader> h = broker::ParseBatchHeader(batch);
  if (!h.ok()) return;
  if (h->is_control()) {
    absl::StatusOr<broker::TxnMarker> m = broker::ParseControlBatch(batch);
    if (m.ok() && pending != nullptr) {
      *applied += static_cast<int64_t>(pending->Complete(h->producer_id, m->commit, groups));
    }
    return;
  }
  absl::StatusOr<std::vector<broker::Record>> records = broker::DecodeRecordBatches(batch);
  if (!records.ok()) {
    ++*skipped;
    return;
  }
  const bool transactional = h->is_transactional() && h->producer_id >= 0;
  for (const broker::Record& r : *records) {
    std::string group_id;
    GroupCoordinator::TopicPartition tp;
    CommittedOffset committed;
    if (!r.key.has_value() || !r.value.has_value() ||
        !Decode(*r.key, *r.value, &group_id, &tp, &committed)) {
      ++*skipped;
      continue;
    }
    if (transactional) {
      if (pending != nullptr) pending->Add(h->producer_id, group_id, {{tp, std::move(committed)}});
      continue;
    }
    groups->ApplyCommit(group_id, {{tp, std::move(committed)}});
    ++*applied;
  }
}

absl::StatusOr<int64_t> OffsetStore::Load(GroupCoordinator* groups, TxnOffsetBuffer* pending) {
  absl::Status created = broker_->CreateTopic(kOffsetsTopic, 1, {});
  if (!created.ok() && created.code() != absl::StatusCode::kAlreadyExists) return created;
  ASSIGN_OR_RETURN(broker::PartitionDescription desc,
                   broker_->DescribePartition(kOffsetsTopic, PartitionId(0)));
  int64_t next = desc.log_start_offset.value();
  int64_t applied = 0, skipped = 0;
  while (next < desc.high_watermark.value()) {
    ASSIGN_OR_RETURN(broker::FetchResult fetched, FetchNow(broker_, Offset(next)));
    if (fetched.batches.empty()) break;
    const int64_t before = next;
    absl::string_view rest = fetched.batches;
    while (rest.size() >= static_cast<size_t>(broker::batch_layout::kHeaderSize)) {
      absl::StatusOr<broker::BatchHeader> h = broker::ParseBatchHeader(rest);
      if (!h.ok() || h->size_bytes() > static_cast<int64_t>(rest.size())) break;
      if (h->last_offset() >= next) {
        LoadBatch(rest.substr(0, h->size_bytes()), groups, pending, &applied, &skipped);
        next = h->last_offset() + 1;
      }
      rest.remove_prefix(h->size_bytes());
    }
    if (next == before) break;  // no progress: stop rather than spin
  }
  LogInfo("kafka: consumer offsets loaded",
          {{"records", applied}, {"skipped", skipped}, {"next_offset", next}});
  return applied;
}

void OffsetStore::Append(const std::string& group_id, const Offsets& offsets,
                         absl::AnyInvocable<void(absl::Status)> done) {
  AppendBatches(group_id, offsets, -1, -1, std::move(done));
}

void OffsetStore::AppendTransactional(const std::string& group_id, const Offsets& offsets,
                                      int64_t producer_id, int16_t producer_epoch,
                                      absl::AnyInvocable<void(absl::Status)> done) {
  AppendBatches(group_id, offsets, producer_id, producer_epoch, std::move(done));
}

void OffsetStore::AppendBatches(const std::string& group_id, const Offsets& offsets,
                                int64_t producer_id, int16_t producer_epoch,
                                absl::AnyInvocable<void(absl::Status)> done) {
  struct State {
    absl::Mutex mu;
    int pending ABSL_GUARDED_BY(mu) = 0;
    absl::Status status ABSL_GUARDED_BY(mu);
    absl::AnyInvocable<void(absl::Status)> done;
  };
  if (offsets.empty()) return done(absl::OkStatus());
  auto state = std::make_shared<State>();
  state->done = std::move(done);
  std::vector<std::string> batches;
  for (size_t i = 0; i < offsets.size(); i += kRecordsPerBatch) {
    std::vector<broker::Record> records;
    for (size_t j = i; j < std::min(offsets.size(), i + kRecordsPerBatch); ++j) {
      broker::Record r;
      r.key = EncodeKey(group_id, offsets[j].first);
      r.value = EncodeValue(offsets[j].second);
      r.timestamp_ms = clock_->NowMillis();
      records.push_back(std::move(r));
    }
    batches.push_back(broker::BuildRecordBatch(records));
    if (producer_id >= 0) {
      broker::StampProducer(&batches.back(), producer_id, producer_epoch, -1, true);
    }
  }
  {
    absl::MutexLock lock(&state->mu);
    state->pending = static_cast<int>(batches.size());
  }
  for (std::string& batch : batches) {
    broker_->Produce(kOffsetsTopic, PartitionId(0), std::move(batch), broker::Acks::kAll,
                     [state](absl::StatusOr<broker::AppendInfo> r) {
                       bool last;
                       absl::Status status;
                       {
                         absl::MutexLock lock(&state->mu);
                         if (!r.ok() && state->status.ok()) state->status = r.status();
                         last = --state->pending == 0;
                         status = state->status;
                       }
                       if (last) state->done(status);
                     });
  }
}

}  // namespace rtai::kafka
