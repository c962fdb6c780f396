// grpc_auth.h pieces that need no server: the method table (deny by
// default) and the validation of security options.

#include "broker/grpc/grpc_auth.h"

#include <gtest/gtest.h>

namespace rtai::broker {
namespace {

TEST(GrpcAuthTest, MethodsMapToActionsAndUnknownMethodsNeedAdmin) {
  EXPECT_EQ(ActionForMethod("/rtai.job.JobService/SubmitJob"),
            auth::Action::kSubmitJob);
  EXPECT_EQ(ActionForMethod("/rtai.job.JobService/ListJobs"),
            auth::Action::kViewJobs);
  EXPECT_EQ(ActionForMethod("/rtai.v1.BrokerService/CreateTopic"),
            auth::Action::kAdmin);
  EXPECT_EQ(ActionForMethod("/rtai.v1.AdminService/CreateUser"),
            auth::Action::kAdmin);
  // Checked per topic by the service.
  EXPECT_EQ(ActionForMethod("/rtai.v1.BrokerService/Produce"), std::nullopt);
  // Anything not in the table, including reflection and health services
  // and an empty path, is admin-only.
  EXPECT_EQ(ActionForMethod("/grpc.reflection.v1alpha.ServerReflection/Info"),
            auth::Action::kAdmin);
  EXPECT_EQ(ActionForMethod(""), auth::Action::kAdmin);
  EXPECT_EQ(ActionForMethod("/rtai.job.JobService/SubmitJobX"),
            auth::Action::kAdmin);
}

TEST(GrpcAuthTest, TopicChecksAreOffWithoutAuthentication) {
  EXPECT_TRUE(
      CheckTopicAccess(nullptr, /*enforce=*/false, auth::Action::kProduce, "t")
          .ok());
}

TEST(GrpcAuthTest, OptionsRefuseTokensWithoutTlsAndNameUnreadableFiles) {
  auth::PrincipalFile principals("/tmp/unused-principals");
  GrpcSecurityOptions no_tls;
  no_tls.auth_enabled = true;
  no_tls.principals = &principals;
  absl::Status s = no_tls.Validate();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(std::string(s.message()).find("needs TLS"), std::string::npos);
  GrpcSecurityOptions half;
  half.tls_cert_file = "c.pem";
  EXPECT_FALSE(half.Validate().ok());
  GrpcSecurityOptions missing;
  missing.tls_cert_file = "/nonexistent/c.pem";
  missing.tls_key_file = "/nonexistent/k.pem";
  auto creds = MakeGrpcServerCredentials(missing);
  ASSERT_FALSE(creds.ok());
  EXPECT_NE(std::string(creds.status().message()).find("/nonexistent/c.pem"),
            std::string::npos);
  EXPECT_TRUE(MakeGrpcServerCredentials(GrpcSecurityOptions{})
                  .ok());  // plaintext default
}

}  // namespace
}  // namespace rtai::broker
