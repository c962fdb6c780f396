// Our evaluator against libxgboost 1.7.4 (Debian): fixtures are trained and
// predicted by /usr/bin/python3 + xgboost at test time.

#include "engine/ml/model/xgboost_model.h"

#include <cmath>
#include <sstream>

#include "absl/strings/str_replace.h"
#include "base/random.h"
#include "gtest/gtest.h"
#include "tests/engine/ml/ml_test_util.h"

namespace rtai::ml {
namespace {

using testing::ReadFileOrDie;
using testing::ReadVector;

struct Case {
  std::string name;
  uint32_t features, outputs, rows;
};

class XgboostModelTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(testing::CachedFixtures("make_xgb_fixtures.py"));
    ASSERT_FALSE(dir_->empty())
        << "fixture generation failed (needs python3-xgboost)";
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::vector<Case> Cases() {
    std::istringstream in(ReadFileOrDie(*dir_ + "/cases.txt"));
    std::vector<Case> cases;
    Case c;
    while (in >> c.name >> c.features >> c.outputs >> c.rows)
      cases.push_back(c);
    return cases;
  }
  static std::string Path(const std::string& name, const char* ext) {
    return *dir_ + "/" + name + ext;
  }
  static inline std::string* dir_ = nullptr;
};

void ExpectMatchesXgboost(const TreeEnsemble& model, const Case& c,
                          const std::vector<float>& rows,
                          const std::vector<float>& want) {
  ASSERT_EQ(model.num_features(), c.features);
  ASSERT_EQ(model.num_outputs(), c.outputs);
  ASSERT_EQ(rows.size(), size_t{c.rows} * c.features);
  ASSERT_EQ(want.size(), size_t{c.rows} * c.outputs);
  std::vector<float> got(want.size());
  model.PredictBatch(rows, absl::MakeSpan(got));
  double max_diff = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    max_diff = std::max(max_diff, std::fabs(double{got[i]} - want[i]));
  }
  EXPECT_LE(max_diff, 1e-6) << c.name;
}

TEST_F(XgboostModelTest, JsonAndUbjsonMatchLibxgboostOnEveryFixture) {
  const std::vector<Case> cases = Cases();
  ASSERT_GE(cases.size(), 10u);
  for (const Case& c : cases) {
    const auto rows = ReadVector<float>(Path(c.name, ".rows"));
    const auto want = ReadVector<float>(Path(c.name, ".pred"));
    size_t nan_count = 0;
    for (float f : rows) nan_count += std::isnan(f);
    if (c.name.find("missing") != std::string::npos) {
      EXPECT_GT(nan_count, 0u);
    }
    for (const char* ext : {".json", ".ubj"}) {
      auto model = LoadXgboostModel(ReadFileOrDie(Path(c.name, ext)));
      ASSERT_TRUE(model.ok()) << c.name << ext << ": " << model.status();
      ExpectMatchesXgboost(*model, c, rows, want);
    }
  }
}

TEST_F(XgboostModelTest, BenchModelHasHundredDepthSixTrees) {
  auto model = LoadXgboostJson(ReadFileOrDie(Path("bench_100x6", ".json")));
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->num_trees(), 100u);
  EXPECT_GT(model->num_nodes(), 100u * 80);  // mostly full depth-6 trees
  EXPECT_LE(model->num_nodes(), 100u * 127);
}

TEST_F(XgboostModelTest, KeepsFeatureNames) {
  auto named = LoadXgboostJson(ReadFileOrDie(Path("binary_d3", ".json")));
  ASSERT_TRUE(named.ok()) << named.status();
  EXPECT_EQ(
      named->feature_names(),
      (std::vector<std::string>{"f_0", "f_1", "f_2", "f_3", "f_4", "f_5"}));
  auto unnamed = LoadXgboostUbjson(ReadFileOrDie(Path("reg_d1", ".ubj")));
  ASSERT_TRUE(unnamed.ok()) << unnamed.status();
  EXPECT_TRUE(unnamed->feature_names().empty());
  const std::string text = ReadFileOrDie(Path("binary_d3", ".json"));
  EXPECT_FALSE(
      LoadXgboostJson(absl::StrReplaceAll(text, {{"\"f_1\"", "\"f_0\""}}))
          .ok());
  EXPECT_FALSE(LoadXgboostJson(absl::StrReplaceAll(
                                   text, {{"\"f_5\",", ""}, {",\"f_5\"", ""}}))
                   .ok());
}

TEST_F(XgboostModelTest, RejectsUnsupportedAndInconsistentModels) {
  const std::string good = ReadFileOrDie(Path("binary_d3", ".json"));
  ASSERT_TRUE(LoadXgboostJson(good).ok());
  struct Edit {
    const char* from;
    const char* to;
    const char* why;
  };
  for (const Edit& e : std::vector<Edit>{
           {"\"split_type\":[0", "\"split_type\":[1", "categorical"},
           {"binary:logistic", "rank:pairwise", "objective"},
           {"\"gbtree\"", "\"dart\"", "booster"},
           {"\"left_children\":[1", "\"left_children\":[0", "cycle"},
           {"\"left_children\":[1", "\"left_children\":[99999", "range"},
           {"\"right_children\":[2", "\"right_children\":[-1", "one child"},
           {"\"right_children\":[2", "\"right_children\":[3", "not adjacent"},
           {"\"split_indices\":[", "\"split_indices\":[999,", "length"},
           {"\"num_feature\":\"6\"", "\"num_feature\":\"0\"", "features"},
           {"\"base_score\":\"5E-1\"", "\"base_score\":\"2\"", "base score"},
           {"\"tree_info\":[0,", "\"tree_info\":[", "tree_info"}}) {
    const std::string bad = absl::StrReplaceAll(good, {{e.from, e.to}});
    ASSERT_NE(bad, good) << e.why;
    EXPECT_FALSE(LoadXgboostJson(bad).ok()) << e.why;
  }
}

TEST_F(XgboostModelTest, SplitFeatureOutOfRangeIsRejected) {
  // Rewrite the first split index of every tree to a feature that does not
  // exist.
  std::string text = ReadFileOrDie(Path("reg_d1", ".json"));
  text = absl::StrReplaceAll(
      text, {{"\"split_indices\":[0", "\"split_indices\":[3"},
             {"\"split_indices\":[1", "\"split_indices\":[3"},
             {"\"split_indices\":[2", "\"split_indices\":[3"}});
  auto model = LoadXgboostJson(text);
  ASSERT_FALSE(model.ok());
  EXPECT_NE(model.status().message().find("num_features"), std::string::npos)
      << model.status();
}

TEST_F(XgboostModelTest, TruncatedAndMutatedFilesNeverCrash) {
  for (const char* ext : {".json", ".ubj"}) {
    const std::string good = ReadFileOrDie(Path("binary_d3", ext));
    for (size_t len = 0; len < good.size(); len += 37) {
      EXPECT_FALSE(LoadXgboostModel(good.substr(0, len)).ok()) << ext << len;
    }
    Random rng(42);
    int rejected = 0;
    for (int i = 0; i < 300; ++i) {
      std::string bad = good;
      for (int k = 0; k < 4; ++k) bad[rng.Uniform(bad.size())] = rng.Next();
      auto model = LoadXgboostModel(bad);  // OK or a Status; never a crash
      if (!model.ok()) {
        ++rejected;
      } else {
        std::vector<float> row(model->num_features(), 0.5f);
        std::vector<float> out(model->num_outputs());
        model->PredictRow(row.data(), out.data());
      }
    }
    EXPECT_GT(rejected, 100) << ext;
  }
}

}  // namespace
}  // namespace rtai::ml
