// Tests for index/adapters/htan_mapping.cpp: htan::Mapper fed a parsed export and side tables
// in memory (htan_adapter_test.cpp reads the sample's files from disk).
#include "adapters/htan_mapping.h"

#include <doctest/doctest.h>

#include <string>
#include <utility>

#include "collect_sink.h"

using namespace atlas;

TEST_CASE("htan::Mapper counts the therapy rows of participants the export lacks, per atlas") {
    detail::htan::Inputs in;
    in.therapy_file = "syn_data.json.gz";
    in.therapy["HTA1_1"] = {"HTA1", {"Surgery"}, {"Therapy: Treatment Type: Surgery"}};
    in.therapy["HTA1_8"] = {"HTA1", {"Radiation"}, {}};
    in.therapy["HTA1_9"] = {"HTA1", {}, {}};
    in.therapy["HTA5_9"] = {"HTA5", {}, {}};
    auto parsed = detail::parse_json_text(
        R"({"files": [], "demographicsByParticipantID": {"HTA1_1": {"atlasid": "HTA1"}}})");
    REQUIRE(parsed.ok());
    test::CollectSink sink;
    detail::htan::Mapper mapper(sink, std::move(in));
    mapper.map_export(parsed.value().doc, "processed_syn_data.json");

    const Record& p = sink.get("htan:participant:HTA1_1");
    CHECK(test::texts(p, "treatment") == std::vector<std::string>{"Surgery"});
    CHECK(test::texts(p, "description") ==
          std::vector<std::string>{"Therapy: Treatment Type: Surgery"});

    REQUIRE(sink.issues.size() == 1);
    const IngestIssue& issue = sink.issues[0];
    CHECK(issue.file == "syn_data.json.gz");
    CHECK(issue.field == "atlases[*].bts:Therapy");
    CHECK(issue.message ==
          "3 participants with therapy rows are not in the export; their rows are left out "
          "(HTA1 2, HTA5 1)");
}
