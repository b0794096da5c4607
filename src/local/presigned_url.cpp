#include "local/presigned_url.hpp"

#include "aws/endpoints.hpp"
#include "aws/sigv4.hpp"

namespace csv2ddb::local {

std::string presigned_s3_path(const ControlPlane& control, const std::string& host,
                              const std::string& method, const std::string& bucket,
                              const std::string& key, std::chrono::seconds expires) {
  aws::SignableRequest request;
  request.method = method;
  request.path = "/" + aws::encode_s3_key(bucket) + "/" + aws::encode_s3_key(key);
  request.headers.push_back({"Host", host});
  aws::SigningConfig config =
      aws::SigningConfig::s3(control.region, control.admin, std::chrono::system_clock::now());
  config.signed_body_value = "UNSIGNED-PAYLOAD";
  config.expires = expires;
  auto signed_request = aws::presign_with_query(request, config);
  if (!signed_request) return "";
  return request.path + "?" + signed_request->presigned_query;
}

}  // namespace csv2ddb::local
