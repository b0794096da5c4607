// The AWS shared files, ~/.aws/credentials and ~/.aws/config: INI sections of "key = value".
// The two files name profiles differently: the credentials file uses "[name]", the config file
// "[profile name]" except for "[default]"; the config file's typed sections "[sso-session x]"
// and "[services x]" are kept apart (section()), other sections are ignored. Read as botocore
// reads them (Python's configparser without inline comments): keys are case-insensitive,
// comments are whole lines starting with '#' or ';', and a ';' or '#' after a value is part of
// the value. An indented line after a key with an empty value is a sub-setting
// ("s3 =\n  addressing_style = path" gives "s3.addressing_style"); an indented line under a key
// that has a value, or a [services] entry that is not under a service name, is an error that
// names the line (botocore would silently misread both).
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
  // A typed section of the config file: section("sso-session", "corp"), section("services",
  // "local"); nullptr when absent.
  const Settings* section(std::string_view type, std::string_view name) const;
  // One setting of one profile; "" when absent.
  std::string get(std::string_view profile_name, std::string_view key) const;

 private:
  std::map<std::string, Settings, std::less<>> profiles_;
  std::map<std::string, Settings, std::less<>> typed_sections_;  // "sso-session corp"
};

}  // namespace csv2ddb::aws
