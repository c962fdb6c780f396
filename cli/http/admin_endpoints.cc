#include "cli/http/admin_endpoints.h"

#include "cli/http/process_metrics.h"

namespace rtai::cli {

void RegisterAdminEndpoints(HttpServer* server, const metrics::Registry* registry,
                            std::function<bool()> ready) {
  server->Handle("/metrics", [registry](const HttpRequest&) {
    HttpResponse r;
    r.content_type = kPrometheusContentType;
    r.body = registry->RenderText();
    return r;
  });
  server->Handle("/healthz", [](const HttpRequest&) {
    HttpResponse r;
    r.body = "ok\n";
    return r;
  });
  server->Handle("/readyz", [ready = std::move(ready)](const HttpRequest&) {
    HttpResponse r;
    if (ready()) {
      r.body = "ready\n";
    } else {
      r.status = 503;
      r.body = "not ready\n";
    }
    return r;
  });
}

absl::StatusOr<std::unique_ptr<HttpServer>> StartAdminServer(
    HttpServerOptions options, metrics::Registry* registry, std::function<bool()> ready,
    const std::function<void(HttpServer*)>& register_more) {
  options.metrics = registry;
  auto server = std::make_unique<HttpServer>(std::move(options));
  RegisterAdminEndpoints(server.get(), registry, std::move(ready));
  if (register_more) register_more(server.get());
  if (absl::Status s = server->Start(); !s.ok()) return s;
  RegisterProcessMetrics(registry);
  registry->AddGauge("rtai_process_start_time_seconds",
                     "Start time of the process since the Unix epoch.")
      ->Set(registry->clock()->NowMillis() / 1000);
  return server;
}

}  // namespace rtai::cli
