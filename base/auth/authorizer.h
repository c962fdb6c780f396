#pragma once
// Authorizer: decides whether a principal may perform an action, from the
// principal's roles (principal_store.h). Deny by default: a principal
// without a matching role, or no principal at all, is refused.
//
//   admin         everything
//   submit-jobs   kSubmitJob, kViewJobs
//   produce:P     kProduce on topics matching P (and kDescribeTopic)
//   consume:P     kConsume on topics matching P (and kDescribeTopic)
//
// Thread-safe (stateless).

#include <string_view>

#include "base/auth/principal_store.h"

namespace rtai::auth {

enum class Action {
  kAdmin,          // cluster / topic / user administration, model upload
  kSubmitJob,      // submit, cancel, rescale jobs
  kViewJobs,       // list and describe jobs
  kProduce,        // write to a topic (resource: topic)
  kConsume,        // read a topic or commit its offsets (resource: topic)
  kDescribeTopic,  // metadata of a topic (resource: topic)
};

std::string_view ActionName(Action action);

// True when `pattern` ("orders", "orders-*", "*") matches `topic`.
bool TopicMatches(std::string_view pattern, std::string_view topic);

// `principal` may be nullptr (unauthenticated): always false.
bool IsAllowed(const Principal* principal, Action action,
               std::string_view resource = {});

}  // namespace rtai::auth
