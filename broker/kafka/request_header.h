#pragma once
// Kafka request and response headers (RequestHeader.json /
// ResponseHeader.json). Request header v1: api key, api version,
// correlation id, nullable client id; v2 adds tagged fields. The client id
// stays a non-compact string even in v2. Response header v0: correlation id;
// v1 adds tagged fields. ApiVersions always answers with header v0.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace rtai::kafka {

struct RequestHeader {
  int16_t api_key = 0;
  int16_t api_version = 0;
  int32_t correlation_id = 0;
  std::optional<std::string> client_id;
  // Bytes the header occupies at the start of the frame.
  size_t size = 0;
};

// Reads just api key, version and correlation id (the first 8 bytes), so a
// request we cannot parse further can still be answered or logged.
absl::StatusOr<RequestHeader> PeekRequestHeader(std::string_view frame);

// Decodes a full request header of `header_version` (1 or 2) from the start
// of `frame` (the bytes after the size prefix). kInvalidArgument if
// malformed.
absl::StatusOr<RequestHeader> DecodeRequestHeader(std::string_view frame, int header_version);

// The header version a request of api `key` at `version` uses: 2 when the
// API's request is flexible at that version, else 1.
int RequestHeaderVersion(int16_t key, int16_t version);
// The response header version: 1 when flexible, else 0; always 0 for
// ApiVersions.
int ResponseHeaderVersion(int16_t key, int16_t version);

void EncodeRequestHeader(const RequestHeader& header, int header_version, std::string* out);
void EncodeResponseHeader(int32_t correlation_id, int header_version, std::string* out);

}  // namespace rtai::kafka
