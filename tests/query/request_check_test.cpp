// Tests for checking and normalising a request before the index is read
// (query/request_check.cpp): what passes comes out named as the registry names
// it and parsed; everything a request can get wrong is refused with its code
// and a message naming it, whatever an index would hold.  Pure: no index,
// except the one test of correct_typos, which needs an index's words.
#include "request_check.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "atlas/search.h"
#include "spelling.h"
#include "stage_util.h"
#include "test_util.h"

using namespace atlas;
using test::filter;
using detail::CheckedRequest;
using detail::QueryNode;

namespace {

constexpr const char* kKnownKinds =
    "dataset, atlas, donor, document, story, publication, deposition, participant, organ, run, "
    "sample, biospecimen, tiltseries, tomogram, annotation, file, instrument, technique";
constexpr const char* kKnownSources = "cryoet, htan, hoa, panosc, minerva";

Result<CheckedRequest> check(const SearchRequest& request) {
    return detail::check_request(request, detail::ParseOptions{});
}

CheckedRequest passed(const SearchRequest& request) {
    auto out = check(request);
    REQUIRE_MESSAGE(out.ok(), to_json(request) << ": " << out.error().message);
    return std::move(out).value();
}

// The values of the exact nodes on `field` in `node`, depth first.
std::vector<std::string> exact_values(const QueryNode& node, const std::string& field) {
    std::vector<std::string> out;
    if (node.kind == QueryNode::Kind::exact && node.field == field) out.push_back(node.value);
    for (const auto& c : node.children) {
        auto sub = exact_values(c, field);
        out.insert(out.end(), sub.begin(), sub.end());
    }
    return out;
}

ChildFilter child(std::string kind, std::string query = {},
                  std::vector<ChildFilter> children = {}) {
    ChildFilter c;
    c.kind = std::move(kind);
    c.query = std::move(query);
    c.children = std::move(children);
    return c;
}

FacetRequest facet(std::string field, std::uint32_t size = 10, std::string prefix = {}) {
    FacetRequest f;
    f.field = std::move(field);
    f.size = size;
    f.prefix = std::move(prefix);
    return f;
}

// has_children nested `levels` deep: run > run > ... (levels ChildFilters).
std::vector<ChildFilter> nested(int levels) {
    std::vector<ChildFilter> out;
    for (int i = 0; i < levels; ++i) {
        ChildFilter c = child("runs");
        c.children = std::move(out);
        out = {std::move(c)};
    }
    return out;
}

const std::string kBadUtf8 = "ribo\xff";

}  // namespace

TEST_CASE("kinds and sources come out as the registry names them in the request's lists") {
    SearchRequest r;
    r.kinds = {"Datasets", "RUNS", "stories", "atlases", "annotation", "TiltSeries"};
    r.sources = {"HTAN", "CryoET", "minerva"};
    auto c = passed(r);
    CHECK(c.kinds ==
          std::vector<std::string>{"dataset", "run", "story", "atlas", "annotation", "tiltseries"});
    CHECK(c.sources == std::vector<std::string>{"htan", "cryoet", "minerva"});
    // The request itself is kept as given.
    CHECK(c.request == &r);
    CHECK(r.kinds.front() == "Datasets");
}

TEST_CASE("kinds and sources in the query and in child filters' queries are named the same way") {
    SearchRequest r;
    r.query = "ribosome (kind:Datasets OR kind:Stories) source:HTAN";
    ChildFilter runs = child("Runs", "kind:tomograms source:CRYOET");
    runs.children = {child("Annotations", "kind:annotations ribosome")};
    r.has_children = {runs};
    auto c = passed(r);
    CHECK(exact_values(c.tree, "kind") == std::vector<std::string>{"dataset", "story"});
    CHECK(exact_values(c.tree, "source") == std::vector<std::string>{"htan"});
    REQUIRE(c.children.size() == 1);
    const auto& run = c.children[0];
    CHECK(run.kind == "run");
    REQUIRE(run.query.has_value());
    CHECK(exact_values(*run.query, "kind") == std::vector<std::string>{"tomogram"});
    CHECK(exact_values(*run.query, "source") == std::vector<std::string>{"cryoet"});
    REQUIRE(run.children.size() == 1);
    CHECK(run.children[0].kind == "annotation");
    REQUIRE(run.children[0].query.has_value());
    CHECK(exact_values(*run.children[0].query, "kind") == std::vector<std::string>{"annotation"});
    // A child without a query matches any record of its kind.
    SearchRequest any;
    any.has_children = {child("files")};
    auto a = passed(any);
    REQUIRE(a.children.size() == 1);
    CHECK(a.children[0].kind == "file");
    CHECK_FALSE(a.children[0].query.has_value());
}

TEST_CASE("every refusal names what was wrong, with the code that says who must fix it") {
    struct Refusal {
        const char* what;
        std::function<void(SearchRequest&)> make;
        Errc code;
        std::string message;
    };
    const auto req = Errc::invalid_request;
    const auto query = Errc::invalid_query;
    const std::vector<Refusal> refusals = {
        {"limit", [](SearchRequest& r) { r.limit = kMaxLimit + 1; }, req,
         "limit 1001 is above the maximum of 1000"},
        {"offset", [](SearchRequest& r) { r.offset = kMaxOffset + 1; }, req,
         "offset 1000001 is above the maximum of 1000000"},
        {"group_size 0", [](SearchRequest& r) { r.group_size = 0; }, req,
         "group_size 0 is not between 1 and 100"},
        {"group_size 101", [](SearchRequest& r) { r.group_size = kMaxGroupSize + 1; }, req,
         "group_size 101 is not between 1 and 100"},
        {"group_by", [](SearchRequest& r) { r.group_by = "run"; }, req,
         "cannot group by 'run' (group_by takes \"dataset\")"},
        {"UTF-8 in the query", [](SearchRequest& r) { r.query = kBadUtf8; }, query,
         "the query is not valid UTF-8"},
        // Issue 19 D9: a query's size is bounded (20,000 words took 43 s and 2 GB).
        {"query bytes", [](SearchRequest& r) { r.query = std::string(kMaxQuerySize + 1, ' ') + "x"; }, req,
         "the query is 4098 bytes; at most 4096"},
        {"query words",
         [](SearchRequest& r) {
             for (std::size_t i = 0; i <= kMaxQueryTerms; ++i) r.query += fmt::format("w{} ", i);
         },
         req, "the query has 257 words; at most 256"},
        {"query wildcards",
         [](SearchRequest& r) {
             for (char c = 'a'; c <= 'q'; ++c) r.query += fmt::format("{}* ", c);
         },
         req, "the query has 17 wildcards (*); at most 16"},
        {"child query words",
         [](SearchRequest& r) {
             std::string q;
             for (std::size_t i = 0; i <= kMaxQueryTerms; ++i) q += "cell ";
             r.has_children = {{.kind = "run", .query = q, .filters = {}, .children = {}}};
         },
         req, "a child query has 257 words; at most 256"},
        // A word the tokenizer would drop: alone, the query would ask for everything.
        {"a word over 64 bytes", [](SearchRequest& r) { r.query = "ribosome " + std::string(100, 'a'); }, query,
         "the word 'aaaaaaaaaaaaaaaaaaaaaaaa...' is 100 bytes; no word over 64 bytes is indexed, so it can "
         "match nothing (an id or a checksum: field:=value)"},
        {"a word over 64 bytes, shown cut at a character",
         [](SearchRequest& r) {
             r.query.clear();
             for (int i = 0; i < 40; ++i) r.query += "\u00e9";
         },
         query,
         "the word '\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9...' is 80 bytes; "
         "no word over 64 bytes is indexed, so it can match nothing (an id or a checksum: field:=value)"},
        {"a word over 64 bytes in a child query",
         [](SearchRequest& r) { r.has_children = {{.kind = "run", .query = std::string(65, 'b'), .filters = {}, .children = {}}}; },
         query,
         "the word 'bbbbbbbbbbbbbbbbbbbbbbbb...' is 65 bytes; no word over 64 bytes is indexed, so it can "
         "match nothing (an id or a checksum: field:=value)"},
        {"UTF-8 in a kind",
         [](SearchRequest& r) {
             r.kinds = {"run", kBadUtf8};
         },
         query, "a kind is not valid UTF-8"},
        {"UTF-8 in a source", [](SearchRequest& r) { r.sources = {kBadUtf8}; }, query,
         "a source is not valid UTF-8"},
        {"UTF-8 in a filter's field",
         [](SearchRequest& r) { r.filters = {filter(kBadUtf8, {"x"})}; }, req,
         "a filter's field is not valid UTF-8"},
        {"UTF-8 in a filter's value",
         [](SearchRequest& r) {
             r.filters = {filter("organism", {"yeast", kBadUtf8})};
         },
         req, "a value of organism is not UTF-8"},
        {"UTF-8 in a facet's field", [](SearchRequest& r) { r.facets = {facet(kBadUtf8)}; }, req,
         "a facet's field or prefix is not valid UTF-8"},
        {"UTF-8 in a facet's prefix",
         [](SearchRequest& r) { r.facets = {facet("organism", 10, kBadUtf8)}; }, req,
         "a facet's field or prefix is not valid UTF-8"},
        {"UTF-8 in a sort field",
         [](SearchRequest& r) {
             r.sort = {{kBadUtf8, false}};
         },
         req, "a sort field is not valid UTF-8"},
        {"UTF-8 in a child query",
         [](SearchRequest& r) { r.has_children = {child("run", kBadUtf8)}; }, query,
         "a child query is not UTF-8"},
        {"a facet on a misspelt field", [](SearchRequest& r) { r.facets = {facet("organsim")}; },
         req, "no facet 'organsim': unknown field (did you mean 'organism'?)"},
        {"a facet on an unknown field", [](SearchRequest& r) { r.facets = {facet("zzzzzzzzzz")}; },
         req, "no facet 'zzzzzzzzzz': unknown field"},
        {"a facet on ids of single records", [](SearchRequest& r) { r.facets = {facet("id")}; },
         req, "id is not a facet: its values are ids of single records (filter on it instead)"},
        {"a facet on text", [](SearchRequest& r) { r.facets = {facet("title")}; }, req,
         "title is not a facet: its values are ids of single records (filter on it instead)"},
        {"a facet too large",
         [](SearchRequest& r) { r.facets = {facet("organism", kMaxFacetSize + 1)}; }, req,
         "facet organism asks for 1001 values; the maximum is 1000"},
        {"two sort keys",
         [](SearchRequest& r) {
             r.sort = {{"release_date", true}, {"title", false}};
         },
         req, "sort takes one key (ties are broken by browse order)"},
        // Refused although such a query matches nothing: the request is wrong
        // whatever the index holds.
        {"a sort on a keyword",
         [](SearchRequest& r) {
             r.query = "zzzqqqxxx";
             r.sort = {{"organism", false}};
         },
         req, "cannot sort by 'organism' (relevance, title, id, kind, or a number or date field)"},
        {"'browse' is no sort key",
         [](SearchRequest& r) {
             r.sort = {{"browse", false}};
         },
         req, "cannot sort by 'browse' (relevance, title, id, kind, or a number or date field)"},
        {"a sort on an unknown field",
         [](SearchRequest& r) {
             r.sort = {{"qualty", true}};
         },
         req, "cannot sort by 'qualty' (relevance, title, id, kind, or a number or date field)"},
        {"a filter on a misspelt field",
         [](SearchRequest& r) { r.filters = {filter("organsim", {"yeast"})}; }, req,
         "filter on unknown field 'organsim' (did you mean 'organism'?)"},
        {"a filter on an unknown field",
         [](SearchRequest& r) { r.filters = {filter("zzzzzzzzzz", {"yeast"})}; }, req,
         "filter on unknown field 'zzzzzzzzzz'"},
        {"a filter with no values", [](SearchRequest& r) { r.filters = {filter("organism", {})}; },
         req, "filter on organism has no values"},
        {"a NOT filter with no values",
         [](SearchRequest& r) { r.filters = {filter("organism", {}, Filter::Mode::none)}; }, req,
         "filter on organism has no values"},
        {"a filter value a number field cannot take",
         [](SearchRequest& r) { r.filters = {filter("voxel_spacing", {"10kV"})}; }, query,
         "voxel_spacing is a length, 'kV' is a unit of voltage"},
        {"a filter value a boolean cannot take",
         [](SearchRequest& r) { r.filters = {filter("ground_truth", {"maybe"})}; }, query,
         "ground_truth takes yes or no, not 'maybe'"},
        {"an empty filter value", [](SearchRequest& r) { r.filters = {filter("organism", {""})}; },
         query, "a filter on organism has an empty value"},
        {"an unknown kind in the request", [](SearchRequest& r) { r.kinds = {"widget"}; }, query,
         std::string("unknown kind 'widget' (known: ") + kKnownKinds + ")"},
        {"an unknown kind in the query", [](SearchRequest& r) { r.query = "kind:widgets"; }, query,
         std::string("unknown kind 'widgets' (known: ") + kKnownKinds + ")"},
        {"an unknown source in the request", [](SearchRequest& r) { r.sources = {"gdc"}; }, query,
         std::string("unknown source 'gdc' (known: ") + kKnownSources + ")"},
        {"an unknown source in the query", [](SearchRequest& r) { r.query = "source:gdc"; }, query,
         std::string("unknown source 'gdc' (known: ") + kKnownSources + ")"},
        {"an unknown field in the query", [](SearchRequest& r) { r.query = "autor:smith"; }, query,
         "unknown field 'autor' (did you mean 'author'?)"},
        {"an unknown kind of child", [](SearchRequest& r) { r.has_children = {child("widget")}; },
         query, std::string("unknown kind 'widget' (known: ") + kKnownKinds + ")"},
        {"an unknown kind in a nested child filter",
         [](SearchRequest& r) { r.has_children = {child("run", "", {child("widget")})}; }, query,
         std::string("unknown kind 'widget' (known: ") + kKnownKinds + ")"},
        {"an unknown kind in a nested child's query",
         [](SearchRequest& r) {
             r.has_children = {child("run", "", {child("annotation", "kind:widget")})};
         },
         query, std::string("unknown kind 'widget' (known: ") + kKnownKinds + ")"},
        {"a filter on an unknown field in a child",
         [](SearchRequest& r) {
             ChildFilter c = child("run");
             c.filters = {filter("qualty", {">=4"})};
             r.has_children = {c};
         },
         req, "filter on unknown field 'qualty' (did you mean 'quality'?)"},
        {"a child query with bad syntax",
         [](SearchRequest& r) { r.has_children = {child("annotation", "ribosome OR")}; }, query,
         "OR needs something after it"},
        {"a child query with a stray parenthesis",
         [](SearchRequest& r) { r.has_children = {child("run", "", {child("tomogram", ")")})}; },
         query, "unexpected ')' (no '(' opens it)"},
        {"has_children 10 levels deep", [](SearchRequest& r) { r.has_children = nested(10); }, req,
         "has_children nests deeper than 8 levels"},
    };
    for (const auto& refusal : refusals) {
        CAPTURE(refusal.what);
        SearchRequest r;
        r.query = "ribosome";
        refusal.make(r);
        auto c = check(r);
        REQUIRE_FALSE(c.ok());
        CHECK(c.error().code == refusal.code);
        CHECK(c.error().message == refusal.message);
    }
}

TEST_CASE("has_children may nest 9 levels: the outermost and 8 below it") {
    SearchRequest r;
    r.has_children = nested(9);
    auto c = passed(r);
    const detail::CheckedChild* level = &c.children.at(0);
    int depth = 1;
    while (!level->children.empty()) {
        CHECK(level->kind == "run");
        level = &level->children.front();
        ++depth;
    }
    CHECK(depth == 9);
}

TEST_CASE("a request is ranked only by relevance and only when its query has words that rank") {
    auto ranked = [](const std::string& query, std::vector<SortKey> sort = {}) {
        SearchRequest r;
        r.query = query;
        r.sort = std::move(sort);
        return passed(r).ranked;
    };
    CHECK(ranked("ribosome"));
    CHECK(ranked("organism:pombe"));  // a keyword's words rank
    CHECK(ranked("ribosome", {{"relevance", false}}));
    CHECK(ranked("ribosome -membrane"));
    CHECK_FALSE(ranked(""));
    CHECK_FALSE(ranked("quality:>=4"));   // a range adds no weight
    CHECK_FALSE(ranked("kind:dataset"));  // nor does a whole value
    CHECK_FALSE(ranked("NOT ribosome"));  // nor words under NOT
    CHECK_FALSE(ranked("ribosome", {{"release_date", true}}));
    CHECK_FALSE(ranked("ribosome", {{"title", false}}));
}

TEST_CASE("a sort comes out as its field and direction - relevance is no field") {
    SearchRequest r;
    r.sort = {{"quality", true}};
    auto c = passed(r);
    CHECK_FALSE(c.by_relevance);
    CHECK(c.sort_field == "quality");
    CHECK(c.descending);
    for (const char* field : {"title", "id", "kind", "release_date", "voxel_spacing"}) {
        CAPTURE(field);
        r.sort = {{field, false}};
        auto s = passed(r);
        CHECK_FALSE(s.by_relevance);
        CHECK(s.sort_field == field);
        CHECK_FALSE(s.descending);
    }
    r.sort = {{"relevance", true}};
    auto rel = passed(r);
    CHECK(rel.by_relevance);
    CHECK(rel.sort_field.empty());
    CHECK_FALSE(rel.descending);
    r.sort.clear();
    CHECK(passed(r).by_relevance);
}

TEST_CASE("filter values come out parsed: ranges, whole values and yes or no") {
    SearchRequest r;
    r.filters = {filter("quality", {">=4", "1..2"}),
                 filter("organism", {"Schizosaccharomyces pombe"}, Filter::Mode::none),
                 filter("ground_truth", {"yes"}), filter("voxel_spacing", {}, Filter::Mode::exists),
                 filter("release_date", {}, Filter::Mode::missing)};
    auto c = passed(r);
    REQUIRE(c.filters.size() == 5);

    const auto& quality = c.filters[0];
    CHECK(quality.field == "quality");
    REQUIRE(quality.spec != nullptr);
    CHECK(quality.spec->name == "quality");
    CHECK(quality.mode == Filter::Mode::any);
    REQUIRE(quality.values.size() == 2);
    const QueryNode& at_least_4 = quality.values[0];
    CHECK(at_least_4.kind == QueryNode::Kind::range);
    CHECK(at_least_4.field == "quality");
    CHECK(at_least_4.lo == 4);
    CHECK(at_least_4.lo_inclusive);
    CHECK(at_least_4.hi == std::numeric_limits<double>::infinity());
    const QueryNode& one_to_two = quality.values[1];
    CHECK(one_to_two.kind == QueryNode::Kind::range);
    CHECK(one_to_two.lo == 1);
    CHECK(one_to_two.hi == 2);

    const auto& organism = c.filters[1];
    CHECK(organism.mode == Filter::Mode::none);
    REQUIRE(organism.values.size() == 1);
    CHECK(organism.values[0].kind == QueryNode::Kind::exact);
    CHECK(organism.values[0].field == "organism");
    CHECK(organism.values[0].value == "schizosaccharomycespombe");

    const auto& ground_truth = c.filters[2];
    REQUIRE(ground_truth.values.size() == 1);
    CHECK(ground_truth.values[0].kind == QueryNode::Kind::exact);
    CHECK(ground_truth.values[0].value == "true");

    // exists and missing need no values, and get none.
    CHECK(c.filters[3].mode == Filter::Mode::exists);
    CHECK(c.filters[3].values.empty());
    REQUIRE(c.filters[3].spec != nullptr);
    CHECK(c.filters[3].spec->name == "voxel_spacing");
    CHECK(c.filters[4].mode == Filter::Mode::missing);
    CHECK(c.filters[4].values.empty());
}

TEST_CASE("child filters come out checked like the request's") {
    SearchRequest r;
    ChildFilter runs = child("runs");
    runs.filters = {filter("quality", {">=4"})};
    runs.children = {child("annotation", "ribosome")};
    r.has_children = {runs, child("Depositions")};
    auto c = passed(r);
    REQUIRE(c.children.size() == 2);
    CHECK(c.children[0].kind == "run");
    REQUIRE(c.children[0].filters.size() == 1);
    REQUIRE(c.children[0].filters[0].values.size() == 1);
    CHECK(c.children[0].filters[0].values[0].kind == QueryNode::Kind::range);
    CHECK(c.children[0].filters[0].values[0].lo == 4);
    REQUIRE(c.children[0].children.size() == 1);
    REQUIRE(c.children[0].children[0].query.has_value());
    CHECK(c.children[0].children[0].query->describe() == "ribosome");
    CHECK(c.children[1].kind == "deposition");
}

TEST_CASE("each facet comes with its field, numbers and dates included") {
    SearchRequest r;
    r.facets = {facet("organism"), facet("quality"), facet("release_date"), facet("kind"),
                facet("ground_truth")};
    auto c = passed(r);
    REQUIRE(c.facet_fields.size() == 5);
    for (std::size_t i = 0; i < r.facets.size(); ++i) {
        REQUIRE(c.facet_fields[i] != nullptr);
        CHECK(c.facet_fields[i]->name == r.facets[i].field);
    }
}

TEST_CASE("the query comes out parsed - an empty one matches every record") {
    SearchRequest r;
    r.query = "ribosome quality:>=4";
    auto c = passed(r);
    CHECK(c.tree.describe() == "AND(ribosome, quality:[4..*])");
    CHECK(c.corrections.empty());
    SearchRequest empty;
    CHECK(passed(empty).tree.kind == QueryNode::Kind::all);
}

TEST_CASE("correct_typos searches a misspelt word as the index's word, unless turned off") {
    auto gen = test::open_current(test::portal_index().dir);
    detail::ParseOptions options;
    options.vocabulary = &gen->vocabulary;
    SearchRequest r;
    r.query = "ribosme";
    auto c = detail::check_request(r, options);
    REQUIRE(c.ok());
    CHECK(c.value().tree.describe() == "ribosme");
    detail::correct_typos(c.value(), *gen->spelling, options);
    REQUIRE(c.value().corrections.size() == 1);
    CHECK(c.value().corrections[0].from == "ribosme");
    CHECK(c.value().corrections[0].to == std::vector<std::string>{"ribosome"});
    CHECK(c.value().tree.describe() == "ribosome");
    CHECK(c.value().ranked);

    r.typo_tolerance = false;
    auto off = detail::check_request(r, options);
    REQUIRE(off.ok());
    detail::correct_typos(off.value(), *gen->spelling, options);
    CHECK(off.value().corrections.empty());
    CHECK(off.value().tree.describe() == "ribosme");
}

TEST_CASE("with several mistakes the query's, kinds' and filters' come before the sort field's") {
    SearchRequest r;
    r.sort = {SortKey{"organism", false}};
    r.query = "autor:smith";
    auto unknown = check(r);
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error().code == Errc::invalid_query);
    CHECK(unknown.error().message.find("unknown field 'autor'") != std::string::npos);
    r.query = "ribosome";
    r.kinds = {"nothing"};
    auto kind = check(r);
    REQUIRE_FALSE(kind.ok());
    CHECK(kind.error().message == fmt::format("unknown kind 'nothing' (known: {})", kKnownKinds));
    r.kinds.clear();
    r.filters = {filter("autor", {"x"})};
    auto field = check(r);
    REQUIRE_FALSE(field.ok());
    CHECK(field.error().message.rfind("filter on unknown field 'autor'", 0) == 0);
    r.filters.clear();
    auto sort = check(r);
    REQUIRE_FALSE(sort.ok());
    CHECK(sort.error().code == Errc::invalid_request);
    CHECK(sort.error().message ==
          "cannot sort by 'organism' (relevance, title, id, kind, or a number or date field)");
}

TEST_CASE("a filter on another name of a field comes out on the field as the schema names it") {
    SearchRequest r;
    r.filters = {filter("gender", {"female"})};
    auto c = passed(r);
    REQUIRE(c.filters.size() == 1);
    CHECK(c.filters[0].field == "sex");
    CHECK(c.filters[0].spec == find_field("sex"));
}

TEST_CASE("a word of 64 bytes is a word, and a number too large for an integer stays a number") {
    SearchRequest r;
    r.query = std::string(64, 'a');
    CHECK(check(r).ok());
    r.query.clear();
    for (std::size_t i = 0; i < kMaxQueryTerms; ++i) r.query += "cell ";  // 256 words, 1,280 bytes
    CHECK(check(r).ok());
    // {"values":[1e300]}: written as a number, never cast to an integer it does not fit.
    auto request = request_from_json(R"({"filters":[{"field":"quality","values":[1e300, 4, -0.0, 2.5]}]})");
    REQUIRE_MESSAGE(request.ok(), request.error().message);
    CHECK(request.value().filters[0].values == std::vector<std::string>{"1e+300", "4", "0", "2.5"});
}

