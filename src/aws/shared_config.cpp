#include "aws/shared_config.hpp"

#include "aws/error_codes.hpp"

namespace csv2ddb::aws {
namespace {

// A file that is not there is an empty file, as the SDKs treat it.
Result<AwsProfileFile> load_or_empty(const std::string& path, AwsFileKind kind) {
  auto file = AwsProfileFile::load(path, kind);
  if (!file && has_code(file.error(), code::kFileNotFound)) return AwsProfileFile();
  return file;
}

}  // namespace

Result<SharedConfig> SharedConfig::load(const Environment& env) {
  SharedConfig out;
  out.config_path_ =
      env.expand_home(env.get("AWS_CONFIG_FILE").value_or(env.home() + "/.aws/config"));
  out.credentials_path_ = env.expand_home(
      env.get("AWS_SHARED_CREDENTIALS_FILE").value_or(env.home() + "/.aws/credentials"));
  auto config = load_or_empty(out.config_path_, AwsFileKind::kConfig);
  if (!config) return config.take_error();
  auto credentials = load_or_empty(out.credentials_path_, AwsFileKind::kCredentials);
  if (!credentials) return credentials.take_error();
  out.config_ = std::move(config).value();
  out.credentials_ = std::move(credentials).value();
  return out;
}

bool SharedConfig::has_profile(std::string_view profile) const {
  return config_.profile(profile) != nullptr || credentials_.profile(profile) != nullptr;
}

std::string SharedConfig::get(std::string_view profile, std::string_view key) const {
  std::string value = credentials_.get(profile, key);
  return value.empty() ? config_.get(profile, key) : value;
}

const std::string& SharedConfig::origin(std::string_view profile, std::string_view key) const {
  return credentials_.get(profile, key).empty() ? config_path_ : credentials_path_;
}

const AwsProfileFile::Settings* SharedConfig::sso_session(std::string_view name) const {
  return config_.section("sso-session", name);
}

const AwsProfileFile::Settings* SharedConfig::services(std::string_view name) const {
  return config_.section("services", name);
}

}  // namespace csv2ddb::aws
