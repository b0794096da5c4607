// A small command-line parser: `--name value`, `--name=value`, boolean flags and positional
// arguments, with errors that say which option was wrong and how to get help.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace csv2ddb::cli {

struct OptionSpec {
  std::string name;  // without the leading "--"
  bool takes_value = true;
  bool repeatable = false;  // e.g. --param K=V --param K2=V2
};

class Args {
 public:
  // Parses argv after the subcommand. "--help"/"-h" is always accepted as a flag.
  static Result<Args> parse(const std::vector<std::string>& argv,
                            const std::vector<OptionSpec>& specs, std::string_view command);

  bool has(std::string_view name) const;
  std::optional<std::string> get(std::string_view name) const;
  std::vector<std::string> get_all(std::string_view name) const;
  bool help() const { return has("help"); }
  const std::vector<std::string>& positional() const { return positional_; }

  // Integer option with bounds; error names the option ("--rows must be a whole number
  // between 0 and 1000000000, got 'x'").
  Result<long long> get_int(std::string_view name, long long fallback, long long min,
                            long long max) const;

 private:
  std::multimap<std::string, std::string, std::less<>> values_;
  std::vector<std::string> positional_;
};

}  // namespace csv2ddb::cli
