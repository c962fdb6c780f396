#pragma once
// RtaidProcess: runs the real rtaid binary for crash and CLI tests. stderr
// (the structured log) goes to a file; Start() waits for the
// `msg="rtaid listening"` line and reads the bound gRPC address from it.
// Not thread-safe.

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace rtai::testing {

class RtaidProcess {
 public:
  RtaidProcess(std::string binary, std::string data_dir, std::string log_path)
      : binary_(std::move(binary)),
        data_dir_(std::move(data_dir)),
        log_path_(std::move(log_path)) {}
  ~RtaidProcess();

  // Starts rtaid with --grpc-listen `listen` plus `extra_flags` and waits
  // until it listens. kDeadlineExceeded (with the log tail) on timeout.
  absl::Status Start(const std::string& listen,
                     const std::vector<std::string>& extra_flags = {},
                     absl::Duration timeout = absl::Seconds(30));
  // Sends `sig` and reaps the process; returns its wait status.
  int Stop(int sig);
  bool running() const { return pid_ > 0; }
  const std::string& address() const { return address_; }
  std::string port() const { return address_.substr(address_.rfind(':') + 1); }

 private:
  std::string binary_;
  std::string data_dir_;
  std::string log_path_;
  pid_t pid_ = -1;
  std::string address_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs argv[0] with `argv`, feeding `input` on stdin; waits for it to exit.
// After `timeout` the process is SIGKILLed and exit_code is -2.
CommandResult RunCommand(const std::vector<std::string>& argv,
                         const std::string& input,
                         const std::string& scratch_dir,
                         absl::Duration timeout = absl::Seconds(60));

}  // namespace rtai::testing
