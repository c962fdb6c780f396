#include "broker/kafka/codec.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/check.h"
#include "base/status_macros.h"
#include "broker/kafka/wire.h"

namespace rtai::kafka {
namespace {

// Debian's Abseil: absl::string_view is not std::string_view.
absl::string_view A(std::string_view s) { return absl::string_view(s.data(), s.size()); }

struct Ctx {
  int16_t version;
  bool flexible;
  int64_t* elements_left;  // array elements this message may still decode
};

absl::Status FieldError(const FieldSpec& f, const absl::Status& s) {
  return absl::InvalidArgumentError(absl::StrCat(A(f.name), ": ", s.message()));
}

bool IsNullable(const FieldSpec& f, int16_t version) {
  return f.type == FieldType::kRecords || f.nullable.Contains(version);
}

// Smallest number of bytes one value of this field can take on the wire.
int64_t MinWireSize(const FieldSpec& f, FieldType type, const Ctx& ctx, int depth) {
  CHECK(depth <= kMaxNestingDepth);
  switch (type) {
    case FieldType::kBool:
    case FieldType::kInt8:
      return 1;
    case FieldType::kInt16:
    case FieldType::kUint16:
      return 2;
    case FieldType::kInt32:
      return 4;
    case FieldType::kInt64:
    case FieldType::kFloat64:
      return 8;
    case FieldType::kUuid:
      return 16;
    case FieldType::kString:
      return ctx.flexible ? 1 : 2;
    case FieldType::kBytes:
    case FieldType::kRecords:
    case FieldType::kArray:
      return ctx.flexible ? 1 : 4;
    case FieldType::kStruct: {
      int64_t n = ctx.flexible ? 1 : 0;
      for (const FieldSpec& c : f.fields) {
        if (c.versions.Contains(ctx.version) && !c.IsTaggedIn(ctx.version)) {
          n += MinWireSize(c, c.type, ctx, depth + 1);
        }
      }
      return n;
    }
  }
  return 1;
}

// Reads a string/bytes/array length: -1 means null.
absl::Status ReadLength(WireReader& r, FieldType type, const Ctx& ctx, int64_t* len) {
  if (ctx.flexible) {
    uint32_t n;
    RETURN_IF_ERROR(r.ReadUvarint(&n));
    *len = static_cast<int64_t>(n) - 1;
    return absl::OkStatus();
  }
  if (type == FieldType::kString) {
    int16_t n;
    RETURN_IF_ERROR(r.ReadInt(&n));
    *len = n;
  } else {
    int32_t n;
    RETURN_IF_ERROR(r.ReadInt(&n));
    *len = n;
  }
  return absl::OkStatus();
}

absl::Status ReadStruct(WireReader& r, Fields fields, const Ctx& ctx, int depth,
                        StructValue* out);

absl::Status ReadValue(WireReader& r, const FieldSpec& f, FieldType type, const Ctx& ctx,
                       int depth, Value* out);

absl::Status ReadArray(WireReader& r, const FieldSpec& f, const Ctx& ctx, int depth,
                       Value* out) {
  int64_t n;
  RETURN_IF_ERROR(ReadLength(r, FieldType::kArray, ctx, &n));
  if (n == -1) {
    if (!IsNullable(f, ctx.version)) return absl::InvalidArgumentError("null non-nullable array");
    *out = Value();
    return absl::OkStatus();
  }
  if (n < 0) return absl::InvalidArgumentError(absl::StrCat("negative array length ", n));
  const int64_t min_size = std::max<int64_t>(1, MinWireSize(f, f.element, ctx, depth + 1));
  if (n > static_cast<int64_t>(r.remaining()) / min_size) {
    return absl::InvalidArgumentError(absl::StrCat("array length ", n, " exceeds the ",
                                                   r.remaining(), " bytes that remain"));
  }
  if (n > *ctx.elements_left) {
    return absl::InvalidArgumentError(absl::StrCat(
        "more than ", kMaxDecodedElements, " array elements in one message"));
  }
  *ctx.elements_left -= n;
  std::vector<Value> elements;
  elements.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    Value v;
    RETURN_IF_ERROR(ReadValue(r, f, f.element, ctx, depth + 1, &v));
    elements.push_back(std::move(v));
  }
  *out = Value(std::move(elements));
  return absl::OkStatus();
}

absl::Status ReadValue(WireReader& r, const FieldSpec& f, FieldType type, const Ctx& ctx,
                       int depth, Value* out) {
  if (depth > kMaxNestingDepth) return absl::InvalidArgumentError("nesting too deep");
  switch (type) {
    case FieldType::kBool:
    case FieldType::kInt8: {
      int8_t v;
      RETURN_IF_ERROR(r.ReadInt(&v));
      *out = Value(static_cast<int64_t>(type == FieldType::kBool ? (v != 0) : v));
      return absl::OkStatus();
    }
    case FieldType::kInt16: {
      int16_t v;
      RETURN_IF_ERROR(r.ReadInt(&v));
      *out = Value(static_cast<int64_t>(v));
      return absl::OkStatus();
    }
    case FieldType::kUint16: {
      uint16_t v;
      RETURN_IF_ERROR(r.ReadInt(&v));
      *out = Value(static_cast<int64_t>(v));
      return absl::OkStatus();
    }
    case FieldType::kInt32: {
      int32_t v;
      RETURN_IF_ERROR(r.ReadInt(&v));
      *out = Value(static_cast<int64_t>(v));
      return absl::OkStatus();
    }
    case FieldType::kInt64: {
      int64_t v;
      RETURN_IF_ERROR(r.ReadInt(&v));
      *out = Value(v);
      return absl::OkStatus();
    }
    case FieldType::kFloat64: {
      double v;
      RETURN_IF_ERROR(r.ReadFloat64(&v));
      *out = Value(v);
      return absl::OkStatus();
    }
    case FieldType::kUuid: {
      std::string_view v;
      RETURN_IF_ERROR(r.ReadView(16, &v));
      *out = Value(std::string(v));
      return absl::OkStatus();
    }
    case FieldType::kString:
    case FieldType::kBytes:
    case FieldType::kRecords: {
      int64_t n;
      RETURN_IF_ERROR(ReadLength(r, type, ctx, &n));
      if (n == -1) {
        if (!IsNullable(f, ctx.version)) return absl::InvalidArgumentError("null non-nullable");
        *out = Value();
        return absl::OkStatus();
      }
      if (n < 0) return absl::InvalidArgumentError(absl::StrCat("negative length ", n));
      std::string_view v;
      RETURN_IF_ERROR(r.ReadView(static_cast<size_t>(n), &v));
      *out = Value(std::string(v));
      return absl::OkStatus();
    }
    case FieldType::kArray:
      return ReadArray(r, f, ctx, depth, out);
    case FieldType::kStruct: {
      StructValue s(f.fields);
      RETURN_IF_ERROR(ReadStruct(r, f.fields, ctx, depth + 1, &s));
      *out = Value(std::move(s));
      return absl::OkStatus();
    }
  }
  return absl::InternalError("unknown field type");
}

absl::Status ReadTaggedFields(WireReader& r, Fields fields, const Ctx& ctx, int depth,
                              StructValue* out) {
  uint32_t count;
  RETURN_IF_ERROR(r.ReadUvarint(&count));
  if (count > r.remaining() / 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("tagged field count ", count, " exceeds the bytes that remain"));
  }
  int64_t last_tag = -1;
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t tag, size;
    RETURN_IF_ERROR(r.ReadUvarint(&tag));
    RETURN_IF_ERROR(r.ReadUvarint(&size));
    if (static_cast<int64_t>(tag) <= last_tag) {
      return absl::InvalidArgumentError(absl::StrCat("tagged fields out of order at tag ", tag));
    }
    last_tag = tag;
    std::string_view data;
    RETURN_IF_ERROR(r.ReadView(size, &data));
    for (size_t j = 0; j < fields.size(); ++j) {
      const FieldSpec& f = fields[j];
      if (!f.IsTaggedIn(ctx.version) || f.tag != static_cast<int32_t>(tag)) continue;
      WireReader sub(data);
      Value v;
      absl::Status s = ReadValue(sub, f, f.type, ctx, depth, &v);
      if (s.ok() && !sub.empty()) s = absl::InvalidArgumentError("trailing bytes in tagged field");
      if (!s.ok()) return FieldError(f, s);
      out->at(j) = std::move(v);
    }
  }
  return absl::OkStatus();
}

absl::Status ReadStruct(WireReader& r, Fields fields, const Ctx& ctx, int depth,
                        StructValue* out) {
  if (depth > kMaxNestingDepth) return absl::InvalidArgumentError("nesting too deep");
  for (size_t i = 0; i < fields.size(); ++i) {
    const FieldSpec& f = fields[i];
    if (!f.versions.Contains(ctx.version) || f.IsTaggedIn(ctx.version)) continue;
    Value v;
    if (absl::Status s = ReadValue(r, f, f.type, ctx, depth, &v); !s.ok()) {
      return FieldError(f, s);
    }
    out->at(i) = std::move(v);
  }
  if (ctx.flexible) RETURN_IF_ERROR(ReadTaggedFields(r, fields, ctx, depth, out));
  return absl::OkStatus();
}

void WriteStruct(WireWriter& w, Fields fields, const StructValue& v, const Ctx& ctx);

void WriteLength(WireWriter& w, FieldType type, const Ctx& ctx, int64_t len) {
  if (ctx.flexible) {
    w.WriteUvarint(static_cast<uint32_t>(len + 1));
  } else if (type == FieldType::kString) {
    w.WriteInt(static_cast<int16_t>(len));
  } else {
    w.WriteInt(static_cast<int32_t>(len));
  }
}

void WriteValue(WireWriter& w, const FieldSpec& f, FieldType type, const Value& v,
                const Ctx& ctx) {
  switch (type) {
    case FieldType::kBool:
      return w.WriteInt(static_cast<int8_t>(v.as_int() != 0));
    case FieldType::kInt8:
      return w.WriteInt(static_cast<int8_t>(v.as_int()));
    case FieldType::kInt16:
      return w.WriteInt(static_cast<int16_t>(v.as_int()));
    case FieldType::kUint16:
      return w.WriteInt(static_cast<uint16_t>(v.as_int()));
    case FieldType::kInt32:
      return w.WriteInt(static_cast<int32_t>(v.as_int()));
    case FieldType::kInt64:
      return w.WriteInt(v.as_int());
    case FieldType::kFloat64:
      return w.WriteFloat64(v.as_float());
    case FieldType::kUuid: {
      std::string id = v.is_null() ? std::string() : v.as_string();
      id.resize(16, '\0');
      return w.WriteRaw(id);
    }
    case FieldType::kString:
    case FieldType::kBytes:
    case FieldType::kRecords:
      if (v.is_null()) {
        WriteLength(w, type, ctx, IsNullable(f, ctx.version) ? -1 : 0);
        return;
      }
      WriteLength(w, type, ctx, static_cast<int64_t>(v.as_string().size()));
      return w.WriteRaw(v.as_string());
    case FieldType::kArray:
      if (v.is_null()) {
        WriteLength(w, type, ctx, IsNullable(f, ctx.version) ? -1 : 0);
        return;
      }
      WriteLength(w, type, ctx, static_cast<int64_t>(v.as_array().size()));
      for (const Value& e : v.as_array()) WriteValue(w, f, f.element, e, ctx);
      return;
    case FieldType::kStruct:
      return WriteStruct(w, f.fields, v.as_struct(), ctx);
  }
}

void WriteStruct(WireWriter& w, Fields fields, const StructValue& v, const Ctx& ctx) {
  CHECK(v.size() == fields.size());
  int tagged = 0;
  for (size_t i = 0; i < fields.size(); ++i) {
    const FieldSpec& f = fields[i];
    if (!f.versions.Contains(ctx.version)) continue;
    if (f.IsTaggedIn(ctx.version)) {
      if (!(v.at(i) == Value::DefaultFor(f))) ++tagged;
      continue;
    }
    WriteValue(w, f, f.type, v.at(i), ctx);
  }
  if (!ctx.flexible) return;
  w.WriteUvarint(static_cast<uint32_t>(tagged));
  // Tags are written in ascending order; schema tables list them so.
  for (size_t i = 0; i < fields.size() && tagged > 0; ++i) {
    const FieldSpec& f = fields[i];
    if (!f.versions.Contains(ctx.version) || !f.IsTaggedIn(ctx.version)) continue;
    if (v.at(i) == Value::DefaultFor(f)) continue;
    std::string data;
    WireWriter sub(&data);
    WriteValue(sub, f, f.type, v.at(i), ctx);
    w.WriteUvarint(static_cast<uint32_t>(f.tag));
    w.WriteUvarint(static_cast<uint32_t>(data.size()));
    w.WriteRaw(data);
  }
}

}  // namespace

absl::StatusOr<StructValue> DecodeMessage(const MessageSpec& spec, int16_t version,
                                          std::string_view body) {
  if (!spec.valid.Contains(version)) {
    return absl::UnimplementedError(
        absl::StrCat(A(spec.name), " version ", version, " is not supported"));
  }
  int64_t elements_left = kMaxDecodedElements;
  const Ctx ctx{version, spec.flexible.Contains(version), &elements_left};
  WireReader r(body);
  StructValue out(spec.fields);
  if (absl::Status s = ReadStruct(r, spec.fields, ctx, 0, &out); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(A(spec.name), " v", version, ": ", s.message(), " (at byte ", r.position(),
                     " of ", body.size(), ")"));
  }
  if (!r.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(A(spec.name), " v", version, ": ",
                                                   r.remaining(), " trailing bytes"));
  }
  return out;
}

void EncodeMessage(const MessageSpec& spec, int16_t version, const StructValue& value,
                   std::string* out) {
  CHECK(spec.valid.Contains(version));
  WireWriter w(out);
  WriteStruct(w, spec.fields, value, Ctx{version, spec.flexible.Contains(version), nullptr});
}

}  // namespace rtai::kafka
