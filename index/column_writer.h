// column_writer.h - collects each indexed record's facet values, numbers and
// place in the hierarchy, and writes the generation's column file
// (schema/column_format.h) when the build is done.
//
// Memory: about 8 bytes per facet value and 12 per number of every record,
// plus each record's id and folded title, until write() (at 10^6 records of
// the real mix, a few hundred MB).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "atlas/error.h"
#include "schema/record.h"
#include "top_lists.h"

namespace atlas::detail {

class ColumnWriter {
  public:
    ColumnWriter();

    // Records `record` as document `docid`, once per docid, in any order (an
    // update adds its unchanged records at their old docids and the changed
    // ones at new docids past the previous generation's).  A docid no record
    // is added at, up to the largest one or set_doc_count(), is deleted: the
    // file lists it (live.deleted) and it has no value, kind or place.
    void add(std::uint32_t docid, const Record& record);
    // Makes the file cover docids 1..n (n at least the largest added): an
    // update whose last documents were deleted.
    void set_doc_count(std::uint32_t n);
    std::uint32_t doc_count() const { return static_cast<std::uint32_t>(docs_.size()); }

    // Each document's kind, as an index into `names` (filled): kind_of[docid - 1];
    // kNoKind for a deleted document.
    std::vector<std::uint16_t> kinds(std::vector<std::string>& names) const;

    // Each document's rank in the order of equal relevance scores
    // (document_mapper.h rank_tie_key; equal keys, equal rank): tie_rank[docid].
    const std::vector<std::uint32_t>& tie_ranks();

    // The frequent terms' top lists (top_lists.h), sorted by term, then kind.
    void set_top_lists(std::vector<TopList> lists) { top_lists_ = std::move(lists); }

    // Writes the column file to `path` (and fsyncs it).  Errors: io.
    Status write(const std::string& path);

    static constexpr std::uint16_t kNoKind = UINT16_MAX;

  private:
    struct Facet {
        std::string field;
        std::unordered_map<std::string, std::uint32_t> code_of;  // exact -> code
        std::vector<std::string> exact;                          // by code
        std::vector<std::string> display;                        // by code
        std::vector<std::uint32_t> docids;                       // pairs, by docid
        std::vector<std::uint32_t> codes;
    };
    struct Number {
        std::string field;
        std::vector<std::uint32_t> docids;
        std::vector<double> values;
    };
    struct Doc {
        std::string id;
        std::string parent;
        std::string group;  // dataset ancestor id, empty = itself
        std::string title;  // folded
        int kind_rank = INT32_MAX;  // deleted documents browse last
        std::uint16_t kind = kNoKind;  // index in kind_names_
        std::string tie;               // rank_tie_key
        bool live = false;             // a record was added at this docid
    };

    std::vector<Facet> facets_;    // one per facet field, in schema order
    std::vector<Number> numbers_;  // one per number/date field, in schema order
    std::unordered_map<std::string, std::size_t> facet_of_;   // field -> index
    std::unordered_map<std::string, std::size_t> number_of_;  // field -> index
    std::vector<Doc> docs_;  // by docid - 1
    bool in_order_ = true;   // docids were added ascending (pairs need no sort)
    std::vector<TopList> top_lists_;
    std::vector<std::string> kind_names_;
    std::vector<std::uint32_t> tie_ranks_;  // computed on first use
    std::unordered_map<std::string, std::uint16_t> kind_code_;

    // write()'s steps, in the order of the file's sections (column_format.h).
    // A facet, a number field and the top lists are freed once written.
    class FileBuilder;
    void write_orders(FileBuilder& file);                         // order.*
    void write_tree(FileBuilder& file) const;                     // tree.*
    static void write_facet(FileBuilder& file, Facet& f);         // f.<field>.*
    static void write_number(FileBuilder& file, Number& number);  // n.<field>.*
    void write_top_lists(FileBuilder& file);                      // rank.*
    void write_deleted(FileBuilder& file) const;                  // live.deleted
    void sort_by_docid();  // the pairs of an update, added out of docid order
};

}  // namespace atlas::detail
