#pragma once
// GrpcServer: a running gRPC server exposing BrokerService on one address,
// with the message size limits set on both directions.
//
// Thread-safe. `broker` and `clock` must outlive the server.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "base/clock.h"
#include "base/metrics/registry.h"
#include "broker/core/broker.h"
#include "broker/grpc/broker_service.h"
#include "broker/grpc/grpc_auth.h"
#include "grpcpp/server.h"

namespace rtai::broker {

struct GrpcServerOptions {
  // host:port; port 0 picks a free port (see GrpcServer::port()).
  // Default: 127.0.0.1:50051.
  std::string listen_address = "127.0.0.1:50051";
  // Threads serving calls (sync handlers: a long-polling Fetch or a
  // Subscribe stream holds one). Past it new calls fail RESOURCE_EXHAUSTED.
  // Default: 512.
  int max_threads = 512;
  BrokerServiceLimits limits;
  // More services on the same server (rtaid: JobService, ModelService).
  // Not owned; each must outlive the server. Default: none.
  std::vector<grpc::Service*> extra_services;
  // Call durations go here (see grpc_metrics.h); nullptr: not recorded.
  // Must outlive the server. Default: nullptr.
  metrics::Registry* metrics = nullptr;
  // TLS and authentication (grpc_auth.h). Default: plaintext, no auth.
  GrpcSecurityOptions security;
};

class GrpcServer {
 public:
  // kUnavailable if the address cannot be bound; kInvalidArgument for bad
  // security options or unreadable certificate files.
  static absl::StatusOr<std::unique_ptr<GrpcServer>> Start(
      const GrpcServerOptions& options, Broker* broker, Clock* clock);
  ~GrpcServer();

  // The bound port (resolves port 0).
  int port() const { return port_; }
  // "host:port" actually bound.
  const std::string& address() const { return address_; }
  // Stops accepting calls; in-flight calls get up to `grace_ms`, then are
  // cancelled. Idempotent.
  void Shutdown(int64_t grace_ms = 2000);

 private:
  GrpcServer() = default;
  std::unique_ptr<BrokerServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::string address_;
  bool shut_down_ = false;
};

}  // namespace rtai::broker
