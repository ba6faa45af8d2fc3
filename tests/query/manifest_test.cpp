// Tests for query/manifest.cpp: download manifests (s3, drs, doi, https) from
// hand-built hits, and the reasons given for records without a route.
#include "atlas/manifest.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "atlas/search.h"

using namespace atlas;

namespace {

Hit make_hit(std::string id, std::string title = "") {
    Hit h;
    h.id = std::move(id);
    h.title = title.empty() ? h.id : std::move(title);
    return h;
}

Hit& link(Hit& h, std::string rel, std::vector<std::string> urls) {
    h.links.push_back(HitLink{std::move(rel), std::move(urls)});
    return h;
}

Hit& text_field(Hit& h, std::string name, std::string value) {
    HitField f;
    f.name = std::move(name);
    f.label = f.name;
    FieldValue v;
    v.type = ValueType::text;
    v.text = std::move(value);
    f.values.push_back(std::move(v));
    h.fields.push_back(std::move(f));
    return h;
}

using Lines = std::vector<std::string>;

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("manifest: parse_manifest_format knows exactly s3, drs, doi and https") {
    CHECK(parse_manifest_format("s3") == ManifestFormat::s3);
    CHECK(parse_manifest_format("drs") == ManifestFormat::drs);
    CHECK(parse_manifest_format("doi") == ManifestFormat::doi);
    CHECK(parse_manifest_format("https") == ManifestFormat::https);
    for (const char* bad : {"", "bogus", "S3", "gcs", "http", " s3", "s3 ", "json"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_manifest_format(bad).has_value());
    }
}

TEST_CASE("manifest: s3 syncs folders and copies files into ./bucket/key") {
    Hit dataset = make_hit("cryoet:dataset:1");
    link(dataset, "s3", {"s3://b/k/"});
    link(dataset, "https", {"https://b.example/k/"});
    Hit file = make_hit("cryoet:tomogram:2");
    link(file, "s3", {"s3://b/other/f.mrc"});
    auto m = make_manifest({dataset, file}, ManifestFormat::s3);
    CHECK(m.lines == Lines{"aws s3 sync --no-sign-request s3://b/k/ ./b/k/",
                           "aws s3 cp --no-sign-request s3://b/other/f.mrc ./b/other/f.mrc"});
    CHECK(m.records == 2);
    CHECK(m.skipped.empty());
}

TEST_CASE("manifest: s3 drops a URL inside a folder already in the manifest, in either order") {
    Hit folder = make_hit("cryoet:run:1");
    link(folder, "s3", {"s3://b/k/"});
    Hit inside = make_hit("cryoet:tomogram:2");
    link(inside, "s3", {"s3://b/k/Tomograms/f.mrc"});
    Hit nested = make_hit("cryoet:annotation:3");
    link(nested, "s3", {"s3://b/k/Annotations/"});
    Hit sibling = make_hit("cryoet:tomogram:4");  // s3://b/k2/ is not under s3://b/k/
    link(sibling, "s3", {"s3://b/k2/f.mrc"});

    const Lines expected{"aws s3 sync --no-sign-request s3://b/k/ ./b/k/",
                         "aws s3 cp --no-sign-request s3://b/k2/f.mrc ./b/k2/f.mrc"};
    auto folder_first = make_manifest({folder, inside, nested, sibling}, ManifestFormat::s3);
    CHECK(folder_first.lines == expected);
    CHECK(folder_first.records == 4);  // covered records still have a route
    CHECK(folder_first.skipped.empty());

    auto folder_last = make_manifest({inside, sibling, nested, folder}, ManifestFormat::s3);
    CHECK(folder_last.lines ==
          Lines{"aws s3 cp --no-sign-request s3://b/k2/f.mrc ./b/k2/f.mrc",
                "aws s3 sync --no-sign-request s3://b/k/ ./b/k/"});
    CHECK(folder_last.records == 4);
}

TEST_CASE("manifest: the same URL from several hits is written once") {
    Hit a = make_hit("a");
    link(a, "s3", {"s3://b/x.mrc", "s3://b/x.mrc"});
    Hit b = make_hit("b");
    link(b, "s3", {"s3://b/x.mrc"});
    link(b, "s3", {"s3://b/y.mrc"});
    auto m = make_manifest({a, b}, ManifestFormat::s3);
    CHECK(m.lines == Lines{"aws s3 cp --no-sign-request s3://b/x.mrc ./b/x.mrc",
                           "aws s3 cp --no-sign-request s3://b/y.mrc ./b/y.mrc"});
    CHECK(m.records == 2);

    auto https = make_manifest({a, b}, ManifestFormat::https);
    CHECK(https.lines.empty());
    CHECK(https.records == 0);
    CHECK(https.skipped.size() == 2);
}

TEST_CASE("manifest: s3 lines quote URLs with spaces or quotes for the shell") {
    Hit spaced = make_hit("a");
    link(spaced, "s3", {"s3://b/my data/f 1.mrc"});
    Hit quoted = make_hit("b");
    link(quoted, "s3", {"s3://b/it's/"});
    Hit dollar = make_hit("c");
    link(dollar, "s3", {"s3://b/$HOME;rm.mrc"});
    auto m = make_manifest({spaced, quoted, dollar}, ManifestFormat::s3);
    CHECK(m.lines ==
          Lines{"aws s3 cp --no-sign-request 's3://b/my data/f 1.mrc' './b/my data/f 1.mrc'",
                "aws s3 sync --no-sign-request 's3://b/it'\\''s/' './b/it'\\''s/'",
                "aws s3 cp --no-sign-request 's3://b/$HOME;rm.mrc' './b/$HOME;rm.mrc'"});
    CHECK(m.records == 3);
}

TEST_CASE("manifest: drs is a name,drs_uri CSV named by file_name, else the title") {
    Hit named = make_hit("htan:file:1", "Some title");
    text_field(named, "file_name", "HTA1_1.ome.tif");
    link(named, "drs", {"drs://dg.4DFC/aaa"});
    Hit untitled = make_hit("htan:file:2", "Title of two");
    link(untitled, "drs", {"drs://dg.4DFC/bbb"});
    Hit comma = make_hit("htan:file:3");
    text_field(comma, "file_name", "a,b \"c\".tif");
    link(comma, "drs", {"drs://dg.4DFC/ccc"});
    Hit dup = make_hit("htan:file:4");
    text_field(dup, "file_name", "other.tif");
    link(dup, "drs", {"drs://dg.4DFC/aaa"});
    Hit s3_only = make_hit("cryoet:dataset:5");
    link(s3_only, "s3", {"s3://b/k/"});

    auto m = make_manifest({named, untitled, comma, dup, s3_only}, ManifestFormat::drs);
    CHECK(m.lines == Lines{"name,drs_uri", "HTA1_1.ome.tif,drs://dg.4DFC/aaa",
                           "Title of two,drs://dg.4DFC/bbb",
                           "\"a,b \"\"c\"\".tif\",drs://dg.4DFC/ccc"});
    CHECK(m.records == 4);
    REQUIRE(m.skipped.size() == 1);
    CHECK(m.skipped[0].id == "cryoet:dataset:5");
    CHECK(contains(m.skipped[0].reason, "drs"));

    // Nothing to download still gives the header.
    auto empty = make_manifest({s3_only}, ManifestFormat::drs);
    CHECK(empty.lines == Lines{"name,drs_uri"});
    CHECK(empty.records == 0);
}

TEST_CASE("manifest: doi strips the resolver and https lists the URLs") {
    Hit paper = make_hit("cryoet:dataset:10000");
    link(paper, "doi", {"https://doi.org/10.1101/2022.04.12.488077",
                        "https://doi.org/10.1038/s41592-022-01746-2"});
    link(paper, "https", {"https://files.example/10000/"});
    Hit old = make_hit("hoa:donor:1");
    link(old, "doi", {"http://doi.org/10.5281/zenodo.1"});
    link(old, "doi", {"https://doi.org/10.1101/2022.04.12.488077"});  // duplicate
    Hit page = make_hit("panosc:document:2");
    link(page, "https", {"https://a.example/x?y=1", "https://a.example/z"});

    auto doi = make_manifest({paper, old, page}, ManifestFormat::doi);
    CHECK(doi.lines ==
          Lines{"10.1101/2022.04.12.488077", "10.1038/s41592-022-01746-2", "10.5281/zenodo.1"});
    CHECK(doi.records == 2);
    REQUIRE(doi.skipped.size() == 1);
    CHECK(doi.skipped[0].id == "panosc:document:2");

    auto https = make_manifest({paper, old, page}, ManifestFormat::https);
    CHECK(https.lines ==
          Lines{"https://files.example/10000/", "https://a.example/x?y=1", "https://a.example/z"});
    CHECK(https.records == 2);
    REQUIRE(https.skipped.size() == 1);
    CHECK(https.skipped[0].id == "hoa:donor:1");
}

TEST_CASE("manifest: records without a route are skipped with a reason one can act on") {
    Hit controlled = make_hit("htan:file:dbgap");
    text_field(controlled, "data_access", "dbGaP");
    Hit coming = make_hit("htan:file:soon");
    text_field(coming, "data_access", "Coming Soon");
    Hit synapse = make_hit("htan:file:syn");
    text_field(synapse, "data_access", "Synapse");
    text_field(synapse, "synapse_id", "syn24181419");
    Hit gcs = make_hit("hoa:donor:gcs");
    link(gcs, "gcs", {"gs://hoa-bucket/donor/"});
    link(gcs, "https", {"https://storage.googleapis.com/hoa-bucket/donor/"});
    Hit plain = make_hit("panosc:document:none");
    Hit ok = make_hit("cryoet:dataset:1");
    link(ok, "s3", {"s3://b/k/"});

    auto m = make_manifest({controlled, coming, ok, synapse, gcs, plain}, ManifestFormat::s3);
    CHECK(m.records == 1);
    CHECK(m.lines == Lines{"aws s3 sync --no-sign-request s3://b/k/ ./b/k/"});
    REQUIRE(m.skipped.size() == 5);
    // In the order of the hits.
    CHECK(m.skipped[0].id == "htan:file:dbgap");
    CHECK(m.skipped[1].id == "htan:file:soon");
    CHECK(m.skipped[2].id == "htan:file:syn");
    CHECK(m.skipped[3].id == "hoa:donor:gcs");
    CHECK(m.skipped[4].id == "panosc:document:none");

    const std::string& dbgap = m.skipped[0].reason;
    CHECK_MESSAGE(contains(dbgap, "dbGaP"), dbgap);
    CHECK_MESSAGE(contains(dbgap, "controlled"), dbgap);
    CHECK_MESSAGE(contains(m.skipped[1].reason, "not released"), m.skipped[1].reason);
    CHECK_MESSAGE(contains(m.skipped[2].reason, "syn24181419"), m.skipped[2].reason);
    CHECK_MESSAGE(contains(m.skipped[3].reason, "https"), m.skipped[3].reason);
    CHECK_FALSE(m.skipped[4].reason.empty());
    for (const auto& s : m.skipped) {
        CAPTURE(s.id);
        CHECK_FALSE(s.reason.empty());
    }

    // The same controlled file asked for as DRS is still controlled.
    auto drs = make_manifest({controlled}, ManifestFormat::drs);
    REQUIRE(drs.skipped.size() == 1);
    CHECK(contains(drs.skipped[0].reason, "dbGaP"));
    CHECK(drs.lines == Lines{"name,drs_uri"});
    CHECK(drs.records == 0);

    // The Google Cloud record does have an https route.
    auto https = make_manifest({gcs}, ManifestFormat::https);
    CHECK(https.records == 1);
    CHECK(https.skipped.empty());
    CHECK(https.lines == Lines{"https://storage.googleapis.com/hoa-bucket/donor/"});
}

TEST_CASE("manifest: a record without this route but with another one names the other manifest") {
    // A real case: an HTAN image the CDS lists as "Coming Soon" that IDC
    // already serves from its open bucket.
    Hit idc = make_hit("htan:file:HTA11_6147");
    text_field(idc, "data_access", "Coming Soon");
    link(idc, "s3", {"s3://idc-open-data/8e976a5d/"});
    auto drs = make_manifest({idc}, ManifestFormat::drs);
    REQUIRE(drs.skipped.size() == 1);
    CHECK_MESSAGE(contains(drs.skipped[0].reason, "--manifest s3"), drs.skipped[0].reason);
    CHECK_FALSE(contains(drs.skipped[0].reason, "not released"));
    auto s3 = make_manifest({idc}, ManifestFormat::s3);
    CHECK(s3.records == 1);
    CHECK(s3.skipped.empty());
}

TEST_CASE("manifest: records counts hits with a route, however many URLs each has") {
    Hit many = make_hit("a");
    link(many, "https", {"https://x/1", "https://x/2", "https://x/3"});
    Hit one = make_hit("b");
    link(one, "https", {"https://x/4"});
    Hit empty_link = make_hit("c");  // a relation with no URL is no route
    link(empty_link, "https", {});
    auto m = make_manifest({many, one, empty_link}, ManifestFormat::https);
    CHECK(m.records == 2);
    CHECK(m.lines.size() == 4);
    REQUIRE(m.skipped.size() == 1);
    CHECK(m.skipped[0].id == "c");

    auto none = make_manifest({}, ManifestFormat::s3);
    CHECK(none.records == 0);
    CHECK(none.lines.empty());
    CHECK(none.skipped.empty());
}
