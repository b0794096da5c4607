#include "cli/args.hpp"

#include <charconv>

namespace csv2ddb::cli {

Result<Args> Args::parse(const std::vector<std::string>& argv, const std::vector<OptionSpec>& specs,
                         std::string_view command) {
  Args args;
  const auto usage_hint = " (see 'csv2ddb " + std::string(command) + " --help')";
  bool options_ended = false;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (options_ended || arg == "-" || arg.empty() || arg[0] != '-') {
      args.positional_.push_back(arg);  // includes "-" (standard input)
      continue;
    }
    if (arg == "--") {  // what follows is positional, even "--table"
      options_ended = true;
      continue;
    }
    if (arg == "-h" || arg == "--help") {
      args.values_.emplace("help", "");
      continue;
    }
    if (arg.rfind("--", 0) != 0) {
      return make_error("UsageError", "unknown option " + arg + usage_hint);
    }
    std::string name = arg.substr(2);
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name.resize(eq);
    }
    const OptionSpec* spec = nullptr;
    for (const auto& s : specs) {
      if (s.name == name) spec = &s;
    }
    if (spec == nullptr) return make_error("UsageError", "unknown option --" + name + usage_hint);
    if (!spec->repeatable && args.values_.count(name) > 0) {
      return make_error("UsageError", "--" + name + " is given more than once" + usage_hint);
    }
    if (!spec->takes_value) {
      if (inline_value) return make_error("UsageError", "--" + name + " takes no value");
      args.values_.emplace(name, "");
      continue;
    }
    if (inline_value) {
      args.values_.emplace(name, *inline_value);
    } else if (i + 1 < argv.size()) {
      // "--table --dry-run" forgot the table; a value that starts with "--" goes as --name=...
      if (argv[i + 1].rfind("--", 0) == 0 && argv[i + 1].size() > 2) {
        return make_error("UsageError", "--" + name + " needs a value, got the option " +
                                            argv[i + 1] + " (write --" + name + "=" + argv[i + 1] +
                                            " if that is the value)" + usage_hint);
      }
      args.values_.emplace(name, argv[++i]);
    } else {
      return make_error("UsageError", "--" + name + " needs a value" + usage_hint);
    }
  }
  return args;
}

bool Args::has(std::string_view name) const {
  return values_.find(name) != values_.end();
}

std::optional<std::string> Args::get(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> Args::get_all(std::string_view name) const {
  std::vector<std::string> out;
  auto [first, last] = values_.equal_range(name);
  for (auto it = first; it != last; ++it) out.push_back(it->second);
  return out;
}

Result<long long> Args::get_int(std::string_view name, long long fallback, long long min,
                                long long max) const {
  auto text = get(name);
  if (!text) return fallback;
  long long value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < min || value > max) {
    return make_error("UsageError", "--" + std::string(name) + " must be a whole number between " +
                                        std::to_string(min) + " and " + std::to_string(max) +
                                        ", got '" + *text + "'");
  }
  return value;
}

}  // namespace csv2ddb::cli
