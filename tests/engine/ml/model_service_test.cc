// ModelService over gRPC, in process on 127.0.0.1:0: every RPC, and the
// status codes and messages a client sees.

#include "engine/ml/registry/model_service.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace rtai::ml {
namespace {

using ::testing::HasSubstr;

std::string Linear(double w) {
  return absl::StrCat(
      R"({"format":"rtai.linear","version":1,"objective":"binary:logistic",)"
      R"("intercept":0,"weights":{"x":)",
      w, "}}");
}

class ModelServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ModelRegistryOptions o;
    o.dir = dir_.path() + "/models";
    o.max_model_bytes = 4096;
    registry_ = *ModelRegistry::Open(o, DefaultFileSystem(), &clock_);
    service_ = std::make_unique<ModelServiceImpl>(registry_.get());
    grpc::ServerBuilder b;
    int port = 0;
    b.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    b.RegisterService(service_.get());
    server_ = b.BuildAndStart();
    ASSERT_NE(port, 0);
    stub_ = v1::ModelService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  }
  void TearDown() override { server_->Shutdown(); }

  grpc::Status Register(const std::string& name, const std::string& bytes,
                        const std::string& format,
                        v1::RegisterModelResponse* resp) {
    grpc::ClientContext ctx;
    v1::RegisterModelRequest req;
    req.set_name(name);
    req.set_model(bytes);
    req.set_format(format);
    (*req.mutable_metrics())["auc"] = 0.75;
    return stub_->RegisterModel(&ctx, req, resp);
  }

  testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<ModelRegistry> registry_;
  std::unique_ptr<ModelServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::ModelService::Stub> stub_;
};

TEST_F(ModelServiceTest, RegisterListDescribePromoteRollback) {
  v1::RegisterModelResponse r1, r2;
  ASSERT_TRUE(Register("fraud", Linear(1), "rtai-linear", &r1).ok());
  EXPECT_EQ(r1.version().version(), 1);
  EXPECT_EQ(r1.version().stage(), "challenger");
  EXPECT_EQ(r1.version().metrics().at("auc"), 0.75);
  // Format guessed from the bytes when not given.
  ASSERT_TRUE(Register("fraud", Linear(2), "", &r2).ok());
  EXPECT_EQ(r2.version().format(), "rtai-linear");
  EXPECT_EQ(r2.version().version(), 2);

  {
    grpc::ClientContext ctx;
    v1::ListModelsResponse resp;
    ASSERT_TRUE(stub_->ListModels(&ctx, {}, &resp).ok());
    ASSERT_EQ(resp.models_size(), 1);
    EXPECT_EQ(resp.models(0).latest_version(), 2);
    EXPECT_EQ(resp.models(0).champion(), 0);
  }
  for (int v : {1, 2}) {
    grpc::ClientContext ctx;
    v1::PromoteModelRequest req;
    req.set_ref(absl::StrCat("fraud@", v));
    v1::PromoteModelResponse resp;
    ASSERT_TRUE(stub_->PromoteModel(&ctx, req, &resp).ok());
    EXPECT_EQ(resp.previous_champion(), v - 1);
    EXPECT_EQ(resp.version().stage(), "champion");
  }
  {
    grpc::ClientContext ctx;
    v1::DescribeModelRequest req;
    req.set_ref("fraud");
    v1::DescribeModelResponse resp;
    ASSERT_TRUE(stub_->DescribeModel(&ctx, req, &resp).ok());
    EXPECT_EQ(resp.champion(), 2);
    ASSERT_EQ(resp.versions_size(), 2);
    EXPECT_EQ(resp.versions(0).stage(), "archived");
    ASSERT_EQ(resp.previous_champions_size(), 1);
  }
  {
    grpc::ClientContext ctx;
    v1::DescribeModelRequest req;
    req.set_ref("fraud@champion");
    v1::DescribeModelResponse resp;
    ASSERT_TRUE(stub_->DescribeModel(&ctx, req, &resp).ok());
    ASSERT_EQ(resp.versions_size(), 1);
    EXPECT_EQ(resp.versions(0).version(), 2);
  }
  {
    grpc::ClientContext ctx;
    v1::RollbackModelRequest req;
    req.set_name("fraud");
    v1::RollbackModelResponse resp;
    ASSERT_TRUE(stub_->RollbackModel(&ctx, req, &resp).ok());
    EXPECT_EQ(resp.version().version(), 1);
    EXPECT_EQ(resp.archived_version(), 2);
  }
  EXPECT_EQ(registry_->Resolve("fraud")->info.version.version, 1);
}

TEST_F(ModelServiceTest, ErrorsCarryCodesAndActionableMessages) {
  v1::RegisterModelResponse resp;
  grpc::Status s = Register("m", "{\"learner\": 1}", "xgboost-json", &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("not a valid xgboost-json model"));
  s = Register("m", Linear(1), "onnx", &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(),
              HasSubstr("xgboost-json, xgboost-ubj or rtai-linear"));
  s = Register("m", std::string(5000, ' '), "rtai-linear", &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  s = Register("../m", Linear(1), "", &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  ASSERT_TRUE(Register("m", Linear(1), "", &resp).ok());
  auto promote = [&](const std::string& ref) {
    grpc::ClientContext ctx;
    v1::PromoteModelRequest req;
    req.set_ref(ref);
    v1::PromoteModelResponse r;
    return stub_->PromoteModel(&ctx, req, &r);
  };
  EXPECT_EQ(promote("m@7").error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(promote("x@1").error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(promote("m").error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(promote("m@one").error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(promote("m@1").ok());
  EXPECT_EQ(promote("m@1").error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  grpc::ClientContext ctx;
  v1::RollbackModelRequest req;
  req.set_name("m");
  v1::RollbackModelResponse rr;
  s = stub_->RollbackModel(&ctx, req, &rr);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("no previous champion"));
}

}  // namespace
}  // namespace rtai::ml
