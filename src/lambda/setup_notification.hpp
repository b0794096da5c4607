// Handler "setup-notification": the CloudFormation custom resource that points the bucket's
// ObjectCreated notifications at the import function.
//
// ResourceProperties: BucketName, LambdaArn, and optionally Suffix (default ".csv"; the handler
// also checks, so ".csv.gz" objects reach it only if a second resource adds that suffix).
// Create/Update merge one LambdaFunctionConfiguration, whose Id is fixed per stack and logical
// id, into the bucket's configuration and keep every other entry; Update moving to another
// bucket removes ours from the old one; Delete removes only ours (a bucket already gone is a
// success, so a stack can always be deleted). Every path answers the ResponseURL: SUCCESS, or
// FAILED with the reason. The invocation itself fails only when that answer could not be sent.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "aws/http_client.hpp"
#include "aws/s3_client.hpp"
#include "aws/s3_notification.hpp"
#include "lambda/invocation.hpp"

namespace csv2ddb::lambda {

struct SetupNotificationClients {
  std::shared_ptr<aws::S3Client> s3;
  std::shared_ptr<aws::HttpClient> http;  // for the ResponseURL
};

InvocationResponse handle_setup_notification(const InvocationRequest& request,
                                             const SetupNotificationClients& clients);

// "csv2ddb-<stack name>-<logical id>", at most 255 characters (S3's limit for an Id).
std::string notification_id(std::string_view stack_id, std::string_view logical_resource_id);

// `configuration` with `ours` in place of an entry of the same Id (or appended).
aws::NotificationConfiguration merge_notification(aws::NotificationConfiguration configuration,
                                                  const aws::NotificationTarget& ours);
// `configuration` without our Lambda configurations: Id `id`, and `id`-2, `id`-3... (one per
// suffix).
aws::NotificationConfiguration remove_notification(aws::NotificationConfiguration configuration,
                                                   std::string_view id);

}  // namespace csv2ddb::lambda
