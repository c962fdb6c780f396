// kafka_test_server: a Kafka-protocol server for the interop tests. Embeds
// KafkaServer over the in-memory Broker (tests/broker/kafka/memory_broker.h)
// until rtaid hosts the disk-backed Broker with its Kafka listener.
//
//   kafka_test_server [HOST:PORT] [--default-partitions=N] [--no-auto-create]
//
// Prints "PORT <n>" on stdout once listening; exits on SIGTERM/SIGINT or
// when stdin reaches EOF (so a dying test harness never leaks it).

#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <unistd.h>

#include "absl/strings/numbers.h"
#include "broker/kafka/kafka_server.h"
#include "tests/broker/kafka/memory_broker.h"

namespace {

int stop_pipe[2];

void OnSignal(int) {
  const char c = 1;
  (void)!write(stop_pipe[1], &c, 1);
}

}  // namespace

int main(int argc, char** argv) {
  std::string address = "127.0.0.1:0";
  rtai::kafka::KafkaServerOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--default-partitions=", 0) == 0) {
      if (!absl::SimpleAtoi(arg.substr(21), &options.default_partitions)) return 2;
    } else if (arg == "--no-auto-create") {
      options.auto_create_topics = false;
    } else {
      address = arg;
    }
  }
  if (pipe(stop_pipe) != 0) return 1;
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  std::thread stdin_watch([] {
    char buf[256];
    while (read(0, buf, sizeof(buf)) > 0) {
    }
    OnSignal(0);
  });
  stdin_watch.detach();

  rtai::kafka::testing::MemoryBroker broker;
  rtai::kafka::KafkaServer server(&broker, options);
  if (absl::Status s = server.Start(address); !s.ok()) {
    std::fprintf(stderr, "kafka_test_server: %s\n", std::string(s.ToString()).c_str());
    return 1;
  }
  std::printf("PORT %d\n", server.port());
  std::fflush(stdout);
  char c;
  while (read(stop_pipe[0], &c, 1) < 0 && errno == EINTR) {
  }
  server.Stop();
  broker.Shutdown();
  return 0;
}
