// bitmap_source.cpp - BitmapSource: a roaring iterator behind Xapian's posting-source API.
#include "bitmap_source.h"

#include <fmt/format.h>

namespace atlas::detail {

BitmapSource::BitmapSource(std::shared_ptr<const Bitmap> docs, std::shared_ptr<const ShardMap> shards)
    : docs_(std::move(docs)), shards_(std::move(shards)) {}

void BitmapSource::init(const Xapian::Database& db) {
    k_ = 0;
    count_ = 1;
    if (shards_ && shards_->count > 1) {
        auto it = shards_->index_of_uuid.find(db.get_uuid());
        if (it == shards_->index_of_uuid.end()) {
            throw Xapian::InvalidArgumentError("BitmapSource: a shard the index does not list");
        }
        k_ = it->second;
        count_ = shards_->count;
    }
    roaring_init_iterator(docs_->raw(), &it_);
    started_ = false;
    settle_from(1);
}

void BitmapSource::settle_from(std::uint32_t from) {
    if (it_.has_value && it_.current_value < from) roaring_move_uint32_iterator_equalorlarger(&it_, from);
    while (it_.has_value && (it_.current_value - 1) % count_ != k_) {
        roaring_advance_uint32_iterator(&it_);
    }
    at_end_ = !it_.has_value;
}

// Estimates: this shard's share of the set.
Xapian::doccount BitmapSource::get_termfreq_min() const { return 0; }
Xapian::doccount BitmapSource::get_termfreq_est() const {
    return static_cast<Xapian::doccount>(docs_->size() / count_);
}
Xapian::doccount BitmapSource::get_termfreq_max() const {
    return static_cast<Xapian::doccount>(docs_->size());
}

// Xapian calls next() once before reading the first docid.
void BitmapSource::next(double) {
    if (!started_) {
        started_ = true;
        return;
    }
    if (!it_.has_value) {
        at_end_ = true;
        return;
    }
    roaring_advance_uint32_iterator(&it_);
    settle_from(0);
}

void BitmapSource::skip_to(Xapian::docid did, double) {
    started_ = true;
    settle_from(static_cast<std::uint32_t>((did - 1) * count_ + k_ + 1));
}

bool BitmapSource::at_end() const { return at_end_; }

Xapian::docid BitmapSource::get_docid() const { return (it_.current_value - 1) / count_ + 1; }

BitmapSource* BitmapSource::clone() const { return new BitmapSource(docs_, shards_); }

std::string BitmapSource::get_description() const {
    return fmt::format("atlas::BitmapSource({} docs, shard {} of {})", docs_->size(), k_, count_);
}

}  // namespace atlas::detail
