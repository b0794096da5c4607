// Small helpers shared by the clients' tests: item builders and an order-free comparison.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "model/attribute_value.hpp"
#include "model/dynamodb_json.hpp"

namespace csv2ddb::aws::testing {

inline model::AttributeValue S(std::string s) {
  return model::AttributeValue::string(std::move(s));
}
inline model::AttributeValue N(std::string n) {
  return model::AttributeValue::number(std::move(n));
}
inline model::AttributeValue B(std::string b) {
  return model::AttributeValue::binary(std::move(b));
}
inline model::AttributeValue set_of(model::AttributeType type, std::vector<std::string> members) {
  model::AttributeValue value;
  value.type = type;
  value.set = std::move(members);
  return value;
}

// DynamoDB returns attributes, map entries and set members in any order: sort them all so two
// items compare by content.
inline void normalize(model::AttributeValue& value) {
  std::sort(value.set.begin(), value.set.end());
  for (model::AttributeValue& element : value.list) normalize(element);
  std::sort(value.map.begin(), value.map.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& entry : value.map) normalize(entry.second);
}

inline model::Item normalized(model::Item item) {
  std::sort(item.attributes.begin(), item.attributes.end(),
            [](const model::Attribute& a, const model::Attribute& b) { return a.name < b.name; });
  for (model::Attribute& attribute : item.attributes) normalize(attribute.value);
  return item;
}

// Normalized items sorted by their DynamoDB JSON, so two lists compare regardless of order.
inline std::vector<std::string> canonical_items(const std::vector<model::Item>& items) {
  std::vector<std::string> out;
  for (const model::Item& item : items) {
    std::string json;
    model::append_dynamodb_item(json, normalized(item));
    out.push_back(std::move(json));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace csv2ddb::aws::testing
