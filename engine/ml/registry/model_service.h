#pragma once
// ModelServiceImpl: gRPC ModelService (proto/model_service.proto) over a
// ModelRegistry. absl::Status codes pass through to gRPC unchanged, with the
// registry's actionable messages.
//
// Thread-safe (the registry is). `registry` must outlive the service.

#include "engine/ml/registry/model_registry.h"
#include "proto/model_service.grpc.pb.h"

namespace rtai::ml {

class ModelServiceImpl final : public v1::ModelService::Service {
 public:
  explicit ModelServiceImpl(ModelRegistry* registry) : registry_(registry) {}

  grpc::Status RegisterModel(grpc::ServerContext* ctx,
                             const v1::RegisterModelRequest* req,
                             v1::RegisterModelResponse* resp) override;
  grpc::Status ListModels(grpc::ServerContext* ctx,
                          const v1::ListModelsRequest* req,
                          v1::ListModelsResponse* resp) override;
  grpc::Status DescribeModel(grpc::ServerContext* ctx,
                             const v1::DescribeModelRequest* req,
                             v1::DescribeModelResponse* resp) override;
  grpc::Status PromoteModel(grpc::ServerContext* ctx,
                            const v1::PromoteModelRequest* req,
                            v1::PromoteModelResponse* resp) override;
  grpc::Status RollbackModel(grpc::ServerContext* ctx,
                             const v1::RollbackModelRequest* req,
                             v1::RollbackModelResponse* resp) override;

 private:
  ModelRegistry* const registry_;
};

}  // namespace rtai::ml
