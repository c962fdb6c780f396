#include "broker/kafka/request_header.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "broker/kafka/api_schemas.h"
#include "broker/kafka/wire.h"

namespace rtai::kafka {
namespace {

absl::Status SkipTaggedFields(WireReader& r) {
  uint32_t count;
  RETURN_IF_ERROR(r.ReadUvarint(&count));
  if (count > r.remaining() / 2) return absl::InvalidArgumentError("bad tagged field count");
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t tag, size;
    std::string_view skipped;
    RETURN_IF_ERROR(r.ReadUvarint(&tag));
    RETURN_IF_ERROR(r.ReadUvarint(&size));
    RETURN_IF_ERROR(r.ReadView(size, &skipped));
  }
  return absl::OkStatus();
}

absl::Status ReadFixed(WireReader& r, RequestHeader* h) {
  RETURN_IF_ERROR(r.ReadInt(&h->api_key));
  RETURN_IF_ERROR(r.ReadInt(&h->api_version));
  return r.ReadInt(&h->correlation_id);
}

}  // namespace

absl::StatusOr<RequestHeader> PeekRequestHeader(std::string_view frame) {
  WireReader r(frame);
  RequestHeader h;
  if (absl::Status s = ReadFixed(r, &h); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("request header: ", s.message()));
  }
  h.size = r.position();
  return h;
}

absl::StatusOr<RequestHeader> DecodeRequestHeader(std::string_view frame, int header_version) {
  WireReader r(frame);
  RequestHeader h;
  absl::Status s = ReadFixed(r, &h);
  int16_t len = -1;
  if (s.ok() && header_version >= 1) s = r.ReadInt(&len);
  if (s.ok() && len < -1) s = absl::InvalidArgumentError(absl::StrCat("client id length ", len));
  if (s.ok() && len >= 0) {
    std::string_view id;
    s = r.ReadView(static_cast<size_t>(len), &id);
    if (s.ok()) h.client_id = std::string(id);
  }
  if (s.ok() && header_version >= 2) s = SkipTaggedFields(r);
  if (!s.ok()) return absl::InvalidArgumentError(absl::StrCat("request header: ", s.message()));
  h.size = r.position();
  return h;
}

int RequestHeaderVersion(int16_t key, int16_t version) {
  const ApiSchema* api = FindApiSchema(key);
  return api != nullptr && api->request->flexible.Contains(version) ? 2 : 1;
}

int ResponseHeaderVersion(int16_t key, int16_t version) {
  if (key == static_cast<int16_t>(ApiKey::kApiVersions)) return 0;
  const ApiSchema* api = FindApiSchema(key);
  return api != nullptr && api->response->flexible.Contains(version) ? 1 : 0;
}

void EncodeRequestHeader(const RequestHeader& h, int header_version, std::string* out) {
  WireWriter w(out);
  w.WriteInt(h.api_key);
  w.WriteInt(h.api_version);
  w.WriteInt(h.correlation_id);
  if (header_version >= 1) {
    if (h.client_id.has_value()) {
      w.WriteInt(static_cast<int16_t>(h.client_id->size()));
      w.WriteRaw(*h.client_id);
    } else {
      w.WriteInt(int16_t{-1});
    }
  }
  if (header_version >= 2) w.WriteUvarint(0);
}

void EncodeResponseHeader(int32_t correlation_id, int header_version, std::string* out) {
  WireWriter w(out);
  w.WriteInt(correlation_id);
  if (header_version >= 1) w.WriteUvarint(0);
}

}  // namespace rtai::kafka
