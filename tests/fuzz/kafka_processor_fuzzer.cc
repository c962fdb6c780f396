// libFuzzer target: whole request frames through RequestProcessor — header,
// decoding, every handler — against a fresh in-memory Broker and group
// coordinator per input. Invariants: no crash, no sanitizer report, every
// handler answers (or legitimately defers: long polls are disabled, group
// joins may wait for other members), and every response frame decodes with
// its response schema.
// Build and run: see docs/KAFKA.md ("Fuzzing").

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/byte_order.h"
#include "base/check.h"
#include "base/clock.h"
#include "broker/kafka/api_schemas.h"
#include "broker/kafka/codec.h"
#include "broker/kafka/request_header.h"
#include "broker/kafka/request_processor.h"
#include "tests/broker/kafka/memory_broker.h"

using namespace rtai::kafka;

namespace {

void CheckResponse(int16_t key, int16_t version, const std::string& frame) {
  CHECK(frame.size() >= 8);
  CHECK(rtai::LoadBigEndian<int32_t>(frame.data()) == static_cast<int32_t>(frame.size() - 4));
  const ApiSchema* api = FindApiSchema(key);
  CHECK(api != nullptr);
  size_t header = 8;
  if (ResponseHeaderVersion(key, version) == 1) header = 9;
  // ApiVersions with an unsupported version answers in v0.
  if (!api->response->valid.Contains(version)) version = 0;
  absl::StatusOr<StructValue> body =
      DecodeMessage(*api->response, version, std::string_view(frame).substr(header));
  CHECK(body.ok());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string frame(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<RequestHeader> peek = PeekRequestHeader(frame);
  auto options = std::make_shared<KafkaServerOptions>();
  options->fetch_max_wait_ms = 0;
  options->default_partitions = 2;
  rtai::FakeClock clock;
  testing::MemoryBroker broker(1 << 16);
  (void)broker.CreateTopic("t", 2, {});
  GroupCoordinator groups(GroupCoordinatorOptions{}, &clock);
  RequestProcessor processor(&broker, &groups, options,
                             [](absl::AnyInvocable<void()> task) { task(); });
  processor.SetAdvertised("fuzz", 9092);
  processor.Process(frame, [&](RequestProcessor::Outcome outcome) {
    if (!outcome.ok() || !outcome->has_value()) return;
    CHECK(peek.ok());
    CheckResponse(peek->api_key, peek->api_version, **outcome);
  });
  broker.Shutdown();
  return 0;
}
