// stage_util.h - helpers for the tests of the query stages (query/request_check.h, match_set.h,
// ordering.h, ranking.h, top_candidates.h, hit_reader.h): a generation opened as a Searcher
// opens it, a request checked as Searcher::search checks it, and record ids for docids.
#pragma once

#include <doctest/doctest.h>
#include <rapidjson/document.h>
#include <xapian.h>

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "atlas/search.h"
#include "bitmap.h"
#include "open_generation.h"
#include "request_check.h"
#include "schema/layout.h"
#include "schema/schema.h"

namespace atlas::test {

// The current generation of the index in `index_dir`, opened as Searcher::open opens it.
inline std::unique_ptr<detail::OpenGeneration> open_current(const std::string& index_dir,
                                                            const SearcherOptions& options = {}) {
    auto dir = current_generation(index_dir);
    REQUIRE_MESSAGE(dir.ok(), dir.error().message);
    auto gen = detail::open_generation(index_dir, dir.value(), options);
    REQUIRE_MESSAGE(gen.ok(), gen.error().message);
    return std::move(gen).value();
}

// `request` checked with `gen`'s vocabulary and its typos corrected, as
// Searcher::search does; the request must pass and outlive the result.
inline detail::CheckedRequest checked(const SearchRequest& request, detail::OpenGeneration& gen) {
    detail::ParseOptions options;
    options.vocabulary = &gen.vocabulary;
    auto out = detail::check_request(request, options);
    REQUIRE_MESSAGE(out.ok(), to_json(request) << ": " << out.error().message);
    detail::correct_typos(out.value(), *gen.spelling, options);
    return std::move(out).value();
}

// A request for a page of `query` whose hits say why they are where they are.
inline SearchRequest explained_request(std::string query, std::uint32_t offset,
                                       std::uint32_t limit) {
    SearchRequest r;
    r.query = std::move(query);
    r.offset = offset;
    r.limit = limit;
    r.explain = true;
    return r;
}

// The docid of the record `id` (its unique id term).
inline std::uint32_t docid_of(const Xapian::Database& db, const std::string& id) {
    auto it = db.postlist_begin(id_term(id));
    REQUIRE_MESSAGE(it != db.postlist_end(id_term(id)), "no record " << id);
    return *it;
}

// The record id of document `docid` (its display data's "id"; the index keeps no termlists).
inline std::string record_id(const detail::OpenGeneration& gen, std::uint32_t docid) {
    auto shown = gen.display->data(docid);
    REQUIRE_MESSAGE(shown.has_value(), "no display data for document " << docid);
    std::string data(*shown);
    rapidjson::Document doc;
    doc.Parse(data.data(), data.size());
    REQUIRE(doc.IsObject());
    auto id = doc.FindMember("id");
    REQUIRE(id != doc.MemberEnd());
    REQUIRE(id->value.IsString());
    return id->value.GetString();
}

inline std::set<std::string> record_ids(const detail::OpenGeneration& gen,
                                        const detail::Bitmap& docs) {
    std::set<std::string> out;
    docs.each([&](std::uint32_t d) {
        out.insert(record_id(gen, d));
        return true;
    });
    return out;
}

inline std::vector<std::string> record_ids(const detail::OpenGeneration& gen,
                                           const std::vector<std::uint32_t>& docs) {
    std::vector<std::string> out;
    for (auto d : docs) out.push_back(record_id(gen, d));
    return out;
}

// "" when `got` == `want`, else what is missing from `got` and what is extra (a few of each).
inline std::string set_difference(const std::set<std::string>& got,
                                  const std::set<std::string>& want) {
    std::string missing, extra;
    std::size_t n_missing = 0, n_extra = 0;
    for (const auto& w : want) {
        if (got.count(w) == 0 && n_missing++ < 5) missing += " " + w;
    }
    for (const auto& g : got) {
        if (want.count(g) == 0 && n_extra++ < 5) extra += " " + g;
    }
    if (n_missing == 0 && n_extra == 0) return "";
    return std::to_string(got.size()) + " records, " + std::to_string(want.size()) +
           " wanted; missing " + std::to_string(n_missing) + ":" + missing + "; extra " +
           std::to_string(n_extra) + ":" + extra;
}

}  // namespace atlas::test

// Two sets of record ids are equal; else says how they differ.
#define CHECK_SAME_IDS(got, want) \
    CHECK_MESSAGE((got) == (want), atlas::test::set_difference(got, want))

// Xapian's errors, said in full when a test throws one.
REGISTER_EXCEPTION_TRANSLATOR(const Xapian::Error& e) {
    return doctest::String(e.get_description().c_str());
}
