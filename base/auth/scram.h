#pragma once
// SCRAM-SHA-256 / SCRAM-SHA-512 (RFC 5802, RFC 7677): credentials derived
// from a password, and the server side of one authentication exchange.
// The server never sees or stores the password: it keeps the salt, the
// iteration count, StoredKey = H(HMAC(SaltedPassword, "Client Key")) and
// ServerKey = HMAC(SaltedPassword, "Server Key").
//
// Not supported (refused with a clear error): channel binding ("p="
// gs2 flag), an authzid different from the user, SCRAM extensions
// (Kafka's delegation-token "tokenauth").

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "base/auth/crypto.h"

namespace rtai::auth {

enum class ScramMechanism { kSha256, kSha512 };

// "SCRAM-SHA-256" / "SCRAM-SHA-512".
std::string_view MechanismName(ScramMechanism m);
// nullopt for any other name.
std::optional<ScramMechanism> ParseMechanism(std::string_view name);
HashAlgorithm MechanismHash(ScramMechanism m);

// Iteration bounds accepted for stored credentials (Kafka's minimum 4096).
constexpr int kScramMinIterations = 4096;
constexpr int kScramMaxIterations = 1 << 20;

struct ScramCredential {
  std::string salt;  // raw bytes
  int iterations = 0;
  std::string stored_key;  // raw bytes, DigestBytes() long
  std::string server_key;  // raw bytes, DigestBytes() long
};

// Derives the credential of `password`. kInvalidArgument when iterations
// are outside [kScramMinIterations, kScramMaxIterations] or salt is empty.
absl::StatusOr<ScramCredential> MakeScramCredential(ScramMechanism m,
                                                    std::string_view password,
                                                    std::string_view salt,
                                                    int iterations);

// True when `password` matches `credential` (used by SASL/PLAIN).
bool VerifyPassword(ScramMechanism m, const ScramCredential& credential,
                    std::string_view password);

// One server-side SCRAM exchange: client-first -> server-first,
// client-final -> server-final. Errors are kUnauthenticated (wrong proof,
// unknown user: the same message, so users cannot be enumerated) or
// kInvalidArgument (malformed message); after an error the exchange is over.
//
// Not thread-safe; one per connection.
class ScramServer {
 public:
  using Lookup =
      std::function<std::optional<ScramCredential>(std::string_view user)>;
  // `make_nonce` returns the server's printable nonce part (no ','); tests
  // pass a fixed one.
  ScramServer(ScramMechanism m, Lookup lookup,
              std::function<std::string()> make_nonce);

  absl::StatusOr<std::string> ClientFirst(std::string_view message);
  absl::StatusOr<std::string> ClientFinal(std::string_view message);

  // The authenticated user once ClientFinal succeeded, else "".
  const std::string& authenticated_user() const { return authenticated_; }
  // The user named in client-first (set after ClientFirst).
  const std::string& user() const { return user_; }

 private:
  enum class State { kInitial, kFirstSent, kDone };
  ScramMechanism mechanism_;
  Lookup lookup_;
  std::function<std::string()> make_nonce_;
  State state_ = State::kInitial;
  std::string user_;
  std::string gs2_header_;
  std::string client_first_bare_;
  std::string server_first_;
  std::string nonce_;  // client + server
  bool known_user_ = false;
  ScramCredential credential_;
  std::string authenticated_;
};

// Default server nonce: 24 base64 characters from `random`.
std::function<std::string()> RandomNonce(RandomBytes random);

}  // namespace rtai::auth
