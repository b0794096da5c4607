#include "ingest/record_source.hpp"

namespace csv2ddb::ingest {

const std::vector<std::string>& RecordSource::header() const {
  static const std::vector<std::string> none;
  return none;
}

}  // namespace csv2ddb::ingest
