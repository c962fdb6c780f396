#pragma once
// JobServiceImpl: the gRPC JobService (proto/job_service.proto) over a
// JobManager. absl::Status codes map 1:1 to gRPC codes (a bad graph is
// INVALID_ARGUMENT with the validator's message, an unknown id NOT_FOUND).
// Thread-safe; the manager must outlive the service.

#include "engine/service/job_manager.h"
#include "proto/job_service.grpc.pb.h"

namespace rtai::engine::service {

class JobServiceImpl final : public job::JobService::Service {
 public:
  explicit JobServiceImpl(JobManager* manager) : manager_(manager) {}

  grpc::Status SubmitJob(grpc::ServerContext*, const job::SubmitJobRequest* req,
                         job::SubmitJobResponse* resp) override;
  grpc::Status ListJobs(grpc::ServerContext*, const job::ListJobsRequest* req,
                        job::ListJobsResponse* resp) override;
  grpc::Status GetJob(grpc::ServerContext*, const job::GetJobRequest* req,
                      job::GetJobResponse* resp) override;
  grpc::Status CancelJob(grpc::ServerContext*, const job::CancelJobRequest* req,
                         job::CancelJobResponse* resp) override;
  grpc::Status TriggerSavepoint(grpc::ServerContext*, const job::TriggerSavepointRequest* req,
                                job::TriggerSavepointResponse* resp) override;

 private:
  JobManager* manager_;
};

}  // namespace rtai::engine::service
