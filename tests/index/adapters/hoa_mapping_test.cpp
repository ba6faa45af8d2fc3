// Tests for index/adapters/hoa_mapping.cpp: hoa::Tree fed parsed dataset files in memory
// (hoa_adapter_test.cpp reads the sample's files from disk).
#include "adapters/hoa_mapping.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "collect_sink.h"

using namespace atlas;

namespace {

detail::JsonFile parse(const std::string& text) {
    auto parsed = detail::parse_json_text(text);
    REQUIRE(parsed.ok());
    return std::move(parsed).value();
}

}  // namespace

TEST_CASE(
    "hoa::Tree places zooms whose registrations loop back under their organ, with a warning") {
    // a is registered to b and b to a: a can hang under b, but b under a would close a loop.
    auto a = parse(R"({"name": "a", "dataset_type": "zoom", "donor": {"id": "D1"},
                       "sample": {"organ": "lung"}, "registration": {"target_dataset": "b"}})");
    auto b = parse(R"({"name": "b", "dataset_type": "zoom", "donor": {"id": "D1"},
                       "sample": {"organ": "lung"}, "registration": {"target_dataset": "a"}})");
    test::CollectSink sink;
    detail::hoa::Tree tree(&sink);
    tree.add_dataset(detail::FieldReader(a.doc, {&sink, "hoa", "a.json", "hoa:dataset:a"}), "a",
                     "a.json", "D1", "lung");
    tree.add_dataset(detail::FieldReader(b.doc, {&sink, "hoa", "b.json", "hoa:dataset:b"}), "b",
                     "b.json", "D1", "lung");
    std::vector<detail::hoa::Placed> placed = tree.finish();

    std::vector<std::string> ids;
    for (const auto& p : placed) ids.push_back(p.record.id);
    CHECK(ids == std::vector<std::string>{"hoa:donor:D1", "hoa:organ:D1/lung", "hoa:dataset:a",
                                          "hoa:dataset:b"});
    CHECK(placed[2].record.parent == "hoa:dataset:b");
    CHECK(placed[3].record.parent == "hoa:organ:D1/lung");
    std::vector<std::string> crumbs;
    for (const auto& c : placed[2].record.breadcrumb) crumbs.push_back(c.id);
    CHECK(crumbs == std::vector<std::string>{"hoa:donor:D1", "hoa:organ:D1/lung", "hoa:dataset:b",
                                             "hoa:dataset:a"});

    REQUIRE(sink.issues.size() == 1);
    const IngestIssue& issue = sink.issues[0];
    CHECK(issue.file == "b.json");
    CHECK(issue.record == "hoa:dataset:b");
    CHECK(issue.field == "registration.target_dataset");
    CHECK(issue.message == "'a' leads back to this dataset; the zoom is placed under its organ");
}
