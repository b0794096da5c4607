// Items out: DynamoDB JSON (what `convert` writes and BatchWriteItem sends) and plain JSON (the
// JSON copy and unprocessed files). Both append straight into the caller's buffer: this runs
// once per item written.
#include <string>
#include <string_view>

#include "model/dynamodb_json.hpp"

namespace csv2ddb::model {
namespace {

void append_string_array(std::string& out, const std::vector<std::string>& members) {
  out.push_back('[');
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (i != 0) out.push_back(',');
    append_json_string(out, members[i]);
  }
  out.push_back(']');
}

void append_quoted_base64(std::string& out, std::string_view bytes) {
  out.push_back('"');
  append_base64(out, bytes);  // the base64 alphabet needs no escaping
  out.push_back('"');
}

void append_plain_value(std::string& out, const AttributeValue& value) {
  switch (value.type) {
    case AttributeType::kS:
      append_json_string(out, value.text);
      return;
    case AttributeType::kN:
      out.append(value.text);  // canonical numbers are valid JSON numbers as they stand
      return;
    case AttributeType::kB:
      append_quoted_base64(out, value.text);
      return;
    case AttributeType::kBool:
      out.append(value.boolean ? "true" : "false");
      return;
    case AttributeType::kNull:
      out.append("null");
      return;
    case AttributeType::kSS:
      append_string_array(out, value.set);
      return;
    case AttributeType::kNS:
    case AttributeType::kBS:
      out.push_back('[');
      for (std::size_t i = 0; i < value.set.size(); ++i) {
        if (i != 0) out.push_back(',');
        if (value.type == AttributeType::kNS) {
          out.append(value.set[i]);
        } else {
          append_quoted_base64(out, value.set[i]);
        }
      }
      out.push_back(']');
      return;
    case AttributeType::kL:
      out.push_back('[');
      for (std::size_t i = 0; i < value.list.size(); ++i) {
        if (i != 0) out.push_back(',');
        append_plain_value(out, value.list[i]);
      }
      out.push_back(']');
      return;
    case AttributeType::kM:
      out.push_back('{');
      for (std::size_t i = 0; i < value.map.size(); ++i) {
        if (i != 0) out.push_back(',');
        append_json_string(out, value.map[i].first);
        out.push_back(':');
        append_plain_value(out, value.map[i].second);
      }
      out.push_back('}');
      return;
  }
}

}  // namespace

void append_dynamodb_value(std::string& out, const AttributeValue& value) {
  switch (value.type) {
    case AttributeType::kS:
      out.append("{\"S\":");
      append_json_string(out, value.text);
      break;
    case AttributeType::kN:
      out.append("{\"N\":");
      append_json_string(out, value.text);
      break;
    case AttributeType::kB:
      out.append("{\"B\":");
      append_quoted_base64(out, value.text);
      break;
    case AttributeType::kBool:
      out.append(value.boolean ? "{\"BOOL\":true" : "{\"BOOL\":false");
      break;
    case AttributeType::kNull:
      out.append("{\"NULL\":true");
      break;
    case AttributeType::kSS:
      out.append("{\"SS\":");
      append_string_array(out, value.set);
      break;
    case AttributeType::kNS:
      out.append("{\"NS\":");
      append_string_array(out, value.set);
      break;
    case AttributeType::kBS:
      out.append("{\"BS\":[");
      for (std::size_t i = 0; i < value.set.size(); ++i) {
        if (i != 0) out.push_back(',');
        append_quoted_base64(out, value.set[i]);
      }
      out.push_back(']');
      break;
    case AttributeType::kL:
      out.append("{\"L\":[");
      for (std::size_t i = 0; i < value.list.size(); ++i) {
        if (i != 0) out.push_back(',');
        append_dynamodb_value(out, value.list[i]);
      }
      out.push_back(']');
      break;
    case AttributeType::kM:
      out.append("{\"M\":{");
      for (std::size_t i = 0; i < value.map.size(); ++i) {
        if (i != 0) out.push_back(',');
        append_json_string(out, value.map[i].first);
        out.push_back(':');
        append_dynamodb_value(out, value.map[i].second);
      }
      out.push_back('}');
      break;
  }
  out.push_back('}');
}

void append_dynamodb_item(std::string& out, const Item& item) {
  out.push_back('{');
  for (std::size_t i = 0; i < item.attributes.size(); ++i) {
    if (i != 0) out.push_back(',');
    append_json_string(out, item.attributes[i].name);
    out.push_back(':');
    append_dynamodb_value(out, item.attributes[i].value);
  }
  out.push_back('}');
}

EncodedItems::EncodedItems(const std::vector<Item>& items) : json_(items.size()) {
  views_.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    append_dynamodb_item(json_[i], items[i]);
    views_.emplace_back(json_[i]);
  }
}

void append_plain_item(std::string& out, const Item& item) {
  out.push_back('{');
  for (std::size_t i = 0; i < item.attributes.size(); ++i) {
    if (i != 0) out.push_back(',');
    append_json_string(out, item.attributes[i].name);
    out.push_back(':');
    append_plain_value(out, item.attributes[i].value);
  }
  out.push_back('}');
}

namespace {

JsonValue string_array(const std::vector<std::string>& members, bool base64) {
  JsonValue::Array array;
  array.reserve(members.size());
  for (const std::string& member : members) {
    array.push_back(JsonValue::string(base64 ? base64_encode(member) : member));
  }
  return JsonValue::array(std::move(array));
}

JsonValue to_dynamodb_json_value(const AttributeValue& value) {
  JsonValue wrapper = JsonValue::object();
  const std::string name(type_name(value.type));
  switch (value.type) {
    case AttributeType::kS:
    case AttributeType::kN:
      wrapper.set(name, JsonValue::string(value.text));
      break;
    case AttributeType::kB:
      wrapper.set(name, JsonValue::string(base64_encode(value.text)));
      break;
    case AttributeType::kBool:
      wrapper.set(name, JsonValue::boolean(value.boolean));
      break;
    case AttributeType::kNull:
      wrapper.set(name, JsonValue::boolean(true));
      break;
    case AttributeType::kSS:
    case AttributeType::kNS:
    case AttributeType::kBS:
      wrapper.set(name, string_array(value.set, value.type == AttributeType::kBS));
      break;
    case AttributeType::kL: {
      JsonValue::Array array;
      array.reserve(value.list.size());
      for (const AttributeValue& element : value.list) {
        array.push_back(to_dynamodb_json_value(element));
      }
      wrapper.set(name, JsonValue::array(std::move(array)));
      break;
    }
    case AttributeType::kM: {
      JsonValue::Object object;
      object.reserve(value.map.size());
      for (const auto& [member_name, member] : value.map) {
        object.emplace_back(member_name, to_dynamodb_json_value(member));
      }
      wrapper.set(name, JsonValue::object(std::move(object)));
      break;
    }
  }
  return wrapper;
}

}  // namespace

JsonValue to_dynamodb_json(const Item& item) {
  JsonValue::Object object;
  object.reserve(item.attributes.size());
  for (const Attribute& attribute : item.attributes) {
    object.emplace_back(attribute.name, to_dynamodb_json_value(attribute.value));
  }
  return JsonValue::object(std::move(object));
}

}  // namespace csv2ddb::model
