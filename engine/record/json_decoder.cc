#include "engine/record/json_decoder.h"

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "base/check.h"
#include "base/status_macros.h"
#include "engine/record/json_reader.h"
#include "engine/record/row_decoding.h"
#include "engine/record/text_parse.h"

namespace rtai::engine {
namespace {

absl::Status FieldError(const JsonReader& r, const Field& f,
                        std::string_view what) {
  return r.Error(absl::StrCat("field `", f.name, "`: ", std::string(what)));
}

absl::Status Mismatch(const JsonReader& r, const Field& f, JsonKind got) {
  return FieldError(r, f,
                    absl::StrCat("expected ", std::string(TypeName(f.type)),
                                 ", got ", std::string(JsonKindName(got))));
}

}  // namespace

absl::Status JsonRowDecoder::Decode(std::string_view input, Row* out) {
  return DecodeIntoRow(*schema_, out, [&](RowWriter w) { return DecodeInto(input, w); });
}

absl::Status JsonRowDecoder::DecodeAppend(std::string_view input, RowBatch* batch) {
  return DecodeAppendingRow(*schema_, batch, [&](RowWriter w) { return DecodeInto(input, w); });
}

absl::Status JsonRowDecoder::DecodeInto(std::string_view input, RowWriter out) {
  const Schema& schema = *schema_;
  if (input.size() > options_.max_input_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("json: input of ", input.size(),
                     " bytes exceeds the limit of ", options_.max_input_bytes));
  }
  for (size_t i = 0; i < schema.num_fields(); ++i) {
    out[i] = Value::Null(schema.field(i).type);
  }
  absl::InlinedVector<uint64_t, 8> seen((schema.num_fields() + 63) / 64, 0);
  JsonReader r(input, options_.max_depth);
  size_t next_hint = 0;
  if (!r.Consume('{')) return r.Error("expected a JSON object");
  if (!r.Consume('}')) {
    while (true) {
      std::string_view key;
      absl::Status s = r.ReadString(&scratch_, &key);
      if (!s.ok()) return s;
      if (!r.Consume(':')) return r.Error("expected ':'");
      // Producers usually write members in schema order: try the next
      // column's name before hashing.
      int idx =
          next_hint < schema.num_fields() && schema.field(next_hint).name == key
              ? static_cast<int>(next_hint)
              : schema.FindField(key);
      if (idx >= 0) next_hint = static_cast<size_t>(idx) + 1;
      if (idx < 0) {
        if (!options_.ignore_unknown_fields) {
          return r.Error(
              absl::StrCat("unknown field `", std::string(key), "`"));
        }
        s = r.SkipValue();
        if (!s.ok()) return s;
      } else {
        uint64_t& word = seen[idx / 64];
        const uint64_t bit = uint64_t{1} << (idx % 64);
        if (word & bit) {
          return r.Error(
              absl::StrCat("field `", std::string(key), "` appears twice"));
        }
        word |= bit;
        s = DecodeField(r, schema.field(idx), idx, out);
        if (!s.ok()) return s;
      }
      if (r.Consume(',')) continue;
      if (r.Consume('}')) break;
      return r.Error("expected ',' or '}'");
    }
  }
  r.SkipWhitespace();
  if (!r.AtEnd()) return r.Error("trailing characters after the object");
  return absl::OkStatus();
}

absl::Status JsonRowDecoder::DecodeField(JsonReader& r, const Field& f, int idx,
                                         RowWriter out) {
  const JsonKind kind = r.PeekKind();
  if (kind == JsonKind::kNull) return r.ReadNull();
  if (kind == JsonKind::kInvalid) {
    return FieldError(r, f,
                      r.AtEnd() ? "unexpected end of input" : "invalid value");
  }
  switch (f.type) {
    case TypeId::kInt64:
    case TypeId::kDouble: {
      if (kind != JsonKind::kNumber) return Mismatch(r, f, kind);
      std::string_view text;
      bool is_integer;
      RETURN_IF_ERROR(r.ReadNumber(&text, &is_integer));
      if (f.type == TypeId::kDouble) {
        double d;
        if (!ParseDoubleText(text, &d))
          return FieldError(r, f, "number out of range");
        out[idx] = Value::Double(d);
        return absl::OkStatus();
      }
      int64_t v;
      if (!is_integer)
        return FieldError(r, f, "expected int64, got a fractional number");
      if (!ParseInt64Text(text, &v))
        return FieldError(r, f, "integer out of int64 range");
      out[idx] = Value::Int64(v);
      return absl::OkStatus();
    }
    case TypeId::kBool: {
      if (kind != JsonKind::kBool) return Mismatch(r, f, kind);
      bool b;
      RETURN_IF_ERROR(r.ReadBool(&b));
      out[idx] = Value::Bool(b);
      return absl::OkStatus();
    }
    case TypeId::kTimestamp: {
      std::string_view text;
      if (kind == JsonKind::kNumber) {
        bool is_integer;
        RETURN_IF_ERROR(r.ReadNumber(&text, &is_integer));
      } else if (kind == JsonKind::kString) {
        RETURN_IF_ERROR(r.ReadString(&scratch_, &text));
      } else {
        return Mismatch(r, f, kind);
      }
      int64_t ms;
      if (!ParseTimestampText(text, &ms)) {
        return FieldError(r, f,
                          "expected integer milliseconds or an RFC 3339 time");
      }
      out[idx] = Value::Timestamp(ms);
      return absl::OkStatus();
    }
    case TypeId::kString:
    case TypeId::kBytes: {
      if (kind != JsonKind::kString) return Mismatch(r, f, kind);
      std::string_view text;
      RETURN_IF_ERROR(r.ReadString(&scratch_, &text));
      if (f.type == TypeId::kString) {
        out.SetString(idx, text);
        return absl::OkStatus();
      }
      if (!DecodeBase64Text(text, &scratch2_))
        return FieldError(r, f, "invalid base64");
      out.SetBytes(idx, scratch2_);
      return absl::OkStatus();
    }
    case TypeId::kNull:
      break;
  }
  return FieldError(r, f, "invalid column type");
}

}  // namespace rtai::engine
