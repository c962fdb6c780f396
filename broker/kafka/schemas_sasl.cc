// Schemas of SaslHandshake (17) and SaslAuthenticate (36). Facts from
// apache/kafka clients/src/main/resources/common/message/
// Sasl{Handshake,Authenticate}{Request,Response}.json.

#include "broker/kafka/api_schemas.h"

namespace rtai::kafka {
namespace {
using enum FieldType;

// --- SaslHandshake: valid 0-1, never flexible. v0: the SASL tokens that
// follow are raw size-prefixed frames; v1: they travel in SaslAuthenticate.
constexpr FieldSpec kSaslHandshakeRequestFields[] = {
    Field("Mechanism", kString, From(0)),
};
constexpr FieldSpec kSaslHandshakeResponseFields[] = {
    Field("ErrorCode", kInt16, From(0)),
    ArrayOf("Mechanisms", kString, From(0)),
};

// --- SaslAuthenticate: valid 0-2, flexible 2+.
constexpr FieldSpec kSaslAuthenticateRequestFields[] = {
    Field("AuthBytes", kBytes, From(0)),
};
constexpr FieldSpec kSaslAuthenticateResponseFields[] = {
    Field("ErrorCode", kInt16, From(0)),
    Field("ErrorMessage", kString, From(0)).Nullable(From(0)),
    Field("AuthBytes", kBytes, From(0)),
    Field("SessionLifetimeMs", kInt64, From(1)),
};

}  // namespace

const MessageSpec kSaslHandshakeRequest{"SaslHandshakeRequest", 17,
                                        Between(0, 1), kNoVersions,
                                        kSaslHandshakeRequestFields};
const MessageSpec kSaslHandshakeResponse{"SaslHandshakeResponse", 17,
                                         Between(0, 1), kNoVersions,
                                         kSaslHandshakeResponseFields};
const MessageSpec kSaslAuthenticateRequest{"SaslAuthenticateRequest", 36,
                                           Between(0, 2), From(2),
                                           kSaslAuthenticateRequestFields};
const MessageSpec kSaslAuthenticateResponse{"SaslAuthenticateResponse", 36,
                                            Between(0, 2), From(2),
                                            kSaslAuthenticateResponseFields};

}  // namespace rtai::kafka
