// query_fuzz.cpp - the query language (query/query_parser.cpp, natural_language.cpp):
// the input is a query, read with a small synonym table, then described; text
// before a first '=' is also read as a field and the rest as a filter value.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "harness.h"
#include "query_parser.h"
#include "schema/vocabulary.h"

namespace {

const atlas::Vocabulary& vocabulary() {
    static const atlas::Vocabulary v = [] {
        atlas::Vocabulary made;
        made.add("s. pombe", "schizosaccharomyces pombe");
        made.add("fission yeast", "schizosaccharomyces pombe");
        made.add_group({"covid", "covid-19", "sars-cov-2"});
        return made;
    }();
    return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text = atlas::fuzz::as_text(data, size);
    atlas::detail::ParseOptions options;
    options.vocabulary = &vocabulary();
    auto read = atlas::detail::read_query(text, options);
    if (read.ok()) {
        (void)read.value().tree.describe();
        (void)atlas::detail::highlight_tokens(read.value().tree);
        (void)atlas::detail::has_ranking_words(read.value().tree);
    }
    if (auto eq = text.find('='); eq != std::string_view::npos) {
        (void)atlas::detail::parse_filter_value(text.substr(0, eq), text.substr(eq + 1));
    }
    return 0;
}
