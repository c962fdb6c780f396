#include "engine/runtime/checkpoint_manifest.h"

#include "absl/strings/str_cat.h"
#include "base/crc32c.h"
#include "base/status_macros.h"
#include "proto/checkpoint_manifest_generated.h"

namespace rtai::engine::runtime {
namespace {

namespace fb = ::rtai::ckpt::fbs;

constexpr size_t kMaxManifestBytes = 64u << 20;
constexpr uint32_t kFormatVersion = 1;

absl::Status Corrupt(absl::string_view detail) {
  return absl::DataLossError(absl::StrCat("checkpoint manifest: ", detail));
}

std::string Str(const flatbuffers::String* s) { return s == nullptr ? "" : s->str(); }

// A relative path inside the checkpoint dir: no "..", no absolute paths.
bool SafeRelative(const std::string& p) {
  if (p.empty() || p[0] == '/' || p.size() > 512) return false;
  size_t start = 0;
  while (start <= p.size()) {
    size_t end = p.find('/', start);
    if (end == std::string::npos) end = p.size();
    const std::string_view part(p.data() + start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

}  // namespace

std::string EncodeManifest(const CheckpointManifest& m) {
  flatbuffers::FlatBufferBuilder b(4096);
  std::vector<flatbuffers::Offset<fb::TaskState>> tasks;
  for (const TaskStateEntry& t : m.tasks) {
    std::vector<flatbuffers::Offset<fb::StateFile>> files;
    for (const StateFileEntry& f : t.db_files) {
      files.push_back(fb::CreateStateFile(b, b.CreateString(f.name), f.size));
    }
    tasks.push_back(fb::CreateTaskState(b, b.CreateString(t.name), b.CreateString(t.state_uid),
                                        t.subtask, b.CreateString(t.db_dir),
                                        b.CreateVector(files), t.alignment_ns, t.sync_ns));
  }
  std::vector<flatbuffers::Offset<fb::OperatorState>> ops;
  for (const OperatorStateEntry& o : m.operators) {
    ops.push_back(fb::CreateOperatorState(b, b.CreateString(o.uid), b.CreateString(o.op),
                                          o.subtask, o.parallelism, b.CreateString(o.file),
                                          o.size, o.crc32c));
  }
  auto root = fb::CreateCheckpointManifest(
      b, kFormatVersion, b.CreateString(m.job_id), m.checkpoint_id, m.savepoint,
      m.trigger_time_ms, m.complete_time_ms, m.max_parallelism, m.total_bytes,
      b.CreateVector(tasks), b.CreateVector(ops));
  fb::FinishCheckpointManifestBuffer(b, root);
  std::string out(reinterpret_cast<const char*>(b.GetBufferPointer()), b.GetSize());
  const uint32_t crc = crc32c::Value(out.data(), out.size());
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  return out;
}

absl::StatusOr<CheckpointManifest> DecodeManifest(std::string_view bytes) {
  if (bytes.size() < 8 || bytes.size() > kMaxManifestBytes) {
    return Corrupt(absl::StrCat("bad size ", bytes.size()));
  }
  const size_t body = bytes.size() - 4;
  uint32_t crc = 0;
  for (int i = 0; i < 4; ++i) crc |= uint32_t{static_cast<uint8_t>(bytes[body + i])} << (8 * i);
  if (crc != crc32c::Value(bytes.data(), body)) return Corrupt("checksum mismatch");
  const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
  flatbuffers::Verifier verifier(data, body, /*max_depth=*/16, /*max_tables=*/1'000'000);
  if (!fb::VerifyCheckpointManifestBuffer(verifier)) return Corrupt("does not verify");
  const fb::CheckpointManifest* r = fb::GetCheckpointManifest(data);
  if (r->format_version() != kFormatVersion) {
    return Corrupt(absl::StrCat("unknown format version ", r->format_version()));
  }
  CheckpointManifest m;
  m.job_id = Str(r->job_id());
  m.checkpoint_id = r->checkpoint_id();
  m.savepoint = r->savepoint();
  m.trigger_time_ms = r->trigger_time_ms();
  m.complete_time_ms = r->complete_time_ms();
  m.max_parallelism = r->max_parallelism();
  m.total_bytes = r->total_bytes();
  if (m.checkpoint_id <= 0 || m.max_parallelism < 1 || m.max_parallelism > 32768) {
    return Corrupt("checkpoint id or max_parallelism out of range");
  }
  if (r->tasks() != nullptr) {
    for (const fb::TaskState* t : *r->tasks()) {
      TaskStateEntry e{Str(t->name()), Str(t->state_uid()), t->subtask(), Str(t->db_dir()),
                       {}, t->alignment_ns(), t->sync_ns()};
      if (!e.db_dir.empty() && !SafeRelative(e.db_dir)) return Corrupt("bad db_dir " + e.db_dir);
      if (t->db_files() != nullptr) {
        for (const fb::StateFile* f : *t->db_files()) {
          e.db_files.push_back({f->name()->str(), f->size()});
          if (!SafeRelative(e.db_files.back().name)) return Corrupt("bad file name");
        }
      }
      m.tasks.push_back(std::move(e));
    }
  }
  if (r->operators() != nullptr) {
    for (const fb::OperatorState* o : *r->operators()) {
      m.operators.push_back({o->uid()->str(), o->operator_()->str(), o->subtask(),
                             o->parallelism(), o->file()->str(), o->size(), o->crc32c()});
      if (!SafeRelative(m.operators.back().file)) return Corrupt("bad operator file name");
    }
  }
  return m;
}

absl::Status WriteManifest(FileSystem* fs, const std::string& dir, const CheckpointManifest& m) {
  return fs->WriteFileAtomically(JoinPath(dir, kManifestName), EncodeManifest(m));
}

absl::StatusOr<CheckpointManifest> ReadAndVerifyManifest(FileSystem* fs, const std::string& dir) {
  ASSIGN_OR_RETURN(std::string bytes, fs->ReadFileToString(JoinPath(dir, kManifestName)));
  ASSIGN_OR_RETURN(CheckpointManifest m, DecodeManifest(bytes));
  for (const TaskStateEntry& t : m.tasks) {
    for (const StateFileEntry& f : t.db_files) {
      const std::string path = JoinPath(JoinPath(dir, t.db_dir), f.name);
      absl::StatusOr<uint64_t> size = fs->FileSize(path);
      if (!size.ok()) return Corrupt(absl::StrCat("missing state file ", path));
      if (*size != f.size) {
        return Corrupt(absl::StrCat("state file ", path, " has ", *size, " bytes, expected ", f.size));
      }
    }
  }
  for (const OperatorStateEntry& o : m.operators) {
    const std::string path = JoinPath(dir, o.file);
    absl::StatusOr<std::string> data = fs->ReadFileToString(path);
    if (!data.ok()) return Corrupt(absl::StrCat("missing operator state ", path));
    if (data->size() != o.size || crc32c::Value(data->data(), data->size()) != o.crc32c) {
      return Corrupt(absl::StrCat("operator state ", path, " does not match its checksum"));
    }
  }
  return m;
}

}  // namespace rtai::engine::runtime
