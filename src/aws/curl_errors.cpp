#include "aws/curl_errors.hpp"

#include <cerrno>

namespace csv2ddb::aws {

std::string request_label(const HttpRequest& request) {
  return request.method + " " + redact_url(request.url) + ": ";
}

// The transport error a curl failure stands for.
Error classify_curl_failure(CURLcode code, CURL* handle, const HttpRequest& request,
                            const char* detail) {
  long os_errno = 0;
  curl_easy_getinfo(handle, CURLINFO_OS_ERRNO, &os_errno);
  std::string code_name;
  std::string what;
  switch (code) {
    case CURLE_COULDNT_CONNECT:
      if (os_errno == ECONNREFUSED) {
        code_name = "ConnectionRefused";
        what = "connection refused";
      } else {
        code_name = "ConnectionFailed";
        what = "could not connect";
      }
      break;
    case CURLE_OPERATION_TIMEDOUT:
      code_name = "RequestTimeout";
      what = "timed out";
      break;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      code_name = "DnsFailure";
      what = "host name not found";
      break;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SEND_FAIL_REWIND:
      code_name = "ConnectionReset";
      what = "connection closed before the response was complete";
      break;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
      code_name = "TlsError";
      what = "TLS failure";
      break;
    default:
      code_name = "HttpTransportError";
      what = curl_easy_strerror(code);
  }
  std::string message = request_label(request) + what;
  if (detail != nullptr && detail[0] != '\0') message += " (" + std::string(detail) + ")";
  return make_error(std::move(code_name), std::move(message));
}

}  // namespace csv2ddb::aws
