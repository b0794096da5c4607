#include "aws/xml.hpp"

#include <cstdint>

#include "model/utf8_sequence.hpp"

namespace csv2ddb::aws {
namespace {

Error invalid_xml(std::string_view what, std::size_t offset) {
  return make_error("InvalidXml", std::string(what) + " at byte " + std::to_string(offset));
}

// Decodes one reference starting at text[0] == '&'; returns the bytes consumed, or 0 when the
// reference is malformed.
std::size_t decode_reference(std::string_view text, std::string& out) {
  auto semi = text.find(';');
  if (semi == std::string_view::npos || semi > 12) return 0;
  std::string_view name = text.substr(1, semi - 1);
  if (name == "amp") {
    out.push_back('&');
  } else if (name == "lt") {
    out.push_back('<');
  } else if (name == "gt") {
    out.push_back('>');
  } else if (name == "quot") {
    out.push_back('"');
  } else if (name == "apos") {
    out.push_back('\'');
  } else if (name.size() >= 2 && name[0] == '#') {
    bool hex = name[1] == 'x' || name[1] == 'X';
    std::string_view digits = name.substr(hex ? 2 : 1);
    if (digits.empty()) return 0;
    std::uint32_t cp = 0;
    for (char c : digits) {
      std::uint32_t digit = 0;
      if (c >= '0' && c <= '9') {
        digit = static_cast<std::uint32_t>(c - '0');
      } else if (hex && c >= 'a' && c <= 'f') {
        digit = static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (hex && c >= 'A' && c <= 'F') {
        digit = static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        return 0;
      }
      cp = cp * (hex ? 16U : 10U) + digit;
      if (cp > 0x10FFFF) return 0;
    }
    if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    model::detail::append_utf8(out, cp);
  } else {
    return 0;
  }
  return semi + 1;
}

bool is_name_char(char c) {
  return c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '>' && c != '/' && c != '=' &&
         c != '<' && c != '"' && c != '\'';
}

std::string_view local_name(std::string_view qualified) {
  auto colon = qualified.find(':');
  return colon == std::string_view::npos ? qualified : qualified.substr(colon + 1);
}

class Parser {
 public:
  Parser(std::string_view doc, XmlParseOptions options) : doc_(doc), options_(options) {}

  Result<XmlElement> parse_document() {
    if (auto skipped = skip_misc(); !skipped) return skipped.take_error();
    if (pos_ >= doc_.size() || doc_[pos_] != '<')
      return invalid_xml("expected a root element", pos_);
    XmlElement root;
    if (auto parsed = parse_element(root, 1); !parsed) return parsed.take_error();
    if (auto skipped = skip_misc(); !skipped) return skipped.take_error();
    if (pos_ != doc_.size()) return invalid_xml("unexpected content after the root element", pos_);
    return root;
  }

 private:
  bool starts_with(std::string_view s) const { return doc_.substr(pos_, s.size()) == s; }
  void skip_space() {
    while (pos_ < doc_.size() &&
           (doc_[pos_] == ' ' || doc_[pos_] == '\t' || doc_[pos_] == '\r' || doc_[pos_] == '\n')) {
      ++pos_;
    }
  }
  Status skip_past(std::string_view terminator, std::string_view what) {
    auto end = doc_.find(terminator, pos_);
    if (end == std::string_view::npos)
      return invalid_xml("unterminated " + std::string(what), pos_);
    pos_ = end + terminator.size();
    return {};
  }
  // Whitespace, <?...?>, <!--...-->, <!DOCTYPE ...> between top-level nodes.
  Status skip_misc() {
    for (;;) {
      skip_space();
      if (starts_with("<?")) {
        if (auto s = skip_past("?>", "processing instruction"); !s) return s;
      } else if (starts_with("<!--")) {
        if (auto s = skip_past("-->", "comment"); !s) return s;
      } else if (starts_with("<!DOCTYPE")) {
        if (auto s = skip_past(">", "DOCTYPE"); !s) return s;
      } else {
        return {};
      }
    }
  }

  std::string_view read_name() {
    std::size_t start = pos_;
    while (pos_ < doc_.size() && is_name_char(doc_[pos_])) ++pos_;
    return doc_.substr(start, pos_ - start);
  }

  Status append_text(std::string_view raw, std::string& out, std::size_t offset) {
    for (std::size_t i = 0; i < raw.size();) {
      if (raw[i] == '&') {
        std::size_t used = decode_reference(raw.substr(i), out);
        if (used == 0) return invalid_xml("bad entity reference", offset + i);
        i += used;
      } else {
        out.push_back(raw[i++]);
      }
    }
    return {};
  }

  // pos_ is at '<' of a start tag.
  Status parse_element(XmlElement& element, std::size_t depth) {
    if (depth > options_.max_depth) return invalid_xml("elements nested too deeply", pos_);
    ++pos_;
    std::string_view qualified = read_name();
    if (qualified.empty()) return invalid_xml("expected an element name", pos_);
    element.name = std::string(local_name(qualified));
    // Attributes.
    for (;;) {
      skip_space();
      if (pos_ >= doc_.size()) return invalid_xml("unterminated start tag", pos_);
      if (starts_with("/>")) {
        pos_ += 2;
        return {};
      }
      if (doc_[pos_] == '>') {
        ++pos_;
        break;
      }
      std::string_view attr = read_name();
      if (attr.empty()) return invalid_xml("expected an attribute name", pos_);
      skip_space();
      if (pos_ >= doc_.size() || doc_[pos_] != '=') return invalid_xml("expected '='", pos_);
      ++pos_;
      skip_space();
      if (pos_ >= doc_.size() || (doc_[pos_] != '"' && doc_[pos_] != '\'')) {
        return invalid_xml("expected a quoted attribute value", pos_);
      }
      char quote = doc_[pos_++];
      auto end = doc_.find(quote, pos_);
      if (end == std::string_view::npos) return invalid_xml("unterminated attribute value", pos_);
      std::string value;
      if (auto s = append_text(doc_.substr(pos_, end - pos_), value, pos_); !s) return s;
      element.attributes.emplace_back(std::string(attr), std::move(value));
      pos_ = end + 1;
    }
    // Content.
    for (;;) {
      auto lt = doc_.find('<', pos_);
      if (lt == std::string_view::npos) return invalid_xml("missing </" + element.name + ">", pos_);
      if (auto s = append_text(doc_.substr(pos_, lt - pos_), element.text, pos_); !s) return s;
      pos_ = lt;
      if (starts_with("</")) {
        pos_ += 2;
        std::string_view closing = read_name();
        if (closing != qualified) {
          return invalid_xml(
              "</" + std::string(closing) + "> does not close <" + std::string(qualified) + ">",
              pos_);
        }
        skip_space();
        if (pos_ >= doc_.size() || doc_[pos_] != '>') return invalid_xml("expected '>'", pos_);
        ++pos_;
        return {};
      }
      if (starts_with("<!--")) {
        if (auto s = skip_past("-->", "comment"); !s) return s;
      } else if (starts_with("<![CDATA[")) {
        pos_ += 9;
        auto end = doc_.find("]]>", pos_);
        if (end == std::string_view::npos) return invalid_xml("unterminated CDATA", pos_);
        element.text.append(doc_.substr(pos_, end - pos_));
        pos_ = end + 3;
      } else if (starts_with("<?")) {
        if (auto s = skip_past("?>", "processing instruction"); !s) return s;
      } else {
        element.children.emplace_back();
        if (auto s = parse_element(element.children.back(), depth + 1); !s) return s;
      }
    }
  }

  std::string_view doc_;
  XmlParseOptions options_;
  std::size_t pos_ = 0;
};

}  // namespace

const XmlElement* XmlElement::child(std::string_view child_name) const {
  for (const auto& c : children) {
    if (c.name == child_name) return &c;
  }
  return nullptr;
}

std::vector<const XmlElement*> XmlElement::children_named(std::string_view child_name) const {
  std::vector<const XmlElement*> out;
  for (const auto& c : children) {
    if (c.name == child_name) out.push_back(&c);
  }
  return out;
}

std::string XmlElement::child_text(std::string_view child_name) const {
  const XmlElement* c = child(child_name);
  return c == nullptr ? std::string() : c->text;
}

Result<XmlElement> parse_xml(std::string_view document, XmlParseOptions options) {
  return Parser(document, options).parse_document();
}

void append_xml_escaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&':
        out.append("&amp;");
        break;
      case '<':
        out.append("&lt;");
        break;
      case '>':
        out.append("&gt;");
        break;
      case '"':
        out.append("&quot;");
        break;
      case '\'':
        out.append("&apos;");
        break;
      // A raw CR would come back as LF from any conforming reader (line-end normalization).
      case '\r':
        out.append("&#13;");
        break;
      default:
        out.push_back(c);
    }
  }
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  append_xml_escaped(out, text);
  return out;
}

Result<std::string> xml_unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == '&') {
      std::size_t used = decode_reference(text.substr(i), out);
      if (used == 0) return invalid_xml("bad entity reference", i);
      i += used;
    } else {
      out.push_back(text[i++]);
    }
  }
  return out;
}

}  // namespace csv2ddb::aws
