#include "engine/runtime/input_gate.h"

#include <algorithm>

#include "base/check.h"

namespace rtai::engine::runtime {

InputGate::InputGate(int num_senders, size_t capacity_per_sender)
    : capacity_(capacity_per_sender) {
  CHECK_GT(num_senders, 0);
  CHECK_GT(capacity_per_sender, 0u);
  queues_.resize(num_senders);
  sizes_ = std::make_unique<std::atomic<size_t>[]>(num_senders);
  for (int i = 0; i < num_senders; ++i) sizes_[i].store(0);
  waiting_producer_.assign(num_senders, nullptr);
  blocked_.assign(num_senders, 0);
}

void InputGate::SetConsumer(ScheduledTask* consumer) {
  absl::MutexLock l(&mu_);
  consumer_ = consumer;
}

void InputGate::AppendLocked(Element e) {
  const int s = e.sender;
  queues_[s].push_back({next_seq_++, std::move(e)});
  sizes_[s].store(queues_[s].size(), std::memory_order_release);
  high_water_ = std::max(high_water_, queues_[s].size());
}

bool InputGate::Offer(Element e) {
  const int s = e.sender;
  CHECK(s >= 0 && s < static_cast<int>(queues_.size()));
  ScheduledTask* wake = nullptr;
  {
    absl::MutexLock l(&mu_);
    if (closed_) return false;
    if (queues_[s].empty() && !blocked_[s]) wake = consumer_;
    AppendLocked(std::move(e));
  }
  if (wake != nullptr) wake->Wake();
  return true;
}

bool InputGate::HasRoom(int sender) const {
  return sizes_[sender].load(std::memory_order_acquire) < capacity_;
}

bool InputGate::HasRoomOrWait(int sender, ScheduledTask* producer) {
  if (HasRoom(sender)) return true;
  absl::MutexLock l(&mu_);
  if (closed_ || queues_[sender].size() < capacity_) return true;
  waiting_producer_[sender] = producer;
  return false;
}

ScheduledTask* InputGate::PopLocked(int s, Element* out) {
  *out = std::move(queues_[s].front().e);
  queues_[s].pop_front();
  sizes_[s].store(queues_[s].size(), std::memory_order_release);
  ScheduledTask* wake = nullptr;
  if (queues_[s].size() < capacity_ && waiting_producer_[s] != nullptr) {
    wake = waiting_producer_[s];
    waiting_producer_[s] = nullptr;
  }
  return wake;
}

std::optional<Element> InputGate::TryPop() {
  ScheduledTask* wake = nullptr;
  Element e;
  {
    absl::MutexLock l(&mu_);
    const int s = OldestUnblocked();
    if (s < 0) return std::nullopt;
    wake = PopLocked(s, &e);
  }
  if (wake != nullptr) wake->Wake();
  return e;
}

bool InputGate::Push(Element e) {
  const int s = e.sender;
  CHECK(s >= 0 && s < static_cast<int>(queues_.size()));
  ScheduledTask* wake = nullptr;
  {
    absl::MutexLock l(&mu_);
    auto room = [this, s]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return closed_ || queues_[s].size() < capacity_;
    };
    mu_.Await(absl::Condition(&room));
    if (closed_) return false;
    if (queues_[s].empty() && !blocked_[s]) wake = consumer_;
    AppendLocked(std::move(e));
  }
  if (wake != nullptr) wake->Wake();
  return true;
}

bool InputGate::TryPush(Element& e) {
  const int s = e.sender;
  CHECK(s >= 0 && s < static_cast<int>(queues_.size()));
  ScheduledTask* wake = nullptr;
  {
    absl::MutexLock l(&mu_);
    if (closed_ || queues_[s].size() >= capacity_) return false;
    if (queues_[s].empty() && !blocked_[s]) wake = consumer_;
    AppendLocked(std::move(e));
  }
  if (wake != nullptr) wake->Wake();
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
  ScheduledTask* wake = nullptr;
  Element e;
  {
    absl::MutexLock l(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(this, &InputGate::Poppable), timeout);
    const int s = OldestUnblocked();
    if (s < 0) {
      woken_ = false;
      return std::nullopt;
    }
    wake = PopLocked(s, &e);
  }
  if (wake != nullptr) wake->Wake();
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
  std::vector<ScheduledTask*> wake;
  {
    absl::MutexLock l(&mu_);
    closed_ = true;
    for (ScheduledTask*& p : waiting_producer_) {
      if (p != nullptr) wake.push_back(p);
      p = nullptr;
    }
    if (consumer_ != nullptr) wake.push_back(consumer_);
  }
  for (ScheduledTask* t : wake) t->Wake();
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

size_t InputGate::high_water() const {
  absl::MutexLock l(&mu_);
  return high_water_;
}

size_t InputGate::size(int sender) const {
  absl::MutexLock l(&mu_);
  return queues_[sender].size();
}

}  // namespace rtai::engine::runtime
