// manifest.cpp - download lines for a result set.
#include "atlas/manifest.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace atlas {
namespace {

// A shell word: single-quoted unless it is plainly safe.
std::string shell_quote(std::string_view s) {
    bool safe = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
               std::string_view("/._-:+=@%,").find(c) != std::string_view::npos;
    });
    if (safe) return std::string(s);
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out += c;
        }
    }
    out += '\'';
    return out;
}

// A CSV field, quoted when it must be.
std::string csv_field(std::string_view s) {
    if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

std::string_view rel_of(ManifestFormat f) {
    switch (f) {
        case ManifestFormat::s3:
            return "s3";
        case ManifestFormat::drs:
            return "drs";
        case ManifestFormat::doi:
            return "doi";
        case ManifestFormat::https:
            return "https";
    }
    return "";
}

std::string first_text(const Hit& hit, std::string_view field) {
    const HitField* f = hit.field(field);
    if (f == nullptr || f->values.empty()) return {};
    return f->values.front().text;
}

bool has_route(const Hit& hit, ManifestFormat format) {
    std::string_view rel = rel_of(format);
    return std::any_of(hit.links.begin(), hit.links.end(), [&](const HitLink& l) {
        return l.rel == rel && std::any_of(l.urls.begin(), l.urls.end(), [&](const std::string& u) {
                   return format != ManifestFormat::s3 || u.starts_with("s3://");
               });
    });
}

// Why a record has no route of `format`, in words a researcher can act on:
// another manifest that has one first (an HTAN image "coming soon" to the CDS
// may be open in IDC's bucket already), else why the data is not open.
std::string reason(const Hit& hit, ManifestFormat format) {
    std::string access = first_text(hit, "data_access");
    if (access == "dbGaP") {
        // Its DRS URI, if any, works only once dbGaP has granted access.
        return std::string("controlled access (dbGaP): request access through dbGaP") +
               (format != ManifestFormat::drs && has_route(hit, ManifestFormat::drs)
                    ? ", then use --manifest drs"
                    : "");
    }
    std::vector<std::string> others;
    for (auto other : {ManifestFormat::s3, ManifestFormat::drs, ManifestFormat::https}) {
        if (other != format && has_route(hit, other)) {
            others.push_back(fmt::format("--manifest {}", rel_of(other)));
        }
    }
    if (!others.empty()) {
        return fmt::format("no {} link; downloadable with {}", rel_of(format),
                           fmt::join(others, " or "));
    }
    if (!access.empty()) {
        if (access == "Coming Soon") return "not released yet (HTAN: Coming Soon)";
        if (access == "Synapse") {
            std::string syn = first_text(hit, "synapse_id");
            return syn.empty() ? "on Synapse only"
                               : fmt::format("on Synapse only: synapse get {}", syn);
        }
        if (format != ManifestFormat::drs && access.starts_with("CDS")) {
            return "open access through the CDS: use --manifest drs";
        }
    }
    if (format == ManifestFormat::s3 && !hit.link("gcs").empty()) {
        return "in Google Cloud Storage, not S3: use --manifest https (or gsutil " +
               hit.link("gcs") + ")";
    }
    return fmt::format("no {} link", rel_of(format));
}

// What make_manifest reads of a hit: its id, title, links and the fields
// reason() and the DRS rows name.
Hit slim(Hit&& hit) {
    Hit kept;
    kept.id = std::move(hit.id);
    kept.title = std::move(hit.title);
    kept.links = std::move(hit.links);
    for (auto& f : hit.fields) {
        if (f.name == "data_access" || f.name == "synapse_id" || f.name == "file_name") {
            kept.fields.push_back(std::move(f));
        }
    }
    return kept;
}

}  // namespace

std::optional<ManifestFormat> parse_manifest_format(std::string_view name) {
    if (name == "s3") return ManifestFormat::s3;
    if (name == "drs") return ManifestFormat::drs;
    if (name == "doi") return ManifestFormat::doi;
    if (name == "https") return ManifestFormat::https;
    return std::nullopt;
}

Manifest make_manifest(const std::vector<Hit>& hits, ManifestFormat format) {
    Manifest m;
    std::string_view rel = rel_of(format);
    std::vector<std::string> urls;  // in first-seen order
    std::set<std::string> seen;
    std::vector<std::pair<std::string, std::string>> drs_rows;  // name, uri
    for (const auto& hit : hits) {
        bool any = false;
        for (const auto& link : hit.links) {
            if (link.rel != rel) continue;
            for (const auto& url : link.urls) {
                // An "s3" link that is no s3:// URL is no route for aws s3.
                if (format == ManifestFormat::s3 && !url.starts_with("s3://")) continue;
                any = true;
                if (!seen.insert(url).second) continue;
                if (format == ManifestFormat::drs) {
                    std::string name = first_text(hit, "file_name");
                    drs_rows.emplace_back(name.empty() ? hit.title : name, url);
                } else {
                    urls.push_back(url);
                }
            }
        }
        if (any) {
            ++m.records;
        } else {
            m.skipped.push_back({hit.id, reason(hit, format)});
        }
    }
    switch (format) {
        case ManifestFormat::drs:
            m.lines.emplace_back("name,drs_uri");
            for (const auto& [name, uri] : drs_rows) {
                m.lines.push_back(csv_field(name) + "," + csv_field(uri));
            }
            break;
        case ManifestFormat::doi:
            for (const auto& u : urls) {
                std::string_view d = u;
                for (std::string_view p : {"https://doi.org/", "http://doi.org/"}) {
                    if (d.starts_with(p)) d.remove_prefix(p.size());
                }
                m.lines.emplace_back(d);
            }
            break;
        case ManifestFormat::https:
            m.lines = urls;
            break;
        case ManifestFormat::s3: {
            // A folder synced already brings everything under it.
            std::vector<std::string> folders;
            for (const auto& u : urls) {
                if (u.ends_with('/')) folders.push_back(u);
            }
            auto covered = [&](const std::string& u) {
                return std::any_of(folders.begin(), folders.end(), [&](const std::string& f) {
                    return u != f && u.starts_with(f);
                });
            };
            for (const auto& u : urls) {
                if (covered(u) || !u.starts_with("s3://")) continue;
                std::string local = "./" + u.substr(std::string_view("s3://").size());
                bool folder = u.ends_with('/');
                m.lines.push_back(fmt::format("aws s3 {} --no-sign-request {} {}",
                                              folder ? "sync" : "cp", shell_quote(u),
                                              shell_quote(local)));
            }
            break;
        }
    }
    return m;
}

Result<std::uint64_t> for_each_page(Searcher& searcher, SearchRequest request, std::uint64_t most,
                                    const std::function<bool(std::vector<Hit>&)>& page) {
    request.limit = kMaxLimit;
    std::uint64_t handed = 0;
    while (handed < most) {
        auto result = searcher.search(request);
        if (!result.ok()) return result.error();
        auto& hits = result.value().hits;
        bool last = hits.size() < request.limit ||
                    request.offset + std::uint64_t{request.limit} >= result.value().total ||
                    request.offset + std::uint64_t{request.limit} > kMaxOffset;
        if (hits.size() > most - handed) {
            hits.resize(most - handed);
            last = true;
        }
        handed += hits.size();
        if (!page(hits) || last) break;
        request.offset += request.limit;
    }
    return handed;
}

Result<WholeManifest> manifest_of(Searcher& searcher, const SearchRequest& request,
                                  ManifestFormat format, std::uint64_t most) {
    // A manifest lists every record, siblings included, and reads no facet or
    // explanation: neither is computed again on each page.
    SearchRequest plain = request;
    plain.facets.clear();
    plain.explain = false;
    plain.collapse = false;
    std::vector<Hit> hits;
    // One more than asked for says whether there are more.
    auto handed = for_each_page(searcher, plain, most + 1, [&](std::vector<Hit>& page) {
        for (auto& h : page) hits.push_back(slim(std::move(h)));
        return true;
    });
    if (!handed.ok()) return handed.error();
    WholeManifest whole;
    whole.truncated = hits.size() > most;
    if (whole.truncated) hits.resize(most);
    whole.manifest = make_manifest(hits, format);
    return whole;
}

std::string to_json(const WholeManifest& whole, ManifestFormat format) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    w.Key("format");
    std::string_view name = rel_of(format);
    w.String(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    w.Key("records");
    w.Uint64(whole.manifest.records);
    w.Key("truncated");
    w.Bool(whole.truncated);
    w.Key("lines");
    w.StartArray();
    for (const auto& line : whole.manifest.lines) w.String(line);
    w.EndArray();
    w.Key("skipped");
    w.StartArray();
    for (const auto& s : whole.manifest.skipped) {
        w.StartObject();
        w.Key("id");
        w.String(s.id);
        w.Key("reason");
        w.String(s.reason);
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace atlas
