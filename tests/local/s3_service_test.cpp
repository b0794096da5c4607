// The local S3 service in-process (no HTTP, no auth): requests as the router would hand them
// over, answers checked for S3's status codes, XML and stored bytes; the delivery hook sees
// the event records; data survives reopening the store.
#include "local/s3/s3_service.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "aws/crypto.hpp"
#include "local/s3/digests.hpp"

namespace csv2ddb::local::s3 {
namespace {

namespace fs = std::filesystem;

class S3ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("s3-service-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    open_service();
  }
  void TearDown() override {
    service_.reset();
    fs::remove_all(dir_);
  }
  void open_service() {
    S3Options options;
    options.region = "eu-west-1";
    options.max_object_bytes = 100;
    options.min_part_bytes = 5;
    auto service = S3Service::open(dir_.string(), options);
    ASSERT_TRUE(service.ok()) << service.error().message;
    service_ = std::move(*service);
    service_->set_delivery_hook([this](const std::string& arn, const std::string& json) {
      delivered_.push_back({arn, json});
    });
  }

  HttpResponse send(std::string method, std::string target, std::string body = "",
                    aws::HeaderList headers = {}) {
    HttpRequest request;
    request.method = std::move(method);
    request.target = target;
    const auto q = target.find('?');
    request.path = target.substr(0, q);
    request.query = q == std::string::npos ? "" : target.substr(q + 1);
    request.headers = std::move(headers);
    request.headers.push_back({"Host", "127.0.0.1:4566"});
    request.body.size = body.size();
    request.body.memory = std::move(body);
    return service_->handle(request);
  }

  // A multipart upload to `path` (/bucket/key) with `parts` as parts 1, 2, ...
  struct Upload {
    std::string id;
    std::vector<std::string> etags;  // of each part, as UploadPart answered them (quoted)
  };
  Upload upload_parts(const std::string& path, const std::vector<std::string>& parts) {
    Upload upload;
    const HttpResponse created = send("POST", path + "?uploads");
    const auto at = created.body.find("<UploadId>") + 10;
    upload.id = created.body.substr(at, created.body.find("</UploadId>") - at);
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const HttpResponse part =
          send("PUT", path + "?partNumber=" + std::to_string(i + 1) + "&uploadId=" + upload.id,
               parts[i]);
      upload.etags.emplace_back();
      for (const auto& header : part.headers) {
        if (header.name == "ETag") upload.etags.back() = header.value;
      }
    }
    return upload;
  }

  static std::string code_of(const HttpResponse& response) {
    const auto start = response.body.find("<Code>");
    if (start == std::string::npos) return "";
    return response.body.substr(start + 6, response.body.find("</Code>") - start - 6);
  }
  static std::string file_bytes(const HttpResponse& response) {
    std::ifstream in(response.body_file, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(response.body_file_offset));
    std::string out(response.body_file_length, '\0');
    in.read(out.data(), static_cast<std::streamsize>(out.size()));
    return out;
  }

  fs::path dir_;
  std::unique_ptr<S3Service> service_;
  std::vector<std::pair<std::string, std::string>> delivered_;
};

TEST_F(S3ServiceTest, BucketsOutsideUsEast1AnswerBucketAlreadyOwnedByYou) {
  EXPECT_EQ(send("PUT", "/bucket").status, 200);
  const HttpResponse again = send("PUT", "/bucket");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(code_of(again), "BucketAlreadyOwnedByYou");
  EXPECT_EQ(code_of(send("PUT", "/Bad_Bucket")), "InvalidBucketName");
  EXPECT_EQ(send("HEAD", "/bucket").status, 200);
  EXPECT_EQ(send("HEAD", "/nobucket").status, 404);
  send("PUT", "/bucket/k", "v");
  EXPECT_EQ(code_of(send("DELETE", "/bucket")), "BucketNotEmpty");
  EXPECT_EQ(send("DELETE", "/bucket/k").status, 204);
  EXPECT_EQ(send("DELETE", "/bucket").status, 204);
  EXPECT_EQ(send("GET", "/").body.find("<Name>bucket</Name>"), std::string::npos);
}

TEST_F(S3ServiceTest, AwsChunkedUploadsAreDecodedAndChecked) {
  send("PUT", "/b1b");
  Crc32 crc;
  crc.update("hello world");
  const std::string framed =
      "b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:" + crc.base64() + "\r\n\r\n";
  const aws::HeaderList chunked = {{"Content-Encoding", "aws-chunked"},
                                   {"x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"},
                                   {"x-amz-trailer", "x-amz-checksum-crc32"},
                                   {"x-amz-decoded-content-length", "11"},
                                   {"Content-Type", "text/plain"}};
  const HttpResponse put = send("PUT", "/b1b/k", framed, chunked);
  ASSERT_EQ(put.status, 200) << put.body;
  const HttpResponse got = send("GET", "/b1b/k");
  EXPECT_EQ(file_bytes(got), "hello world");
  bool plain = false;
  for (const auto& header : got.headers) {
    if (header.name == "Content-Type") plain = header.value == "text/plain";
    EXPECT_NE(header.name, "Content-Encoding");  // aws-chunked is not the object's encoding
  }
  EXPECT_TRUE(plain);
  const std::string wrong_crc = "b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n";
  EXPECT_EQ(code_of(send("PUT", "/b1b/k2", wrong_crc, chunked)), "BadDigest");
  EXPECT_EQ(
      code_of(send("PUT", "/b1b/k3", "abc", {{"x-amz-content-sha256", std::string(64, '0')}})),
      "XAmzContentSHA256Mismatch");
  EXPECT_EQ(
      send("PUT", "/b1b/k4", "abc", {{"x-amz-content-sha256", aws::sha256_hex("abc")}}).status,
      200);
  const HttpResponse too_large = send("PUT", "/b1b/big", std::string(101, 'x'));
  EXPECT_EQ(too_large.status, 400);
  EXPECT_EQ(code_of(too_large), "EntityTooLarge");
  EXPECT_EQ(code_of(send("GET", "/b1b/k2")), "NoSuchKey");  // nothing stored on failure
}

TEST_F(S3ServiceTest, ListObjectsV2RollsUpAndPaginates) {
  send("PUT", "/list");
  for (const char* key : {"a/1", "a/2", "b", "c/x/1", "c/y", "d"})
    send("PUT", std::string("/list/") + key, "x");
  auto keys_of = [](const std::string& xml, const std::string& tag) {
    std::vector<std::string> out;
    for (std::size_t at = xml.find("<" + tag + ">"); at != std::string::npos;
         at = xml.find("<" + tag + ">", at + 1)) {
      const auto start = at + tag.size() + 2;
      out.push_back(xml.substr(start, xml.find("</" + tag + ">", start) - start));
    }
    return out;
  };
  HttpResponse page = send("GET", "/list?list-type=2&delimiter=%2F&max-keys=2");
  EXPECT_EQ(keys_of(page.body, "Key"), std::vector<std::string>{"b"});
  EXPECT_EQ(keys_of(page.body, "Prefix"), (std::vector<std::string>{"", "a/"}));
  EXPECT_NE(page.body.find("<KeyCount>2</KeyCount><IsTruncated>true</IsTruncated>"),
            std::string::npos);
  const std::string token = keys_of(page.body, "NextContinuationToken").at(0);
  page = send("GET", "/list?list-type=2&delimiter=%2F&max-keys=2&continuation-token=" + token);
  EXPECT_EQ(keys_of(page.body, "Key"), std::vector<std::string>{"d"});
  EXPECT_EQ(keys_of(page.body, "Prefix"), (std::vector<std::string>{"", "c/"}));
  EXPECT_NE(page.body.find("<IsTruncated>false</IsTruncated>"), std::string::npos);
  page = send("GET", "/list?list-type=2&prefix=c%2F&start-after=c%2Fx%2F1");
  EXPECT_EQ(keys_of(page.body, "Key"), std::vector<std::string>{"c/y"});
  EXPECT_EQ(code_of(send("GET", "/list?list-type=2&continuation-token=zz")), "InvalidArgument");
  EXPECT_EQ(code_of(send("GET", "/list?versioning")), "NotImplemented");
}

TEST_F(S3ServiceTest, EventsGoToTheHookForMatchingConfigurations) {
  send("PUT", "/ev1");
  const std::string config =
      "<NotificationConfiguration><QueueConfiguration><Id>q</Id>"
      "<Queue>arn:aws:sqs:eu-west-1:123456789012:q</Queue><Event>s3:ObjectCreated:*</Event>"
      "<Filter><S3Key><FilterRule><Name>suffix</Name><Value>.csv</Value></FilterRule></S3Key>"
      "</Filter></QueueConfiguration></NotificationConfiguration>";
  ASSERT_EQ(send("PUT", "/ev1?notification", config).status, 200);
  send("PUT", "/ev1/x.txt", "1");
  send("PUT", "/ev1/dir/a%20b.csv", "12");
  send("PUT", "/ev1/copy.csv", "", {{"x-amz-copy-source", "/ev1/dir/a%20b.csv"}});
  ASSERT_EQ(delivered_.size(), 2U);
  EXPECT_EQ(delivered_[0].first, "arn:aws:sqs:eu-west-1:123456789012:q");
  EXPECT_NE(delivered_[0].second.find(R"("eventName":"ObjectCreated:Put")"), std::string::npos);
  EXPECT_NE(delivered_[0].second.find(R"("key":"dir/a+b.csv","size":2)"), std::string::npos);
  EXPECT_NE(delivered_[0].second.find(R"("awsRegion":"eu-west-1")"), std::string::npos);
  EXPECT_NE(delivered_[1].second.find(R"("eventName":"ObjectCreated:Copy")"), std::string::npos);
}

TEST_F(S3ServiceTest, VirtualHostedAndPathStyleAddressTheSameObject) {
  EXPECT_EQ(send("PUT", "/", "", {{"Host", "vhost.localhost:4566"}}).status, 200);
  EXPECT_EQ(send("PUT", "/dir/a%2Bb%20c", "data", {{"Host", "vhost.localhost:4566"}}).status, 200);
  const HttpResponse path_style = send("GET", "/vhost/dir/a%2Bb%20c");
  EXPECT_EQ(file_bytes(path_style), "data");
  const HttpResponse listed = send("GET", "/?list-type=2", "", {{"Host", "vhost.s3.localhost"}});
  EXPECT_NE(listed.body.find("<Key>dir/a+b c</Key>"), std::string::npos) << listed.body;
}

TEST_F(S3ServiceTest, MultipartEtagAndRestart) {
  send("PUT", "/mpu");
  const std::vector<std::string> parts = {"first-part", "second"};
  const auto [id, etags] = upload_parts("/mpu/big", parts);
  const std::string complete = "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>" +
                               etags[0] + "</ETag></Part><Part><PartNumber>2</PartNumber><ETag>" +
                               etags[1] + "</ETag></Part></CompleteMultipartUpload>";
  const HttpResponse done = send("POST", "/mpu/big?uploadId=" + id, complete);
  ASSERT_EQ(done.status, 200) << done.body;
  const std::string expected_etag =
      "\"" +
      md5_hex(std::string(reinterpret_cast<const char*>(md5(parts[0]).data()), 16) +
              std::string(reinterpret_cast<const char*>(md5(parts[1]).data()), 16)) +
      "-2\"";
  // XML-escaped, as S3 writes it.
  const std::string escaped =
      "&quot;" + expected_etag.substr(1, expected_etag.size() - 2) + "&quot;";
  EXPECT_NE(done.body.find("<ETag>" + escaped + "</ETag>"), std::string::npos) << done.body;
  service_.reset();
  open_service();
  const HttpResponse got = send("GET", "/mpu/big", "", {{"Range", "bytes=5-12"}});
  EXPECT_EQ(got.status, 206);
  EXPECT_EQ(file_bytes(got), "-partsec");  // "first-part" + "second", bytes 5..12
  EXPECT_EQ(send("GET", "/mpu/big", "", {{"Range", "bytes=99-"}}).status, 416);
  EXPECT_EQ(code_of(send("GET", "/mpu/big?uploadId=" + id)), "NoSuchUpload");
}

// A client that lost the answer to a Complete (a timeout) sends it again: Amazon S3 answers a
// repeat with the same part list with the first answer; with another part list we keep
// NoSuchUpload. The memory of completions survives a restart, as the uploads do.
TEST_F(S3ServiceTest, RepeatedCompleteWithTheSamePartsGetsTheSameAnswer) {
  send("PUT", "/again");
  const std::vector<std::string> parts = {"first-part", "second"};
  const auto [id, etags] = upload_parts("/again/big", parts);
  const auto part_xml = [](int number, const std::string& etag) {
    return "<Part><PartNumber>" + std::to_string(number) + "</PartNumber><ETag>" + etag +
           "</ETag></Part>";
  };
  const std::string both = "<CompleteMultipartUpload>" + part_xml(1, etags[0]) +
                           part_xml(2, etags[1]) + "</CompleteMultipartUpload>";
  const HttpResponse first = send("POST", "/again/big?uploadId=" + id, both);
  ASSERT_EQ(first.status, 200) << first.body;
  ASSERT_NE(first.body.find("<ETag>&quot;"), std::string::npos) << first.body;

  const HttpResponse repeated = send("POST", "/again/big?uploadId=" + id, both);
  EXPECT_EQ(repeated.status, 200) << repeated.body;
  EXPECT_EQ(repeated.body, first.body);
  // The ETags without their quotes name the same parts.
  const std::string unquoted = "<CompleteMultipartUpload>" + part_xml(1, etags[0].substr(1, 32)) +
                               part_xml(2, etags[1].substr(1, 32)) + "</CompleteMultipartUpload>";
  EXPECT_EQ(send("POST", "/again/big?uploadId=" + id, unquoted).body, first.body);

  const std::string only_first =
      "<CompleteMultipartUpload>" + part_xml(1, etags[0]) + "</CompleteMultipartUpload>";
  const HttpResponse other = send("POST", "/again/big?uploadId=" + id, only_first);
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(code_of(other), "NoSuchUpload");
  // The same upload id on another key is another (unknown) upload.
  EXPECT_EQ(code_of(send("POST", "/again/other?uploadId=" + id, both)), "NoSuchUpload");

  service_.reset();
  open_service();
  const HttpResponse after_restart = send("POST", "/again/big?uploadId=" + id, both);
  EXPECT_EQ(after_restart.status, 200) << after_restart.body;
  EXPECT_EQ(after_restart.body, first.body);
  EXPECT_EQ(code_of(send("POST", "/again/big?uploadId=" + id, only_first)), "NoSuchUpload");
  const HttpResponse got = send("GET", "/again/big");
  EXPECT_EQ(file_bytes(got), parts[0] + parts[1]);
}

// A copy is a new single-part object: its ETag is the MD5 of its bytes, also when the source
// was a multipart upload whose ETag is "<md5 of md5s>-N" (compared with moto_server too, in
// test_s3_moto.py).
TEST_F(S3ServiceTest, CopyOfAMultipartObjectGetsTheMd5OfItsBytes) {
  send("PUT", "/cpy");
  const std::vector<std::string> parts = {"first-part", "second"};
  const auto [id, etags] = upload_parts("/cpy/mp", parts);
  std::string complete = "<CompleteMultipartUpload>";
  for (std::size_t i = 0; i < parts.size(); ++i) {
    complete += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" + etags[i] +
                "</ETag></Part>";
  }
  ASSERT_EQ(send("POST", "/cpy/mp?uploadId=" + id, complete + "</CompleteMultipartUpload>").status,
            200);
  const std::string content_md5 = md5_hex(parts[0] + parts[1]);
  const HttpResponse copied = send("PUT", "/cpy/copy", "", {{"x-amz-copy-source", "/cpy/mp"}});
  ASSERT_EQ(copied.status, 200) << copied.body;
  EXPECT_NE(copied.body.find("<ETag>&quot;" + content_md5 + "&quot;</ETag>"), std::string::npos)
      << copied.body;
  const HttpResponse head = send("HEAD", "/cpy/copy");
  bool found = false;
  for (const auto& header : head.headers) {
    if (header.name == "ETag") {
      EXPECT_EQ(header.value, "\"" + content_md5 + "\"");
      found = true;
    }
  }
  EXPECT_TRUE(found);
  ASSERT_EQ(send("PUT", "/cpy/single", "abc").status, 200);
  const HttpResponse single =
      send("PUT", "/cpy/single-copy", "", {{"x-amz-copy-source", "/cpy/single"}});
  EXPECT_NE(single.body.find("<ETag>&quot;" + md5_hex("abc") + "&quot;</ETag>"), std::string::npos);
}

// max-keys=0 asks for nothing: an empty page that is not truncated and has no token.
TEST_F(S3ServiceTest, MaxKeysZeroIsAnEmptyUntruncatedPage) {
  send("PUT", "/mkz");
  send("PUT", "/mkz/a", "1");
  send("PUT", "/mkz/b", "2");
  for (const char* target : {"/mkz?list-type=2&max-keys=0", "/mkz?max-keys=0"}) {
    const HttpResponse listed = send("GET", target);
    ASSERT_EQ(listed.status, 200) << target;
    EXPECT_NE(listed.body.find("<IsTruncated>false</IsTruncated>"), std::string::npos)
        << listed.body;
    EXPECT_EQ(listed.body.find("NextContinuationToken"), std::string::npos) << listed.body;
    EXPECT_EQ(listed.body.find("NextMarker"), std::string::npos) << listed.body;
    EXPECT_EQ(listed.body.find("<Contents>"), std::string::npos) << listed.body;
  }
  EXPECT_NE(send("GET", "/mkz?list-type=2&max-keys=0").body.find("<KeyCount>0</KeyCount>"),
            std::string::npos);
}

// A storage failure (here: the metadata table dropped under the service) is S3's InternalError
// with a 500, not DynamoDB's InternalServerError that the shared SQLite layer speaks.
TEST_F(S3ServiceTest, StorageFailuresAreInternalError) {
  ASSERT_EQ(send("PUT", "/broken").status, 200);
  auto other = dynamodb::SqliteConnection::open((dir_ / "s3" / "meta.sqlite3").string());
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)->exec("DROP TABLE objects").ok());
  const HttpResponse got = send("GET", "/broken/key");
  EXPECT_EQ(got.status, 500);
  EXPECT_EQ(code_of(got), "InternalError") << got.body;
  const HttpResponse put = send("PUT", "/broken/key", "x");
  EXPECT_EQ(put.status, 500);
  EXPECT_EQ(code_of(put), "InternalError") << put.body;
}

}  // namespace
}  // namespace csv2ddb::local::s3
