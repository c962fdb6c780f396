// libFuzzer target: Kafka request frames (the bytes after the size prefix)
// through the header and body decoders of every API and version we
// implement, on both the request and the response schema. Invariants:
// nothing crashes or reads out of bounds (ASan/UBSan), and whatever decodes
// re-encodes to bytes that decode to the same value.
// Build and run: see docs/KAFKA.md ("Fuzzing").

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/check.h"
#include "broker/kafka/api_schemas.h"
#include "broker/kafka/codec.h"
#include "broker/kafka/request_header.h"

using namespace rtai::kafka;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view frame(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<RequestHeader> peek = PeekRequestHeader(frame);
  if (!peek.ok()) return 0;
  const ApiSchema* api = FindApiSchema(peek->api_key);
  if (api == nullptr) return 0;
  const int16_t version = peek->api_version;
  absl::StatusOr<RequestHeader> header =
      DecodeRequestHeader(frame, RequestHeaderVersion(peek->api_key, version));
  if (!header.ok()) return 0;
  CHECK(header->size <= frame.size());
  for (const MessageSpec* spec : {api->request, api->response}) {
    absl::StatusOr<StructValue> message = DecodeMessage(*spec, version, frame.substr(header->size));
    if (!message.ok()) continue;
    std::string again;
    EncodeMessage(*spec, version, *message, &again);
    absl::StatusOr<StructValue> back = DecodeMessage(*spec, version, again);
    CHECK(back.ok());
    CHECK(*back == *message);
  }
  return 0;
}
