// bitmap_source.cpp - BitmapSource: a roaring iterator behind Xapian's posting-source API.
#include "bitmap_source.h"

#include <fmt/format.h>

namespace atlas::detail {

BitmapSource::BitmapSource(std::shared_ptr<const Bitmap> docs) : docs_(std::move(docs)) {}

void BitmapSource::init(const Xapian::Database&) {
    roaring_init_iterator(docs_->raw(), &it_);
    started_ = false;
    at_end_ = !it_.has_value;
}

Xapian::doccount BitmapSource::get_termfreq_min() const {
    return static_cast<Xapian::doccount>(docs_->size());
}
Xapian::doccount BitmapSource::get_termfreq_est() const {
    return static_cast<Xapian::doccount>(docs_->size());
}
Xapian::doccount BitmapSource::get_termfreq_max() const {
    return static_cast<Xapian::doccount>(docs_->size());
}

// Xapian calls next() once before reading the first docid.
void BitmapSource::next(double) {
    if (!started_) {
        started_ = true;
    } else if (it_.has_value) {
        roaring_advance_uint32_iterator(&it_);
    }
    at_end_ = !it_.has_value;
}

void BitmapSource::skip_to(Xapian::docid did, double) {
    started_ = true;
    if (it_.has_value && it_.current_value < did) {
        roaring_move_uint32_iterator_equalorlarger(&it_, did);
    }
    at_end_ = !it_.has_value;
}

bool BitmapSource::at_end() const { return at_end_; }

Xapian::docid BitmapSource::get_docid() const { return it_.current_value; }

BitmapSource* BitmapSource::clone() const { return new BitmapSource(docs_); }

std::string BitmapSource::get_description() const {
    return fmt::format("atlas::BitmapSource({} docs)", docs_->size());
}

}  // namespace atlas::detail
