// The web console at /_console/ on the local AWS's own port: the page (console_assets.hpp) and
// its small JSON API (console_api.hpp), read-only but for the upload, which hands the browser
// a presigned S3 PUT so the file goes in through the S3 API like any other.
//
// Security: the console answers on the address the local AWS listens on. When that is not the
// loopback (`--host 0.0.0.0`), every request needs the token printed at start: in the URL
// once (?token=...), which sets an HttpOnly cookie and redirects to the bare URL. A POST must
// come from the console's own page (its Origin is this server); no GET changes anything. The
// page shows keys, fields and log lines as text (textContent, never innerHTML), and is served
// with a Content-Security-Policy that allows only its own script.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "local/console/console_api.hpp"
#include "local/service.hpp"

namespace csv2ddb::local::console {

inline constexpr std::string_view kConsolePath = "/_console";

struct ConsoleSettings {
  std::string token;  // required when not empty (the server listens beyond the loopback)
};

class ConsoleService : public Service {
 public:
  ConsoleService(ConsoleSettings settings, ConsoleApi& api)
      : settings_(std::move(settings)), api_(api) {}

  std::string_view name() const override { return "console"; }
  aws::AuthDialect auth_dialect() const override { return aws::AuthDialect::kDynamoDb; }
  BodyPolicy body_policy(const HttpRequest& head) override;
  std::string payload_hash(const HttpRequest& request) override;
  HttpResponse error_response(const HttpRequest& request, const Error& error) override;
  std::vector<iam::Permission> permissions(const HttpRequest&) override { return {}; }
  // A browser does not sign: the console checks its own token instead.
  bool allows_anonymous(const HttpRequest&) override { return true; }
  HttpResponse handle(HttpRequest& request) override;
  const std::string& token() const { return settings_.token; }

 private:
  bool has_token(const HttpRequest& request) const;
  HttpResponse asset(std::string_view name) const;

  ConsoleSettings settings_;
  ConsoleApi& api_;
};

// A random token for the console (url-safe, 32 characters).
std::string new_console_token();

}  // namespace csv2ddb::local::console
