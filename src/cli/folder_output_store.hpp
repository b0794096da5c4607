// The outcome files of `csv2ddb ingest` in a folder on disk (its DestinationStore's local
// destinations). Keys may contain '/', which become sub-folders; keys that would leave the root
// ("..", absolute) are refused. Objects are written beside their final path and renamed into
// place on commit.
#pragma once

#include <memory>
#include <string>

#include "ingest/output_store.hpp"

namespace csv2ddb::cli {

std::unique_ptr<ingest::OutputStore> make_folder_output_store(std::string root);

}  // namespace csv2ddb::cli
