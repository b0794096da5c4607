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

std::size_t size_of_size(std::size_t n) {
  std::size_t bytes = 1;
  for (; n >= 0x80; n >>= 7) ++bytes;
  return bytes;
}

std::size_t size_of_bytes(std::string_view bytes) {
  return size_of_size(bytes.size()) + bytes.size();
}

// What put_value appends for `value`.
std::size_t size_of_value(const model::AttributeValue& value) {
  using model::AttributeType;
  std::size_t size = 1;  // the type
  switch (value.type) {
    case AttributeType::kS:
    case AttributeType::kN:
    case AttributeType::kB:
      return size + size_of_bytes(value.text);
    case AttributeType::kBool:
    case AttributeType::kNull:
      return size + 1;
    case AttributeType::kSS:
    case AttributeType::kNS:
    case AttributeType::kBS:
      size += size_of_size(value.set.size());
      for (const std::string& member : value.set) size += size_of_bytes(member);
      return size;
    case AttributeType::kL:
      size += size_of_size(value.list.size());
      for (const model::AttributeValue& element : value.list) size += size_of_value(element);
      return size;
    case AttributeType::kM:
      size += size_of_size(value.map.size());
      for (const auto& [name, element] : value.map) {
        size += size_of_bytes(name) + size_of_value(element);
      }
      return size;
  }
  return size;
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
    std::string out;
    bytes_into(out);
    return out;
  }
  // Into a string the caller reuses: no allocation once it has grown to fit.
  void bytes_into(std::string& out) {
    const std::size_t n = std::min(size(), bytes_.size() - at_);
    out.assign(bytes_.substr(at_, n));
    at_ += n;
  }
  char byte() { return at_ < bytes_.size() ? bytes_[at_++] : '\0'; }

  // Scalars (the values of CSV rows) reuse `value`'s strings; other types are built anew.
  void value_into(model::AttributeValue& value) {
    using model::AttributeType;
    const auto type = static_cast<AttributeType>(at_ < bytes_.size() ? bytes_[at_] : '\0');
    if (type != AttributeType::kS && type != AttributeType::kN && type != AttributeType::kB) {
      value = this->value();
      return;
    }
    ++at_;
    value.type = type;
    value.boolean = false;
    bytes_into(value.text);
    if (!value.set.empty()) value.set.clear();
    if (!value.list.empty()) value.list.clear();
    if (!value.map.empty()) value.map.clear();
  }

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

std::size_t packed_item_size(const model::Item& item) {
  std::size_t size = size_of_size(item.attributes.size());
  for (const model::Attribute& attribute : item.attributes) {
    size += size_of_bytes(attribute.name) + size_of_value(attribute.value);
  }
  return size;
}

model::Item unpack_item(std::string_view packed) {
  model::Item item;
  unpack_item_into(packed, item);
  return item;
}

void unpack_item_into(std::string_view packed, model::Item& out) {
  Reader reader(packed);
  out.attributes.resize(reader.size());
  for (model::Attribute& attribute : out.attributes) {
    reader.bytes_into(attribute.name);
    reader.value_into(attribute.value);
  }
}

}  // namespace csv2ddb::ingest
