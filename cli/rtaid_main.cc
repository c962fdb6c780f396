// rtaid: the rtai daemon. Hosts the broker (gRPC BrokerService, and the Kafka
// listener) on one data directory. Stops cleanly on
// SIGTERM or SIGINT: a dedicated thread sigwait()s, then the servers stop
// and the Broker shuts down (pending callbacks complete, logs synced).

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "base/clock.h"
#include "base/file_system.h"
#include "base/logging.h"
#include "base/malloc_tuning.h"
#include "base/metrics/registry.h"
#include "broker/core/broker.h"
#include "broker/core/metered_broker.h"
#include "broker/grpc/admin_service.h"
#include "broker/grpc/grpc_server.h"
#include "broker/topic/topic_config.h"
#include "cli/broker_group_offsets.h"
#include "cli/broker_partition_client.h"
#include "cli/daemon_security.h"
#include "cli/http/admin_endpoints.h"
#include "cli/http/bearer_auth.h"
#include "cli/http/dashboard_endpoints.h"
#include "cli/kafka_listener_hook.h"
#include "engine/ml/registry/model_registry.h"
#include "engine/ml/registry/model_service.h"
#include "engine/runtime/engine_metrics.h"
#include "engine/runtime/ml_metrics.h"
#include "engine/service/job_manager.h"
#include "engine/service/job_metrics_exporter.h"
#include "engine/service/job_service_impl.h"

ABSL_FLAG(std::string, data_dir, "",
          "Directory for all broker data (required).");
ABSL_FLAG(std::string, grpc_listen, "127.0.0.1:50051",
          "host:port of the gRPC BrokerService (port 0 picks a free one).");
ABSL_FLAG(std::string, kafka_listen, "127.0.0.1:9092",
          "host:port of the Kafka protocol listener.");
ABSL_FLAG(std::string, http_listen, "127.0.0.1:8080",
          "host:port of the HTTP endpoint (/metrics, /healthz, /readyz, the dashboard at / "
          "and its JSON API under /api/; plain HTTP without auth unless "
          "--http-tls-cert/--http-auth; port 0 picks one).");
ABSL_FLAG(std::string, http_tls_cert, "",
          "PEM certificate chain: serve HTTPS instead of HTTP (with --http-tls-key).");
ABSL_FLAG(std::string, http_tls_key, "", "PEM private key for HTTPS.");
ABSL_FLAG(bool, http_auth, false,
          "Require a bearer token (role admin or submit-jobs) for every HTTP path "
          "but /healthz and /readyz; needs --http-tls-cert.");
ABSL_FLAG(int32_t, http_max_connections, 64,
          "Open HTTP connections at most; more are closed at accept.");
ABSL_FLAG(int64_t, http_idle_timeout_ms, 30000,
          "HTTP connections without a complete request for this long close.");
ABSL_FLAG(std::string, grpc_tls_cert, "",
          "PEM certificate chain for gRPC; turns TLS on (with --grpc-tls-key).");
ABSL_FLAG(std::string, grpc_tls_key, "", "PEM private key for gRPC.");
ABSL_FLAG(std::string, grpc_tls_client_ca, "",
          "PEM CA bundle: gRPC clients must present a certificate it signed "
          "(mutual TLS; the CN names the principal).");
ABSL_FLAG(bool, grpc_auth, false,
          "Require authentication (bearer token or client certificate) on gRPC "
          "and authorize every call by role, deny by default; needs TLS.");
ABSL_FLAG(int32_t, node_id, 0, "This node's id.");
ABSL_FLAG(int64_t, log_segment_bytes, int64_t{128} << 20,
          "Default segment.bytes.");
ABSL_FLAG(int64_t, log_segment_ms, int64_t{7} * 24 * 3600 * 1000,
          "Default segment.ms.");
ABSL_FLAG(int64_t, log_retention_ms, int64_t{7} * 24 * 3600 * 1000,
          "Default retention.ms (-1: keep forever).");
ABSL_FLAG(int64_t, log_retention_bytes, -1,
          "Default retention.bytes (-1: no limit).");
ABSL_FLAG(int32_t, message_max_bytes, (1 << 20) + 12,
          "Default max.message.bytes.");
ABSL_FLAG(
    std::string, flush_policy, "per-write",
    "Default flush.policy: per-write (fsync before acks=all is answered) or "
    "interval (fsync every --flush-ms).");
ABSL_FLAG(int64_t, flush_ms, 1000, "Default flush.ms for the interval policy.");
ABSL_FLAG(int32_t, disk_threads, 2, "Threads that append and fsync.");
ABSL_FLAG(int32_t, disk_queue_capacity, 4096,
          "Produce requests queued for disk at most.");
ABSL_FLAG(int32_t, max_partitions_per_topic, 1000,
          "Partition limit per topic.");
ABSL_FLAG(int64_t, retention_check_interval_ms, 30000,
          "How often retention runs.");
ABSL_FLAG(int32_t, engine_threads, 0,
          "Worker threads shared by all jobs' tasks (0 = one per CPU).");

namespace {

using rtai::broker::Broker;

absl::StatusOr<rtai::broker::BrokerOptions> OptionsFromFlags() {
  rtai::broker::BrokerOptions o;
  o.data_dir = absl::GetFlag(FLAGS_data_dir);
  if (o.data_dir.empty()) {
    return absl::InvalidArgumentError("--data-dir is required");
  }
  o.node_id = rtai::NodeId(absl::GetFlag(FLAGS_node_id));
  o.log_defaults.segment_bytes = absl::GetFlag(FLAGS_log_segment_bytes);
  o.log_defaults.segment_ms = absl::GetFlag(FLAGS_log_segment_ms);
  o.log_defaults.retention_ms = absl::GetFlag(FLAGS_log_retention_ms);
  o.log_defaults.retention_bytes = absl::GetFlag(FLAGS_log_retention_bytes);
  o.log_defaults.max_message_bytes = absl::GetFlag(FLAGS_message_max_bytes);
  auto policy =
      rtai::broker::ParseFlushPolicy(absl::GetFlag(FLAGS_flush_policy));
  if (!policy.ok()) return policy.status();
  o.log_defaults.flush_policy = *policy;
  o.log_defaults.flush_interval_ms = absl::GetFlag(FLAGS_flush_ms);
  o.disk_threads = absl::GetFlag(FLAGS_disk_threads);
  o.disk_queue_capacity = absl::GetFlag(FLAGS_disk_queue_capacity);
  o.max_partitions_per_topic = absl::GetFlag(FLAGS_max_partitions_per_topic);
  o.retention_check_interval_ms =
      absl::GetFlag(FLAGS_retention_check_interval_ms);
  return o;
}

// absl flags spell names with underscores; rtaid documents dashes
// (--data-dir). Rewrites "--data-dir=x" to "--data_dir=x"; values untouched.
std::vector<char*> DashesToUnderscores(int argc, char** argv,
                                       std::vector<std::string>& storage) {
  storage.assign(argv, argv + argc);
  for (size_t i = 1; i < storage.size(); ++i) {
    std::string& a = storage[i];
    if (a == "--") break;
    if (a.rfind("--", 0) != 0) continue;
    const size_t end = std::min(a.find('='), a.size());
    for (size_t j = 2; j < end; ++j) {
      if (a[j] == '-') a[j] = '_';
    }
  }
  std::vector<char*> out;
  for (std::string& a : storage) out.push_back(a.data());
  return out;
}

// Every partition keeps a few files open (log, indexes); raise the soft
// descriptor limit to the hard one so thousands of partitions fit.
void RaiseFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
  getrlimit(RLIMIT_NOFILE, &limit);
  rtai::LogInfo("open file limit",
                {{"nofile", static_cast<int64_t>(limit.rlim_cur)}});
}

// Two daemons on one data directory would corrupt it: hold an exclusive
// flock on <data_dir>/rtaid.lock for the process lifetime (the kernel drops
// it when the process dies, even by SIGKILL).
absl::Status LockDataDir(const std::string& data_dir) {
  absl::Status s = rtai::DefaultFileSystem()->CreateDirs(data_dir);
  if (!s.ok()) return s;
  const std::string path = rtai::JoinPath(data_dir, "rtaid.lock");
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return rtai::ErrnoToStatus(errno, absl::StrCat("open ", path));
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    close(fd);
    if (err == EWOULDBLOCK) {
      return absl::FailedPreconditionError(
          absl::StrCat("data directory ", data_dir,
                       " is in use by another rtaid (", path, " is locked)"));
    }
    return rtai::ErrnoToStatus(err, absl::StrCat("flock ", path));
  }
  return absl::OkStatus();  // fd stays open until exit
}

int Die(const absl::Status& s) {
  rtai::LogError("rtaid failed to start", {{"error", s.ToString()}});
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "rtai daemon.\nusage: rtaid --data-dir DIR [--grpc-listen HOST:PORT] "
      "[--kafka-listen HOST:PORT] [--http-listen HOST:PORT] [--node-id N] "
      "[broker defaults...]\n"
      "Flag names may use dashes or underscores (--data-dir = --data_dir).");
  std::vector<std::string> arg_storage;
  std::vector<char*> args = DashesToUnderscores(argc, argv, arg_storage);
  absl::ParseCommandLine(static_cast<int>(args.size()), args.data());

  // Block the stop signals in every thread; one thread takes them via sigwait.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  rtai::TuneMallocForStreaming();  // base/malloc_tuning.h: why

  RaiseFileLimit();
  auto options = OptionsFromFlags();
  if (!options.ok()) return Die(options.status());
  if (absl::Status s = LockDataDir(options->data_dir); !s.ok()) return Die(s);
  rtai::Clock* clock = rtai::SystemClock();
  // Principals and the audit log (docs/SECURITY.md), shared by listeners.
  auto security = rtai::cli::OpenDaemonSecurity(options->data_dir, clock);
  if (!security.ok()) return Die(security.status());
  // Outlives everything that records into it (declared first).
  rtai::metrics::Registry metrics(clock);
  options->metrics = &metrics;
  auto opened = Broker::Open(*options, rtai::DefaultFileSystem(), clock);
  if (!opened.ok()) return Die(opened.status());
  absl::StatusOr<std::unique_ptr<Broker>> broker(
      std::make_unique<rtai::broker::MeteredBroker>(*std::move(opened), &metrics));

  // The engine reaches the broker only through the PartitionClient adapter;
  // consumer-group offsets (broker_source `group`) through the Kafka
  // listener's group coordinator, attached once the listener has loaded them.
  rtai::cli::BrokerGroupOffsets group_offsets;
  rtai::cli::BrokerPartitionClient partition_client(broker->get(), &group_offsets);
  // Model registry (docs/MODELS.md): <data_dir>/models, served as ModelService
  // and used by jobs' ML operators to resolve models.
  rtai::ml::ModelRegistryOptions registry_options;
  registry_options.dir = rtai::JoinPath(options->data_dir, "models");
  auto registry = rtai::ml::ModelRegistry::Open(
      registry_options, rtai::DefaultFileSystem(), clock);
  if (!registry.ok()) {
    (*broker)->Shutdown();
    return Die(registry.status());
  }
  rtai::engine::runtime::EngineMetrics engine_metrics(&metrics);
  rtai::engine::runtime::MlMetrics ml_metrics(&metrics, clock);
  rtai::engine::service::JobManagerOptions job_options;
  job_options.data_dir = options->data_dir;
  job_options.client = &partition_client;
  job_options.txn_client = &partition_client;  // exactly-once sinks (docs/CHECKPOINTS.md)
  job_options.clock = clock;
  job_options.model_resolver = registry->get();
  job_options.ml_metrics = &ml_metrics;
  job_options.engine_metrics = &engine_metrics;
  job_options.engine_threads = absl::GetFlag(FLAGS_engine_threads);
  auto jobs = rtai::engine::service::JobManager::Create(job_options);
  if (!jobs.ok()) {
    (*broker)->Shutdown();
    return Die(jobs.status());
  }
  rtai::engine::service::JobServiceImpl job_service(jobs->get());
  // Before jobs: its collectors read the JobManager.
  auto job_exporter =
      std::make_unique<rtai::engine::service::JobMetricsExporter>(jobs->get(), &metrics);

  // /readyz: the broker is open; ready once every listener serves. The
  // dashboard reads the broker, jobs and models: HTTP stops before they go.
  std::atomic<bool> ready{false};
  rtai::cli::HttpServerOptions http_options;
  http_options.listen_address = absl::GetFlag(FLAGS_http_listen);
  http_options.max_connections = absl::GetFlag(FLAGS_http_max_connections);
  http_options.idle_timeout_ms = absl::GetFlag(FLAGS_http_idle_timeout_ms);
  http_options.tls_cert_file = absl::GetFlag(FLAGS_http_tls_cert);
  http_options.tls_key_file = absl::GetFlag(FLAGS_http_tls_key);
  if (absl::GetFlag(FLAGS_http_auth)) {
    if (http_options.tls_cert_file.empty()) {
      job_exporter.reset();
      jobs->reset();
      (*broker)->Shutdown();
      return Die(absl::InvalidArgumentError(
          "--http-auth needs --http-tls-cert/--http-tls-key (tokens must not travel in clear)"));
    }
    http_options.authorize =
        rtai::cli::MakeBearerAuthorizer(security->principals.get(), security->audit.get());
  }
  rtai::cli::DashboardSources dashboard{&metrics,        broker->get(), jobs->get(),
                                        &engine_metrics, registry->get(), &ml_metrics, clock};
  auto http = rtai::cli::StartAdminServer(
      http_options, &metrics, [&ready] { return ready.load(); },
      [&dashboard](rtai::cli::HttpServer* server) {
        rtai::cli::RegisterDashboardEndpoints(server, dashboard);
      });
  if (!http.ok()) {
    job_exporter.reset();
    jobs->reset();
    (*broker)->Shutdown();
    return Die(http.status());
  }

  // Before jobs run (Recover, gRPC submits): the listener restores the
  // committed consumer offsets that `start: committed` sources read.
  auto kafka = rtai::cli::StartKafkaListener(absl::GetFlag(FLAGS_kafka_listen),
                                             broker->get(), clock,
                                             options->log_defaults, &metrics,
                                             security->principals.get(),
                                             security->audit.get());
  if (!kafka.ok()) {
    (*http)->Stop();
    job_exporter.reset();
    jobs->reset();
    (*broker)->Shutdown();
    return Die(kafka.status());
  }
  if (*kafka) group_offsets.Attach((*kafka)->groups(), (*kafka)->offset_store());

  rtai::broker::GrpcServerOptions grpc_options;
  grpc_options.listen_address = absl::GetFlag(FLAGS_grpc_listen);
  rtai::ml::ModelServiceImpl model_service(registry->get());
  grpc_options.extra_services.push_back(&model_service);
  grpc_options.extra_services.push_back(&job_service);
  grpc_options.metrics = &metrics;
  grpc_options.security.tls_cert_file = absl::GetFlag(FLAGS_grpc_tls_cert);
  grpc_options.security.tls_key_file = absl::GetFlag(FLAGS_grpc_tls_key);
  grpc_options.security.tls_client_ca_file = absl::GetFlag(FLAGS_grpc_tls_client_ca);
  grpc_options.security.auth_enabled = absl::GetFlag(FLAGS_grpc_auth);
  grpc_options.security.principals = security->principals.get();
  grpc_options.security.audit = security->audit.get();
  rtai::broker::AdminServiceImpl admin_service(security->principals.get(),
                                               grpc_options.security.auth_enabled);
  grpc_options.extra_services.push_back(&admin_service);
  auto grpc =
      rtai::broker::GrpcServer::Start(grpc_options, broker->get(), clock);
  if (!grpc.ok()) {
    if (*kafka) (*kafka)->Shutdown();
    (*http)->Stop();
    job_exporter.reset();
    jobs->reset();
    (*broker)->Shutdown();
    return Die(grpc.status());
  }
  auto recovered = (*jobs)->Recover();
  if (!recovered.ok()) {
    rtai::LogWarning("jobs not recovered", {{"error", std::string(recovered.status().message())}});
  } else if (*recovered > 0) {
    rtai::LogInfo("jobs resubmitted", {{"count", *recovered}});
  }
  rtai::LogInfo("rtaid listening",
                {{"grpc", (*grpc)->address()},
                 {"kafka", *kafka ? (*kafka)->address() : std::string("off")},
                 {"kafka_listen", absl::GetFlag(FLAGS_kafka_listen)},
                 {"http", (*http)->address()},
                 {"data_dir", options->data_dir},
                 {"node_id", options->node_id.value()},
                 {"topics", (*broker)->ListTopics().size()}});

  ready = true;

  int sig = 0;
  sigwait(&stop_signals, &sig);
  ready = false;
  rtai::LogInfo("rtaid stopping",
                {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
  if (*kafka) (*kafka)->Shutdown();
  (*grpc)->Shutdown();
  (*http)->Stop();  // the dashboard reads jobs and the broker
  job_exporter.reset();
  jobs->reset();  // stops every job before the broker goes away
  (*broker)->Shutdown();
  rtai::LogInfo("rtaid stopped");
  return 0;
}
