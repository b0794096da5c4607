#include "aws/environment.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <utility>

namespace csv2ddb::aws {

Environment Environment::process() {
  return Environment(
      [](std::string_view name) -> std::optional<std::string> {
        const char* value = std::getenv(std::string(name).c_str());
        if (value == nullptr) return std::nullopt;
        return std::string(value);
      },
      /*home_from_password_db=*/true);
}

Environment Environment::from_map(std::map<std::string, std::string, std::less<>> variables) {
  return Environment(
      [vars = std::move(variables)](std::string_view name) -> std::optional<std::string> {
        auto it = vars.find(name);
        if (it == vars.end()) return std::nullopt;
        return it->second;
      });
}

std::optional<std::string> Environment::get(std::string_view name) const {
  auto value = lookup_(name);
  if (!value || value->empty()) return std::nullopt;
  return value;
}

bool Environment::is_true(std::string_view name) const {
  auto value = get(name);
  if (!value || value->size() != 4) return false;
  static constexpr std::string_view kTrue = "true";
  for (std::size_t i = 0; i < 4; ++i) {
    char c = (*value)[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kTrue[i]) return false;
  }
  return true;
}

std::string Environment::home() const {
  if (auto home = get("HOME")) return *home;
  if (!home_from_password_db_) return "/";
  if (const passwd* entry = getpwuid(getuid()); entry != nullptr && entry->pw_dir != nullptr) {
    return entry->pw_dir;
  }
  return "/";
}

std::string Environment::expand_home(std::string_view path) const {
  if (path == "~") return home();
  if (path.size() >= 2 && path[0] == '~' && path[1] == '/') {
    std::string out = home();
    out.append(path.substr(1));
    return out;
  }
  return std::string(path);
}

}  // namespace csv2ddb::aws
