// The AWS shared files, ~/.aws/credentials and ~/.aws/config: INI sections of "key = value".
// The two files name profiles differently: the credentials file uses "[name]", the config file
// "[profile name]" except for "[default]" (and ignores "[sso-session x]", "[services x]" and
// other typed sections). Keys are case-insensitive; full-line comments start with '#' or ';',
// and an inline comment needs whitespace before its '#' or ';'. An indented line after a key
// with an empty value is a sub-setting ("s3 =\n  addressing_style = path" gives
// "s3.addressing_style").
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace csv2ddb::aws {

enum class AwsFileKind { kCredentials, kConfig };

class AwsProfileFile {
 public:
  using Settings = std::map<std::string, std::string, std::less<>>;

  // Errors: "InvalidConfigFile" with the line number (a key outside any section, a line that is
  // neither a section, a setting nor a comment). `origin` names the file in messages.
  static Result<AwsProfileFile> parse(std::string_view text, AwsFileKind kind,
                                      std::string_view origin);
  // Reads and parses a file. Errors: "FileNotFound" when it does not exist, "FileUnreadable".
  static Result<AwsProfileFile> load(const std::string& path, AwsFileKind kind);

  // The profile's settings, or nullptr when the file has no such profile.
  const Settings* profile(std::string_view name) const;
  // One setting of one profile; "" when absent.
  std::string get(std::string_view profile_name, std::string_view key) const;

 private:
  std::map<std::string, Settings, std::less<>> profiles_;
};

}  // namespace csv2ddb::aws
