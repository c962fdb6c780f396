#pragma once
// PodStateAggregator: stores a trivially copyable accumulator from
// aggregates.h in keyed state (state::AggregatingState), so window slices and
// sessions can live in RocksDB: a slice or session is the state namespace
// (EncodeWindowNamespace), adding a record is AggregatingState::Add, and
// combining slices or merging sessions uses the accumulator's Merge.
//
// The accumulator is stored as its raw bytes (host layout): state lives with
// its task and that task's checkpoints, it is not exchanged between
// architectures. Inputs are the raw bytes of `In` (EncodeInput). A buffer of
// the wrong size is kDataLoss. Thread-safe (stateless).

#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

#include "absl/status/statusor.h"
#include "base/byte_order.h"
#include "engine/window/time_window.h"
#include "state/aggregating_state.h"

namespace rtai::engine::window {

template <typename Acc, typename In>
class PodStateAggregator final : public state::StateAggregator {
  static_assert(std::is_trivially_copyable_v<Acc> &&
                std::is_trivially_copyable_v<In>);

 public:
  using AddFn = void (*)(Acc& acc, const In& input);
  explicit PodStateAggregator(AddFn add) : add_(add) {}

  static std::string EncodeInput(const In& in) {
    return std::string(reinterpret_cast<const char*>(&in), sizeof(In));
  }
  static absl::StatusOr<Acc> Decode(std::string_view bytes) {
    if (bytes.size() != sizeof(Acc)) {
      return absl::DataLossError("window accumulator has the wrong size");
    }
    Acc acc;
    std::memcpy(&acc, bytes.data(), sizeof(Acc));
    return acc;
  }

  std::string CreateAccumulator() const override {
    const Acc acc{};
    return std::string(reinterpret_cast<const char*>(&acc), sizeof(Acc));
  }
  absl::Status Add(std::string_view input, std::string* acc) const override {
    if (input.size() != sizeof(In))
      return absl::InvalidArgumentError("bad input size");
    auto a = Decode(*acc);
    if (!a.ok()) return a.status();
    In in;
    std::memcpy(&in, input.data(), sizeof(In));
    add_(*a, in);
    std::memcpy(acc->data(), &*a, sizeof(Acc));
    return absl::OkStatus();
  }
  absl::Status Merge(std::string_view other, std::string* acc) const override {
    auto a = Decode(*acc);
    auto b = Decode(other);
    if (!a.ok()) return a.status();
    if (!b.ok()) return b.status();
    a->Merge(*b);
    std::memcpy(acc->data(), &*a, sizeof(Acc));
    return absl::OkStatus();
  }
  absl::Status GetResult(std::string_view acc,
                         std::string* result) const override {
    if (acc.size() != sizeof(Acc))
      return absl::DataLossError("window accumulator has the wrong size");
    result->assign(acc.data(), acc.size());
    return absl::OkStatus();
  }

 private:
  AddFn add_;
};

// A window as a state namespace: start and end as big-endian int64 with the
// sign bit flipped, so namespaces sort by window start.
inline std::string EncodeWindowNamespace(const TimeWindow& w) {
  std::string ns(16, '\0');
  StoreBigEndian<uint64_t>(ns.data(),
                           static_cast<uint64_t>(w.start_ms) ^ (1ull << 63));
  StoreBigEndian<uint64_t>(ns.data() + 8,
                           static_cast<uint64_t>(w.end_ms) ^ (1ull << 63));
  return ns;
}

}  // namespace rtai::engine::window
