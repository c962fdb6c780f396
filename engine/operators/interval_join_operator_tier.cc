#include "engine/operators/interval_join_operator_tier.h"

#include "base/check.h"

namespace rtai::engine::operators {
namespace {

absl::string_view AbslView(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace

size_t JoinRowTier::Charge(int side, int64_t bucket, std::string_view key,
                           std::string_view row) const {
  size_t charge = row.size() + kRowOverhead;
  auto it = buckets_[side].find(bucket);
  if (it == buckets_[side].end() || !it->second.keys.contains(AbslView(key))) {
    charge += key.size() + kKeyOverhead;
  }
  return charge;
}

void JoinRowTier::Add(int side, int64_t bucket, std::string_view key, std::string_view row) {
  const size_t charge = Charge(side, bucket, key, row);
  CHECK(bytes_ + charge <= bound_);
  Bucket& b = buckets_[side][bucket];
  b.keys[AbslView(key)].emplace_back(row);
  b.bytes += charge;
  b.rows += 1;
  bytes_ += charge;
  rows_ += 1;
}

void JoinRowTier::Get(int side, int64_t bucket, std::string_view key,
                      std::vector<std::string_view>* out) const {
  auto it = buckets_[side].find(bucket);
  if (it == buckets_[side].end()) return;
  auto k = it->second.keys.find(AbslView(key));
  if (k == it->second.keys.end()) return;
  for (const std::string& row : k->second) out->push_back(row);
}

bool JoinRowTier::Oldest(int* side, int64_t* bucket) const {
  if (empty()) return false;
  if (buckets_[1].empty() ||
      (!buckets_[0].empty() && buckets_[0].begin()->first <= buckets_[1].begin()->first)) {
    *side = 0;
  } else {
    *side = 1;
  }
  *bucket = buckets_[*side].begin()->first;
  return true;
}

void JoinRowTier::Erase(int side, std::map<int64_t, Bucket>::iterator it) {
  bytes_ -= it->second.bytes;
  rows_ -= it->second.rows;
  buckets_[side].erase(it);
}

absl::Status JoinRowTier::Take(int side, int64_t bucket, const KeyRowsFn& fn) {
  auto it = buckets_[side].find(bucket);
  if (it == buckets_[side].end()) return absl::OkStatus();
  absl::Status status = absl::OkStatus();
  for (const auto& [key, rows] : it->second.keys) {
    status = fn(key, rows);
    if (!status.ok()) break;
  }
  Erase(side, it);
  return status;
}

size_t JoinRowTier::DropWhile(int side, const std::function<bool(int64_t)>& due) {
  size_t dropped = 0;
  while (!buckets_[side].empty() && due(buckets_[side].begin()->first)) {
    dropped += buckets_[side].begin()->second.rows;
    Erase(side, buckets_[side].begin());
  }
  return dropped;
}

}  // namespace rtai::engine::operators
