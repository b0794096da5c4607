#include "local/s3/metadata_text.hpp"

#include <algorithm>
#include <optional>

#include "model/dynamodb_json.hpp"

namespace csv2ddb::local::s3 {
namespace {

bool ascii_equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) {
             return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
           };
           return lower(x) == lower(y);
         });
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// RFC 2047's Q encoding: '_' is a space, =XX a byte.
std::optional<std::string> q_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '_') {
      out.push_back(' ');
    } else if (text[i] == '=') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

// "=?charset?B|Q?text?=" decoded, or nullopt when `word` is not one we decode.
std::optional<std::string> decode_word(std::string_view word) {
  if (!word.starts_with("=?") || !word.ends_with("?=") || word.size() < 8) return std::nullopt;
  const std::string_view inner = word.substr(2, word.size() - 4);
  const auto first = inner.find('?');
  if (first == std::string_view::npos || first + 2 >= inner.size() || inner[first + 2] != '?') {
    return std::nullopt;
  }
  const std::string_view charset = inner.substr(0, first);
  if (!ascii_equal_ignoring_case(charset, "UTF-8") &&
      !ascii_equal_ignoring_case(charset, "US-ASCII")) {
    return std::nullopt;
  }
  const char encoding = inner[first + 1];
  const std::string_view text = inner.substr(first + 3);
  if (encoding == 'B' || encoding == 'b') {
    auto decoded = model::base64_decode(text);
    if (!decoded) return std::nullopt;
    return std::move(*decoded);
  }
  if (encoding == 'Q' || encoding == 'q') return q_decode(text);
  return std::nullopt;
}

}  // namespace

// The end (one past "?=") of the encoded-word that starts at `start` ("=?"), or npos.
std::size_t word_end(std::string_view text, std::size_t start) {
  const auto charset_end = text.find('?', start + 2);
  if (charset_end == std::string_view::npos) return charset_end;
  const auto encoding_end = text.find('?', charset_end + 1);
  if (encoding_end == std::string_view::npos) return encoding_end;
  const auto end = text.find("?=", encoding_end + 1);
  return end == std::string_view::npos ? end : end + 2;
}

std::string stored_metadata_value(std::string_view sent) {
  std::string out;
  std::size_t at = 0;
  std::size_t last_word_end = std::string_view::npos;
  while (at < sent.size()) {
    const auto start = sent.find("=?", at);
    const auto end = start == std::string_view::npos ? start : word_end(sent, start);
    if (end == std::string_view::npos) break;
    const std::optional<std::string> decoded = decode_word(sent.substr(start, end - start));
    if (!decoded) {  // not a word we decode: kept as sent
      out.append(sent.substr(at, start + 2 - at));
      at = start + 2;
      continue;
    }
    const std::string_view between = sent.substr(at, start - at);
    // Whitespace between two encoded-words is not part of the text (RFC 2047, 6.2).
    const bool joins_words =
        last_word_end == at && between.find_first_not_of(" \t") == std::string_view::npos;
    if (!joins_words) out.append(between);
    out += *decoded;
    at = end;
    last_word_end = end;
  }
  if (at < sent.size()) out.append(sent.substr(at));
  return out;
}

std::string returned_metadata_value(std::string_view stored) {
  const bool ascii = std::all_of(stored.begin(), stored.end(),
                                 [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii) return std::string(stored);
  return "=?UTF-8?B?" + model::base64_encode(stored) + "?=";
}

}  // namespace csv2ddb::local::s3
