#pragma once
// gRPC server metrics: a server interceptor that times every call from its
// start to the status being sent and records it in
// rtai_grpc_request_duration_seconds{method, code} (method: the short RPC
// name, e.g. "Produce"; code: the gRPC status code name). Streaming calls
// (Subscribe) are timed over their whole life.

#include "base/metrics/registry.h"
#include "grpcpp/server_builder.h"

namespace rtai::broker {

// Installs the interceptor on `builder` when `registry` is not null (it must
// then outlive the server). Call once per builder, before BuildAndStart.
void AddGrpcMetrics(grpc::ServerBuilder* builder, metrics::Registry* registry);

}  // namespace rtai::broker
