// adapter.h - what every source adapter implements, and where its records go.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "atlas/index.h"
#include "schema/record.h"

namespace atlas::detail {

// Receives an adapter's records and issues.  The indexer implements it.
class RecordSink {
  public:
    virtual ~RecordSink() = default;
    // A record read from the source.
    virtual void add(Record record) = 0;
    // A previous generation's record kept because its file was rejected now.
    virtual void add_carried(Record record) = 0;
    // An error with a record id means that record was rejected.
    virtual void report(IngestIssue issue) = 0;
    // The previous generation's version of record `id`, if there is one.
    virtual std::optional<Record> previous(const std::string& id) = 0;
    // The ids of the previous generation's records that this source read from
    // `file` (relative to the source root): what a whole-file failure would
    // lose, for sources that keep many records in one file.
    virtual std::vector<std::string> previous_ids_from_file(const std::string& file) = 0;
    // The ids of the previous generation's records that this source read from
    // files under `folder` (relative to the source root, no trailing '/'):
    // what a folder that cannot be read would lose.
    virtual std::vector<std::string> previous_ids_under(const std::string& folder) = 0;
};

class Adapter {
  public:
    virtual ~Adapter() = default;
    virtual std::string_view name() const = 0;
    // A quick estimate of how many records read() will produce (a scan of file
    // names, no parsing), for progress and ETA.  0 if unknown.
    virtual std::uint64_t estimate() = 0;
    // Reads every record into `sink`.  Bad files are reported to the sink and
    // skipped; an Error is returned only when the source as a whole cannot be
    // read (its root is missing or unreadable).
    virtual Status read(RecordSink& sink) = 0;
};

// The adapter for `spec.name`, or nullptr if there is none.
std::unique_ptr<Adapter> make_adapter(const SourceSpec& spec);

}  // namespace atlas::detail
