// Tests for panosc/ through atlas/panosc.h: the PaNOSC search API's documented behaviours on
// the reference fixture (data/panosc/search-api/db.json, indexed alone), and the Human Organ
// Atlas through the same API on the bundled HOA records.
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <set>
#include <string>
#include <vector>

#include "atlas/index.h"
#include "atlas/panosc.h"
#include "atlas/search.h"
#include "manifest_writer.h"
#include "schema/layout.h"
#include "test_util.h"

using namespace atlas;
using panosc::Model;

namespace {

const char* const kDs1 = "20.500.12269/panosc-dataset1";
const char* const kDs2 = "20.500.12269/panosc-dataset2";
const char* const kDs3 = "20.500.12269/panosc-dataset3";
const char* const kDs4 = "20.500.12269/panosc-dataset4";
const char* const kDoc1 = "10.5072/panosc-document1";
const char* const kDoc2 = "10.5072/panosc-document2";

// The reference fixture, indexed alone, once per test process.
struct Fixture {
    test::TempDir dir;
    std::unique_ptr<Searcher> searcher;
    panosc::Api api;

    Fixture() {
        BuildOptions options;
        options.sources.push_back({"panosc", std::string(ATLAS_DATA_DIR) + "/panosc"});
        options.out_dir = (dir.path() / "index").string();
        auto built = build_index(options);
        REQUIRE_MESSAGE(built.ok(), built.error().message);
        auto opened = Searcher::open(options.out_dir);
        REQUIRE_MESSAGE(opened.ok(), opened.error().message);
        searcher = std::make_unique<Searcher>(std::move(opened).value());
    }
};

Fixture& fixture() {
    static Fixture f;
    return f;
}

rapidjson::Document parse(const std::string& json) {
    rapidjson::Document doc;
    doc.Parse(json.c_str());
    REQUIRE_MESSAGE(!doc.HasParseError(), json);
    return doc;
}

std::vector<std::string> pids(const rapidjson::Value& array) {
    std::vector<std::string> out;
    for (const auto& o : array.GetArray()) out.emplace_back(o["pid"].GetString());
    return out;
}

rapidjson::Document find(Model model, const std::string& filter, const std::string& query = "") {
    auto found = fixture().api.find(*fixture().searcher, model, filter, query);
    REQUIRE_MESSAGE(found.ok(), found.error().message);
    CHECK_FALSE(found.value().truncated);
    auto doc = parse(found.value().json);
    REQUIRE(doc.IsArray());
    return doc;
}

Error refusal(Model model, const std::string& filter) {
    auto found = fixture().api.find(*fixture().searcher, model, filter, "");
    REQUIRE_FALSE(found.ok());
    return found.error();
}

// The names of a JSON array of objects' member `key` ("name" of parameters).
std::vector<std::string> names(const rapidjson::Value& array, const char* key) {
    std::vector<std::string> out;
    for (const auto& o : array.GetArray()) out.emplace_back(o[key].GetString());
    return out;
}

struct Case {
    const char* behaviour;
    Model model;
    const char* filter;
    std::vector<std::string> pids;  // in order
};

// The reference's documented behaviours, each a filter and what it keeps.
const std::vector<Case>& cases() {
    static const std::vector<Case> table = {
        {"no filter lists every dataset", Model::dataset, "", {kDs1, kDs2, kDs3, kDs4}},
        {"a techniques include with a where is an inner join", Model::dataset,
         R"({"include":[{"relation":"techniques","scope":{"where":{"name":"x-ray absorption"}}}]})",
         {kDs3, kDs4}},
        {"a PaNET id stands for its technique's name", Model::dataset,
         R"({"include":[{"relation":"techniques","scope":{"where":{"name":"PaNET01227"}}}]})",
         {kDs3, kDs4}},
        {"a panetId URI matches", Model::dataset,
         R"({"include":[{"relation":"techniques","scope":{"where":{"panetId":"http://purl.org/pan-science/PaNET/PaNET01189"}}}]})",
         {kDs1, kDs2}},
        {"photon_energy between 880 and 990 eV", Model::dataset,
         R"({"include":[{"relation":"parameters","scope":{"where":{"and":[{"name":"photon_energy"},{"value":{"between":[880,990]}},{"unit":"eV"}]}}}]})",
         {kDs2}},
        {"photon_energy between 0.88 and 0.99 keV finds what eV finds", Model::dataset,
         R"({"include":[{"relation":"parameters","scope":{"where":{"and":[{"name":"photon_energy"},{"value":{"between":[0.88,0.99]}},{"unit":"keV"}]}}}]})",
         {kDs2}},
        {"photon_energy between 1 and 2 keV finds nothing", Model::dataset,
         R"({"include":[{"relation":"parameters","scope":{"where":{"and":[{"name":"photon_energy"},{"value":{"between":[1,2]}},{"unit":"keV"}]}}}]})",
         {}},
        {"(sample_state = solid) or (chemical_formula = Cu)", Model::dataset,
         R"({"include":[{"relation":"parameters","scope":{"where":{"or":[{"and":[{"name":"sample_state"},{"value":"solid"}]},{"and":[{"name":"chemical_formula"},{"value":"Cu"}]}]}}}]})",
         {kDs1}},
        {"two parameter conditions must each hold", Model::dataset,
         R"({"include":[{"relation":"parameters","scope":{"where":{"and":[{"and":[{"name":"sample_state"},{"value":"solid"}]},{"and":[{"name":"chemical_formula"},{"value":"Fe"}]}]}}}]})",
         {}},
        {"temperature lt 80 celsius", Model::dataset,
         R"({"include":[{"relation":"parameters","scope":{"where":{"and":[{"name":"temperature"},{"value":{"lt":80}},{"unit":"celsius"}]}}}]})",
         {kDs3}},
        {"temperature lt 300 K finds 20 celsius", Model::dataset,
         R"({"include":[{"relation":"parameters","scope":{"where":{"and":[{"name":"temperature"},{"value":{"lt":300}},{"unit":"K"}]}}}]})",
         {kDs3}},
        {"temperature gt 300 K finds nothing", Model::dataset,
         R"({"include":[{"relation":"parameters","scope":{"where":{"and":[{"name":"temperature"},{"value":{"gt":300}},{"unit":"K"}]}}}]})",
         {}},
        {"a files include with text", Model::dataset,
         R"({"include":[{"relation":"files","scope":{"where":{"text":"file1"}}}]})", {kDs1}},
        {"a proposal whose principal investigator is James Chadwick", Model::document,
         R"({"where":{"type":"proposal"},"include":[{"relation":"members","scope":{"where":{"role":"principal investigator"},"include":[{"relation":"person","scope":{"where":{"fullName":"James Chadwick"}}}]}}]})",
         {kDoc2}},
        {"a publication whose principal investigator is James Chadwick: none", Model::document,
         R"({"where":{"type":"publication"},"include":[{"relation":"members","scope":{"where":{"role":"principal investigator"},"include":[{"relation":"person","scope":{"where":{"fullName":"James Chadwick"}}}]}}]})",
         {}},
        {"a document parameter wavelength between 1000 and 1100 nm", Model::document,
         R"({"include":[{"relation":"parameters","scope":{"where":{"and":[{"name":"wavelength"},{"value":{"between":[1000,1100]}},{"unit":"nm"}]}}}]})",
         {kDoc1}},
        {"the same in micrometres", Model::document,
         R"({"include":[{"relation":"parameters","scope":{"where":{"and":[{"name":"wavelength"},{"value":{"between":[1,1.1]}},{"unit":"µm"}]}}}]})",
         {kDoc1}},
        {"wavelength through datasets -> parameters", Model::document,
         R"({"include":[{"relation":"datasets","scope":{"include":[{"relation":"parameters","scope":{"where":{"and":[{"name":"wavelength"},{"value":{"between":[1000,1100]}},{"unit":"nm"}]}}}]}}]})",
         {kDoc2}},
        {"an inner join two levels deep: datasets -> techniques", Model::document,
         R"({"include":[{"relation":"datasets","scope":{"include":[{"relation":"techniques","scope":{"where":{"name":"small-angle neutron scattering"}}}]}}]})",
         {kDoc1}},
        {"instruments of facility ESS, skip 0, limit 3", Model::instrument,
         R"({"where":{"facility":"ESS"},"skip":0,"limit":3})",
         {"20.500.12269/07297dd4-557f-4ef6-974f-5c1eec610b9e",
          "20.500.12269/0f98fcf2-7bd7-430e-ad20-d47031ca8f71",
          "20.500.12269/125e8172-d0f4-4547-98be-a9db903a6269"}},
        {"where: like finds a part", Model::dataset, R"({"where":{"title":{"like":"Dataset 2"}}})", {kDs2}},
        {"where: like with % finds a part too, as the reference's regular expression", Model::dataset,
         R"({"where":{"title":{"like":"Test%"}}})", {kDs1, kDs2, kDs3, kDs4}},
        {"where: _ is one character", Model::dataset, R"({"where":{"pid":{"like":"panosc_dataset1"}}})", {kDs1}},
        {"where: like anchored", Model::dataset, R"({"where":{"title":{"like":"^PaNOSC.*Dataset 3$"}}})", {kDs3}},
        {"where: ilike", Model::dataset, R"({"where":{"title":{"ilike":"dataset 3$"}}})", {kDs3}},
        {"where: nlike", Model::dataset, R"({"where":{"title":{"nlike":"Dataset 3"}}})", {kDs1, kDs2, kDs4}},
        {"where: neq", Model::dataset, R"({"where":{"pid":{"neq":"20.500.12269/panosc-dataset1"}}})",
         {kDs2, kDs3, kDs4}},
        {"where: inq", Model::dataset,
         R"({"where":{"pid":{"inq":["20.500.12269/panosc-dataset4","20.500.12269/panosc-dataset2"]}}})",
         {kDs2, kDs4}},
        {"where: nin", Model::dataset,
         R"({"where":{"pid":{"nin":["20.500.12269/panosc-dataset4","20.500.12269/panosc-dataset2"]}}})",
         {kDs1, kDs3}},
        {"where: or", Model::dataset,
         R"({"where":{"or":[{"title":"PaNOSC Test Dataset 1"},{"title":"PaNOSC Test Dataset 4"}]}})",
         {kDs1, kDs4}},
        {"where: and", Model::dataset,
         R"({"where":{"and":[{"isPublic":true},{"title":{"like":"4"}}]}})", {kDs4}},
        {"where: a boolean written as a string", Model::dataset, R"({"where":{"isPublic":"true"}})",
         {kDs1, kDs2, kDs3, kDs4}},
        {"limit 0 is no limit, as in LoopBack", Model::instrument, R"({"limit":0})",
         {"20.500.12269/07297dd4-557f-4ef6-974f-5c1eec610b9e", "20.500.12269/0f98fcf2-7bd7-430e-ad20-d47031ca8f71",
          "20.500.12269/125e8172-d0f4-4547-98be-a9db903a6269", "20.500.12269/2a120f90-f1fe-4069-90a2-8b1c32bf760a",
          "20.500.12269/2a946970-21c5-45cc-b921-b2b020db3ae0", "20.500.12269/a8d44b33-5df1-4a01-a910-832d62051e2f",
          "20.500.12269/b24264c5-c37f-40f7-b2ec-c24c3077f714", "20.500.12269/d3dd2880-637a-40b5-9815-990453817f0e",
          "20.500.12269/d4ae7284-6659-4403-a192-1c037b9bffc0", "20.500.12269/da7552ea-a2db-49e7-9e22-1c3a2e1cf309",
          "20.500.12269/dc746e84-b529-4731-afa6-132ae58d7ee1", "20.500.12269/f0637030-9f89-4398-8f01-09211145efa1",
          "20.500.12269/f1959863-6c2e-494d-a2b5-5e6385acb248", "20.500.12269/f8da8176-28d8-4226-848e-8fd53fda86ef",
          "20.500.12269/f961edb4-b801-46a9-9d6c-180e27b0ccc1"}},
        {"two parameters includes are two conditions (the search UI sends one per condition)", Model::dataset,
         R"({"include":[{"relation":"parameters","scope":{"where":{"and":[{"name":"sample_state"},{"value":"solid"}]}}},{"relation":"parameters","scope":{"where":{"and":[{"name":"chemical_formula"},{"value":"Cu"}]}}}]})",
         {kDs1}},
        {"two parameters includes: both must hold", Model::dataset,
         R"({"include":[{"relation":"parameters","scope":{"where":{"and":[{"name":"sample_state"},{"value":"solid"}]}}},{"relation":"parameters","scope":{"where":{"and":[{"name":"photon_energy"}]}}}]})",
         {}},
        {"where: gt on a date", Model::dataset, R"({"where":{"creationDate":{"gt":"2021-01-01"}}})", {}},
        {"where: lte on a date", Model::dataset, R"({"where":{"creationDate":{"lte":"2021-01-01"}}})",
         {kDs1, kDs2, kDs3, kDs4}},
        {"where: text on titles", Model::document, R"({"where":{"text":"proposal"}})", {kDoc2}},
        {"datasets -> samples and techniques, each with a where", Model::document,
         R"({"include":[{"relation":"datasets","scope":{"include":[{"relation":"samples","scope":{"where":{"name":"solid copper cylinder"}}},{"relation":"techniques","scope":{"where":{"name":"x-ray absorption"}}}]}}]})",
         {kDoc2}},
        {"datasets -> files with text", Model::document,
         R"({"include":[{"relation":"datasets","scope":{"include":[{"relation":"files","scope":{"where":{"text":"file1"}}}]}}]})",
         {kDoc1}},
        {"a to-one include with a where: the instrument", Model::dataset,
         R"({"include":[{"relation":"instrument","scope":{"where":{"name":"LoKI"}}}]})", {kDs1}},
        {"text is case-blind; equality is not", Model::instrument, R"({"where":{"text":"loki"}})",
         {"20.500.12269/0f98fcf2-7bd7-430e-ad20-d47031ca8f71"}},
        {"equality is case-sensitive", Model::instrument, R"({"where":{"name":"loki"}})", {}},
        {"case-sensitive names in a scope, as the reference", Model::document,
         R"({"include":[{"relation":"datasets","scope":{"include":[{"relation":"samples","scope":{"where":{"name":"Solid copper cylinder"}}}]}}]})",
         {}},
        {"instruments of facility ESS, the fifth page of 3", Model::instrument,
         R"({"where":{"facility":"ESS"},"skip":12,"limit":3})",
         {"20.500.12269/f1959863-6c2e-494d-a2b5-5e6385acb248",
          "20.500.12269/f8da8176-28d8-4226-848e-8fd53fda86ef",
          "20.500.12269/f961edb4-b801-46a9-9d6c-180e27b0ccc1"}},
        {"order by name", Model::instrument, R"({"order":"name ASC","limit":3})",
         {"20.500.12269/2a120f90-f1fe-4069-90a2-8b1c32bf760a",
          "20.500.12269/a8d44b33-5df1-4a01-a910-832d62051e2f",
          "20.500.12269/f1959863-6c2e-494d-a2b5-5e6385acb248"}},
        {"order, skip and limit", Model::dataset, R"({"order":"title DESC","skip":1,"limit":2})", {kDs3, kDs2}},
        {"order by two properties", Model::document, R"({"order":["type ASC","title DESC"]})", {kDoc2, kDoc1}},
    };
    return table;
}

}  // namespace

TEST_CASE("panosc: the reference's documented filters keep what the reference keeps") {
    for (const auto& c : cases()) {
        CAPTURE(c.behaviour);
        CAPTURE(c.filter);
        auto found = find(c.model, c.filter);
        CHECK(pids(found) == c.pids);
    }
}

TEST_CASE("panosc: every top-level object has its properties and a score, nested ones no score") {
    auto found = find(Model::dataset, R"({"include":["parameters","techniques","samples","files","instrument","documents"]})");
    REQUIRE(found.Size() == 4);
    for (const auto& o : found.GetArray()) {
        for (const char* p : {"pid", "title", "isPublic", "creationDate", "instrumentId", "score"}) {
            CAPTURE(p);
            CHECK(o.HasMember(p));
        }
        CHECK(o["score"].GetDouble() == 0);  // no query: nothing ranks
        for (const char* r : {"parameters", "techniques", "samples", "files", "documents"}) {
            for (const auto& nested : o[r].GetArray()) CHECK_FALSE(nested.HasMember("score"));
        }
        CHECK(o["instrument"]["pid"].GetString() == std::string(o["instrumentId"].GetString()));
        CHECK(o["documents"].Size() == 1);
    }
    const auto& ds1 = found[0];
    CHECK(names(ds1["parameters"], "name") == std::vector<std::string>{"chemical_formula", "sample_state"});
    CHECK(ds1["parameters"][0]["datasetId"].GetString() == std::string(kDs1));  // a foreign key
    CHECK(ds1["samples"][0]["name"].GetString() == std::string("solid copper cylinder"));
    CHECK(ds1["files"][0]["name"].GetString() == std::string("panosc-file1.hdf"));
    CHECK(ds1["documents"][0]["pid"].GetString() == std::string(kDoc1));
}

TEST_CASE("panosc: a parameters include keeps the whole list, in id order") {
    auto found = find(Model::dataset,
                      R"({"include":[{"relation":"parameters","scope":{"where":{"and":[{"name":"chemical_formula"},{"value":"Cu"}]}}}]})");
    REQUIRE(pids(found) == std::vector<std::string>{kDs1});
    const auto& params = found[0]["parameters"];
    REQUIRE(params.Size() == 2);
    CHECK(params[0]["id"].GetInt() == 1);
    CHECK(params[1]["id"].GetInt() == 2);
    CHECK(params[1]["value"].GetString() == std::string("solid"));
}

TEST_CASE("panosc: a files include with text keeps files whose names hold it") {
    auto found = find(Model::dataset, R"({"include":[{"relation":"files","scope":{"where":{"text":"file1"}}}]})");
    REQUIRE(found.Size() == 1);
    for (const auto& f : found[0]["files"].GetArray()) {
        CHECK(std::string(f["name"].GetString()).find("file1") != std::string::npos);
    }
}

TEST_CASE("panosc: members come with their person and affiliation") {
    auto found = find(Model::document, R"({"include":[{"relation":"members","scope":{"include":["person","affiliation"]}}]})");
    REQUIRE(found.Size() == 2);
    const auto& members = found[0]["members"];
    REQUIRE(members.Size() == 2);
    CHECK(members[0]["role"].GetString() == std::string("principal investigator"));
    CHECK(members[0]["person"]["fullName"].GetString() == std::string("John Smith"));
    CHECK(members[0]["affiliation"]["name"].GetString() == std::string("ESS"));
    CHECK(members[0]["documentId"].GetString() == std::string(kDoc1));
    // Without the include, no relation is written.
    auto bare = find(Model::document, "");
    CHECK_FALSE(bare[0].HasMember("members"));
    CHECK_FALSE(bare[0].HasMember("parameters"));
}

TEST_CASE("panosc: a scope's limit, order and fields shape the nested list") {
    auto found = find(Model::document,
                      R"({"include":[{"relation":"datasets","scope":{"order":"title DESC","limit":1,"fields":["pid"]}}]})");
    REQUIRE(found.Size() == 2);
    REQUIRE(found[0]["datasets"].Size() == 1);
    CHECK(found[0]["datasets"][0]["pid"].GetString() == std::string(kDs2));
    CHECK_FALSE(found[0]["datasets"][0].HasMember("title"));
    auto only = find(Model::dataset, R"({"fields":{"pid":true},"limit":1})");
    REQUIRE(only.Size() == 1);
    CHECK(only[0].HasMember("pid"));
    CHECK(only[0].HasMember("score"));
    CHECK_FALSE(only[0].HasMember("title"));
    auto except = find(Model::dataset, R"({"fields":{"title":false},"limit":1})");
    CHECK(except[0].HasMember("pid"));
    CHECK_FALSE(except[0].HasMember("title"));
}

TEST_CASE("panosc: each model by pid, an unknown pid is not found") {
    auto& f = fixture();
    for (auto [model, pid] : {std::pair{Model::dataset, kDs3}, std::pair{Model::document, kDoc2},
                              std::pair{Model::instrument, "20.500.12269/d4ae7284-6659-4403-a192-1c037b9bffc0"}}) {
        auto one = f.api.find_by_id(*f.searcher, model, pid, "");
        REQUIRE_MESSAGE(one.ok(), one.error().message);
        auto object = parse(one.value());
        CHECK(object["pid"].GetString() == std::string(pid));
        CHECK_FALSE(object.HasMember("score"));  // as the reference: only a find scores
    }
    auto with = f.api.find_by_id(*f.searcher, Model::dataset, kDs2, R"({"include":["parameters"]})");
    REQUIRE(with.ok());
    CHECK(parse(with.value())["parameters"][0]["name"].GetString() == std::string("photon_energy"));
    auto none = f.api.find_by_id(*f.searcher, Model::dataset, "20.500.12269/nope", "");
    REQUIRE_FALSE(none.ok());
    CHECK(none.error().code == Errc::not_found);
    CHECK(none.error().message == "Unknown \"Dataset\" id \"20.500.12269/nope\".");
}

TEST_CASE("panosc: count with a where") {
    auto& f = fixture();
    auto all = f.api.count(*f.searcher, Model::instrument, "", "");
    REQUIRE(all.ok());
    CHECK(all.value() == 15);
    auto dream = f.api.count(*f.searcher, Model::instrument, R"({"name":{"inq":["DREAM","LoKI"]}})", "");
    REQUIRE(dream.ok());
    CHECK(dream.value() == 2);
    auto bad = f.api.count(*f.searcher, Model::instrument, R"({"name":{"regexp":"x"}})", "");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code == Errc::invalid_request);
}

TEST_CASE("panosc: query ranks with the index and fills score, best first") {
    auto found = find(Model::dataset, "", "x-ray absorption");
    REQUIRE(found.Size() >= 2);
    CHECK(pids(found)[0] != kDs1);  // the x-ray datasets, 3 and 4, rank first
    std::set<std::string> top{pids(found)[0], pids(found)[1]};
    CHECK(top == std::set<std::string>{kDs3, kDs4});
    double previous = 1;
    for (const auto& o : found.GetArray()) {
        // In (0, 1): the federated search drops scores outside it.
        CHECK(o["score"].GetDouble() > 0);
        CHECK(o["score"].GetDouble() < 1);
        CHECK(o["score"].GetDouble() <= previous);
        previous = o["score"].GetDouble();
    }
    // The federated search puts the query in the filter.
    auto in_filter = find(Model::dataset, R"({"query":"x-ray absorption","limit":100})");
    CHECK(pids(in_filter) == pids(found));
    CHECK(refusal(Model::dataset, R"({"include":[{"relation":"files","scope":{"query":"x"}}]})")
              .message.find("unknown member 'query'") != std::string::npos);
    auto both = fixture().api.find(*fixture().searcher, Model::dataset, R"({"query":"copper"})", "x-ray");
    REQUIRE_FALSE(both.ok());
    CHECK(both.error().message.find("both as a parameter and in the filter") != std::string::npos);
    // A where and the query together; an explicit order wins over the score.
    auto narrowed = find(Model::dataset, R"({"where":{"pid":{"neq":"20.500.12269/panosc-dataset3"}}})",
                         "x-ray absorption");
    CHECK(pids(narrowed)[0] == kDs4);
    auto none = find(Model::dataset, "", "zebrafish");
    CHECK(none.Size() == 0);
}

TEST_CASE("panosc: a filter that cannot be read is refused, naming the member and the value") {
    struct Bad {
        const char* filter;
        const char* says;
    };
    for (const auto& b : std::vector<Bad>{
             {"{nope", "filter is not valid JSON"},
             {R"({"where":{"title":{"regexp":"x"}}})", "filter.where.title: unknown operator 'regexp'"},
             {R"({"where":{"title":{"like":"Dataset [0-9]"}}})", "filter.where.title.like: '[' is not a like pattern character"},
             {R"({"where":{"title":{"between":["a",1]}}})", "filter.where.title.between: [\"a\",1] mixes types"},
             {R"({"where":{"text":5}})", "filter.where.text: 5 is not a string"},
             {R"({"include":["foo"]})", "filter.include[0]: 'foo' is not a relation of Dataset"},
             {R"({"include":[{"relation":"members"}]})", "'members' is not a relation of Dataset"},
             {R"({"limit":5000})", "filter.limit: 5000 is over the limit of 1000"},
             {R"({"limit":-1})", "filter.limit: -1 is not a whole number"},
             {R"({"order":"title SIDEWAYS"})", "filter.order: 'title SIDEWAYS'"},
             {R"({"where":{"pid":{"between":[1]}}})", "filter.where.pid.between: [1] is not [low, high]"},
             {R"({"where":{"and":{"a":1}}})", "filter.where.and: {\"a\":1} is not an array"},
             {R"({"wher":{}})", "filter: unknown member 'wher'"},
             {R"([1,2])", "filter: [1,2] is not an object"},
         }) {
        CAPTURE(b.filter);
        auto e = refusal(Model::dataset, b.filter);
        CHECK(e.code == Errc::invalid_request);
        CHECK_MESSAGE(e.message.find(b.says) != std::string::npos, e.message);
    }
    std::string deep = R"({"where":)";
    for (int i = 0; i < 40; ++i) deep += R"({"and":[)";
    deep += "{}";
    for (int i = 0; i < 40; ++i) deep += "]}";
    deep += "}";
    CHECK(refusal(Model::dataset, deep).message.find("nested more than") != std::string::npos);
    // A pattern is matched against every candidate: how many and how long are bounded.
    std::string long_pattern = R"({"where":{"title":{"like":")" + std::string(200, '%') + "\"}}}";
    CHECK(refusal(Model::dataset, long_pattern).message.find("over the limit of 128") != std::string::npos);
    std::string many = R"({"where":{"or":[)";
    for (int i = 0; i < 9; ++i) many += std::string(i ? "," : "") + R"({"title":{"ilike":"a%b"}})";
    many += "]}}";
    CHECK(refusal(Model::dataset, many).message.find("more than 8 patterns and texts") != std::string::npos);
    std::string texts = R"({"where":{"or":[)";
    for (int i = 0; i < 9; ++i) texts += std::string(i ? "," : "") + R"({"text":"q"})";
    texts += "]}}";
    CHECK(refusal(Model::dataset, texts).message.find("more than 8 patterns and texts") != std::string::npos);
    CHECK(refusal(Model::dataset, std::string(9000, ' ') + "{}").message.find("over the limit") !=
          std::string::npos);
}

TEST_CASE("panosc: the Human Organ Atlas through the API: donors over 60, lung scans finer than 5 µm") {
    panosc::Api api;
    Searcher& searcher = test::portal_searcher();
    // What our own search says, from the HOA records themselves.
    SearchRequest request;
    request.sources = {"hoa"};
    request.kinds = {"dataset"};
    request.filters = {test::filter("age", {">60"}), test::filter("organ", {"lung"}),
                       test::filter("voxel_size", {"<5um"})};
    request.limit = 1000;
    auto expected = searcher.search(request);
    REQUIRE(expected.ok());
    REQUIRE(expected.value().total > 0);
    std::set<std::string> want;
    for (const auto& h : expected.value().hits) want.insert(h.id);

    auto ask = [&](const std::string& size_condition) {
        std::string filter = R"({"include":[{"relation":"parameters","scope":{"where":{"and":[)"
                             R"({"and":[{"name":"SamplePatient_age"},{"value":{"gt":60}}]},)"
                             R"({"and":[{"name":"SamplePatient_organ_name"},{"value":"lung"}]},)" +
                             size_condition + "]}}}]}";
        auto found = api.find(searcher, Model::dataset, filter, "");
        REQUIRE_MESSAGE(found.ok(), found.error().message);
        auto doc = parse(found.value().json);
        auto got = pids(doc);
        return std::set<std::string>(got.begin(), got.end());
    };
    auto in_um = ask(R"({"and":[{"name":"TOMO_pixelSize"},{"value":{"lt":5}},{"unit":"µm"}]})");
    CHECK(in_um == want);
    CHECK(ask(R"({"and":[{"name":"TOMO_pixelSize"},{"value":{"lt":0.005}},{"unit":"mm"}]})") == want);
    CHECK(ask(R"({"and":[{"name":"TOMO_pixelSize"},{"value":{"lt":5000}},{"unit":"nm"}]})") == want);
    CHECK(ask(R"({"and":[{"name":"TOMO_pixelSize"},{"value":{"lt":50000}},{"unit":"Å"}]})") == want);
}

TEST_CASE("panosc: each new generation's objects are read, an index without the file answers unavailable") {
    test::TempDir dir;
    BuildOptions options;
    options.sources.push_back({"panosc", std::string(ATLAS_DATA_DIR) + "/panosc"});
    options.out_dir = (dir.path() / "index").string();
    REQUIRE(build_index(options).ok());
    auto opened = Searcher::open(options.out_dir);
    REQUIRE(opened.ok());
    Searcher& searcher = opened.value();
    panosc::Api api;
    auto before = api.count(searcher, Model::dataset, "", "");
    REQUIRE(before.ok());
    CHECK(before.value() == 4);

    // The next build adds the Human Organ Atlas sample: the same Api follows it.
    options.sources.push_back({"hoa", std::string(ATLAS_DATA_DIR) + "/hoa"});
    REQUIRE(build_index(options).ok());
    REQUIRE(searcher.refresh().ok());
    auto after = api.count(searcher, Model::dataset, "", "");
    REQUIRE(after.ok());
    CHECK(after.value() > 4);

    // A generation without the file (built before it existed): 503, not an empty answer.
    REQUIRE(build_index(options).ok());
    auto current = current_generation(options.out_dir);
    REQUIRE(current.ok());
    REQUIRE(std::filesystem::remove(std::filesystem::path(current.value()) / "panosc.jsonl"));
    // As such a build would have listed it.
    REQUIRE(atlas::detail::seal_generation(current.value(), "without-panosc").ok());
    REQUIRE(searcher.refresh().ok());
    REQUIRE(searcher.refused().empty());
    auto missing = api.find(searcher, Model::dataset, "", "");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().code == Errc::unavailable);
    CHECK(missing.error().message.find("rebuild it") != std::string::npos);
}

TEST_CASE("panosc: includes that fan out are refused, and a scope's limit caps the work") {
    panosc::Api api;
    Searcher& searcher = test::portal_searcher();
    // instrument -> datasets -> instrument -> datasets ...: each level multiplies.
    std::string fan = R"({"include":{"instrument":{"datasets":{"instrument":{"datasets":{"instrument":"datasets"}}}}}})";
    auto refused = api.find(searcher, Model::dataset, fan, "");
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == Errc::invalid_request);
    CHECK(refused.error().message.find("the answer would hold more than 100000 objects") != std::string::npos);
    // The same with a limit in each scope answers, one dataset per level.
    std::string limited =
        R"({"limit":2,"include":{"relation":"instrument","scope":{"include":{"relation":"datasets","scope":{"limit":1,)"
        R"("include":{"relation":"instrument","scope":{"include":{"relation":"datasets","scope":{"limit":1}}}}}}}}})";
    auto answered = api.find(searcher, Model::dataset, limited, "");
    REQUIRE_MESSAGE(answered.ok(), answered.error().message);
    auto doc = parse(answered.value().json);
    REQUIRE(doc.Size() == 2);
    CHECK(doc[0]["instrument"]["datasets"].Size() == 1);
    CHECK(doc[0]["instrument"]["datasets"][0]["instrument"]["datasets"].Size() == 1);
}

TEST_CASE("panosc: an include of one relation given twice is written once") {
    auto found = find(Model::dataset, R"({"where":{"pid":"20.500.12269/panosc-dataset1"},"include":["parameters","parameters",{"relation":"parameters","scope":{"where":{"name":"sample_state"}}}]})");
    REQUIRE(found.Size() == 1);
    std::size_t keys = 0;
    for (const auto& m : found[0].GetObject()) keys += std::string(m.name.GetString()) == "parameters";
    CHECK(keys == 1);
    CHECK(found[0]["parameters"].Size() == 2);
}

