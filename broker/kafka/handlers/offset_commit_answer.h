#pragma once
// The answer shared by OffsetCommit and TxnOffsetCommit: `error` for every
// partition of the request, in a response of `spec` (both responses carry
// Topics[Name, Partitions[PartitionIndex, ErrorCode]]).

#include "broker/kafka/codec.h"
#include "broker/kafka/error_codes.h"
#include "broker/kafka/value.h"

namespace rtai::kafka {

inline StructValue OffsetCommitAnswer(const MessageSpec& spec, const StructValue& request,
                                      ErrorCode error) {
  StructValue response = NewMessage(spec);
  for (const Value& t : request.Array("Topics")) {
    StructValue& out = response.AddStruct("Topics");
    out.SetStr("Name", t.as_struct().Str("Name"));
    for (const Value& p : t.as_struct().Array("Partitions")) {
      StructValue& part = out.AddStruct("Partitions");
      part.SetInt("PartitionIndex", p.as_struct().Int("PartitionIndex"));
      part.SetInt("ErrorCode", Code(error));
    }
  }
  return response;
}

}  // namespace rtai::kafka
