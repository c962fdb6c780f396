#include "broker/kafka/request_processor.h"

#include "absl/strings/str_cat.h"
#include "base/byte_order.h"
#include "broker/kafka/api_schemas.h"
#include "broker/kafka/auth/connection_session.h"
#include "broker/kafka/auth/request_authorizer.h"
#include "broker/kafka/codec.h"
#include "broker/kafka/error_codes.h"
#include "broker/kafka/handler.h"
#include "broker/kafka/kafka_metrics.h"
#include "broker/kafka/request_header.h"

namespace rtai::kafka {

std::string FrameResponse(int32_t correlation_id, int header_version, std::string_view body) {
  std::string frame(4, '\0');
  EncodeResponseHeader(correlation_id, header_version, &frame);
  frame.append(body.data(), body.size());
  StoreBigEndian<int32_t>(frame.data(), static_cast<int32_t>(frame.size() - 4));
  return frame;
}

RequestProcessor::RequestProcessor(broker::Broker* broker, GroupCoordinator* groups,
                                   std::shared_ptr<const KafkaServerOptions> options,
                                   BlockingExecutor run_blocking, OffsetStore* offset_store)
    : broker_(broker),
      groups_(groups),
      offset_store_(offset_store),
      options_(std::move(options)),
      run_blocking_(std::move(run_blocking)) {
  if (options_->metrics != nullptr) {
    timers_ = std::make_shared<const KafkaRequestTimers>(options_->metrics);
  }
}

void RequestProcessor::SetAdvertised(std::string host, int32_t port) {
  advertised_host_ = std::move(host);
  advertised_port_ = port;
}

void RequestProcessor::Process(std::string_view frame, Done done) const {
  Process(frame, nullptr, std::move(done));
}

void RequestProcessor::Process(std::string_view frame, ConnectionSession* session,
                               Done done) const {
  absl::StatusOr<RequestHeader> peek = PeekRequestHeader(frame);
  if (!peek.ok()) return done(peek.status());
  const int16_t key = peek->api_key;
  const int16_t version = peek->api_version;
  if (session != nullptr && !session->MayProcess(key)) {
    return done(absl::PermissionDeniedError(
        absl::StrCat("API ", key, " before SASL authentication")));
  }
  const HandlerSpec* handler = FindHandler(key);
  if (handler == nullptr) {
    return done(absl::UnimplementedError(absl::StrCat("unknown API key ", key)));
  }
  if (timers_ != nullptr) done = timers_->Wrap(key, std::move(done));
  if (version < handler->min_version || version > handler->max_version) {
    if (handler->key != ApiKey::kApiVersions) {
      return done(absl::UnimplementedError(
          absl::StrCat("API ", key, " version ", version, " is not supported")));
    }
    // Kafka's rule: answer an unknown ApiVersions version with a v0
    // response carrying UNSUPPORTED_VERSION and our ranges.
    StructValue response = NewMessage(kApiVersionsResponse);
    response.SetInt("ErrorCode", Code(ErrorCode::kUnsupportedVersion));
    FillApiKeys(&response);
    std::string body;
    EncodeMessage(kApiVersionsResponse, 0, response, &body);
    return done(std::optional<std::string>(FrameResponse(peek->correlation_id, 0, body)));
  }
  absl::StatusOr<RequestHeader> header =
      DecodeRequestHeader(frame, RequestHeaderVersion(key, version));
  if (!header.ok()) return done(header.status());
  const ApiSchema* schema = FindApiSchema(key);
  absl::StatusOr<StructValue> request =
      DecodeMessage(*schema->request, version, frame.substr(header->size));
  if (!request.ok()) return done(request.status());

  HandlerContext ctx{broker_,         groups_,         offset_store_,
                     options_,         advertised_host_, advertised_port_,
                     version,          header->client_id.value_or(""),
                     session};
  const bool authorize =
      session != nullptr && session->authorization_enabled() && session->authenticated();
  if (authorize && !MayUseApi(*session->principal(), key)) {
    return done(absl::PermissionDeniedError(absl::StrCat(
        "principal '", session->principal()->name, "' may not use API ", key)));
  }
  const int32_t correlation_id = header->correlation_id;
  Respond respond = [done = std::move(done), schema, version,
                     correlation_id](std::optional<StructValue> response) mutable {
    if (!response.has_value()) return done(std::optional<std::string>());
    std::string body;
    EncodeMessage(*schema->response, version, *response, &body);
    done(std::optional<std::string>(
        FrameResponse(correlation_id, ResponseHeaderVersion(schema->request->api_key, version),
                      body)));
  };
  if (authorize) {
    switch (AuthorizeRequest(*session->principal(), key, version, &*request, &respond,
                             options_->security.audit)) {
      case AuthzOutcome::kProceed:
        break;
      case AuthzOutcome::kAnswered:
        return;
    }
  }
  if (handler->blocking) {
    run_blocking_([handler, ctx = std::move(ctx), request = *std::move(request),
                   respond = std::move(respond)]() mutable {
      handler->handle(ctx, std::move(request), std::move(respond));
    });
  } else {
    handler->handle(ctx, *std::move(request), std::move(respond));
  }
}

}  // namespace rtai::kafka
