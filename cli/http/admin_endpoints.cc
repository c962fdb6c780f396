#include "cli/http/admin_endpoints.h"

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

}  // namespace rtai::cli
