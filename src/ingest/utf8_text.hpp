// UTF-8 helpers the ingest layer needs beyond model::is_valid_utf8: where a field first goes
// wrong (for rejection messages) and a safe, capped copy of raw fields (for rejected/ files,
// which must stay valid JSON whatever bytes the CSV held).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace csv2ddb::ingest {

// Offset (0-based) of the first byte that does not start or continue a well-formed UTF-8
// sequence (no overlongs, no surrogates, max U+10FFFF); nullopt when `bytes` is valid.
std::optional<std::size_t> find_invalid_utf8(std::string_view bytes);

// A copy of `bytes` for display: each invalid byte becomes U+FFFD, and text longer than
// `max_bytes` is cut at a character boundary and ends with "…", so a 1 MB field does not
// bloat rejected/ files.
std::string displayable_field(std::string_view bytes, std::size_t max_bytes);

}  // namespace csv2ddb::ingest
