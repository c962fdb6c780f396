#include "engine/ml/model/linear_model.h"

#include <cmath>

#include "gtest/gtest.h"

namespace rtai::ml {
namespace {

TEST(LinearModelTest, PredictsLogisticByFeatureName) {
  auto m = LinearModel::FromJson(R"({"format":"rtai.linear","version":1,
      "objective":"binary:logistic","intercept":-1.0,
      "weights":{"amount":0.5,"hour":-0.25}})");
  ASSERT_TRUE(m.ok()) << m.status();
  // Schema order differs from the model's; extra column gets weight 0.
  auto bound = m->Bind({"hour", "extra", "amount"});
  ASSERT_TRUE(bound.ok()) << bound.status();
  const float row[] = {4.0f, 100.0f, 6.0f};
  const double z = -1.0 + 0.5 * 6 - 0.25 * 4;
  EXPECT_DOUBLE_EQ(m->Predict(*bound, row), 1 / (1 + std::exp(-z)));
  const float missing[] = {NAN, 1.0f, 6.0f};  // NaN = absent
  EXPECT_DOUBLE_EQ(m->Predict(*bound, missing), 1 / (1 + std::exp(-2.0)));
  EXPECT_FALSE(m->Bind({"hour"}).ok());  // model needs "amount"
}

TEST(LinearModelTest, HashedStringFeatures) {
  auto m = LinearModel::FromJson(R"({"format":"rtai.linear","version":1,
      "objective":"reg:squarederror","intercept":0.5,"weights":{},
      "hashing":{"num_buckets":4,"seed":7,"weights":[1,10,100,1000]}})");
  ASSERT_TRUE(m.ok()) << m.status();
  FeatureHasher h(4, 7);
  const double w[] = {1, 10, 100, 1000};
  std::vector<StringFeature> s = {{"country", "FR"}, {"mcc", "5411"}};
  const double want =
      0.5 + w[h.Bucket("country", "FR")] + w[h.Bucket("mcc", "5411")];
  auto bound = m->Bind({});
  ASSERT_TRUE(bound.ok());
  EXPECT_DOUBLE_EQ(m->Predict(*bound, {}, s), want);
}

TEST(FeatureHasherTest, StableKnownValues) {
  // XXH64 reference values (xxhash spec): "" seed 0, "abc" seed 0.
  EXPECT_EQ(FeatureHasher::Hash64("", 0), 0xEF46DB3751D8E999ull);
  EXPECT_EQ(FeatureHasher::Hash64("abc", 0), 0x44BC2CF5AD770999ull);
  FeatureHasher h(1000, 1);
  EXPECT_EQ(h.Bucket("a", "b"), h.Bucket("a", "b"));
  EXPECT_LT(h.Bucket("a", "b"), 1000u);
}

TEST(LinearModelTest, RejectsBadDocuments) {
  for (
      const char* bad :
      {R"({"format":"other","version":1,"objective":"binary:logistic","intercept":0,"weights":{}})",
       R"({"format":"rtai.linear","version":2,"objective":"binary:logistic","intercept":0,"weights":{}})",
       R"({"format":"rtai.linear","version":1,"objective":"multi:softprob","intercept":0,"weights":{}})",
       R"({"format":"rtai.linear","version":1,"objective":"binary:logistic","weights":{}})",
       R"({"format":"rtai.linear","version":1,"objective":"binary:logistic","intercept":0,"weights":{"a":"x"}})",
       R"({"format":"rtai.linear","version":1,"objective":"binary:logistic","intercept":0,"weights":[]})",
       R"({"format":"rtai.linear","version":1,"objective":"binary:logistic","intercept":0,"weights":{},
               "hashing":{"num_buckets":3,"seed":0,"weights":[1,2]}})",
       R"({"format":"rtai.linear","version":1,"objective":"binary:logistic","intercept":0,"weights":{},
               "hashing":{"num_buckets":0,"seed":0,"weights":[]}})",
       R"({"format":"rtai.linear","version":1,"objective":"binary:logistic","intercept":0,"weights":{},
               "hashing":{"num_buckets":1,"seed":-1,"weights":[1]}})"}) {
    EXPECT_FALSE(LinearModel::FromJson(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace rtai::ml
