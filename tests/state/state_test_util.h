#pragma once
// Test helpers for state/: a fresh temporary directory per test.

#include <stdlib.h>

#include <string>

#include "base/file_system.h"
#include "gtest/gtest.h"

namespace rtai::state {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = ::testing::TempDir() + "/state_test_XXXXXX";
    char* d = ::mkdtemp(tmpl.data());
    EXPECT_NE(d, nullptr);
    path_ = tmpl;
  }
  ~TempDir() { (void)DefaultFileSystem()->DeleteDirRecursive(path_); }
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const {
    return JoinPath(path_, name);
  }

 private:
  std::string path_;
};

}  // namespace rtai::state
