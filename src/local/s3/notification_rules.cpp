#include "local/s3/notification_rules.hpp"

#include <array>

namespace csv2ddb::local::s3 {
namespace {

// The event types S3 accepts in a notification configuration.
constexpr std::array<std::string_view, 27> kEventNames{
    "s3:ObjectCreated:*",
    "s3:ObjectCreated:Put",
    "s3:ObjectCreated:Post",
    "s3:ObjectCreated:Copy",
    "s3:ObjectCreated:CompleteMultipartUpload",
    "s3:ObjectRemoved:*",
    "s3:ObjectRemoved:Delete",
    "s3:ObjectRemoved:DeleteMarkerCreated",
    "s3:ObjectRestore:*",
    "s3:ObjectRestore:Post",
    "s3:ObjectRestore:Completed",
    "s3:ObjectRestore:Delete",
    "s3:ReducedRedundancyLostObject",
    "s3:Replication:*",
    "s3:Replication:OperationFailedReplication",
    "s3:Replication:OperationNotTracked",
    "s3:Replication:OperationMissedThreshold",
    "s3:Replication:OperationReplicatedAfterThreshold",
    "s3:LifecycleExpiration:*",
    "s3:LifecycleExpiration:Delete",
    "s3:LifecycleExpiration:DeleteMarkerCreated",
    "s3:LifecycleTransition",
    "s3:IntelligentTiering",
    "s3:ObjectTagging:*",
    "s3:ObjectTagging:Put",
    "s3:ObjectTagging:Delete",
    "s3:ObjectAcl:Put",
};

bool known_event(std::string_view name) {
  for (std::string_view known : kEventNames) {
    if (known == name) return true;
  }
  return false;
}

// "arn:aws:lambda:us-east-1:123456789012:function:name", "arn:aws:sqs:...:queue",
// "arn:aws:sns:...:topic": six or more colon-separated fields starting with arn.
bool well_formed_arn(std::string_view arn, std::string_view service) {
  if (!arn.starts_with("arn:")) return false;
  std::array<std::string_view, 5> fields{};
  std::size_t start = 0;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const auto colon = arn.find(':', start);
    if (colon == std::string_view::npos) return false;
    fields[i] = arn.substr(start, colon - start);
    start = colon + 1;
  }
  return !fields[1].empty() && fields[2] == service && start < arn.size();
}

struct KeyFilter {
  std::string prefix;
  std::string suffix;
};

// S3 takes a rule's name in any case ("prefix", "Prefix", "PREFIX"): the same test decides how
// a rule is validated and how it is matched.
std::string lower_case(std::string_view text) {
  std::string out;
  for (char c : text) out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
  return out;
}

Result<KeyFilter> filter_of(const aws::NotificationTarget& target) {
  KeyFilter out;
  bool has_prefix = false;
  bool has_suffix = false;
  for (const aws::NotificationFilterRule& rule : target.filter_rules) {
    const std::string name = lower_case(rule.name);
    if (name == "prefix") {
      if (has_prefix) {
        return make_error("InvalidArgument",
                          "Cannot specify more than one prefix rule in a filter.");
      }
      has_prefix = true;
      out.prefix = rule.value;
    } else if (name == "suffix") {
      if (has_suffix) {
        return make_error("InvalidArgument",
                          "Cannot specify more than one suffix rule in a filter.");
      }
      has_suffix = true;
      out.suffix = rule.value;
    } else {
      return make_error("InvalidArgument", "filter rule name must be either prefix or suffix");
    }
  }
  return out;
}

bool events_overlap(const aws::NotificationTarget& a, const aws::NotificationTarget& b) {
  for (const std::string& x : a.events) {
    for (const std::string& y : b.events) {
      if (event_name_covers(x, y) || event_name_covers(y, x)) return true;
    }
  }
  return false;
}

// Two filters overlap when some key could match both: their prefixes are prefixes of one
// another and their suffixes are suffixes of one another (an absent rule matches everything).
bool filters_overlap(const KeyFilter& a, const KeyFilter& b) {
  const bool prefixes = a.prefix.starts_with(b.prefix) || b.prefix.starts_with(a.prefix);
  const bool suffixes = a.suffix.ends_with(b.suffix) || b.suffix.ends_with(a.suffix);
  return prefixes && suffixes;
}

struct Checked {
  const aws::NotificationTarget* target;
  KeyFilter filter;
};

}  // namespace

bool event_name_covers(std::string_view configured, std::string_view event) {
  if (configured == event) return true;
  if (configured.ends_with(":*")) {
    const std::string_view family = configured.substr(0, configured.size() - 1);  // "...:"
    return event.starts_with(family);
  }
  return false;
}

bool filter_matches(const std::vector<aws::NotificationFilterRule>& rules, std::string_view key) {
  for (const aws::NotificationFilterRule& rule : rules) {
    const bool prefix = lower_case(rule.name) == "prefix";
    if (prefix ? !key.starts_with(rule.value) : !key.ends_with(rule.value)) return false;
  }
  return true;
}

Status validate_notification(const aws::NotificationConfiguration& configuration) {
  std::vector<Checked> all;
  const std::array<std::pair<const std::vector<aws::NotificationTarget>*, std::string_view>, 3>
      kinds{{{&configuration.lambda_functions, "lambda"},
             {&configuration.queues, "sqs"},
             {&configuration.topics, "sns"}}};
  for (const auto& [targets, service] : kinds) {
    for (const aws::NotificationTarget& target : *targets) {
      if (target.events.empty()) {
        return make_error("InvalidArgument", "At least one event must be specified.");
      }
      for (const std::string& event : target.events) {
        if (!known_event(event)) {
          return make_error("InvalidArgument", "The event is not supported for notifications");
        }
      }
      if (!well_formed_arn(target.arn, service)) {
        return make_error("InvalidArgument",
                          "Unable to validate the following destination configurations");
      }
      auto filter = filter_of(target);
      if (!filter) return filter.take_error();
      all.push_back({&target, std::move(*filter)});
    }
  }
  for (std::size_t i = 0; i < all.size(); ++i) {
    for (std::size_t j = i + 1; j < all.size(); ++j) {
      if (events_overlap(*all[i].target, *all[j].target) &&
          filters_overlap(all[i].filter, all[j].filter)) {
        return make_error("InvalidArgument",
                          "Configurations overlap. Configurations on the same bucket cannot share "
                          "a common event type.");
      }
    }
  }
  return {};
}

std::vector<MatchedTarget> matching_targets(const aws::NotificationConfiguration& configuration,
                                            std::string_view event_name, std::string_view key) {
  std::vector<MatchedTarget> out;
  for (const auto* targets :
       {&configuration.lambda_functions, &configuration.queues, &configuration.topics}) {
    for (const aws::NotificationTarget& target : *targets) {
      bool covered = false;
      for (const std::string& configured : target.events) {
        covered = covered || event_name_covers(configured, event_name);
      }
      if (covered && filter_matches(target.filter_rules, key)) {
        out.push_back({target.id, target.arn});
      }
    }
  }
  return out;
}

}  // namespace csv2ddb::local::s3
