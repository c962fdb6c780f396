#include "engine/ml/registry/model_service.h"

#include <map>
#include <string>

#include "engine/ml/registry/model_ref.h"

namespace rtai::ml {
namespace {

// absl and gRPC share the canonical code numbering.
grpc::Status ToGrpc(const absl::Status& s) {
  if (s.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()),
                      std::string(s.message()));
}

void Fill(const ModelVersion& v, v1::ModelVersionInfo* out) {
  out->set_version(v.version);
  out->set_format(ModelFormatName(v.format));
  out->set_sha256(v.sha256);
  out->set_size_bytes(v.size_bytes);
  out->set_created_ms(v.created_ms);
  out->set_stage(ModelStageName(v.stage));
  for (const auto& [k, value] : v.metrics) (*out->mutable_metrics())[k] = value;
}

}  // namespace

grpc::Status ModelServiceImpl::RegisterModel(
    grpc::ServerContext*, const v1::RegisterModelRequest* req,
    v1::RegisterModelResponse* resp) {
  ModelFormat format = SniffModelFormat(req->model());
  if (!req->format().empty()) {
    auto parsed = ParseModelFormat(req->format());
    if (!parsed.ok()) return ToGrpc(parsed.status());
    format = *parsed;
  }
  std::map<std::string, double> metrics(req->metrics().begin(),
                                        req->metrics().end());
  auto info = registry_->Register(req->name(), format, req->model(), metrics);
  if (!info.ok()) return ToGrpc(info.status());
  resp->set_name(info->name);
  Fill(info->version, resp->mutable_version());
  resp->set_deduplicated(info->deduplicated);
  return grpc::Status::OK;
}

grpc::Status ModelServiceImpl::ListModels(grpc::ServerContext*,
                                          const v1::ListModelsRequest*,
                                          v1::ListModelsResponse* resp) {
  for (const ModelEntry& e : registry_->List()) {
    v1::ModelSummary* m = resp->add_models();
    m->set_name(e.name);
    m->set_champion(e.champion);
    m->set_latest_version(e.versions.empty() ? 0 : e.versions.back().version);
    m->set_version_count(static_cast<int32_t>(e.versions.size()));
  }
  return grpc::Status::OK;
}

grpc::Status ModelServiceImpl::DescribeModel(
    grpc::ServerContext*, const v1::DescribeModelRequest* req,
    v1::DescribeModelResponse* resp) {
  auto ref = ParseModelRef(req->ref());
  if (!ref.ok()) return ToGrpc(ref.status());
  auto entry = registry_->Describe(ref->name);
  if (!entry.ok()) return ToGrpc(entry.status());
  resp->set_name(entry->name);
  resp->set_champion(entry->champion);
  for (int64_t p : entry->previous_champions) resp->add_previous_champions(p);
  const bool one = req->ref().find('@') != std::string::npos;
  if (!one) {
    for (const ModelVersion& v : entry->versions) Fill(v, resp->add_versions());
    return grpc::Status::OK;
  }
  auto info = registry_->Lookup(*ref);
  if (!info.ok()) return ToGrpc(info.status());
  Fill(info->version, resp->add_versions());
  return grpc::Status::OK;
}

grpc::Status ModelServiceImpl::PromoteModel(grpc::ServerContext*,
                                            const v1::PromoteModelRequest* req,
                                            v1::PromoteModelResponse* resp) {
  auto ref = ParseModelRef(req->ref());
  if (!ref.ok()) return ToGrpc(ref.status());
  auto info = registry_->Promote(*ref);
  if (!info.ok()) return ToGrpc(info.status());
  resp->set_name(info->name);
  Fill(info->version, resp->mutable_version());
  resp->set_previous_champion(info->replaced_champion);
  return grpc::Status::OK;
}

grpc::Status ModelServiceImpl::RollbackModel(
    grpc::ServerContext*, const v1::RollbackModelRequest* req,
    v1::RollbackModelResponse* resp) {
  auto info = registry_->Rollback(req->name());
  if (!info.ok()) return ToGrpc(info.status());
  resp->set_name(info->name);
  Fill(info->version, resp->mutable_version());
  resp->set_archived_version(info->replaced_champion);
  return grpc::Status::OK;
}

}  // namespace rtai::ml
