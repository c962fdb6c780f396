#include "state/timer_service.h"

#include <algorithm>
#include <memory>
#include <queue>

#include "absl/strings/str_cat.h"
#include "base/byte_order.h"
#include "base/check.h"
#include "base/status_macros.h"
#include "state/key_group.h"
#include "state/rocksdb_status.h"
#include "state/state_format.h"

namespace rtai::state {
namespace {

constexpr size_t kPrefixBytes = 4;                  // key group, state id
constexpr size_t kFixedBytes = kPrefixBytes + 8 + 4;  // + time, key length
constexpr uint64_t kSignBit = 1ull << 63;
const char kTimerValue[1] = {static_cast<char>(kTagPlain)};

void PutPrefix(uint16_t kg, uint16_t state_id, std::string* out) {
  char b[4];
  StoreBigEndian<uint16_t>(b, kg);
  StoreBigEndian<uint16_t>(b + 2, state_id);
  out->append(b, 4);
}

void PutTime(int64_t time, std::string* out) {
  char b[8];
  StoreBigEndian<uint64_t>(b, static_cast<uint64_t>(time) ^ kSignBit);
  out->append(b, 8);
}

int64_t TimeOf(std::string_view raw) {
  return static_cast<int64_t>(LoadBigEndian<uint64_t>(raw.data() + kPrefixBytes) ^ kSignBit);
}

std::string_view View(const rocksdb::Slice& s) { return std::string_view(s.data(), s.size()); }

}  // namespace

// The due timers of one key group, loaded a chunk at a time.
struct TimerService::Cursor {
  uint16_t kg = 0;
  std::vector<std::string> keys;  // raw RocksDB keys, ascending
  size_t pos = 0;
  bool more = false;             // the chunk was full: reload after keys.back()
  int64_t stop_time = kNoTimer;  // first timer after the due ones
  int64_t from = INT64_MIN;      // no timer of the group is earlier
  size_t deleted = 0;            // keys[0, deleted) are deleted
};

// Deletes the popped timers keys[deleted, pos): one range deletion for a
// long run (timers tend to fire in bulk, e.g. at a window end), point
// deletions otherwise or when fn registered a timer that may lie inside the
// run.
void TimerService::DeletePopped(Cursor* c) {
  const size_t n = c->pos - c->deleted;
  if (n == 0) return;
  if (n >= kRangeDeleteMin && !dirty_.contains(c->kg)) {
    std::string end = c->keys[c->pos - 1];
    end.push_back('\0');  // just after the last popped key
    batch_.DeleteRange(ctx_.cf, c->keys[c->deleted], end);
  } else {
    for (size_t i = c->deleted; i < c->pos; ++i) batch_.Delete(ctx_.cf, c->keys[i]);
  }
  c->deleted = c->pos;
}

TimerService::TimerService(const StateContext& ctx, TimerServiceOptions options)
    : ctx_(ctx), options_(options), head_(ctx.max_parallelism, kNoTimer) {
  CHECK(ctx_.db != nullptr && ctx_.cf != nullptr);
  write_options_.disableWAL = !ctx_.use_wal;
  write_options_.sync = ctx_.use_wal && ctx_.sync_writes;
}

void TimerService::AppendRawKey(uint16_t kg, int64_t time, std::string_view key,
                                std::string_view ns, std::string* out) const {
  PutPrefix(kg, ctx_.state_id, out);
  PutTime(time, out);
  out->append(key);
  out->append(ns);
  char b[4];
  StoreBigEndian<uint32_t>(b, static_cast<uint32_t>(key.size()));
  out->append(b, 4);
}

void TimerService::SetHead(uint16_t kg, int64_t time) {
  if (time >= head_[kg]) return;
  if (head_[kg] != kNoTimer) heads_.erase({head_[kg], kg});
  head_[kg] = time;
  heads_.insert({time, kg});
}

absl::Status TimerService::Init() {
  RETURN_IF_ERROR(Flush());
  heads_.clear();
  std::fill(head_.begin(), head_.end(), kNoTimer);
  std::unique_ptr<rocksdb::Iterator> it(ctx_.db->NewIterator(rocksdb::ReadOptions(), ctx_.cf));
  std::string seek;
  uint32_t kg = 0;
  while (kg < ctx_.max_parallelism) {
    seek.clear();
    PutPrefix(static_cast<uint16_t>(kg), ctx_.state_id, &seek);
    it->Seek(seek);
    if (!it->Valid()) break;
    const std::string_view k = View(it->key());
    if (k.size() < kPrefixBytes) return absl::DataLossError("timers: short key");
    const uint32_t found_kg = LoadBigEndian<uint16_t>(k.data());
    if (found_kg > kg) {
      kg = found_kg;  // the groups in between hold nothing
      continue;
    }
    if (k.compare(0, kPrefixBytes, seek) == 0) {
      if (k.size() < kFixedBytes) return absl::DataLossError("timers: short timer key");
      SetHead(static_cast<uint16_t>(kg), TimeOf(k));
    }
    ++kg;
  }
  return FromRocksDb(it->status(), "timers: init");
}

absl::Status TimerService::MaybeWrite() {
  if (static_cast<size_t>(batch_.Count()) < options_.batch_ops_max) return absl::OkStatus();
  return WriteBatch();
}

absl::Status TimerService::WriteBatch() {
  if (batch_.Count() == 0) return absl::OkStatus();
  rocksdb::Status s = ctx_.db->Write(write_options_, &batch_);
  batch_.Clear();
  return FromRocksDb(s, "timers: write");
}

void TimerService::Spill() {
  std::string raw;
  for (const auto& [suffix, kg] : mem_) {
    raw.clear();
    PutPrefix(kg, ctx_.state_id, &raw);
    raw.append(suffix);
    batch_.Put(ctx_.cf, raw, rocksdb::Slice(kTimerValue, 1));
    const int64_t t = TimeOf(raw);
    if (t <= popping_up_to_) dirty_.insert(kg);
    SetHead(kg, t);
  }
  mem_.clear();
}

absl::Status TimerService::Flush() {
  Spill();
  return WriteBatch();
}

absl::Status TimerService::FlushWrites() { return WriteBatch(); }

void TimerService::ForEachMemoryTimer(const std::function<void(const Timer&)>& fn) const {
  for (const auto& [suffix, kg] : mem_) {
    // suffix = time u64 | key | namespace | key length u32 (AppendRawKey).
    const std::string_view s(suffix);
    const uint32_t key_len = LoadBigEndian<uint32_t>(s.data() + s.size() - 4);
    const std::string_view body = s.substr(8, s.size() - 8 - 4);
    Timer t;
    t.time = static_cast<int64_t>(LoadBigEndian<uint64_t>(s.data()) ^ kSignBit);
    t.key = body.substr(0, key_len);
    t.ns = body.substr(key_len);
    fn(t);
  }
}

absl::Status TimerService::Register(int64_t time, std::string_view key, std::string_view ns) {
  if (key.size() > UINT32_MAX) return absl::InvalidArgumentError("timers: key too long");
  const uint16_t kg = KeyGroupForKey(key, ctx_.max_parallelism);
  key_buf_.clear();
  AppendRawKey(kg, time, key, ns, &key_buf_);
  if (dedupe_.contains(key_buf_)) return absl::OkStatus();  // in RocksDB already
  if (options_.memory_timers > 0) {
    // In memory until a spill or Flush; a copy that is also in RocksDB pops
    // once (PopUpTo skips the duplicate).
    if (mem_.size() >= options_.memory_timers && popping_up_to_ == kNotPopping) {
      Spill();
      RETURN_IF_ERROR(MaybeWrite());
    }
    mem_.emplace(key_buf_.substr(kPrefixBytes), kg);
    return absl::OkStatus();
  }
  if (dedupe_.size() >= options_.dedupe_entries) dedupe_.clear();
  dedupe_.insert(key_buf_);
  if (time <= popping_up_to_) dirty_.insert(kg);
  batch_.Put(ctx_.cf, key_buf_, rocksdb::Slice(kTimerValue, 1));
  SetHead(kg, time);
  return MaybeWrite();
}

absl::Status TimerService::Delete(int64_t time, std::string_view key, std::string_view ns) {
  const uint16_t kg = KeyGroupForKey(key, ctx_.max_parallelism);
  key_buf_.clear();
  AppendRawKey(kg, time, key, ns, &key_buf_);
  mem_.erase({key_buf_.substr(kPrefixBytes), kg});
  dedupe_.erase(key_buf_);
  batch_.Delete(ctx_.cf, key_buf_);  // it may be in RocksDB too
  return MaybeWrite();
}

int64_t TimerService::EarliestTime() const {
  int64_t t = heads_.empty() ? kNoTimer : heads_.begin()->first;
  if (!mem_.empty()) {
    t = std::min(t, static_cast<int64_t>(LoadBigEndian<uint64_t>(mem_.begin()->first.data()) ^
                                         kSignBit));
  }
  return t;
}

absl::Status TimerService::Load(int64_t up_to, size_t chunk, Cursor* c) {
  std::string prefix;
  PutPrefix(c->kg, ctx_.state_id, &prefix);
  // Bounded to this group's timers: the iterator never walks into (the
  // tombstones of) the next state or group.
  std::string upper;
  PutPrefix(c->kg, static_cast<uint16_t>(ctx_.state_id + 1), &upper);
  const rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(ctx_.db->NewIterator(ro, ctx_.cf));
  if (c->keys.empty()) {
    std::string seek = prefix;
    PutTime(c->from, &seek);
    it->Seek(seek);
  } else {
    it->Seek(c->keys.back());
    if (it->Valid() && View(it->key()) == c->keys.back()) it->Next();
  }
  c->keys.clear();
  c->pos = 0;
  c->deleted = 0;
  c->more = false;
  c->stop_time = kNoTimer;
  for (; it->Valid(); it->Next()) {
    const std::string_view k = View(it->key());
    if (k.compare(0, kPrefixBytes, prefix) != 0) break;
    if (k.size() < kFixedBytes) return absl::DataLossError("timers: short timer key");
    const int64_t t = TimeOf(k);
    if (t > up_to) {
      c->stop_time = t;
      break;
    }
    if (c->keys.size() == chunk) {
      c->more = true;
      break;
    }
    c->keys.emplace_back(k);
  }
  return FromRocksDb(it->status(), "timers: scan");
}

// Decodes a timer from its key without group and state id and calls fn.
absl::Status TimerService::Fire(std::string_view sfx, const Callback& fn) {
  const uint32_t key_len = LoadBigEndian<uint32_t>(sfx.data() + sfx.size() - 4);
  if (key_len > sfx.size() - 12) return absl::DataLossError("timers: bad key length");
  const Timer t{static_cast<int64_t>(LoadBigEndian<uint64_t>(sfx.data()) ^ kSignBit),
                sfx.substr(8, key_len), sfx.substr(8 + key_len, sfx.size() - 12 - key_len)};
  return fn(t);
}

std::vector<TimerService::Cursor> TimerService::TakeDueGroups(int64_t time) {
  std::vector<Cursor> cursors;
  for (auto h = heads_.begin(); h != heads_.end() && h->first <= time; ++h) {
    Cursor c;
    c.kg = h->second;
    c.from = h->first;
    cursors.push_back(std::move(c));
  }
  // The due groups leave the head index while they are scanned; each goes
  // back with its next timer (or with fn's new registrations) when done.
  for (const Cursor& c : cursors) {
    heads_.erase({head_[c.kg], c.kg});
    head_[c.kg] = kNoTimer;
  }
  return cursors;
}

absl::Status TimerService::PopUpTo(int64_t time, const Callback& fn) {
  RETURN_IF_ERROR(WriteBatch());
  auto mem_due = [&] {
    return !mem_.empty() &&
           static_cast<int64_t>(LoadBigEndian<uint64_t>(mem_.begin()->first.data()) ^ kSignBit) <=
               time;
  };
  if ((heads_.empty() || heads_.begin()->first > time) && !mem_due()) return absl::OkStatus();
  std::vector<Cursor> cursors = TakeDueGroups(time);
  popping_up_to_ = time;
  dirty_.clear();
  const size_t chunk = std::max<size_t>(16, kScanBudget / std::max<size_t>(1, cursors.size()));
  auto suffix = [&](size_t i) {
    return std::string_view(cursors[i].keys[cursors[i].pos]).substr(kPrefixBytes);
  };
  auto later = [&](size_t a, size_t b) { return suffix(a) > suffix(b); };
  std::priority_queue<size_t, std::vector<size_t>, decltype(later)> heap(later);
  absl::Status status;
  for (size_t i = 0; i < cursors.size() && status.ok(); ++i) {
    status = Load(time, chunk, &cursors[i]);
    if (!cursors[i].keys.empty()) heap.push(i);
  }
  std::string last;  // suffix of the last timer fired: its copy is skipped
  std::pair<std::string, uint16_t> from_mem;
  while (status.ok()) {
    const bool db = !heap.empty();
    const bool mem = mem_due();
    if (!db && !mem) break;
    const bool use_mem = mem && (!db || mem_.begin()->first < suffix(heap.top()));
    size_t index = 0;
    std::string_view sfx;
    if (use_mem) {
      from_mem = std::move(mem_.extract(mem_.begin()).value());
      sfx = from_mem.first;
    } else {
      index = heap.top();
      heap.pop();
      sfx = suffix(index);
    }
    if (sfx != last) {
      status = Fire(sfx, fn);
      if (!status.ok()) {  // this timer stays
        if (use_mem) mem_.insert(std::move(from_mem));
        else heap.push(index);
        break;
      }
      last.assign(sfx);
    }
    if (use_mem) continue;
    Cursor& c = cursors[index];
    dedupe_.erase(c.keys[c.pos]);
    if (++c.pos == c.keys.size() && c.more) {
      DeletePopped(&c);
      status = Load(time, chunk, &c);
    }
    if (c.pos < c.keys.size()) heap.push(index);
    if (status.ok()) status = MaybeWrite();
  }
  // Every scanned group gets its head back: its next timer after the scan,
  // or after an error the scan's start (a lower bound is always safe).
  for (Cursor& c : cursors) {
    DeletePopped(&c);
    SetHead(c.kg, status.ok() ? c.stop_time : c.from);
  }
  popping_up_to_ = kNotPopping;
  if (mem_.size() > options_.memory_timers) Spill();  // fn registered many
  absl::Status written = WriteBatch();
  return status.ok() ? written : status;
}

}  // namespace rtai::state
