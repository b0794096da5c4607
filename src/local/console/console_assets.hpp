// The console's HTML, CSS and JavaScript, embedded in the binary at build time from
// src/local/console/assets/ (embed_assets.cmake): no CDN, no download, no build step beyond it.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace csv2ddb::local::console {

struct ConsoleAsset {
  std::string_view name;  // "index.html", "console.js", "console.css"
  std::string_view content_type;
  std::string_view bytes;
};

std::optional<ConsoleAsset> console_asset(std::string_view name);
// The bytes of every asset together: what a first visit downloads.
std::uint64_t console_page_weight();

}  // namespace csv2ddb::local::console
