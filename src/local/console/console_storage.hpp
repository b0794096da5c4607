// What the console needs of S3 beyond the client's calls: presigned links made for the address
// the browser used (so a download or an upload stays on the page's own origin), and the output
// objects of an import.
#pragma once

#include <string>

#include "local/local_aws.hpp"
#include "model/json.hpp"

namespace csv2ddb::local::console {

// "/bucket/key?X-Amz-..." signed with the account's key for `host`, valid 15 minutes.
std::string presigned_path(const ControlPlane& control, const std::string& host,
                           const std::string& method, const std::string& bucket,
                           const std::string& key);

// {"json_copy":{"key":K,"url":U}|null, "rejected":..., "unprocessed":..., "conflicts":...,
// "report":...}: the import's outputs that exist, with download links.
model::JsonValue output_links(const ControlPlane& control, const std::string& host,
                              const std::string& bucket, const std::string& key);

}  // namespace csv2ddb::local::console
