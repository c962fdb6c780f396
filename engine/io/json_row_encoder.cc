#include "engine/io/json_row_encoder.h"

#include <cmath>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "engine/record/text_parse.h"

namespace rtai::engine::io {
namespace {

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  const bool valid = IsValidUtf8(s);
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        if (c < 0x20) {
          absl::StrAppend(out, "\\u00", absl::Hex(c, absl::kZeroPad2));
        } else if (c >= 0x80 && !valid) {
          out->append("\xEF\xBF\xBD");  // U+FFFD
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

void AppendJsonValue(const Value& v, std::string* out) {
  if (v.is_null()) {
    out->append("null");
    return;
  }
  switch (v.type()) {
    case TypeId::kInt64:
    case TypeId::kTimestamp: absl::StrAppend(out, v.int64()); break;
    case TypeId::kDouble:
      if (std::isfinite(v.dbl())) {
        // The shortest %g precision that reads back to the same double.
        char buf[32];
        double back = 0;
        for (int p = 1; p <= 17; ++p) {
          snprintf(buf, sizeof(buf), "%.*g", p, v.dbl());
          if (sscanf(buf, "%lf", &back) == 1 && back == v.dbl()) break;
        }
        out->append(buf);
      } else {
        out->append("null");
      }
      break;
    case TypeId::kBool: out->append(v.boolean() ? "true" : "false"); break;
    case TypeId::kString: AppendJsonString(v.str(), out); break;
    case TypeId::kBytes: {
      std::string b64;
      absl::Base64Escape(absl::string_view(v.str().data(), v.str().size()), &b64);
      AppendJsonString(b64, out);
      break;
    }
    case TypeId::kNull: out->append("null"); break;
  }
}

}  // namespace

void AppendJsonRow(const Schema& schema, const Value* row, std::string* out) {
  out->push_back('{');
  for (size_t c = 0; c < schema.num_fields(); ++c) {
    if (c > 0) out->push_back(',');
    AppendJsonString(schema.field(c).name, out);
    out->push_back(':');
    AppendJsonValue(row[c], out);
  }
  out->push_back('}');
}

void AppendKeyText(const Value& v, std::string* out) {
  if (v.is_null()) return;
  if (v.type() == TypeId::kString || v.type() == TypeId::kBytes) {
    out->append(v.str());
    return;
  }
  AppendJsonValue(v, out);
}

}  // namespace rtai::engine::io
