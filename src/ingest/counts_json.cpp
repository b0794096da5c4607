#include "ingest/counts_json.hpp"

#include <cmath>
#include <cstdio>

#include "model/json_members.hpp"

namespace csv2ddb::ingest {
namespace {

struct FieldSpec {
  std::string_view name;
  std::uint64_t Counts::*count = nullptr;  // a whole number, or
  double Counts::*real = nullptr;          // a real, written with `decimals` when rounded
  int decimals = 0;
};

FieldSpec spec_of(CountField field) {
  switch (field) {
    case CountField::kRowsRead:
      return {"rows_read", &Counts::rows_read};
    case CountField::kRowsWritten:
      return {"rows_written", &Counts::rows_written};
    case CountField::kRowsRejected:
      return {"rows_rejected", &Counts::rows_rejected};
    case CountField::kRowsUnprocessed:
      return {"rows_unprocessed", &Counts::rows_unprocessed};
    case CountField::kRowsSkipped:
      return {"rows_skipped", &Counts::rows_skipped};
    case CountField::kRowsConflicts:
      return {"rows_conflicts", &Counts::rows_conflicts};
    case CountField::kBytesRead:
      return {"bytes_read", &Counts::bytes_read};
    case CountField::kSeconds:
      return {"seconds", nullptr, &Counts::seconds, 3};
    case CountField::kRequests:
      return {"requests", &Counts::requests};
    case CountField::kRetries:
      return {"retries", &Counts::retries};
    case CountField::kThrottles:
      return {"throttles", &Counts::throttles};
    case CountField::kConsumedWcu:
      return {"consumed_wcu", nullptr, &Counts::consumed_wcu, 1};
  }
  return {};
}

}  // namespace

std::string_view count_field_name(CountField field) {
  return spec_of(field).name;
}

std::string format_decimal(double value, int decimals) {
  if (!std::isfinite(value)) value = 0;
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  std::string number(text);
  if (number.find('.') != std::string::npos) {
    while (number.back() == '0') number.pop_back();
    if (number.back() == '.') number.pop_back();
  }
  if (number == "-0") number = "0";
  return number;
}

void append_counts(model::JsonWriter& json, const Counts& counts, CountFields fields,
                   NumberForm form, bool first) {
  for (CountField field : fields) {
    const FieldSpec spec = spec_of(field);
    if (!first) json.ch(',');
    first = false;
    json.ch('"');
    json.raw(spec.name);
    json.raw("\":");
    if (spec.count != nullptr) {
      json.raw(std::to_string(counts.*spec.count));
    } else if (form == NumberForm::kExact) {
      json.raw(model::exact_number(counts.*spec.real));
    } else {
      json.raw(format_decimal(counts.*spec.real, spec.decimals));
    }
  }
}

Status read_counts(const model::JsonValue& object, CountFields fields, Counts& counts) {
  for (CountField field : fields) {
    const FieldSpec spec = spec_of(field);
    if (spec.count != nullptr) {
      Result<std::uint64_t> value = model::count_member(object, spec.name);
      if (!value) return value.take_error();
      counts.*spec.count = *value;
    } else {
      Result<double> value = model::non_negative_member(object, spec.name);
      if (!value) return value.take_error();
      counts.*spec.real = *value;
    }
  }
  return {};
}

}  // namespace csv2ddb::ingest
