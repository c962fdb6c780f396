#include "cli/http/dashboard_endpoints.h"

#include "cli/http/dashboard_assets.h"
#include "cli/http/json_writer.h"

namespace rtai::cli {
namespace {

constexpr char kJsonType[] = "application/json; charset=utf-8";
constexpr size_t kMaxPrefixBytes = 200;

HttpResponse Json(std::string body) {
  HttpResponse r;
  r.content_type = kJsonType;
  r.body = std::move(body);
  return r;
}

HttpResponse Error(const absl::Status& s) {
  HttpResponse r;
  r.content_type = kJsonType;
  r.status = absl::IsNotFound(s)          ? 404
             : absl::IsInvalidArgument(s) ? 400
                                          : 500;
  r.body = "{\"error\":" + JsonQuote(std::string(s.message())) + "}";
  return r;
}

HttpResponse FromStatusOr(const absl::StatusOr<std::string>& body) {
  return body.ok() ? Json(*body) : Error(body.status());
}

bool ValidPrefix(const std::string& p) {
  if (p.size() > kMaxPrefixBytes) return false;
  for (char c : p) {
    if (!isalnum(static_cast<unsigned char>(c)) && c != '_' && c != ':') return false;
  }
  return true;
}

}  // namespace

std::string QueryParam(std::string_view query, std::string_view key) {
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const size_t eq = pair.find('=');
    if (pair.substr(0, eq) == key) {
      return eq == std::string_view::npos ? std::string() : std::string(pair.substr(eq + 1));
    }
  }
  return std::string();
}

void RegisterDashboardEndpoints(HttpServer* server, DashboardSources sources) {
  for (const DashboardAsset& asset : DashboardAssets()) {
    auto serve = [asset](const HttpRequest&) {
      HttpResponse r;
      r.content_type = std::string(asset.content_type);
      r.body = std::string(asset.bytes);
      return r;
    };
    server->Handle(std::string(asset.url_path), serve);
    if (asset.url_path == "/dashboard/") {
      server->Handle("/", serve);
      server->Handle("/dashboard", serve);
    }
  }
  server->Handle("/api/topics", [sources](const HttpRequest&) { return Json(TopicsJson(sources)); });
  server->Handle("/api/jobs", [sources](const HttpRequest&) { return Json(JobsJson(sources)); });
  server->Handle("/api/job", [sources](const HttpRequest& req) {
    return FromStatusOr(JobJson(sources, QueryParam(req.query, "id")));
  });
  server->Handle("/api/models", [sources](const HttpRequest&) { return Json(ModelsJson(sources)); });
  server->Handle("/api/metrics", [sources](const HttpRequest& req) {
    const std::string prefix = QueryParam(req.query, "prefix");
    if (!ValidPrefix(prefix)) {
      return Error(absl::InvalidArgumentError("prefix: metric name characters, at most 200"));
    }
    return FromStatusOr(MetricsJson(sources, prefix));
  });
}

}  // namespace rtai::cli
