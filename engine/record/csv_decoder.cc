#include "engine/record/csv_decoder.h"

#include "absl/strings/str_cat.h"
#include "base/check.h"
#include "engine/record/absl_compat.h"
#include "engine/record/row_decoding.h"
#include "engine/record/text_parse.h"

namespace rtai::engine {
namespace {

// The first 32 bytes of a bad field, for the error message.
std::string Snippet(std::string_view s) {
  std::string out(s.substr(0, 32));
  if (s.size() > 32) out += "...";
  return out;
}

}  // namespace

CsvRowDecoder::CsvRowDecoder(const Schema* schema, CsvDecodeOptions options)
    : schema_(schema), options_(options) {
  CHECK(options_.delimiter != '"' && options_.delimiter != '\r' &&
        options_.delimiter != '\n');
}

absl::Status CsvRowDecoder::Decode(std::string_view input, Row* out) {
  return DecodeIntoRow(*schema_, out, [&](RowWriter w) { return DecodeInto(input, w); });
}

absl::Status CsvRowDecoder::DecodeAppend(std::string_view input, RowBatch* batch) {
  return DecodeAppendingRow(*schema_, batch, [&](RowWriter w) { return DecodeInto(input, w); });
}

absl::Status CsvRowDecoder::DecodeInto(std::string_view input, RowWriter out) {
  const size_t n = schema_->num_fields();
  if (input.size() > options_.max_input_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("csv: input of ", input.size(),
                     " bytes exceeds the limit of ", options_.max_input_bytes));
  }
  if (input.size() >= 2 && input.substr(input.size() - 2) == "\r\n") {
    input.remove_suffix(2);
  } else if (!input.empty() && input.back() == '\n') {
    input.remove_suffix(1);
  }
  const char delim = options_.delimiter;
  size_t pos = 0, field = 0;
  while (true) {
    if (field >= n) {
      return absl::InvalidArgumentError(
          absl::StrCat("csv: more than the ", n, " fields of the schema"));
    }
    bool quoted = false;
    std::string_view text;
    if (pos < input.size() && input[pos] == '"') {
      quoted = true;
      unquoted_.clear();
      ++pos;
      while (true) {
        if (pos >= input.size()) {
          return absl::InvalidArgumentError(absl::StrCat(
              "csv: field `", schema_->field(field).name, "` (column ",
              field + 1, "): unterminated quoted field"));
        }
        if (input[pos] == '"') {
          if (pos + 1 < input.size() && input[pos + 1] == '"') {
            unquoted_.push_back('"');
            pos += 2;
            continue;
          }
          ++pos;
          break;
        }
        unquoted_.push_back(input[pos++]);
      }
      if (pos < input.size() && input[pos] != delim) {
        return absl::InvalidArgumentError(absl::StrCat(
            "csv: field `", schema_->field(field).name, "` (column ", field + 1,
            "): characters after the closing quote"));
      }
      text = unquoted_;
    } else {
      const size_t end = input.find(delim, pos);
      text = input.substr(pos, end == std::string_view::npos
                                   ? std::string_view::npos
                                   : end - pos);
      if (text.find('"') != std::string_view::npos) {
        return absl::InvalidArgumentError(absl::StrCat(
            "csv: field `", schema_->field(field).name, "` (column ", field + 1,
            "): quote inside an unquoted field"));
      }
      pos += text.size();
    }
    if (absl::Status s = SetField(field, text, quoted, out); !s.ok()) return s;
    ++field;
    if (pos >= input.size()) break;
    ++pos;  // the delimiter
  }
  if (field != n) {
    return absl::InvalidArgumentError(
        absl::StrCat("csv: expected ", n, " fields, got ", field));
  }
  return absl::OkStatus();
}

absl::Status CsvRowDecoder::SetField(size_t idx, std::string_view text,
                                     bool quoted, RowWriter out) {
  const Field& f = schema_->field(idx);
  if (text.empty() && !quoted) {
    out[idx] = Value::Null(f.type);
    return absl::OkStatus();
  }
  bool ok = false;
  switch (f.type) {
    case TypeId::kInt64: {
      int64_t v;
      ok = ParseInt64Text(text, &v);
      if (ok) out[idx] = Value::Int64(v);
      break;
    }
    case TypeId::kDouble: {
      double v;
      ok = ParseDoubleText(text, &v);
      if (ok) out[idx] = Value::Double(v);
      break;
    }
    case TypeId::kBool: {
      bool v;
      ok = ParseBoolText(text, /*allow_digits=*/true, &v);
      if (ok) out[idx] = Value::Bool(v);
      break;
    }
    case TypeId::kTimestamp: {
      int64_t v;
      ok = ParseTimestampText(text, &v);
      if (ok) out[idx] = Value::Timestamp(v);
      break;
    }
    case TypeId::kString:
      ok = IsValidUtf8(text);
      if (ok) out.SetString(idx, text);
      break;
    case TypeId::kBytes:
      ok = DecodeBase64Text(text, &scratch_);
      if (ok) out.SetBytes(idx, scratch_);
      break;
    case TypeId::kNull:
      break;
  }
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "csv: field `", f.name, "` (column ", idx + 1, "): expected ",
      ToAbsl(TypeName(f.type)), ", got \"", Snippet(text), "\""));
}

}  // namespace rtai::engine
