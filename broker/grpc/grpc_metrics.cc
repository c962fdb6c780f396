#include "broker/grpc/grpc_metrics.h"

#include <memory>
#include <string>
#include <vector>

#include "grpcpp/support/server_interceptor.h"

namespace rtai::broker {
namespace {

namespace gx = grpc::experimental;

const char* CodeName(grpc::StatusCode code) {
  static constexpr const char* kNames[] = {
      "OK",        "CANCELLED",      "UNKNOWN",           "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
      "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};
  const int i = static_cast<int>(code);
  return i >= 0 && i < 17 ? kNames[i] : "OTHER";
}

class MetricsInterceptor : public gx::Interceptor {
 public:
  MetricsInterceptor(gx::ServerRpcInfo* info, metrics::Family<metrics::Histogram>* durations,
                     Clock* clock)
      : durations_(durations), clock_(clock), start_(clock->MonotonicNanos()) {
    const std::string full = info->method() != nullptr ? info->method() : "";
    method_ = full.substr(full.rfind('/') + 1);
  }

  void Intercept(gx::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(gx::InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      durations_->WithLabels({method_, CodeName(status.error_code())})
          ->Observe(clock_->MonotonicNanos() - start_);
    }
    methods->Proceed();
  }

 private:
  metrics::Family<metrics::Histogram>* const durations_;
  Clock* const clock_;
  const int64_t start_;
  std::string method_;
};

class MetricsInterceptorFactory : public gx::ServerInterceptorFactoryInterface {
 public:
  explicit MetricsInterceptorFactory(metrics::Registry* registry)
      : clock_(registry->clock()),
        durations_(registry->HistogramFamily(
            "rtai_grpc_request_duration_seconds",
            "gRPC calls from start to status, by method and status code.", {"method", "code"},
            metrics::LatencyBoundsNanos(), 1e-9, /*max_series=*/256)) {}

  gx::Interceptor* CreateServerInterceptor(gx::ServerRpcInfo* info) override {
    return new MetricsInterceptor(info, durations_, clock_);  // gRPC takes ownership
  }

 private:
  Clock* const clock_;
  metrics::Family<metrics::Histogram>* const durations_;
};

}  // namespace

void AddGrpcMetrics(grpc::ServerBuilder* builder, metrics::Registry* registry) {
  if (registry == nullptr) return;
  std::vector<std::unique_ptr<gx::ServerInterceptorFactoryInterface>> creators;
  creators.push_back(std::make_unique<MetricsInterceptorFactory>(registry));
  builder->experimental().SetInterceptorCreators(std::move(creators));
}

}  // namespace rtai::broker
