#pragma once
// TimerService: an operator's timers (event time or processing time) in
// RocksDB, so they need no memory per timer and ride in the task's RocksDB
// checkpoint. A timer is (time, key, namespace); registering the same timer
// twice keeps one.
//
// Layout (in the operator's column family, docs/ENGINE.md "Timers"):
//   key_group u16 BE | state_id u16 BE | time u64 BE (sign bit flipped) |
//   key | namespace | key length u32 BE          ->  value 00 (no TTL)
// Key-group first, like all keyed state, so ClipToKeyGroups (rescaling) keeps
// or drops a key's timers with its other state. Inside a key group timers
// sort by time, then by the bytes key|namespace. PopUpTo merges the due key
// groups in that order, so timers pop in (time, key|namespace) order across
// the whole task (for prefix-free keys, such as engine key encodings, that
// is (time, key, namespace)).
//
// Memory, all bounded: up to memory_timers newly registered timers (a timer
// that fires before it is spilled or checkpointed costs no RocksDB write);
// the earliest time per key group (max_parallelism entries); a dedupe set of
// timers known to be in RocksDB (skips rewriting them; cleared when full); a
// WriteBatch of pending writes (written when full, before a scan, and by
// Flush); during PopUpTo a window of at most kScanBudget timers.
//
// Thread safety: one task thread, like the keyed states. Lifetime: must not
// outlive its KeyedStateBackend.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "rocksdb/write_batch.h"
#include "state/keyed_state_base.h"

namespace rtai::state {

struct TimerServiceOptions {
  // Default: 65536. Newly registered timers kept in memory (entries) until
  // this many are, then all are spilled to RocksDB; Flush spills too. Timers
  // that fire before a spill or checkpoint never touch RocksDB. 0 = none.
  size_t memory_timers = 65536;
  // Default: 8192. Timers remembered as already written (entries).
  size_t dedupe_entries = 8192;
  // Default: 4096. Pending writes before the batch is written (operations).
  size_t batch_ops_max = 4096;
};

class TimerService {
 public:
  static constexpr int64_t kNoTimer = INT64_MAX;
  // Timers loaded in memory at once while popping (across key groups).
  static constexpr size_t kScanBudget = 65536;

  struct Timer {
    int64_t time;
    std::string_view key;
    std::string_view ns;
  };
  using Callback = std::function<absl::Status(const Timer&)>;

  // Use KeyedStateBackend::GetTimerService. Init() must succeed before use.
  TimerService(const StateContext& ctx, TimerServiceOptions options);
  TimerService(const TimerService&) = delete;
  TimerService& operator=(const TimerService&) = delete;

  // Finds the earliest timer of every key group (one seek per non-empty
  // group): what a restored RocksDB instance holds.
  absl::Status Init();

  absl::Status Register(int64_t time, std::string_view key,
                        std::string_view ns);
  // Deletes the timer if it exists. Not from within a PopUpTo callback.
  absl::Status Delete(int64_t time, std::string_view key, std::string_view ns);
  // No timer is earlier than this (kNoTimer: none). Exact after Init and a
  // successful PopUpTo; a Delete or a failed PopUpTo may leave it lower than
  // the real earliest timer (a caller then scans and finds nothing).
  int64_t EarliestTime() const;
  // Calls fn for every timer with time <= `time`, in (time, key|namespace)
  // order, deleting each. The views are valid during the call. fn may
  // Register timers; those due at or before `time` fire in this call or the
  // next (out of order if earlier than the current one).
  // The first error of fn stops the scan and is returned (that timer and
  // later ones stay registered).
  absl::Status PopUpTo(int64_t time, const Callback& fn);
  // Writes the in-memory timers and pending deletions to RocksDB (before a
  // checkpoint: afterwards RocksDB holds every timer).
  absl::Status Flush();
  // Writes pending RocksDB writes and deletions but keeps the in-memory
  // timers in memory: a checkpoint that carries those itself (through
  // ForEachMemoryTimer in the operator's snapshot, re-registered on restore)
  // saves writing them to RocksDB and reading them back when they fire.
  absl::Status FlushWrites();
  // Calls fn for every in-memory timer, in pop order. fn must not call into
  // this service. The views are valid during the call.
  void ForEachMemoryTimer(const std::function<void(const Timer&)>& fn) const;
  size_t memory_size() const { return mem_.size(); }

  // Timers remembered in the dedupe set (tests: memory stays bounded).
  size_t dedupe_size() const { return dedupe_.size(); }

 private:
  struct Cursor;
  void AppendRawKey(uint16_t kg, int64_t time, std::string_view key,
                    std::string_view ns, std::string* out) const;
  void SetHead(uint16_t kg, int64_t time);
  void DeletePopped(Cursor* c);
  // Takes the groups with a timer due at `time` out of the head index.
  std::vector<Cursor> TakeDueGroups(int64_t time);
  absl::Status Fire(std::string_view suffix, const Callback& fn);
  absl::Status MaybeWrite();
  absl::Status WriteBatch();
  // Moves every in-memory timer into the write batch.
  void Spill();
  // Reads the next chunk of `c`'s due timers (a fresh iterator each time:
  // no iterator stays open between loads).
  absl::Status Load(int64_t up_to, size_t chunk, Cursor* c);

  StateContext ctx_;
  TimerServiceOptions options_;
  rocksdb::WriteOptions write_options_;
  rocksdb::WriteBatch batch_;
  std::vector<int64_t> head_;                  // per key group
  std::set<std::pair<int64_t, uint16_t>> heads_;  // (head time, group)
  absl::flat_hash_set<std::string> dedupe_;
  // In-memory timers: (raw key without group and state id, group), in pop
  // order. Never in the dedupe set.
  std::set<std::pair<std::string, uint16_t>> mem_;
  // While PopUpTo runs: its time, and the groups fn registered due timers in.
  static constexpr int64_t kNotPopping = INT64_MIN;
  static constexpr size_t kRangeDeleteMin = 32;
  int64_t popping_up_to_ = kNotPopping;
  absl::flat_hash_set<uint16_t> dirty_;
  std::string key_buf_;
};

}  // namespace rtai::state
