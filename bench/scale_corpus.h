// scale_corpus.h - the real corpus recombined to any size, as canonical record
// JSON lines (index/adapters/records_adapter.h): what bench/atlas_scale writes.
//
// The unit of copying is a family: a record with no parent, or whose parent is
// an anchor (an HTAN atlas), with all its descendants - a CryoET dataset with
// its runs, tilt series, tomograms and annotations; an HTAN participant with
// its biospecimens and files; a Human Organ Atlas donor with its organs and
// scans; a PaNOSC document with its datasets and files.  Anchors (atlases) are
// families of one.  Round r writes copy r of families; copy 0 is the real
// record byte for byte (so N = the real count is the real corpus), copy r > 0
// appends "~c<r>" to every id of the family (parent, breadcrumb, aliases too)
// and attaches to copy r of its anchor when that copy is written, else to
// copy 0.  Whole rounds copy every family; the last, partial round takes, per
// (source, root kind), a share of the records proportional to the real ones,
// filled with families in seeded order that bring the kinds closer to the
// real mix, and cuts the last family to a prefix of its depth-first order
// (parents before children), so exactly N records come out and every parent
// exists.  Below the real size, round 0 takes every anchor first.
//
// Recombination: in copies r > 0, with probability `recombine` a family's root
// takes the "context" of another real root of the same source, kind and family
// size class (log2): the fields the root has as own values and its
// descendants as inherited values (organism, tissue, organ, sex,
// primary_diagnosis...), plus ontology_id, disease and development_stage; the
// descendants' inherited copies follow.  A title that names those values
// ("Donor A129 (male, 30 years)") has them replaced; a free title (one that
// names none of the root's identifiers) is, half the time, the donor's title,
// and the breadcrumb labels and inherited dataset titles follow.  Everything
// written is a real value; only the combinations are new.  (A context field
// the donor lacks is dropped from the copy, one the root lacked is added.)
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "atlas/error.h"

namespace atlas::bench {

struct ScaleOptions {
    std::filesystem::path catalog;  // a catalog.sqlite (its `records` table)
    std::filesystem::path out_dir;  // created; gets records-000.jsonl, records-001.jsonl...
    std::uint64_t records = 0;      // exactly this many are written
    std::uint64_t seed = 0;
    // Output files; 0 = as few as keep each under about 1 GB.
    std::uint32_t files = 0;
    // Probability that a copy (r > 0) of a family takes another root's context.
    double recombine = 0.5;
    // Called about every 65,536 records and once at the end.
    std::function<void(std::uint64_t done, std::uint64_t total)> on_progress;
};

// Records per (source, kind): in the real catalog and in the output.
struct KindCount {
    std::string source;
    std::string kind;
    std::uint64_t real = 0;
    std::uint64_t written = 0;
};

struct ScaleReport {
    std::uint64_t real_records = 0;
    std::uint64_t records = 0;  // written (= options.records)
    std::uint64_t bytes = 0;
    std::uint64_t full_rounds = 0;            // whole copies of the corpus
    std::uint64_t family_copies = 0;          // families written (whole or cut)
    std::uint64_t recombined = 0;             // of them, with another root's context
    std::uint64_t retitled = 0;               // of those, with a changed title
    std::uint64_t cut = 0;                    // families cut to a prefix to hit N exactly
    std::vector<std::string> context_fields;  // "cryoet/dataset: organism, tissue, ..."
    std::vector<std::filesystem::path> files;
    std::vector<KindCount> kinds;  // by source, then kind
    double load_seconds = 0;
    double write_seconds = 0;
};

// Reads the real records of `options.catalog` and writes `options.records`
// records to options.out_dir (existing records-*.jsonl there are replaced).
// Deterministic: the same catalog, count, seed and file count give the same
// bytes.  Errors: invalid_request (no records asked for, an empty catalog),
// not_found (no catalog), corrupt (a record that does not parse), io.
// Cost: memory about the size of the real records' JSON (the output is
// streamed); time linear in the output.
Result<ScaleReport> scale_corpus(const ScaleOptions& options);

// The report as a table: records per source and kind, real vs written
// proportions, then the totals.
std::string format_scale_report(const ScaleReport& report);

}  // namespace atlas::bench
