// The AWS shared files read together, as the SDKs read them: the config file
// (AWS_CONFIG_FILE, ~/.aws/config) and the credentials file (AWS_SHARED_CREDENTIALS_FILE,
// ~/.aws/credentials), a profile's settings merged key by key with the credentials file's
// winning, plus the config file's [sso-session] and [services] sections. A missing file is
// empty; a malformed one is an error naming its path and line (never skipped: a typo in a
// profile must not send a run somewhere else).
#pragma once

#include <string>
#include <string_view>

#include "aws/environment.hpp"
#include "aws/ini_file.hpp"
#include "common/result.hpp"

namespace csv2ddb::aws {

class SharedConfig {
 public:
  // Errors: InvalidConfigFile ("PATH line N: ..."), FileUnreadable.
  static Result<SharedConfig> load(const Environment& env);
  // No files at all (callers that run without a profile, tests).
  SharedConfig() = default;

  bool has_profile(std::string_view profile) const;
  // The profile's value for `key` ("" when unset): the credentials file's, then the config's.
  std::string get(std::string_view profile, std::string_view key) const;
  // The path of the file that gave the profile's `key` (for messages).
  const std::string& origin(std::string_view profile, std::string_view key) const;
  // [sso-session NAME] and [services NAME] of the config file; nullptr when absent.
  const AwsProfileFile::Settings* sso_session(std::string_view name) const;
  const AwsProfileFile::Settings* services(std::string_view name) const;

  const std::string& config_path() const { return config_path_; }
  const std::string& credentials_path() const { return credentials_path_; }

 private:
  std::string config_path_;
  std::string credentials_path_;
  AwsProfileFile config_;
  AwsProfileFile credentials_;
};

}  // namespace csv2ddb::aws
