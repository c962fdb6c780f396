#pragma once
// Process gauges read from /proc at scrape time, with the standard
// Prometheus client names: process_cpu_seconds_total,
// process_resident_memory_bytes, process_open_fds, process_max_fds.
// A value that cannot be read is left out of the scrape (Linux only).

#include "base/metrics/registry.h"

namespace rtai::cli {

// The collectors capture no state; call once per Registry.
void RegisterProcessMetrics(metrics::Registry* registry);

}  // namespace rtai::cli
