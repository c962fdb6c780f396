#pragma once
// Crypto primitives for authentication, all from OpenSSL's libcrypto:
// SHA-2 digests, HMAC, PBKDF2, base64, constant-time comparison and a
// source of secure random bytes. Byte strings are std::string.
//
// Thread-safe (stateless functions).

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace rtai::auth {

enum class HashAlgorithm { kSha256, kSha512 };

// Digest size in bytes (32 or 64).
size_t DigestBytes(HashAlgorithm algorithm);
std::string Hash(HashAlgorithm algorithm, std::string_view data);
std::string Hmac(HashAlgorithm algorithm, std::string_view key,
                 std::string_view data);
// PBKDF2 with HMAC-`algorithm` (RFC 8018), output of DigestBytes() bytes.
// kInvalidArgument when iterations < 1.
absl::StatusOr<std::string> Pbkdf2(HashAlgorithm algorithm,
                                   std::string_view password,
                                   std::string_view salt, int iterations);

std::string Base64Encode(std::string_view data);
// kInvalidArgument when `text` is not canonical padded base64.
absl::StatusOr<std::string> Base64Decode(std::string_view text);
std::string HexEncode(std::string_view data);

// True when a == b, in time that depends only on the sizes.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Returns `n` unpredictable bytes. Injected where salts, nonces and tokens
// are made so tests can be deterministic.
using RandomBytes = std::function<std::string(size_t n)>;
// OpenSSL's RAND_bytes (CHECK-fails if the generator is broken).
RandomBytes SecureRandomBytes();

}  // namespace rtai::auth
