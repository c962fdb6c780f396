#include <atomic>
#include <string>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

#include "base/metrics/registry.h"
#include "base/metrics/text_format.h"
#include "gtest/gtest.h"

namespace rtai::metrics {
namespace {

TEST(TextFormatTest, Escaping) {
  EXPECT_EQ(EscapeHelp("a\\b\nc\"d"), "a\\\\b\\nc\"d");
  EXPECT_EQ(EscapeLabelValue("a\\b\nc\"d"), "a\\\\b\\nc\\\"d");
}

TEST(TextFormatTest, FormatDouble) {
  EXPECT_EQ(FormatDouble(0), "0");
  EXPECT_EQ(FormatDouble(42), "42");
  EXPECT_EQ(FormatDouble(-3), "-3");
  EXPECT_EQ(FormatDouble(0.5), "0.5");
  EXPECT_EQ(FormatDouble(5e-05), "5e-05");
  EXPECT_EQ(FormatDouble(0.1), "0.1");
  EXPECT_EQ(FormatDouble(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(FormatDouble(1.0 / 0.0), "+Inf");
  EXPECT_EQ(FormatDouble(-1.0 / 0.0), "-Inf");
  EXPECT_EQ(FormatDouble(0.0 / 0.0), "NaN");
}

TEST(TextFormatTest, Names) {
  EXPECT_TRUE(IsValidMetricName("rtai_broker:bytes_in_total"));
  EXPECT_FALSE(IsValidMetricName("1abc"));
  EXPECT_FALSE(IsValidMetricName("a-b"));
  EXPECT_FALSE(IsValidMetricName(""));
  EXPECT_TRUE(IsValidLabelName("topic"));
  EXPECT_FALSE(IsValidLabelName("__name"));
  EXPECT_FALSE(IsValidLabelName("a:b"));
}

TEST(RegistryTest, RendersGoldenExposition) {
  FakeClock clock(0);
  Registry r(&clock);
  auto* bytes = r.CounterFamily("rtai_test_bytes_total", "Bytes in.\nSecond line \\.",
                                {"topic", "partition"});
  bytes->WithLabels({"orders", "0"})->Increment(100);
  bytes->WithLabels({"we\"ird\\\nname", "1"})->Increment(7);
  r.AddGauge("rtai_test_open", "Open things.")->Set(-2);
  Histogram* h = r.AddHistogram("rtai_test_latency_seconds", "Latency.",
                                {1000, 2000}, 1e-6);
  h->Observe(500);
  h->Observe(2000);
  h->Observe(999999);
  r.AddCallbackGauge("rtai_test_size_bytes", "Size.", [] { return 1.5; });
  r.AddCollector("rtai_test_lag", "Lag.", MetricType::kGauge, {"group"},
                 [](SampleSink& sink) {
                   sink.Add({"g1"}, 3);
                   sink.Add({"g2"}, 0);
                 });
  const std::string expected =
      "# HELP rtai_test_bytes_total Bytes in.\\nSecond line \\\\.\n"
      "# TYPE rtai_test_bytes_total counter\n"
      "rtai_test_bytes_total{topic=\"orders\",partition=\"0\"} 100\n"
      "rtai_test_bytes_total{topic=\"we\\\"ird\\\\\\nname\",partition=\"1\"} 7\n"
      "# HELP rtai_test_lag Lag.\n"
      "# TYPE rtai_test_lag gauge\n"
      "rtai_test_lag{group=\"g1\"} 3\n"
      "rtai_test_lag{group=\"g2\"} 0\n"
      "# HELP rtai_test_latency_seconds Latency.\n"
      "# TYPE rtai_test_latency_seconds histogram\n"
      "rtai_test_latency_seconds_bucket{le=\"0.001\"} 1\n"
      "rtai_test_latency_seconds_bucket{le=\"0.002\"} 2\n"
      "rtai_test_latency_seconds_bucket{le=\"+Inf\"} 3\n"
      "rtai_test_latency_seconds_sum 1.002499\n"
      "rtai_test_latency_seconds_count 3\n"
      "# HELP rtai_test_open Open things.\n"
      "# TYPE rtai_test_open gauge\n"
      "rtai_test_open -2\n"
      "# HELP rtai_test_size_bytes Size.\n"
      "# TYPE rtai_test_size_bytes gauge\n"
      "rtai_test_size_bytes 1.5\n";
  EXPECT_EQ(r.RenderText(), expected);
}

TEST(RegistryTest, NanosecondsRenderAsExactSeconds) {
  Registry r;
  Histogram* h = r.AddHistogram("rtai_d_seconds", "D.", {50000, 1000000}, 1e-9);
  h->Observe(1112852);
  const std::string text = r.RenderText();
  EXPECT_NE(text.find("rtai_d_seconds_bucket{le=\"5e-05\"} 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("rtai_d_seconds_bucket{le=\"0.001\"} 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("rtai_d_seconds_sum 0.001112852\n"), std::string::npos) << text;
}

TEST(RegistryTest, LabelledHistogramPutsLeLast) {
  Registry r;
  r.HistogramFamily("rtai_h", "H.", {"api"}, {1}, 1.0)->WithLabels({"Produce"})->Observe(1);
  const std::string text = r.RenderText();
  EXPECT_NE(text.find("rtai_h_bucket{api=\"Produce\",le=\"1\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("rtai_h_bucket{api=\"Produce\",le=\"+Inf\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("rtai_h_sum{api=\"Produce\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("rtai_h_count{api=\"Produce\"} 1\n"), std::string::npos);
}

TEST(RegistryTest, GetOrCreateReturnsTheSameFamily) {
  Registry r;
  Counter* a = r.AddCounter("rtai_x_total", "X.");
  a->Increment();
  EXPECT_EQ(a, r.AddCounter("rtai_x_total", "X."));
}

TEST(RegistryDeathTest, TypeMismatchAndBadNamesAreProgrammerErrors) {
  Registry r;
  r.AddCounter("rtai_x_total", "X.");
  EXPECT_DEATH(r.AddGauge("rtai_x_total", "X."), "");
  EXPECT_DEATH(r.AddCounter("bad-name", "X."), "");
  EXPECT_DEATH(r.HistogramFamily("rtai_h", "H.", {"le"}, {1}), "");
}

TEST(RegistryTest, CollectorSeriesAreBoundedAndDropsAreReported) {
  Registry r;
  r.AddCollector("rtai_many", "Many.", MetricType::kGauge, {"i"},
                 [](SampleSink& sink) {
                   for (int i = 0; i < 10; ++i) sink.Add({std::to_string(i)}, i);
                 },
                 /*max_series=*/3);
  const std::string text = r.RenderText();
  EXPECT_NE(text.find("rtai_many{i=\"2\"} 2\n"), std::string::npos);
  EXPECT_EQ(text.find("rtai_many{i=\"3\"}"), std::string::npos);
  EXPECT_NE(text.find("# rtai_many: 7 series dropped"), std::string::npos) << text;
}

TEST(RegistryTest, RemovedCollectorIsNotCalled) {
  Registry r;
  int calls = 0;
  r.AddCallbackGauge("rtai_cb", "Cb.", [&calls] { return ++calls; });
  r.RenderText();
  r.RemoveCollector("rtai_cb");
  EXPECT_EQ(r.RenderText(), "");
  EXPECT_EQ(calls, 1);
}

TEST(RegistryTest, ScrapeDoesNotBlockRegistration) {
  Registry r;
  absl::Notification in_collector;
  absl::Notification registered;
  bool saw_registration = false;
  int calls = 0;
  r.AddCollector("rtai_slow", "Slow.", MetricType::kGauge, {}, [&](SampleSink& sink) {
    if (++calls == 1) {  // the first scrape waits inside the collector
      in_collector.Notify();
      saw_registration = registered.WaitForNotificationWithTimeout(absl::Seconds(10));
    }
    sink.Add({}, 1);
  });
  std::thread scraper([&] { r.RenderText(); });
  in_collector.WaitForNotification();
  // While the scrape is inside a collector, new metrics register and count.
  r.AddCounter("rtai_new_total", "New.")->Increment();
  registered.Notify();
  scraper.join();
  EXPECT_TRUE(saw_registration);
  EXPECT_NE(r.RenderText().find("rtai_new_total 1\n"), std::string::npos);
}

TEST(RegistryTest, RenderWhileIncrementingIsSafe) {
  Registry r;
  auto* f = r.CounterFamily("rtai_c_total", "C.", {"t"});
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    int i = 0;
    while (!stop.load()) f->WithLabels({std::to_string(i++ % 50)})->Increment();
  });
  for (int i = 0; i < 200; ++i) EXPECT_NE(r.RenderText().find("# TYPE rtai_c_total"), std::string::npos);
  stop = true;
  writer.join();
}

}  // namespace
}  // namespace rtai::metrics
