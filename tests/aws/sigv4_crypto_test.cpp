// SHA-256 and HMAC-SHA256 against published vectors (FIPS 180-2, RFC 4231), the incremental
// hasher against the one-shot one, and the constant-time comparison's answers.
#include <gtest/gtest.h>

#include <string>

#include "aws/crypto.hpp"

namespace csv2ddb::aws {
namespace {

TEST(Sha256, MatchesPublishedVectors) {
  EXPECT_EQ(sha256_hex(""), kEmptySha256Hex);
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256Hasher, PiecesGiveTheSameDigestAsOneShot) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data += static_cast<char>('a' + i % 26);
  for (std::size_t piece : {1u, 2u, 3u, 7u, 64u, 65u, 1000u}) {
    SCOPED_TRACE(piece);
    Sha256Hasher hasher;
    for (std::size_t at = 0; at < data.size(); at += piece) {
      hasher.update(std::string_view(data).substr(at, piece));
    }
    EXPECT_EQ(hasher.finish_hex(), sha256_hex(data));
  }
}

TEST(Sha256Hasher, StartsOverAfterFinishAndMoves) {
  Sha256Hasher hasher;
  hasher.update("junk");
  (void)hasher.finish();
  hasher.update("ab");
  Sha256Hasher moved = std::move(hasher);
  moved.update("c");
  EXPECT_EQ(moved.finish_hex(), sha256_hex("abc"));
  EXPECT_EQ(moved.finish_hex(), kEmptySha256Hex);
}

TEST(HmacSha256, MatchesRfc4231) {
  // Test case 2.
  EXPECT_EQ(hex_encode(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 6: a key longer than the block size is hashed first.
  const std::string long_key(131, '\xaa');
  EXPECT_EQ(
      hex_encode(hmac_sha256(long_key, "Test Using Larger Than Block-Size Key - Hash Key First")),
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  // An empty key is valid HMAC.
  EXPECT_EQ(hex_encode(hmac_sha256("", "")),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(Hex, EncodesLowerCaseTwoDigitsPerByte) {
  const std::uint8_t bytes[] = {0x00, 0x0f, 0xa0, 0xff};
  EXPECT_EQ(hex_encode(bytes), "000fa0ff");
  EXPECT_EQ(hex_encode({}), "");
}

TEST(ConstantTimeEquals, ComparesBytes) {
  EXPECT_TRUE(constant_time_equals("", ""));
  EXPECT_TRUE(constant_time_equals("abc", "abc"));
  EXPECT_FALSE(constant_time_equals("abc", "abd"));
  EXPECT_FALSE(constant_time_equals("abc", "Abc"));
  EXPECT_FALSE(constant_time_equals("abc", "abcd"));
  EXPECT_FALSE(constant_time_equals(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
}

}  // namespace
}  // namespace csv2ddb::aws
