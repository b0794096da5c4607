// Steps 1 to 4 of SigV4: canonical URI, query, headers and request.
#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

#include "aws/sigv4.hpp"

namespace csv2ddb::aws {
namespace {

constexpr char kUpperHex[] = "0123456789ABCDEF";

// The unreserved set of RFC 3986 as AWS applies it: these bytes are never encoded.
constexpr std::array<bool, 256> make_unreserved_table() {
  std::array<bool, 256> table{};
  for (int c = 'A'; c <= 'Z'; ++c) table[static_cast<std::size_t>(c)] = true;
  for (int c = 'a'; c <= 'z'; ++c) table[static_cast<std::size_t>(c)] = true;
  for (int c = '0'; c <= '9'; ++c) table[static_cast<std::size_t>(c)] = true;
  table['-'] = table['_'] = table['.'] = table['~'] = true;
  return table;
}
constexpr std::array<bool, 256> kUnreserved = make_unreserved_table();

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

char to_lower_ascii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = to_lower_ascii(c);
  return out;
}

void append_lower(std::string_view text, std::string& out) {
  for (char c : text) out.push_back(to_lower_ascii(c));
}

bool is_never_signed(std::string_view lower_name) {
  // Rewritten by proxies or added by the HTTP layer after signing; AWS SDKs skip them too.
  return lower_name == "authorization" || lower_name == "user-agent" || lower_name == "expect" ||
         lower_name == "x-amzn-trace-id";
}

void append_header_value(std::string_view value, std::string& out) {
  bool pending_space = false;
  bool any = false;
  for (char c : value) {
    if (is_space(c)) {
      pending_space = any;
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    any = true;
    out.push_back(c);
  }
}

}  // namespace

void append_uri_encoded(std::string_view text, bool keep_slash, std::string& out) {
  out.reserve(out.size() + text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (kUnreserved[byte] || (keep_slash && c == '/')) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kUpperHex[byte >> 4]);
      out.push_back(kUpperHex[byte & 0x0f]);
    }
  }
}

std::string uri_encode(std::string_view text, bool keep_slash) {
  std::string out;
  append_uri_encoded(text, keep_slash, out);
  return out;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>((high << 4) | low));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

std::string normalize_path(std::string_view path) {
  if (path.empty()) return "/";
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  std::string out;
  out.reserve(path.size());
  if (path.front() == '/') out.push_back('/');
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out.push_back('/');
    out.append(segments[i]);
  }
  // "/a/b/" keeps its trailing slash; "/a/.." collapses to "/" without a second one.
  if (path.back() == '/' && !segments.empty()) out.push_back('/');
  if (out.empty()) out = "/";
  return out;
}

std::string canonical_uri(std::string_view wire_path, bool double_uri_encode, bool normalize) {
  if (wire_path.empty()) return "/";
  if (!double_uri_encode) {
    return normalize ? normalize_path(wire_path) : std::string(wire_path);
  }
  if (!normalize) return uri_encode(wire_path, /*keep_slash=*/true);
  return uri_encode(normalize_path(wire_path), /*keep_slash=*/true);
}

std::string canonical_uri(std::string_view wire_path, const SigningConfig& config) {
  return canonical_uri(wire_path, config.double_uri_encode, config.normalize_path);
}

std::vector<QueryParam> parse_query(std::string_view wire_query) {
  std::vector<QueryParam> params;
  std::size_t start = 0;
  while (start <= wire_query.size()) {
    std::size_t end = wire_query.find('&', start);
    if (end == std::string_view::npos) end = wire_query.size();
    const std::string_view pair = wire_query.substr(start, end - start);
    if (!pair.empty()) {
      const std::size_t equals = pair.find('=');
      if (equals == std::string_view::npos) {
        params.push_back({percent_decode(pair), std::string()});
      } else {
        params.push_back(
            {percent_decode(pair.substr(0, equals)), percent_decode(pair.substr(equals + 1))});
      }
    }
    start = end + 1;
  }
  return params;
}

std::string canonical_query_string(const std::vector<QueryParam>& params) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(params.size());
  std::size_t total = 0;
  for (const QueryParam& param : params) {
    encoded.emplace_back(uri_encode(param.key, false), uri_encode(param.value, false));
    total += encoded.back().first.size() + encoded.back().second.size() + 2;
  }
  // Sorting the encoded forms, not the decoded ones, is what AWS specifies.
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  out.reserve(total);
  for (const auto& [key, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out.append(key);
    out.push_back('=');
    out.append(value);
  }
  return out;
}

std::string canonical_query_string(std::string_view wire_query) {
  return canonical_query_string(parse_query(wire_query));
}

std::string canonical_header_value(std::string_view value) {
  std::string out;
  append_header_value(value, out);
  return out;
}

CanonicalHeaders canonical_headers(const HeaderList& headers) {
  struct Entry {
    std::string name;
    const std::string* value;
  };
  std::vector<Entry> entries;
  entries.reserve(headers.size());
  for (const Header& header : headers) {
    std::string name = lower_ascii(header.name);
    if (is_never_signed(name)) continue;
    entries.push_back({std::move(name), &header.value});
  }
  // Stable: the values of a repeated header keep their wire order.
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return a.name < b.name; });
  CanonicalHeaders out;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const bool continues = i > 0 && entries[i].name == entries[i - 1].name;
    if (continues) {
      out.canonical.back() = ',';  // replace the '\n' that closed the previous value
    } else {
      if (!out.signed_headers.empty()) out.signed_headers.push_back(';');
      out.signed_headers.append(entries[i].name);
      out.canonical.append(entries[i].name);
      out.canonical.push_back(':');
    }
    append_header_value(*entries[i].value, out.canonical);
    out.canonical.push_back('\n');
  }
  return out;
}

CanonicalHeaders canonical_headers(const HeaderList& headers,
                                   const std::vector<std::string>& signed_names) {
  CanonicalHeaders out;
  for (const std::string& name : signed_names) {
    if (!out.signed_headers.empty()) out.signed_headers.push_back(';');
    out.signed_headers.append(name);
    append_lower(name, out.canonical);
    out.canonical.push_back(':');
    bool first = true;
    for (const Header& header : headers) {
      if (!header_name_equals(header.name, name)) continue;
      if (!first) out.canonical.push_back(',');
      first = false;
      append_header_value(header.value, out.canonical);
    }
    out.canonical.push_back('\n');
  }
  return out;
}

std::string canonical_request(std::string_view method, std::string_view uri, std::string_view query,
                              const CanonicalHeaders& headers, std::string_view payload_hash) {
  std::string out;
  out.reserve(method.size() + uri.size() + query.size() + headers.canonical.size() +
              headers.signed_headers.size() + 64 + 6);
  out.append(method);
  out.push_back('\n');
  out.append(uri);
  out.push_back('\n');
  out.append(query);
  out.push_back('\n');
  out.append(headers.canonical);
  out.push_back('\n');
  out.append(headers.signed_headers);
  out.push_back('\n');
  out.append(payload_hash.empty() ? kEmptySha256Hex : payload_hash);
  return out;
}

}  // namespace csv2ddb::aws
