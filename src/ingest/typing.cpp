// parse_typing: what --types takes ("strings", "infer", or "price:N,active:BOOL,tags:SS").
#include <algorithm>
#include <string>
#include <string_view>

#include "ingest/row_mapper.hpp"

namespace csv2ddb::ingest {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

Error typing_error(std::string message) {
  return make_error(std::string(kInvalidTypes), std::move(message));
}

// M and L have no cell syntax in a CSV row, so a spec cannot ask for them.
bool csv_typable(model::AttributeType type) {
  return type != model::AttributeType::kM && type != model::AttributeType::kL;
}

}  // namespace

Result<Typing> parse_typing(std::string_view text) {
  text = trim(text);
  Typing typing;
  if (text.empty() || text == "strings") return typing;
  if (text == "infer") {
    typing.mode = Typing::Mode::kInfer;
    return typing;
  }
  typing.mode = Typing::Mode::kSpec;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    const std::string_view part = trim(text.substr(start, comma - start));
    start = comma + 1;
    if (part.empty()) {
      return typing_error("types '" + std::string(text) +
                          "' has an empty entry; expected e.g. price:N,active:BOOL,tags:SS");
    }
    const std::size_t colon = part.rfind(':');
    if (colon == std::string_view::npos) {
      return typing_error("'" + std::string(part) + "' needs a type, e.g. " + std::string(part) +
                          ":N; or use --types strings or --types infer");
    }
    const std::string_view name = trim(part.substr(0, colon));
    std::string type_text(trim(part.substr(colon + 1)));
    std::transform(type_text.begin(), type_text.end(), type_text.begin(),
                   [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; });
    if (name.empty()) {
      return typing_error("'" + std::string(part) + "' has an empty column name");
    }
    const std::optional<model::AttributeType> type = model::parse_type_name(type_text);
    if (!type || !csv_typable(*type)) {
      return typing_error("column '" + std::string(name) + "' has type '" +
                          std::string(trim(part.substr(colon + 1))) +
                          "'; CSV columns can be S, N, B, BOOL, NULL, SS, NS or BS");
    }
    for (const auto& [existing, unused] : typing.columns) {
      if (existing == name) {
        return typing_error("column '" + std::string(name) + "' is typed twice");
      }
    }
    typing.columns.emplace_back(std::string(name), *type);
    if (comma == text.size()) break;
  }
  return typing;
}

}  // namespace csv2ddb::ingest
