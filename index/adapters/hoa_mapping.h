// hoa_mapping.h - Human Organ Atlas dataset files -> dataset, donor and organ records, as a tree.
//
// hoa_adapter.cpp lists and loads the files, rejects the ones that cannot be
// used and brings back the previous generation's records of those.  Here:
// what a dataset file's fields become (schema 1.1, its units), and Tree, which
// assembles the donors, organs and datasets of one build, read or kept, and
// places them.  Invariants: each donor and organ id is emitted once; a
// dataset's breadcrumb is its parent's plus itself; context flows down (donor
// -> organ -> dataset, Origin::inherited) and facts flow up (dataset -> organ
// -> donor, Origin::rollup) only after every file is read (finish()).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hierarchy.h"
#include "json_reader.h"
#include "schema/record.h"

namespace atlas::detail::hoa {

inline constexpr std::string_view kSource = "hoa";
inline constexpr std::string_view kDonorPrefix = "hoa:donor:";
inline constexpr std::string_view kOrganPrefix = "hoa:organ:";
inline constexpr std::string_view kDatasetPrefix = "hoa:dataset:";

// hoa:organ:<donor>/<organ>[/<context>]
std::string organ_id(const std::string& donor, const std::string& organ,
                     const std::string& context);

// Reports what a dataset file has outside schema 1.1: unknown keys (at the top
// and in each section), sections that are not objects, another metadata_version.
void check_schema(const FieldReader& r);

// A dataset file's own values: dataset type, voxel size, storage links,
// sample, scan, proposal and citation fields.
void map_dataset(const FieldReader& r, Record& rec);
// A donor's values from the file's "donor" object (`d`'s paths are inside it).
void map_donor(const FieldReader& d, Record& rec);

// A dataset as this build has it: read from its file, or kept from the previous generation.
struct Scan {
    Record record;
    bool carried = false;
    std::string donor;              // donor id
    std::string organ_id;           // hoa:organ:...
    std::string type;               // overview, zoom or ""
    std::string target;             // registration.target_dataset, or ""
    std::size_t parent = SIZE_MAX;  // index of the dataset it hangs under
};

// A record of the tree, to be emitted; `carried` if it is the previous generation's.
struct Placed {
    Record record;
    bool carried = false;
};

// The donors, organs and datasets of one build.  Issues go to `sink`.
class Tree {
  public:
    explicit Tree(RecordSink* sink);

    // The dataset with record id `id`, or nullptr.
    const Scan* dataset(const std::string& id) const;
    bool has_donor(const std::string& donor) const;
    bool has_organ(const std::string& id) const;

    // Adds the dataset of file `file` (relative to the source root), its
    // donor and its organ; `r` reads the whole file, `name` is the dataset's
    // name, `donor` and `organ` its required donor.id and sample.organ.  The
    // first file naming a donor describes it; later files are compared with
    // it and differences reported, naming both files.
    void add_dataset(const FieldReader& r, const std::string& name, const std::string& file,
                     const std::string& donor, const std::string& organ);
    // Adds a dataset kept from the previous generation.
    void add(Scan s);

    // An organ as the file that names it describes it; one first made for a
    // kept dataset is replaced, since this build has a file for it.
    void ensure_organ(const std::string& id, const std::string& donor, const std::string& organ,
                      const std::string& context, const std::string& file);
    // A donor or organ no file of this build describes, for a kept dataset:
    // the previous generation's version (own values), else a bare record.
    void keep_donor(const std::string& donor, const std::string& file,
                    std::optional<Record> previous);
    void keep_organ(const std::string& id, const std::string& donor, Record previous);

    // Places every dataset, passes context down and facts up, and returns
    // every record: donors, organs, then datasets in the order they were added.
    std::vector<Placed> finish();

  private:
    struct Donor {
        Donor();
        Record record;
        bool carried = false;
        std::string first_file;
        std::map<std::string, std::string> facts;  // donor.<key> as first read (fact_text)
        Rollup rollup;                             // of its organs and datasets
    };
    struct Organ {
        Organ();
        Record record;
        bool carried = false;
        std::string donor;
        Rollup rollup;  // of its datasets
    };

    void describe_donor(const FieldReader& d, const std::string& file, const std::string& donor);
    void place(std::size_t i);
    void set_breadcrumb(std::size_t i);

    RecordSink* sink_;
    std::vector<Scan> scans_;                   // in file-name order
    std::map<std::string, std::size_t> index_;  // dataset id -> scans_ index
    std::map<std::string, Donor> donors_;       // by donor id
    std::map<std::string, Organ> organs_;       // by organ record id
};

}  // namespace atlas::detail::hoa
