#pragma once
// The one place rocksdb::Status becomes absl::Status. Codes by what the
// caller should do: kNotFound, kDataLoss (corruption), kResourceExhausted
// (disk full), kUnavailable (busy / try again / timed out: retry),
// kInvalidArgument, kUnimplemented, kAborted, else kInternal. The message is
// "rocksdb <context>: <rocksdb message>".

#include <string_view>

#include "absl/status/status.h"
#include "rocksdb/status.h"

namespace rtai::state {

absl::Status FromRocksDb(const rocksdb::Status& s, std::string_view context);

}  // namespace rtai::state
