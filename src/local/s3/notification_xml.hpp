// The notification configuration document as S3 and botocore actually write it. Lambda
// targets travel as <CloudFunctionConfiguration> with the ARN in <CloudFunction> (botocore's
// model names them so, and S3 answers GetBucketNotificationConfiguration that way); the
// documented <LambdaFunctionConfiguration>/<LambdaFunctionArn> spelling is accepted on input
// too. aws::parse_notification_configuration reads only the latter, so the local S3 parses
// with this reader.
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
