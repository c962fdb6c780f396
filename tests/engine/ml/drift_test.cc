// Drift detectors reproduce River's documented examples on streams generated
// by /usr/bin/python3 at test time; metrics and distribution tests checked
// against exact/hand or scipy values; state restores exactly.

#include <cmath>
#include <sstream>

#include "base/random.h"
#include "engine/ml/drift/adwin.h"
#include "engine/ml/drift/ddm.h"
#include "engine/ml/drift/distribution_tests.h"
#include "engine/ml/drift/page_hinkley.h"
#include "gtest/gtest.h"
#include "tests/engine/ml/ml_test_util.h"

namespace rtai::ml {
namespace {

class DriftTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(testing::CachedFixtures("make_drift_fixtures.py"));
    ASSERT_FALSE(dir_->empty()) << "fixture generation failed";
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::vector<std::vector<double>> ReadLines(const std::string& name) {
    std::istringstream in(testing::ReadFileOrDie(*dir_ + "/" + name));
    std::vector<std::vector<double>> lines;
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream ls(line);
      lines.emplace_back();
      double v;
      while (ls >> v) lines.back().push_back(v);
    }
    return lines;
  }
  static inline std::string* dir_ = nullptr;
};

template <typename Detector>
std::vector<int> Detections(Detector& d, const std::vector<double>& data) {
  std::vector<int> at;
  for (size_t i = 0; i < data.size(); ++i) {
    if (d.Update(data[i])) at.push_back(static_cast<int>(i));
  }
  return at;
}

TEST_F(DriftTest, AdwinMatchesRiverDocumentedExample) {
  const auto data = ReadLines("adwin_ph_stream.txt").at(0);
  ASSERT_EQ(data.size(), 2000u);
  AdwinOptions o;
  o.delta = 0.002;
  Adwin adwin(o);
  const std::vector<int> at = Detections(adwin, data);
  ASSERT_FALSE(at.empty());
  EXPECT_EQ(at.front(), 1023);
  // River's docstring example prints exactly one detection.
  EXPECT_EQ(at, std::vector<int>{1023});
}

TEST_F(DriftTest, PageHinkleyMatchesRiverDocumentedExample) {
  const auto data = ReadLines("adwin_ph_stream.txt").at(0);
  PageHinkley ph;  // River defaults
  const std::vector<int> at = Detections(ph, data);
  ASSERT_FALSE(at.empty());
  EXPECT_EQ(at.front(), 1006);
  EXPECT_EQ(at, std::vector<int>{1006});  // as River's docstring prints
  PageHinkleyOptions down;
  down.mode = PageHinkleyOptions::Mode::kDown;
  PageHinkley ph_down(down);  // the stream only goes up
  EXPECT_TRUE(Detections(ph_down, data).empty());
}

TEST_F(DriftTest, DdmMatchesRiverDocumentedExample) {
  const auto data = ReadLines("ddm_stream.txt").at(0);
  ASSERT_EQ(data.size(), 2000u);
  Ddm ddm;
  std::vector<std::string> events;
  bool print_warning = true;
  for (size_t i = 0; i < data.size(); ++i) {
    ddm.Update(data[i] != 0);
    if (ddm.warning_detected() && print_warning) {
      events.push_back("warning " + std::to_string(i));
      print_warning = false;
    }
    if (ddm.drift_detected()) {
      events.push_back("drift " + std::to_string(i));
      print_warning = true;
    }
  }
  EXPECT_EQ(events, (std::vector<std::string>{"warning 1084", "drift 1334",
                                              "warning 1492"}));
}

TEST_F(DriftTest, KolmogorovSmirnovMatchesScipy) {
  const auto lines = ReadLines("ks.txt");
  ASSERT_EQ(lines.size(), 3u);
  const KsResult r = KolmogorovSmirnov(lines[0], lines[1]);
  EXPECT_NEAR(r.statistic, lines[2][0], 1e-12);
  EXPECT_NEAR(r.p_value, lines[2][1], 1e-9);
}

TEST(DistributionTest, PsiSeparatesShiftedFromStable) {
  Random rng(3);
  std::vector<double> ref, same, shifted;
  for (int i = 0; i < 5000; ++i) {
    ref.push_back(rng.NextDouble());
    same.push_back(rng.NextDouble());
    shifted.push_back(rng.NextDouble() * 0.6 + 0.4);
  }
  EXPECT_LT(PopulationStabilityIndex(ref, same, 10), 0.02);
  EXPECT_GT(PopulationStabilityIndex(ref, shifted, 10), 0.25);
  // Hand-computed: ref halves at edge 2; current 3/4 in the upper bin.
  const double r[] = {0, 1, 2, 3};
  const double c[] = {0, 2, 3, 3};
  EXPECT_NEAR(PopulationStabilityIndex(r, c, 2),
              (0.25 - 0.5) * std::log(0.5) + (0.75 - 0.5) * std::log(1.5),
              1e-15);
}

TEST(DistributionTest, MonitorDetectsShiftAndRestoresExactly) {
  DistributionMonitorOptions o;
  o.reference_size = 500;
  o.window = 300;
  DistributionMonitor a(o);
  Random rng(9);
  for (int i = 0; i < 900; ++i) a.Add(rng.NextDouble());
  ASSERT_TRUE(a.ready());
  EXPECT_GT(a.Ks().p_value, 0.01);
  auto b = DistributionMonitor::Deserialize(a.Serialize());
  ASSERT_TRUE(b.ok()) << b.status();
  for (int i = 0; i < 300; ++i) {
    const double x = 0.5 + rng.NextDouble();
    a.Add(x);
    b->Add(x);
  }
  EXPECT_LT(a.Ks().p_value, 1e-6);
  EXPECT_GT(a.Psi(), 0.25);
  EXPECT_EQ(a.Psi(), b->Psi());
  EXPECT_EQ(a.Serialize(), b->Serialize());
  a.RebaseReference();
  EXPECT_FALSE(a.ready());
}

// Restore-then-continue equals uninterrupted, for every detector.
template <typename Detector>
void ExpectExactRestore(Detector a, const std::vector<double>& data,
                        size_t cut) {
  Detector b = a;
  for (size_t i = 0; i < cut; ++i) {
    a.Update(data[i]);
    b.Update(data[i]);
  }
  auto c = Detector::Deserialize(b.Serialize());
  ASSERT_TRUE(c.ok()) << c.status();
  for (size_t i = cut; i < data.size(); ++i) {
    ASSERT_EQ(a.Update(data[i]), c->Update(data[i])) << i;
  }
  EXPECT_EQ(a.Serialize(), c->Serialize());
}

TEST_F(DriftTest, DetectorsRestoreExactly) {
  const auto data = ReadLines("adwin_ph_stream.txt").at(0);
  const auto errors = ReadLines("ddm_stream.txt").at(0);
  for (size_t cut : {0, 5, 31, 1000, 1023, 1024, 1500}) {
    ExpectExactRestore(Adwin(), data, cut);
    ExpectExactRestore(PageHinkley(), data, cut);
    ExpectExactRestore(Ddm(), errors, cut);
  }
}

TEST_F(DriftTest, CorruptDetectorStateIsRejected) {
  const auto data = ReadLines("adwin_ph_stream.txt").at(0);
  Adwin adwin;
  PageHinkley ph;
  Ddm ddm;
  for (size_t i = 0; i < 1100; ++i) {
    adwin.Update(data[i]);
    ph.Update(data[i]);
    ddm.Update(data[i] > 2);
  }
  for (const std::string& good :
       {adwin.Serialize(), ph.Serialize(), ddm.Serialize()}) {
    for (size_t i = 0; i < good.size(); ++i) {
      std::string bad = good;
      bad[i] ^= 0x08;
      EXPECT_FALSE(Adwin::Deserialize(bad).ok());
      EXPECT_FALSE(PageHinkley::Deserialize(bad).ok());
      EXPECT_FALSE(Ddm::Deserialize(bad).ok());
      EXPECT_FALSE(Adwin::Deserialize(good.substr(0, i)).ok());
    }
  }
  EXPECT_FALSE(PageHinkley::Deserialize(adwin.Serialize()).ok());
}

}  // namespace
}  // namespace rtai::ml
