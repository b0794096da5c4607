// The local S3's parsers of untrusted request bodies: the notification configuration
// document (parse, validate, write, parse again: the round trip must be stable), the XML
// bodies of DeleteObjects and CompleteMultipartUpload (through the shared XML reader), the
// aws-chunked framing of uploads (with and without chunk signatures), and the Range header.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "aws/xml.hpp"
#include "local/s3/aws_chunked_decoder.hpp"
#include "local/s3/byte_range.hpp"
#include "local/s3/chunk_signatures.hpp"
#include "local/s3/notification_rules.hpp"
#include "local/s3/notification_xml.hpp"

using namespace csv2ddb;
using namespace csv2ddb::local::s3;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  if (auto parsed = parse_notification_document(input)) {
    (void)validate_notification(*parsed);
    (void)matching_targets(*parsed, "s3:ObjectCreated:Put", "in/a.csv");
    const std::string written = notification_document_xml(*parsed);
    auto again = parse_notification_document(written);
    if (!again || !(*again == *parsed)) std::abort();  // what we store must read back the same
  }
  if (auto root = aws::parse_xml(input)) {
    for (const aws::XmlElement* object : root->children_named("Object")) {
      (void)object->child_text("Key");
    }
    for (const aws::XmlElement* part : root->children_named("Part")) {
      (void)part->child_text("PartNumber");
      (void)part->child_text("ETag");
    }
  }

  std::uint64_t decoded = 0;
  AwsChunkedDecoder decoder([&](std::string_view payload) {
    decoded += payload.size();
    return Status{};
  });
  // Feed in two pieces split at a data-dependent point, as bodies arrive from the network.
  const std::size_t split = size == 0 ? 0 : data[0] % size;
  if (decoder.feed(input.substr(0, split)) && decoder.feed(input.substr(split))) {
    (void)decoder.finish();
    if (decoded != decoder.payload_bytes() || decoded > size) std::abort();
  }

  // The same framing with chunk signatures checked (signed streaming, -TRAILER form): the
  // extension and trailer parsing, and a chain that must refuse what it cannot verify.
  ChunkSignatureChain chain(aws::derive_signing_key("secret", "20240101", "us-east-1", "s3"),
                            "20240101T000000Z", "20240101/us-east-1/s3/aws4_request",
                            std::string(64, '0'), /*has_trailer=*/size % 2 == 0);
  std::uint64_t signed_bytes = 0;
  AwsChunkedDecoder checked(
      [&](std::string_view payload) {
        signed_bytes += payload.size();
        return Status{};
      },
      &chain);
  if (checked.feed(input.substr(0, split)) && checked.feed(input.substr(split))) {
    // Every body ends with a signed empty chunk: none can pass without a forged HMAC.
    if (checked.finish() || signed_bytes > size) std::abort();
  }

  const RangeResult range = resolve_range(input, 1000);
  if (range.kind == RangeKind::kSatisfiable && (range.first > range.last || range.last >= 1000)) {
    std::abort();
  }
  return 0;
}
