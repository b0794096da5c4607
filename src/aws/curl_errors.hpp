// The stable error codes of the HTTP client's transport failures (http_client.hpp), from curl's.
#pragma once

#include <curl/curl.h>

#include "aws/http_client.hpp"

namespace csv2ddb::aws {

// ConnectionRefused, ConnectionFailed, RequestTimeout, DnsFailure, ConnectionReset, TlsError or
// HttpTransportError, with a message naming the method and the redacted URL, and curl's
// `detail` (its error buffer) when there is one.
Error classify_curl_failure(CURLcode code, CURL* handle, const HttpRequest& request,
                            const char* detail);

// "METHOD url: " for messages about `request`.
std::string request_label(const HttpRequest& request);

}  // namespace csv2ddb::aws
