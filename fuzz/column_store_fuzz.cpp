// column_store_fuzz.cpp - the column file reader (query/column_store.cpp): the
// input is written as a column file and opened; one that opens is read
// through every accessor a search uses, over a bounded number of values.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

#include "column_store.h"
#include "harness.h"
#include "schema/schema.h"

namespace {

using atlas::detail::ColumnStore;

constexpr std::uint32_t kMaxCodes = 64;  // values read per column

void read_facet(ColumnStore& store, std::string_view field, const atlas::detail::FacetColumn& column) {
    std::uint32_t n = std::min(column.size(), kMaxCodes);
    for (std::uint32_t code = 0; code < n; ++code) {
        (void)column.find(column.exact(code));
        (void)column.display(code);
        (void)column.count(code);
        (void)column.docs_of(code);
        (void)store.value_docs(field, column, code);
    }
    (void)column.prefix_range("a");
}

void read_all(ColumnStore& store) {
    constexpr double kInf = std::numeric_limits<double>::infinity();
    for (const auto& spec : atlas::field_specs()) {
        if (const auto* facet = store.facet(spec.name)) read_facet(store, spec.name, *facet);
        if (store.number(spec.name) != nullptr) {
            (void)store.number_range(spec.name, -kInf, true, kInf, true);
            (void)store.number_range(spec.name, 0, false, 10, true);
        }
        (void)store.present(spec.name);
    }
    auto groups = store.group();
    for (std::size_t i = 0; i < std::min<std::size_t>(groups.size(), kMaxCodes); ++i) {
        (void)store.members(groups[i]);
    }
    for (const char* term : {"ribosom", "Zribosom", "lung", "cell"}) (void)store.top_lists(term);
    store.trim_cache(0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const atlas::fuzz::TempDir dir;
    const std::string path = (dir.path() / "columns.atlas").string();
    atlas::fuzz::write_file(path, atlas::fuzz::as_text(data, size));
    auto store = ColumnStore::open(path);
    if (store.ok()) read_all(*store.value());
    return 0;
}
