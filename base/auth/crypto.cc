#include "base/auth/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "base/check.h"

namespace rtai::auth {
namespace {

const EVP_MD* Md(HashAlgorithm algorithm) {
  return algorithm == HashAlgorithm::kSha256 ? EVP_sha256() : EVP_sha512();
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

size_t DigestBytes(HashAlgorithm algorithm) {
  return algorithm == HashAlgorithm::kSha256 ? 32 : 64;
}

std::string Hash(HashAlgorithm algorithm, std::string_view data) {
  std::string out(EVP_MAX_MD_SIZE, '\0');
  unsigned int size = 0;
  CHECK(EVP_Digest(data.data(), data.size(),
                   reinterpret_cast<unsigned char*>(out.data()), &size,
                   Md(algorithm), nullptr) == 1);
  out.resize(size);
  return out;
}

std::string Hmac(HashAlgorithm algorithm, std::string_view key,
                 std::string_view data) {
  std::string out(EVP_MAX_MD_SIZE, '\0');
  unsigned int size = 0;
  CHECK(HMAC(Md(algorithm), key.data(), static_cast<int>(key.size()),
             Bytes(data), data.size(),
             reinterpret_cast<unsigned char*>(out.data()), &size) != nullptr);
  out.resize(size);
  return out;
}

absl::StatusOr<std::string> Pbkdf2(HashAlgorithm algorithm,
                                   std::string_view password,
                                   std::string_view salt, int iterations) {
  if (iterations < 1)
    return absl::InvalidArgumentError("PBKDF2 iterations must be >= 1");
  std::string out(DigestBytes(algorithm), '\0');
  CHECK(PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                          Bytes(salt), static_cast<int>(salt.size()),
                          iterations, Md(algorithm),
                          static_cast<int>(out.size()),
                          reinterpret_cast<unsigned char*>(out.data())) == 1);
  return out;
}

std::string Base64Encode(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                Bytes(data), static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

absl::StatusOr<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0)
    return absl::InvalidArgumentError("base64 length not a multiple of 4");
  for (char c : text) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                    (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
    if (!ok) return absl::InvalidArgumentError("invalid base64 character");
  }
  std::string out(text.size() / 4 * 3 + 1, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                Bytes(text), static_cast<int>(text.size()));
  if (n < 0) return absl::InvalidArgumentError("invalid base64");
  size_t size = static_cast<size_t>(n);
  // EVP_DecodeBlock counts padding as zero bytes.
  for (size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) --size;
  out.resize(size);
  if (Base64Encode(out) != text)
    return absl::InvalidArgumentError("non-canonical base64");
  return out;
}

std::string HexEncode(std::string_view data) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(data.size() * 2);
  for (unsigned char c : data) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

RandomBytes SecureRandomBytes() {
  return [](size_t n) {
    std::string out(n, '\0');
    CHECK(RAND_bytes(reinterpret_cast<unsigned char*>(out.data()),
                     static_cast<int>(n)) == 1);
    return out;
  };
}

}  // namespace rtai::auth
