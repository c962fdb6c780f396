#include "broker/txn/txn_executor.h"

#include "base/check.h"

namespace rtai::broker::txn {

TxnExecutor::TxnExecutor(int threads, size_t capacity) : queue_(capacity) {
  CHECK_GE(threads, 1);
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this] {
      while (std::optional<absl::AnyInvocable<void()>> task = queue_.Pop()) {
        (*task)();
      }
    });
  }
}

TxnExecutor::~TxnExecutor() {
  queue_.Close();  // Pop drains what is queued, then returns nullopt
  for (std::thread& t : threads_) t.join();
}

bool TxnExecutor::TrySchedule(absl::AnyInvocable<void()> task) {
  return queue_.TryPush(task);
}

}  // namespace rtai::broker::txn
