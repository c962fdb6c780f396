#include "engine/ml/operators/owned_row.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace rtai::ml::ops {

using engine::TypeId;
using engine::Value;

namespace {
constexpr uint64_t kMaxStringBytes = 16u << 20;
}  // namespace

OwnedRow::OwnedRow(const Value* row, size_t width) : values_(row, row + width), strings_(width) {
  for (size_t i = 0; i < width; ++i) {
    const Value& v = values_[i];
    if (v.is_null() || (v.type() != TypeId::kString && v.type() != TypeId::kBytes)) continue;
    strings_[i].assign(v.str());
    values_[i] = v.type() == TypeId::kString ? Value::String(strings_[i])
                                              : Value::Bytes(strings_[i]);
  }
}

void OwnedRow::CopyTo(engine::RowBatch* batch, Value* out) const {
  for (size_t i = 0; i < values_.size(); ++i) out[i] = batch->CopyValue(values_[i]);
}

void OwnedRow::Encode(StateWriter* w) const {
  w->U32(static_cast<uint32_t>(values_.size()));
  for (const Value& v : values_) {
    w->U8(static_cast<uint8_t>(v.type()));
    w->Bool(v.is_null());
    if (v.is_null()) continue;
    switch (v.type()) {
      case TypeId::kDouble: w->F64(v.dbl()); break;
      case TypeId::kString:
      case TypeId::kBytes: w->String(absl::string_view(v.str().data(), v.str().size())); break;
      default: w->I64(v.int64()); break;  // int64, timestamp, bool
    }
  }
}

absl::StatusOr<OwnedRow> OwnedRow::Decode(StateReader* r, const engine::Schema& schema) {
  uint32_t width = 0;
  RETURN_IF_ERROR(r->U32(&width));
  if (width != schema.num_fields()) {
    return CorruptState("row", absl::StrCat("width ", width, ", schema has ", schema.num_fields()));
  }
  OwnedRow row;
  row.values_.resize(width);
  row.strings_.resize(width);
  for (uint32_t i = 0; i < width; ++i) {
    uint8_t type = 0;
    bool null = false;
    RETURN_IF_ERROR(r->U8(&type));
    RETURN_IF_ERROR(r->Bool(&null));
    const TypeId want = schema.field(i).type;
    if (type != static_cast<uint8_t>(want)) {
      return CorruptState("row", absl::StrCat("column ", i, " has type ", type));
    }
    if (null) {
      row.values_[i] = Value::Null(want);
      continue;
    }
    switch (want) {
      case TypeId::kDouble: {
        double d = 0;
        RETURN_IF_ERROR(r->F64(&d));
        row.values_[i] = Value::Double(d);
        break;
      }
      case TypeId::kString:
      case TypeId::kBytes: {
        RETURN_IF_ERROR(r->String(&row.strings_[i], kMaxStringBytes));
        row.values_[i] = want == TypeId::kString ? Value::String(row.strings_[i])
                                                 : Value::Bytes(row.strings_[i]);
        break;
      }
      case TypeId::kInt64:
      case TypeId::kTimestamp:
      case TypeId::kBool: {
        int64_t x = 0;
        RETURN_IF_ERROR(r->I64(&x));
        row.values_[i] = want == TypeId::kInt64       ? Value::Int64(x)
                         : want == TypeId::kTimestamp ? Value::Timestamp(x)
                                                      : Value::Bool(x != 0);
        break;
      }
      default:
        return CorruptState("row", absl::StrCat("column ", i, " has an unsupported type"));
    }
  }
  return row;
}

}  // namespace rtai::ml::ops
