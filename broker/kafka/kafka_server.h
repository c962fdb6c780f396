#pragma once
// KafkaServer: the Kafka protocol listener (rtaid --kafka-listen
// HOST:PORT). Owns an Asio io_context run by options.io_threads threads,
// an acceptor bounded by options.max_connections, and a small thread pool
// for handlers that may block on disk (topic creation, index lookups), so
// io threads never wait for the disk. Produce and Fetch complete
// asynchronously through the Broker's callbacks.
//
// Thread safety: Start/Stop from one controlling thread; port() and
// connection_count() from any thread. `broker` must outlive the server.
// Errors never escape as exceptions: Asio is used through error_code
// overloads.

#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "base/clock.h"
#include "broker/core/broker.h"
#include "broker/kafka/kafka_server_options.h"

namespace rtai::kafka {

class GroupCoordinator;
class KafkaConnection;
class Gate;
class OffsetStore;
class RequestProcessor;

class KafkaServer {
 public:
  // `clock` (consumer-group session deadlines) must outlive the server.
  KafkaServer(broker::Broker* broker, KafkaServerOptions options, Clock* clock = SystemClock());
  ~KafkaServer();  // Stop()s
  KafkaServer(const KafkaServer&) = delete;
  KafkaServer& operator=(const KafkaServer&) = delete;

  // Restores committed consumer offsets (options.persist_offsets; reads the
  // __consumer_offsets topic, blocking), then binds and listens on
  // "HOST:PORT" ("[::1]:9092", "0.0.0.0:0" for any free port) and starts
  // the threads. kInvalidArgument for a bad address
  // or options, kUnavailable when the bind fails, kFailedPrecondition if
  // already started.
  absl::Status Start(const std::string& address);
  // The bound port (after Start).
  int port() const;
  // Closes the listener and every connection, drops pending responses and
  // joins all threads. Idempotent.
  void Stop();
  int connection_count() const;
  // The consumer-group coordinator (committed offsets restored by Start) and
  // its durable store (null unless options.persist_offsets), for in-process
  // committers (rtaid's BrokerGroupOffsets). Live as long as the server.
  GroupCoordinator* groups();
  OffsetStore* offset_store();
  // Connections waiting for request memory (max_inflight_request_bytes).
  int memory_waiters() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Splits "host:port" / "[v6]:port". kInvalidArgument when malformed.
absl::Status ParseHostPort(const std::string& address, std::string* host, int* port);

}  // namespace rtai::kafka
