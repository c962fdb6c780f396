#pragma once
// RequestProcessor: turns one request frame into one response frame. It
// reads the header, refuses unknown APIs and versions, decodes the body
// with the API's schema, runs the API's handler (blocking handlers on the
// injected executor) and encodes the response with its header and size
// prefix. Socket-free, so tests and the fuzzer drive it directly.
//
// Thread safety: Process() may be called concurrently. `broker` must
// outlive every callback.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "broker/core/broker.h"
#include "broker/kafka/group/group_coordinator.h"
#include "broker/kafka/group/offset_store.h"
#include "broker/kafka/kafka_server_options.h"

namespace rtai::kafka {

class KafkaRequestTimers;  // kafka_metrics.h
class ConnectionSession;   // auth/connection_session.h

class RequestProcessor {
 public:
  // Runs a task that may block on disk somewhere other than an io thread.
  using BlockingExecutor = absl::AnyInvocable<void(absl::AnyInvocable<void()>) const>;
  // The response frame (size prefix included), nullopt when no response is
  // due (Produce acks=0), or an error: the connection must be closed
  // (malformed frame, unknown API or unsupported version, as Kafka does).
  using Outcome = absl::StatusOr<std::optional<std::string>>;
  using Done = absl::AnyInvocable<void(Outcome)>;

  // `broker`, `groups` and `offset_store` (nullptr: commits stay in
  // memory) must outlive every callback.
  RequestProcessor(broker::Broker* broker, GroupCoordinator* groups,
                   std::shared_ptr<const KafkaServerOptions> options,
                   BlockingExecutor run_blocking, OffsetStore* offset_store = nullptr);

  // Host and port that Metadata advertises.
  void SetAdvertised(std::string host, int32_t port);

  // Handles one frame (the bytes after the size prefix). `done` runs exactly
  // once, on this thread or any other. The frame is not used after return.
  void Process(std::string_view frame, Done done) const;
  // The same for a connection with authentication state (`session` may be
  // nullptr: no security). Before authentication only ApiVersions and the
  // SASL APIs are processed (others are an error: the connection closes);
  // afterwards requests are authorized (auth/request_authorizer.h).
  void Process(std::string_view frame, ConnectionSession* session, Done done) const;

 private:
  broker::Broker* broker_;
  GroupCoordinator* groups_;
  OffsetStore* offset_store_;
  std::shared_ptr<const KafkaServerOptions> options_;
  BlockingExecutor run_blocking_;
  std::shared_ptr<const KafkaRequestTimers> timers_;  // null: no metrics
  std::string advertised_host_;
  int32_t advertised_port_ = 0;
};

// Frames `body` as a response to `correlation_id`: size prefix, response
// header of `header_version`, body.
std::string FrameResponse(int32_t correlation_id, int header_version, std::string_view body);

}  // namespace rtai::kafka
