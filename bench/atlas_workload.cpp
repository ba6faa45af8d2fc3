// atlas_workload - the benchmark workload, drawn deterministically from the records.
//
//   atlas_workload --records DIR --seed S --out FILE [--per-scenario N] [--facets F,F,...]
//
// Writes one request per line (bench/workload.h; bench/queries/README.md),
// N per scenario (default 50), each in atlas's form and in the normalised
// form the SQL peers answer.  bench/workload_draw.h says how they are drawn.
#include <fmt/format.h>

#include <charconv>
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>

#include "flag_pairs.h"
#include "workload_draw.h"

namespace {

constexpr std::string_view kUsage =
    "usage: atlas_workload --records DIR --seed S --out FILE [--per-scenario N]\n"
    "                      [--facets F,F,...]\n"
    "  --records       canonical records (*.jsonl under DIR), e.g. from atlas_scale\n"
    "  --seed          the seed; the same records and seed give the same file\n"
    "  --out           the workload file to write\n"
    "  --per-scenario  requests per scenario (default 50)\n"
    "  --facets        the facet fields of the facet scenarios (default: kind, source and\n"
    "                  the four facet-like keyword fields the most records have)\n";

bool parse_u64(std::string_view text, std::uint64_t& out) {
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && p == text.data() + text.size();
}

}  // namespace

int main(int argc, char** argv) {
    atlas::bench::WorkloadOptions options;
    std::string out_path;
    bool have_seed = false;
    auto take = [&](std::string_view arg, std::string_view value) -> std::optional<int> {
        std::uint64_t number = 0;
        if (arg == "--records") {
            options.records_dir = value;
        } else if (arg == "--out") {
            out_path = value;
        } else if (arg == "--seed" && parse_u64(value, number)) {
            options.seed = number;
            have_seed = true;
        } else if (arg == "--facets") {
            options.facets.clear();
            std::string_view rest = value;
            while (!rest.empty()) {
                auto comma = rest.find(',');
                std::string_view f = rest.substr(0, comma);
                if (!f.empty()) options.facets.emplace_back(f);
                rest =
                    comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
            }
        } else if (arg == "--per-scenario" && parse_u64(value, number) && number > 0 &&
                   number <= 1000000) {
            options.per_scenario = static_cast<std::uint32_t>(number);
        } else {
            return atlas::bench::bad_flag("atlas_workload", arg, value, kUsage);
        }
        return std::nullopt;
    };
    if (auto code = atlas::bench::for_each_flag(argc, argv, "atlas_workload", kUsage, take)) {
        return *code;
    }
    if (options.records_dir.empty() || out_path.empty() || !have_seed) {
        fmt::print(stderr, "atlas_workload: --records, --seed and --out are required\n{}", kUsage);
        return 2;
    }
    auto drawn = atlas::bench::draw_workload(options);
    if (!drawn.ok()) {
        fmt::print(stderr, "atlas_workload: {}: {}\n", atlas::errc_name(drawn.error().code),
                   drawn.error().message);
        return 1;
    }
    const auto& w = drawn.value();
    {
        std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
        for (const auto& item : w.items) out << atlas::bench::workload_item_to_json(item) << '\n';
        out.flush();
        if (!out) {
            fmt::print(stderr, "atlas_workload: io: cannot write '{}'\n", out_path);
            return 1;
        }
    }
    fmt::print("atlas_workload: {} requests from {} records ({}), seed {} -> {}\n", w.items.size(),
               w.records, options.records_dir.string(), options.seed, out_path);
    std::string facets;
    for (const auto& f : w.facets) facets += (facets.empty() ? "" : ", ") + f;
    fmt::print("facets: {}\n", facets);
    for (const auto& scenario : atlas::bench::workload_scenarios()) {
        auto it = w.per_scenario.find(scenario);
        std::uint32_t n = it == w.per_scenario.end() ? 0 : it->second;
        std::string example;
        for (const auto& item : w.items) {
            if (item.scenario == scenario) {
                example = item.request_json;
                break;
            }
        }
        if (example.size() > 110) example = example.substr(0, 107) + "...";
        fmt::print("  {:<16} {:>5}  {}\n", scenario, n, example);
    }
    for (const auto& note : w.notes) fmt::print("note: {}\n", note);
    return 0;
}
