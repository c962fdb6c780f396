#pragma once
// JsonReader: a small, strict, bounded JSON tokenizer (RFC 8259) over one
// in-memory document. No recursion: nested values are skipped with an
// explicit depth counter capped at `max_depth`. Strings must be valid UTF-8,
// control characters must be escaped, \u escapes must pair surrogates. Used
// by the JSON row decoder; written here instead of pulling a JSON library
// because the decoder needs only a flat object of scalars and bounded
// skipping (see docs/ENGINE.md). Not thread-safe; borrows `input`.

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace rtai::engine {

enum class JsonKind {
  kObject,
  kArray,
  kString,
  kNumber,
  kBool,
  kNull,
  kInvalid
};

// "object", "array", "string", "number", "bool", "null", "invalid".
std::string_view JsonKindName(JsonKind kind);

class JsonReader {
 public:
  JsonReader(std::string_view input, int max_depth)
      : in_(input), max_depth_(max_depth) {}

  void SkipWhitespace();
  // Consumes `c` after whitespace; false (nothing consumed) if the next
  // character is something else.
  bool Consume(char c);
  bool AtEnd() const { return pos_ >= in_.size(); }
  size_t pos() const { return pos_; }
  // Kind of the next value, from its first character (after whitespace).
  JsonKind PeekKind();

  // Reads a string token. `*out` views the input when there are no escapes,
  // otherwise `*scratch` (overwritten); valid until the next call.
  absl::Status ReadString(std::string* scratch, std::string_view* out);
  // Reads a number token per the JSON grammar; `*is_integer` is false when it
  // has a fraction or exponent.
  absl::Status ReadNumber(std::string_view* text, bool* is_integer);
  // Reads `true` or `false`.
  absl::Status ReadBool(bool* out);
  absl::Status ReadNull();
  // Skips one complete value of any kind, nesting at most max_depth deep
  // (counting the value itself).
  absl::Status SkipValue();

  // kInvalidArgument "json: <what> at byte <pos>".
  absl::Status Error(std::string_view what) const;

 private:
  absl::Status ReadLiteral(std::string_view word);
  absl::Status ReadEscape(std::string* scratch);

  std::string_view in_;
  size_t pos_ = 0;
  int max_depth_;
};

}  // namespace rtai::engine
