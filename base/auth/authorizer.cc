#include "base/auth/authorizer.h"

namespace rtai::auth {

std::string_view ActionName(Action action) {
  switch (action) {
    case Action::kAdmin:
      return "admin";
    case Action::kSubmitJob:
      return "submit-job";
    case Action::kViewJobs:
      return "view-jobs";
    case Action::kProduce:
      return "produce";
    case Action::kConsume:
      return "consume";
    case Action::kDescribeTopic:
      return "describe-topic";
  }
  return "unknown";
}

bool TopicMatches(std::string_view pattern, std::string_view topic) {
  if (pattern.ends_with('*'))
    return topic.starts_with(pattern.substr(0, pattern.size() - 1));
  return pattern == topic;
}

bool IsAllowed(const Principal* principal, Action action,
               std::string_view resource) {
  if (principal == nullptr) return false;
  for (const std::string& role : principal->roles) {
    if (role == "admin") return true;
    if (role == "submit-jobs" &&
        (action == Action::kSubmitJob || action == Action::kViewJobs)) {
      return true;
    }
    const bool produce = role.starts_with("produce:");
    const bool consume = role.starts_with("consume:");
    if (!produce && !consume) continue;
    const bool action_matches = action == Action::kDescribeTopic ||
                                (produce && action == Action::kProduce) ||
                                (consume && action == Action::kConsume);
    if (action_matches &&
        TopicMatches(std::string_view(role).substr(8), resource))
      return true;
  }
  return false;
}

}  // namespace rtai::auth
