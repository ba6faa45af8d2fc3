// atlas_scale - the real corpus recombined to N records, as canonical record JSON lines.
//
//   atlas_scale --catalog PATH/catalog.sqlite --records N --seed S --out DIR
//               [--files K] [--recombine P]
//
// Writes exactly N records to DIR/records-000.jsonl... (bench/scale_corpus.h
// says how), the same bytes for the same inputs, and prints the records per
// source and kind against the real proportions.  `atlas-index build --source
// records=DIR` indexes the output; the benchmark's peers load it too.
#include <fmt/format.h>

#include <charconv>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "flag_pairs.h"
#include "scale_corpus.h"

namespace {

constexpr std::string_view kUsage =
    "usage: atlas_scale --catalog PATH/catalog.sqlite --records N --seed S --out DIR\n"
    "                   [--files K] [--recombine P]\n"
    "  --catalog    the catalog of a real index (<index>/CURRENT/catalog.sqlite)\n"
    "  --records    how many records to write (exactly)\n"
    "  --seed       the seed; the same inputs give the same bytes\n"
    "  --out        output directory (records-*.jsonl in it are replaced)\n"
    "  --files      number of output files (default: as few as keep each under ~1 GB)\n"
    "  --recombine  probability that a copied family takes another root's context "
    "(default 0.5)\n";

bool parse_u64(std::string_view text, std::uint64_t& out) {
    // Accept 1e6-style counts too: they are how people write corpus sizes.
    if (auto e = text.find_first_of("eE"); e != std::string_view::npos) {
        std::uint64_t mantissa = 0, exponent = 0;
        if (!parse_u64(text.substr(0, e), mantissa) || !parse_u64(text.substr(e + 1), exponent) ||
            exponent > 18) {
            return false;
        }
        out = mantissa;
        for (std::uint64_t i = 0; i < exponent; ++i) out *= 10;
        return true;
    }
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && p == text.data() + text.size();
}

}  // namespace

int main(int argc, char** argv) {
    atlas::bench::ScaleOptions options;
    bool have_records = false, have_seed = false;
    auto take = [&](std::string_view arg, std::string_view value) -> std::optional<int> {
        std::uint64_t number = 0;
        if (arg == "--catalog") {
            options.catalog = value;
        } else if (arg == "--out") {
            options.out_dir = value;
        } else if (arg == "--records" && parse_u64(value, number)) {
            options.records = number;
            have_records = true;
        } else if (arg == "--seed" && parse_u64(value, number)) {
            options.seed = number;
            have_seed = true;
        } else if (arg == "--files" && parse_u64(value, number) && number < (1U << 20)) {
            options.files = static_cast<std::uint32_t>(number);
        } else if (arg == "--recombine") {
            try {
                options.recombine = std::stod(std::string(value));
            } catch (const std::exception&) {
                fmt::print(stderr, "atlas_scale: --recombine '{}' is not a number\n", value);
                return 2;
            }
        } else {
            return atlas::bench::bad_flag("atlas_scale", arg, value, kUsage);
        }
        return std::nullopt;
    };
    if (auto code = atlas::bench::for_each_flag(argc, argv, "atlas_scale", kUsage, take)) {
        return *code;
    }
    if (options.catalog.empty() || options.out_dir.empty() || !have_records || !have_seed) {
        fmt::print(stderr, "atlas_scale: --catalog, --records, --seed and --out are required\n{}",
                   kUsage);
        return 2;
    }
    options.on_progress = [](std::uint64_t done, std::uint64_t total) {
        fmt::print(stderr, "\ratlas_scale: {} / {} records", done, total);
        if (done == total) fmt::print(stderr, "\n");
    };
    auto report = atlas::bench::scale_corpus(options);
    if (!report.ok()) {
        fmt::print(stderr, "atlas_scale: {}: {}\n", atlas::errc_name(report.error().code),
                   report.error().message);
        return 1;
    }
    fmt::print("atlas_scale: {} records from {} real ({}), seed {} -> {}\n", report.value().records,
               report.value().real_records, options.catalog.string(), options.seed,
               options.out_dir.string());
    fmt::print("{}", atlas::bench::format_scale_report(report.value()));
    return 0;
}
