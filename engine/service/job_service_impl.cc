#include "engine/service/job_service_impl.h"

namespace rtai::engine::service {
namespace {

grpc::Status ToGrpc(const absl::Status& s) {
  if (s.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()), std::string(s.message()));
}

}  // namespace

grpc::Status JobServiceImpl::SubmitJob(grpc::ServerContext*, const job::SubmitJobRequest* req,
                                       job::SubmitJobResponse* resp) {
  absl::StatusOr<std::string> id = manager_->Submit(req->graph(), req->from_savepoint());
  if (!id.ok()) return ToGrpc(id.status());
  resp->set_job_id(*id);
  return grpc::Status::OK;
}

grpc::Status JobServiceImpl::ListJobs(grpc::ServerContext*, const job::ListJobsRequest*,
                                      job::ListJobsResponse* resp) {
  for (job::JobStatus& s : manager_->List()) *resp->add_jobs() = std::move(s);
  return grpc::Status::OK;
}

grpc::Status JobServiceImpl::GetJob(grpc::ServerContext*, const job::GetJobRequest* req,
                                    job::GetJobResponse* resp) {
  absl::StatusOr<job::GetJobResponse> r = manager_->Get(req->job_id());
  if (!r.ok()) return ToGrpc(r.status());
  *resp = std::move(*r);
  return grpc::Status::OK;
}

grpc::Status JobServiceImpl::CancelJob(grpc::ServerContext*, const job::CancelJobRequest* req,
                                       job::CancelJobResponse* resp) {
  std::string savepoint_id;
  absl::StatusOr<job::JobStatus> r =
      manager_->Cancel(req->job_id(), req->savepoint() ? &savepoint_id : nullptr);
  if (!r.ok()) return ToGrpc(r.status());
  *resp->mutable_status() = std::move(*r);
  resp->set_savepoint_id(savepoint_id);
  return grpc::Status::OK;
}

grpc::Status JobServiceImpl::TriggerSavepoint(grpc::ServerContext*,
                                              const job::TriggerSavepointRequest* req,
                                              job::TriggerSavepointResponse* resp) {
  absl::StatusOr<SavepointInfo> r = manager_->Savepoint(req->job_id());
  if (!r.ok()) return ToGrpc(r.status());
  resp->set_savepoint_id(r->id);
  resp->set_checkpoint_id(r->checkpoint_id);
  return grpc::Status::OK;
}

}  // namespace rtai::engine::service
