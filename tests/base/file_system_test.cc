#include "base/file_system.h"

#include <cstdlib>

#include "gtest/gtest.h"

namespace rtai {
namespace {

std::string TempDir() {
  std::string tmpl = ::testing::TempDir() + "/fs_test_XXXXXX";
  char* d = ::mkdtemp(tmpl.data());
  EXPECT_NE(d, nullptr);
  return tmpl;
}

TEST(FileSystemTest, AppendTruncateAndReadBack) {
  FileSystem* fs = DefaultFileSystem();
  std::string dir = TempDir();
  std::string path = JoinPath(dir, "f");
  auto w = fs->OpenWritable(path, /*truncate=*/true);
  ASSERT_TRUE(w.ok()) << w.status();
  ASSERT_TRUE((*w)->Append("hello world").ok());
  ASSERT_TRUE((*w)->Sync().ok());
  ASSERT_TRUE((*w)->Truncate(5).ok());
  ASSERT_TRUE((*w)->Append("!").ok());
  EXPECT_EQ((*w)->Size(), 6u);
  ASSERT_TRUE((*w)->Close().ok());
  auto s = fs->ReadFileToString(path);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, "hello!");
  ASSERT_TRUE(fs->DeleteDirRecursive(dir).ok());
}

TEST(FileSystemTest, AtomicWriteReplacesAndMissingFileIsNotFound) {
  FileSystem* fs = DefaultFileSystem();
  std::string dir = TempDir();
  std::string path = JoinPath(dir, "meta");
  ASSERT_TRUE(fs->WriteFileAtomically(path, "v1").ok());
  ASSERT_TRUE(fs->WriteFileAtomically(path, "v2").ok());
  EXPECT_EQ(*fs->ReadFileToString(path), "v2");
  EXPECT_FALSE(fs->Exists(path + ".tmp"));
  EXPECT_EQ(fs->ReadFileToString(JoinPath(dir, "nope")).status().code(),
            absl::StatusCode::kNotFound);
  ASSERT_TRUE(fs->DeleteDirRecursive(dir).ok());
}

TEST(FileSystemTest, PathHelpers) {
  EXPECT_EQ(JoinPath("a/b", "c"), "a/b/c");
  EXPECT_EQ(JoinPath("a/b/", "c"), "a/b/c");
  EXPECT_EQ(DirName("a/b/c"), "a/b");
  EXPECT_EQ(DirName("c"), ".");
}

}  // namespace
}  // namespace rtai
