#include "cli/input_reading.hpp"

#include "adapters/s3_object_source.hpp"
#include "aws/crypto.hpp"
#include "cli/checkpoint_file.hpp"
#include "ingest/peeked_source.hpp"
#include "model/dynamodb_json.hpp"

namespace csv2ddb::cli {
namespace {

constexpr std::size_t kHashChunk = std::size_t{1} << 20;

Result<std::unique_ptr<csv::ByteSource>> open_stored(const InputFile& file,
                                                     const std::shared_ptr<aws::S3Client>& s3) {
  if (file.location.rfind("s3://", 0) == 0) return adapters::open_s3_source(s3, file.location);
  return csv::open_file_source(file.location);
}

// Reads the stored bytes whole and compares their MD5 with the manifest's.
Status verify_md5(const InputFile& file, const std::shared_ptr<aws::S3Client>& s3) {
  Result<std::unique_ptr<csv::ByteSource>> source = open_stored(file, s3);
  if (!source) return source.take_error();
  aws::Md5Hasher hasher;
  std::string chunk(kHashChunk, '\0');
  while (true) {
    Result<std::size_t> got = (*source)->read(chunk.data(), chunk.size());
    if (!got) return got.take_error();
    if (*got == 0) break;
    hasher.update(std::string_view(chunk.data(), *got));
  }
  const aws::Md5Digest digest = hasher.finish();
  const std::string actual = model::base64_encode(
      std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
  if (actual == file.md5_base64) return {};
  return make_error("ChecksumMismatch", file.location + ": its MD5 is " + actual +
                                            ", but the export's manifest (" + file.export_folder +
                                            ") says " + file.md5_base64 +
                                            "; the file is damaged or not the export's");
}

Result<std::string> identity_of(const InputFile& file, const csv::ByteSource& source,
                                std::uint64_t& stored_bytes) {
  if (const auto* object = dynamic_cast<const adapters::S3ObjectSource*>(&source)) {
    stored_bytes = object->size();
    return "etag=" + object->etag();
  }
  if (file.location == "-") return std::string();
  Result<std::string> identity = file_identity(file.location);
  if (!identity) return identity.take_error();
  stored_bytes = std::stoull(identity->substr(5));  // "size=N ..."
  return identity;
}

bool compressed_name(const std::string& location) {
  return location.ends_with(".gz") || location.ends_with(".zst");
}

}  // namespace

Result<OpenedInput> open_input(const InputFile& file, const std::shared_ptr<aws::S3Client>& s3,
                               std::optional<ingest::InputFormat> forced) {
  if (!file.missing.empty()) return make_error("NoSuchInput", file.missing);
  if (!file.md5_base64.empty()) {
    if (Status verified = verify_md5(file, s3); !verified) return verified.take_error();
  }
  Result<std::unique_ptr<csv::ByteSource>> stored = open_stored(file, s3);
  if (!stored) return stored.take_error();
  OpenedInput opened;
  Result<std::string> identity = identity_of(file, **stored, opened.stored_bytes);
  if (!identity) return identity.take_error();
  opened.identity = std::move(*identity);
  csv::Compression compression = csv::Compression::kNone;
  Result<std::unique_ptr<csv::ByteSource>> decompressed =
      csv::open_decompressed(std::move(*stored), &compression);
  if (!decompressed) return decompressed.take_error();
  opened.compressed = compression != csv::Compression::kNone || compressed_name(file.location);
  std::string first_bytes;
  Result<std::unique_ptr<csv::ByteSource>> peeked =
      ingest::peek_bytes(std::move(*decompressed), first_bytes);
  if (!peeked) return peeked.take_error();
  opened.bytes = std::move(*peeked);
  const ingest::InputFormat detected = ingest::detect_input_format(file.name, first_bytes);
  opened.format = file.format.value_or(forced.value_or(detected));
  if (detected == ingest::InputFormat::kItemArray) opened.format = detected;
  return opened;
}

}  // namespace csv2ddb::cli
