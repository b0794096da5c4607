// --debug: every AWS request and response, and every credentials fetch, on standard error.
// Off unless enabled; lines from concurrent lanes never interleave. Secrets never appear: the
// Authorization header, security tokens and the SSO bearer token are shown as <redacted>,
// bodies are not logged (they may hold credentials: STS and SSO answers do).
#pragma once

#include <string_view>

#include "aws/http_types.hpp"

namespace csv2ddb::aws {

void enable_debug_log();
bool debug_log_enabled();
// One line, prefixed "csv2ddb debug: ".
void debug_log(std::string_view line);
// "POST http://127.0.0.1:4566/ (sts AssumeRole, attempt 1)" and the headers, one per line.
void debug_log_request(std::string_view service, std::string_view operation, int attempt,
                       std::string_view method, std::string_view url, const HeaderList& headers);
// True for headers whose value is a secret.
bool is_secret_header(std::string_view name);

}  // namespace csv2ddb::aws
