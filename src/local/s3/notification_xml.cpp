#include "local/s3/notification_xml.hpp"

#include "local/s3/s3_errors.hpp"

namespace csv2ddb::local::s3 {

Result<aws::NotificationConfiguration> parse_notification_document(std::string_view xml) {
  // An empty body is not a document here, whatever S3 answers for "none".
  if (xml.find_first_not_of(" \t\r\n") == std::string_view::npos) return malformed_xml();
  auto parsed = aws::parse_notification_configuration(xml);
  if (!parsed) return malformed_xml();
  return parsed;
}

std::string notification_document_xml(const aws::NotificationConfiguration& configuration) {
  return aws::notification_configuration_xml(configuration, aws::LambdaSpelling::kAsS3Answers);
}

}  // namespace csv2ddb::local::s3
