#include "engine/record/record_batch_codec.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "flatbuffers/flatbuffers.h"
#include "proto/engine_record_generated.h"

namespace rtai::engine {
namespace {

namespace fb = ::rtai::engine::fbs;
using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;

fb::ColumnType ToFb(TypeId t) { return static_cast<fb::ColumnType>(t); }

Offset<fb::Column> EncodeColumn(FlatBufferBuilder& fbb, const RowBatch& batch,
                                size_t col) {
  const size_t n = batch.num_rows();
  const TypeId type = batch.schema().field(col).type;
  bool any_null = false;
  for (size_t r = 0; r < n; ++r) any_null |= batch.at(r, col).is_null();
  Offset<flatbuffers::Vector<uint8_t>> validity = 0;
  if (any_null) {
    uint8_t* bits;
    validity = fbb.CreateUninitializedVector<uint8_t>((n + 7) / 8, &bits);
    std::memset(bits, 0, (n + 7) / 8);
    for (size_t r = 0; r < n; ++r) {
      if (!batch.at(r, col).is_null()) bits[r / 8] |= uint8_t(1u << (r % 8));
    }
  }
  Offset<flatbuffers::Vector<int64_t>> ints = 0;
  Offset<flatbuffers::Vector<double>> doubles = 0;
  Offset<flatbuffers::Vector<uint8_t>> bools = 0, data = 0;
  Offset<flatbuffers::Vector<uint32_t>> offsets = 0;
  switch (type) {
    case TypeId::kInt64:
    case TypeId::kTimestamp: {
      int64_t* p;
      ints = fbb.CreateUninitializedVector<int64_t>(n, &p);
      for (size_t r = 0; r < n; ++r) {
        const Value& v = batch.at(r, col);
        p[r] = v.is_null() ? 0 : v.int64();
      }
      break;
    }
    case TypeId::kDouble: {
      double* p;
      doubles = fbb.CreateUninitializedVector<double>(n, &p);
      for (size_t r = 0; r < n; ++r) {
        const Value& v = batch.at(r, col);
        p[r] = v.is_null() ? 0 : v.dbl();
      }
      break;
    }
    case TypeId::kBool: {
      uint8_t* p;
      bools = fbb.CreateUninitializedVector<uint8_t>(n, &p);
      for (size_t r = 0; r < n; ++r) {
        const Value& v = batch.at(r, col);
        p[r] = (!v.is_null() && v.boolean()) ? 1 : 0;
      }
      break;
    }
    case TypeId::kString:
    case TypeId::kBytes: {
      size_t total = 0;
      for (size_t r = 0; r < n; ++r) {
        const Value& v = batch.at(r, col);
        if (!v.is_null()) total += v.str().size();
      }
      CHECK(total <= UINT32_MAX);
      uint8_t* d;
      data = fbb.CreateUninitializedVector<uint8_t>(total, &d);
      uint32_t* o;
      offsets = fbb.CreateUninitializedVector<uint32_t>(n + 1, &o);
      uint32_t pos = 0;
      for (size_t r = 0; r < n; ++r) {
        o[r] = pos;
        const Value& v = batch.at(r, col);
        if (v.is_null() || v.str().empty()) continue;
        std::memcpy(d + pos, v.str().data(), v.str().size());
        pos += static_cast<uint32_t>(v.str().size());
      }
      o[n] = pos;
      break;
    }
    case TypeId::kNull:
      CHECK(false);
  }
  return fb::CreateColumn(fbb, validity, ints, doubles, bools, offsets, data);
}

absl::Status Corrupt(std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("corrupt record batch: ", std::string(what)));
}

absl::StatusOr<const fb::RecordBatch*> Verify(std::string_view bytes,
                                              const RecordBatchLimits& limits) {
  if (bytes.size() > limits.max_bytes) {
    return Corrupt(absl::StrCat(bytes.size(), " bytes exceeds the limit of ",
                                limits.max_bytes));
  }
  flatbuffers::Verifier verifier(reinterpret_cast<const uint8_t*>(bytes.data()),
                                 bytes.size(), /*max_depth=*/16,
                                 /*max_tables=*/Schema::kMaxFields * 2 + 8);
  if (!fb::VerifyRecordBatchBuffer(verifier)) {
    return Corrupt("flatbuffers verification failed");
  }
  const fb::RecordBatch* root = fb::GetRecordBatch(bytes.data());
  if (root->version() != 1) {
    return Corrupt(absl::StrCat("unsupported version ", root->version()));
  }
  if (root->num_rows() > limits.max_rows) {
    return Corrupt(absl::StrCat(root->num_rows(), " rows exceeds the limit of ",
                                limits.max_rows));
  }
  return root;
}

absl::StatusOr<Schema> SchemaOf(const fb::RecordBatch* root) {
  std::vector<Field> fields;
  if (root->fields()->size() > Schema::kMaxFields)
    return Corrupt("too many fields");
  for (const fb::Field* f : *root->fields()) {
    const int t = static_cast<int>(f->type());
    if (t < 1 || t > kMaxTypeId) {
      return Corrupt(
          absl::StrCat("field `", f->name()->str(), "` has type ", t));
    }
    fields.push_back(Field{f->name()->str(), static_cast<TypeId>(t)});
  }
  return Schema::Create(std::move(fields));
}

// Checks that column `c` of type `type` holds exactly `n` rows and valid
// string offsets.
absl::Status CheckColumn(const fb::Column* c, TypeId type, size_t n,
                         const std::string& name) {
  auto bad = [&](std::string_view why) {
    return Corrupt(absl::StrCat("column `", name, "`: ", std::string(why)));
  };
  if (c->validity() != nullptr && c->validity()->size() != 0 &&
      c->validity()->size() != (n + 7) / 8) {
    return bad("validity bitmap has the wrong length");
  }
  switch (type) {
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      if (c->ints() == nullptr || c->ints()->size() != n)
        return bad("ints length");
      return absl::OkStatus();
    case TypeId::kDouble:
      if (c->doubles() == nullptr || c->doubles()->size() != n)
        return bad("doubles length");
      return absl::OkStatus();
    case TypeId::kBool:
      if (c->bools() == nullptr || c->bools()->size() != n)
        return bad("bools length");
      return absl::OkStatus();
    case TypeId::kString:
    case TypeId::kBytes: {
      if (c->offsets() == nullptr || c->offsets()->size() != n + 1 ||
          c->data() == nullptr) {
        return bad("offsets length");
      }
      uint32_t prev = 0;
      for (size_t i = 0; i <= n; ++i) {
        const uint32_t o =
            c->offsets()->Get(static_cast<flatbuffers::uoffset_t>(i));
        if (o < prev || (i == 0 && o != 0))
          return bad("offsets not increasing");
        prev = o;
      }
      if (prev != c->data()->size())
        return bad("offsets do not end at data size");
      return absl::OkStatus();
    }
    case TypeId::kNull:
      break;
  }
  return bad("invalid type");
}

void ReadColumn(const fb::Column* c, TypeId type, size_t col, size_t first_row,
                size_t n, RowBatch* out) {
  const auto* validity = c->validity();
  const bool has_validity = validity != nullptr && validity->size() != 0;
  for (size_t r = 0; r < n; ++r) {
    Value& v = out->mutable_row(first_row + r)[col];
    if (has_validity && !(validity->Get(r / 8) & (1u << (r % 8)))) {
      v = Value::Null(type);
      continue;
    }
    const auto i = static_cast<flatbuffers::uoffset_t>(r);
    switch (type) {
      case TypeId::kInt64:
        v = Value::Int64(c->ints()->Get(i));
        break;
      case TypeId::kTimestamp:
        v = Value::Timestamp(c->ints()->Get(i));
        break;
      case TypeId::kDouble:
        v = Value::Double(c->doubles()->Get(i));
        break;
      case TypeId::kBool:
        v = Value::Bool(c->bools()->Get(i) != 0);
        break;
      case TypeId::kString:
      case TypeId::kBytes: {
        const uint32_t b = c->offsets()->Get(i), e = c->offsets()->Get(i + 1);
        std::string_view s(reinterpret_cast<const char*>(c->data()->data()) + b,
                           e - b);
        s = out->CopyBytes(s);
        v = type == TypeId::kString ? Value::String(s) : Value::Bytes(s);
        break;
      }
      case TypeId::kNull:
        break;
    }
  }
}

}  // namespace

std::string EncodeRecordBatch(const RowBatch& batch) {
  FlatBufferBuilder fbb(1024 + batch.num_rows() * batch.num_columns() * 9);
  std::vector<Offset<fb::Column>> columns;
  columns.reserve(batch.num_columns());
  for (size_t c = 0; c < batch.num_columns(); ++c) {
    columns.push_back(EncodeColumn(fbb, batch, c));
  }
  std::vector<Offset<fb::Field>> fields;
  for (const Field& f : batch.schema().fields()) {
    fields.push_back(
        fb::CreateField(fbb, fbb.CreateString(f.name), ToFb(f.type)));
  }
  auto root = fb::CreateRecordBatch(
      fbb, /*version=*/1, static_cast<uint32_t>(batch.num_rows()),
      fbb.CreateVector(fields), fbb.CreateVector(columns));
  fb::FinishRecordBatchBuffer(fbb, root);
  return std::string(reinterpret_cast<const char*>(fbb.GetBufferPointer()),
                     fbb.GetSize());
}

absl::StatusOr<Schema> DecodeRecordBatchSchema(
    std::string_view bytes, const RecordBatchLimits& limits) {
  auto root = Verify(bytes, limits);
  if (!root.ok()) return root.status();
  return SchemaOf(*root);
}

absl::Status DecodeRecordBatch(std::string_view bytes, RowBatch* out,
                               const RecordBatchLimits& limits) {
  auto root_or = Verify(bytes, limits);
  if (!root_or.ok()) return root_or.status();
  const fb::RecordBatch* root = *root_or;
  auto schema = SchemaOf(root);
  if (!schema.ok()) return Corrupt(std::string(schema.status().message()));
  if (!(*schema == out->schema())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "record batch schema (", schema->DebugString(),
        ") differs from the expected (", out->schema().DebugString(), ")"));
  }
  if (root->columns()->size() != schema->num_fields()) {
    return Corrupt("column count differs from field count");
  }
  const size_t n = root->num_rows();
  for (size_t c = 0; c < schema->num_fields(); ++c) {
    absl::Status s = CheckColumn(root->columns()->Get(c), schema->field(c).type,
                                 n, schema->field(c).name);
    if (!s.ok()) return s;
  }
  const size_t first = out->num_rows();
  for (size_t r = 0; r < n; ++r) out->AddRow();
  for (size_t c = 0; c < schema->num_fields(); ++c) {
    ReadColumn(root->columns()->Get(c), schema->field(c).type, c, first, n,
               out);
  }
  return absl::OkStatus();
}

}  // namespace rtai::engine
