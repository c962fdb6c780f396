#include "base/auth/scram.h"

#include "gtest/gtest.h"

namespace rtai::auth {
namespace {

// RFC 7677 section 3: user "user", password "pencil".
constexpr char kClientFirst[] = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
constexpr char kServerNonce[] = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
constexpr char kServerFirst[] =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s="
    "W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
constexpr char kClientFinal[] =
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
constexpr char kServerFinal[] =
    "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

ScramCredential Rfc7677Credential() {
  absl::StatusOr<std::string> salt = Base64Decode("W22ZaJ0SNY7soEsUEjb6gQ==");
  EXPECT_TRUE(salt.ok());
  absl::StatusOr<ScramCredential> c =
      MakeScramCredential(ScramMechanism::kSha256, "pencil", *salt, 4096);
  EXPECT_TRUE(c.ok()) << c.status();
  return *c;
}

ScramServer MakeServer(std::optional<ScramCredential> credential) {
  return ScramServer(
      ScramMechanism::kSha256,
      [credential](std::string_view user) -> std::optional<ScramCredential> {
        if (user != "user") return std::nullopt;
        return credential;
      },
      [] { return std::string(kServerNonce); });
}

TEST(ScramTest, Rfc7677ExchangeProducesTheRfcMessages) {
  ScramServer server = MakeServer(Rfc7677Credential());
  absl::StatusOr<std::string> first = server.ClientFirst(kClientFirst);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, kServerFirst);
  absl::StatusOr<std::string> final_message = server.ClientFinal(kClientFinal);
  ASSERT_TRUE(final_message.ok()) << final_message.status();
  EXPECT_EQ(*final_message, kServerFinal);
  EXPECT_EQ(server.authenticated_user(), "user");
}

TEST(ScramTest, WrongPasswordIsUnauthenticated) {
  absl::StatusOr<std::string> salt = Base64Decode("W22ZaJ0SNY7soEsUEjb6gQ==");
  auto other =
      MakeScramCredential(ScramMechanism::kSha256, "pencil2", *salt, 4096);
  ScramServer server = MakeServer(*other);
  ASSERT_TRUE(server.ClientFirst(kClientFirst).ok());
  absl::StatusOr<std::string> final_message = server.ClientFinal(kClientFinal);
  EXPECT_EQ(final_message.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(server.authenticated_user(), "");
}

TEST(ScramTest, UnknownUserLooksLikeAKnownOneUntilTheProof) {
  ScramServer server = MakeServer(std::nullopt);
  absl::StatusOr<std::string> first = server.ClientFirst("n,,n=nobody,r=abc");
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->find(",s=") != std::string::npos);
  EXPECT_TRUE(first->find(",i=4096") != std::string::npos);
  const std::string nonce = first->substr(2, first->find(',') - 2);
  absl::StatusOr<std::string> final_message = server.ClientFinal(
      "c=biws,r=" + nonce + ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
  EXPECT_EQ(final_message.status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(ScramTest, MalformedAndHostileMessagesAreRejected) {
  const char* bad_first[] = {"",
                             "n,,",
                             "n,,r=abc",
                             "x,,n=user,r=abc",
                             "p=tls-unique,,n=user,r=abc",
                             "n,,n=us=er,r=abc",
                             "n,,m=ext,n=user,r=abc",
                             "n,a=other,n=user,r=abc",
                             "n,,n=user,r=abc,tokenauth=true",
                             "n,,n=user,r="};
  for (const char* m : bad_first) {
    ScramServer server = MakeServer(Rfc7677Credential());
    EXPECT_FALSE(server.ClientFirst(m).ok()) << m;
    // The exchange is over after an error.
    EXPECT_FALSE(server.ClientFinal(kClientFinal).ok());
  }
  ScramServer big = MakeServer(Rfc7677Credential());
  EXPECT_FALSE(big.ClientFirst("n,,n=user,r=" + std::string(100000, 'a')).ok());

  const std::
      string
          bad_final
              [] =
                  {
                      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)"
                      "hNlF$k0",  // no proof
                      "c=eSws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)"
                      "hNlF$k0,"
                      "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",  // binding
                                                                         // "y,,"
                      "c=biws,r=rOprNGfwEbeRWgbNEkqOWRONG,p=dHzbZapWIk4jUhN+"
                      "Ute9ytag9zjfMHgsqmmiz7AndVQ=",
                      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)"
                      "hNlF$k0,p=!!!!",
                      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)"
                      "hNlF$k0,p=AAAA",  // short proof
                  };
  for (const std::string& m : bad_final) {
    ScramServer server = MakeServer(Rfc7677Credential());
    ASSERT_TRUE(server.ClientFirst(kClientFirst).ok());
    EXPECT_FALSE(server.ClientFinal(m).ok()) << m;
    EXPECT_EQ(server.authenticated_user(), "");
  }
}

TEST(ScramTest, AcceptsLibrdkafkaDoubledClientNonce) {
  // librdkafka 2.0.2 answers r=<client nonce><server-first nonce>; the
  // proof is computed over that message. Kafka accepts it (endsWith).
  ScramCredential c = Rfc7677Credential();
  ScramServer server = MakeServer(c);
  ASSERT_TRUE(server.ClientFirst(kClientFirst).ok());
  const std::string without_proof =
      "c=biws,r=rOprNGfwEbeRWgbNEkqOrOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)"
      "hNlF$k0";
  const std::string auth_message =
      std::string("n=user,r=rOprNGfwEbeRWgbNEkqO,") + kServerFirst + "," +
      without_proof;
  const std::string salted =
      *Pbkdf2(HashAlgorithm::kSha256, "pencil", c.salt, c.iterations);
  const std::string client_key =
      Hmac(HashAlgorithm::kSha256, salted, "Client Key");
  const std::string signature =
      Hmac(HashAlgorithm::kSha256, c.stored_key, auth_message);
  std::string proof = client_key;
  for (size_t i = 0; i < proof.size(); ++i) proof[i] ^= signature[i];
  absl::StatusOr<std::string> final_message =
      server.ClientFinal(without_proof + ",p=" + Base64Encode(proof));
  ASSERT_TRUE(final_message.ok()) << final_message.status();
  EXPECT_EQ(server.authenticated_user(), "user");
}

TEST(ScramTest, ReplayOfFirstMessageIsRefused) {
  ScramServer server = MakeServer(Rfc7677Credential());
  ASSERT_TRUE(server.ClientFirst(kClientFirst).ok());
  EXPECT_EQ(server.ClientFirst(kClientFirst).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(ScramTest, VerifyPasswordAndIterationBounds) {
  ScramCredential c = Rfc7677Credential();
  EXPECT_TRUE(VerifyPassword(ScramMechanism::kSha256, c, "pencil"));
  EXPECT_FALSE(VerifyPassword(ScramMechanism::kSha256, c, "pencil "));
  EXPECT_FALSE(VerifyPassword(ScramMechanism::kSha512, c, "pencil"));
  EXPECT_FALSE(
      MakeScramCredential(ScramMechanism::kSha256, "p", "salt", 4095).ok());
  EXPECT_FALSE(
      MakeScramCredential(ScramMechanism::kSha256, "p", "", 4096).ok());
  auto c512 = MakeScramCredential(ScramMechanism::kSha512, "p", "salt", 4096);
  ASSERT_TRUE(c512.ok());
  EXPECT_EQ(c512->stored_key.size(), 64u);
  EXPECT_TRUE(VerifyPassword(ScramMechanism::kSha512, *c512, "p"));
}

TEST(CryptoTest, Base64RoundTripAndRejectsGarbage) {
  for (const std::string& s : std::vector<std::string>{
           "", "a", "ab", "abc", "abcd", std::string("\0\xff", 2)}) {
    absl::StatusOr<std::string> back = Base64Decode(Base64Encode(s));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, s);
  }
  EXPECT_FALSE(Base64Decode("abc").ok());
  EXPECT_FALSE(Base64Decode("ab$=").ok());
  EXPECT_FALSE(Base64Decode("ab==ab==").ok());
  EXPECT_EQ(HexEncode(Hash(HashAlgorithm::kSha256, "abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace rtai::auth
