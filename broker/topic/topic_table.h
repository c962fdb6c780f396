#pragma once
// TopicTable: the set of topics and their persisted metadata, one manifest
// per topic at <data_dir>/topics/<topic>/topic.manifest; partition logs live
// beside it in <data_dir>/topics/<topic>/<partition>/.
//
// Create writes the manifest (atomically) before anything else, so a topic
// exists exactly when its manifest does. Delete renames the topic directory
// into <data_dir>/trash/ (one atomic step) and then removes it; Open finishes
// interrupted deletes and removes directories of creates that crashed before
// the manifest was written (they were never acknowledged).
//
// Thread-compatible: the Broker serializes calls. `fs` must outlive it.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/file_system.h"
#include "broker/topic/topic_metadata.h"

namespace rtai::broker {

class TopicTable {
 public:
  // Loads every topic. A topic whose manifest is corrupt or does not match
  // its directory name is not loaded but kept aside as unreadable (logged,
  // with a kDataLoss status naming the file): its data stays on disk, the
  // other topics are served, and only Delete removes it.
  static absl::StatusOr<std::unique_ptr<TopicTable>> Open(FileSystem* fs,
                                                          std::string data_dir);

  // Persists a new topic. kAlreadyExists if the name is taken (also by an
  // unreadable topic: its files are never overwritten); I/O errors
  // as the FileSystem reports them.
  absl::Status Create(const TopicMetadata& meta);
  // Rewrites an existing topic's manifest (atomically), e.g. after a
  // leadership change. kNotFound if unknown; kInvalidArgument if the name,
  // id or partition count differ from the stored topic.
  absl::Status Update(const TopicMetadata& meta);
  // Removes the topic directory with everything in it, unreadable topics
  // too. kNotFound if unknown.
  absl::Status Delete(const std::string& name);

  // nullptr if unknown. Valid until the next Create/Delete.
  const TopicMetadata* Find(const std::string& name) const;
  std::vector<std::string> Names() const;  // sorted
  size_t size() const { return topics_.size(); }
  int64_t total_partitions() const;
  // Topics found on disk whose manifest could not be read, with why.
  const std::map<std::string, absl::Status>& unreadable() const { return unreadable_; }

  std::string TopicDir(const std::string& name) const;
  std::string PartitionDir(const std::string& name, int32_t partition) const;

 private:
  TopicTable(FileSystem* fs, std::string data_dir)
      : fs_(fs), data_dir_(std::move(data_dir)) {}
  absl::Status LoadAll();
  absl::Status EmptyTrash();

  FileSystem* const fs_;
  const std::string data_dir_;
  std::map<std::string, TopicMetadata> topics_;
  std::map<std::string, absl::Status> unreadable_;
  int64_t trash_seq_ = 0;
};

}  // namespace rtai::broker
