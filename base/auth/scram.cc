#include "base/auth/scram.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/auth/string_util.h"

namespace rtai::auth {
namespace {

// Longest SCRAM message accepted (a name, two nonces and a proof fit well).
constexpr size_t kMaxMessageBytes = 4096;

absl::Status Malformed(std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("malformed SCRAM message: ", AV(what)));
}

absl::Status AuthFailed() {
  return absl::UnauthenticatedError(
      "authentication failed: invalid user name or password");
}

// Decodes a saslname ("=2C" -> ',', "=3D" -> '='); nullopt if malformed.
std::optional<std::string> DecodeSaslName(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == ',') return std::nullopt;
    if (s[i] != '=') {
      out.push_back(s[i]);
      continue;
    }
    if (s.substr(i, 3) == "=2C") {
      out.push_back(',');
    } else if (s.substr(i, 3) == "=3D") {
      out.push_back('=');
    } else {
      return std::nullopt;
    }
    i += 2;
  }
  return out;
}

// Value of attribute `key` ("k=value") or nullopt.
std::optional<std::string_view> Attribute(std::string_view part, char key) {
  if (part.size() < 2 || part[0] != key || part[1] != '=') return std::nullopt;
  return part.substr(2);
}

std::string Xor(std::string_view a, std::string_view b) {
  std::string out(a.size(), '\0');
  for (size_t i = 0; i < a.size(); ++i) out[i] = static_cast<char>(a[i] ^ b[i]);
  return out;
}

}  // namespace

std::string_view MechanismName(ScramMechanism m) {
  return m == ScramMechanism::kSha256 ? "SCRAM-SHA-256" : "SCRAM-SHA-512";
}

std::optional<ScramMechanism> ParseMechanism(std::string_view name) {
  if (name == "SCRAM-SHA-256") return ScramMechanism::kSha256;
  if (name == "SCRAM-SHA-512") return ScramMechanism::kSha512;
  return std::nullopt;
}

HashAlgorithm MechanismHash(ScramMechanism m) {
  return m == ScramMechanism::kSha256 ? HashAlgorithm::kSha256
                                      : HashAlgorithm::kSha512;
}

absl::StatusOr<ScramCredential> MakeScramCredential(ScramMechanism m,
                                                    std::string_view password,
                                                    std::string_view salt,
                                                    int iterations) {
  if (iterations < kScramMinIterations || iterations > kScramMaxIterations) {
    return absl::InvalidArgumentError(
        absl::StrCat("SCRAM iterations must be in [", kScramMinIterations, ", ",
                     kScramMaxIterations, "], got ", iterations));
  }
  if (salt.empty())
    return absl::InvalidArgumentError("SCRAM salt must not be empty");
  const HashAlgorithm h = MechanismHash(m);
  absl::StatusOr<std::string> salted = Pbkdf2(h, password, salt, iterations);
  if (!salted.ok()) return salted.status();
  ScramCredential c;
  c.salt = std::string(salt);
  c.iterations = iterations;
  c.stored_key = Hash(h, Hmac(h, *salted, "Client Key"));
  c.server_key = Hmac(h, *salted, "Server Key");
  return c;
}

bool VerifyPassword(ScramMechanism m, const ScramCredential& credential,
                    std::string_view password) {
  absl::StatusOr<ScramCredential> derived =
      MakeScramCredential(m, password, credential.salt, credential.iterations);
  return derived.ok() &&
         ConstantTimeEquals(derived->stored_key, credential.stored_key);
}

ScramServer::ScramServer(ScramMechanism m, Lookup lookup,
                         std::function<std::string()> make_nonce)
    : mechanism_(m),
      lookup_(std::move(lookup)),
      make_nonce_(std::move(make_nonce)) {}

absl::StatusOr<std::string> ScramServer::ClientFirst(std::string_view message) {
  if (state_ != State::kInitial)
    return absl::FailedPreconditionError("SCRAM: unexpected message");
  state_ = State::kDone;  // until this message proves valid
  if (message.size() > kMaxMessageBytes) return Malformed("too long");
  // gs2-header: cbind-flag "," [authzid] ","
  const size_t first = message.find(',');
  const size_t second =
      first == std::string_view::npos ? first : message.find(',', first + 1);
  if (second == std::string_view::npos) return Malformed("no gs2 header");
  const std::string_view flag = message.substr(0, first);
  if (flag == "p" || flag.starts_with("p=")) {
    return absl::InvalidArgumentError("SCRAM channel binding is not supported");
  }
  if (flag != "n" && flag != "y")
    return Malformed("bad gs2 channel-binding flag");
  const std::string_view authzid =
      message.substr(first + 1, second - first - 1);
  gs2_header_ = std::string(message.substr(0, second + 1));
  client_first_bare_ = std::string(message.substr(second + 1));
  std::vector<std::string_view> parts = Split(client_first_bare_, ',');
  if (parts.size() < 2) return Malformed("client-first needs n= and r=");
  if (parts[0].starts_with("m="))
    return Malformed("mandatory extensions are not supported");
  std::optional<std::string_view> name = Attribute(parts[0], 'n');
  std::optional<std::string_view> nonce = Attribute(parts[1], 'r');
  if (!name || !nonce || nonce->empty())
    return Malformed("client-first needs n= and r=");
  for (size_t i = 2; i < parts.size(); ++i) {
    if (parts[i].starts_with("tokenauth")) {
      return absl::InvalidArgumentError(
          "SCRAM delegation tokens are not supported");
    }
  }
  std::optional<std::string> user = DecodeSaslName(*name);
  if (!user || user->empty()) return Malformed("bad user name");
  if (!authzid.empty()) {
    std::optional<std::string_view> a = Attribute(authzid, 'a');
    std::optional<std::string> az = a ? DecodeSaslName(*a) : std::nullopt;
    if (!az || *az != *user) {
      return absl::PermissionDeniedError(
          "SCRAM authorization id must equal the user name");
    }
  }
  user_ = *user;
  std::optional<ScramCredential> found = lookup_(user_);
  known_user_ = found.has_value();
  if (known_user_) {
    credential_ = *std::move(found);
  } else {
    // A plausible salt, so the reply does not reveal that the user is unknown.
    credential_.salt =
        Hash(HashAlgorithm::kSha256, absl::StrCat("rtai-unknown-user:", user_))
            .substr(0, 16);
    credential_.iterations = kScramMinIterations;
  }
  nonce_ = absl::StrCat(AV(*nonce), make_nonce_());
  server_first_ =
      absl::StrCat("r=", nonce_, ",s=", Base64Encode(credential_.salt),
                   ",i=", credential_.iterations);
  state_ = State::kFirstSent;
  return server_first_;
}

absl::StatusOr<std::string> ScramServer::ClientFinal(std::string_view message) {
  if (state_ != State::kFirstSent)
    return absl::FailedPreconditionError("SCRAM: unexpected message");
  state_ = State::kDone;
  if (message.size() > kMaxMessageBytes) return Malformed("too long");
  const size_t proof_at = message.rfind(",p=");
  if (proof_at == std::string_view::npos)
    return Malformed("client-final needs p=");
  const std::string_view without_proof = message.substr(0, proof_at);
  std::vector<std::string_view> parts = Split(without_proof, ',');
  if (parts.size() < 2) return Malformed("client-final needs c= and r=");
  std::optional<std::string_view> binding = Attribute(parts[0], 'c');
  std::optional<std::string_view> nonce = Attribute(parts[1], 'r');
  if (!binding || !nonce) return Malformed("client-final needs c= and r=");
  absl::StatusOr<std::string> header = Base64Decode(*binding);
  if (!header.ok() || *header != gs2_header_)
    return Malformed("channel binding mismatch");
  // RFC 5802 wants the exact nonce back. librdkafka (2.0.2) sends its own
  // nonce again in front of it; Kafka's server accepts any nonce that ends
  // with the server-first nonce, and so do we (the proof still covers the
  // message as sent).
  if (!nonce->ends_with(nonce_)) return Malformed("nonce mismatch");
  absl::StatusOr<std::string> proof =
      Base64Decode(message.substr(proof_at + 3));
  if (!proof.ok()) return Malformed("bad proof encoding");
  const HashAlgorithm h = MechanismHash(mechanism_);
  if (!known_user_ || proof->size() != DigestBytes(h)) return AuthFailed();
  const std::string auth_message = absl::StrCat(
      client_first_bare_, ",", server_first_, ",", AV(without_proof));
  const std::string client_signature =
      Hmac(h, credential_.stored_key, auth_message);
  const std::string client_key = Xor(*proof, client_signature);
  if (!ConstantTimeEquals(Hash(h, client_key), credential_.stored_key))
    return AuthFailed();
  authenticated_ = user_;
  return absl::StrCat(
      "v=", Base64Encode(Hmac(h, credential_.server_key, auth_message)));
}

std::function<std::string()> RandomNonce(RandomBytes random) {
  return [random = std::move(random)] { return Base64Encode(random(18)); };
}

}  // namespace rtai::auth
