// CreateMultipartUpload, UploadPart, CompleteMultipartUpload, AbortMultipartUpload, ListParts.
// The object's ETag is S3's: the MD5 of the concatenated binary MD5s of the parts, then "-N".
#include "aws/crypto.hpp"
#include "aws/error_codes.hpp"
#include "aws/xml.hpp"
#include "local/request_auth.hpp"
#include "local/s3/body_stager.hpp"
#include "local/s3/digests.hpp"
#include "local/s3/event_records.hpp"
#include "local/s3/s3_errors.hpp"
#include "local/s3/s3_request.hpp"
#include "local/s3/storage_names.hpp"

namespace csv2ddb::local::s3 {
namespace {

constexpr int kMaxPartNumber = 10000;
constexpr std::size_t kMaxCompleteBodyBytes = 4 * 1024 * 1024;

Result<UploadInfo> upload_of(S3Context& ctx, const S3Request& request) {
  const std::string* id = request.param("uploadId");
  if (id == nullptr) return no_such_upload();
  return ctx.store.upload(request.bucket, request.key, *id);
}

std::string strip_quotes(std::string_view etag) {
  while (!etag.empty() && etag.front() == '"') etag.remove_prefix(1);
  while (!etag.empty() && etag.back() == '"') etag.remove_suffix(1);
  return std::string(etag);
}

Result<int> part_number_of(std::string_view text) {
  int value = 0;
  if (text.empty() || text.size() > 5) {
    return invalid_argument("Part number must be an integer between 1 and 10000, inclusive");
  }
  for (char c : text) {
    if (c < '0' || c > '9') {
      return invalid_argument("Part number must be an integer between 1 and 10000, inclusive");
    }
    value = value * 10 + (c - '0');
  }
  if (value < 1 || value > kMaxPartNumber) {
    return invalid_argument("Part number must be an integer between 1 and 10000, inclusive");
  }
  return value;
}

std::string complete_result(const S3Request& request, const std::string& etag) {
  std::string out(kXmlDeclaration);
  out += "<CompleteMultipartUploadResult xmlns=\"";
  out += kS3XmlNamespace;
  out += "\">";
  append_xml_element(out, "Location", "/" + request.bucket + "/" + request.key);
  append_xml_element(out, "Bucket", request.bucket);
  append_xml_element(out, "Key", request.key);
  append_xml_element(out, "ETag", etag);
  out += "</CompleteMultipartUploadResult>";
  return out;
}

// A Complete of an upload that is no longer in progress. When it was completed with this
// very part list, the first answer again: Amazon S3 does the same, so a client that lost the
// answer (a timeout) and retries succeeds. With another part list it stays `gone`
// (NoSuchUpload): AWS does not document that case, and that choice is ours, because a success
// would claim an object made of parts it was not made of. No second event is sent.
Result<HttpResponse> repeated_complete(S3Context& ctx, const S3Request& request,
                                       const std::vector<const aws::XmlElement*>& listed,
                                       Error gone) {
  const std::string* id = request.param("uploadId");
  if (id == nullptr || listed.empty()) return gone;
  std::string part_list;
  for (const aws::XmlElement* part : listed) {
    auto number = part_number_of(part->child_text("PartNumber"));
    if (!number) return gone;
    part_list += completed_part_line(*number, strip_quotes(part->child_text("ETag")));
  }
  auto completed = ctx.store.completed_upload(request.bucket, request.key, *id);
  if (!completed) return completed.take_error();
  if (!*completed || (*completed)->parts != part_list) return gone;
  return xml_response(200, complete_result(request, (*completed)->etag));
}

}  // namespace

Result<HttpResponse> create_multipart_upload(S3Context& ctx, S3Request& request) {
  if (Status valid = validate_object_key(request.key); !valid) return valid.take_error();
  auto id = ctx.store.create_upload(request.bucket, request.key, stored_headers_of(request.http));
  if (!id) return id.take_error();
  std::string out(kXmlDeclaration);
  out += "<InitiateMultipartUploadResult xmlns=\"";
  out += kS3XmlNamespace;
  out += "\">";
  append_xml_element(out, "Bucket", request.bucket);
  append_xml_element(out, "Key", request.key);
  append_xml_element(out, "UploadId", *id);
  out += "</InitiateMultipartUploadResult>";
  return xml_response(200, std::move(out));
}

Result<HttpResponse> upload_part(S3Context& ctx, S3Request& request) {
  if (!request.http.header("x-amz-copy-source").empty()) {
    return make_error("NotImplemented",
                      "A header you provided implies functionality that is not implemented: "
                      "UploadPartCopy");
  }
  const std::string* number_text = request.param("partNumber");
  auto number = part_number_of(number_text == nullptr ? "" : *number_text);
  if (!number) return number.take_error();
  auto upload = upload_of(ctx, request);
  if (!upload) return upload.take_error();
  auto staged = stage_body(request.http, {ctx.store.staging_dir(), ctx.options.max_object_bytes,
                                          ctx.options.secrets, ctx.options.trace_uploads});
  if (!staged) return staged.take_error();
  auto part = ctx.store.put_part(*upload, *number, std::move(*staged));
  if (!part) return part.take_error();
  HttpResponse response;
  response.add_header("ETag", part->etag);
  if (std::string_view crc = request.http.header("x-amz-checksum-crc32"); !crc.empty()) {
    response.add_header("x-amz-checksum-crc32", std::string(crc));
  }
  return response;
}

Result<HttpResponse> complete_multipart_upload(S3Context& ctx, S3Request& request) {
  auto upload = upload_of(ctx, request);
  if (!upload && !aws::has_code(upload.error(), aws::code::kNoSuchUpload))
    return upload.take_error();
  auto body = read_small_body(request.http, kMaxCompleteBodyBytes);
  auto root = body ? aws::parse_xml(*body) : Result<aws::XmlElement>(body.error());
  const bool well_formed = root && root->name == "CompleteMultipartUpload";
  const auto listed =
      well_formed ? root->children_named("Part") : std::vector<const aws::XmlElement*>();
  if (!upload) return repeated_complete(ctx, request, listed, upload.take_error());
  if (!body) return body.take_error();
  if (!well_formed || listed.empty()) return malformed_xml();
  auto stored = ctx.store.parts(upload->upload_id);
  if (!stored) return stored.take_error();
  std::vector<PartInfo> chosen;
  int previous = 0;
  for (const aws::XmlElement* part : listed) {
    auto number = part_number_of(part->child_text("PartNumber"));
    if (!number) return malformed_xml();
    if (*number <= previous) {
      return make_error("InvalidPartOrder",
                        "The list of parts was not in ascending order. The parts list must be "
                        "specified in order by part number.");
    }
    previous = *number;
    const std::string etag = strip_quotes(part->child_text("ETag"));
    const PartInfo* found = nullptr;
    for (const PartInfo& candidate : *stored) {
      if (candidate.number == *number) found = &candidate;
    }
    if (found == nullptr || strip_quotes(found->etag) != etag) {
      return make_error("InvalidPart",
                        "One or more of the specified parts could not be found. The part may not "
                        "have been uploaded, or the specified entity tag may not match the part's "
                        "entity tag.");
    }
    chosen.push_back(*found);
  }
  for (std::size_t i = 0; i + 1 < chosen.size(); ++i) {
    if (chosen[i].size < ctx.options.min_part_bytes) {
      return make_error("EntityTooSmall",
                        "Your proposed upload is smaller than the minimum allowed object size.");
    }
  }
  Md5Hasher combined;
  for (const PartInfo& part : chosen) combined.update(part.md5_raw);
  const std::string etag =
      "\"" + aws::hex_encode(combined.finish()) + "-" + std::to_string(chosen.size()) + "\"";
  auto object = ctx.store.complete_upload(*upload, chosen, etag);
  // A concurrent Complete of the same upload (a client retry while this one was still
  // concatenating) may have finished first: then its answer, when the parts are the same.
  if (!object) return repeated_complete(ctx, request, listed, object.take_error());
  auto principal = RequestAuthenticator::access_key_of(request.http, aws::AuthDialect::kS3);
  ctx.events.publish(ctx.store, request.bucket, "s3:ObjectCreated:CompleteMultipartUpload", *object,
                     request.request_id, principal ? "AWS:" + *principal : "anonymous");
  return xml_response(200, complete_result(request, object->etag));
}

Result<HttpResponse> abort_multipart_upload(S3Context& ctx, S3Request& request) {
  auto upload = upload_of(ctx, request);
  if (!upload) return upload.take_error();
  if (Status aborted = ctx.store.abort_upload(*upload); !aborted) return aborted.take_error();
  HttpResponse response;
  response.status = 204;
  return response;
}

Result<HttpResponse> list_parts(S3Context& ctx, S3Request& request) {
  auto upload = upload_of(ctx, request);
  if (!upload) return upload.take_error();
  auto parts = ctx.store.parts(upload->upload_id);
  if (!parts) return parts.take_error();
  int marker = 0;
  if (const std::string* text = request.param("part-number-marker"); text && !text->empty()) {
    auto parsed = part_number_of(*text);
    if (parsed) marker = *parsed;
  }
  std::size_t max_parts = 1000;
  if (const std::string* text = request.param("max-parts"); text && !text->empty()) {
    max_parts = 0;
    for (char c : *text) {
      if (c < '0' || c > '9' || max_parts > 100000)
        return invalid_argument("Provided max-parts not an integer or within integer range");
      max_parts = max_parts * 10 + static_cast<std::size_t>(c - '0');
    }
    if (max_parts > 1000) max_parts = 1000;
  }
  std::string body;
  std::size_t shown = 0;
  int last = 0;
  bool truncated = false;
  for (const PartInfo& part : *parts) {
    if (part.number <= marker) continue;
    if (shown == max_parts) {
      truncated = true;
      break;
    }
    body += "<Part>";
    append_xml_element(body, "PartNumber", std::to_string(part.number));
    append_xml_element(body, "LastModified", iso8601_ms(part.last_modified_ms));
    append_xml_element(body, "ETag", part.etag);
    append_xml_element(body, "Size", std::to_string(part.size));
    body += "</Part>";
    last = part.number;
    ++shown;
  }
  std::string out(kXmlDeclaration);
  out += "<ListPartsResult xmlns=\"";
  out += kS3XmlNamespace;
  out += "\">";
  append_xml_element(out, "Bucket", request.bucket);
  append_xml_element(out, "Key", request.key);
  append_xml_element(out, "UploadId", upload->upload_id);
  append_xml_element(out, "PartNumberMarker", std::to_string(marker));
  append_xml_element(out, "NextPartNumberMarker", std::to_string(last));
  append_xml_element(out, "MaxParts", std::to_string(max_parts));
  append_xml_element(out, "IsTruncated", truncated ? "true" : "false");
  append_xml_element(out, "StorageClass", "STANDARD");
  out += body;
  out += "</ListPartsResult>";
  return xml_response(200, std::move(out));
}

}  // namespace csv2ddb::local::s3
