// bitmap_source.h - a Xapian posting source over a bitmap of docids.
//
// Lets Xapian rank within a match set the columns computed (filters, ranges,
// children) without evaluating those conditions again per document.  It
// contributes no weight: it filters.
//
// An index is K shards opened as one database (index/shard_writer.h); Xapian
// gives a posting source each shard in turn, with that shard's own docids:
// combined docid d is shard (d-1) % K's document (d-1) / K + 1.  The source
// tells the shards apart by their UUIDs.
#pragma once

#include <xapian.h>

#include <memory>
#include <string>
#include <unordered_map>

#include "bitmap.h"

namespace atlas::detail {

// Which shard a sub-database is, by UUID; one shard (or none known) = a plain database.
struct ShardMap {
    unsigned count = 1;
    std::unordered_map<std::string, unsigned> index_of_uuid;
};

class BitmapSource final : public Xapian::PostingSource {
  public:
    BitmapSource(std::shared_ptr<const Bitmap> docs, std::shared_ptr<const ShardMap> shards);

    void init(const Xapian::Database& db) override;
    Xapian::doccount get_termfreq_min() const override;
    Xapian::doccount get_termfreq_est() const override;
    Xapian::doccount get_termfreq_max() const override;
    void next(double min_wt) override;
    void skip_to(Xapian::docid did, double min_wt) override;
    bool at_end() const override;
    Xapian::docid get_docid() const override;
    BitmapSource* clone() const override;
    std::string get_description() const override;

  private:
    // Moves to the first combined docid >= `from` that is in this shard.
    void settle_from(std::uint32_t from);

    std::shared_ptr<const Bitmap> docs_;
    std::shared_ptr<const ShardMap> shards_;
    unsigned k_ = 0;      // this shard
    unsigned count_ = 1;  // shards
    roaring_uint32_iterator_t it_{};
    bool started_ = false;
    bool at_end_ = true;
};

}  // namespace atlas::detail
