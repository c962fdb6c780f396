#pragma once
// The file system, injected (modelled on leveldb's Env). Production code takes
// a FileSystem* so fault tests can substitute one that fails fsync, fills the
// disk or drops unsynced data (tests/testing/fault_injection_file_system.h).
// All errors are absl::Status: kNotFound for a missing path, kResourceExhausted
// for ENOSPC/EDQUOT, kDataLoss for short reads of existing data, kInternal
// for other I/O errors; messages name the path and the errno text.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rtai {

// A file opened for appending. Not thread-safe: one writer at a time.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual absl::Status Append(absl::string_view data) = 0;
  // Makes everything appended so far durable (fdatasync).
  virtual absl::Status Sync() = 0;
  // Cuts the file to `size` bytes (recovery of a torn tail); later appends
  // continue at `size`.
  virtual absl::Status Truncate(uint64_t size) = 0;
  virtual absl::Status Close() = 0;
  // Bytes in the file (including those appended but not yet synced).
  virtual uint64_t Size() const = 0;
};

// A file read at arbitrary positions. Thread-safe (pread).
class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  // Reads up to `n` bytes at `offset` into `scratch`; returns the count read
  // (fewer only at end of file).
  virtual absl::StatusOr<size_t> Read(uint64_t offset, size_t n,
                                      char* scratch) const = 0;
};

// Thread-safe.
class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // Opens `path` for appending, creating it if missing. With `truncate`, an
  // existing file is emptied first.
  virtual absl::StatusOr<std::unique_ptr<WritableFile>> OpenWritable(
      const std::string& path, bool truncate) = 0;
  virtual absl::StatusOr<std::unique_ptr<RandomAccessFile>> OpenRandomAccess(
      const std::string& path) = 0;
  virtual bool Exists(const std::string& path) = 0;
  virtual absl::StatusOr<uint64_t> FileSize(const std::string& path) = 0;
  // Names (not paths) of the entries of a directory, unsorted.
  virtual absl::StatusOr<std::vector<std::string>> ListDir(
      const std::string& dir) = 0;
  // Creates a directory and its missing parents; OK if it exists.
  virtual absl::Status CreateDirs(const std::string& dir) = 0;
  virtual absl::Status DeleteFile(const std::string& path) = 0;
  // Deletes a directory tree; OK if it does not exist.
  virtual absl::Status DeleteDirRecursive(const std::string& dir) = 0;
  virtual absl::Status Rename(const std::string& from, const std::string& to) = 0;
  // fsyncs a directory so that creations, renames and deletions in it are
  // durable.
  virtual absl::Status SyncDir(const std::string& dir) = 0;
  // Truncates (or extends with zeros) a closed file to `size`.
  virtual absl::Status TruncateFile(const std::string& path, uint64_t size) = 0;

  // Helpers built on the above.
  absl::StatusOr<std::string> ReadFileToString(const std::string& path);
  // Writes `contents` to `path` atomically and durably: temp file, fsync,
  // rename over `path`, fsync of the directory. A crash leaves the old or
  // the new contents, never a mix.
  absl::Status WriteFileAtomically(const std::string& path,
                                   absl::string_view contents);
};

// The process's POSIX file system. Never destroyed.
FileSystem* DefaultFileSystem();

// "a/b" + "c" -> "a/b/c".
std::string JoinPath(absl::string_view dir, absl::string_view name);
// Directory part of a path ("a/b/c" -> "a/b", "c" -> ".").
std::string DirName(absl::string_view path);

// Converts errno into a Status per the rules above.
absl::Status ErrnoToStatus(int err, absl::string_view context);

}  // namespace rtai
