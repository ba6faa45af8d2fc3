// Tests for atlas/search.h (query/searcher.cpp, query_builder.cpp, result_json.cpp) on the
// index of the bundled real sample.
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "atlas/index.h"
#include "atlas/search.h"
#include "schema/schema.h"
#include "test_util.h"

using namespace atlas;
namespace fs = std::filesystem;

namespace {

Searcher& searcher() {
    static Searcher s = [] {
        auto opened = Searcher::open(test::sample_index());
        REQUIRE_MESSAGE(opened.ok(), opened.error().message);
        return std::move(opened).value();
    }();
    return s;
}

SearchResult search(const std::string& query, std::vector<std::string> kinds = {},
                    std::uint32_t limit = 1000, std::uint32_t offset = 0) {
    SearchRequest r;
    r.query = query;
    r.kinds = std::move(kinds);
    r.limit = limit;
    r.offset = offset;
    auto result = searcher().search(r);
    REQUIRE_MESSAGE(result.ok(), query << ": " << result.error().message);
    return std::move(result).value();
}

Error search_error(const std::string& query, std::vector<std::string> kinds = {},
                   std::uint32_t limit = 10) {
    SearchRequest r;
    r.query = query;
    r.kinds = std::move(kinds);
    r.limit = limit;
    auto result = searcher().search(r);
    REQUIRE_FALSE(result.ok());
    return result.error();
}

std::set<std::string> ids(const SearchResult& r) {
    std::set<std::string> out;
    for (const auto& h : r.hits) out.insert(h.id);
    return out;
}

std::vector<std::string> values(const Hit& h, const std::string& field) {
    std::vector<std::string> out;
    if (const HitField* f = h.field(field)) {
        for (const auto& v : f->values) out.push_back(v.text);
    }
    return out;
}

std::vector<double> numbers(const Hit& h, const std::string& field) {
    std::vector<double> out;
    if (const HitField* f = h.field(field)) {
        for (const auto& v : f->values) out.push_back(v.number);
    }
    return out;
}

// The index of every bundled portal (data/sources.json).
Searcher& portals() { return test::portal_searcher(); }

SearchResult search_portals(const std::string& query, std::vector<std::string> kinds = {}) {
    SearchRequest r;
    r.query = query;
    r.kinds = std::move(kinds);
    r.limit = 1000;
    auto result = portals().search(r);
    REQUIRE_MESSAGE(result.ok(), query << ": " << result.error().message);
    return std::move(result).value();
}

// The id of a hit's parent: the crumb before its own.
std::string parent_of(const Hit& h) {
    REQUIRE(h.breadcrumb.size() >= 2);
    return h.breadcrumb[h.breadcrumb.size() - 2].id;
}

// True if every hit of a kind in `first` ranks above every hit of another kind.
bool kinds_first(const SearchResult& r, const std::set<std::string>& first) {
    bool others_seen = false;
    for (const auto& h : r.hits) {
        if (first.count(h.kind) == 0) {
            others_seen = true;
        } else if (others_seen) {
            return false;
        }
    }
    return true;
}

// Tilt-series quality of every run in the sample, read from the files.
std::map<std::string, double> run_qualities() {
    std::map<std::string, double> out;
    for (const auto& e : fs::recursive_directory_iterator(test::sample_cryoet())) {
        if (e.path().filename() != "tiltseries_metadata.json") continue;
        rapidjson::Document d;
        d.Parse(test::read_file(e.path()).c_str());
        fs::path run = e.path().parent_path().parent_path().parent_path();
        std::string id =
            "cryoet:run:" + run.parent_path().filename().string() + "/" + run.filename().string();
        out[id] = d["tilt_series_quality"].GetDouble();
    }
    return out;
}

}  // namespace

TEST_CASE("ribosome S. pombe puts dataset 10000/10001 material with ribosome annotations first") {
    auto r = search("ribosome S. pombe");
    REQUIRE(r.hits.size() >= 10);
    CHECK(r.parsed == "AND(ribosome, SYN(\"s pombe\" | AND(schizosaccharomyces, pombe)))");
    CHECK(values(r.hits[0], "dataset") == std::vector<std::string>{"10000"});
    for (std::size_t i = 0; i < 10; ++i) {
        const Hit& h = r.hits[i];
        CAPTURE(h.id);
        auto ds = values(h, "dataset");
        CHECK((ds == std::vector<std::string>{"10000"} || ds == std::vector<std::string>{"10001"}));
        auto objects = values(h, "object");
        CHECK(std::find(objects.begin(), objects.end(), "cytosolic ribosome") != objects.end());
    }
    // The S. cerevisiae ribosome dataset (10007) is not an S. pombe result at all.
    for (const auto& h : r.hits) {
        CAPTURE(h.id);
        CHECK(h.id.find("10007") == std::string::npos);
    }
    auto found = ids(r);
    CHECK(found.count("cryoet:dataset:10000") == 1);
    CHECK(found.count("cryoet:dataset:10001") == 1);
    CHECK(found.count("cryoet:run:10000/TS_026") == 1);
    CHECK(found.count("cryoet:annotation:10000/TS_026/13.480/101") == 1);
    // The abbreviation and the full name find the same records.
    CHECK(ids(search("ribosome Schizosaccharomyces pombe")) == found);
}

TEST_CASE("quality:>=4 returns only runs of quality 4 or more, and all of them") {
    auto expected = run_qualities();
    std::set<std::string> good;
    for (const auto& [id, q] : expected) {
        if (q >= 4) good.insert(id);
    }
    REQUIRE(good.size() < expected.size());  // the sample has low-quality runs too
    auto r = search("quality:>=4", {"run"});
    CHECK(r.total == good.size());
    CHECK(ids(r) == good);
    for (const auto& h : r.hits) {
        auto q = numbers(h, "quality");
        REQUIRE_FALSE(q.empty());
        CHECK(*std::max_element(q.begin(), q.end()) >= 4);
    }
    auto low = search("quality:<=2", {"run"});
    for (const auto& h : low.hits) CHECK(numbers(h, "quality").front() <= 2);
    CHECK(low.total + r.total + search("quality:3", {"run"}).total == expected.size());
}

TEST_CASE("an empty query browses every record, and per kind the counts equal the catalog's") {
    auto stats = read_index_stats(test::sample_index());
    REQUIRE(stats.ok());
    std::uint64_t all = 0;
    for (const auto& [kind, n] : stats.value().records_per_kind) {
        CAPTURE(kind);
        CHECK(search("", {kind}, 0).total == n);
        all += n;
    }
    CHECK(search("", {}, 0).total == all);
    CHECK(searcher().record_count() == all);
    std::size_t dataset_folders = 0;
    for (const auto& e : fs::directory_iterator(test::sample_cryoet())) {
        dataset_folders += fs::exists(e.path() / "dataset_metadata.json") ? 1 : 0;
    }
    CHECK(search("", {"dataset"}, 0).total == dataset_folders);
    // Browse order: kinds in their order (datasets first), then ids.
    auto page = search("", {}, 1000);
    REQUIRE(page.hits.size() == all);
    for (std::size_t i = 1; i < page.hits.size(); ++i) {
        const Hit& a = page.hits[i - 1];
        const Hit& b = page.hits[i];
        CAPTURE(a.id);
        CAPTURE(b.id);
        CHECK((kind_rank(a.kind) < kind_rank(b.kind) ||
               (kind_rank(a.kind) == kind_rank(b.kind) && a.id < b.id)));
    }
}

TEST_CASE("ranges accept units, and a roll-up matches when any of its values is in range") {
    CHECK(ids(search("voxel_spacing:<1nm")) == ids(search("voxel_spacing:<10")));
    CHECK(ids(search("voxel_spacing:<1nm")) == ids(search("voxel_spacing:<10A")));
    CHECK(ids(search("voxel_spacing:<1nm")) == ids(search("voxel_spacing:<10Å")));
    CHECK(search("voxel_spacing:13.48", {"tomogram"}).total == 13);  // 10 of 10000, 3 of 10001
    CHECK(search("voxel_spacing:1.348nm", {"tomogram"}).total == 13);
    // 10155's runs have spacings 13.059 (and 16.145) and 20.0: it is in both ranges.
    auto fine = ids(search("voxel_spacing:..14", {"dataset"}));
    auto coarse = ids(search("voxel_spacing:19..21", {"dataset"}));
    CHECK(fine.count("cryoet:dataset:10155") == 1);
    CHECK(coarse.count("cryoet:dataset:10155") == 1);
    CHECK(fine.count("cryoet:dataset:10000") == 1);
    CHECK(coarse.count("cryoet:dataset:10000") == 0);
    for (const auto& h : search("voxel_spacing:>20", {"tomogram"}).hits) {
        CHECK(numbers(h, "voxel_spacing").front() > 20);
    }
    CHECK(search("release_date:2023", {"dataset"}).total >= 2);
    CHECK(ids(search("release_date:2023-06-01", {"dataset"})).count("cryoet:dataset:10000") == 1);
}

TEST_CASE("fields are matched by stemmed words, phrases, compact values and exact ids") {
    CHECK(ids(search("organism:pombe", {"dataset"})) ==
          std::set<std::string>{"cryoet:dataset:10000", "cryoet:dataset:10001"});
    CHECK(ids(search("organism:\"S. pombe\"", {"dataset"})) ==
          std::set<std::string>{"cryoet:dataset:10000", "cryoet:dataset:10001"});
    CHECK(search("object:ribosomes").total == search("object:ribosome").total);
    CHECK(search("object:ribosome").total > 0);
    CHECK(search("software:\"Serial EM\"").total == search("software:SerialEM").total);
    CHECK(search("object_id:GO:0022626", {"annotation"}).total ==
          search("object:\"cytosolic ribosome\"", {"annotation"}).total);
    CHECK(search("dataset:DS-10000", {"run"}).total == 10);
    CHECK(search("dataset:\"cells with defocus\"", {"run"}).total == 10);
    CHECK(search("ground_truth:yes", {"annotation"}).total +
              search("ground_truth:no", {"annotation"}).total ==
          search("", {"annotation"}, 0).total);
    CHECK(search("kind:datasets pombe").total == 2);
}

TEST_CASE("tomograms and tilt series are found by the objects their run's annotations are of") {
    auto runs = ids(search("object:\"cytosolic ribosome\"", {"run"}));
    REQUIRE(runs.size() >= 10);
    for (const std::string kind : {"tomogram", "tiltseries"}) {
        CAPTURE(kind);
        std::set<std::string> expected;
        for (const auto& h : search("", {kind}).hits) {
            if (runs.count(parent_of(h)) != 0) expected.insert(h.id);
        }
        REQUIRE(expected.size() >= 10);
        CHECK(ids(search("kind:" + kind + " \"cytosolic ribosome\"")) == expected);
        CHECK(ids(search("object:ribosome kind:" + kind)) ==
              ids(search("object:ribosome", {kind})));
        CHECK(ids(search("object_id:GO:0022626", {kind})) == expected);
    }
    // An annotation is only of what it annotates, not of its run's other objects.
    for (const auto& h : search("object:\"cytosolic ribosome\"", {"annotation"}).hits) {
        CHECK(values(h, "object") == std::vector<std::string>{"cytosolic ribosome"});
    }
}

TEST_CASE("a run, dataset or deposition with no ground-truth annotation has ground truth no") {
    for (const std::string kind : {"run", "dataset", "deposition"}) {
        CAPTURE(kind);
        SearchRequest r;
        r.kinds = {kind};
        r.filters = {test::filter("ground_truth", {}, Filter::Mode::missing)};
        CHECK(searcher().search(r).value().total == 0);
        CHECK(search("ground_truth:yes", {kind}).total + search("ground_truth:no", {kind}).total ==
              search("", {kind}, 0).total);
    }
    // Dataset 10024 has five runs with tomograms and no annotation.
    CHECK(ids(search("ground_truth:no", {"dataset"})).count("cryoet:dataset:10024") == 1);
    CHECK(ids(search("ground_truth:no", {"run"})).count("cryoet:run:10024/wnj2019-02-21-1") == 1);
}

TEST_CASE("Human Organ Atlas organs and scans are found by their donor's sex and medical history") {
    auto donors = search_portals("medical_history:hypertension", {"donor"});
    REQUIRE(donors.total >= 3);
    std::set<std::string> names;
    for (const auto& h : donors.hits) names.insert(values(h, "donor").at(0));
    for (const std::string kind : {"organ", "dataset"}) {
        CAPTURE(kind);
        std::set<std::string> expected;
        for (const auto& h : search_portals("source:hoa", {kind}).hits) {
            if (names.count(values(h, "donor").at(0)) != 0) expected.insert(h.id);
        }
        REQUIRE(expected.size() >= 3);
        CHECK(ids(search_portals("medical_history:hypertension", {kind})) == expected);
        CHECK(ids(search_portals("hypertension source:hoa", {kind})) == expected);
        // Sex was inherited before; it still is.
        for (const auto& h : search_portals("sex:male source:hoa", {kind}).hits) {
            CHECK(values(h, "sex") == std::vector<std::string>{"male"});
        }
    }
}

TEST_CASE("a fielded query ranks the records holding the values above those rolling them up") {
    // Level-2 CyCIF files hold both values; their participants, biospecimens
    // and atlases roll them up.
    for (const std::string query : {"assay:CyCIF level:\"Level 2\"", "level:\"Level 2\""}) {
        CAPTURE(query);
        auto r = search_portals(query);
        REQUIRE(r.hits.size() > 20);
        CHECK(r.hits.front().kind == "file");
        CHECK(kinds_first(r, {"file"}));
        CHECK(r.hits.back().kind != "file");
    }
    // An HTAN participant holds its sex and organ; its biospecimens and files inherit them.
    auto colon = search_portals("organ:colon sex:female source:htan");
    REQUIRE(colon.hits.size() > 10);
    CHECK(colon.hits.front().kind == "participant");
    CHECK(kinds_first(colon, {"participant"}));
}

TEST_CASE("units on range bounds meet the stored values exactly, and one unit serves both bounds") {
    // 7.84 Å (10007) is on the bound in both spellings.
    CHECK(search("voxel_spacing:>=0.784nm", {"tomogram"}).total ==
          search("voxel_spacing:>=7.84", {"tomogram"}).total);
    CHECK(ids(search("voxel_spacing:<=0.784nm", {"tomogram"})) ==
          ids(search("voxel_spacing:<=7.84", {"tomogram"})));
    auto fine = ids(search("voxel_spacing:<=0.784nm", {"tomogram"}));
    CHECK(std::count_if(fine.begin(), fine.end(), [](const std::string& id) {
              return id.find(":10007/") != std::string::npos;
          }) == 3);  // every 10007 tomogram sits exactly on the bound
    CHECK(ids(search("voxel_spacing:1.3..1.4nm")) == ids(search("voxel_spacing:13..14")));
    CHECK(ids(search("voxel_spacing:1.3nm..1.4")) == ids(search("voxel_spacing:13..14")));
}

TEST_CASE("abbreviations work inside a field, and DOIs are found with or without their prefix") {
    std::set<std::string> pombe{"cryoet:dataset:10000", "cryoet:dataset:10001"};
    CHECK(ids(search("organism:S. pombe", {"dataset"})) == pombe);
    CHECK(ids(search("organism:(S. pombe)", {"dataset"})) == pombe);
    auto plain = search("10.1101/2022.04.12.488077");
    REQUIRE(plain.total > 0);
    CHECK(search("doi:10.1101/2022.04.12.488077").total == plain.total);
    CHECK(search("https://doi.org/10.1101/2022.04.12.488077").total == plain.total);
    CHECK(search("publication:doi:10.1101/2022.04.12.488077").total > 0);
}

TEST_CASE("a prefix after a code finds the codes it begins, and fielded stems work both ways") {
    auto runs = ids(search("TS_02*", {"run"}));
    CHECK(runs == std::set<std::string>{"cryoet:run:10000/TS_026", "cryoet:run:10000/TS_027",
                                        "cryoet:run:10000/TS_028", "cryoet:run:10000/TS_029"});
    REQUIRE(search("object:body").total > 0);  // 10155's "dense body"
    CHECK(search("object:bodies").total == search("object:body").total);
    CHECK(search("object:membranes").total == search("object:membrane").total);
}

TEST_CASE("phrases, boolean operators, exclusion and prefixes behave") {
    auto phrase = search("\"defocus cryo-electron tomography\"");
    REQUIRE_FALSE(phrase.hits.empty());
    CHECK(phrase.hits[0].id == "cryoet:dataset:10000");
    CHECK(search("\"tomography defocus\"").total < search("tomography defocus").total);
    for (const auto& h : search("ribosome -pombe").hits) {
        CAPTURE(h.id);
        auto org = values(h, "organism");
        CHECK((org.empty() || org.front().find("pombe") == std::string::npos));
    }
    CHECK(search("kind:dataset -organism:pombe").total == search("", {"dataset"}, 0).total - 2);
    CHECK(search("ribosome OR membrane").total >= search("ribosome").total);
    CHECK(search("ribosome AND membrane").total <= search("ribosome").total);
    auto prefixed = ids(search("ribo*"));
    for (const auto& id : ids(search("ribosome"))) CHECK(prefixed.count(id) == 1);
}

TEST_CASE("ids and their aliases find their record exactly") {
    auto run = search("id:cryoet:run:10000/TS_026");
    REQUIRE(run.total == 1);
    CHECK(run.hits[0].id == "cryoet:run:10000/TS_026");
    CHECK(search("id:cryoet:annotation:10000/TS_026/101").total == 1);
    // The alias of an annotation folder id shared by two voxel spacings finds both.
    CHECK(ids(search("id:cryoet:annotation:10155/ycw2012-11-14-59/100")) ==
          std::set<std::string>{"cryoet:annotation:10155/ycw2012-11-14-59/13.059/100",
                                "cryoet:annotation:10155/ycw2012-11-14-59/20.000/100"});
}

TEST_CASE("pages are disjoint slices of one stable order with one exact total") {
    auto whole = search("membrane", {}, 40);
    REQUIRE(whole.total > 30);
    std::vector<std::string> paged;
    for (std::uint32_t offset = 0; offset < 40; offset += 10) {
        auto page = search("membrane", {}, 10, offset);
        CHECK(page.total == whole.total);
        for (const auto& h : page.hits) paged.push_back(h.id);
        CHECK(page.hits.front().rank == offset + 1);
    }
    std::vector<std::string> direct;
    for (const auto& h : whole.hits) direct.push_back(h.id);
    CHECK(paged == direct);
    CHECK(search("membrane", {}, 10, static_cast<std::uint32_t>(whole.total)).hits.empty());
}

TEST_CASE("bad requests and queries are refused with a message naming the problem") {
    auto limit = search_error("x", {}, kMaxLimit + 1);
    CHECK(limit.code == Errc::invalid_request);
    CHECK(limit.message == "limit 1001 is above the maximum of 1000");
    auto field = search_error("autor:smith");
    CHECK(field.code == Errc::invalid_query);
    CHECK(field.message == "unknown field 'autor' (did you mean 'author'?)");
    auto kind = search_error("ribosome", {"widget"});
    CHECK(kind.code == Errc::invalid_query);
    CHECK(kind.message ==
          "unknown kind 'widget' (known: dataset, atlas, donor, document, story, publication, "
          "deposition, participant, organ, run, sample, biospecimen, tiltseries, tomogram, "
          "annotation, file, instrument, technique)");
    auto utf8 = search_error("ribo\xff");
    CHECK(utf8.code == Errc::invalid_query);
    CHECK(utf8.message == "the query is not valid UTF-8");
    CHECK(search_error("kind:widget").message.starts_with("unknown kind 'widget'"));
    CHECK(search_error("voxel_spacing:10kV").message ==
          "voxel_spacing is a length, 'kV' is a unit of voltage");
}

TEST_CASE("a hit carries breadcrumb, marked snippet, typed fields and download links") {
    auto r = search("id:cryoet:annotation:10000/TS_026/13.480/101 ribosome");
    REQUIRE(r.hits.size() == 1);
    const Hit& h = r.hits[0];
    CHECK(h.kind == "annotation");
    CHECK(h.source == "cryoet");
    CHECK(h.title == "cytosolic ribosome");
    REQUIRE(h.breadcrumb.size() == 3);
    CHECK(h.breadcrumb[0].id == "cryoet:dataset:10000");
    CHECK(h.breadcrumb[1].label == "TS_026");
    CHECK(h.breadcrumb[2].id == h.id);
    REQUIRE(h.title_marks.marks.size() == 1);
    CHECK(h.title.substr(h.title_marks.marks[0].first,
                         h.title_marks.marks[0].second - h.title_marks.marks[0].first) ==
          "ribosome");
    const HitField* vs = h.field("voxel_spacing");
    REQUIRE(vs != nullptr);
    CHECK(vs->unit == "Å");
    CHECK(vs->values[0].number == doctest::Approx(13.48));
    CHECK(vs->values[0].text == "13.48");
    CHECK(h.field("ground_truth")->values[0].type == ValueType::boolean);
    CHECK(h.field("release_date")->values[0].type == ValueType::date);
    CHECK(h.link("s3") ==
          "s3://cryoet-data-portal-public/10000/TS_026/Reconstructions/VoxelSpacing13.480/"
          "Annotations/101/");
    CHECK(
        h.link("https").starts_with("https://files.cryoetdataportal.cziscience.com/10000/TS_026/"));
    CHECK(h.score > 0);

    auto d = search("defocus", {"dataset"});
    REQUIRE_FALSE(d.hits.empty());
    const Highlighted& s = d.hits[0].snippet;
    REQUIRE_FALSE(s.marks.empty());
    for (const auto& [b, e] : s.marks) CHECK(s.text.substr(b, e - b) == "Defocus");
}

TEST_CASE("the JSON response is one valid document with every part of every hit") {
    auto r = search("ribosome S. pombe", {}, 5);
    std::string json = to_json(r);
    rapidjson::Document d;
    d.Parse(json.c_str());
    REQUIRE_FALSE(d.HasParseError());
    CHECK(d["total"].GetUint64() == r.total);
    CHECK(d["took_ms"].IsNumber());
    CHECK(d["query"].GetString() == std::string("ribosome S. pombe"));
    REQUIRE(d["hits"].Size() == 5);
    for (const auto& h : d["hits"].GetArray()) {
        for (const char* key : {"rank", "id", "kind", "source", "title", "breadcrumb", "snippet",
                                "score", "fields", "links"}) {
            CAPTURE(key);
            CHECK(h.HasMember(key));
        }
        CHECK(h["links"]["s3"].IsString());
        CHECK(h["fields"]["organism"].IsArray());
    }
    const auto& first = d["hits"][0];
    CHECK(first["kind"].GetString() == std::string("annotation"));
    CHECK(first["fields"]["voxel_spacing"][0]["unit"].GetString() == std::string("Å"));
    CHECK(first["fields"]["voxel_spacing"][0]["value"].GetDouble() == doctest::Approx(13.48));
    CHECK(first["fields"]["ground_truth"].IsBool());
    // A rated number carries its label on the scale.
    REQUIRE(first["fields"]["quality"][0].IsObject());
    CHECK(first["fields"]["quality"][0]["value"].GetDouble() == 5);
    CHECK(std::string(first["fields"]["quality"][0]["label"].GetString()) == "Excellent");
    CHECK(first["fields"]["release_date"].GetString() == std::string("2023-06-01"));
    CHECK(first["links"]["file"].IsArray());

    auto err = to_json(Error{Errc::invalid_query, "unknown field 'x'"});
    CHECK(err == R"({"error":{"code":"invalid_query","message":"unknown field 'x'"}})");
    CHECK(to_html(Highlighted{"a <b> & c", {{0, 1}}}) == "<mark>a</mark> &lt;b&gt; &amp; c");
}

TEST_CASE("a searcher follows the index to a newly published generation") {
    test::TempDir dir;
    fs::path src = dir.path() / "src";
    test::copy_tree(test::sample_cryoet() / "10440", src / "10440");
    BuildOptions options;
    options.sources.push_back({"cryoet", src.string()});
    options.out_dir = (dir.path() / "index").string();
    REQUIRE(build_index(options).ok());
    auto s = Searcher::open(options.out_dir);
    REQUIRE(s.ok());
    SearchRequest all;
    CHECK(s.value().search(all).value().total == 1);
    test::copy_tree(test::sample_cryoet() / "10011", src / "10011");
    REQUIRE(build_index(options).ok());
    CHECK(s.value().search(all).value().total == 2);
    CHECK(s.value().generation().ends_with("gen-000002"));
}

TEST_CASE("a kind the index happens not to hold is no error: it matches nothing") {
    test::TempDir dir;
    test::copy_tree(test::sample_cryoet() / "10440", dir.path() / "src" / "10440");
    BuildOptions options;
    options.sources.push_back({"cryoet", (dir.path() / "src").string()});
    options.out_dir = (dir.path() / "index").string();
    REQUIRE(build_index(options).ok());
    auto s = Searcher::open(options.out_dir);
    REQUIRE(s.ok());
    SearchRequest r;
    r.kinds = {"deposition"};
    auto result = s.value().search(r);
    REQUIRE(result.ok());
    CHECK(result.value().total == 0);
    r.kinds.clear();
    r.query = "kind:annotation";
    CHECK(s.value().search(r).value().total == 0);
}

TEST_CASE("opening a directory without an index says so") {
    test::TempDir dir;
    auto s = Searcher::open((dir.path() / "none").string());
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code == Errc::not_found);
    CHECK(s.error().message.starts_with("no index at '"));
}
