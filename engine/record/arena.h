#pragma once
// Arena: bump allocation of bytes for the strings that Values borrow. Blocks
// never move, so views stay valid until Reset() or destruction. Reset() keeps
// the largest block, so a reused arena stops allocating once warm (the hot
// path decodes and evaluates into reused arenas). Not thread-safe.

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

namespace rtai::engine {

class Arena {
 public:
  // Default: 4096 bytes per block (a larger request gets its own block).
  explicit Arena(size_t block_bytes = 4096) : block_bytes_(block_bytes) {}
  Arena(Arena&&) = default;
  Arena& operator=(Arena&&) = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // Returns `n` writable bytes (n may be 0), valid until Reset().
  char* Allocate(size_t n);
  // Copies `s` into the arena and returns a view of the copy.
  std::string_view Copy(std::string_view s);
  // Forgets all allocations; keeps the largest block for reuse.
  void Reset();
  // Bytes handed out since the last Reset().
  size_t bytes_used() const { return bytes_used_; }

 private:
  struct Block {
    std::unique_ptr<char[]> data;
    size_t size;
  };
  size_t block_bytes_;
  std::vector<Block> blocks_;
  char* cursor_ = nullptr;
  size_t remaining_ = 0;
  size_t bytes_used_ = 0;
};

}  // namespace rtai::engine
