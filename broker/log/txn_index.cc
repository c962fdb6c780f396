#include "broker/log/txn_index.h"

#include "absl/strings/str_cat.h"
#include "base/byte_order.h"
#include "base/status_macros.h"

namespace rtai::broker {

void AbortedTxn::Encode(char* p) const {
  StoreBigEndian<int16_t>(p, kVersion);
  StoreBigEndian<int64_t>(p + 2, producer_id);
  StoreBigEndian<int64_t>(p + 10, first_offset);
  StoreBigEndian<int64_t>(p + 18, last_offset);
  StoreBigEndian<int64_t>(p + 26, last_stable_offset);
}

absl::Status AbortedTxn::Decode(const char* p, AbortedTxn* out) {
  const int16_t version = LoadBigEndian<int16_t>(p);
  if (version != kVersion) {
    return absl::DataLossError(absl::StrCat("txnindex entry version ", version));
  }
  out->producer_id = LoadBigEndian<int64_t>(p + 2);
  out->first_offset = LoadBigEndian<int64_t>(p + 10);
  out->last_offset = LoadBigEndian<int64_t>(p + 18);
  out->last_stable_offset = LoadBigEndian<int64_t>(p + 26);
  if (out->producer_id < 0 || out->first_offset < 0 ||
      out->first_offset > out->last_offset || out->last_stable_offset < 0) {
    return absl::DataLossError(absl::StrCat(
        "txnindex entry of producer ", out->producer_id, " spans [",
        out->first_offset, ", ", out->last_offset, "]"));
  }
  return absl::OkStatus();
}

absl::Status TxnIndex::Load(int64_t base, int64_t next) {
  std::vector<AbortedTxn> loaded;
  if (fs_->Exists(path_)) {
    ASSIGN_OR_RETURN(std::string data, fs_->ReadFileToString(path_));
    if (data.size() % AbortedTxn::kSize != 0) {
      return absl::DataLossError(absl::StrCat(path_, ": size ", data.size(),
                                              " is not whole entries"));
    }
    for (size_t p = 0; p < data.size(); p += AbortedTxn::kSize) {
      AbortedTxn e;
      absl::Status s = AbortedTxn::Decode(data.data() + p, &e);
      if (s.ok() && (e.last_offset < base || e.last_offset >= next ||
                     (!loaded.empty() &&
                      e.last_offset <= loaded.back().last_offset))) {
        s = absl::DataLossError(absl::StrCat("marker offset ", e.last_offset,
                                             " out of order or outside [",
                                             base, ", ", next, ")"));
      }
      if (!s.ok()) return absl::DataLossError(absl::StrCat(path_, ": ", s.message()));
      loaded.push_back(e);
    }
  }
  absl::MutexLock l(&mu_);
  entries_ = std::move(loaded);
  return absl::OkStatus();
}

absl::Status TxnIndex::Append(const AbortedTxn& e) {
  char buf[AbortedTxn::kSize];
  e.Encode(buf);
  absl::MutexLock l(&mu_);
  if (writer_ == nullptr) {
    ASSIGN_OR_RETURN(writer_, fs_->OpenWritable(path_, /*truncate=*/false));
    const uint64_t want = entries_.size() * AbortedTxn::kSize;
    if (writer_->Size() != want) RETURN_IF_ERROR(writer_->Truncate(want));
  }
  RETURN_IF_ERROR(writer_->Append(absl::string_view(buf, sizeof(buf))));
  entries_.push_back(e);
  return absl::OkStatus();
}

absl::Status TxnIndex::Reset(std::vector<AbortedTxn> entries) {
  absl::MutexLock l(&mu_);
  if (writer_ != nullptr) {
    RETURN_IF_ERROR(writer_->Close());
    writer_.reset();
  }
  entries_ = std::move(entries);
  if (entries_.empty()) {
    if (!fs_->Exists(path_)) return absl::OkStatus();
    return fs_->DeleteFile(path_);
  }
  std::string buf(entries_.size() * AbortedTxn::kSize, '\0');
  for (size_t i = 0; i < entries_.size(); ++i) {
    entries_[i].Encode(buf.data() + i * AbortedTxn::kSize);
  }
  ASSIGN_OR_RETURN(writer_, fs_->OpenWritable(path_, /*truncate=*/true));
  return writer_->Append(buf);
}

bool TxnIndex::Collect(int64_t from, int64_t upper,
                       std::vector<AbortedTxn>* out) const {
  absl::ReaderMutexLock l(&mu_);
  for (const AbortedTxn& e : entries_) {
    if (e.last_offset >= from && e.first_offset < upper) out->push_back(e);
    if (e.last_stable_offset >= upper) return true;
  }
  return false;
}

std::vector<AbortedTxn> TxnIndex::entries() const {
  absl::ReaderMutexLock l(&mu_);
  return entries_;
}

absl::Status TxnIndex::Close(bool sync) {
  absl::MutexLock l(&mu_);
  if (writer_ == nullptr) return absl::OkStatus();
  absl::Status s = sync ? writer_->Sync() : absl::OkStatus();
  absl::Status c = writer_->Close();
  writer_.reset();
  return s.ok() ? c : s;
}

absl::Status TxnIndex::Delete() {
  absl::MutexLock l(&mu_);
  writer_.reset();
  if (!fs_->Exists(path_)) return absl::OkStatus();
  absl::Status s = fs_->DeleteFile(path_);
  return s.ok() || absl::IsNotFound(s) ? absl::OkStatus() : s;
}

}  // namespace rtai::broker
