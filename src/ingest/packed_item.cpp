#include "ingest/packed_item.hpp"

#include <algorithm>
#include <cstdint>

namespace csv2ddb::ingest {
namespace {

// Lengths and counts as LEB128 varints: one byte for anything under 128.
void put_size(std::string& out, std::size_t n) {
  while (n >= 0x80) {
    out.push_back(static_cast<char>((n & 0x7f) | 0x80));
    n >>= 7;
  }
  out.push_back(static_cast<char>(n));
}

void put_bytes(std::string& out, std::string_view bytes) {
  put_size(out, bytes.size());
  out.append(bytes);
}

void put_value(std::string& out, const model::AttributeValue& value) {
  using model::AttributeType;
  out.push_back(static_cast<char>(value.type));
  switch (value.type) {
    case AttributeType::kS:
    case AttributeType::kN:
    case AttributeType::kB:
      put_bytes(out, value.text);
      break;
    case AttributeType::kBool:
    case AttributeType::kNull:
      out.push_back(value.boolean ? '\1' : '\0');
      break;
    case AttributeType::kSS:
    case AttributeType::kNS:
    case AttributeType::kBS:
      put_size(out, value.set.size());
      for (const std::string& member : value.set) put_bytes(out, member);
      break;
    case AttributeType::kL:
      put_size(out, value.list.size());
      for (const model::AttributeValue& element : value.list) put_value(out, element);
      break;
    case AttributeType::kM:
      put_size(out, value.map.size());
      for (const auto& [name, element] : value.map) {
        put_bytes(out, name);
        put_value(out, element);
      }
      break;
  }
}

// Reads what the functions above wrote; the input is always our own, so there are no checks
// beyond not running off the end.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}

  std::size_t size() {
    std::size_t n = 0;
    int shift = 0;
    while (at_ < bytes_.size()) {
      const auto byte = static_cast<unsigned char>(bytes_[at_++]);
      n |= static_cast<std::size_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) break;
      shift += 7;
    }
    return n;
  }
  std::string bytes() {
    const std::size_t n = std::min(size(), bytes_.size() - at_);
    std::string out(bytes_.substr(at_, n));
    at_ += n;
    return out;
  }
  char byte() { return at_ < bytes_.size() ? bytes_[at_++] : '\0'; }

  model::AttributeValue value() {
    using model::AttributeType;
    model::AttributeValue value;
    value.type = static_cast<AttributeType>(byte());
    switch (value.type) {
      case AttributeType::kS:
      case AttributeType::kN:
      case AttributeType::kB:
        value.text = bytes();
        break;
      case AttributeType::kBool:
      case AttributeType::kNull:
        value.boolean = byte() != '\0';
        break;
      case AttributeType::kSS:
      case AttributeType::kNS:
      case AttributeType::kBS:
        value.set.resize(size());
        for (std::string& member : value.set) member = bytes();
        break;
      // emplace_back, not resize: AttributeValue's default constructor is not visible to every
      // compiler inside its own recursive definition (clang-tidy's clang refuses resize here).
      case AttributeType::kL: {
        const std::size_t count = size();
        value.list.reserve(count);
        for (std::size_t i = 0; i < count; ++i) value.list.push_back(this->value());
        break;
      }
      case AttributeType::kM: {
        const std::size_t count = size();
        value.map.reserve(count);
        for (std::size_t i = 0; i < count; ++i) {
          std::string name = bytes();
          value.map.emplace_back(std::move(name), this->value());
        }
        break;
      }
    }
    return value;
  }

 private:
  std::string_view bytes_;
  std::size_t at_ = 0;
};

}  // namespace

void pack_item(const model::Item& item, std::string& out) {
  put_size(out, item.attributes.size());
  for (const model::Attribute& attribute : item.attributes) {
    put_bytes(out, attribute.name);
    put_value(out, attribute.value);
  }
}

model::Item unpack_item(std::string_view packed) {
  Reader reader(packed);
  model::Item item;
  item.attributes.resize(reader.size());
  for (model::Attribute& attribute : item.attributes) {
    attribute.name = reader.bytes();
    attribute.value = reader.value();
  }
  return item;
}

}  // namespace csv2ddb::ingest
