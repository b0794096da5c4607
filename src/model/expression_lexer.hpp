// The tokens of DynamoDB's expression languages, with where each starts and ends, so that a
// syntax error can be reported as DynamoDB does: the offending token, and the text near it (from
// the token before it to the token after it): `Syntax error; token: ")", near: "()"`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace csv2ddb::model::expression_detail {

enum class TokenKind : std::uint8_t {
  kIdentifier,  // [A-Za-z_][A-Za-z0-9_]* (keywords and function names too)
  kName,        // #[A-Za-z0-9_]+
  kValue,       // :[A-Za-z0-9_]+
  kNumber,      // [0-9]+ (list indexes)
  kSymbol,      // ( ) [ ] , . = <> < <= > >= + -
  kUnknown,     // anything else, one character (always a syntax error)
  kEnd,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string_view text;
  std::size_t begin = 0;
  std::size_t end = 0;
  bool is(std::string_view symbol) const { return kind == TokenKind::kSymbol && text == symbol; }
  // Keywords compare without regard to case (AND, and, And).
  bool is_keyword(std::string_view keyword) const;
};

// Always ends with a kEnd token.
std::vector<Token> tokenize(std::string_view text);

// The message of a syntax error at token `at`: `Syntax error; token: "X", near: "Y"`.
std::string syntax_error_message(std::string_view text, const std::vector<Token>& tokens,
                                 std::size_t at);

}  // namespace csv2ddb::model::expression_detail
