// Steps 5 to 7 of SigV4 (string to sign, signing key, signature) and the two signing forms.
#include <algorithm>
#include <utility>

#include "aws/sigv4.hpp"

namespace csv2ddb::aws {
namespace {

Status check_config(const SigningConfig& config) {
  if (config.region.empty()) return make_error("InvalidSigningConfig", "no region to sign for");
  if (config.service.empty()) return make_error("InvalidSigningConfig", "no service to sign for");
  if (config.credentials.access_key_id.empty() || config.credentials.secret_access_key.empty()) {
    return make_error("InvalidSigningConfig", "no credentials to sign with");
  }
  return {};
}

std::string payload_hash_for(const SignableRequest& request, const SigningConfig& config) {
  if (!config.signed_body_value.empty()) return config.signed_body_value;
  if (!request.payload_hash.empty()) return request.payload_hash;
  return std::string(kEmptySha256Hex);
}

int two_digits(std::string_view text, std::size_t at) {
  const char a = text[at];
  const char b = text[at + 1];
  if (a < '0' || a > '9' || b < '0' || b > '9') return -1;
  return (a - '0') * 10 + (b - '0');
}

}  // namespace

SigningConfig SigningConfig::s3(std::string region, Credentials credentials,
                                std::chrono::system_clock::time_point time) {
  SigningConfig config;
  config.region = std::move(region);
  config.service = "s3";
  config.time = time;
  config.credentials = std::move(credentials);
  config.double_uri_encode = false;
  config.normalize_path = false;
  config.add_content_sha256_header = true;
  return config;
}

SigningConfig SigningConfig::standard(std::string service, std::string region,
                                      Credentials credentials,
                                      std::chrono::system_clock::time_point time) {
  SigningConfig config;
  config.region = std::move(region);
  config.service = std::move(service);
  config.time = time;
  config.credentials = std::move(credentials);
  return config;
}

std::string amz_date(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  const auto seconds = floor<std::chrono::seconds>(time);
  const auto day = floor<days>(seconds);
  const year_month_day ymd{day};
  const hh_mm_ss hms{seconds - day};
  // Written digit by digit: this runs for every request signed, and snprintf's format parsing
  // cost more than the rest of it. Years outside 0000-9999 do not occur in SigV4.
  std::string out(16, '0');
  const auto put = [&out](std::size_t at, unsigned value, int width) {
    for (int i = width - 1; i >= 0; --i) {
      out[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
  };
  put(0, static_cast<unsigned>(static_cast<int>(ymd.year())), 4);
  put(4, static_cast<unsigned>(ymd.month()), 2);
  put(6, static_cast<unsigned>(ymd.day()), 2);
  out[8] = 'T';
  put(9, static_cast<unsigned>(hms.hours().count()), 2);
  put(11, static_cast<unsigned>(hms.minutes().count()), 2);
  put(13, static_cast<unsigned>(hms.seconds().count()), 2);
  out[15] = 'Z';
  return out;
}

std::string amz_date_only(std::chrono::system_clock::time_point time) {
  return amz_date(time).substr(0, 8);
}

Result<std::chrono::system_clock::time_point> parse_amz_date(std::string_view text) {
  using namespace std::chrono;
  auto invalid = [&] {
    return make_error("InvalidDate", "expected a date like 20150830T123600Z, got '" +
                                         std::string(text.substr(0, 32)) + "'");
  };
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return invalid();
  const int century = two_digits(text, 0);
  const int year_in_century = two_digits(text, 2);
  const int month = two_digits(text, 4);
  const int day = two_digits(text, 6);
  const int hour = two_digits(text, 9);
  const int minute = two_digits(text, 11);
  const int second = two_digits(text, 13);
  if (century < 0 || year_in_century < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 ||
      second < 0 || hour > 23 || minute > 59 || second > 60) {
    return invalid();
  }
  const year_month_day ymd{year{century * 100 + year_in_century},
                           std::chrono::month{static_cast<unsigned>(month)},
                           std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return invalid();
  return system_clock::time_point{sys_days{ymd} + hours{hour} + minutes{minute} + seconds{second}};
}

std::string credential_scope(std::string_view date, std::string_view region,
                             std::string_view service) {
  std::string out;
  out.reserve(date.size() + region.size() + service.size() + 16);
  out.append(date);
  out.push_back('/');
  out.append(region);
  out.push_back('/');
  out.append(service);
  out.append("/aws4_request");
  return out;
}

std::string string_to_sign(std::string_view date_time, std::string_view scope,
                           std::string_view canonical) {
  std::string out;
  out.reserve(kSigV4Algorithm.size() + date_time.size() + scope.size() + 64 + 3);
  out.append(kSigV4Algorithm);
  out.push_back('\n');
  out.append(date_time);
  out.push_back('\n');
  out.append(scope);
  out.push_back('\n');
  append_hex(sha256(canonical), out);
  return out;
}

SigningKey derive_signing_key(std::string_view secret_access_key, std::string_view date,
                              std::string_view region, std::string_view service) {
  std::string initial_key;
  initial_key.reserve(secret_access_key.size() + 4);
  initial_key.append("AWS4");
  initial_key.append(secret_access_key);
  const Sha256Digest date_key = hmac_sha256(initial_key, date);
  std::fill(initial_key.begin(), initial_key.end(), '\0');  // don't leave the secret behind
  const Sha256Digest region_key = hmac_sha256(date_key, region);
  const Sha256Digest service_key = hmac_sha256(region_key, service);
  return hmac_sha256(service_key, "aws4_request");
}

std::string signature(const SigningKey& key, std::string_view text) {
  return hex_encode(hmac_sha256(key, text));
}

SigningKey SigningKeyCache::get(std::string_view secret_access_key, std::string_view date,
                                std::string_view region, std::string_view service) {
  const Sha256Digest secret_hash = sha256(secret_access_key);
  {
    std::lock_guard lock(mutex_);
    for (const Entry& entry : entries_) {
      if (entry.secret_hash == secret_hash && entry.date == date && entry.region == region &&
          entry.service == service) {
        return entry.key;
      }
    }
  }
  // Derive outside the lock; two threads racing on a miss both derive the same key.
  const SigningKey key = derive_signing_key(secret_access_key, date, region, service);
  std::lock_guard lock(mutex_);
  ++derivations_;
  Entry entry{secret_hash, std::string(date), std::string(region), std::string(service), key};
  if (entries_.size() < capacity_) {
    entries_.push_back(std::move(entry));
  } else if (capacity_ > 0) {
    entries_[next_victim_] = std::move(entry);
    next_victim_ = (next_victim_ + 1) % capacity_;
  }
  return key;
}

std::size_t SigningKeyCache::derivations() const {
  std::lock_guard lock(mutex_);
  return derivations_;
}

SigningKeyCache& SigningKeyCache::process_wide() {
  static SigningKeyCache cache;
  return cache;
}

Result<SignedRequest> sign_with_headers(const SignableRequest& request,
                                        const SigningConfig& config) {
  if (Status status = check_config(config); !status) return status.take_error();
  const std::string date_time = amz_date(config.time);
  const std::string payload_hash = payload_hash_for(request, config);
  const Credentials& credentials = config.credentials;
  const bool has_token = !credentials.session_token.empty();

  SignedRequest out;
  out.headers_to_add.push_back({"X-Amz-Date", date_time});
  if (has_token && config.sign_session_token) {
    out.headers_to_add.push_back({"X-Amz-Security-Token", credentials.session_token});
  }
  if (config.add_content_sha256_header) {
    out.headers_to_add.push_back({"x-amz-content-sha256", payload_hash});
  }

  // The headers we add replace any the caller set under the same names.
  HeaderList headers;
  headers.reserve(request.headers.size() + out.headers_to_add.size());
  for (const Header& header : request.headers) {
    const bool replaced = std::any_of(
        out.headers_to_add.begin(), out.headers_to_add.end(),
        [&](const Header& added) { return header_name_equals(added.name, header.name); });
    if (!replaced && !header_name_equals(header.name, "x-amz-security-token")) {
      headers.push_back(header);
    }
  }
  headers.insert(headers.end(), out.headers_to_add.begin(), out.headers_to_add.end());

  const CanonicalHeaders canonical = canonical_headers(headers);
  out.canonical_request =
      canonical_request(request.method, canonical_uri(request.path, config),
                        canonical_query_string(request.query), canonical, payload_hash);
  const std::string date = date_time.substr(0, 8);
  const std::string scope = credential_scope(date, config.region, config.service);
  out.string_to_sign = string_to_sign(date_time, scope, out.canonical_request);
  const SigningKey key = SigningKeyCache::process_wide().get(credentials.secret_access_key, date,
                                                             config.region, config.service);
  out.signature = signature(key, out.string_to_sign);

  out.authorization.reserve(160 + canonical.signed_headers.size());
  out.authorization.append(kSigV4Algorithm);
  out.authorization.append(" Credential=");
  out.authorization.append(credentials.access_key_id);
  out.authorization.push_back('/');
  out.authorization.append(scope);
  out.authorization.append(", SignedHeaders=");
  out.authorization.append(canonical.signed_headers);
  out.authorization.append(", Signature=");
  out.authorization.append(out.signature);

  if (has_token && !config.sign_session_token) {
    out.headers_to_add.push_back({"X-Amz-Security-Token", credentials.session_token});
  }
  out.headers_to_add.push_back({"Authorization", out.authorization});
  return out;
}

Result<SignedRequest> presign_with_query(const SignableRequest& request,
                                         const SigningConfig& config) {
  if (Status status = check_config(config); !status) return status.take_error();
  const std::string date_time = amz_date(config.time);
  const std::string date = date_time.substr(0, 8);
  const std::string scope = credential_scope(date, config.region, config.service);
  const Credentials& credentials = config.credentials;
  const bool has_token = !credentials.session_token.empty();
  const CanonicalHeaders canonical = canonical_headers(request.headers);

  // In the order they go on the wire; the canonical query sorts them anyway.
  std::vector<QueryParam> auth_params = {
      {"X-Amz-Algorithm", std::string(kSigV4Algorithm)},
      {"X-Amz-Credential", credentials.access_key_id + "/" + scope},
      {"X-Amz-Date", date_time},
      {"X-Amz-SignedHeaders", canonical.signed_headers},
      {"X-Amz-Expires", std::to_string(config.expires.count())},
  };
  if (has_token && config.sign_session_token) {
    auth_params.push_back({"X-Amz-Security-Token", credentials.session_token});
  }
  std::vector<QueryParam> all_params = parse_query(request.query);
  all_params.insert(all_params.end(), auth_params.begin(), auth_params.end());

  SignedRequest out;
  out.canonical_request = canonical_request(request.method, canonical_uri(request.path, config),
                                            canonical_query_string(all_params), canonical,
                                            payload_hash_for(request, config));
  out.string_to_sign = string_to_sign(date_time, scope, out.canonical_request);
  const SigningKey key = SigningKeyCache::process_wide().get(credentials.secret_access_key, date,
                                                             config.region, config.service);
  out.signature = signature(key, out.string_to_sign);

  if (has_token && !config.sign_session_token) {
    auth_params.push_back({"X-Amz-Security-Token", credentials.session_token});
  }
  auth_params.push_back({"X-Amz-Signature", out.signature});
  out.presigned_query = request.query;
  for (const QueryParam& param : auth_params) {
    if (!out.presigned_query.empty()) out.presigned_query.push_back('&');
    append_uri_encoded(param.key, false, out.presigned_query);
    out.presigned_query.push_back('=');
    append_uri_encoded(param.value, false, out.presigned_query);
  }
  return out;
}

}  // namespace csv2ddb::aws
