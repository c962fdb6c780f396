#pragma once
// SHA-256 of a byte string, as 64 lowercase hex digits. Backed by OpenSSL's
// libcrypto (Debian libssl-dev, EVP interface). Thread-safe.

#include <string>

#include "absl/strings/string_view.h"

namespace rtai::ml {

std::string Sha256Hex(absl::string_view bytes);

// True for exactly 64 lowercase hex digits (a Sha256Hex() result).
bool IsSha256Hex(absl::string_view s);

}  // namespace rtai::ml
