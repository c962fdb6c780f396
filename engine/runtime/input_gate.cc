#include "engine/runtime/input_gate.h"

#include "base/check.h"

namespace rtai::engine::runtime {

InputGate::InputGate(int num_senders, size_t capacity_per_sender)
    : capacity_(capacity_per_sender) {
  CHECK_GT(num_senders, 0);
  CHECK_GT(capacity_per_sender, 0u);
  queues_.resize(num_senders);
  blocked_.assign(num_senders, 0);
}

bool InputGate::Push(Element e) {
  const int s = e.sender;
  CHECK(s >= 0 && s < static_cast<int>(queues_.size()));
  absl::MutexLock l(&mu_);
  auto room = [this, s]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return closed_ || queues_[s].size() < capacity_;
  };
  mu_.Await(absl::Condition(&room));
  if (closed_) return false;
  queues_[s].push_back({next_seq_++, std::move(e)});
  return true;
}

bool InputGate::TryPush(Element& e) {
  const int s = e.sender;
  CHECK(s >= 0 && s < static_cast<int>(queues_.size()));
  absl::MutexLock l(&mu_);
  if (closed_ || queues_[s].size() >= capacity_) return false;
  queues_[s].push_back({next_seq_++, std::move(e)});
  return true;
}

int InputGate::OldestUnblocked() const {
  int best = -1;
  for (size_t i = 0; i < queues_.size(); ++i) {
    if (blocked_[i] || queues_[i].empty()) continue;
    if (best < 0 || queues_[i].front().seq < queues_[best].front().seq) best = static_cast<int>(i);
  }
  return best;
}

bool InputGate::Poppable() const { return closed_ || woken_ || OldestUnblocked() >= 0; }

std::optional<Element> InputGate::Pop(absl::Duration timeout) {
  absl::MutexLock l(&mu_);
  mu_.AwaitWithTimeout(absl::Condition(this, &InputGate::Poppable), timeout);
  const int s = OldestUnblocked();
  if (s < 0) {
    woken_ = false;
    return std::nullopt;
  }
  Element e = std::move(queues_[s].front().e);
  queues_[s].pop_front();
  return e;
}

void InputGate::Block(int sender) {
  absl::MutexLock l(&mu_);
  blocked_[sender] = 1;
}

void InputGate::UnblockAll() {
  absl::MutexLock l(&mu_);
  blocked_.assign(blocked_.size(), 0);
}

bool InputGate::blocked(int sender) const {
  absl::MutexLock l(&mu_);
  return blocked_[sender] != 0;
}

void InputGate::Wake() {
  absl::MutexLock l(&mu_);
  woken_ = true;
}

void InputGate::Close() {
  absl::MutexLock l(&mu_);
  closed_ = true;
}

bool InputGate::closed() const {
  absl::MutexLock l(&mu_);
  return closed_;
}

size_t InputGate::size() const {
  absl::MutexLock l(&mu_);
  size_t n = 0;
  for (const auto& q : queues_) n += q.size();
  return n;
}

}  // namespace rtai::engine::runtime
