// atlas/manifest.h - download manifests from a result set.
//
// A researcher who found the right records wants them on disk.  Given hits,
// make_manifest writes what each format needs:
//   s3     aws s3 cp --no-sign-request (files) and aws s3 sync (folders) lines,
//          into ./<bucket>/<key>; a folder already synced covers what is inside it
//   drs    a name,drs_uri CSV, ready to import into the Cancer Genomics Cloud
//   doi    the DOIs, one per line
//   https  the URLs, one per line
// Records without such a route are listed with the reason (an HTAN file under
// dbGaP is controlled access), never silently dropped.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "atlas/search.h"

namespace atlas {

enum class ManifestFormat { s3, drs, doi, https };

// "s3", "drs", "doi", "https"; nullopt for anything else.
std::optional<ManifestFormat> parse_manifest_format(std::string_view name);

struct Manifest {
    std::vector<std::string> lines;  // in order, without newlines (drs: the header first)
    struct Skipped {
        std::string id;
        std::string reason;  // "controlled access (dbGaP): request access at dbGaP"
    };
    std::vector<Skipped> skipped;  // records with no route of this format
    std::size_t records = 0;       // records with at least one route
};

Manifest make_manifest(const std::vector<Hit>& hits, ManifestFormat format);

// Runs `request` page after page (kMaxLimit hits each, from its offset) and
// hands each page to `page`, until the result set ends, `page` returns false,
// `most` hits were handed over (the last page is cut there) or kMaxOffset is
// reached.  What a manifest of a whole result set reads, without holding it
// all.  Returns the hits handed over; errors: as Searcher::search.
Result<std::uint64_t> for_each_page(Searcher& searcher, SearchRequest request, std::uint64_t most,
                                    const std::function<bool(std::vector<Hit>&)>& page);

// The manifest of the whole result set of `request` from its offset (its
// limit is ignored), read page by page, at most `most` records; `truncated`
// says whether there were more.  Of each hit it keeps only what a manifest
// reads, so 10^5 records take a few tens of MB.  Errors: as Searcher::search.
struct WholeManifest {
    Manifest manifest;
    bool truncated = false;
};
Result<WholeManifest> manifest_of(Searcher& searcher, const SearchRequest& request,
                                  ManifestFormat format, std::uint64_t most);

// A whole manifest as one JSON object, for the C API and the bindings:
// {"format","records","truncated","lines":[..],"skipped":[{"id","reason"}]}.
std::string to_json(const WholeManifest& whole, ManifestFormat format);

}  // namespace atlas
