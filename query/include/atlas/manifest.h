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

}  // namespace atlas
