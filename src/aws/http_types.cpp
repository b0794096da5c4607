#include "aws/http_types.hpp"

namespace csv2ddb::aws {

bool header_name_equals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    const char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
    if (x != y) return false;
  }
  return true;
}

const Header* find_header(const HeaderList& headers, std::string_view name) {
  for (const Header& header : headers) {
    if (header_name_equals(header.name, name)) return &header;
  }
  return nullptr;
}

}  // namespace csv2ddb::aws
