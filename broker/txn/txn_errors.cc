#include "broker/txn/txn_errors.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/types/optional.h"

namespace rtai::broker::txn {

absl::Status TxnError(absl::StatusCode code, const char* kafka_name,
                      absl::string_view msg) {
  absl::Status s(code, absl::StrCat(kafka_name, ": ", msg));
  s.SetPayload(kTxnErrorPayload, absl::Cord(kafka_name));
  return s;
}

std::string TxnErrorName(const absl::Status& s) {
  absl::optional<absl::Cord> p = s.GetPayload(kTxnErrorPayload);
  return p.has_value() ? std::string(*p) : std::string();
}


}  // namespace rtai::broker::txn
