#include "tests/testing/temp_dir.h"

#include <stdlib.h>

#include "absl/strings/str_cat.h"
#include "base/check.h"
#include "base/file_system.h"
#include "gtest/gtest.h"

namespace rtai::testing {

TempDir::TempDir() {
  std::string pattern = JoinPath(::testing::TempDir(), "rtai_test_XXXXXX");
  CHECK(mkdtemp(pattern.data()) != nullptr);
  path_ = pattern;
}

TempDir::~TempDir() {
  DefaultFileSystem()->DeleteDirRecursive(path_).IgnoreError();
}

}  // namespace rtai::testing
