#pragma once
// JsonWriter: appends compact JSON to a string for the dashboard's /api/
// answers. The caller nests Begin/End calls correctly (CHECKed in debug:
// programmer error); strings are escaped per RFC 8259 (control characters
// as \u00XX, invalid UTF-8 bytes replaced by U+FFFD so the output is always
// valid JSON); non-finite doubles are written as null.
// Not thread-safe; one writer per answer.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rtai::cli {

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  // An object member's name; the next value call is its value.
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view s);
  JsonWriter& Int(int64_t v);
  JsonWriter& Double(double v);
  JsonWriter& Bool(bool v);
  JsonWriter& Null();
  // Already-serialised JSON (e.g. protobuf's JSON); written as is.
  JsonWriter& Raw(std::string_view json);

  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void BeforeValue();
  std::string out_;
  // One entry per open container: true once it has a member.
  std::vector<bool> has_member_;
  bool after_key_ = false;
};

// `s` as a quoted JSON string.
std::string JsonQuote(std::string_view s);

}  // namespace rtai::cli
