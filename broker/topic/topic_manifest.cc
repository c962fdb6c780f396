#include "broker/topic/topic_manifest.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "base/byte_order.h"
#include "base/check.h"
#include "base/crc32c.h"
#include "base/status_macros.h"
#include "broker/topic/topic_name.h"
#include "proto/topic_manifest_generated.h"

namespace rtai::broker {
namespace {

constexpr uint32_t kFormatVersion = 1;
// Far above any partition limit; guards the decoder against absurd counts.
constexpr int32_t kMaxManifestPartitions = 1 << 20;

absl::Status Corrupt(absl::string_view path, absl::string_view what) {
  return absl::DataLossError(
      absl::StrCat("corrupt topic manifest ", path, ": ", what));
}

absl::Status CheckPartitions(const fbs::TopicManifest& m,
                             absl::string_view path, TopicMetadata& meta) {
  const auto* parts = m.partitions();
  const int32_t count = m.partition_count();
  if (count < 1 || count > kMaxManifestPartitions) {
    return Corrupt(path,
                   absl::StrCat("partition_count ", count, " is out of range"));
  }
  if (parts == nullptr || static_cast<int32_t>(parts->size()) != count) {
    return Corrupt(path, absl::StrCat("partition_count ", count, " but ",
                                      parts ? parts->size() : 0,
                                      " partition assignments"));
  }
  meta.partition_count = count;
  meta.partitions.reserve(count);
  for (int32_t i = 0; i < count; ++i) {
    const fbs::PartitionAssignment* p = parts->Get(i);
    if (p->partition() != i) {
      return Corrupt(path, absl::StrCat("assignment ", i, " is for partition ",
                                        p->partition()));
    }
    if (p->leader_epoch() < 0) {
      return Corrupt(path, absl::StrCat("partition ", i, " has leader epoch ",
                                        p->leader_epoch()));
    }
    meta.partitions.push_back({PartitionId(i), NodeId(p->leader_node_id()),
                               LeaderEpoch(p->leader_epoch())});
  }
  return absl::OkStatus();
}

}  // namespace

std::string TopicIdToString(const TopicId& id) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (uint8_t b : id) {
    s.push_back(kHex[b >> 4]);
    s.push_back(kHex[b & 15]);
  }
  return s;
}

std::string EncodeTopicManifest(const TopicMetadata& meta) {
  CHECK_EQ(static_cast<size_t>(meta.partition_count), meta.partitions.size());
  flatbuffers::FlatBufferBuilder b(1024);
  std::vector<flatbuffers::Offset<fbs::TopicConfigEntry>> configs;
  for (const auto& [k, v] : meta.configs) {
    configs.push_back(
        fbs::CreateTopicConfigEntry(b, b.CreateString(k), b.CreateString(v)));
  }
  std::vector<flatbuffers::Offset<fbs::PartitionAssignment>> parts;
  parts.reserve(meta.partitions.size());
  for (const PartitionAssignment& p : meta.partitions) {
    parts.push_back(fbs::CreatePartitionAssignment(
        b, p.partition.value(), p.leader.value(), p.leader_epoch.value()));
  }
  auto root = fbs::CreateTopicManifest(
      b, kFormatVersion, b.CreateString(meta.name),
      b.CreateVector(meta.topic_id.data(), meta.topic_id.size()),
      meta.partition_count, meta.created_ms, b.CreateVector(configs),
      b.CreateVector(parts));
  fbs::FinishTopicManifestBuffer(b, root);

  std::string out(kTopicManifestHeaderSize + b.GetSize(), '\0');
  std::memcpy(out.data(), kTopicManifestMagic, 4);
  StoreBigEndian<uint32_t>(out.data() + 4,
                           crc32c::Value(b.GetBufferPointer(), b.GetSize()));
  std::memcpy(out.data() + kTopicManifestHeaderSize, b.GetBufferPointer(),
              b.GetSize());
  return out;
}

absl::StatusOr<TopicMetadata> DecodeTopicManifest(absl::string_view bytes,
                                                  absl::string_view path) {
  if (bytes.size() < kTopicManifestHeaderSize) {
    return Corrupt(path, absl::StrCat("file is ", bytes.size(),
                                      " bytes, shorter than its header"));
  }
  if (std::memcmp(bytes.data(), kTopicManifestMagic, 4) != 0) {
    return Corrupt(path, "bad magic (not a topic manifest)");
  }
  absl::string_view body = bytes.substr(kTopicManifestHeaderSize);
  const uint32_t want = LoadBigEndian<uint32_t>(bytes.data() + 4);
  const uint32_t got = crc32c::Value(body.data(), body.size());
  if (want != got) {
    return Corrupt(path, absl::StrCat("CRC-32C mismatch (stored ", want,
                                      ", computed ", got, ")"));
  }
  flatbuffers::Verifier verifier(reinterpret_cast<const uint8_t*>(body.data()),
                                 body.size());
  if (!fbs::VerifyTopicManifestBuffer(verifier)) {
    return Corrupt(path, "FlatBuffer verification failed");
  }
  const fbs::TopicManifest* m = fbs::GetTopicManifest(body.data());
  if (m->format_version() != kFormatVersion) {
    return Corrupt(
        path, absl::StrCat("unknown format_version ", m->format_version()));
  }
  TopicMetadata meta;
  meta.name = m->name()->str();
  if (absl::Status s = ValidateTopicName(meta.name); !s.ok()) {
    return Corrupt(path, s.message());
  }
  if (m->topic_id()->size() != meta.topic_id.size()) {
    return Corrupt(path, absl::StrCat("topic_id is ", m->topic_id()->size(),
                                      " bytes, want 16"));
  }
  std::memcpy(meta.topic_id.data(), m->topic_id()->data(),
              meta.topic_id.size());
  meta.created_ms = m->created_ms();
  if (m->configs() != nullptr) {
    for (const fbs::TopicConfigEntry* e : *m->configs()) {
      meta.configs[e->key()->str()] = e->value()->str();
    }
  }
  RETURN_IF_ERROR(CheckPartitions(*m, path, meta));
  return meta;
}

absl::Status WriteTopicManifest(FileSystem* fs, const std::string& path,
                                const TopicMetadata& meta) {
  return fs->WriteFileAtomically(path, EncodeTopicManifest(meta));
}

absl::StatusOr<TopicMetadata> ReadTopicManifest(FileSystem* fs,
                                                const std::string& path) {
  ASSIGN_OR_RETURN(std::string bytes, fs->ReadFileToString(path));
  return DecodeTopicManifest(bytes, path);
}

}  // namespace rtai::broker
