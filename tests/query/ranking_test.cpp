// Tests for exact-id ranking, the vocabulary in queries and --explain (query/searcher.cpp,
// query/query_parser.cpp, query/explain.cpp) on the index of every bundled portal, and
// for the ranking stage itself (query/ranking.cpp, Ranker): pages, collapsing, top
// lists and the two-thread split.
#include "ranking.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "atlas/search.h"
#include "match_set.h"
#include "stage_util.h"
#include "test_util.h"

using namespace atlas;

namespace {

Searcher& searcher() { return test::portal_searcher(); }

SearchResult search(const std::string& query, std::uint32_t limit = 10, bool explain = false,
                    std::uint32_t offset = 0) {
    SearchRequest r;
    r.query = query;
    r.limit = limit;
    r.offset = offset;
    r.explain = explain;
    auto result = searcher().search(r);
    REQUIRE_MESSAGE(result.ok(), query << ": " << result.error().message);
    return std::move(result).value();
}

std::set<std::string> id_set(const SearchResult& r) {
    auto v = test::hit_ids(r);
    return {v.begin(), v.end()};
}

// Requests over the sample's most frequent words (the first `n_words` of
// them, alone and in pairs, and two with a filter), each at three pages, with
// kinds, and grouped by dataset.
std::vector<SearchRequest> ranking_requests(std::size_t n_words) {
    const std::vector<std::string> words = {
        "htan",      "biospecimen", "primary",   "chemotherapy", "cell",    "adenocarcinoma",
        "colorectal", "culture",    "breast",    "treatment",    "carcinoma", "mucous",
        "cecum",     "defocus",     "predicted", "corrected",    "ribosome"};
    std::vector<SearchRequest> requests;
    auto add = [&](const std::string& query) {
        for (auto [offset, limit] : {std::pair{0u, 10u}, std::pair{10u, 10u}, std::pair{0u, 40u}}) {
            SearchRequest r;
            r.query = query;
            r.offset = offset;
            r.limit = limit;
            requests.push_back(r);
        }
        SearchRequest kinds;
        kinds.query = query;
        kinds.kinds = {"annotation", "file"};
        requests.push_back(kinds);
        SearchRequest grouped;
        grouped.query = query;
        grouped.group_by = "dataset";
        grouped.limit = 5;
        requests.push_back(grouped);
    };
    n_words = std::min(n_words, words.size());
    for (std::size_t i = 0; i < n_words; ++i) {
        add(words[i]);
        for (std::size_t j = i + 1; j < n_words; ++j) add(words[i] + " " + words[j]);
    }
    add("cell -tissue");
    add("cell organism:\"homo sapiens\"");
    return requests;
}

// Whether two results of one request are the same page: totals, hits and
// their scores, groups and their hits, collapsed siblings.
void check_same_page(const SearchResult& a, const SearchResult& b) {
    CHECK(a.total == b.total);
    CHECK(test::hit_ids(a) == test::hit_ids(b));
    for (std::size_t i = 0; i < std::min(a.hits.size(), b.hits.size()); ++i) {
        CHECK(a.hits[i].score == doctest::Approx(b.hits[i].score).epsilon(1e-9));
        CHECK(a.hits[i].similar == b.hits[i].similar);
    }
    REQUIRE(a.groups.size() == b.groups.size());
    for (std::size_t g = 0; g < a.groups.size(); ++g) {
        CHECK(a.groups[g].id == b.groups[g].id);
        CHECK(a.groups[g].total == b.groups[g].total);
        std::vector<std::string> ga, gb;
        for (const auto& h : a.groups[g].hits) ga.push_back(h.id);
        for (const auto& h : b.groups[g].hits) gb.push_back(h.id);
        CHECK(ga == gb);
    }
}

}  // namespace

TEST_CASE("an id typed as the whole query puts the records it identifies first") {
    // Dataset 10000 and deposition 10000 both have the id; HTAN files whose
    // names hold "10000" come later.
    auto plain = search("10000", 5);
    REQUIRE(plain.hits.size() >= 3);
    CHECK(std::set<std::string>{plain.hits[0].id, plain.hits[1].id} ==
          std::set<std::string>{"cryoet:dataset:10000", "cryoet:deposition:10000"});
    // The portal's form names the dataset only, and finds what is inside it.
    auto ds = search("DS-10000", 1000);
    REQUIRE_FALSE(ds.hits.empty());
    CHECK(ds.hits[0].id == "cryoet:dataset:10000");
    CHECK(id_set(ds).count("cryoet:run:10000/TS_026") == 1);
    CHECK(ds.total == ds.hits.size());
    // An HTAN participant before its biospecimens and files, which name it too.
    auto participant = search("HTA7_944", 5);
    REQUIRE_FALSE(participant.hits.empty());
    CHECK(participant.hits[0].id == "htan:participant:HTA7_944");
    // A reference held by the records themselves: annotations of that object
    // before the runs and datasets that roll it up.
    auto go = search("GO:0022626", 3);
    REQUIRE_FALSE(go.hits.empty());
    CHECK(go.hits[0].kind == "annotation");
    // EMPIAR entries are listed by datasets, depositions and tilt series alike:
    // containers first.
    auto empiar = search("EMPIAR-10988", 3);
    REQUIRE_FALSE(empiar.hits.empty());
    CHECK(empiar.hits[0].kind == "dataset");
}

TEST_CASE("pages over pinned and ranked hits neither repeat nor skip a record") {
    auto all = search("10000", 40);
    REQUIRE(all.hits.size() == 40);
    std::vector<std::string> paged;
    for (std::uint32_t offset = 0; offset < 40; offset += 7) {
        auto page = search("10000", std::min<std::uint32_t>(7, 40 - offset), false, offset);
        for (const auto& h : page.hits) paged.push_back(h.id);
        CHECK(page.total == all.total);
    }
    CHECK(paged == test::hit_ids(all));
    for (std::size_t i = 0; i < all.hits.size(); ++i) CHECK(all.hits[i].rank == i + 1);
}

TEST_CASE("words are ids only as the whole query") {
    // "10000 ribosome" is a search for both words, nothing pinned.
    auto r = search("10000 ribosome", 5, true);
    for (const auto& h : r.hits) {
        REQUIRE(h.explanation.has_value());
        CHECK(h.explanation->order == "relevance");
    }
}

TEST_CASE("the vocabulary makes other spellings find the same records") {
    // Curated common names (data/vocabulary.tsv).
    CHECK(id_set(search("fission yeast ribosome", 1000)) ==
          id_set(search("Schizosaccharomyces pombe ribosome", 1000)));
    // Organ names across sources, derived: HTAN's detail "Colon NOS" is organ Colorectal.
    auto colon = search("assay:CyCIF organ:colon", 1000);
    CHECK(colon.total > 0);
    CHECK(id_set(colon) == id_set(search("assay:CyCIF organ:colorectal", 1000)));
    // Abbreviations the records define: H&E in the CRC atlas story.
    auto he = search("H&E", 1000);
    CHECK(he.total > 0);
    CHECK(he.total == search("hematoxylin and eosin", 1000).total);
    // Latin plurals.
    CHECK(search("mitochondria", 1000).total == search("mitochondrion", 1000).total);
    CHECK(search("mitochondria", 1000).total > 0);
}

TEST_CASE("--explain says why: the parts of the query add up to the score") {
    auto r = search("ribosome S. pombe", 3, true);
    REQUIRE_FALSE(r.hits.empty());
    for (const auto& h : r.hits) {
        REQUIRE(h.explanation.has_value());
        const auto& e = *h.explanation;
        CHECK(e.order == "relevance");
        REQUIRE(e.parts.size() == 2);
        double sum = 0;
        for (const auto& p : e.parts) {
            CHECK(p.score > 0);
            CHECK_FALSE(p.fields.empty());
            sum += p.score;
        }
        CHECK(sum == doctest::Approx(h.score).epsilon(1e-6));
    }
    // The annotation's object is a ribosome: its title and object hold the word.
    const auto& first = *r.hits[0].explanation;
    CHECK(first.parts[0].query == "ribosome");
    CHECK(first.parts[0].fields == std::vector<std::string>{"title x6", "object x4"});
    // A pinned id says so, and a sorted or browsed page says that.
    auto id = search("DS-10000", 1, true);
    REQUIRE(id.hits.size() == 1);
    CHECK(id.hits[0].explanation->order == "exact id (dataset)");
    CHECK(id.hits[0].explanation->parts.empty());
    SearchRequest sorted;
    sorted.query = "ribosome";
    sorted.sort = {{"release_date", true}};
    sorted.limit = 1;
    sorted.explain = true;
    auto s = searcher().search(sorted);
    REQUIRE(s.ok());
    REQUIRE(s.value().hits.size() == 1);
    CHECK(s.value().hits[0].explanation->order == "sort by release_date");
    // Without the flag, nothing is explained.
    CHECK_FALSE(search("ribosome", 1).hits.at(0).explanation.has_value());
}

TEST_CASE("collapse shows near-identical siblings once, with how many were folded in") {
    SearchRequest r;
    r.query = "ribosome S. pombe";
    r.limit = 1000;
    auto all = searcher().search(r);
    REQUIRE(all.ok());
    r.collapse = true;
    auto folded = searcher().search(r);
    REQUIRE(folded.ok());
    const auto& f = folded.value();
    CHECK(f.total == all.value().total);  // the count is of records, not of lines
    // Every record is either shown or counted under the sibling shown for it.
    std::uint64_t shown_and_folded = 0;
    std::set<std::string> keys;
    for (const auto& h : f.hits) {
        shown_and_folded += 1 + h.similar;
        std::string dataset = h.breadcrumb.empty() ? h.id : h.breadcrumb.front().id;
        CHECK_MESSAGE(keys.insert(dataset + "|" + h.kind + "|" + h.title).second, h.id);
    }
    CHECK(shown_and_folded == all.value().total);
    // The ten cytosolic ribosome annotations of dataset 10000 (one per run) are one line.
    REQUIRE_FALSE(f.hits.empty());
    CHECK(f.hits[0].id == "cryoet:annotation:10000/TS_026/13.480/101");
    CHECK(f.hits[0].similar == 9);
    CHECK(f.hits.size() < all.value().hits.size());
    // Without it, nothing is counted as folded.
    for (const auto& h : all.value().hits) CHECK(h.similar == 0);
}

TEST_CASE("equal scores put ground truth, then curated, then better quality first") {
    // Siblings score the same; the tie order is the gentle boost of curation.
    auto flag = [](const Hit& h, const char* field) {
        const HitField* f = h.field(field);
        if (f == nullptr) return false;
        return std::any_of(f->values.begin(), f->values.end(),
                           [](const FieldValue& v) { return v.number != 0; });
    };
    std::size_t ties = 0;
    for (const char* q : {"membrane", "ribosome", "pombe", "lung", "CyCIF"}) {
        auto r = search(q, 200);
        for (std::size_t i = 1; i < r.hits.size(); ++i) {
            const Hit& a = r.hits[i - 1];
            const Hit& b = r.hits[i];
            if (a.score != b.score) continue;
            ++ties;
            CAPTURE(a.id);
            CAPTURE(b.id);
            CHECK(flag(a, "ground_truth") >= flag(b, "ground_truth"));
            if (flag(a, "ground_truth") == flag(b, "ground_truth")) {
                CHECK(flag(a, "curator_recommended") >= flag(b, "curator_recommended"));
            }
        }
    }
    CHECK(ties > 50);  // the property is exercised, not vacuous
}

TEST_CASE("a taxonomy id finds its organism's records, the records holding it first") {
    auto r = search("NCBITaxon:284812", 1000);
    REQUIRE_FALSE(r.hits.empty());
    CHECK(r.hits[0].kind == "dataset");  // holds the id itself: pinned first
    // The vocabulary (derived from the datasets) finds records naming the
    // organism without the id: S. pombe runs and annotations.
    bool annotation = false;
    for (const auto& h : r.hits) annotation = annotation || h.kind == "annotation";
    CHECK(annotation);
    CHECK(r.total >= search("organism:\"Schizosaccharomyces pombe 972h-\"", 1000).total);
}

TEST_CASE("top lists rank a page exactly as scoring every match does, scoring fewer") {
    // The same records with top lists short enough (30 documents for every
    // term in 40 or more) that some pages can be found from them and others
    // cannot: every page must equal the one found by scoring every match (the
    // shared index has no lists: no term is in 16,384 of its records).
    test::TempDir tmp;
    test::build_portals_with_top_lists(tmp.path() / "index", 40, 30);
    auto opened = Searcher::open((tmp.path() / "index").string());
    REQUIRE_MESSAGE(opened.ok(), opened.error().message);
    Searcher& listed = opened.value();

    const auto requests = ranking_requests(17);
    std::size_t short_way = 0, ranked = 0;
    for (const auto& r : requests) {
        CAPTURE(to_json(r));
        auto got = listed.search(r);
        auto want = searcher().search(r);
        REQUIRE_MESSAGE(got.ok(), got.error().message);
        REQUIRE_MESSAGE(want.ok(), want.error().message);
        const SearchResult& a = got.value();
        const SearchResult& b = want.value();
        check_same_page(a, b);
        if (b.scored > 0) ++ranked;
        if (a.scored < b.scored) ++short_way;
        CHECK(to_json(a).find("\"scored\":" + std::to_string(a.scored) + ",") != std::string::npos);
    }
    // The lists are used where they can be, and not everywhere.
    MESSAGE(short_way << " of " << ranked << " ranked requests scored fewer matches");
    CHECK(ranked > requests.size() / 2);
    CHECK(short_way * 4 > ranked);
    CHECK(short_way < ranked);

    // Two words whose best biospecimens weigh the same under each (siblings
    // of one template): the page ties the sum of the caps, and is still found
    // from the lists, since a match left out that tied it would come after
    // both lists' edges in page order (the pages are equal, checked above).
    // ("+biospecimen": the word, not the kind word.)
    for (const char* query : {"+biospecimen carcinoma", "+biospecimen colorectal"}) {
        CAPTURE(query);
        SearchRequest r;
        r.query = query;
        r.limit = 10;
        auto got = listed.search(r);
        REQUIRE(got.ok());
        CHECK(got.value().scored < got.value().total);
        CHECK(got.value().hits.size() == 10);
    }
}

TEST_CASE("a set scored in halves on two threads gives the page one thread gives") {
    // split_from 1: every ranked set is split (from a sixteenth of that, i.e.
    // every set of top-list candidates too), on the shared index (no lists:
    // every match scored) and on one with short lists (candidates scored).
    // Scores must be equal to the bit: each document is weighed by one Xapian
    // with the same statistics; only the merge of the halves is ours.
    test::TempDir tmp;
    test::build_portals_with_top_lists(tmp.path() / "index", 40, 30);
    SearcherOptions one;
    one.threads = 1;
    SearcherOptions split;
    split.split_from = 1;
    auto requests = ranking_requests(9);
    for (bool siblings : {false, true}) {
        // Collapsing siblings counts every match: never split.
        SearchRequest r;
        r.query = siblings ? "biospecimen" : "colorectal carcinoma";
        r.collapse = siblings;
        r.offset = 3;
        r.limit = 15;
        requests.push_back(r);
    }
    for (const auto& dir : {test::portal_index().dir, (tmp.path() / "index").string()}) {
        CAPTURE(dir);
        auto a = Searcher::open(dir, one);
        auto b = Searcher::open(dir, split);
        REQUIRE(a.ok());
        REQUIRE(b.ok());
        std::size_t halves = 0;
        for (const auto& r : requests) {
            CAPTURE(to_json(r));
            auto want = a.value().search(r);
            auto got = b.value().search(r);
            REQUIRE_MESSAGE(want.ok(), want.error().message);
            REQUIRE_MESSAGE(got.ok(), got.error().message);
            CHECK(want.value().threads == 1);
            check_same_page(got.value(), want.value());
            if (got.value().threads == 2) ++halves;
            if (r.collapse) CHECK(got.value().threads == 1);
        }
        MESSAGE(halves << " of " << requests.size() << " requests scored in halves");
        CHECK(halves * 2 > requests.size());
    }
}

// --- Ranker --------------------------------------------------------------------------

namespace {

using detail::Bitmap;
using detail::Collapse;
using detail::MatchSet;
using detail::OpenGeneration;
using detail::RankedPage;
using detail::Ranker;

detail::OpenGeneration& portal_gen() {
    static auto g = test::open_current(test::portal_index().dir);
    return *g;
}

// One request through the stages before ranking: checked, its match set.
struct Staged {
    SearchRequest request;
    detail::CheckedRequest checked;
    std::optional<MatchSet> matches;
};

std::unique_ptr<Staged> stage(OpenGeneration& gen, const SearchRequest& request) {
    auto s = std::make_unique<Staged>();
    s->request = request;
    s->checked = test::checked(s->request, gen);
    REQUIRE(s->checked.ranked);
    s->matches = MatchSet::build(s->checked, gen);
    return s;
}

std::unique_ptr<Staged> stage(OpenGeneration& gen, const std::string& query) {
    SearchRequest r;
    r.query = query;
    return stage(gen, r);
}

std::vector<std::uint32_t> docids(const RankedPage& page) {
    std::vector<std::uint32_t> out;
    for (const auto& h : page) out.push_back(h.docid);
    return out;
}

// The record ids of a page, and its weights.
std::vector<std::string> page_ids(const OpenGeneration& gen, const RankedPage& page) {
    return test::record_ids(gen, docids(page));
}

std::vector<double> weights(const RankedPage& page) {
    std::vector<double> out;
    for (const auto& h : page) out.push_back(h.weight);
    return out;
}

// The siblings key of a document (dataset, kind, folded title).
std::string siblings_key(const OpenGeneration& gen, std::uint32_t docid) {
    return gen.db.get_document(docid).get_value(kSlotSiblings);
}

const std::vector<std::string> kRankerQueries = {"cell",      "ribosome S. pombe", "membrane",
                                                 "carcinoma", "biospecimen",       "lung"};

}  // namespace

TEST_CASE("Ranker: a page from an offset is the tail of the page from the start") {
    SearcherOptions options;
    for (const auto& query : kRankerQueries) {
        CAPTURE(query);
        auto s = stage(portal_gen(), query);
        Ranker ranker(portal_gen(), s->checked, *s->matches, options);
        RankedPage whole = ranker.page(s->matches->all(), 0, 40, Collapse::none);
        REQUIRE(whole.size() == std::min<std::uint64_t>(40, s->matches->size()));
        REQUIRE(whole.size() > 20);
        for (std::size_t i = 1; i < whole.size(); ++i)
            CHECK(whole[i - 1].weight >= whole[i].weight);
        for (std::uint32_t offset : {1u, 7u, 20u}) {
            CAPTURE(offset);
            RankedPage tail = ranker.page(s->matches->all(), offset, 40 - offset, Collapse::none);
            REQUIRE(tail.size() == whole.size() - offset);
            for (std::size_t i = 0; i < tail.size(); ++i) {
                CHECK(tail[i].docid == whole[offset + i].docid);
                CHECK(tail[i].weight == whole[offset + i].weight);
                CHECK(tail[i].collapsed == 0);
            }
        }
        // A page within a part of the matches is the part's order.
        auto part = std::make_shared<const Bitmap>(Bitmap::of(docids(whole)) -
                                                   Bitmap::of(std::vector{whole[0].docid}));
        RankedPage within = ranker.page(part, 0, 10, Collapse::none);
        REQUIRE(within.size() == 10);
        for (std::size_t i = 0; i < within.size(); ++i)
            CHECK(within[i].docid == whole[i + 1].docid);
        CHECK(ranker.scored() > s->matches->size());  // every page scored
        CHECK(ranker.threads() == 1);
    }
}

TEST_CASE("Ranker: collapsing by dataset gives each dataset once, as Searcher's groups") {
    SearcherOptions options;
    auto group = portal_gen().columns->group();
    std::size_t untiered = 0;
    auto queries = kRankerQueries;
    queries.insert(queries.end(), {"cells", "lung carcinoma", "membrane ribosome"});
    for (const auto& query : queries) {
        CAPTURE(query);
        auto s = stage(portal_gen(), query);
        Ranker ranker(portal_gen(), s->checked, *s->matches, options);
        RankedPage page = ranker.page(s->matches->all(), 0, 10, Collapse::dataset);
        std::vector<std::uint32_t> groups;
        for (const auto& h : page) groups.push_back(group[h.docid]);
        CHECK(std::set<std::uint32_t>(groups.begin(), groups.end()).size() == groups.size());

        // Searcher lists groups tier by tier (tiers.h): words that are a
        // whole value ("cell", "membrane", "lung") put its owners first.
        if (s->matches->tiers().size() == 1) {
            ++untiered;
            SearchRequest grouped;
            grouped.query = query;
            grouped.group_by = "dataset";
            grouped.limit = 10;
            auto result = searcher().search(grouped);
            REQUIRE(result.ok());
            std::vector<std::string> want;
            for (const auto& g : result.value().groups) want.push_back(g.id);
            CHECK(test::record_ids(portal_gen(), groups) == want);
        }

        // Each hit is the best match of its dataset.
        for (const auto& h : page) {
            auto members = std::make_shared<const Bitmap>(
                Bitmap::of(portal_gen().columns->members(group[h.docid])) & *s->matches->all());
            RankedPage best = ranker.page(members, 0, 1, Collapse::none);
            REQUIRE(best.size() == 1);
            CHECK(best[0].docid == h.docid);
            CHECK(best[0].weight == h.weight);
        }
        // And a later page is the tail.
        RankedPage tail = ranker.page(s->matches->all(), 4, 6, Collapse::dataset);
        auto heads = docids(page);
        heads.erase(heads.begin(), heads.begin() + std::min<std::ptrdiff_t>(4, std::ssize(heads)));
        CHECK(docids(tail) == heads);
    }
    CHECK(untiered >= 5);
}

TEST_CASE("Ranker: collapsing siblings shows the best of each, counting the others") {
    SearcherOptions options;
    std::size_t folded = 0;
    for (const auto& query : kRankerQueries) {
        CAPTURE(query);
        auto s = stage(portal_gen(), query);
        Ranker ranker(portal_gen(), s->checked, *s->matches, options);
        const auto n = static_cast<std::uint32_t>(s->matches->size());
        RankedPage all = ranker.page(s->matches->all(), 0, n, Collapse::none);
        RankedPage collapsed = ranker.page(s->matches->all(), 0, n, Collapse::siblings);
        // The uncollapsed order, keeping each siblings key's first (best).
        std::map<std::string, std::uint32_t> siblings;
        std::vector<std::uint32_t> firsts;
        for (const auto& h : all) {
            if (siblings[siblings_key(portal_gen(), h.docid)]++ == 0) firsts.push_back(h.docid);
        }
        CHECK(docids(collapsed) == firsts);
        std::uint64_t shown_and_counted = 0;
        for (const auto& h : collapsed) {
            CHECK(h.collapsed + 1 == siblings[siblings_key(portal_gen(), h.docid)]);
            shown_and_counted += 1 + h.collapsed;
            if (h.collapsed > 0) ++folded;
        }
        CHECK(shown_and_counted == s->matches->size());
        // A short page of it, from the start or an offset, is a slice of it,
        // counts included (they count siblings beyond the page too).
        for (auto [offset, count] : {std::pair{0u, 3u}, std::pair{3u, 5u}, std::pair{3u, n}}) {
            CAPTURE(offset);
            CAPTURE(count);
            RankedPage slice = ranker.page(s->matches->all(), offset, count, Collapse::siblings);
            std::size_t from = std::min<std::size_t>(offset, collapsed.size());
            std::size_t to = std::min<std::size_t>(std::size_t{offset} + count, collapsed.size());
            REQUIRE(slice.size() == to - from);
            for (std::size_t i = 0; i < slice.size(); ++i) {
                CHECK(slice[i].docid == collapsed[from + i].docid);
                CHECK(slice[i].collapsed == collapsed[from + i].collapsed);
            }
        }
    }
    CHECK(folded > 10);
}

TEST_CASE("Ranker: from top lists the page is the page of every match scored, scoring fewer") {
    test::TempDir tmp;
    test::build_portals_with_top_lists(tmp.path() / "index", 40, 30);
    auto listed = test::open_current((tmp.path() / "index").string());
    SearcherOptions options;
    std::size_t fewer = 0, cases = 0;
    for (const auto& query : {"biospecimen", "cell", "carcinoma", "biospecimen carcinoma",
                              "biospecimen colorectal", "htan primary", "colorectal carcinoma"}) {
        for (auto collapse : {Collapse::none, Collapse::dataset}) {
            for (auto [offset, count] :
                 {std::pair{0u, 10u}, std::pair{10u, 10u}, std::pair{0u, 3u}}) {
                CAPTURE(query);
                CAPTURE(static_cast<int>(collapse));
                CAPTURE(offset);
                auto a = stage(*listed, query);
                auto b = stage(portal_gen(), query);
                REQUIRE(a->matches->size() == b->matches->size());
                Ranker from_lists(*listed, a->checked, *a->matches, options);
                Ranker everything(portal_gen(), b->checked, *b->matches, options);
                RankedPage got = from_lists.page(a->matches->all(), offset, count, collapse);
                RankedPage want = everything.page(b->matches->all(), offset, count, collapse);
                // The index without lists scores every match.
                CHECK(everything.scored() == b->matches->size());
                CHECK(page_ids(*listed, got) == page_ids(portal_gen(), want));
                REQUIRE(got.size() == want.size());
                for (std::size_t i = 0; i < got.size(); ++i) {
                    CHECK(got[i].weight == doctest::Approx(want[i].weight).epsilon(1e-9));
                }
                ++cases;
                if (from_lists.scored() < a->matches->size()) ++fewer;
            }
        }
    }
    MESSAGE(fewer << " of " << cases << " pages were ranked from the top lists' candidates");
    CHECK(fewer > 0);
    CHECK(fewer < cases);
}

TEST_CASE("Ranker: a set scored in halves on two threads gives the page one thread gives") {
    SearcherOptions one;
    one.threads = 1;
    SearcherOptions split;
    split.threads = 2;
    split.split_from = 1;
    auto single = test::open_current(test::portal_index().dir, one);
    auto two = test::open_current(test::portal_index().dir, split);
    REQUIRE(single->helper_db == nullptr);
    REQUIRE(two->helper_db != nullptr);
    for (const auto& query : kRankerQueries) {
        for (auto collapse : {Collapse::none, Collapse::dataset, Collapse::siblings}) {
            for (auto [offset, count] : {std::pair{0u, 10u}, std::pair{7u, 15u}}) {
                CAPTURE(query);
                CAPTURE(static_cast<int>(collapse));
                CAPTURE(offset);
                auto a = stage(*single, query);
                auto b = stage(*two, query);
                Ranker one_thread(*single, a->checked, *a->matches, one);
                Ranker halves(*two, b->checked, *b->matches, split);
                RankedPage want = one_thread.page(a->matches->all(), offset, count, collapse);
                RankedPage got = halves.page(b->matches->all(), offset, count, collapse);
                CHECK(one_thread.threads() == 1);
                // Siblings' counts need every match in one list: never split.
                CHECK(halves.threads() == (collapse == Collapse::siblings ? 1u : 2u));
                CHECK(docids(got) == docids(want));
                CHECK(weights(got) == weights(want));  // to the bit
                // (Siblings' counts are exact; a dataset's count is Xapian's
                // guess and not part of the page.)
                if (collapse == Collapse::siblings) {
                    REQUIRE(got.size() == want.size());
                    for (std::size_t i = 0; i < got.size(); ++i) {
                        CHECK(got[i].collapsed == want[i].collapsed);
                    }
                }
                CHECK(halves.scored() == one_thread.scored());
            }
        }
    }
}
