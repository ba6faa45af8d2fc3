// Tests for reading a document as a hit (query/hit_reader.cpp) on the index of every
// bundled portal: the display data of known records of the CryoET sample (data/cryoet:
// dataset 10000, its run TS_026 and that run's cytosolic ribosome annotation), the
// query's words marked, the explanation of a score and a group's head.
#include "hit_reader.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "atlas/search.h"
#include "match_set.h"
#include "ranking.h"
#include "schema/schema.h"
#include "schema/text.h"
#include "stage_util.h"
#include "test_util.h"

using namespace atlas;
using detail::HitReader;
using detail::OpenGeneration;

namespace {

OpenGeneration& gen() {
    static auto g = test::open_current(test::portal_index().dir);
    return *g;
}

std::uint32_t docid(const std::string& id) { return test::docid_of(gen().db, id); }

// The marked pieces of `text`, lower-cased.
std::vector<std::string> marked(const Highlighted& text) {
    std::vector<std::string> out;
    for (auto [begin, end] : text.marks) {
        REQUIRE(begin < end);
        REQUIRE(end <= text.text.size());
        out.push_back(fold(text.text.substr(begin, end - begin)));
    }
    return out;
}

// Field `name` of `hit`, which must have it.
const HitField& field(const Hit& hit, const std::string& name) {
    const HitField* f = hit.field(name);
    REQUIRE_MESSAGE(f != nullptr, hit.id << " has no " << name);
    return *f;
}

const std::string kDataset = "cryoet:dataset:10000";
const std::string kDatasetTitle = "S. pombe cells with defocus";
const std::string kRun = "cryoet:run:10000/TS_026";
const std::string kAnnotation = "cryoet:annotation:10000/TS_026/13.480/101";

}  // namespace

TEST_CASE("a record read as a hit has its id, kind, source, title, breadcrumb, links and own snippet") {
    SearchRequest r;
    r.query = "ribosome";
    auto c = test::checked(r, gen());
    HitReader reader(gen(), c);
    Hit hit = reader.read(docid(kAnnotation), 3, 1.5);
    CHECK(hit.rank == 3);
    CHECK(hit.score == 1.5);
    CHECK(hit.id == kAnnotation);
    CHECK(hit.kind == "annotation");
    CHECK(hit.source == "cryoet");
    CHECK(hit.title == "cytosolic ribosome");
    REQUIRE(hit.breadcrumb.size() == 3);
    CHECK(hit.breadcrumb[0].id == kDataset);
    CHECK(hit.breadcrumb[0].kind == "dataset");
    CHECK(hit.breadcrumb[0].label == kDatasetTitle);
    CHECK(hit.breadcrumb[1].id == kRun);
    CHECK(hit.breadcrumb[1].kind == "run");
    CHECK(hit.breadcrumb[1].label == "TS_026");
    CHECK(hit.breadcrumb[2].id == kAnnotation);
    CHECK(hit.breadcrumb[2].kind == "annotation");
    // The query's word marked in the title.
    CHECK(hit.title_marks.text == hit.title);
    CHECK(marked(hit.title_marks) == std::vector<std::string>{"ribosome"});
    CHECK(hit.title.substr(hit.title_marks.marks[0].first, 8) == "ribosome");
    // The snippet is of the record's own text (how it was annotated), not of
    // its dataset's title, which the breadcrumb shows.
    CHECK(hit.snippet.text.starts_with("Cumulative template-matching trained 2D CNN predictions"));
    CHECK(hit.snippet.text.find(kDatasetTitle) == std::string::npos);
    CHECK(hit.similar == 0);
    CHECK_FALSE(hit.explanation.has_value());
    // A date is shown as written.
    const HitField& released = field(hit, "release_date");
    REQUIRE(released.values.size() == 1);
    CHECK(released.values[0].type == ValueType::date);
    CHECK(released.values[0].text == "2023-06-01");
    // Links, by relation.
    CHECK(hit.link("s3") ==
          "s3://cryoet-data-portal-public/10000/TS_026/Reconstructions/VoxelSpacing13.480/"
          "Annotations/101/");
    CHECK(hit.link("doi") == "https://doi.org/10.1101/2022.04.12.488077");
    const auto related = std::find_if(hit.links.begin(), hit.links.end(),
                                      [](const HitLink& l) { return l.rel == "related"; });
    REQUIRE(related != hit.links.end());
    CHECK(related->urls.size() == 8);
    CHECK(related->urls.front() == "https://www.ebi.ac.uk/empiar/EMPIAR-10988/");
}

TEST_CASE("a hit's fields carry the schema's labels and units, typed values and rated labels") {
    SearchRequest r;
    r.query = "pombe";
    auto c = test::checked(r, gen());
    HitReader reader(gen(), c);
    Hit hit = reader.read(docid(kRun), 1, 0);
    REQUIRE_FALSE(hit.fields.empty());
    for (const auto& f : hit.fields) {
        CAPTURE(f.name);
        const FieldSpec* spec = find_field(f.name);
        REQUIRE(spec != nullptr);
        CHECK(f.label == spec->label);
        CHECK(f.unit == spec->unit);
        CHECK(f.multi == spec->multi);
        CHECK_FALSE(f.values.empty());
        CHECK(f.more == 0);
    }
    const HitField* quality = hit.field("quality");
    REQUIRE(quality != nullptr);
    CHECK(quality->label == "Tilt-series quality");
    REQUIRE(quality->values.size() == 1);
    CHECK(quality->values[0].type == ValueType::number);
    CHECK(quality->values[0].number == 5);
    CHECK(quality->values[0].label == "Excellent");
    CHECK(quality->values[0].text == "5 (Excellent)");

    const HitField* voxel = hit.field("voxel_spacing");
    REQUIRE(voxel != nullptr);
    CHECK(voxel->label == "Voxel spacing");
    CHECK(voxel->unit == "Å");
    REQUIRE(voxel->values.size() == 1);
    CHECK(voxel->values[0].number == doctest::Approx(13.48));
    CHECK(voxel->values[0].text == "13.48");
    CHECK(voxel->values[0].label.empty());  // no scale

    const HitField* organism = hit.field("organism");
    REQUIRE(organism != nullptr);
    CHECK(organism->multi);
    REQUIRE(organism->values.size() == 1);
    CHECK(organism->values[0].type == ValueType::text);
    CHECK(organism->values[0].text == "Schizosaccharomyces pombe 972h-");

    const HitField* ground_truth = hit.field("ground_truth");
    REQUIRE(ground_truth != nullptr);
    CHECK(ground_truth->values.at(0).type == ValueType::boolean);
    CHECK(ground_truth->values.at(0).text == "yes");
    CHECK(ground_truth->values.at(0).number == 1);
    CHECK(field(hit, "gain_corrected").values.at(0).text == "no");
    CHECK(field(hit, "object").values.size() == 15);

    CHECK(hit.link("s3") == "s3://cryoet-data-portal-public/10000/TS_026/");
    CHECK(hit.link("https") == "https://files.cryoetdataportal.cziscience.com/10000/TS_026/");
    CHECK(hit.link("nothing").empty());
    // A run has no text of its own: the snippet is its dataset's title.
    CHECK(hit.snippet.text == kDatasetTitle);
    CHECK(marked(hit.snippet) == std::vector<std::string>{"pombe"});
}

TEST_CASE("a field with more values than a hit shows says how many were left out") {
    SearchRequest r;
    auto c = test::checked(r, gen());
    HitReader reader(gen(), c);
    Hit hit = reader.read(docid("htan:publication:10.1016/j.cell.2022.12.028"), 1, 0);
    const HitField* ids = hit.field("htan_id");
    REQUIRE(ids != nullptr);
    CHECK(ids->values.size() == 100);
    CHECK(ids->more == 886);
}

TEST_CASE("the query's words are marked in the title and the snippet of the record's own text") {
    SearchRequest r;
    r.query = "defocus tomography -membrane";
    auto c = test::checked(r, gen());
    HitReader reader(gen(), c);
    Hit hit = reader.read(docid(kDataset), 1, 0);
    CHECK(hit.title == kDatasetTitle);
    CHECK(marked(hit.title_marks) == std::vector<std::string>{"defocus"});
    // The description, not the title again.
    CHECK(hit.snippet.text.starts_with("Defocus cryo-electron tomography of S. pombe"));
    auto words = marked(hit.snippet);
    CHECK(std::count(words.begin(), words.end(), "defocus") >= 1);
    CHECK(std::count(words.begin(), words.end(), "tomography") >= 1);
    for (const auto& w : words) CHECK((w == "defocus" || w == "tomography"));
    // The snippet keeps to the request's length (with room for an ellipsis).
    SearchRequest shorter = r;
    shorter.snippet_bytes = 40;
    auto cs = test::checked(shorter, gen());
    Hit short_hit = HitReader(gen(), cs).read(docid(kDataset), 1, 0);
    CHECK(short_hit.snippet.text.size() <= 40 + 8);
    CHECK(short_hit.snippet.text.size() < hit.snippet.text.size());
    REQUIRE_FALSE(short_hit.breadcrumb.empty());
    CHECK(short_hit.breadcrumb.size() == 1);
    CHECK(short_hit.breadcrumb[0].id == kDataset);
}

TEST_CASE(
    "explain under relevance gives each part of the query and its score - they sum to the hit's") {
    SearchRequest r;
    r.query = "ribosome S. pombe";
    r.explain = true;
    auto c = test::checked(r, gen());
    auto matches = detail::MatchSet::build(c, gen());
    SearcherOptions options;
    detail::Ranker ranker(gen(), c, matches, options);
    auto page = ranker.page(matches.all(), 0, 5, detail::Collapse::none);
    REQUIRE(page.size() == 5);
    HitReader reader(gen(), c);
    for (std::size_t i = 0; i < page.size(); ++i) {
        Hit hit = reader.read(page[i].docid, i + 1, page[i].weight);
        CAPTURE(hit.id);
        reader.explain(hit, page[i].docid, "relevance");
        REQUIRE(hit.explanation.has_value());
        CHECK(hit.explanation->order == "relevance");
        REQUIRE(hit.explanation->parts.size() == 2);
        CHECK(hit.explanation->parts[0].query == "ribosome");
        CHECK(hit.explanation->parts[1].query.starts_with("SYN("));
        double sum = 0;
        for (const auto& p : hit.explanation->parts) {
            CHECK(p.score > 0);
            CHECK_FALSE(p.fields.empty());
            sum += p.score;
        }
        CHECK(sum == doctest::Approx(hit.score).epsilon(1e-9));
    }
    // The best is the cytosolic ribosome of dataset 10000: its title and object hold the word.
    Hit best = reader.read(page[0].docid, 1, page[0].weight);
    reader.explain(best, page[0].docid, "relevance");
    CHECK(best.id == kAnnotation);
    CHECK(best.explanation->parts[0].fields == std::vector<std::string>{"title x6", "object x4"});

    // Another order has no parts; without the flag nothing is explained.
    Hit sorted = reader.read(page[0].docid, 1, 0);
    reader.explain(sorted, page[0].docid, "sort by quality");
    REQUIRE(sorted.explanation.has_value());
    CHECK(sorted.explanation->order == "sort by quality");
    CHECK(sorted.explanation->parts.empty());
    SearchRequest plain = r;
    plain.explain = false;
    auto cp = test::checked(plain, gen());
    HitReader quiet(gen(), cp);
    Hit unexplained = quiet.read(page[0].docid, 1, page[0].weight);
    quiet.explain(unexplained, page[0].docid, "relevance");
    CHECK_FALSE(unexplained.explanation.has_value());
}

TEST_CASE("a group's head is its dataset's id and title") {
    SearchRequest r;
    auto c = test::checked(r, gen());
    HitReader reader(gen(), c);
    auto group = gen().columns->group();
    for (const auto& id : {kDataset, kRun, kAnnotation}) {
        CAPTURE(id);
        HitGroup head = reader.group(group[docid(id)]);
        CHECK(head.id == kDataset);
        CHECK(head.title == kDatasetTitle);
        CHECK(head.total == 0);
        CHECK(head.hits.empty());
    }
    // A record in no dataset is a group of its own.
    const std::string file = "htan:file:HTA1_262_60210110111";
    REQUIRE(group[docid(file)] == docid(file));
    HitGroup own = reader.group(group[docid(file)]);
    CHECK(own.id == file);
    CHECK(own.title == reader.read(docid(file), 1, 0).title);
    CHECK_FALSE(own.title.empty());
}
