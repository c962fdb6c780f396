#include "engine/runtime/restore.h"

#include "absl/strings/str_cat.h"

namespace rtai::engine::runtime {

absl::Status CheckRestoreCompatible(const graph::ValidatedGraph& g, const CheckpointManifest& m) {
  if (m.max_parallelism != g.max_parallelism) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the checkpoint has max_parallelism ", m.max_parallelism, " but the graph has ",
        g.max_parallelism, " (key groups cannot change)"));
  }
  auto check = [&g](const std::string& uid, const std::string& op, int parallelism,
                    int subtask) -> absl::Status {
    for (const graph::ResolvedNode& n : g.nodes) {
      if (n.uid != uid) continue;
      if (!op.empty() && n.op != op) {
        return absl::FailedPreconditionError(absl::StrCat(
            "the checkpoint has state of node `", uid, "` (", op, ") but the graph's `", uid,
            "` is a ", n.op, "; keep uids stable or use a new uid for a new operator"));
      }
      if (n.parallelism != parallelism || subtask >= n.parallelism) {
        return absl::FailedPreconditionError(absl::StrCat(
            "the checkpoint has state of node `", uid, "` at parallelism ", parallelism,
            " but the graph has ", n.parallelism, " (rescaling is not supported yet)"));
      }
      return absl::OkStatus();
    }
    return absl::FailedPreconditionError(absl::StrCat(
        "the checkpoint has state of node `", uid, "` (", op,
        ") which the graph does not have; state cannot be dropped silently"));
  };
  for (const OperatorStateEntry& o : m.operators) {
    if (absl::Status s = check(o.uid, o.op, o.parallelism, o.subtask); !s.ok()) return s;
  }
  for (const TaskStateEntry& t : m.tasks) {
    if (t.state_uid.empty() || t.db_dir.empty()) continue;
    bool found = false;
    for (const graph::ResolvedNode& n : g.nodes) found |= n.uid == t.state_uid;
    if (!found) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the checkpoint has keyed state of node `", t.state_uid,
          "` which the graph does not have; state cannot be dropped silently"));
    }
  }
  return absl::OkStatus();
}

const TaskStateEntry* FindTaskState(const CheckpointManifest& m, const std::string& state_uid,
                                    int subtask) {
  for (const TaskStateEntry& t : m.tasks) {
    if (!t.db_dir.empty() && t.state_uid == state_uid && t.subtask == subtask) return &t;
  }
  return nullptr;
}

const OperatorStateEntry* FindOperatorState(const CheckpointManifest& m, const std::string& uid,
                                            int subtask) {
  for (const OperatorStateEntry& o : m.operators) {
    if (o.uid == uid && o.subtask == subtask) return &o;
  }
  return nullptr;
}

}  // namespace rtai::engine::runtime
