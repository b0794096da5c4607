// The AWS SigV4 test suite (shared/testdata/sigv4, from awslabs/aws-c-auth): for every case our
// canonical request, string to sign, signature, Authorization header and presigned query must
// equal the suite's files byte for byte, and the verifier must accept each signed request and
// reject it once anything signed changes.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "aws/sigv4.hpp"
#include "aws/sigv4_verify.hpp"

namespace csv2ddb::aws {
namespace {

namespace fs = std::filesystem;

const fs::path kSuiteDir = fs::path(CSV2DDB_SOURCE_DIR) / ".." / "shared" / "testdata" / "sigv4";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Just enough JSON for context.json: flat "key": value pairs, nested objects flattened.
std::string json_field(const std::string& json, const std::string& key) {
  const std::string needle = "\"" + key + "\"";
  std::size_t at = json.find(needle);
  if (at == std::string::npos) return {};
  at = json.find(':', at + needle.size()) + 1;
  while (json[at] == ' ') ++at;
  if (json[at] == '"') {
    const std::size_t end = json.find('"', at + 1);
    return json.substr(at + 1, end - at - 1);
  }
  const std::size_t end = json.find_first_of(",}\n", at);
  return json.substr(at, end - at);
}

struct SuiteRequest {
  std::string method;
  std::string path;
  std::string query;
  HeaderList headers;
  std::string body;
  std::string request_line;
};

// The suite's raw HTTP: request line, headers (a line starting with whitespace continues the
// previous value), a blank line, the body.
SuiteRequest parse_http(const std::string& text) {
  SuiteRequest request;
  std::size_t line_start = 0;
  bool first = true;
  while (line_start < text.size()) {
    std::size_t line_end = text.find('\n', line_start);
    if (line_end == std::string::npos) line_end = text.size();
    const std::string line = text.substr(line_start, line_end - line_start);
    line_start = line_end + 1;
    if (first) {
      first = false;
      request.request_line = line;
      const std::size_t space = line.find(' ');
      const std::size_t version = line.rfind(" HTTP/1.1");
      request.method = line.substr(0, space);
      const std::string target = line.substr(space + 1, version - space - 1);
      const std::size_t question = target.find('?');
      request.path = target.substr(0, question);
      if (question != std::string::npos) request.query = target.substr(question + 1);
      continue;
    }
    if (line.empty()) {
      if (line_start < text.size()) request.body = text.substr(line_start);
      break;
    }
    if (line[0] == ' ' || line[0] == '\t') {
      request.headers.back().value += "\n" + line;
      continue;
    }
    const std::size_t colon = line.find(':');
    request.headers.push_back({line.substr(0, colon), line.substr(colon + 1)});
  }
  return request;
}

struct SuiteCase {
  std::string name;
  fs::path dir;
  std::string context;
  SuiteRequest request;
  bool normalize = true;
  bool sign_body = false;
  bool omit_session_token = false;

  std::string file(const std::string& name_in_dir) const { return read_file(dir / name_in_dir); }
};

std::vector<SuiteCase> load_suite() {
  std::vector<SuiteCase> cases;
  if (!fs::is_directory(kSuiteDir)) return cases;
  for (const auto& entry : fs::directory_iterator(kSuiteDir)) {
    if (!entry.is_directory() || !fs::exists(entry.path() / "context.json")) continue;
    SuiteCase c;
    c.name = entry.path().filename().string();
    c.dir = entry.path();
    c.context = read_file(c.dir / "context.json");
    c.request = parse_http(read_file(c.dir / "request.txt"));
    c.normalize = json_field(c.context, "normalize") == "true";
    c.sign_body = json_field(c.context, "sign_body") == "true";
    c.omit_session_token = json_field(c.context, "omit_session_token") == "true";
    cases.push_back(std::move(c));
  }
  std::sort(cases.begin(), cases.end(),
            [](const SuiteCase& a, const SuiteCase& b) { return a.name < b.name; });
  return cases;
}

std::chrono::system_clock::time_point suite_time(const SuiteCase& c) {
  // "2015-08-30T12:36:00Z" -> "20150830T123600Z"
  std::string text = json_field(c.context, "timestamp");
  std::erase(text, '-');
  std::erase(text, ':');
  return parse_amz_date(text).value();
}

SigningConfig suite_config(const SuiteCase& c) {
  SigningConfig config;
  config.region = json_field(c.context, "region");
  config.service = json_field(c.context, "service");
  config.time = suite_time(c);
  config.credentials = {json_field(c.context, "access_key_id"),
                        json_field(c.context, "secret_access_key"), json_field(c.context, "token")};
  config.double_uri_encode = true;
  config.normalize_path = c.normalize;
  config.add_content_sha256_header = c.sign_body;
  config.sign_session_token = !c.omit_session_token;
  config.expires = std::chrono::seconds(std::stoll(json_field(c.context, "expiration_in_seconds")));
  return config;
}

SignableRequest signable(const SuiteRequest& r, bool sign_body) {
  return {r.method, r.path, r.query, r.headers,
          sign_body ? sha256_hex(r.body) : std::string(kEmptySha256Hex)};
}

std::vector<std::string> header_lines(const HeaderList& headers) {
  std::vector<std::string> lines;
  for (const Header& h : headers) lines.push_back(h.name + ":" + h.value);
  std::sort(lines.begin(), lines.end());
  return lines;
}

class SigV4Suite : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::is_directory(kSuiteDir)) {
      GTEST_SKIP() << "SigV4 test suite not found at " << kSuiteDir
                   << " (it lives in the shared folder beside the repository)";
    }
    cases_ = load_suite();
    ASSERT_GE(cases_.size(), 30u) << "the suite has 38 cases; some are missing";
  }
  std::vector<SuiteCase> cases_;
};

TEST_F(SigV4Suite, HeaderFormMatchesEveryCaseByteForByte) {
  for (const SuiteCase& c : cases_) {
    SCOPED_TRACE(c.name);
    const auto signed_request =
        sign_with_headers(signable(c.request, c.sign_body), suite_config(c));
    ASSERT_TRUE(signed_request.ok()) << signed_request.error().to_string();
    EXPECT_EQ(signed_request->canonical_request, c.file("header-canonical-request.txt"));
    EXPECT_EQ(signed_request->string_to_sign, c.file("header-string-to-sign.txt"));
    EXPECT_EQ(signed_request->signature, c.file("header-signature.txt"));

    // The signed request is the original plus exactly the headers we add.
    const SuiteRequest expected = parse_http(c.file("header-signed-request.txt"));
    HeaderList ours = c.request.headers;
    ours.insert(ours.end(), signed_request->headers_to_add.begin(),
                signed_request->headers_to_add.end());
    EXPECT_EQ(header_lines(ours), header_lines(expected.headers));
    const Header* authorization = find_header(expected.headers, "Authorization");
    ASSERT_NE(authorization, nullptr);
    EXPECT_EQ(signed_request->authorization, authorization->value);
  }
}

TEST_F(SigV4Suite, QueryFormMatchesEveryCaseByteForByte) {
  for (const SuiteCase& c : cases_) {
    SCOPED_TRACE(c.name);
    const auto presigned = presign_with_query(signable(c.request, c.sign_body), suite_config(c));
    ASSERT_TRUE(presigned.ok()) << presigned.error().to_string();
    EXPECT_EQ(presigned->canonical_request, c.file("query-canonical-request.txt"));
    EXPECT_EQ(presigned->string_to_sign, c.file("query-string-to-sign.txt"));
    EXPECT_EQ(presigned->signature, c.file("query-signature.txt"));
    const SuiteRequest expected = parse_http(c.file("query-signed-request.txt"));
    EXPECT_EQ(
        c.request.method + " " + c.request.path + "?" + presigned->presigned_query + " HTTP/1.1",
        expected.request_line);
    EXPECT_EQ(header_lines(c.request.headers), header_lines(expected.headers));
  }
}

// The verifier applies the rules of a real service (DynamoDB's: normalized, double-encoded
// path), so the cases signed with normalization switched off are signer-only.
class SigV4SuiteVerify : public SigV4Suite {
 protected:
  static SecretLookup lookup(const SuiteCase& c) {
    const std::string secret = json_field(c.context, "secret_access_key");
    return [secret](std::string_view key) -> std::optional<std::string> {
      if (key == "AKIDEXAMPLE") return secret;
      return std::nullopt;
    };
  }
  static SignableRequest received(const SuiteRequest& r) {
    return {r.method, r.path, r.query, r.headers, sha256_hex(r.body)};
  }
  static Status check(const SuiteCase& c, const SignableRequest& request,
                      std::chrono::seconds offset = std::chrono::seconds(0)) {
    auto parsed = parse_request_authorization(request, AuthDialect::kDynamoDb);
    if (!parsed) return parsed.take_error();
    return verify(request, *parsed, lookup(c), suite_time(c) + offset, std::chrono::minutes(5));
  }
};

TEST_F(SigV4SuiteVerify, AcceptsEverySignedRequestAndRejectsAnyChange) {
  int verified = 0;
  for (const SuiteCase& c : cases_) {
    if (!c.normalize) continue;
    for (const char* form : {"header-signed-request.txt", "query-signed-request.txt"}) {
      // A token appended after signing sits in the query unsigned: only a service that expects
      // that (and drops it from the canonical query) can verify such a URL.
      if (c.omit_session_token && std::string(form).starts_with("query")) continue;
      SCOPED_TRACE(c.name + " " + form);
      const SuiteRequest signed_request = parse_http(c.file(form));
      const SignableRequest good = received(signed_request);
      const Status ok = check(c, good);
      EXPECT_TRUE(ok.ok()) << ok.error().to_string();
      ++verified;

      SignableRequest changed_host = good;
      for (Header& h : changed_host.headers) {
        if (header_name_equals(h.name, "host")) h.value = "example.amazonaws.com.evil";
      }
      EXPECT_EQ(check(c, changed_host).error().code, "InvalidSignatureException");

      SignableRequest changed_path = good;
      changed_path.path += "x";
      EXPECT_EQ(check(c, changed_path).error().code, "InvalidSignatureException");

      SignableRequest changed_query = good;
      changed_query.query += changed_query.query.empty() ? "extra=1" : "&extra=1";
      EXPECT_EQ(check(c, changed_query).error().code, "InvalidSignatureException");

      if (c.sign_body) {
        SignableRequest changed_body = good;
        changed_body.payload_hash = sha256_hex(signed_request.body + " ");
        EXPECT_EQ(check(c, changed_body).error().code, "InvalidSignatureException");
      }
      // Header form: 5 minutes of skew allowed. Query form: valid for X-Amz-Expires (3600 s).
      const bool query_form = std::string(form).starts_with("query");
      const auto too_late = query_form ? std::chrono::seconds(3601) : std::chrono::seconds(301);
      EXPECT_TRUE(check(c, good, too_late - std::chrono::seconds(2)).ok());
      EXPECT_EQ(check(c, good, too_late).error().code, "InvalidSignatureException");
    }
  }
  EXPECT_GE(verified, 40);
}

TEST_F(SigV4SuiteVerify, StaleHeaderSignatureGetsDynamoDbsMessage) {
  const auto vanilla = std::find_if(cases_.begin(), cases_.end(),
                                    [](const SuiteCase& c) { return c.name == "get-vanilla"; });
  ASSERT_NE(vanilla, cases_.end());
  const SignableRequest good = received(parse_http(vanilla->file("header-signed-request.txt")));
  const Status late = check(*vanilla, good, std::chrono::minutes(15));
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, "InvalidSignatureException");
  EXPECT_EQ(late.error().message,
            "Signature expired: 20150830T123600Z is now earlier than 20150830T124600Z "
            "(20150830T125100Z - 5 min.)");
  const Status early = check(*vanilla, good, -std::chrono::minutes(6));
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().message,
            "Signature not yet current: 20150830T123600Z is still later than 20150830T123500Z "
            "(20150830T123000Z + 5 min.)");
}

}  // namespace
}  // namespace csv2ddb::aws
