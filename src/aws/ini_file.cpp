#include "aws/ini_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace csv2ddb::aws {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Where a section's settings go: a profile, a typed section ("sso-session corp",
// "services local"), or nowhere (a section botocore does not read).
struct SectionName {
  std::string profile;
  std::string typed;
};

SectionName section_name(std::string_view section, AwsFileKind kind) {
  section = trim(section);
  if (kind == AwsFileKind::kCredentials) return {std::string(section), ""};
  if (section == "default") return {"default", ""};
  for (std::string_view type : {"profile", "sso-session", "services"}) {
    if (section.substr(0, type.size()) == type && section.size() > type.size() &&
        is_space(section[type.size()])) {
      std::string name(trim(section.substr(type.size())));
      if (type == "profile") return {std::move(name), ""};
      return {"", std::string(type) + " " + name};
    }
  }
  return {};
}

}  // namespace

Result<AwsProfileFile> AwsProfileFile::parse(std::string_view text, AwsFileKind kind,
                                             std::string_view origin) {
  AwsProfileFile file;
  Settings* current = nullptr;
  bool in_ignored_section = false;
  bool in_services = false;  // [services x]: every setting belongs under a service name
  std::string parent_key;    // a key with an empty value: indented lines below are its sub-settings
  std::string last_key;      // the section's last top-level key
  std::size_t line_number = 0;
  auto fail = [&](std::string_view what) {
    return make_error(
        "InvalidConfigFile",
        std::string(origin) + " line " + std::to_string(line_number) + ": " + std::string(what));
  };
  while (!text.empty()) {
    ++line_number;
    auto newline = text.find('\n');
    std::string_view raw = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    bool indented = !raw.empty() && (raw[0] == ' ' || raw[0] == '\t');
    std::string_view line = trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line[0] == '[') {
      auto close = line.find(']');
      if (close == std::string_view::npos) return fail("unterminated section header");
      SectionName name = section_name(line.substr(1, close - 1), kind);
      parent_key.clear();
      last_key.clear();
      in_services = name.typed.starts_with("services ");
      in_ignored_section = name.profile.empty() && name.typed.empty();
      if (!name.profile.empty()) {
        current = &file.profiles_[name.profile];
      } else if (!name.typed.empty()) {
        current = &file.typed_sections_[name.typed];
      } else {
        current = nullptr;
      }
      continue;
    }
    auto eq = line.find('=');
    if (eq == std::string_view::npos) return fail("expected \"key = value\"");
    if (current == nullptr) {
      if (in_ignored_section) continue;
      return fail("setting outside any [section]");
    }
    std::string key = lower(trim(line.substr(0, eq)));
    std::string value(trim(line.substr(eq + 1)));
    if (indented && !parent_key.empty()) {
      std::string sub_key = parent_key;
      sub_key.append(".").append(key);
      (*current)[std::move(sub_key)] = std::move(value);
      continue;
    }
    if (indented && !current->empty() && !last_key.empty()) {
      return fail("indented line under \"" + last_key +
                  "\", which has a value (a sub-setting goes under a key with nothing after "
                  "its '=')");
    }
    if (in_services && !value.empty()) {
      return fail("\"" + key +
                  "\" in a [services] section must be indented under a service name "
                  "(\"dynamodb =\" then \"  " +
                  key + " = ...\")");
    }
    last_key = key;
    parent_key = value.empty() ? key : std::string();
    (*current)[std::move(key)] = std::move(value);
  }
  return file;
}

Result<AwsProfileFile> AwsProfileFile::load(const std::string& path, AwsFileKind kind) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    if (err == ENOENT || err == ENOTDIR) return make_error("FileNotFound", path + ": not found");
    return make_error("FileUnreadable", path + ": " + std::strerror(err));
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return make_error("FileUnreadable", path + ": read failed");
  return parse(content.str(), kind, path);
}

const AwsProfileFile::Settings* AwsProfileFile::profile(std::string_view name) const {
  auto it = profiles_.find(name);
  return it == profiles_.end() ? nullptr : &it->second;
}

const AwsProfileFile::Settings* AwsProfileFile::section(std::string_view type,
                                                        std::string_view name) const {
  std::string key(type);
  key.append(" ").append(name);
  auto it = typed_sections_.find(key);
  return it == typed_sections_.end() ? nullptr : &it->second;
}

std::string AwsProfileFile::get(std::string_view profile_name, std::string_view key) const {
  const Settings* settings = profile(profile_name);
  if (settings == nullptr) return "";
  auto it = settings->find(key);
  return it == settings->end() ? "" : it->second;
}

}  // namespace csv2ddb::aws
