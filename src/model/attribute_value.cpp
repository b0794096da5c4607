// Attribute value factories, the wire names of the types, and item lookup.
#include "model/attribute_value.hpp"

#include <array>
#include <string_view>

namespace csv2ddb::model {
namespace {

struct TypeName {
  AttributeType type;
  std::string_view name;
};

constexpr std::array<TypeName, 10> kTypeNames{{
    {AttributeType::kS, "S"},
    {AttributeType::kN, "N"},
    {AttributeType::kB, "B"},
    {AttributeType::kBool, "BOOL"},
    {AttributeType::kNull, "NULL"},
    {AttributeType::kM, "M"},
    {AttributeType::kL, "L"},
    {AttributeType::kSS, "SS"},
    {AttributeType::kNS, "NS"},
    {AttributeType::kBS, "BS"},
}};

}  // namespace

std::string_view type_name(AttributeType type) {
  for (const TypeName& entry : kTypeNames) {
    if (entry.type == type) return entry.name;
  }
  return "?";
}

std::optional<AttributeType> parse_type_name(std::string_view name) {
  for (const TypeName& entry : kTypeNames) {
    if (entry.name == name) return entry.type;
  }
  return std::nullopt;
}

AttributeValue AttributeValue::string(std::string s) {
  AttributeValue value;
  value.type = AttributeType::kS;
  value.text = std::move(s);
  return value;
}

AttributeValue AttributeValue::number(std::string canonical) {
  AttributeValue value;
  value.type = AttributeType::kN;
  value.text = std::move(canonical);
  return value;
}

AttributeValue AttributeValue::binary(std::string bytes) {
  AttributeValue value;
  value.type = AttributeType::kB;
  value.text = std::move(bytes);
  return value;
}

AttributeValue AttributeValue::boolean_value(bool b) {
  AttributeValue value;
  value.type = AttributeType::kBool;
  value.boolean = b;
  return value;
}

AttributeValue AttributeValue::null() {
  return AttributeValue{};
}

const AttributeValue* Item::find(std::string_view name) const {
  for (const Attribute& attribute : attributes) {
    if (attribute.name == name) return &attribute.value;
  }
  return nullptr;
}

}  // namespace csv2ddb::model
