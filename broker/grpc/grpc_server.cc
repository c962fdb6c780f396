#include "broker/grpc/grpc_server.h"

#include "absl/strings/str_cat.h"
#include "grpcpp/resource_quota.h"
#include "grpcpp/security/server_credentials.h"
#include "broker/grpc/grpc_metrics.h"
#include "grpcpp/server_builder.h"

namespace rtai::broker {

absl::StatusOr<std::unique_ptr<GrpcServer>> GrpcServer::Start(
    const GrpcServerOptions& options, Broker* broker, Clock* clock) {
  std::unique_ptr<GrpcServer> s(new GrpcServer());
  s->service_ =
      std::make_unique<BrokerServiceImpl>(broker, clock, options.limits);
  s->service_->EnforceTopicAccess(options.security.auth_enabled);
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      MakeGrpcServerCredentials(options.security);
  if (!credentials.ok()) return credentials.status();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen_address, *credentials, &s->port_);
  // Without this, gRPC sets SO_REUSEPORT and a second server on the same
  // port would silently share its connections.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(options.limits.max_message_bytes);
  builder.SetMaxSendMessageSize(options.limits.max_message_bytes);
  grpc::ResourceQuota quota("rtai-broker-service");
  quota.SetMaxThreads(options.max_threads);
  builder.SetResourceQuota(quota);
  builder.RegisterService(s->service_.get());
  for (grpc::Service* extra : options.extra_services) {
    builder.RegisterService(extra);
  }
  AddGrpcMetrics(&builder, options.metrics);
  s->server_ = builder.BuildAndStart();
  if (s->server_ == nullptr || s->port_ == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen for gRPC on ",
                                               options.listen_address,
                                               " (address in use or invalid)"));
  }
  const size_t colon = options.listen_address.rfind(':');
  s->address_ =
      absl::StrCat(options.listen_address.substr(0, colon), ":", s->port_);
  return s;
}

GrpcServer::~GrpcServer() { Shutdown(0); }

void GrpcServer::Shutdown(int64_t grace_ms) {
  if (shut_down_ || server_ == nullptr) return;
  shut_down_ = true;
  server_->Shutdown(std::chrono::system_clock::now() +
                    std::chrono::milliseconds(grace_ms));
  server_->Wait();
}

}  // namespace rtai::broker
