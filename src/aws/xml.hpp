// The little XML that S3 speaks: a tolerant reader for response and error bodies, and escaping
// for the bodies we write. Shared by the S3 client and the local S3 server.
//
// The reader builds a small tree of elements (names without namespace prefixes, attributes,
// decoded text). It skips the XML declaration, processing instructions, comments and DOCTYPE,
// decodes the five predefined entities and numeric character references, and keeps CDATA as
// text. It is not a validating parser: it rejects what it cannot make sense of (unbalanced
// tags, bad entities) with "InvalidXml" and the byte offset.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"

namespace csv2ddb::aws {

struct XmlElement {
  std::string name;  // local name: "Error" for both <Error> and <s3:Error>
  std::vector<std::pair<std::string, std::string>> attributes;
  std::string text;  // the element's own character data, decoded, concatenated
  std::vector<XmlElement> children;

  // The first child with that name, or nullptr.
  const XmlElement* child(std::string_view child_name) const;
  // Every child with that name, in document order.
  std::vector<const XmlElement*> children_named(std::string_view child_name) const;
  // The text of the first child with that name; "" when absent.
  std::string child_text(std::string_view child_name) const;
};

struct XmlParseOptions {
  std::size_t max_depth = 32;
};

// The document's root element.
Result<XmlElement> parse_xml(std::string_view document, XmlParseOptions options = {});

// Escapes & < > " ' for use in text and attribute values.
void append_xml_escaped(std::string& out, std::string_view text);
std::string xml_escape(std::string_view text);
// Decodes the predefined entities and &#N; / &#xH; references. Errors: "InvalidXml".
Result<std::string> xml_unescape(std::string_view text);

}  // namespace csv2ddb::aws
