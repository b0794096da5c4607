// DynamoDB's item size formula, as its documentation "Item sizes and formats" states it.
#include "model/item_size.hpp"

#include "model/number.hpp"

namespace csv2ddb::model {
namespace {

constexpr std::size_t kBoolOrNullBytes = 1;
constexpr std::size_t kDocumentOverheadBytes = 3;  // every L or M, whatever it holds
constexpr std::size_t kElementOverheadBytes = 1;   // every element of an L or M

}  // namespace

std::size_t value_size(const AttributeValue& value) {
  std::size_t size = 0;
  switch (value.type) {
    case AttributeType::kS:
    case AttributeType::kB:
      return value.text.size();
    case AttributeType::kN:
      return number_size(value.text);
    case AttributeType::kBool:
    case AttributeType::kNull:
      return kBoolOrNullBytes;
    case AttributeType::kSS:
    case AttributeType::kBS:
      for (const std::string& member : value.set) size += member.size();
      return size;
    case AttributeType::kNS:
      for (const std::string& member : value.set) size += number_size(member);
      return size;
    case AttributeType::kL:
      size = kDocumentOverheadBytes;
      for (const AttributeValue& element : value.list) {
        size += kElementOverheadBytes + value_size(element);
      }
      return size;
    case AttributeType::kM:
      size = kDocumentOverheadBytes;
      for (const auto& [name, element] : value.map) {
        size += kElementOverheadBytes + name.size() + value_size(element);
      }
      return size;
  }
  return size;
}

std::size_t item_size(const Item& item) {
  std::size_t size = 0;
  for (const Attribute& attribute : item.attributes) {
    size += attribute.name.size() + value_size(attribute.value);
  }
  return size;
}

}  // namespace csv2ddb::model
