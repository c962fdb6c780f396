#pragma once
// RecordFormat: the --format template of `rtai-cli consume`.
//   %k key  %v value  %o offset  %p partition  %t timestamp (ms)  %% percent
//   \n newline  \t tab  \\ backslash. A newline is added at the end.
// Null keys and values print as empty.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "proto/broker.pb.h"

namespace rtai::cli {

class RecordFormat {
 public:
  // kInvalidArgument naming the bad directive.
  static absl::StatusOr<RecordFormat> Parse(const std::string& spec);
  std::string Format(const v1::FetchedRecord& r) const;

 private:
  // Literal text, or a one-letter field (k v o p t) when `field` != 0.
  struct Part {
    char field = 0;
    std::string text;
  };
  std::vector<Part> parts_;
};

}  // namespace rtai::cli
