// parse_delimiter: what a user types for --delimiter, to the byte the reader splits on.
#include <array>
#include <utility>

#include "csv/reader.hpp"

namespace csv2ddb::csv {
namespace {

// Names and spellings a shell makes easy to type; the bytes are those DynamoDB's import accepts.
constexpr std::array<std::pair<std::string_view, char>, 9> kDelimiterSpellings{{
    {",", ','},
    {";", ';'},
    {":", ':'},
    {"|", '|'},
    {"tab", '\t'},
    {"\\t", '\t'},
    {"\t", '\t'},
    {"space", ' '},
    {" ", ' '},
}};

}  // namespace

Result<char> parse_delimiter(std::string_view text) {
  for (const auto& [spelling, delimiter] : kDelimiterSpellings) {
    if (text == spelling) return delimiter;
  }
  return make_error("InvalidDelimiter", "unsupported delimiter '" + std::string(text) +
                                            "': use one of , ; : | tab (or \\t) space");
}

}  // namespace csv2ddb::csv
