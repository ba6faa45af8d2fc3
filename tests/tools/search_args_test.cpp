// Tests for tools/search_args.cpp: atlas-search's command line as tables,
// arguments in, the request and the tool's own choices out, or the exact
// usage error atlas-search prints.
#include "search_args.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <functional>
#include <regex>
#include <set>

#include "atlas/portals.h"
#include "cli_util.h"
#include "usage_check.h"

using atlas::cli::parse_search_args;
using atlas::cli::SearchArgs;

namespace {

// Every member, so two results compare in one line that says what differs.
std::string describe(const SearchArgs& a) {
    return fmt::format(
        "action={} index='{}' json={} json_errors={} manifest={} limit_given={} request_file={}\n"
        "request={}",
        static_cast<int>(a.action), a.index, a.json, a.json_errors,
        a.manifest ? static_cast<int>(*a.manifest) : -1, a.limit_given,
        a.request_file.value_or("(none)"), atlas::to_json(a.request));
}

struct Row {
    std::vector<std::string> args;
    std::function<void(SearchArgs&)> want;  // applied to what no arguments give
};

void check_rows(const std::vector<Row>& rows) {
    for (const auto& row : rows) {
        INFO(fmt::format("{}", fmt::join(row.args, " ")));
        auto got = parse_search_args(row.args);
        REQUIRE_MESSAGE(got.ok(), got.error().message);
        SearchArgs want;
        want.request.collapse = true;  // the terminal shows near-identical siblings once
        row.want(want);
        CHECK(describe(got.value()) == describe(want));
    }
}

atlas::Filter filter(std::string field, std::vector<std::string> values, atlas::Filter::Mode mode) {
    return {std::move(field), std::move(values), mode};
}

atlas::FacetRequest facet(std::string field, std::uint32_t size, std::string prefix = "") {
    return {std::move(field), size, std::move(prefix)};
}

std::string collapse_spaces(const std::string& text) {
    return std::regex_replace(text, std::regex("\\s+"), " ");
}

}  // namespace

TEST_CASE("parse_search_args joins the words into the query and reads each option") {
    using Mode = atlas::Filter::Mode;
    check_rows({
        {{}, [](SearchArgs&) {}},
        {{"ribosome", "S.", "pombe"}, [](SearchArgs& a) { a.request.query = "ribosome S. pombe"; }},
        {{"", "x", "-"}, [](SearchArgs& a) { a.request.query = "x -"; }},
        {{"--index", "/ix", "x"},
         [](SearchArgs& a) {
             a.index = "/ix";
             a.request.query = "x";
         }},
        {{"--index=/ix"}, [](SearchArgs& a) { a.index = "/ix"; }},
        {{"--kind", ",dataset,,run", "--kind=annotation"},
         [](SearchArgs& a) {
             a.request.kinds = {"dataset", "run", "annotation"};
         }},
        {{"--source", "htan,hoa"},
         [](SearchArgs& a) {
             a.request.sources = {"htan", "hoa"};
         }},
        {{"--filter", "organism=S. pombe,E. coli", "--filter", "organism!=E. coli"},
         [](SearchArgs& a) {
             a.request.filters = {filter("organism", {"S. pombe", "E. coli"}, Mode::any),
                                  filter("organism", {"E. coli"}, Mode::none)};
         }},
        {{"--filter=release_date=*", "--filter", "release_date!=*"},
         [](SearchArgs& a) {
             a.request.filters = {filter("release_date", {}, Mode::exists),
                                  filter("release_date", {}, Mode::missing)};
         }},
        {{"--filter", "title=a\\,b,,c"},
         [](SearchArgs& a) {
             a.request.filters = {filter("title", {"a,b", "c"}, Mode::any)};
         }},
        {{"--filter", "quality=>=4"},
         [](SearchArgs& a) { a.request.filters = {filter("quality", {">=4"}, Mode::any)}; }},
        {{"--facets", "organism,object:20", "--facet-search", "organism=Schiz"},
         [](SearchArgs& a) {
             a.request.facets = {facet("organism", 10), facet("object", 20),
                                 facet("organism", 20, "Schiz")};
         }},
        {{"--group", "dataset", "--group-size", "2"},
         [](SearchArgs& a) {
             a.request.group_by = "dataset";
             a.request.group_size = 2;
         }},
        {{"--limit", "0", "--offset=20"},
         [](SearchArgs& a) {
             a.request.limit = 0;
             a.request.offset = 20;
             a.limit_given = true;
         }},
        {{"--no-typo-tolerance", "--explain"},
         [](SearchArgs& a) {
             a.request.typo_tolerance = false;
             a.request.explain = true;
         }},
        {{"--all-siblings"}, [](SearchArgs& a) { a.request.collapse = false; }},
    });
}

TEST_CASE("parse_search_args: numbers and dates sort descending by default, names ascending") {
    auto sorted = [](const char* field, bool descending) {
        return [field, descending](SearchArgs& a) { a.request.sort = {{field, descending}}; };
    };
    check_rows({
        {{"--sort", "release_date"}, sorted("release_date", true)},
        {{"--sort", "quality:asc"}, sorted("quality", false)},
        {{"--sort", "title"}, sorted("title", false)},
        {{"--sort", "id"}, sorted("id", false)},
        {{"--sort", "kind"}, sorted("kind", false)},
        {{"--sort", "relevance"}, sorted("relevance", false)},
        {{"--sort", "title:desc"}, sorted("title", true)},
        {{"--sort", "title", "--sort", "quality"}, sorted("quality", true)},
    });
}

TEST_CASE("parse_search_args: --json, --manifest, --request and -- choose the output") {
    check_rows({
        {{"--json", "x"},
         [](SearchArgs& a) {
             a.json = true;
             a.json_errors = true;
             a.request.query = "x";
         }},
        // As before the tables: "--json=..." prints JSON, but only a plain
        // --json turns errors into JSON; a --json taken as a value does.
        {{"--json=yes"}, [](SearchArgs& a) { a.json = true; }},
        {{"--index", "--json"},
         [](SearchArgs& a) {
             a.index = "--json";
             a.json_errors = true;
         }},
        {{"--manifest", "s3", "x"},
         [](SearchArgs& a) {
             a.manifest = atlas::ManifestFormat::s3;
             a.request.collapse = false;  // a manifest lists every file
             a.request.query = "x";
         }},
        {{"--manifest=drs", "--limit", "5"},
         [](SearchArgs& a) {
             a.manifest = atlas::ManifestFormat::drs;
             a.request.collapse = false;
             a.request.limit = 5;
             a.limit_given = true;
         }},
        {{"--request", "r.json", "--limit", "5", "--sort", "title"},
         [](SearchArgs& a) {
             a.request_file = "r.json";
             a.json = true;
             a.json_errors = true;
             a.request.limit = 5;
             a.limit_given = true;
             a.request.sort = {{"title", false}};
         }},
        {{"--limit", "1", "--", "-pombe", "--json", "--"},
         [](SearchArgs& a) {
             a.request.limit = 1;
             a.limit_given = true;
             a.request.query = "-pombe --json --";
         }},
    });
}

TEST_CASE("parse_search_args stops at --help and --version, after any earlier error") {
    using Action = SearchArgs::Action;
    const std::vector<std::pair<std::vector<std::string>, Action>> rows{
        {{"--help"}, Action::help},
        {{"-h"}, Action::help},
        {{"--help", "fields"}, Action::help_fields},
        {{"-h", "fields", "--frobnicate"}, Action::help_fields},
        {{"--help=fields"}, Action::help},
        {{"x", "--help", "--limit", "lots"}, Action::help},
        {{"--version"}, Action::version},
        {{"--version=2", "--frobnicate"}, Action::version},
    };
    for (const auto& [args, action] : rows) {
        INFO(fmt::format("{}", fmt::join(args, " ")));
        auto got = parse_search_args(args);
        REQUIRE_MESSAGE(got.ok(), got.error().message);
        CHECK(got.value().action == action);
    }
    CHECK_FALSE(parse_search_args({"--limit", "lots", "--help"}).ok());
    CHECK(parse_search_args({"--", "--help"}).value().action == Action::search);
}

TEST_CASE("parse_search_args refuses bad usage with the exact message atlas-search prints") {
    struct Bad {
        std::vector<std::string> args;
        std::string message;
        bool json = false;
    };
    const std::string request_alone =
        "--request gives the whole request: no query, --kind, --source, --filter, --facets or "
        "--manifest with it";
    const std::string bad_filter =
        "--filter takes FIELD=VALUE[,VALUE...], FIELD!=VALUE, FIELD=* or FIELD!=*, not ";
    const std::vector<Bad> rows{
        {{"--frobnicate"},
         "unknown option '--frobnicate' (to search for it, put the query after --; see --help)"},
        {{"--frobnicate", "--json"},
         "unknown option '--frobnicate' (to search for it, put the query after --; see --help)",
         true},
        {{"-x"}, "unknown option '-x' (to search for it, put the query after --; see --help)"},
        {{"--limit", "x", "--", "--json"}, "--limit takes a number from 0 to 1000, not 'x'"},
        {{"--index"}, "--index needs a directory"},
        {{"--kind"}, "--kind needs a kind (dataset, run, annotation, ...)"},
        {{"--source"}, "--source needs a source (cryoet, htan, hoa, panosc, minerva)"},
        {{"--manifest"}, "--manifest takes s3, drs, doi or https, not ''"},
        {{"--manifest", "bogus"}, "--manifest takes s3, drs, doi or https, not 'bogus'"},
        {{"--filter"}, "--filter needs FIELD=VALUE[,VALUE...]"},
        {{"--filter", "organism"}, bad_filter + "'organism'"},
        {{"--filter", "=x"}, bad_filter + "'=x'"},
        {{"--filter", "!=x"}, bad_filter + "'!=x'"},
        {{"--filter", "organism=,"}, bad_filter + "'organism=,'"},
        {{"--facets"}, "--facets needs FIELD[:SIZE][,FIELD[:SIZE]...]"},
        {{"--facets", "kind,organism:lots"},
         "--facets: 'organism:lots' is not FIELD or FIELD:SIZE (at most 1000)"},
        {{"--facets", "organism:1001"},
         "--facets: 'organism:1001' is not FIELD or FIELD:SIZE (at most 1000)"},
        {{"--facet-search"}, "--facet-search needs FIELD=PREFIX (organism=Schiz)"},
        {{"--facet-search", "organism"}, "--facet-search needs FIELD=PREFIX (organism=Schiz)"},
        {{"--facet-search", "=Schiz"}, "--facet-search needs FIELD=PREFIX (organism=Schiz)"},
        {{"--sort"}, "--sort needs FIELD[:asc|:desc]"},
        {{"--sort="}, "--sort needs FIELD[:asc|:desc]"},
        {{"--sort", "title:up"}, "--sort takes FIELD, FIELD:asc or FIELD:desc, not 'title:up'"},
        {{"--group"}, "--group takes dataset"},
        {{"--group", "run"}, "--group takes dataset"},
        {{"--group-size"}, "--group-size takes a number from 1 to 100, not ''"},
        {{"--group-size", "0"}, "--group-size takes a number from 1 to 100, not '0'"},
        {{"--group-size", "101"}, "--group-size takes a number from 1 to 100, not '101'"},
        {{"--request"}, "--request needs a JSON file, or - for standard input"},
        {{"--limit", "lots", "x"}, "--limit takes a number from 0 to 1000, not 'lots'"},
        {{"--limit=1001"}, "--limit takes a number from 0 to 1000, not '1001'"},
        {{"--limit", "-1"}, "--limit takes a number from 0 to 1000, not '-1'"},
        {{"--limit"}, "--limit takes a number from 0 to 1000, not ''"},
        {{"--offset", "1000001"}, "--offset takes a number from 0 to 1000000, not '1000001'"},
        {{"--request", "r.json", "ribosome"}, request_alone, true},
        {{"--request", "r.json", ""}, request_alone, true},
        {{"--request", "-", "--kind", "run"}, request_alone, true},
        {{"--manifest", "s3", "--request", "r.json"}, request_alone, true},
        {{"--request", "r.json", "--facet-search", "organism=S"}, request_alone, true},
    };
    for (const auto& row : rows) {
        INFO(fmt::format("{}", fmt::join(row.args, " ")));
        auto got = parse_search_args(row.args);
        REQUIRE_FALSE(got.ok());
        CHECK(got.error().message == row.message);
        CHECK(got.error().json == row.json);
    }
}

TEST_CASE("atlas-search's usage names only options it takes, each portal and its kinds") {
    std::string usage = atlas::cli::search_usage();
    std::string flat = collapse_spaces(usage);
    for (const auto& p : atlas::portals()) {
        CAPTURE(p.name);
        CHECK(flat.find(fmt::format("{} ({})", fmt::join(p.kinds, ", "), p.name)) !=
              std::string::npos);
    }
    std::vector<std::string> names;
    for (const auto& p : atlas::portals()) names.push_back(p.name);
    CHECK(flat.find(fmt::format("from these portals (repeatable): {}", fmt::join(names, ", "))) !=
          std::string::npos);
    // Every option the usage names is one the parser takes.
    std::set<std::string> named;
    std::regex option("--[a-z][a-z-]*");
    for (std::sregex_iterator it(usage.begin(), usage.end(), option), end; it != end; ++it) {
        named.insert(it->str());
    }
    CHECK(named.size() >= 19);
    for (const auto& name : named) {
        CAPTURE(name);
        auto got = parse_search_args({name, "dataset"});
        if (!got.ok()) CHECK(got.error().message.find("unknown option") == std::string::npos);
    }
    atlas::test::check_lines_fit(usage);
}
