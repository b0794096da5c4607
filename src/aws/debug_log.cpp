#include "aws/debug_log.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>

namespace csv2ddb::aws {
namespace {

std::atomic<bool> g_enabled{false};
std::mutex g_write_mutex;

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
    if (x != y) return false;
  }
  return true;
}

void write_block(const std::string& text) {
  std::lock_guard lock(g_write_mutex);
  std::fwrite(text.data(), 1, text.size(), stderr);
}

}  // namespace

void enable_debug_log() {
  g_enabled.store(true, std::memory_order_relaxed);
}

bool debug_log_enabled() {
  return g_enabled.load(std::memory_order_relaxed);
}

bool is_secret_header(std::string_view name) {
  return iequals(name, "authorization") || iequals(name, "x-amz-security-token") ||
         iequals(name, "x-amz-sso_bearer_token") || iequals(name, "x-aws-ec2-metadata-token");
}

void debug_log(std::string_view line) {
  std::string text = "csv2ddb debug: ";
  text.append(line).append("\n");
  write_block(text);
}

void debug_log_request(std::string_view service, std::string_view operation, int attempt,
                       std::string_view method, std::string_view url, const HeaderList& headers) {
  std::string text = "csv2ddb debug: ";
  text.append(method).append(" ").append(url).append(" (").append(service).append(" ");
  text.append(operation).append(", attempt ").append(std::to_string(attempt)).append(")\n");
  for (const Header& header : headers) {
    text.append("csv2ddb debug:   ").append(header.name).append(": ");
    text.append(is_secret_header(header.name) ? std::string_view("<redacted>")
                                              : std::string_view(header.value));
    text.append("\n");
  }
  write_block(text);
}

}  // namespace csv2ddb::aws
