// The notification configuration document as the local S3 reads and stores it: the client's
// codec (aws/s3_notification.hpp), with S3's own error for a document it cannot use and S3's
// spelling of Lambda targets (<CloudFunctionConfiguration>) in what it answers.
#pragma once

#include <string>
#include <string_view>

#include "aws/s3_notification.hpp"
#include "common/result.hpp"

namespace csv2ddb::local::s3 {

// Errors: MalformedXML (not XML, or another root element).
Result<aws::NotificationConfiguration> parse_notification_document(std::string_view xml);
std::string notification_document_xml(const aws::NotificationConfiguration& configuration);

}  // namespace csv2ddb::local::s3
