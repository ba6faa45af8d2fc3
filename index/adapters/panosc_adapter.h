// panosc_adapter.h - PaNOSC search-API databases: LoopBack-3 memory-connector dumps (db.json).
//
// The root is a directory.  Every `*.json` file under it (recursively, in
// sorted path order) that is an object with a "models" key is a dump:
//   {"ids": {...}, "models": {"Dataset": {"<pid>": "<record as JSON text>"}, ...}}
// Records are JSON text in the search-api and federated-search copies and
// JSON objects in others (jirzi0/human-organ-atlas); both are read.  JSON
// files without "models" (the search UI's filters.json) are not dumps and are
// skipped silently; a file that is not JSON at all is an error.
//
// Each dump is a database of its own: relations (DatasetTechnique,
// DocumentDataset, Member, Parameter, File, ...) are resolved within the file
// they are in.  Records, by kind:
//   panosc:document:<pid>      members as authors, datasets' facts rolled up
//   panosc:dataset:<pid>       instrument, techniques, samples, parameters, files
//   panosc:file:<dataset pid>/<file name>
//   panosc:instrument:<pid>, panosc:technique:<pid>, panosc:sample:<pid>
// A file is named by its dataset and its name, not by its numeric id: the id
// is a per-dump counter (copies of one database reuse it for other files) and
// real dumps repeat it (jirzi0's db.json gives ten files the id 4), while a
// name is unique within its dataset, as files in a dataset folder are.
//
// Copies of one database share pids.  When two files give the same id, the
// first in sorted path order wins and the later one is reported as an error
// naming both files.
//
// Parameters ({name, value, unit|units}) are also typed: photon energy,
// sample temperature, wavelength and sample pressure are stored in SI (the
// source's number and unit are kept as the value's text and unit); chemical
// formula and sample state as keywords.  Every parameter is also a
// `parameter` keyword "name = value unit".
#pragma once

#include <filesystem>
#include <memory>

#include "adapter.h"

namespace atlas::detail {

std::unique_ptr<Adapter> make_panosc_adapter(const std::filesystem::path& root);

}  // namespace atlas::detail
