#pragma once
// The topic manifest file: TopicMetadata as a FlatBuffer
// (proto/topic_manifest.fbs) behind an 8-byte header with a CRC-32C.
// Layout and rules: docs/formats/topic-metadata.md.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/file_system.h"
#include "broker/topic/topic_metadata.h"

namespace rtai::broker {

inline constexpr char kTopicManifestFileName[] = "topic.manifest";
inline constexpr char kTopicManifestMagic[4] = {'R', 'T', 'M', 'F'};
inline constexpr size_t kTopicManifestHeaderSize = 8;  // magic + crc32c

// Serializes `meta` (which must be well formed: CHECKed) into file bytes.
std::string EncodeTopicManifest(const TopicMetadata& meta);

// Parses and checks file bytes. kDataLoss naming `path` (used only in
// messages) for a bad header, CRC mismatch, a FlatBuffer that fails
// verification, an unknown format version or inconsistent fields.
absl::StatusOr<TopicMetadata> DecodeTopicManifest(absl::string_view bytes,
                                                  absl::string_view path);

// Writes atomically and durably (FileSystem::WriteFileAtomically).
absl::Status WriteTopicManifest(FileSystem* fs, const std::string& path,
                                const TopicMetadata& meta);
// Reads and decodes; kNotFound when missing, kDataLoss when corrupt.
absl::StatusOr<TopicMetadata> ReadTopicManifest(FileSystem* fs,
                                                const std::string& path);

}  // namespace rtai::broker
