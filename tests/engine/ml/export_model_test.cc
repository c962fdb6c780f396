// export_model.py (scikit-learn -> rtai formats) checked end to end: models
// are fitted and exported by /usr/bin/python3 at test time, then our
// evaluators must reproduce scikit-learn's predict_proba.

#include <cmath>
#include <sstream>

#include "engine/ml/model/linear_model.h"
#include "engine/ml/model/xgboost_model.h"
#include "gtest/gtest.h"
#include "tests/engine/ml/ml_test_util.h"

namespace rtai::ml {
namespace {

using testing::ReadFileOrDie;
using testing::ReadVector;

TEST(ExportModelTest, ExportedModelsReproduceSklearnProbabilities) {
  const std::string dir = testing::MakeTempDir("rtai_export_");
  ASSERT_EQ(testing::RunPython("make_export_fixtures.py", dir), 0);
  std::istringstream cases(ReadFileOrDie(dir + "/cases.txt"));
  std::string name, kind;
  uint32_t features, classes, rows;
  int seen = 0;
  while (cases >> name >> kind >> features >> classes >> rows) {
    ++seen;
    const auto x = ReadVector<float>(dir + "/" + name + ".rows");
    const auto proba = ReadVector<double>(dir + "/" + name + ".proba");
    ASSERT_EQ(x.size(), size_t{rows} * features);
    ASSERT_EQ(proba.size(), size_t{rows} * classes);
    const std::string text = ReadFileOrDie(dir + "/" + name + ".json");
    double max_diff = 0;
    if (kind == "LogisticRegression") {
      auto model = LinearModel::FromJson(text);
      ASSERT_TRUE(model.ok()) << model.status();
      auto bound = model->Bind({"a", "b", "c", "d", "e"});
      ASSERT_TRUE(bound.ok()) << bound.status();
      for (uint32_t r = 0; r < rows; ++r) {
        const double p = model->Predict(
            *bound, absl::MakeConstSpan(x.data() + r * features, features));
        max_diff = std::max(max_diff, std::fabs(p - proba[r * classes + 1]));
      }
      EXPECT_LE(max_diff, 1e-12) << name;
    } else {
      auto model = LoadXgboostJson(text);
      ASSERT_TRUE(model.ok()) << name << ": " << model.status();
      EXPECT_EQ(model->feature_names(),
                (std::vector<std::string>{"a", "b", "c", "d", "e"}));
      std::vector<float> out(model->num_outputs());
      for (uint32_t r = 0; r < rows; ++r) {
        model->PredictRow(x.data() + r * features, out.data());
        for (uint32_t k = 0; k < classes; ++k) {
          const double want = proba[r * classes + k];
          const double got =
              classes == 2 ? (k == 1 ? out[0] : 1 - out[0]) : out[k];
          max_diff = std::max(max_diff, std::fabs(got - want));
        }
      }
      EXPECT_LE(max_diff, 1e-5) << name;  // leaves are float32 in XGBoost JSON
    }
  }
  EXPECT_EQ(seen, 3);
  testing::RemoveDir(dir);
}

TEST(ExportModelTest, UnsupportedEstimatorExitsWithStatusTwo) {
  const std::string dir = testing::MakeTempDir("rtai_export_bad_");
  const std::string script =
      "import pickle; from sklearn.tree import DecisionTreeClassifier as D; "
      "pickle.dump(D().fit([[0],[1]],[0,1]), open('" +
      dir + "/m.pkl','wb'))";
  ASSERT_EQ(std::system(("/usr/bin/python3 -c \"" + script + "\"").c_str()), 0);
  const int rc = testing::RunPython(
      "export_model.py", dir + "/m.pkl " + dir + "/out.json 2>/dev/null");
  EXPECT_TRUE(WIFEXITED(rc));
  EXPECT_EQ(WEXITSTATUS(rc), 2);
  testing::RemoveDir(dir);
}

}  // namespace
}  // namespace rtai::ml
