#pragma once
// absl::Status <-> grpc::Status, converted once at the gRPC edge. The code
// numbering is the same (both follow google.rpc.Code).

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace rtai::broker {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace rtai::broker
