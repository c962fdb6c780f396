#pragma once
// rtai-cli fraud report: reads the fraud job's topics (scores, alerts,
// labels, audit, drift; docs/examples/fraud_job.json) and prints the demo's
// summary: events/s, event-to-score and event-to-alert latency (p50/p99),
// precision/recall before and after the drift (and under the promoted
// model), drift detections and model decisions. Latency needs the
// transactions' `ingest_ms` (rtai-cli fraud generate --stamp-ingest) and
// the job's `processed_at_ms` (champion_challenger processing_time: true).

#include "absl/status/status.h"
#include "cli/args.h"
#include "cli/cli_env.h"

namespace rtai::cli {

absl::Status RunFraudReport(CliEnv& env, const ParsedArgs& args);

}  // namespace rtai::cli
