// range_source.h - a Xapian posting source for ranges over multi-valued number slots.
//
// A number slot holds all of a record's values for the field (schema/schema.h:
// packed doubles), so a dataset whose runs have voxel spacings 7.8 and 13.5 Å
// matches voxel_spacing:..10.  Xapian's own value ranges compare one string per
// slot; this source decodes the values and accepts a document when any value
// lies in the range.  It contributes no weight: it filters.
#pragma once

#include <xapian.h>

namespace atlas::detail {

class MultiValueRangeSource final : public Xapian::ValuePostingSource {
  public:
    MultiValueRangeSource(Xapian::valueno slot_no, double lo, bool lo_inclusive, double hi,
                          bool hi_inclusive);

    void init(const Xapian::Database& database) override;
    void next(double min_wt) override;
    void skip_to(Xapian::docid min_docid, double min_wt) override;
    bool check(Xapian::docid min_docid, double min_wt) override;
    MultiValueRangeSource* clone() const override;
    std::string name() const override { return "atlas::MultiValueRangeSource"; }
    std::string get_description() const override;

  private:
    bool accepts(const std::string& packed) const;
    // Advances past values outside the range.
    void settle();

    double lo_;
    bool lo_inclusive_;
    double hi_;
    bool hi_inclusive_;
};

}  // namespace atlas::detail
