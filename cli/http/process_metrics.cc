#include "cli/http/process_metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace rtai::cli {
namespace {

// utime + stime of /proc/self/stat (fields 14 and 15, in clock ticks).
std::optional<double> CpuSeconds() {
  std::ifstream in("/proc/self/stat");
  std::string stat;
  if (!std::getline(in, stat)) return std::nullopt;
  const size_t paren = stat.rfind(')');  // the command name may hold spaces
  if (paren == std::string::npos) return std::nullopt;
  std::istringstream fields(stat.substr(paren + 2));
  std::string field;
  double utime = 0, stime = 0;
  // After ")": field 3 (state) is index 0; utime is field 14 -> index 11.
  for (int i = 0; i <= 12 && fields >> field; ++i) {
    if (i == 11) utime = std::strtod(field.c_str(), nullptr);
    if (i == 12) stime = std::strtod(field.c_str(), nullptr);
  }
  const long ticks = sysconf(_SC_CLK_TCK);
  if (ticks <= 0) return std::nullopt;
  return (utime + stime) / static_cast<double>(ticks);
}

std::optional<double> ResidentBytes() {
  std::ifstream in("/proc/self/statm");
  long size_pages = 0, resident_pages = 0;
  if (!(in >> size_pages >> resident_pages)) return std::nullopt;
  return static_cast<double>(resident_pages) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

std::optional<double> OpenFds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return std::nullopt;
  int64_t count = 0;
  // Bounded by the descriptor limit; "." and ".." and the dir's own fd
  // are not counted.
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] != '.') ++count;
  }
  closedir(dir);
  return static_cast<double>(count - 1);
}

std::optional<double> MaxFds() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return std::nullopt;
  return static_cast<double>(limit.rlim_cur);
}

void Add(metrics::Registry* r, const char* name, const char* help, metrics::MetricType type,
         std::optional<double> (*read)()) {
  r->AddCollector(name, help, type, {}, [read](metrics::SampleSink& sink) {
    if (std::optional<double> v = read(); v.has_value()) sink.Add({}, *v);
  });
}

}  // namespace

void RegisterProcessMetrics(metrics::Registry* registry) {
  Add(registry, "process_cpu_seconds_total", "User and system CPU time of the process.",
      metrics::MetricType::kCounter, &CpuSeconds);
  Add(registry, "process_resident_memory_bytes", "Resident memory of the process.",
      metrics::MetricType::kGauge, &ResidentBytes);
  Add(registry, "process_open_fds", "Open file descriptors.", metrics::MetricType::kGauge,
      &OpenFds);
  Add(registry, "process_max_fds", "File descriptor limit (soft).", metrics::MetricType::kGauge,
      &MaxFds);
}

}  // namespace rtai::cli
