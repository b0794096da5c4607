// Cross-check with botocore, the signer behind the AWS CLI and boto3:
// botocore_sigv4_crosscheck.py signs awkward S3 and DynamoDB requests (spaces, '+', '%',
// unicode, '//', dot segments in paths; repeated keys, empty values and reserved characters in
// queries; mixed-case, repeated and space-padded headers; session tokens; UNSIGNED-PAYLOAD;
// presigned URLs) at a fixed time. We sign each the same way and must produce the same
// signature, and our verifier must accept what botocore signed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "aws/sigv4.hpp"
#include "aws/sigv4_verify.hpp"

namespace csv2ddb::aws {
namespace {

constexpr const char* kPython = "/usr/bin/python3";  // Debian's, where python3-botocore lives
const std::string kScript =
    std::string(CSV2DDB_SOURCE_DIR) + "/tests/aws/botocore_sigv4_crosscheck.py";

// The script's output is flat: string values, and lists of [name, value] pairs. This reads
// exactly that (ensure_ascii JSON, so \uXXXX escapes with surrogate pairs).
struct Case {
  std::map<std::string, std::string> fields;
  std::map<std::string, HeaderList> lists;
  const std::string& operator[](const std::string& key) const { return fields.at(key); }
};

class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}

  bool read(Case& out) {
    if (!consume('{')) return false;
    while (!consume('}')) {
      std::string key;
      if (!string(key) || !consume(':')) return false;
      if (peek() == '[') {
        HeaderList list;
        consume('[');
        while (!consume(']')) {
          Header pair;
          if (!consume('[') || !string(pair.name) || !consume(',') || !string(pair.value) ||
              !consume(']')) {
            return false;
          }
          list.push_back(std::move(pair));
          consume(',');
        }
        out.lists[key] = std::move(list);
      } else if (!string(out.fields[key])) {
        return false;
      }
      consume(',');
    }
    return at_ == text_.size();
  }

 private:
  char peek() {
    while (at_ < text_.size() && text_[at_] == ' ') ++at_;
    return at_ < text_.size() ? text_[at_] : '\0';
  }
  bool consume(char c) {
    if (peek() != c) return false;
    ++at_;
    return true;
  }
  bool hex4(unsigned& out) {
    if (at_ + 4 > text_.size()) return false;
    out = static_cast<unsigned>(std::stoul(std::string(text_.substr(at_, 4)), nullptr, 16));
    at_ += 4;
    return true;
  }
  static void append_utf8(unsigned cp, std::string& out) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  bool string(std::string& out) {
    if (!consume('"')) return false;
    while (at_ < text_.size() && text_[at_] != '"') {
      char c = text_[at_++];
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      c = text_[at_++];
      unsigned cp = 0;
      switch (c) {
        case 'n':
          out.push_back('\n');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 'u':
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp < 0xDC00) {
            unsigned low = 0;
            if (text_.substr(at_, 2) != "\\u") return false;
            at_ += 2;
            if (!hex4(low)) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          append_utf8(cp, out);
          break;
        default:
          out.push_back(c);  // \" \\ \/
      }
    }
    return consume('"');
  }

  std::string_view text_;
  std::size_t at_ = 0;
};

std::vector<Case> run_script(std::string& failure) {
  std::vector<Case> cases;
  FILE* pipe = popen((std::string(kPython) + " " + kScript).c_str(), "r");
  if (pipe == nullptr) {
    failure = "cannot start " + std::string(kPython);
    return cases;
  }
  std::string output;
  char buffer[65536];
  std::size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, got);
  const int status = pclose(pipe);
  if (status != 0) {
    failure = "the script exited with status " + std::to_string(status);
    return cases;
  }
  std::size_t start = 0;
  while (start < output.size()) {
    std::size_t end = output.find('\n', start);
    if (end == std::string::npos) end = output.size();
    Case c;
    if (!LineReader(std::string_view(output).substr(start, end - start)).read(c)) {
      failure = "unreadable line: " + output.substr(start, std::min<std::size_t>(end - start, 200));
      return cases;
    }
    cases.push_back(std::move(c));
    start = end + 1;
  }
  return cases;
}

std::vector<std::string> query_pieces(std::string_view query) {
  std::vector<std::string> pieces;
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    pieces.emplace_back(query.substr(start, end - start));
    start = end + 1;
  }
  std::sort(pieces.begin(), pieces.end());
  return pieces;
}

SigningConfig config_for(const Case& c) {
  const Credentials credentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                c["token"]};
  const auto time = parse_amz_date(c["timestamp"]).value();
  SigningConfig config =
      c["service"] == "s3" ? SigningConfig::s3("us-east-1", credentials, time)
                           : SigningConfig::standard(c["service"], "us-east-1", credentials, time);
  if (c["unsigned_payload"] == "true") config.signed_body_value = std::string(kUnsignedPayload);
  if (c.fields.count("expires")) config.expires = std::chrono::seconds(std::stoll(c["expires"]));
  return config;
}

std::optional<std::string> secret_of(std::string_view key) {
  if (key == "AKIDEXAMPLE") return std::string("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  return std::nullopt;
}

TEST(BotocoreCrosscheck, SameSignaturesAsBotocoreAndBotocoreRequestsVerify) {
  if (std::system((std::string(kPython) + " -c 'import botocore' 2>/dev/null").c_str()) != 0) {
    GTEST_SKIP() << kPython << " cannot import botocore: apt-get install -y python3-boto3";
  }
  std::string failure;
  const std::vector<Case> cases = run_script(failure);
  ASSERT_TRUE(failure.empty()) << failure;
  ASSERT_GE(cases.size(), 100u);

  std::size_t header_form = 0;
  std::size_t query_form = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c["name"] + " " + c["method"] + " " + c["path"] + "?" + c["query"]);
    const SigningConfig config = config_for(c);
    const SignableRequest request{c["method"], c["path"], c["query"], c.lists.at("headers"),
                                  c["body_sha256"]};
    const AuthDialect dialect = c["service"] == "s3" ? AuthDialect::kS3 : AuthDialect::kDynamoDb;
    const auto now = config.time;
    if (c["form"] == "header") {
      ++header_form;
      const auto ours = sign_with_headers(request, config);
      ASSERT_TRUE(ours.ok()) << ours.error().to_string();
      EXPECT_EQ(ours->authorization, c["authorization"]) << ours->canonical_request;

      SignableRequest received = request;
      received.headers = c.lists.at("signed_request_headers");
      const auto parsed = parse_request_authorization(received, dialect);
      ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
      const Status verified = verify(received, *parsed, secret_of, now, std::chrono::minutes(5));
      EXPECT_TRUE(verified.ok()) << verified.error().to_string();
    } else {
      ++query_form;
      const auto ours = presign_with_query(request, config);
      ASSERT_TRUE(ours.ok()) << ours.error().to_string();
      EXPECT_EQ(ours->signature, c["signature"]) << ours->canonical_request;
      // botocore orders X-Amz-Expires before X-Amz-SignedHeaders; the parameters are the same.
      EXPECT_EQ(query_pieces(ours->presigned_query), query_pieces(c["presigned_query"]));

      SignableRequest received = request;
      received.query = c["presigned_query"];
      const auto parsed = parse_request_authorization(received, dialect);
      ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
      const Status verified = verify(received, *parsed, secret_of, now, std::chrono::minutes(15));
      EXPECT_TRUE(verified.ok()) << verified.error().to_string();
    }
  }
  EXPECT_GE(header_form, 80u);
  EXPECT_GE(query_form, 20u);
}

}  // namespace
}  // namespace csv2ddb::aws
