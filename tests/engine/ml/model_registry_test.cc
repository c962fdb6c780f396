// ModelRegistry: register/list/describe/promote/rollback, content hashing,
// validation, bounds, restart, and corrupt manifests or blobs.

#include "engine/ml/registry/model_registry.h"

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/ml/registry/model_ref.h"
#include "engine/ml/registry/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/fault_injection_file_system.h"
#include "tests/testing/temp_dir.h"

namespace rtai::ml {
namespace {

using ::testing::HasSubstr;

// Saved by libxgboost 1.7.4 (one single-leaf tree, binary:logistic).
constexpr char kXgbJson[] =
    R"({"learner":{"attributes":{},"feature_names":[],"feature_types":[],)"
    R"("gradient_booster":{"model":{"gbtree_model_param":{"num_parallel_tree":"1",)"
    R"("num_trees":"1","size_leaf_vector":"0"},"tree_info":[0],"trees":[{)"
    R"("base_weights":[-0E0],"categories":[],"categories_nodes":[],)"
    R"("categories_segments":[],"categories_sizes":[],"default_left":[0],"id":0,)"
    R"("left_children":[-1],"loss_changes":[0E0],"parents":[2147483647],)"
    R"("right_children":[-1],"split_conditions":[-0E0],"split_indices":[0],)"
    R"("split_type":[0],"sum_hessian":[1E0],"tree_param":{"num_deleted":"0",)"
    R"("num_feature":"1","num_nodes":"1","size_leaf_vector":"0"}}]},"name":"gbtree"},)"
    R"("learner_model_param":{"base_score":"5E-1","boost_from_average":"0",)"
    R"("num_class":"0","num_feature":"1","num_target":"1"},"objective":{)"
    R"("name":"binary:logistic","reg_loss_param":{"scale_pos_weight":"1"}}},)"
    R"("version":[1,7,4]})";

std::string Linear(double w) {
  return absl::StrCat(
      R"({"format":"rtai.linear","version":1,"objective":"binary:logistic",)"
      R"("intercept":0.5,"weights":{"amount":)",
      w, "}}");
}

class ModelRegistryTest : public ::testing::Test {
 protected:
  ModelRegistryOptions Options() {
    ModelRegistryOptions o;
    o.dir = dir_.path() + "/models";
    return o;
  }
  std::unique_ptr<ModelRegistry> Open(FileSystem* fs = DefaultFileSystem()) {
    auto r = ModelRegistry::Open(Options(), fs, &clock_);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *std::move(r) : nullptr;
  }
  std::string ManifestText() {
    return *DefaultFileSystem()->ReadFileToString(Options().dir +
                                                  "/manifest.json");
  }
  size_t BlobCount() {
    return DefaultFileSystem()->ListDir(Options().dir + "/blobs")->size();
  }

  testing::TempDir dir_;
  FakeClock clock_{1700000000000};
};

TEST(Sha256Test, MatchesKnownVectors) {
  EXPECT_EQ(Sha256Hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(IsSha256Hex(Sha256Hex("x")));
  EXPECT_FALSE(IsSha256Hex("ABC"));
}

TEST(ModelRefTest, ParsesTheThreeForms) {
  auto a = ParseModelRef("fraud");
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->champion());
  auto b = ParseModelRef("fraud@champion");
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->champion());
  auto c = ParseModelRef("fraud.v2-x_y@12");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->name, "fraud.v2-x_y");
  EXPECT_EQ(c->version, 12);
  EXPECT_EQ(c->ToString(), "fraud.v2-x_y@12");
  for (const char* bad :
       {"", "@1", "fraud@", "fraud@0", "fraud@-1", "fraud@1x", "fraud@+1",
        "a/b@1", "../etc", ".hidden", "fr aud", "fraud@latest", "fraud@1@2"}) {
    EXPECT_FALSE(ParseModelRef(bad).ok()) << bad;
  }
  EXPECT_FALSE(ParseModelRef(std::string(129, 'a')).ok());
}

TEST(ModelFormatTest, NamesParseAndSniff) {
  for (ModelFormat f : {ModelFormat::kXgboostJson, ModelFormat::kXgboostUbj,
                        ModelFormat::kRtaiLinear}) {
    EXPECT_EQ(*ParseModelFormat(ModelFormatName(f)), f);
  }
  EXPECT_FALSE(ParseModelFormat("onnx").ok());
  EXPECT_EQ(SniffModelFormat(kXgbJson), ModelFormat::kXgboostJson);
  EXPECT_EQ(SniffModelFormat(Linear(1)), ModelFormat::kRtaiLinear);
  EXPECT_EQ(SniffModelFormat(
                std::string("{L\x00\x00\x00\x00\x00\x00\x00\x07learner", 16)),
            ModelFormat::kXgboostUbj);
  EXPECT_EQ(SniffModelFormat(""), ModelFormat::kXgboostJson);
}

TEST_F(ModelRegistryTest, ConcurrentRegistrationsGetDistinctVersions) {
  ModelRegistryOptions o = Options();
  o.max_versions_per_name = 100;
  auto reg = *ModelRegistry::Open(o, DefaultFileSystem(), &clock_);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        EXPECT_TRUE(reg->Register("m", ModelFormat::kRtaiLinear,
                                  Linear(t * 100 + i), {})
                        .ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  auto d = *reg->Describe("m");
  ASSERT_EQ(d.versions.size(), 40u);
  for (int i = 0; i < 40; ++i) EXPECT_EQ(d.versions[i].version, i + 1);
  EXPECT_EQ(BlobCount(), 40u);
  reg.reset();
  EXPECT_EQ(Open()->Describe("m")->versions.size(), 40u);
}

TEST_F(ModelRegistryTest, RegisterListDescribePromoteRollback) {
  auto reg = Open();
  auto v1 = reg->Register("fraud", ModelFormat::kXgboostJson, kXgbJson,
                          {{"auc", 0.91}});
  ASSERT_TRUE(v1.ok()) << v1.status();
  EXPECT_EQ(v1->version.version, 1);
  EXPECT_EQ(v1->version.stage, ModelStage::kChallenger);
  EXPECT_EQ(v1->version.sha256, Sha256Hex(kXgbJson));
  EXPECT_EQ(v1->version.created_ms, 1700000000000);
  clock_.AdvanceMillis(5);
  auto v2 = reg->Register("fraud", ModelFormat::kRtaiLinear, Linear(0.25), {});
  ASSERT_TRUE(v2.ok()) << v2.status();
  EXPECT_EQ(v2->version.version, 2);
  EXPECT_EQ(v2->version.created_ms, 1700000000005);
  ASSERT_TRUE(
      reg->Register("other", ModelFormat::kRtaiLinear, Linear(1), {}).ok());

  auto list = reg->List();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].name, "fraud");
  EXPECT_EQ(list[0].versions.size(), 2u);

  // No champion yet: references to it fail with a way out.
  EXPECT_EQ(reg->Resolve("fraud").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(reg->Resolve("fraud").status().message(),
              HasSubstr("rtai-cli model promote fraud@VERSION"));

  ASSERT_TRUE(reg->Promote({"fraud", 1}).ok());
  auto r = reg->Resolve("fraud");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->bytes, kXgbJson);
  EXPECT_EQ(r->info.version.version, 1);
  EXPECT_TRUE(LoadModelBytes(r->info.version.format, r->bytes).ok());
  EXPECT_EQ(reg->Promote({"fraud", 1}).status().code(),
            absl::StatusCode::kFailedPrecondition);

  ASSERT_TRUE(reg->Promote({"fraud", 2}).ok());
  auto d = reg->Describe("fraud");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->champion, 2);
  EXPECT_EQ(d->Find(1)->stage, ModelStage::kArchived);
  EXPECT_EQ(d->Find(2)->stage, ModelStage::kChampion);
  EXPECT_EQ(reg->Resolve("fraud@champion")->info.version.version, 2);
  EXPECT_EQ(reg->Resolve("fraud@1")->bytes, kXgbJson);

  auto back = reg->Rollback("fraud");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->version.version, 1);
  EXPECT_EQ(reg->Describe("fraud")->Find(2)->stage, ModelStage::kArchived);
  EXPECT_EQ(reg->Resolve("fraud")->info.version.version, 1);
  auto again = reg->Rollback("fraud");
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(again.status().message(), HasSubstr("no previous champion"));

  EXPECT_EQ(reg->Resolve("fraud@9").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_THAT(reg->Resolve("fraud@9").status().message(),
              HasSubstr("versions: 1, 2"));
  EXPECT_EQ(reg->Resolve("nope").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(reg->Rollback("nope").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(reg->Resolve("../x").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ModelRegistryTest, IdenticalBytesAreStoredOnce) {
  auto reg = Open();
  auto a = reg->Register("a", ModelFormat::kXgboostJson, kXgbJson, {});
  auto again =
      reg->Register("a", ModelFormat::kXgboostJson, kXgbJson, {{"auc", 0.5}});
  ASSERT_TRUE(a.ok() && again.ok());
  EXPECT_TRUE(again->deduplicated);
  EXPECT_EQ(again->version.version, 1);
  EXPECT_TRUE(again->version.metrics.empty());
  auto b = reg->Register("b", ModelFormat::kXgboostJson, kXgbJson, {});
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b->deduplicated);
  EXPECT_EQ(b->version.sha256, a->version.sha256);
  EXPECT_EQ(BlobCount(), 1u);
  ASSERT_TRUE(reg->Register("b", ModelFormat::kRtaiLinear, Linear(2), {}).ok());
  EXPECT_EQ(BlobCount(), 2u);
}

TEST_F(ModelRegistryTest,
       RejectsCorruptOrUnsupportedModelsAndRegistersNothing) {
  auto reg = Open();
  std::string truncated = kXgbJson;
  truncated.resize(truncated.size() / 2);
  std::string dart = kXgbJson;
  dart.replace(dart.find("\"gbtree\"}"), 8, "\"dart\"");
  const std::pair<ModelFormat, std::string> bad[] = {
      {ModelFormat::kXgboostJson, truncated},
      {ModelFormat::kXgboostJson, dart},
      {ModelFormat::kXgboostJson, ""},
      {ModelFormat::kXgboostUbj, kXgbJson},  // JSON text is not UBJSON
      {ModelFormat::kRtaiLinear, kXgbJson},
      {ModelFormat::kXgboostJson, Linear(1)},
      {ModelFormat::kRtaiLinear, std::string("\x00\xff\x10", 3)},
  };
  for (const auto& [format, bytes] : bad) {
    auto r = reg->Register("m", format, bytes, {});
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument)
        << ModelFormatName(format) << " " << r.status();
    EXPECT_THAT(r.status().message(), HasSubstr("model rejected"));
  }
  EXPECT_TRUE(reg->List().empty());
  EXPECT_EQ(BlobCount(), 0u);
  EXPECT_FALSE(DefaultFileSystem()->Exists(Options().dir + "/manifest.json"));
  EXPECT_EQ(reg->Register("m", ModelFormat::kRtaiLinear, Linear(1),
                          {{"auc", std::nan("")}})
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(reg->Register("a/b", ModelFormat::kRtaiLinear, Linear(1), {})
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ModelRegistryTest, EnforcesSizeAndVersionBounds) {
  ModelRegistryOptions o = Options();
  o.max_model_bytes = 200;  // the linear models fit, the XGBoost one does not
  o.max_versions_per_name = 3;
  o.max_names = 2;
  auto reg = *ModelRegistry::Open(o, DefaultFileSystem(), &clock_);
  EXPECT_EQ(reg->Register("m", ModelFormat::kXgboostJson, kXgbJson, {})
                .status()
                .code(),
            absl::StatusCode::kResourceExhausted);
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(
        reg->Register("m", ModelFormat::kRtaiLinear, Linear(i), {}).ok());
  }
  ASSERT_TRUE(reg->Promote({"m", 1}).ok());
  ASSERT_TRUE(reg->Promote({"m", 2}).ok());  // history: [1]
  ASSERT_TRUE(reg->Register("m", ModelFormat::kRtaiLinear, Linear(4), {}).ok());
  // Three kept; the oldest non-champion (1) went, and with it the history.
  auto d = *reg->Describe("m");
  ASSERT_EQ(d.versions.size(), 3u);
  EXPECT_EQ(d.versions[0].version, 2);
  EXPECT_EQ(d.versions[2].version, 4);
  EXPECT_TRUE(d.previous_champions.empty());
  EXPECT_EQ(BlobCount(), 3u);  // blob of version 1 deleted
  EXPECT_EQ(reg->Resolve("m@1").status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(reg->Register("n", ModelFormat::kRtaiLinear, Linear(1), {}).ok());
  EXPECT_EQ(reg->Register("o", ModelFormat::kRtaiLinear, Linear(1), {})
                .status()
                .code(),
            absl::StatusCode::kResourceExhausted);
}

TEST_F(ModelRegistryTest, RestartKeepsTheRegistry) {
  {
    auto reg = Open();
    ASSERT_TRUE(reg->Register("fraud", ModelFormat::kXgboostJson, kXgbJson,
                              {{"auc", 0.875}, {"log loss", 0.25}})
                    .ok());
    ASSERT_TRUE(
        reg->Register("fraud", ModelFormat::kRtaiLinear, Linear(1), {}).ok());
    ASSERT_TRUE(reg->Promote({"fraud", 1}).ok());
    ASSERT_TRUE(reg->Promote({"fraud", 2}).ok());
  }
  const std::string before = ManifestText();
  auto reg = Open();
  EXPECT_EQ(
      EncodeManifest(RegistryManifest{{{"fraud", *reg->Describe("fraud")}}}),
      before);
  auto d = *reg->Describe("fraud");
  EXPECT_EQ(d.champion, 2);
  EXPECT_EQ(d.previous_champions, std::vector<int64_t>{1});
  EXPECT_EQ(d.Find(1)->metrics.at("log loss"), 0.25);
  EXPECT_EQ(reg->Rollback("fraud")->version.version, 1);
  auto v3 = reg->Register("fraud", ModelFormat::kRtaiLinear, Linear(3), {});
  EXPECT_EQ(v3->version.version, 3);
}

TEST_F(ModelRegistryTest, CorruptManifestIsAClearError) {
  {
    ASSERT_TRUE(
        Open()->Register("m", ModelFormat::kRtaiLinear, Linear(1), {}).ok());
  }
  const std::string good = ManifestText();
  const std::string path = Options().dir + "/manifest.json";
  const std::string bad[] = {
      good.substr(0, good.size() / 2),
      "",
      "{\"format\": \"rtai.model_registry\", \"version\": 2, \"models\": []}",
      std::string(good).replace(good.find("\"challenger\""), 12, "\"boss\""),
      std::string(good).replace(good.find("\"champion\": 0"), 13,
                                "\"champion\": 7"),
      std::string(good).replace(good.find("\"sha256\": \"") + 11, 1, "Z"),
  };
  for (const std::string& text : bad) {
    ASSERT_TRUE(DefaultFileSystem()->WriteFileAtomically(path, text).ok());
    auto r = ModelRegistry::Open(Options(), DefaultFileSystem(), &clock_);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss) << text;
    EXPECT_THAT(r.status().message(), HasSubstr("manifest.json is corrupt"));
  }
  // A manifest whose blob is gone.
  ASSERT_TRUE(DefaultFileSystem()->WriteFileAtomically(path, good).ok());
  const std::string blob = Options().dir + "/blobs/" + Sha256Hex(Linear(1));
  ASSERT_TRUE(DefaultFileSystem()->DeleteFile(blob).ok());
  auto r = ModelRegistry::Open(Options(), DefaultFileSystem(), &clock_);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(r.status().message(), HasSubstr("missing"));
}

TEST_F(ModelRegistryTest, TamperedBlobIsDataLossOnResolve) {
  auto reg = Open();
  ASSERT_TRUE(reg->Register("m", ModelFormat::kRtaiLinear, Linear(1), {}).ok());
  const std::string blob = Options().dir + "/blobs/" + Sha256Hex(Linear(1));
  std::string other = Linear(2);
  other.resize(Linear(1).size(), ' ');
  ASSERT_TRUE(DefaultFileSystem()->WriteFileAtomically(blob, other).ok());
  EXPECT_EQ(reg->Resolve("m@1").status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(ModelRegistryTest, FailedManifestWriteLeavesNothingHalfRegistered) {
  testing::FaultInjectionFileSystem fs(DefaultFileSystem());
  auto reg = Open(&fs);
  ASSERT_TRUE(reg->Register("m", ModelFormat::kRtaiLinear, Linear(1), {}).ok());
  const std::string before = ManifestText();
  fs.SetFailAllSyncs(true);
  EXPECT_FALSE(
      reg->Register("m", ModelFormat::kRtaiLinear, Linear(2), {}).ok());
  fs.SetFailAllSyncs(false);
  EXPECT_EQ(reg->Describe("m")->versions.size(), 1u);
  EXPECT_EQ(ManifestText(), before);
  // A restart removes any blob written before the failure.
  reg.reset();
  reg = Open(&fs);
  EXPECT_EQ(BlobCount(), 1u);
  auto v2 = reg->Register("m", ModelFormat::kRtaiLinear, Linear(2), {});
  EXPECT_EQ(v2->version.version, 2);
}

}  // namespace
}  // namespace rtai::ml
