#pragma once
// EventDecoder: one encoded event (JSON or CSV text) -> a row of the event
// schema plus its event time, appended to a Batch. Shared by broker_source
// and parse. Not thread-safe (decoder scratch space); one per operator.

#include <string_view>

#include "engine/graph/operator_config.h"
#include "engine/record/csv_decoder.h"
#include "engine/record/json_decoder.h"
#include "engine/runtime/stream_element.h"

namespace rtai::engine::operators {

class EventDecoder {
 public:
  // `schema` must outlive the decoder. `event_time_column` -1 = use the
  // fallback time given to Decode.
  EventDecoder(graph::EventFormat format, const Schema* schema, char csv_delimiter,
               bool ignore_unknown_fields, int event_time_column);

  // Appends the row and its event time. A malformed value (or a null event
  // time) leaves `batch` unchanged and returns kInvalidArgument with the
  // reason, e.g. "json: field `price`: expected int64, got string at byte 17".
  absl::Status Decode(std::string_view value, int64_t fallback_time_ms, runtime::Batch* batch);

 private:
  graph::EventFormat format_;
  const Schema* schema_;
  JsonRowDecoder json_;
  CsvRowDecoder csv_;
  int event_time_column_;
};

}  // namespace rtai::engine::operators
