// Tests for panosc/where.cpp and filter.cpp: patterns, comparisons and parameters in SI,
// on objects written here (the fixture's are in api_test.cpp).
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <string>

#include "database.h"
#include "filter.h"
#include "where.h"

using namespace atlas;
using namespace atlas::panosc::detail;

namespace {

rapidjson::Document json(const std::string& text) {
    rapidjson::Document doc;
    doc.Parse(text.c_str());
    REQUIRE(!doc.HasParseError());
    return doc;
}

Where where(const std::string& text) {
    auto w = parse_where(text);
    REQUIRE_MESSAGE(w.ok(), w.error().message);
    return std::move(w).value();
}

bool params(const std::string& condition, const std::string& parameters) {
    auto list = json(parameters);
    return parameters_hold(where(condition), list);
}

}  // namespace

TEST_CASE("panosc like: SQL wildcards match the whole text, other patterns a part of it") {
    CHECK(like("PaNOSC Test Dataset 1", "Test", false));
    CHECK_FALSE(like("PaNOSC Test Dataset 1", "test", false));
    CHECK(like("PaNOSC Test Dataset 1", "test", true));
    CHECK(like("PaNOSC Test Dataset 1", "%Dataset _", false));
    CHECK_FALSE(like("PaNOSC Test Dataset 12", "%Dataset _", false));
    CHECK(like("PaNOSC Test Dataset 12", "^PaNOSC.*12$", false));
    CHECK_FALSE(like("PaNOSC Test Dataset 12", "^Test", false));
    CHECK(like("a.b", "a\\.b", false));
    CHECK_FALSE(like("axb", "a\\.b", false));
    CHECK(like("Odarslövsvägen", "Odarsl.vsv", false));  // '.' is one character, not one byte
    CHECK(like("", "%", false));
    CHECK_FALSE(like("", "x", false));
    // Many runs against a long text: no exponential backtracking.
    std::string text(20000, 'a');
    CHECK_FALSE(like(text, "%a%a%a%a%a%a%a%a%b", false));
}

TEST_CASE("panosc where: comparisons as LoopBack's memory connector makes them") {
    auto o = json(R"({"title":"PaNOSC Test Dataset 2","size":930,"isPublic":true,"keywords":["a","b"],
                      "creationDate":"2020-05-05T15:01:02.341Z"})");
    auto holds_on = [&](const std::string& w) {
        static const Database none;  // holds() reads it only for techniques
        return holds(where(w), Entity::dataset, o, none);
    };
    CHECK(holds_on(R"({"size":930})"));
    CHECK(holds_on(R"({"size":"930"})"));  // a number written as a string
    CHECK(holds_on(R"({"size":{"between":[900,1000]}})"));
    CHECK_FALSE(holds_on(R"({"size":{"gt":930}})"));
    CHECK(holds_on(R"({"size":{"gte":930}})"));
    CHECK(holds_on(R"({"isPublic":true})"));
    CHECK_FALSE(holds_on(R"({"isPublic":false})"));
    CHECK(holds_on(R"({"keywords":"b"})"));  // a list holds a value one element has
    CHECK_FALSE(holds_on(R"({"keywords":{"neq":"b"}})"));
    CHECK(holds_on(R"({"creationDate":{"gt":"2020-01-01"}})"));
    CHECK_FALSE(holds_on(R"({"missing":"x"})"));  // what a record lacks matches nothing
    CHECK(holds_on(R"({"missing":{"neq":"x"}})"));
    CHECK(holds_on(R"({"text":"dataset 2"})"));
    CHECK(holds_on(R"({"text":"datasets"})"));  // words in any inflection
    CHECK_FALSE(holds_on(R"({"text":"dataset 3"})"));
    CHECK(holds_on(R"({"title":{"like":"dataset","options":"i"}})"));
}

TEST_CASE("panosc parameters: one parameter meets a group, and values compare in SI") {
    const std::string p = R"([{"id":3,"name":"photon_energy","value":930,"unit":"eV"},
                              {"id":4,"name":"temperature","value":20,"unit":"celsius"},
                              {"id":5,"name":"wavelength","value":"1064 nm","unit":""},
                              {"id":6,"name":"sample_state","value":"solid","unit":""}])";
    CHECK(params(R"({"and":[{"name":"photon_energy"},{"value":{"between":[880,990]}},{"unit":"eV"}]})", p));
    CHECK(params(R"({"and":[{"name":"photon_energy"},{"value":{"between":[0.88,0.99]}},{"unit":"keV"}]})", p));
    CHECK(params(R"({"and":[{"name":"photon_energy"},{"value":{"between":[1.4e-16,1.6e-16]}},{"unit":"J"}]})", p));
    CHECK_FALSE(params(R"({"and":[{"name":"photon_energy"},{"value":{"between":[880,990]}},{"unit":"keV"}]})", p));
    // A unit of another dimension is compared as text, as the reference does.
    CHECK_FALSE(params(R"({"and":[{"name":"photon_energy"},{"value":930},{"unit":"nm"}]})", p));
    CHECK(params(R"({"and":[{"name":"temperature"},{"value":{"lt":300}},{"unit":"K"}]})", p));
    CHECK(params(R"({"and":[{"name":"temperature"},{"value":{"gt":60}},{"unit":"fahrenheit"}]})", p));
    CHECK(params(R"({"and":[{"name":"temperature"},{"value":{"lt":80}},{"unit":"celsius"}]})", p));
    // A value written with its unit inside ("1064 nm") compares too.
    CHECK(params(R"({"and":[{"name":"wavelength"},{"value":{"between":[1,1.1]}},{"unit":"um"}]})", p));
    // The group holds for one parameter, not across two.
    CHECK_FALSE(params(R"({"and":[{"name":"sample_state"},{"value":930}]})", p));
    CHECK(params(R"({"and":[{"and":[{"name":"sample_state"},{"value":"solid"}]},{"and":[{"name":"temperature"},{"value":20}]}]})", p));
    CHECK_FALSE(params(R"({"and":[{"and":[{"name":"sample_state"},{"value":"solid"}]},{"and":[{"name":"temperature"},{"value":21}]}]})", p));
    CHECK(params(R"({"or":[{"and":[{"name":"sample_state"},{"value":"liquid"}]},{"name":"temperature"}]})", p));
    CHECK(params(R"({"name":"wavelength","value":{"like":"nm"}})", p));
}
