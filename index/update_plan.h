// update_plan.h - an update: which records changed since the current generation.
//
// atlas-index build reads every source as always, and compares each record's
// content hash (record.h content_hash of its JSON) and carried-over flag
// with what the current generation's catalog holds under its id.  An
// unchanged record keeps its docid and is not written again: its Xapian
// document, display data and catalog row are in the copies the update starts
// from.  A changed or new record is written at the next docid past the
// current generation's; the docids of changed and removed records are
// deleted (column_format.h live.deleted).  Past a limit of changes, or of
// deleted docids, the update gives way to a full build (DESIGN.md
// "Incremental builds").
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "atlas/error.h"
#include "atlas/index.h"

namespace atlas::detail {

class Catalog;

// What an update keeps of a record.
struct Kept {
    enum class Verdict { unchanged, changed, added } verdict = Verdict::added;
    std::uint32_t docid = 0;  // unchanged: its docid, which it keeps
};

class UpdatePlan {
  public:
    // The current generation's records, read from its catalog; `docids` is
    // its document count (deleted docids included).  An update is abandoned
    // when its changed, added and removed records pass `max_changed` of the
    // current records, or when its deleted docids would pass a quarter of
    // all.  Errors: corrupt.
    static Result<UpdatePlan> read(Catalog& current, std::uint32_t docids, double max_changed);

    // What becomes of record `id` with content hash `hash`; counts it.  Call
    // once per id (the build rejects a second record of an id before).
    Kept keep(const std::string& id, const std::string& hash, bool carried_over);

    // The current generation's records not seen since read(): removed.
    // Call once, after every source was read.
    std::vector<std::string> removed();

    // Whether the changes counted so far pass the limits: the build should
    // start over as a full one.
    bool too_many() const;

    // The counts for the report (BuildReport::update).
    UpdateSummary summary() const;

  private:
    struct Stored {
        std::uint32_t docid = 0;
        std::string hash;
        bool carried_over = false;
        bool seen = false;
    };
    std::unordered_map<std::string, Stored> stored_;
    std::uint32_t docids_ = 0;  // the current generation's docids, deleted ones included
    double max_changed_ = 0;
    UpdateSummary counts_;
};

}  // namespace atlas::detail
