#include "engine/operators/event_decoder.h"

#include "absl/strings/str_cat.h"

namespace rtai::engine::operators {
namespace {

JsonDecodeOptions JsonOptions(bool ignore_unknown) {
  JsonDecodeOptions o;
  o.ignore_unknown_fields = ignore_unknown;
  return o;
}
CsvDecodeOptions CsvOptions(char delimiter) {
  CsvDecodeOptions o;
  o.delimiter = delimiter;
  return o;
}

}  // namespace

EventDecoder::EventDecoder(graph::EventFormat format, const Schema* schema, char csv_delimiter,
                           bool ignore_unknown_fields, int event_time_column)
    : format_(format), schema_(schema), json_(schema, JsonOptions(ignore_unknown_fields)),
      csv_(schema, CsvOptions(csv_delimiter)), event_time_column_(event_time_column) {}

absl::Status EventDecoder::Decode(std::string_view value, int64_t fallback_time_ms,
                                  runtime::Batch* batch) {
  RowBatch& rows = batch->rows;
  absl::Status s = format_ == graph::EventFormat::kCsv ? csv_.DecodeAppend(value, &rows)
                                                      : json_.DecodeAppend(value, &rows);
  if (!s.ok()) return s;
  int64_t ts = fallback_time_ms;
  if (event_time_column_ >= 0) {
    const Value& v = rows.at(rows.num_rows() - 1, event_time_column_);
    if (v.is_null()) {
      rows.PopRow();
      return absl::InvalidArgumentError(absl::StrCat(
          "event time column `", schema_->field(event_time_column_).name, "` is null"));
    }
    ts = v.int64();
  }
  batch->timestamps.push_back(ts);
  return absl::OkStatus();
}

}  // namespace rtai::engine::operators
