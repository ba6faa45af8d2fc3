// bitmap_source.h - a Xapian posting source over a bitmap of docids.
//
// Lets Xapian rank within a match set the columns computed (filters, ranges,
// children) without evaluating those conditions again per document.  It
// contributes no weight: it filters.
#pragma once

#include <xapian.h>

#include <memory>

#include "bitmap.h"

namespace atlas::detail {

class BitmapSource final : public Xapian::PostingSource {
  public:
    explicit BitmapSource(std::shared_ptr<const Bitmap> docs);

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
    std::shared_ptr<const Bitmap> docs_;
    roaring_uint32_iterator_t it_{};
    bool started_ = false;
    bool at_end_ = true;
};

}  // namespace atlas::detail
