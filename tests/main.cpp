// The doctest main; tests live in the other files.
//
// ctest runs each test case in a process of its own, by name
// (doctest_discover_tests); a name CMake cannot carry (a ';' splits it into
// two list items) would select no test case, and a run of nothing passes.
// So a run asked for test cases by name that finds none fails, saying so.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <string_view>

namespace {

unsigned matched_test_cases = 0;

// Records how many test cases passed the filters; says nothing else.
struct CountMatched : doctest::IReporter {
    explicit CountMatched(const doctest::ContextOptions&) {}
    void report_query(const doctest::QueryData&) override {}
    void test_run_start() override {}
    void test_run_end(const doctest::TestRunStats& stats) override {
        matched_test_cases = stats.numTestCasesPassingFilters;
    }
    void test_case_start(const doctest::TestCaseData&) override {}
    void test_case_reenter(const doctest::TestCaseData&) override {}
    void test_case_end(const doctest::CurrentTestCaseStats&) override {}
    void test_case_exception(const doctest::TestCaseException&) override {}
    void subcase_start(const doctest::SubcaseSignature&) override {}
    void subcase_end() override {}
    void log_assert(const doctest::AssertData&) override {}
    void log_message(const doctest::MessageData&) override {}
    void test_case_skipped(const doctest::TestCaseData&) override {}
};

DOCTEST_REGISTER_LISTENER("count_matched", 1, CountMatched);

bool names_test_cases(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg.starts_with("--test-case=") || arg.starts_with("-tc=")) return true;
    }
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    doctest::Context context(argc, argv);
    int result = context.run();
    if (context.shouldExit()) return result;
    if (result == 0 && matched_test_cases == 0 && names_test_cases(argc, argv)) {
        std::fprintf(stderr, "atlas_tests: no test case has the name asked for\n");
        return 1;
    }
    return result;
}
