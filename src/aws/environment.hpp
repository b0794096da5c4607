// Where the aws layer reads its settings from: environment variables and the user's home folder.
// Production reads the process environment; tests hand in a map, so they never mutate (or race
// on) the real environment and never depend on the machine's ~/.aws.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace csv2ddb::aws {

class Environment {
 public:
  using Lookup = std::function<std::optional<std::string>(std::string_view name)>;

  explicit Environment(Lookup lookup, bool home_from_password_db = false)
      : lookup_(std::move(lookup)), home_from_password_db_(home_from_password_db) {}
  // The process environment (getenv at each lookup).
  static Environment process();
  // Exactly these variables and no others.
  static Environment from_map(std::map<std::string, std::string, std::less<>> variables);

  // The variable's value; unset and empty both give nothing, as the AWS SDKs treat them.
  std::optional<std::string> get(std::string_view name) const;
  // True for "true" in any letter case (AWS_EC2_METADATA_DISABLED and friends).
  bool is_true(std::string_view name) const;
  // Replaces a leading "~/" with $HOME/ (the AWS file path variables allow it).
  std::string expand_home(std::string_view path) const;
  // $HOME; when unset, the password database's home folder for the process environment and
  // "/" for a map (so a test never reads the machine's real ~/.aws).
  std::string home() const;

 private:
  Lookup lookup_;
  bool home_from_password_db_ = false;
};

}  // namespace csv2ddb::aws
