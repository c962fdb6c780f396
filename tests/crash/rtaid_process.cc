#include "tests/crash/rtaid_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "base/file_system.h"

namespace rtai::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// fork + exec with stdin/stdout/stderr redirected to files (-1: inherit).
pid_t Spawn(const std::vector<std::string>& argv, const std::string& in_path,
            const std::string& out_path, const std::string& err_path,
            bool append_err) {
  std::vector<char*> args;
  for (const std::string& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = fork();
  if (pid != 0) return pid;
  // Child: only async-signal-safe calls until exec.
  if (!in_path.empty()) {
    int fd = open(in_path.c_str(), O_RDONLY);
    if (fd >= 0) dup2(fd, 0);
  }
  if (!out_path.empty()) {
    int fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) dup2(fd, 1);
  }
  if (!err_path.empty()) {
    int fd = open(err_path.c_str(),
                  O_WRONLY | O_CREAT | (append_err ? O_APPEND : O_TRUNC), 0644);
    if (fd >= 0) dup2(fd, 2);
  }
  execv(args[0], args.data());
  _exit(127);
}

}  // namespace

RtaidProcess::~RtaidProcess() {
  if (pid_ > 0) Stop(SIGKILL);
}

absl::Status RtaidProcess::Start(const std::string& listen,
                                 const std::vector<std::string>& extra_flags,
                                 absl::Duration timeout) {
  const size_t log_start = ReadFile(log_path_).size();
  std::vector<std::string> argv = {
      binary_, "--data-dir",     data_dir_,    "--grpc-listen",
      listen,  "--kafka-listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0"};
  argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
  pid_ = Spawn(argv, "", "", log_path_, /*append_err=*/true);
  if (pid_ < 0) return absl::InternalError("fork failed");
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    const std::string log = ReadFile(log_path_).substr(log_start);
    const size_t line = log.find("msg=\"rtaid listening\" grpc=");
    if (line != std::string::npos) {
      const size_t start = log.find("grpc=", line) + 5;
      address_ = log.substr(start, log.find(' ', start) - start);
      return absl::OkStatus();
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return absl::InternalError(
          absl::StrCat("rtaid exited during start: ", log));
    }
    absl::SleepFor(absl::Milliseconds(20));  // polling a child's log file
  }
  return absl::DeadlineExceededError(
      absl::StrCat("rtaid did not start in time; log: ",
                   ReadFile(log_path_).substr(log_start)));
}

int RtaidProcess::Stop(int sig) {
  if (pid_ <= 0) return -1;
  kill(pid_, sig);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

CommandResult RunCommand(const std::vector<std::string>& argv,
                         const std::string& input,
                         const std::string& scratch_dir,
                         absl::Duration timeout) {
  static int counter = 0;
  const std::string base =
      JoinPath(scratch_dir, absl::StrCat("cmd", counter++));
  {
    std::ofstream in(base + ".in", std::ios::binary);
    in << input;
  }
  CommandResult r;
  const pid_t pid =
      Spawn(argv, base + ".in", base + ".out", base + ".err", false);
  int status = 0;
  const absl::Time deadline = absl::Now() + timeout;
  while (waitpid(pid, &status, WNOHANG) != pid) {
    if (absl::Now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      r.exit_code = -2;
      r.err = "timed out";
      return r;
    }
    absl::SleepFor(absl::Milliseconds(5));  // polling a child process
  }
  r.exit_code =
      WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = ReadFile(base + ".out");
  r.err = ReadFile(base + ".err");
  return r;
}

}  // namespace rtai::testing
