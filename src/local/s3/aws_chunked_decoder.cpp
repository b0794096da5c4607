#include "local/s3/aws_chunked_decoder.hpp"

#include <algorithm>

namespace csv2ddb::local::s3 {
namespace {

constexpr std::size_t kMaxLineBytes = 4096;

Error framing_error(std::string_view what) {
  return make_error("InvalidRequest", "Malformed aws-chunked body: " + std::string(what));
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// "400;chunk-signature=<64 hex>": the signature extension's value, or "" when absent.
std::string chunk_signature_of(std::string_view size_line) {
  constexpr std::string_view kName = "chunk-signature=";
  std::size_t at = size_line.find(';');
  while (at != std::string_view::npos) {
    const std::size_t next = size_line.find(';', at + 1);
    const std::string_view one = trim(size_line.substr(
        at + 1, next == std::string_view::npos ? std::string_view::npos : next - at - 1));
    if (one.starts_with(kName)) return std::string(one.substr(kName.size()));
    at = next;
  }
  return "";
}

}  // namespace

Status AwsChunkedDecoder::end_of_line(std::string_view line) {
  if (state_ == State::kSizeLine) {
    const std::string_view size_text = line.substr(0, line.find(';'));
    if (size_text.empty() || size_text.size() > 15) return framing_error("bad chunk size");
    std::uint64_t size = 0;
    for (char c : size_text) {
      std::uint64_t digit = 0;
      if (c >= '0' && c <= '9') {
        digit = static_cast<std::uint64_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        digit = static_cast<std::uint64_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        digit = static_cast<std::uint64_t>(c - 'A' + 10);
      } else {
        return framing_error("bad chunk size");
      }
      size = size * 16 + digit;
    }
    remaining_ = size;
    state_ = size == 0 ? State::kTrailer : State::kData;
    if (signatures_ != nullptr) {
      chunk_signature_ = chunk_signature_of(line);
      // The final, empty chunk is signed too: it ends the chain of data chunks.
      if (size == 0) return signatures_->verify_chunk(chunk_signature_, aws::kEmptySha256Hex);
    }
    return {};
  }
  // A trailer line, or the empty line that ends the body.
  if (line.empty()) {
    state_ = State::kDone;
    return {};
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return framing_error("bad trailer");
  if (trailers_.size() >= 16) return framing_error("too many trailers");
  trailers_.push_back(
      {std::string(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1)))});
  return {};
}

Status AwsChunkedDecoder::feed(std::string_view piece) {
  while (!piece.empty()) {
    switch (state_) {
      case State::kData: {
        const auto take =
            static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, piece.size()));
        if (Status s = sink_(piece.substr(0, take)); !s) return s;
        if (signatures_ != nullptr) chunk_hash_.update(piece.substr(0, take));
        payload_bytes_ += take;
        remaining_ -= take;
        piece.remove_prefix(take);
        if (remaining_ == 0) {
          state_ = State::kDataEnd;
          if (signatures_ != nullptr) {
            if (Status s = signatures_->verify_chunk(chunk_signature_, chunk_hash_.finish_hex());
                !s) {
              return s;
            }
          }
        }
        break;
      }
      case State::kDataEnd:
      case State::kSizeLine:
      case State::kTrailer: {
        const auto newline = piece.find('\n');
        const std::string_view part = piece.substr(0, newline);
        if (line_.size() + part.size() > kMaxLineBytes) return framing_error("line too long");
        line_.append(part);
        if (newline == std::string_view::npos) return {};
        piece.remove_prefix(newline + 1);
        if (line_.empty() || line_.back() != '\r') return framing_error("line without CRLF");
        line_.pop_back();
        if (state_ == State::kDataEnd) {
          if (!line_.empty()) return framing_error("chunk longer than its size");
          state_ = State::kSizeLine;
        } else if (Status s = end_of_line(line_); !s) {
          return s;
        }
        line_.clear();
        break;
      }
      case State::kDone:
        return framing_error("bytes after the final chunk");
    }
  }
  return {};
}

Status AwsChunkedDecoder::finish() {
  // Some clients end the body right after the last trailer line without the empty line.
  if (state_ == State::kDone || (state_ == State::kTrailer && line_.empty())) {
    if (signatures_ == nullptr || !signatures_->has_trailer()) return {};
    if (Status s = signatures_->verify_trailer(trailers_); !s) return s;
    // The signature has done its job; what follows reads only the checksum fields.
    std::erase_if(trailers_, [](const aws::Header& field) {
      return aws::header_name_equals(field.name, kTrailerSignatureName);
    });
    return {};
  }
  return make_error("IncompleteBody",
                    "You did not provide the number of bytes specified by the Content-Length "
                    "HTTP header");
}

}  // namespace csv2ddb::local::s3
