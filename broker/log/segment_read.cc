// Segment::ReadBatches: the fetch read path (declared in segment.h).

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/byte_order.h"
#include "base/status_macros.h"
#include "broker/log/segment.h"

namespace rtai::broker {

namespace bl = batch_layout;

absl::Status Segment::CheckServed(absl::string_view batch, int64_t file_pos,
                                  int64_t limit, int64_t* expected,
                                  bool* past_limit) const {
  absl::Status s = CheckStoredBatch(batch);
  const int64_t base_offset = LoadBigEndian<int64_t>(batch.data());
  if (!s.ok()) {
    return DataLoss(file_pos, absl::StrCat("batch with baseOffset ",
                                           base_offset, ": ", s.message()));
  }
  if (base_offset >= limit) {
    *past_limit = true;
    return absl::OkStatus();
  }
  if (base_offset < *expected) {
    return DataLoss(file_pos,
                    absl::StrCat("baseOffset ", base_offset,
                                 " is below the expected ", *expected));
  }
  *expected = base_offset +
              LoadBigEndian<int32_t>(batch.data() + bl::kLastOffsetDelta) + 1;
  return absl::OkStatus();
}

absl::StatusOr<bool> Segment::ReadBatches(int64_t pos, int64_t size_limit,
                                          int64_t max_bytes, int64_t limit,
                                          int64_t* expected,
                                          std::string* out) const {
  const size_t start = out->size();
  const int64_t budget = max_bytes - static_cast<int64_t>(start);
  if (start > 0 && budget < bl::kHeaderSize) return true;
  const int64_t want =
      std::min(size_limit - pos, std::max<int64_t>(budget, bl::kHeaderSize));
  if (want <= 0) return false;
  // One read of everything that may fit, straight into the result.
  out->resize(start + static_cast<size_t>(want));
  ASSIGN_OR_RETURN(size_t got, reader_->Read(pos, want, out->data() + start));
  if (static_cast<int64_t>(got) != want) {
    out->resize(start);
    return DataLoss(pos,
                    absl::StrCat("file ends ", want - got, " bytes early"));
  }
  size_t p = start;
  bool done = false;
  while (p < out->size()) {
    const int64_t file_pos = pos + static_cast<int64_t>(p - start);
    const size_t avail = out->size() - p;
    absl::Status problem;
    if (avail < static_cast<size_t>(bl::kHeaderSize)) {
      if (file_pos + static_cast<int64_t>(avail) == size_limit) {
        problem = DataLoss(file_pos, "truncated batch header");
      } else {
        done = true;  // the next batch does not fit max_bytes
        break;
      }
    }
    int64_t size = 0;
    if (problem.ok()) {
      size =
          int64_t{LoadBigEndian<int32_t>(out->data() + p + bl::kBatchLength)} +
          bl::kLogOverhead;
      if (size < bl::kHeaderSize || file_pos + size > size_limit) {
        problem = DataLoss(file_pos, absl::StrCat("batch of ", size,
                                                  " bytes runs past the end"));
      }
    }
    if (problem.ok() && static_cast<int64_t>(avail) < size) {
      if (p != 0) {
        done = true;  // does not fit max_bytes; the next read starts here
        break;
      }
      // The first batch is served whole even when larger than max_bytes.
      out->resize(static_cast<size_t>(size));
      ASSIGN_OR_RETURN(got, reader_->Read(file_pos + avail, size - avail,
                                          out->data() + avail));
      if (static_cast<int64_t>(got) != size - static_cast<int64_t>(avail)) {
        problem = DataLoss(file_pos, "file ends inside a batch");
      }
    }
    if (problem.ok()) {
      bool past_limit = false;
      problem = CheckServed(
          absl::string_view(out->data() + p, static_cast<size_t>(size)),
          file_pos, limit, expected, &past_limit);
      if (problem.ok() && past_limit) {
        done = true;
        break;
      }
    }
    if (!problem.ok()) {
      out->resize(start);
      return problem;
    }
    p += static_cast<size_t>(size);
  }
  out->resize(p);
  return done;
}

}  // namespace rtai::broker
