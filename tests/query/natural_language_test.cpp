// Tests for query/natural_language.cpp: plain words read as comparisons, flags,
// kind words and stopwords; and what the readings do to searches of the
// bundled portals (data/), checked against the same intents written in the
// query language.
#include "natural_language.h"

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "atlas/search.h"
#include "query_parser.h"
#include "test_util.h"

using namespace atlas;
using detail::Reading;

namespace {

std::vector<Reading> read(const std::vector<std::string_view>& words) {
    return detail::read_plain_words(words);
}

// The one reading of `words`, which must cover them all.
Reading only(const std::vector<std::string_view>& words) {
    auto readings = read(words);
    REQUIRE(readings.size() == 1);
    CHECK(readings[0].begin == 0);
    CHECK(readings[0].end == words.size());
    return readings[0];
}

SearchResult search(const std::string& query, std::uint32_t limit = 10) {
    SearchRequest request;
    request.query = query;
    request.limit = limit;
    auto r = test::portal_searcher().search(request);
    REQUIRE_MESSAGE(r.ok(), query);
    return std::move(r).value();
}

}  // namespace

TEST_CASE("comparisons in words become ranges on the field they name or imply") {
    CHECK(only({"younger", "than", "40"}).query == "age:<40");
    CHECK(only({"older", "than", "60", "years"}).query == "age:>60y");
    CHECK(only({"quality", "at", "least", "4"}).query == "quality:>=4");
    CHECK(only({"quality", "of", "at", "most", "2"}).query == "quality:<=2");
    CHECK(only({"finer", "than", "10", "microns"}).query ==
          "(voxel_size:<10µm OR voxel_spacing:<10µm)");
    CHECK(only({"coarser", "than", "5um"}).query == "(voxel_size:>5µm OR voxel_spacing:>5µm)");
    CHECK(only({"resolution", "better", "than", "4", "Å"}).query ==
          "(voxel_size:<4Å OR voxel_spacing:<4Å)");
    CHECK(only({"quality", "better", "than", "3"}).query == "quality:>3");
    CHECK(only({"released", "after", "2023"}).query == "release_date:>2023");
    CHECK(only({"since", "2021-06"}).query == "release_date:>=2021-06");
    CHECK(only({"in", "2022"}).query == "release_date:2022");
    CHECK(only({"scanned", "before", "2020"}).query == "scan_date:<2020");
    CHECK(only({"between", "20", "and", "40", "years"}).query == "age:20y..40y");
    CHECK(only({"above", "900", "eV"}).query == "photon_energy:>900eV");
    CHECK(only({"below", "80", "kelvin"}).query == "sample_temperature:<80K");
    CHECK(only({"larger", "than", "1", "GB"}).query == "file_size:>1GB");
    CHECK(only({"under", "50", "nanometers"}).query == "(voxel_size:<50nm OR voxel_spacing:<50nm)");
    CHECK(only({"younger", "than", "40"}).as == Reading::As::comparison);
}

TEST_CASE("a comparison needs something to compare: else its words stay words") {
    // A bare number is an age only beside a person's kind word.
    CHECK(read({"over", "60"}).empty());
    auto readings = read({"patients", "over", "60"});
    REQUIRE(readings.size() == 2);
    CHECK(readings[1].query == "age:>60");
    // A year is not an age, an age is not a date, and words are not numbers.
    CHECK(read({"younger", "than", "2020"}).empty());
    CHECK(read({"after", "40"}).empty());
    CHECK(read({"older", "than", "forty"}).empty());
    CHECK(read({"younger", "than"}).empty());
    CHECK(read({"between", "20"}).empty());
    CHECK(read({"in", "vitro"}).size() == 1);  // "in" is only a stopword here
    CHECK(read({"in", "vitro"})[0].as == Reading::As::stopword);
}

TEST_CASE("kind words name the kinds that rank first - stopwords are loose - the rest is left") {
    auto tomograms = only({"Tomograms"});
    CHECK(tomograms.as == Reading::As::kind);
    CHECK(tomograms.intents == std::vector<std::string>{"kind:tomogram"});
    CHECK(only({"tilt", "series"}).intents == std::vector<std::string>{"kind:tiltseries"});
    CHECK(only({"scans"}).intents == std::vector<std::string>{"kind:dataset source:hoa"});
    CHECK(only({"segmentations"}).intents ==
          std::vector<std::string>{
              "kind:annotation shape:(SegmentationMask OR InstanceSegmentation)"});
    CHECK(only({"patients"}).intents == std::vector<std::string>{"kind:participant", "kind:donor"});
    CHECK(only({"ground", "truth"}).query == "(ground_truth:yes OR \"ground truth\")");
    CHECK(only({"Female"}).query == "(sex:female OR \"female\")");
    CHECK(only({"below", "30", "degrees", "celsius"}).query == "sample_temperature:<30°C");
    CHECK(only({"the"}).as == Reading::As::stopword);
    // Words that mean something are never loose.
    CHECK(read({"not"}).empty());
    CHECK(read({"without"}).empty());
    CHECK(read({"ribosome", "HeLa"}).empty());
    auto mixed = read({"the", "ribosome", "of", "HeLa", "tomograms"});
    REQUIRE(mixed.size() == 3);
    CHECK(mixed[0].begin == 0);
    CHECK(mixed[1].begin == 2);
    CHECK(mixed[2].begin == 4);
    CHECK(mixed[2].as == Reading::As::kind);
}

TEST_CASE("read_query: the tree, the kinds named and what each word became") {
    auto read = detail::read_query("tomograms of HeLa younger than 40");
    REQUIRE(read.ok());
    CHECK(read.value().tree.describe() == "AND(~tomograms, ~of, hela, age:[*..40y))");
    REQUIRE(read.value().intents.size() == 1);
    CHECK(read.value().intents[0].describe() == "kind=tomogram");
    const auto& u = read.value().understood;
    REQUIRE(u.size() == 3);
    CHECK(u[0].words == "tomograms");
    CHECK(u[0].what == "kind");
    CHECK(u[1].what == "optional");
    CHECK(u[2].words == "younger than 40");
    CHECK(u[2].as == "age:<40");
    // Quoted, fielded and negated words are taken as typed.
    auto typed = detail::read_query("\"the tomograms\" title:tomograms -tomograms");
    REQUIRE(typed.ok());
    CHECK(typed.value().intents.empty());
    CHECK(typed.value().understood.empty());
}

TEST_CASE("on the bundled portals, plain words find what the query language finds") {
    // A kind word or a stopword never takes a record away.
    CHECK(search("tomograms of pombe").total == search("pombe").total);
    CHECK(search("the ribosome").total == search("ribosome").total);
    CHECK(search("ribosome and membrane").total == search("ribosome membrane").total);
    // Comparisons in words are the ranges typed in the language.
    auto plain = search("donors younger than 60", 50);
    auto language = search("age:<60", 50);
    CHECK(plain.total > 0);
    CHECK(plain.total == language.total);
    CHECK(test::hit_ids(plain) != std::vector<std::string>{});
    CHECK(search("lung scans finer than 10 microns").total ==
          search("lung (voxel_size:<10um OR voxel_spacing:<10um)").total);
    CHECK(search("quality at least 4").total == search("quality:>=4").total);
    // A query of stopwords alone still searches them; a kind word alone
    // finds the records of its kind.
    CHECK(search("the").total > 0);
    CHECK(search("tomograms").total >= search("kind:tomogram").total);
    auto understood = search("donors younger than 60").understood;
    REQUIRE(understood.size() == 2);
    CHECK(understood[1].as == "age:<60");
}

TEST_CASE("what the review found: intents written in words, fields' groups, loose words in keys") {
    // An intent holding a kind word (shape:Point) is read as the language, once.
    auto points = detail::read_query("ribosome points");
    REQUIRE(points.ok());
    REQUIRE(points.value().intents.size() == 1);
    CHECK(points.value().intents[0].describe().find("shape") != std::string::npos);
    // Words in a field's group are that field's words, never read.
    auto fielded = detail::read_query("title:(tomograms of female donors)");
    REQUIRE(fielded.ok());
    CHECK(fielded.value().understood.empty());
    CHECK(fielded.value().intents.empty());
    CHECK(fielded.value().tree.describe().find("kind") == std::string::npos);
    // Several kind words alone: records of any of the kinds.
    auto kinds = detail::read_query("tomograms and tilt series");
    REQUIRE(kinds.ok());
    CHECK(kinds.value().tree.kind == detail::QueryNode::Kind::or_);
    CHECK(kinds.value().intents.size() == 2);
    // A kind word after "of" says whose: "liver scans of male donors" asks for scans.
    auto whose = detail::read_query("liver scans of male donors");
    REQUIRE(whose.ok());
    REQUIRE(whose.value().intents.size() == 1);
    CHECK(whose.value().intents[0].describe().find("hoa") != std::string::npos);
    // Punctuation is not a required word.
    auto dot = detail::read_query("tomograms .");
    REQUIRE(dot.ok());
    CHECK(dot.value().tree.describe() == "OR(tomograms, kind=tomogram)");
    // Dates are digits; "from" a year is that year.
    CHECK(read({"after", "2023-zz"}).empty());
    CHECK(only({"from", "2022"}).query == "release_date:2022");
}

TEST_CASE("a loose word never starts a vocabulary key, and the kinds alone are any of them") {
    // "all" is a key of the sample's vocabulary (ALL: acute lymphoblastic
    // leukemia); typed as a loose word it is not that.
    CHECK(search("all datasets").total == search("kind:dataset OR +datasets").total);
    CHECK(search("tomograms and tilt series").total ==
          search("+tomograms OR kind:tomogram OR (+tilt +series) OR kind:tiltseries").total);
}

TEST_CASE("a loose word typed again adds nothing: the query reads as if typed once") {
    std::string repeated;
    for (int i = 0; i < 500; ++i) repeated += "the tomograms ";
    auto many = detail::read_query(repeated);
    auto once = detail::read_query("the tomograms");
    REQUIRE(many.ok());
    REQUIRE(once.ok());
    CHECK(many.value().tree.describe() == once.value().tree.describe());
    CHECK(many.value().understood.size() == once.value().understood.size());
    auto ribosome = detail::read_query("ribosome " + repeated);
    REQUIRE(ribosome.ok());
    CHECK(ribosome.value().tree.describe() == "AND(ribosome, ~the, ~tomograms)");
}
