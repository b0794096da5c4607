// The csv2ddb subcommands. Each takes the arguments after its name and returns the process exit
// status: 0 success, 1 the work failed (message on stderr), 2 the command line was wrong.
#pragma once

#include <string>
#include <vector>

namespace csv2ddb::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInterrupted = 130;  // 128 + SIGINT

int run_make_csv(const std::vector<std::string>& args);
int run_convert(const std::vector<std::string>& args);
int run_ingest(const std::vector<std::string>& args);
int run_demo(const std::vector<std::string>& args);
int run_local(const std::vector<std::string>& args);
int run_whoami(const std::vector<std::string>& args);

}  // namespace csv2ddb::cli
