#include "engine/record/arena.h"

#include <algorithm>
#include <cstring>

namespace rtai::engine {

char* Arena::Allocate(size_t n) {
  if (n > remaining_) {
    const size_t size = std::max(n, block_bytes_);
    blocks_.push_back(Block{std::make_unique<char[]>(size), size});
    cursor_ = blocks_.back().data.get();
    remaining_ = size;
  }
  char* out = cursor_;
  cursor_ += n;
  remaining_ -= n;
  bytes_used_ += n;
  return out;
}

std::string_view Arena::Copy(std::string_view s) {
  if (s.empty()) return std::string_view();
  char* p = Allocate(s.size());
  std::memcpy(p, s.data(), s.size());
  return std::string_view(p, s.size());
}

void Arena::Reset() {
  bytes_used_ = 0;
  if (blocks_.empty()) return;
  auto largest = std::max_element(
      blocks_.begin(), blocks_.end(),
      [](const Block& a, const Block& b) { return a.size < b.size; });
  if (largest != blocks_.begin()) std::swap(*largest, blocks_.front());
  blocks_.resize(1);
  cursor_ = blocks_.front().data.get();
  remaining_ = blocks_.front().size;
}

}  // namespace rtai::engine
