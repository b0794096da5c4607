// csv2ddb whoami: STS GetCallerIdentity with the credentials csv2ddb resolves, printed as
// `aws sts get-caller-identity` prints it, so the two can be compared.
#include <iostream>

#include "aws/service_clients.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "model/json.hpp"

namespace csv2ddb::cli {
namespace {

constexpr const char* kUsage =
    R"(usage: csv2ddb whoami [--profile P] [--region R] [--endpoint-url URL]

Prints the identity (UserId, Account, Arn) that your AWS credentials resolve to, from STS
GetCallerIdentity: the same chain of credential sources and settings as every csv2ddb command
(environment, the profile's static keys, assumed roles, web identity, SSO, credential_process,
container and instance metadata).

  --profile P         a profile of ~/.aws/credentials and ~/.aws/config
  --region R          the region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's)
  --endpoint-url URL  the STS endpoint (default: AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, the
                      profile's, then https://sts.REGION.amazonaws.com)
)";

void print_member(std::string_view name, std::string_view value, bool last) {
  std::string line = "    ";
  model::JsonWriter writer(line);
  writer.string(name);
  line += ": ";
  writer.string(value);
  std::cout << line << (last ? "\n" : ",\n");
}

}  // namespace

int run_whoami(const std::vector<std::string>& argv) {
  auto args = Args::parse(argv, {{"profile"}, {"region"}, {"endpoint-url"}}, "whoami");
  if (!args) {
    std::cerr << "csv2ddb whoami: " << args.error().message << "\n";
    return kExitUsage;
  }
  if (args->help()) {
    std::cout << kUsage;
    return kExitOk;
  }
  if (!args->positional().empty()) {
    std::cerr << "csv2ddb whoami: unexpected argument '" << args->positional().front()
              << "' (see 'csv2ddb whoami --help')\n";
    return kExitUsage;
  }
  aws::ServiceClientsOptions options;
  options.region = args->get("region").value_or("");
  options.endpoint_url = args->get("endpoint-url").value_or("");
  options.profile = args->get("profile").value_or("");
  auto clients = aws::ServiceClients::create(aws::Environment::process(), options);
  if (!clients) {
    std::cerr << "csv2ddb whoami: " << clients.error().message << "\n";
    return kExitFailure;
  }
  auto identity = clients->sts()->get_caller_identity();
  if (!identity) {
    std::cerr << "csv2ddb whoami: " << identity.error().message << "\n";
    return kExitFailure;
  }
  std::cout << "{\n";
  print_member("UserId", identity->user_id, false);
  print_member("Account", identity->account, false);
  print_member("Arn", identity->arn, true);
  std::cout << "}\n";
  return kExitOk;
}

}  // namespace csv2ddb::cli
