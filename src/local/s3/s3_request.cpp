#include "local/s3/s3_request.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "aws/xml.hpp"
#include "local/s3/metadata_text.hpp"
#include "local/s3/s3_errors.hpp"

namespace csv2ddb::local::s3 {
namespace {

// Representation headers S3 stores with an object and returns on GET and HEAD.
constexpr std::array<std::string_view, 6> kStoredHeaders{"Content-Type",        "Content-Encoding",
                                                         "Content-Disposition", "Content-Language",
                                                         "Cache-Control",       "Expires"};

}  // namespace

S3Options s3_options_from_environment(std::string region) {
  S3Options options;
  options.region = std::move(region);
  if (const char* cap = std::getenv("CSV2DDB_LOCAL_S3_MAX_OBJECT_BYTES"); cap != nullptr) {
    char* end = nullptr;
    const unsigned long long value = std::strtoull(cap, &end, 10);
    if (end != cap && *end == '\0' && value > 0) options.max_object_bytes = value;
  }
  if (const char* trace = std::getenv("CSV2DDB_LOCAL_S3_TRACE_UPLOADS"); trace != nullptr) {
    options.trace_uploads = std::string_view(trace) == "1";
  }
  return options;
}

void append_xml_element(std::string& out, std::string_view name, std::string_view text) {
  out.append("<").append(name).append(">");
  aws::append_xml_escaped(out, text);
  out.append("</").append(name).append(">");
}

std::string iso8601_ms(std::int64_t epoch_ms) {
  const std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(epoch_ms % 1000));
  return text;
}

std::string continuation_token(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    out.push_back(kHex[static_cast<unsigned char>(c) >> 4]);
    out.push_back(kHex[static_cast<unsigned char>(c) & 0x0F]);
  }
  return out;
}

Result<std::string> cursor_of(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  if (text.size() % 2 != 0 || text.empty())
    return invalid_argument("The continuation token provided is incorrect");
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int hi = value(text[i]);
    const int lo = value(text[i + 1]);
    if (hi < 0 || lo < 0) return invalid_argument("The continuation token provided is incorrect");
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

void append_owner(std::string& out) {
  out += "<Owner>";
  append_xml_element(out, "ID", "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a");
  append_xml_element(out, "DisplayName", "csv2ddb");
  out += "</Owner>";
}

HttpResponse xml_response(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.add_header("Content-Type", "application/xml");
  return response;
}

aws::HeaderList stored_headers_of(const HttpRequest& request) {
  aws::HeaderList out;
  for (std::string_view name : kStoredHeaders) {
    std::string value(request.header(name));
    if (name == "Content-Encoding") {
      // aws-chunked is how this request was framed, not how the object is encoded.
      std::string kept;
      std::size_t start = 0;
      while (start <= value.size()) {
        auto comma = value.find(',', start);
        if (comma == std::string::npos) comma = value.size();
        std::string part = value.substr(start, comma - start);
        while (!part.empty() && part.front() == ' ') part.erase(0, 1);
        while (!part.empty() && part.back() == ' ') part.pop_back();
        if (!part.empty() && part != "aws-chunked") kept += (kept.empty() ? "" : ",") + part;
        start = comma + 1;
      }
      value = kept;
    }
    if (!value.empty()) out.push_back({std::string(name), value});
  }
  if (aws::find_header(out, "Content-Type") == nullptr) {
    out.insert(out.begin(), {"Content-Type", "binary/octet-stream"});
  }
  for (const aws::Header& header : request.headers) {
    if (header.name.size() > 11 &&
        aws::header_name_equals(header.name.substr(0, 11), "x-amz-meta-")) {
      std::string name = header.name;
      for (char& c : name) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
      out.push_back({std::move(name), stored_metadata_value(header.value)});
    }
  }
  return out;
}

Result<std::string> read_small_body(const HttpRequest& request, std::size_t max_bytes) {
  if (request.body.size > max_bytes || request.body.memory.size() > max_bytes) {
    return make_error("MalformedXML", "The XML you provided was too large.");
  }
  if (!request.body.in_file()) return request.body.memory;
  std::string out;
  const int fd = ::open(request.body.file_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return internal_error("cannot read the request body");
  char buffer[1 << 16];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got <= 0) break;
    out.append(buffer, static_cast<std::size_t>(got));
    if (out.size() > max_bytes) break;
  }
  ::close(fd);
  if (out.size() > max_bytes)
    return make_error("MalformedXML", "The XML you provided was too large.");
  return out;
}

}  // namespace csv2ddb::local::s3
