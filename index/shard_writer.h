// shard_writer.h - writes the Xapian index as shards, one writer thread each.
//
// Xapian has one writer per database, and turning records into postings is
// most of a build's work; so a generation's xapian/ holds K shard databases,
// each written by its own thread, and a stub file (xapian/XAPIANDB) that
// opens them as one database (DESIGN.md "shards").  Document n of the build
// goes to shard (n-1) mod K as that shard's document (n-1)/K + 1, which is
// exactly where Xapian's interleaved numbering of a multi-database puts
// docid n: docids are the order records were added, whatever K is, so the
// catalog and the column file can name documents by it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "atlas/error.h"
#include "schema/record.h"

namespace atlas::detail {

class StageClock;

class ShardWriter {
  public:
    // Creates <generation>/xapian with `shards` empty shard databases and
    // their stub file, and a display file per shard
    // (schema/display_file.h).  Errors: io.
    static Result<std::unique_ptr<ShardWriter>> create(const std::filesystem::path& generation,
                                                       unsigned shards);
    // An update of `previous` (a finished generation) into `generation`:
    // each shard's new documents go to a shard of their own (xapian/delta-K),
    // numbered after the previous shard's, which finish() merges with the
    // previous shard into shard-K (one compaction; the previous generation
    // is only read); the display files are copies appended to.  The next
    // document added is the previous generation's doc count + 1, in the shard
    // that numbering gives it (shard count: the previous one's).
    // Errors: io, corrupt (a shard does not hold its share of the documents).
    static Result<std::unique_ptr<ShardWriter>> append(const std::filesystem::path& generation,
                                                       const std::filesystem::path& previous);
    ~ShardWriter();  // stops the threads (without committing) if finish() was not called

    // Queues `record` as the next document (docid = documents added so far);
    // blocks while that shard's queue is full.  Errors: internal (a shard
    // thread failed: the build cannot go on).
    Status add(Record record);
    std::uint32_t added() const;

    // Waits for every queued document, stores `metadata` (in shard 0, which
    // the combined database reads it from), commits every shard and compacts
    // it (full 64 KiB blocks, docids kept), each shard on its own thread;
    // adds the shard threads' stages to `clock`.  Errors: io, internal.
    Status finish(const std::map<std::string, std::string>& metadata, StageClock& clock);

    ShardWriter(const ShardWriter&) = delete;
    ShardWriter& operator=(const ShardWriter&) = delete;

  private:
    struct Impl;
    explicit ShardWriter(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Shards for a build on this machine: one per core, at most 4, at least 1.
unsigned default_shard_count();

}  // namespace atlas::detail
