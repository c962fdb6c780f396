#include "broker/kafka/group/txn_offset_buffer.h"

namespace rtai::kafka {

bool TxnOffsetBuffer::Add(int64_t producer_id, const std::string& group_id,
                          const Offsets& offsets) {
  absl::MutexLock l(&mu_);
  if (count_ + offsets.size() > max_offsets_) return false;
  pending_[producer_id].push_back({group_id, offsets});
  count_ += offsets.size();
  return true;
}

size_t TxnOffsetBuffer::Complete(int64_t producer_id, bool commit, GroupCoordinator* groups) {
  std::vector<Pending> done;
  {
    absl::MutexLock l(&mu_);
    auto it = pending_.find(producer_id);
    if (it == pending_.end()) return 0;
    done = std::move(it->second);
    pending_.erase(it);
    for (const Pending& p : done) count_ -= p.offsets.size();
  }
  if (!commit) return 0;
  size_t applied = 0;
  for (const Pending& p : done) {
    groups->ApplyCommit(p.group_id, p.offsets);
    applied += p.offsets.size();
  }
  return applied;
}

size_t TxnOffsetBuffer::size() const {
  absl::MutexLock l(&mu_);
  return count_;
}

}  // namespace rtai::kafka
