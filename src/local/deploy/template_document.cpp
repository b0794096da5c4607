#include "local/deploy/template_document.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <regex>
#include <sstream>

namespace csv2ddb::local::deploy {
namespace {

using model::JsonValue;

JsonValue plain_scalar(const std::string& text) {
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
    return JsonValue::null();
  }
  if (text == "true" || text == "True" || text == "TRUE") return JsonValue::boolean(true);
  if (text == "false" || text == "False" || text == "FALSE") return JsonValue::boolean(false);
  static const std::regex kNumber(R"(-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?)");
  if (std::regex_match(text, kNumber)) return JsonValue::number_text(text);
  return JsonValue::string(text);
}

Result<JsonValue> convert(const YAML::Node& node);
Result<JsonValue> convert_untagged(const YAML::Node& node);

// `!GetAtt Resource.Attribute` (scalar form) splits at the first dot.
Result<JsonValue> short_form(const std::string& tag, const YAML::Node& node) {
  const std::string name = tag.substr(1);
  if (name == "GetAtt" && node.IsScalar()) {
    const std::string text = node.Scalar();
    const auto dot = text.find('.');
    if (dot == std::string::npos) {
      return make_error("InvalidTemplate",
                        "!GetAtt " + text + " needs the form Resource.Attribute");
    }
    JsonValue pair = JsonValue::array();
    pair.push(JsonValue::string(text.substr(0, dot)));
    pair.push(JsonValue::string(text.substr(dot + 1)));
    JsonValue out = JsonValue::object();
    out.set("Fn::GetAtt", std::move(pair));
    return out;
  }
  // The tag's argument is the node without its tag.
  Result<JsonValue> value = node.IsScalar() ? Result<JsonValue>(JsonValue::string(node.Scalar()))
                                            : convert_untagged(node);
  if (!value) return value;
  JsonValue out = JsonValue::object();
  const std::string key = name == "Ref" || name == "Condition" ? name : "Fn::" + name;
  out.set(key, std::move(*value));
  return out;
}

Result<JsonValue> convert(const YAML::Node& node) {
  const std::string& tag = node.Tag();
  if (!tag.empty() && tag[0] == '!' && tag != "!") return short_form(tag, node);
  return convert_untagged(node);
}

Result<JsonValue> convert_untagged(const YAML::Node& node) {
  const std::string& tag = node.Tag();
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return JsonValue::null();
    case YAML::NodeType::Scalar:
      // "!" marks a quoted scalar: always a string.
      return tag == "!" ? JsonValue::string(node.Scalar()) : plain_scalar(node.Scalar());
    case YAML::NodeType::Sequence: {
      JsonValue out = JsonValue::array();
      for (const YAML::Node& item : node) {
        auto converted = convert(item);
        if (!converted) return converted;
        out.push(std::move(*converted));
      }
      return out;
    }
    case YAML::NodeType::Map: {
      JsonValue out = JsonValue::object();
      for (const auto& member : node) {
        if (!member.first.IsScalar()) {
          return make_error("InvalidTemplate", "a mapping key is not a plain string");
        }
        auto converted = convert(member.second);
        if (!converted) return converted;
        out.set(member.first.Scalar(), std::move(*converted));
      }
      return out;
    }
  }
  return JsonValue::null();
}

}  // namespace

Result<model::JsonValue> parse_template(std::string_view text) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return make_error("InvalidTemplate", "the template is not valid YAML or JSON: line " +
                                             std::to_string(e.mark.line + 1) + ", column " +
                                             std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  auto document = convert(root);
  if (!document) return document;
  if (!document->is_object()) {
    return make_error("InvalidTemplate", "the template is not a mapping of sections");
  }
  return document;
}

Result<model::JsonValue> load_template(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("InvalidTemplate", "cannot read the template " + path);
  std::ostringstream text;
  text << in.rdbuf();
  auto document = parse_template(text.str());
  if (!document) {
    return make_error(document.error().code, path + ": " + document.error().message);
  }
  return document;
}

}  // namespace csv2ddb::local::deploy
