// The JSON DOM: factories, member lookup and building.
#include <string_view>
#include <utility>

#include "model/json.hpp"

namespace csv2ddb::model {

JsonValue JsonValue::boolean(bool b) {
  JsonValue value;
  value.kind_ = Kind::kBool;
  value.bool_ = b;
  return value;
}

JsonValue JsonValue::number_text(std::string text) {
  JsonValue value;
  value.kind_ = Kind::kNumber;
  value.text_ = std::move(text);
  return value;
}

JsonValue JsonValue::string(std::string s) {
  JsonValue value;
  value.kind_ = Kind::kString;
  value.text_ = std::move(s);
  return value;
}

JsonValue JsonValue::array(Array items) {
  JsonValue value;
  value.kind_ = Kind::kArray;
  value.array_ = std::move(items);
  return value;
}

JsonValue JsonValue::object(Object members) {
  JsonValue value;
  value.kind_ = Kind::kObject;
  value.object_ = std::move(members);
  return value;
}

const JsonValue* JsonValue::find(std::string_view key) const {
  if (kind_ != Kind::kObject) return nullptr;
  for (const auto& [name, member] : object_) {
    if (name == key) return &member;
  }
  return nullptr;
}

// A null value becomes an object on its first set() (and an array on its first push()), so a
// document can be built from a default-constructed JsonValue.
JsonValue& JsonValue::set(std::string key, JsonValue value) {
  if (kind_ == Kind::kNull) kind_ = Kind::kObject;
  object_.emplace_back(std::move(key), std::move(value));
  return object_.back().second;
}

JsonValue& JsonValue::push(JsonValue value) {
  if (kind_ == Kind::kNull) kind_ = Kind::kArray;
  array_.push_back(std::move(value));
  return array_.back();
}

}  // namespace csv2ddb::model
