#include "local/console/console_service.hpp"

#include "aws/crypto.hpp"
#include "local/console/console_assets.hpp"
#include "local/request_id.hpp"

namespace csv2ddb::local::console {
namespace {

constexpr std::size_t kMaxBody = 64 * 1024;
constexpr std::string_view kCookie = "csv2ddb_console";
constexpr std::string_view kApiPrefix = "/_console/api/";

void add_security_headers(HttpResponse& response) {
  response.add_header("X-Content-Type-Options", "nosniff");
  response.add_header("X-Frame-Options", "DENY");
  response.add_header("Referrer-Policy", "no-referrer");
  response.add_header("Content-Security-Policy",
                      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' "
                      "data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'");
}

bool same_text(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char difference = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return difference == 0;
}

// The value of one cookie in the Cookie header.
std::string_view cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto end = header.find(';');
    std::string_view pair = header.substr(0, end);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.starts_with(name) && pair.size() > name.size() && pair[name.size()] == '=') {
      return pair.substr(name.size() + 1);
    }
    if (end == std::string_view::npos) break;
    header.remove_prefix(end + 1);
  }
  return {};
}

HttpResponse redirect(const std::string& location) {
  HttpResponse response;
  response.status = 303;
  response.add_header("Location", location);
  return response;
}

}  // namespace

std::string new_console_token() {
  return random_token(32, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
}

BodyPolicy ConsoleService::body_policy(const HttpRequest&) {
  return BodyPolicy{.max_bytes = kMaxBody, .spool_to_file = false};
}

std::string ConsoleService::payload_hash(const HttpRequest& request) {
  return aws::sha256_hex(request.body.memory);
}

HttpResponse ConsoleService::error_response(const HttpRequest&, const Error& error) {
  HttpResponse response = api_error(400, error.code, error.message);
  add_security_headers(response);
  return response;
}

bool ConsoleService::has_token(const HttpRequest& request) const {
  if (settings_.token.empty()) return true;
  return same_text(cookie_value(request.header("cookie"), kCookie), settings_.token);
}

HttpResponse ConsoleService::asset(std::string_view name) const {
  const std::optional<ConsoleAsset> found = console_asset(name);
  if (!found) return api_error(404, "NotFound", "the console has no " + std::string(name));
  HttpResponse response;
  response.body = std::string(found->bytes);
  response.add_header("Content-Type", std::string(found->content_type));
  response.add_header("Cache-Control", "no-cache");
  return response;
}

HttpResponse ConsoleService::handle(HttpRequest& request) {
  HttpResponse response = [&]() -> HttpResponse {
    const std::string_view path = request.path;
    const auto params = aws::parse_query(request.query);
    // The token in the URL, once: it becomes a cookie and leaves the address bar.
    if (const std::string token = query_value(params, "token"); !token.empty()) {
      if (settings_.token.empty() || !same_text(token, settings_.token)) {
        return api_error(403, "InvalidToken", "that is not this console's token");
      }
      HttpResponse moved = redirect(std::string(kConsolePath) + "/");
      moved.add_header("Set-Cookie", std::string(kCookie) + "=" + settings_.token +
                                         "; Path=/_console; HttpOnly; SameSite=Strict");
      return moved;
    }
    if (!has_token(request)) {
      return api_error(403, "TokenRequired",
                       "this console needs the token csv2ddb local printed when it started "
                       "(open the URL with ?token=...)");
    }
    if (path == kConsolePath) return redirect(std::string(kConsolePath) + "/");
    if (path.starts_with(kApiPrefix)) {
      if (request.method != "GET" && request.method != "HEAD") {
        // A change comes from the console's own page only.
        const std::string origin(request.header("origin"));
        if (origin != "http://" + std::string(request.header("host"))) {
          return api_error(403, "ForbiddenOrigin",
                           "a change must come from the console's own page (Origin " +
                               (origin.empty() ? std::string("missing") : origin) + ")");
        }
      }
      ApiCall call{request.method, std::string(path.substr(kApiPrefix.size())), params,
                   request.body.memory, std::string(request.header("host"))};
      return api_.handle(call);
    }
    if (request.method != "GET" && request.method != "HEAD") {
      return api_error(405, "MethodNotAllowed", "the console's pages are read with GET");
    }
    const std::string_view name = path.substr(kConsolePath.size() + 1);
    return asset(name.empty() ? "index.html" : name);
  }();
  add_security_headers(response);
  return response;
}

}  // namespace csv2ddb::local::console
