// HTTP headers as they go on the wire, shared by the client (http_client.hpp, http_wire.hpp), the
// signer (sigv4.hpp) and the local AWS's server: a request's headers are a multimap, the same
// name may appear more than once, names compare case-insensitively, and wire order is kept.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace csv2ddb::aws {

struct Header {
  std::string name;
  std::string value;
};
using HeaderList = std::vector<Header>;

// ASCII case-insensitive comparison, as header names compare.
bool header_name_equals(std::string_view a, std::string_view b);
// The first header with that name, or nullptr.
const Header* find_header(const HeaderList& headers, std::string_view name);

}  // namespace csv2ddb::aws
