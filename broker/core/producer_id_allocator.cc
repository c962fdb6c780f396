#include "broker/core/producer_id_allocator.h"

#include <limits>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace rtai::broker {

absl::StatusOr<std::unique_ptr<ProducerIdAllocator>> ProducerIdAllocator::Open(
    FileSystem* fs, std::string path) {
  int64_t high_water = 0;
  if (fs->Exists(path)) {
    absl::StatusOr<std::string> text = fs->ReadFileToString(path);
    if (!text.ok()) return text.status();
    absl::string_view v = absl::StripSuffix(*text, "\n");
    if (!absl::SimpleAtoi(v, &high_water) || high_water < 0) {
      return absl::DataLossError(absl::StrCat(
          "producer id file ", path, " is malformed: \"", *text, "\""));
    }
  }
  return std::unique_ptr<ProducerIdAllocator>(
      new ProducerIdAllocator(fs, std::move(path), high_water));
}

absl::StatusOr<int64_t> ProducerIdAllocator::Next() {
  absl::MutexLock l(&mu_);
  if (next_ == limit_) {
    if (limit_ > std::numeric_limits<int64_t>::max() - kBlockSize) {
      return absl::ResourceExhaustedError("producer ids exhausted");
    }
    const int64_t new_limit = limit_ + kBlockSize;
    absl::Status s =
        fs_->WriteFileAtomically(path_, absl::StrCat(new_limit, "\n"));
    if (!s.ok()) return s;
    limit_ = new_limit;
  }
  return next_++;
}

}  // namespace rtai::broker
