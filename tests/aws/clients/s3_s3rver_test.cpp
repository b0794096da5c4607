// The S3 client, object store and object source against s3rver, an independent S3
// implementation (it knows the access key S3RVER; it checks key ids, not SigV4 signatures), and
// cross-checked with awscli v2 in both directions.
#include <gtest/gtest.h>

#include <fstream>

#include "adapters/s3_object_source.hpp"
#include "adapters/s3_output_store.hpp"
#include "aws/crypto.hpp"
#include "aws/s3_client.hpp"
#include "test_servers.hpp"

namespace csv2ddb::aws {
namespace {

using adapters::kDefaultS3PartSize;
using adapters::kMinS3PartSize;
using adapters::open_s3_source;
using adapters::S3ObjectSource;
using adapters::S3OutputStore;

constexpr const char* kBucket = "csv-bucket";

// Keys S3 clients get wrong most often: spaces, '+', '%', non-ASCII, characters to encode.
const std::vector<std::string>& odd_keys() {
  static const std::vector<std::string> keys = {
      "plain.csv",        "with space/a b.csv",    "plus+sign.csv", "percent%20literal.csv",
      "ünïcødé/東京.csv", "semi;colon=eq&amp.csv", "tilde~_-.csv",  "deep/a/b/c/d.csv"};
  return keys;
}

std::string s3_url(const std::string& key) {
  return std::string("s3://") + kBucket + "/" + key;
}

class S3rverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    server_ = testing::start_s3rver(data_.path(), &why);
    if (!server_) GTEST_SKIP() << why;
    testing::TestCallerOptions options;
    options.access_key = "S3RVER";
    options.secret_key = "S3RVER";
    client_ = std::make_shared<S3Client>(
        testing::make_test_caller("s3", ErrorDialect::kS3Xml, server_->url(), options));
    ASSERT_TRUE(client_->create_bucket(kBucket));
  }

  std::string get_whole(const std::string& key, const GetObjectOptions& options = {}) {
    std::string body;
    auto info = client_->get_object(kBucket, key, options, [&](std::string_view chunk) {
      body.append(chunk);
      return Status{};
    });
    EXPECT_TRUE(info) << info.error().to_string();
    return body;
  }

  // awscli v2 with path-style addressing (s3rver serves no bucket subdomains on 127.0.0.1).
  testing::CommandResult awscli(std::vector<std::string> args) {
    const std::string config = scratch_.path() + "/aws-config";
    // The multipart settings are awscli's defaults, written out: objects over 8 MB go up in
    // 8 MB parts.
    std::ofstream(config) << "[default]\ns3 =\n  addressing_style = path\n"
                             "  multipart_threshold = 8MB\n  multipart_chunksize = 8MB\n";
    auto env = testing::awscli_env("S3RVER", "S3RVER");
    env["AWS_CONFIG_FILE"] = config;
    args.insert(args.begin(), testing::awscli_path());
    args.push_back("--endpoint-url");
    args.push_back(server_->url());
    return testing::run_command(args, env);
  }

  testing::TempDir data_;
  testing::TempDir scratch_;
  std::unique_ptr<testing::ChildServer> server_;
  std::shared_ptr<S3Client> client_;
};

TEST_F(S3rverTest, PutHeadGetRangeDelete) {
  const std::string body = "account,offer_id\nA1,O1\nA2,O2\n";
  auto etag = client_->put_object(kBucket, "in/data.csv", body, "text/csv");
  ASSERT_TRUE(etag) << etag.error().to_string();
  // A quoted MD5, as S3 sends it.
  ASSERT_EQ(etag->size(), 34u) << *etag;
  EXPECT_EQ(etag->front(), '"');
  EXPECT_EQ(etag->back(), '"');

  auto head = client_->head_object(kBucket, "in/data.csv");
  ASSERT_TRUE(head) << head.error().to_string();
  EXPECT_EQ(head->size, body.size());
  EXPECT_EQ(head->etag, *etag);
  EXPECT_FALSE(head->last_modified.empty());
  EXPECT_EQ(head->content_type, "text/csv");

  EXPECT_EQ(get_whole("in/data.csv"), body);
  GetObjectOptions range;
  range.range = std::make_pair(std::uint64_t{17}, std::uint64_t{21});
  EXPECT_EQ(get_whole("in/data.csv", range), "A1,O1");

  ASSERT_TRUE(client_->delete_object(kBucket, "in/data.csv"));
  auto gone = client_->head_object(kBucket, "in/data.csv");
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, "NotFound");
  std::string ignored;
  auto missing = client_->get_object(kBucket, "in/data.csv", {}, [&](std::string_view c) {
    ignored.append(c);
    return Status{};
  });
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "NoSuchKey");
  EXPECT_NE(missing.error().message.find("The specified key does not exist."), std::string::npos)
      << missing.error().message;
}

TEST_F(S3rverTest, OddKeysRoundTripAndListWithPagination) {
  for (const std::string& key : odd_keys()) {
    ASSERT_TRUE(client_->put_object(kBucket, key, "body of " + key)) << key;
  }
  for (int i = 0; i < 17; ++i) {
    ASSERT_TRUE(client_->put_object(kBucket, "many/" + std::to_string(100 + i), "x"));
  }
  for (const std::string& key : odd_keys()) EXPECT_EQ(get_whole(key), "body of " + key) << key;

  // 17 keys under many/ with max-keys 5: four pages, continuation tokens in between.
  std::vector<std::string> listed;
  std::string token;
  int pages = 0;
  do {
    auto page = client_->list_objects_v2(kBucket, "many/", token, 5);
    ASSERT_TRUE(page) << page.error().to_string();
    for (const ListedObject& object : page->objects) listed.push_back(object.key);
    token = page->next_continuation_token;
    ++pages;
  } while (!token.empty());
  EXPECT_EQ(pages, 4);
  ASSERT_EQ(listed.size(), 17u);
  EXPECT_EQ(listed.front(), "many/100");
  EXPECT_EQ(listed.back(), "many/116");

  auto everything = client_->list_all(kBucket, "");
  ASSERT_TRUE(everything);
  std::vector<std::string> keys;
  for (const ListedObject& object : *everything) keys.push_back(object.key);
  for (const std::string& key : odd_keys()) {
    EXPECT_NE(std::find(keys.begin(), keys.end(), key), keys.end()) << key;
  }
  EXPECT_EQ(keys.size(), odd_keys().size() + 17);

  auto with_space = client_->list_all(kBucket, "with space/");
  ASSERT_TRUE(with_space);
  ASSERT_EQ(with_space->size(), 1u);
  EXPECT_EQ((*with_space)[0].key, "with space/a b.csv");
  EXPECT_EQ((*with_space)[0].size, std::string("body of with space/a b.csv").size());
}

TEST_F(S3rverTest, AwsCliReadsWhatWeWroteAndWeReadWhatItWrote) {
  if (testing::awscli_path().empty()) GTEST_SKIP() << "awscli v2 (/usr/bin/aws) is not installed";
  const std::string bytes = std::string("binary\x00\xff\r\n", 10) + "ünïcødé";
  for (const std::string& key : odd_keys()) {
    ASSERT_TRUE(client_->put_object(kBucket, key, bytes + key));
    const std::string local = scratch_.path() + "/down";
    auto copied = awscli({"s3api", "get-object", "--bucket", kBucket, "--key", key, local});
    ASSERT_EQ(copied.exit_code, 0) << key << ": " << copied.err;
    std::ifstream in(local, std::ios::binary);
    const std::string read_back((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(read_back, bytes + key) << key;

    const std::string upload = scratch_.path() + "/up";
    std::ofstream(upload, std::ios::binary) << "from awscli " << bytes << key;
    const std::string their_key = "awscli/" + key;
    auto put =
        awscli({"s3api", "put-object", "--bucket", kBucket, "--key", their_key, "--body", upload});
    ASSERT_EQ(put.exit_code, 0) << key << ": " << put.err;
    EXPECT_EQ(get_whole(their_key), "from awscli " + bytes + key) << key;
  }
  auto cp = awscli({"s3", "ls", std::string("s3://") + kBucket + "/awscli/", "--recursive"});
  ASSERT_EQ(cp.exit_code, 0) << cp.err;
  auto ours = client_->list_all(kBucket, "awscli/");
  ASSERT_TRUE(ours);
  EXPECT_EQ(ours->size(), odd_keys().size());
}

// Over 100 MB both ways: our multipart upload read back by awscli (whole and by range, across a
// part boundary), and awscli's own multipart upload streamed back through S3ObjectSource.
TEST_F(S3rverTest, MultipartObjectsOver100MBCrossWithAwsCliBothWays) {
  // Generate 101 MiB of pseudo-random bytes on disk, hashing as we go; never held whole.
  constexpr std::size_t kChunk = 1024 * 1024;
  constexpr int kChunks = 101;
  const std::string path = scratch_.path() + "/big.bin";
  Sha256Hasher expected_hash;
  {
    std::ofstream out(path, std::ios::binary);
    std::string chunk(kChunk, '\0');
    std::uint64_t state = 0x9E3779B97F4A7C15ull;
    for (int c = 0; c < kChunks; ++c) {
      for (char& byte : chunk) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        byte = static_cast<char>(state & 0xff);
      }
      expected_hash.update(chunk);
      out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    }
  }
  const std::string expected = expected_hash.finish_hex();

  S3OutputStore store(client_, kBucket, "big");
  auto writer = store.create("object.bin", "application/octet-stream");
  ASSERT_TRUE(writer);
  {
    std::ifstream in(path, std::ios::binary);
    std::string chunk(kChunk, '\0');
    while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
      ASSERT_TRUE(
          (*writer)->write(std::string_view(chunk.data(), static_cast<std::size_t>(in.gcount()))));
    }
  }
  ASSERT_TRUE((*writer)->commit());

  auto head = client_->head_object(kBucket, "big/object.bin");
  ASSERT_TRUE(head) << head.error().to_string();
  EXPECT_EQ(head->size, kChunk * kChunks);
  // (s3rver's ETag for a multipart object is the MD5 of the whole, not S3's "<md5>-13".)

  // Read back through the bounded-memory source (8 MiB ranges with If-Match).
  auto source = S3ObjectSource::open(client_, kBucket, "big/object.bin");
  ASSERT_TRUE(source) << source.error().to_string();
  Sha256Hasher read_hash;
  std::string buffer(256 * 1024, '\0');
  std::uint64_t total = 0;
  while (true) {
    auto n = (*source)->read(buffer.data(), buffer.size());
    ASSERT_TRUE(n) << n.error().to_string();
    if (*n == 0) break;
    total += *n;
    read_hash.update(std::string_view(buffer.data(), *n));
  }
  EXPECT_EQ(total, kChunk * kChunks);
  EXPECT_EQ(read_hash.finish_hex(), expected);

  if (!testing::awscli_path().empty()) {
    const std::string downloaded = scratch_.path() + "/downloaded.bin";
    auto cp = awscli({"s3", "cp", std::string("s3://") + kBucket + "/big/object.bin", downloaded});
    ASSERT_EQ(cp.exit_code, 0) << cp.err;
    auto sum = testing::run_command({"/usr/bin/sha256sum", downloaded});
    ASSERT_EQ(sum.exit_code, 0);
    EXPECT_EQ(sum.out.substr(0, 64), expected);

    // A range read by awscli of what we wrote, straddling our first part's end (8 MiB).
    constexpr std::uint64_t kFirst = kDefaultS3PartSize - 1000;
    constexpr std::uint64_t kLast = kDefaultS3PartSize + 2999;
    const std::string ranged = scratch_.path() + "/ranged.bin";
    auto range =
        awscli({"s3api", "get-object", "--bucket", kBucket, "--key", "big/object.bin", "--range",
                "bytes=" + std::to_string(kFirst) + "-" + std::to_string(kLast), ranged});
    ASSERT_EQ(range.exit_code, 0) << range.err;
    EXPECT_NE(range.out.find("\"ContentRange\": \"bytes " + std::to_string(kFirst) + "-" +
                             std::to_string(kLast) + "/" + std::to_string(kChunk * kChunks)),
              std::string::npos)
        << range.out;
    std::ifstream whole(path, std::ios::binary);
    whole.seekg(static_cast<std::streamoff>(kFirst));
    std::string slice(kLast - kFirst + 1, '\0');
    whole.read(slice.data(), static_cast<std::streamsize>(slice.size()));
    std::ifstream got(ranged, std::ios::binary);
    const std::string got_bytes((std::istreambuf_iterator<char>(got)), {});
    EXPECT_TRUE(got_bytes == slice) << "the range differs (" << got_bytes.size() << " bytes)";

    // awscli's multipart upload of the same file (13 parts of 8 MB), read back by our source.
    const std::string their_key = "awscli/big upload+é.bin";
    auto up = awscli({"s3", "cp", path, std::string("s3://") + kBucket + "/" + their_key});
    ASSERT_EQ(up.exit_code, 0) << up.err;
    auto theirs = S3ObjectSource::open(client_, kBucket, their_key);
    ASSERT_TRUE(theirs) << theirs.error().to_string();
    Sha256Hasher their_hash;
    std::uint64_t their_total = 0;
    while (true) {
      auto n = (*theirs)->read(buffer.data(), buffer.size());
      ASSERT_TRUE(n) << n.error().to_string();
      if (*n == 0) break;
      their_total += *n;
      their_hash.update(std::string_view(buffer.data(), *n));
    }
    EXPECT_EQ(their_total, kChunk * kChunks);
    EXPECT_EQ(their_hash.finish_hex(), expected);
  }
}

TEST_F(S3rverTest, ObjectStoreCommitsSmallObjectsWithOnePutAndAbortLeavesNothing) {
  S3OutputStore store(client_, kBucket, "out");
  EXPECT_EQ(store.locate("json-copy/a.json"), s3_url("out/json-copy/a.json"));
  {
    auto writer = store.create("json-copy/a.json", "application/json");
    ASSERT_TRUE(writer);
    ASSERT_TRUE((*writer)->write("{\"data\":["));
    ASSERT_TRUE((*writer)->write("]}"));
    ASSERT_TRUE((*writer)->commit());
  }
  EXPECT_EQ(get_whole("out/json-copy/a.json"), "{\"data\":[]}");
  {
    // Abort after a part went up (multipart started) and before: neither leaves an object.
    auto big = store.create("aborted-big.json", "application/json");
    ASSERT_TRUE(big);
    ASSERT_TRUE((*big)->write(std::string(kMinS3PartSize + 10, 'x')));
    (*big)->abort();
    auto small = store.create("aborted-small.json", "application/json");
    ASSERT_TRUE(small);
    ASSERT_TRUE((*small)->write("abc"));
    // destroyed uncommitted
  }
  EXPECT_EQ(client_->head_object(kBucket, "out/aborted-big.json").error().code, "NotFound");
  EXPECT_EQ(client_->head_object(kBucket, "out/aborted-small.json").error().code, "NotFound");
  ASSERT_TRUE(store.remove("json-copy/a.json"));
  EXPECT_EQ(client_->head_object(kBucket, "out/json-copy/a.json").error().code, "NotFound");
}

TEST_F(S3rverTest, ObjectSourceReadsInSmallRangesAcrossChunkBoundaries) {
  std::string body;
  for (int i = 0; i < 1000; ++i) body += "row," + std::to_string(i) + "\n";
  ASSERT_TRUE(client_->put_object(kBucket, "in/rows.csv", body));
  // Not 1: s3rver answers "bytes=0-0" with the whole object (it reads end 0 as absent), which
  // S3ObjectSource rightly refuses as more than the range asked.
  for (std::size_t chunk : {2u, 7u, 4096u, 1u << 20}) {
    SCOPED_TRACE(chunk);
    auto source = S3ObjectSource::open(client_, kBucket, "in/rows.csv", chunk);
    ASSERT_TRUE(source);
    EXPECT_EQ((*source)->name(), s3_url("in/rows.csv"));
    std::string read;
    char buffer[3000];
    while (true) {
      auto n = (*source)->read(buffer, sizeof buffer);
      ASSERT_TRUE(n) << n.error().to_string();
      if (*n == 0) break;
      read.append(buffer, *n);
      if (chunk == 2 && read.size() > 64) break;  // two bytes per GET: enough to show it works
    }
    if (chunk != 2) {
      EXPECT_EQ(read, body);
    } else {
      EXPECT_EQ(read, body.substr(0, read.size()));
    }
  }
  // HEAD's bare 404 says nothing; the source asks again with a GET for S3's own words.
  auto missing = open_s3_source(client_, s3_url("in/none.csv"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "NoSuchKey");
  EXPECT_NE(missing.error().message.find("cannot read s3://csv-bucket/in/none.csv: s3 GetObject"),
            std::string::npos)
      << missing.error().message;
  EXPECT_NE(missing.error().message.find("The specified key does not exist."), std::string::npos)
      << missing.error().message;
  auto no_bucket = open_s3_source(client_, "s3://no-such-bucket/in/rows.csv");
  ASSERT_FALSE(no_bucket);
  EXPECT_EQ(no_bucket.error().code, "NoSuchBucket");
}

// s3rver checks that the access key id exists but does not verify SigV4 signatures (its source
// says so), so a wrong secret passes here; the e2e suite proves SignatureDoesNotMatch against
// moto_server, which does verify them.
TEST_F(S3rverTest, AnUnknownAccessKeySurfacesAsInvalidAccessKeyId) {
  testing::TestCallerOptions options;
  options.access_key = "AKIDNOTKNOWNHERE";
  options.secret_key = "not-the-secret-0123456789";
  auto wrong = std::make_shared<S3Client>(
      testing::make_test_caller("s3", ErrorDialect::kS3Xml, server_->url(), options));
  auto put = wrong->put_object(kBucket, "in/x.csv", "a\n");
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().code, "InvalidAccessKeyId");
  EXPECT_NE(put.error().message.find(
                "The AWS Access Key Id you provided does not exist in our records. (HTTP 403"),
            std::string::npos)
      << put.error().message;
  EXPECT_EQ(put.error().message.find("not-the-secret"), std::string::npos);

  // Reading: HEAD's 403 has no body, yet the source names S3's reason too.
  ASSERT_TRUE(client_->put_object(kBucket, "in/x.csv", "a\n"));
  auto head = wrong->head_object(kBucket, "in/x.csv");
  ASSERT_FALSE(head);
  EXPECT_EQ(head.error().code, "Forbidden");
  auto source = open_s3_source(wrong, s3_url("in/x.csv"));
  ASSERT_FALSE(source);
  EXPECT_EQ(source.error().code, "InvalidAccessKeyId");
  EXPECT_NE(source.error().message.find("cannot read s3://csv-bucket/in/x.csv: s3 GetObject"),
            std::string::npos)
      << source.error().message;
  EXPECT_EQ(source.error().message.find("not-the-secret"), std::string::npos);
}

TEST(S3Url, ParsesBucketAndKey) {
  auto url = parse_s3_url("s3://bucket/dir/file name.csv");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->bucket, "bucket");
  EXPECT_EQ(url->key, "dir/file name.csv");
  auto bucket_only = parse_s3_url("s3://bucket");
  ASSERT_TRUE(bucket_only);
  EXPECT_EQ(bucket_only->key, "");
  EXPECT_EQ(parse_s3_url("http://bucket/key").error().code, "InvalidS3Url");
  EXPECT_EQ(parse_s3_url("s3:///key").error().code, "InvalidS3Url");
}

}  // namespace
}  // namespace csv2ddb::aws
