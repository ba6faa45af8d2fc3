// Tests for index/adapters/panosc_mapping.cpp: one dump's tables built into records in
// memory, without files (panosc_adapter_test.cpp reads whole dumps from disk).
#include "adapters/panosc_mapping.h"

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "collect_sink.h"
#include "panosc_dump.h"

using namespace atlas;

TEST_CASE("panosc::build resolves one dump's relations and returns its records in emit order") {
    auto d = test::panosc_dump(R"({
        "Sample": {"s1": {"pid": "s1", "name": "lung"}},
        "Technique": {"t1": {"pid": "t1", "name": "phase contrast",
                             "panetId": "http://purl.org/pan-science/PaNET/PaNET01189"}},
        "Instrument": {"i1": {"pid": "i1", "name": "BM05", "facility": "ESRF"}},
        "File": {"7": {"name": "scan.h5", "datasetId": "ds1", "size": 10}},
        "Dataset": {"ds1": {"pid": "ds1", "title": "Scan 1", "instrumentId": "i1",
                            "documentId": "d1"}},
        "DatasetTechnique": {"1": {"datasetId": "ds1", "techniqueId": "t1"}},
        "DatasetSample": {"1": {"datasetId": "ds1", "sampleId": "s9"}},
        "Document": {"d1": {"pid": "d1", "title": "Lungs", "type": "proposal"}}
    })");
    test::CollectSink sink;
    std::vector<Record> records =
        detail::panosc::build(d->tables, detail::IssueContext{&sink, "panosc", "db.json", ""});

    std::vector<std::string> ids;
    for (const auto& r : records) ids.push_back(r.id);
    CHECK(ids == std::vector<std::string>{"panosc:document:d1", "panosc:dataset:ds1",
                                          "panosc:file:ds1/scan.h5", "panosc:instrument:i1",
                                          "panosc:technique:t1", "panosc:sample:s1"});
    for (const auto& r : records) CHECK(r.file == "db.json");
    CHECK(sink.records.empty());  // build emits nothing itself

    const Record& ds = records[1];
    CHECK(ds.parent == "panosc:document:d1");
    CHECK(test::texts(ds, "instrument") == std::vector<std::string>{"BM05"});
    CHECK(test::texts(ds, "technique_id") == std::vector<std::string>{"PaNET01189"});
    CHECK(ds.get("sample").empty());
    const Record& file = records[2];
    CHECK(file.parent == "panosc:dataset:ds1");
    CHECK(test::texts(file, "facility") == std::vector<std::string>{"ESRF"});
    CHECK(test::texts(records[3], "dataset_count") == std::vector<std::string>{"1"});
    CHECK(test::texts(records[5], "dataset_count") == std::vector<std::string>{"0"});

    auto lines = sink.issue_lines("DatasetSample[1].sampleId");
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].find("'s9' names no record in this file; relation left out") !=
          std::string::npos);
    CHECK(sink.issues.size() == 1);
}
