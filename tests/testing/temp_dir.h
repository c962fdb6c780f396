#pragma once
// TempDir: a unique, empty directory under ::testing::TempDir(), deleted with
// its contents when the object is destroyed. Not thread-safe.

#include <string>

namespace rtai::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace rtai::testing
