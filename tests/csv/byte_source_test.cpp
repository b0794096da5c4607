// Byte sources: memory chunking, files, and the gzip/zstd stages in front of the reader.
// Compressed fixtures are made here with the zlib and zstd APIs.
#include "csv/byte_source.hpp"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "csv/reader.hpp"
#include "csv_test_support.hpp"

namespace csv2ddb::csv {
namespace {

using testing::kDefaultSize;

std::string gzip(const std::string& plain) {
  z_stream stream{};
  EXPECT_EQ(deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
            Z_OK);
  std::string out(deflateBound(&stream, static_cast<uLong>(plain.size())) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  stream.avail_in = static_cast<uInt>(plain.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

std::string zstd(const std::string& plain) {
  std::string out(ZSTD_compressBound(plain.size()), '\0');
  const std::size_t n = ZSTD_compress(out.data(), out.size(), plain.data(), plain.size(), 3);
  EXPECT_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

// Reads a source to its end with reads of at most `capacity` bytes.
Result<std::string> drain(ByteSource& source, std::size_t capacity) {
  std::string all;
  std::string chunk(capacity, '\0');
  for (;;) {
    auto n = source.read(chunk.data(), chunk.size());
    if (!n) return n.take_error();
    if (*n == 0) return all;
    EXPECT_LE(*n, capacity);
    all.append(chunk.data(), *n);
  }
}

// Decompresses `bytes` at every chunk and read size and checks the text is always the same.
Result<std::string> decompress_all_sizes(const std::string& bytes) {
  std::optional<Result<std::string>> first;
  for (std::size_t chunk : testing::hostile_sizes()) {
    for (std::size_t capacity : {std::size_t{1}, std::size_t{7}, std::size_t{65536}}) {
      auto source = open_decompressed(make_memory_source(bytes, "data.csv.gz", chunk));
      if (!source) return source.take_error();
      auto text = drain(**source, capacity);
      if (!first) {
        first = text;
      } else if (first->ok() != text.ok()) {
        ADD_FAILURE() << "chunk " << chunk << ", capacity " << capacity << " differs";
      } else if (text.ok()) {
        EXPECT_EQ(*text, first->value()) << "chunk " << chunk << ", capacity " << capacity;
      } else {
        EXPECT_EQ(text.error().message, first->error().message);
      }
    }
  }
  return *first;
}

const std::string kSample =
    "account,offer_id,risk\r\n00000001,000000000001,high\r\n\"0000,2\",\"x\ny\",low\r\n";

TEST(MemorySourceTest, ChunkCapsEachRead) {
  auto source = make_memory_source("abcdefg", "m", 3);
  char buffer[16];
  EXPECT_EQ(source->read(buffer, sizeof buffer).value(), 3u);
  EXPECT_EQ(source->read(buffer, 2).value(), 2u);
  EXPECT_EQ(source->read(buffer, sizeof buffer).value(), 2u);
  EXPECT_EQ(std::string(buffer, 2), "fg");
  EXPECT_EQ(source->read(buffer, sizeof buffer).value(), 0u);
  EXPECT_EQ(source->name(), "m");
}

TEST(FileSourceTest, ReadsAFileAndNamesMissingOnes) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("csv2ddb_file_source_" + std::to_string(::getpid()) + ".csv");
  std::ofstream(path, std::ios::binary) << kSample;
  auto source = open_file_source(path.string());
  ASSERT_TRUE(source.ok()) << source.error().to_string();
  EXPECT_EQ(drain(**source, 5).value(), kSample);
  EXPECT_EQ((*source)->name(), path.string());
  std::filesystem::remove(path);

  auto missing = open_file_source(path.string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "FileNotFound");
  EXPECT_EQ(missing.error().message, path.string() + ": cannot open: No such file or directory");
}

TEST(FileSourceTest, DashReadsStandardInput) {
  // Put a pipe holding a small gzip file on stdin for the duration of the test.
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  const std::string compressed = gzip(kSample);
  ASSERT_EQ(::write(pipe_fds[1], compressed.data(), compressed.size()),
            static_cast<ssize_t>(compressed.size()));
  ::close(pipe_fds[1]);
  const int saved_stdin = ::dup(STDIN_FILENO);
  ASSERT_GE(saved_stdin, 0);
  ASSERT_EQ(::dup2(pipe_fds[0], STDIN_FILENO), STDIN_FILENO);
  ::close(pipe_fds[0]);

  auto source = open_input("-");
  std::string text;
  if (source.ok()) text = drain(**source, 3).value();
  ::dup2(saved_stdin, STDIN_FILENO);
  ::close(saved_stdin);

  ASSERT_TRUE(source.ok()) << source.error().to_string();
  EXPECT_EQ((*source)->name(), "-");
  EXPECT_EQ(text, kSample);
}

TEST(FileSourceTest, OpenInputDecompressesGzipFiles) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("csv2ddb_open_input_" + std::to_string(::getpid()) + ".csv.gz");
  std::ofstream(path, std::ios::binary) << gzip(kSample);
  auto source = open_input(path.string());
  ASSERT_TRUE(source.ok()) << source.error().to_string();
  EXPECT_EQ(drain(**source, 4096).value(), kSample);
  std::filesystem::remove(path);
}

TEST(DecompressTest, PlainInputPassesThroughWithSniffedBytesReplayed) {
  EXPECT_EQ(decompress_all_sizes(kSample).value(), kSample);
  EXPECT_EQ(decompress_all_sizes("").value(), "");
  EXPECT_EQ(decompress_all_sizes("\x1f").value(), "\x1f");
  EXPECT_EQ(decompress_all_sizes("\x28\xb5\x2f").value(), "\x28\xb5\x2f");
}

TEST(DecompressTest, Gzip) {
  EXPECT_EQ(decompress_all_sizes(gzip(kSample)).value(), kSample);
}

TEST(DecompressTest, GzipOfEmptyText) {
  EXPECT_EQ(decompress_all_sizes(gzip("")).value(), "");
}

TEST(DecompressTest, MultiMemberGzip) {
  EXPECT_EQ(decompress_all_sizes(gzip("a,b\n") + gzip("") + gzip("c,d\n")).value(), "a,b\nc,d\n");
}

TEST(DecompressTest, TruncatedGzipIsAnError) {
  const std::string whole = gzip(kSample);
  for (std::size_t keep : {std::size_t{2}, std::size_t{10}, whole.size() / 2, whole.size() - 1}) {
    auto text = decompress_all_sizes(whole.substr(0, keep));
    ASSERT_FALSE(text.ok()) << keep;
    EXPECT_EQ(text.error().code, "TruncatedInput");
    EXPECT_EQ(text.error().message, "data.csv.gz: gzip stream is truncated");
  }
  // A second member cut short is truncated too.
  auto second = decompress_all_sizes(whole + whole.substr(0, 12));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().message, "data.csv.gz: gzip stream is truncated");
}

TEST(DecompressTest, CorruptGzipIsAnError) {
  std::string damaged = gzip(kSample);
  damaged[damaged.size() - 6] ^= 0x55;  // inside the CRC-32 trailer
  auto text = decompress_all_sizes(damaged);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.error().code, "CorruptInput");
  EXPECT_EQ(text.error().message, "data.csv.gz: gzip stream is corrupt: incorrect data check");

  auto trailing = decompress_all_sizes(gzip(kSample) + "junk");
  ASSERT_FALSE(trailing.ok());
  EXPECT_EQ(trailing.error().code, "CorruptInput");
}

TEST(DecompressTest, Zstd) {
  EXPECT_EQ(decompress_all_sizes(zstd(kSample)).value(), kSample);
}

TEST(DecompressTest, MultiFrameZstd) {
  EXPECT_EQ(decompress_all_sizes(zstd("a,b\n") + zstd("") + zstd("c,d\n")).value(), "a,b\nc,d\n");
}

TEST(DecompressTest, TruncatedZstdIsAnError) {
  const std::string whole = zstd(kSample);
  for (std::size_t keep : {std::size_t{4}, std::size_t{6}, whole.size() - 1}) {
    auto text = decompress_all_sizes(whole.substr(0, keep));
    ASSERT_FALSE(text.ok()) << keep;
    EXPECT_EQ(text.error().code, "TruncatedInput");
    EXPECT_EQ(text.error().message, "data.csv.gz: zstd stream is truncated");
  }
}

TEST(DecompressTest, CorruptZstdIsAnError) {
  std::string damaged = zstd(kSample);
  damaged[4] = static_cast<char>(0xff);  // frame header descriptor with reserved bit set
  auto text = decompress_all_sizes(damaged);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.error().code, "CorruptInput");
  EXPECT_EQ(text.error().message.rfind("data.csv.gz: zstd stream is corrupt: ", 0), 0u);
}

// The reader over a compressed source gives exactly the records of the plain text, offsets
// counted in the decompressed stream.
TEST(DecompressTest, ReaderOverCompressedInput) {
  const auto plain = testing::read_all(kSample);
  ASSERT_EQ(plain.size(), 3u);
  for (const std::string& compressed : {gzip(kSample), zstd(kSample)}) {
    for (std::size_t size : testing::hostile_sizes()) {
      ReaderOptions options;
      if (size != kDefaultSize) options.buffer_size = size;
      auto source = open_decompressed(make_memory_source(compressed, "c", size));
      ASSERT_TRUE(source.ok());
      CsvReader reader(std::move(*source), options);
      EXPECT_EQ(testing::read_records(reader), plain) << size;
    }
  }
}

TEST(DecompressTest, ReaderReportsSourceErrors) {
  const std::string whole = gzip(kSample);
  auto source = open_decompressed(make_memory_source(whole.substr(0, whole.size() - 3), "t.gz"));
  ASSERT_TRUE(source.ok());
  CsvReader reader(std::move(*source));
  Record record;
  Result<bool> more = true;
  while (more.ok() && *more) more = reader.next(record);
  ASSERT_FALSE(more.ok());
  EXPECT_EQ(more.error().message, "t.gz: gzip stream is truncated");
}

}  // namespace
}  // namespace csv2ddb::csv
