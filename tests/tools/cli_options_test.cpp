// Tests for tools/cli_options.cpp: the parse loop every option table shares,
// and the layout of usage texts.
#include "cli_options.h"

#include <doctest/doctest.h>

#include "cli_util.h"

using namespace atlas::cli;

namespace {

struct Toy {
    std::vector<std::string> words;
    std::string name;
    bool loud = false;
    bool stop = false;
};

Grammar<Toy> toy_grammar(bool words, bool switch_ignores_value) {
    Grammar<Toy> g{
        .options =
            {
                {.name = "--name",
                 .placeholder = "N",
                 .takes = Takes::value,
                 .set = [](Toy& t, const std::string* v) -> std::optional<std::string> {
                     if (v == nullptr) return "--name needs a name";
                     t.name = *v;
                     return std::nullopt;
                 }},
                {.name = "--loud",
                 .alias = "-l",
                 .set = [](Toy& t, const std::string*) -> std::optional<std::string> {
                     t.loud = true;
                     return std::nullopt;
                 }},
                {.name = "--stop",
                 .set = [](Toy& t, const std::string*) -> std::optional<std::string> {
                     t.stop = true;
                     return std::nullopt;
                 }},
                {.name = "--", .takes = Takes::rest},
            },
        .unknown = [](const Toy&, const std::string& arg) { return "unknown '" + arg + "'"; },
        .switch_ignores_value = switch_ignores_value,
        .done = [](const Toy& t) { return t.stop; },
    };
    if (words) g.word = [](Toy& t, const std::string& w) { t.words.push_back(w); };
    return g;
}

}  // namespace

TEST_CASE("split_option splits --flag=value and leaves everything else whole") {
    CHECK(split_option("--limit=5") ==
          std::pair<std::string, std::optional<std::string>>{"--limit", "5"});
    CHECK(split_option("--limit=") ==
          std::pair<std::string, std::optional<std::string>>{"--limit", ""});
    CHECK(split_option("--filter=a=b").second == "a=b");
    CHECK(split_option("--limit").second == std::nullopt);
    CHECK(split_option("-h=1").first == "-h=1");
    CHECK(split_option("a=b").first == "a=b");
}

TEST_CASE("parse_options reads both value forms, aliases, words and --") {
    Toy t;
    auto g = toy_grammar(true, false);
    REQUIRE_FALSE(parse_options(g, {"a", "--name", "x", "-", "-l", "--", "--name=y", "-l"}, t));
    CHECK(t.name == "x");
    CHECK(t.loud);
    CHECK(t.words == std::vector<std::string>{"a", "-", "--name=y", "-l"});
    Toy u;
    REQUIRE_FALSE(parse_options(g, {"--name=--loud"}, u));
    CHECK(u.name == "--loud");
    CHECK_FALSE(u.loud);
}

TEST_CASE("parse_options stops at the first error or when the table says it is done") {
    auto g = toy_grammar(true, false);
    Toy t;
    CHECK(parse_options(g, {"--name"}, t) == "--name needs a name");
    CHECK(parse_options(g, {"--nope", "--name"}, t) == "unknown '--nope'");
    CHECK(parse_options(g, {"--loud=yes"}, t) == "unknown '--loud=yes'");
    Toy stopped;
    CHECK_FALSE(parse_options(g, {"--stop", "--nope"}, stopped));
    CHECK(stopped.stop);
}

TEST_CASE("parse_options without words calls every non-option unknown - switches may ignore =") {
    auto g = toy_grammar(false, true);
    Toy t;
    CHECK(parse_options(g, {"x"}, t) == "unknown 'x'");
    CHECK(parse_options(g, {""}, t) == "unknown ''");
    Toy u;
    CHECK_FALSE(parse_options(g, {"--loud=yes"}, u));
    CHECK(u.loud);
}

TEST_CASE("usage text: options in a column, help wrapped under it, list items hanging") {
    CHECK(option_help("--json", "print JSON", 2, 10) == "  --json    print JSON\n");
    CHECK(option_help("--a-long-one N", "x", 2, 10) == "  --a-long-one N  x\n");
    std::string words;
    for (int i = 0; i < 30; ++i) words += "word ";
    std::string wrapped = option_help("--w", words, 2, 10);
    std::size_t start = 0;
    while (start < wrapped.size()) {
        std::size_t end = wrapped.find('\n', start);
        std::string line = wrapped.substr(start, end - start);
        CHECK(visible_width(line) <= kUsageWidth);
        if (start > 0) CHECK(line.starts_with("            word"));
        start = end + 1;
    }
    std::string list = option_help("--s", "one of:\n  ab   " + words, 0, 6);
    CHECK(list.starts_with("--s   one of:\n        ab   word word"));
    CHECK(list.find("\n             word") != std::string::npos);  // under the item's text
}

TEST_CASE("synopsis items say whether an option repeats") {
    CHECK(synopsis_item("--limit", "N", Synopsis::optional) == "[--limit N]");
    CHECK(synopsis_item("--json", "", Synopsis::optional) == "[--json]");
    CHECK(synopsis_item("--kind", "K", Synopsis::repeatable) == "[--kind K]...");
    CHECK(synopsis_item("--help", "", Synopsis::hidden).empty());
}
