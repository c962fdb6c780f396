#include "broker/log/compression.h"

#include <lz4frame.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "base/byte_order.h"
#include "base/check.h"

namespace rtai::broker {

namespace {

constexpr char kXerialMagic[8] = {'\x82', 'S', 'N', 'A', 'P', 'P', 'Y', '\0'};
constexpr size_t kXerialHeaderSize = 16;  // magic, version i32, compat i32
constexpr size_t kXerialBlockSize = 32 * 1024;
constexpr size_t kChunk = 64 * 1024;

absl::Status TooLarge(CompressionCodec codec, int64_t limit) {
  return absl::ResourceExhaustedError(
      absl::StrCat(CompressionCodecName(codec), " data decompresses past the ",
                   limit, "-byte limit"));
}

absl::Status Corrupt(CompressionCodec codec, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("corrupt ", CompressionCodecName(codec), " data: ", what));
}

// Grows `out` by up to kChunk bytes, never past `limit`; false if at limit.
bool Grow(std::string* out, size_t used, int64_t limit) {
  if (used >= static_cast<size_t>(limit)) return false;
  out->resize(std::min(used + kChunk, static_cast<size_t>(limit)));
  return true;
}

absl::StatusOr<std::string> Gunzip(absl::string_view in, int64_t limit) {
  z_stream zs;
  std::memset(&zs, 0, sizeof(zs));
  if (inflateInit2(&zs, 32 + MAX_WBITS) != Z_OK) {  // gzip or zlib header
    return absl::InternalError("inflateInit2 failed");
  }
  std::string out;
  size_t used = 0;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  absl::Status status;
  while (true) {
    if (used == out.size() && !Grow(&out, used, limit)) {
      status = TooLarge(CompressionCodec::kGzip, limit);
      break;
    }
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + used);
    zs.avail_out = static_cast<uInt>(out.size() - used);
    const int r = inflate(&zs, Z_NO_FLUSH);
    used = out.size() - zs.avail_out;
    if (r == Z_STREAM_END) {
      if (zs.avail_in == 0) break;
      inflateReset(&zs);  // another gzip member follows
      continue;
    }
    if (r == Z_BUF_ERROR && zs.avail_in == 0) {
      status = Corrupt(CompressionCodec::kGzip, "truncated stream");
      break;
    }
    if (r != Z_OK && r != Z_BUF_ERROR) {
      status =
          Corrupt(CompressionCodec::kGzip, zs.msg ? zs.msg : "inflate error");
      break;
    }
  }
  inflateEnd(&zs);
  if (!status.ok()) return status;
  out.resize(used);
  return out;
}

absl::Status SnappyBlock(absl::string_view block, int64_t limit,
                         std::string* out) {
  size_t n;
  if (!snappy::GetUncompressedLength(block.data(), block.size(), &n)) {
    return Corrupt(CompressionCodec::kSnappy, "bad block length");
  }
  if (out->size() + n > static_cast<size_t>(limit)) {
    return TooLarge(CompressionCodec::kSnappy, limit);
  }
  const size_t old = out->size();
  out->resize(old + n);
  if (!snappy::RawUncompress(block.data(), block.size(), out->data() + old)) {
    return Corrupt(CompressionCodec::kSnappy, "bad block");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> Unsnappy(absl::string_view in, int64_t limit) {
  std::string out;
  if (in.size() < kXerialHeaderSize ||
      std::memcmp(in.data(), kXerialMagic, sizeof(kXerialMagic)) != 0) {
    absl::Status s = SnappyBlock(in, limit, &out);
    if (!s.ok()) return s;
    return out;
  }
  in.remove_prefix(kXerialHeaderSize);
  while (!in.empty()) {
    if (in.size() < 4)
      return Corrupt(CompressionCodec::kSnappy, "truncated block length");
    const int32_t len = LoadBigEndian<int32_t>(in.data());
    in.remove_prefix(4);
    if (len < 0 || static_cast<size_t>(len) > in.size()) {
      return Corrupt(CompressionCodec::kSnappy,
                     absl::StrCat("block length ", len, " exceeds the input"));
    }
    absl::Status s = SnappyBlock(in.substr(0, len), limit, &out);
    if (!s.ok()) return s;
    in.remove_prefix(len);
  }
  return out;
}

absl::StatusOr<std::string> Unlz4(absl::string_view in, int64_t limit) {
  LZ4F_dctx* ctx;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&ctx, LZ4F_VERSION))) {
    return absl::InternalError("LZ4F_createDecompressionContext failed");
  }
  std::string out;
  size_t used = 0;
  absl::Status status;
  size_t hint = 1;
  while (hint != 0) {
    if (used == out.size() && !Grow(&out, used, limit)) {
      status = TooLarge(CompressionCodec::kLz4, limit);
      break;
    }
    size_t dst = out.size() - used;
    size_t src = in.size();
    hint =
        LZ4F_decompress(ctx, out.data() + used, &dst, in.data(), &src, nullptr);
    if (LZ4F_isError(hint)) {
      status = Corrupt(CompressionCodec::kLz4, LZ4F_getErrorName(hint));
      break;
    }
    if (hint != 0 && src == 0 && dst == 0 && !in.empty()) {
      status = Corrupt(CompressionCodec::kLz4, "decoder made no progress");
      break;
    }
    used += dst;
    in.remove_prefix(src);
    if (hint != 0 && in.empty() && used < out.size()) {
      status = Corrupt(CompressionCodec::kLz4, "truncated frame");
      break;
    }
  }
  if (status.ok() && !in.empty()) {
    status = Corrupt(CompressionCodec::kLz4, "trailing bytes after the frame");
  }
  LZ4F_freeDecompressionContext(ctx);
  if (!status.ok()) return status;
  out.resize(used);
  return out;
}

absl::StatusOr<std::string> Unzstd(absl::string_view in, int64_t limit) {
  ZSTD_DStream* ds = ZSTD_createDStream();
  if (ds == nullptr) return absl::InternalError("ZSTD_createDStream failed");
  ZSTD_initDStream(ds);
  std::string out;
  ZSTD_inBuffer ib{in.data(), in.size(), 0};
  ZSTD_outBuffer ob{nullptr, 0, 0};
  absl::Status status;
  size_t r = 1;
  while (r != 0 || ib.pos < ib.size) {
    if (r != 0 && ib.pos == ib.size && ob.pos < ob.size) {
      status = Corrupt(CompressionCodec::kZstd, "truncated frame");
      break;
    }
    if (ob.pos == out.size() && !Grow(&out, ob.pos, limit)) {
      status = TooLarge(CompressionCodec::kZstd, limit);
      break;
    }
    ob.dst = out.data();
    ob.size = out.size();
    r = ZSTD_decompressStream(ds, &ob, &ib);
    if (ZSTD_isError(r)) {
      status = Corrupt(CompressionCodec::kZstd, ZSTD_getErrorName(r));
      break;
    }
  }
  ZSTD_freeDStream(ds);
  if (!status.ok()) return status;
  out.resize(ob.pos);
  return out;
}

}  // namespace

const char* CompressionCodecName(CompressionCodec codec) {
  switch (codec) {
    case CompressionCodec::kNone:
      return "none";
    case CompressionCodec::kGzip:
      return "gzip";
    case CompressionCodec::kSnappy:
      return "snappy";
    case CompressionCodec::kLz4:
      return "lz4";
    case CompressionCodec::kZstd:
      return "zstd";
  }
  return "unknown codec";
}

absl::StatusOr<std::string> Decompress(CompressionCodec codec,
                                       absl::string_view input,
                                       int64_t max_output_bytes) {
  switch (codec) {
    case CompressionCodec::kNone:
      if (static_cast<int64_t>(input.size()) > max_output_bytes) {
        return TooLarge(codec, max_output_bytes);
      }
      return std::string(input);
    case CompressionCodec::kGzip:
      return Gunzip(input, max_output_bytes);
    case CompressionCodec::kSnappy:
      return Unsnappy(input, max_output_bytes);
    case CompressionCodec::kLz4:
      return Unlz4(input, max_output_bytes);
    case CompressionCodec::kZstd:
      return Unzstd(input, max_output_bytes);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown compression codec ", static_cast<int>(codec)));
}

std::string Compress(CompressionCodec codec, absl::string_view input) {
  std::string out;
  switch (codec) {
    case CompressionCodec::kNone:
      return std::string(input);
    case CompressionCodec::kGzip: {
      z_stream zs;
      std::memset(&zs, 0, sizeof(zs));
      CHECK(deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS,
                         8, Z_DEFAULT_STRATEGY) == Z_OK);
      out.resize(deflateBound(&zs, input.size()) + 32);
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
      zs.avail_in = static_cast<uInt>(input.size());
      zs.next_out = reinterpret_cast<Bytef*>(out.data());
      zs.avail_out = static_cast<uInt>(out.size());
      CHECK(deflate(&zs, Z_FINISH) == Z_STREAM_END);
      out.resize(zs.total_out);
      deflateEnd(&zs);
      return out;
    }
    case CompressionCodec::kSnappy: {
      out.assign(kXerialMagic, sizeof(kXerialMagic));
      out.append("\0\0\0\1\0\0\0\1", 8);  // version 1, compat 1
      for (size_t pos = 0; pos < input.size(); pos += kXerialBlockSize) {
        const absl::string_view block = input.substr(pos, kXerialBlockSize);
        std::string compressed;
        snappy::Compress(block.data(), block.size(), &compressed);
        char len[4];
        StoreBigEndian<int32_t>(len, static_cast<int32_t>(compressed.size()));
        out.append(len, 4);
        out.append(compressed);
      }
      return out;
    }
    case CompressionCodec::kLz4: {
      out.resize(LZ4F_compressFrameBound(input.size(), nullptr));
      const size_t n = LZ4F_compressFrame(out.data(), out.size(), input.data(),
                                          input.size(), nullptr);
      CHECK(!LZ4F_isError(n));
      out.resize(n);
      return out;
    }
    case CompressionCodec::kZstd: {
      out.resize(ZSTD_compressBound(input.size()));
      const size_t n =
          ZSTD_compress(out.data(), out.size(), input.data(), input.size(), 3);
      CHECK(!ZSTD_isError(n));
      out.resize(n);
      return out;
    }
  }
  CHECK(false);
  return out;
}

}  // namespace rtai::broker
