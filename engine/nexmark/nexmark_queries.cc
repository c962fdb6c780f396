#include "engine/nexmark/nexmark_queries.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace rtai::engine::nexmark {
namespace {

// Source and sink around a middle; EVENTS and SINK are replaced by
// QueryJob.
std::string Job(const std::string& name, const std::string& nodes, const std::string& edges,
                bool json = false) {
  const std::string source =
      json ? R"({"uid": "src", "operator": "broker_source", "config": {"topic": "events",
               "schema": "event", "event_time": "ts", "bounded": true}})"
           : R"({"uid": "src", "operator": "nexmark_source", "config": {"events": EVENTS}})";
  const std::string schemas =
      json ? R"("schemas": [{"name": "event", "fields": [{"name": "event_type", "type": "int64"},
               {"name": "auction", "type": "int64"}, {"name": "bidder", "type": "int64"},
               {"name": "price", "type": "int64"}, {"name": "channel", "type": "string"},
               {"name": "url", "type": "string"}, {"name": "ts", "type": "timestamp"}]}],)"
           : "";
  return absl::StrCat(R"({"version": 1, "name": ")", name, R"(", )", schemas,
                      R"( "watermark": {"max_out_of_orderness_ms": 4000}, "nodes": [)", source,
                      ",", nodes, R"(, {"uid": "sink", SINK}], "edges": [)",
                      edges, "]}");
}

constexpr char kBids[] =
    R"({"uid": "bids", "operator": "filter", "config": {"predicate": "event_type = 2"}})";

std::string Simple(const std::string& name, const std::string& predicate,
                   const std::string& fields, bool json = false) {
  return Job(name,
             absl::StrCat(R"({"uid": "bids", "operator": "filter", "config": {"predicate": ")",
                          predicate, R"("}}, {"uid": "project", "operator": "map", "config": {"fields": )",
                          fields, "}}"),
             R"({"from": "src", "to": "bids"}, {"from": "bids", "to": "project"},
                {"from": "project", "to": "sink"})",
             json);
}

constexpr char kQ0Fields[] = R"([{"name": "auction", "expr": "auction"},
    {"name": "bidder", "expr": "bidder"}, {"name": "price", "expr": "price"},
    {"name": "channel", "expr": "channel"}, {"name": "url", "expr": "url"},
    {"name": "ts", "expr": "ts"}])";

// q5 hot items: bids per auction in hopping 10 s / 2 s windows; the maximum
// count per window (a tumbling 2 s window over the results: every result of
// a window ending at E carries event time E-1); joined back on window_end and
// kept where bids >= max_bids.
std::string Q5() {
  return Job("q5", std::string(kBids) + R"(,
    {"uid": "counts", "operator": "window_aggregate", "config": {
      "window": {"type": "sliding", "size_ms": 10000, "slide_ms": 2000}, "key": ["auction"],
      "aggregates": [{"name": "bids", "fn": "count"}]}},
    {"uid": "max", "operator": "window_aggregate", "config": {
      "window": {"type": "tumbling", "size_ms": 2000},
      "aggregates": [{"name": "max_bids", "fn": "max", "expr": "bids"}]}},
    {"uid": "join", "operator": "interval_join", "config": {"left_key": ["window_end"],
      "right_key": ["window_end"], "lower_bound_ms": 0, "upper_bound_ms": 0,
      "right_prefix": "m_"}},
    {"uid": "hot", "operator": "filter", "config": {"predicate": "bids >= m_max_bids"}},
    {"uid": "project", "operator": "map", "config": {"fields": [
      {"name": "auction", "expr": "auction"}, {"name": "num", "expr": "bids"}]}})",
             R"({"from": "src", "to": "bids"}, {"from": "bids", "to": "counts"},
      {"from": "counts", "to": "max"}, {"from": "counts", "to": "join"},
      {"from": "max", "to": "join"}, {"from": "join", "to": "hot"},
      {"from": "hot", "to": "project"}, {"from": "project", "to": "sink"})");
}

// q7 highest bid: the maximum price per tumbling 10 s window, joined back to
// the bids of that window with that price (an interval join on price over
// the window: the maximum carries event time window_end - 1).
std::string Q7() {
  return Job("q7", std::string(kBids) + R"(,
    {"uid": "max", "operator": "window_aggregate", "config": {
      "window": {"type": "tumbling", "size_ms": 10000},
      "aggregates": [{"name": "max_price", "fn": "max", "expr": "price"}]}},
    {"uid": "join", "operator": "interval_join", "config": {"left_key": ["max_price"],
      "right_key": ["price"], "lower_bound_ms": -9999, "upper_bound_ms": 0}},
    {"uid": "project", "operator": "map", "config": {"fields": [
      {"name": "auction", "expr": "auction"}, {"name": "price", "expr": "price"},
      {"name": "bidder", "expr": "bidder"}, {"name": "ts", "expr": "ts"}]}})",
             R"({"from": "src", "to": "bids"}, {"from": "bids", "to": "max"},
      {"from": "max", "to": "join"}, {"from": "bids", "to": "join"},
      {"from": "join", "to": "project"}, {"from": "project", "to": "sink"})");
}

// q8 monitor new users: persons and the sellers of auctions, each grouped in
// tumbling 10 s windows, joined on id = seller within the same window.
std::string Q8() {
  return Job("q8", R"(
    {"uid": "persons", "operator": "filter", "config": {"predicate": "event_type = 0"}},
    {"uid": "auctions", "operator": "filter", "config": {"predicate": "event_type = 1"}},
    {"uid": "p_win", "operator": "window_aggregate", "config": {
      "window": {"type": "tumbling", "size_ms": 10000}, "key": ["person_id", "name"],
      "aggregates": [{"name": "n", "fn": "count"}]}},
    {"uid": "a_win", "operator": "window_aggregate", "config": {
      "window": {"type": "tumbling", "size_ms": 10000}, "key": ["seller"],
      "aggregates": [{"name": "n", "fn": "count"}]}},
    {"uid": "join", "operator": "interval_join", "config": {
      "left_key": ["person_id", "window_start"], "right_key": ["seller", "window_start"],
      "lower_bound_ms": 0, "upper_bound_ms": 0, "left_prefix": "p_", "right_prefix": "a_"}},
    {"uid": "project", "operator": "map", "config": {"fields": [
      {"name": "id", "expr": "p_person_id"}, {"name": "name", "expr": "p_name"},
      {"name": "starttime", "expr": "p_window_start"}]}})",
             R"({"from": "src", "to": "persons"}, {"from": "src", "to": "auctions"},
      {"from": "persons", "to": "p_win"}, {"from": "auctions", "to": "a_win"},
      {"from": "p_win", "to": "join"}, {"from": "a_win", "to": "join"},
      {"from": "join", "to": "project"}, {"from": "project", "to": "sink"})");
}

struct Query {
  const char* name;
  std::string (*json)();
  double flink_per_core;
};

// q0 pass-through: SELECT auction, bidder, price, dateTime, extra FROM bid.
std::string Q0() { return Simple("q0", "event_type = 2", kQ0Fields); }
// q1 currency conversion: SELECT auction, bidder, 0.908 * price ... FROM bid.
std::string Q1() {
  return Simple("q1", "event_type = 2", R"([{"name": "auction", "expr": "auction"},
      {"name": "bidder", "expr": "bidder"}, {"name": "price", "expr": "price * 0.908"},
      {"name": "ts", "expr": "ts"}])");
}
// q2 selection: SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0.
std::string Q2() {
  return Simple("q2", "event_type = 2 and auction % 123 = 0",
                R"([{"name": "auction", "expr": "auction"}, {"name": "price", "expr": "price"}])");
}
std::string Q0Json() { return Simple("q0-json", "event_type = 2", kQ0Fields, /*json=*/true); }

constexpr Query kQueries[] = {
    {"q0", Q0, 155.0e3}, {"q1", Q1, 157.9e3}, {"q2", Q2, 175.2e3},    {"q5", Q5, 22.1e3},
    {"q7", Q7, 12.3e3},  {"q8", Q8, 146.1e3}, {"q0-json", Q0Json, 155.0e3},
};

const Query* Find(const std::string& name) {
  for (const Query& q : kQueries) {
    if (name == q.name) return &q;
  }
  return nullptr;
}

}  // namespace

std::vector<std::string> QueryNames() {
  std::vector<std::string> names;
  for (const Query& q : kQueries) names.push_back(q.name);
  return names;
}

absl::StatusOr<std::string> QueryJob(const std::string& query, int64_t events,
                                     const std::string& sink) {
  const Query* q = Find(query);
  if (q == nullptr) return absl::NotFoundError(absl::StrCat("no Nexmark query `", query, "`"));
  return absl::StrReplaceAll(q->json(), {{"EVENTS", absl::StrCat(events)}, {"SINK", sink}});
}

double FlinkEventsPerCore(const std::string& query) {
  const Query* q = Find(query);
  return q == nullptr ? 0 : q->flink_per_core;
}

}  // namespace rtai::engine::nexmark
