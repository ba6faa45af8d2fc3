// peers_relevance.cpp - the judged set through the SQL peers (see peers_relevance.h).
#include "peers_relevance.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>

#include "scale_corpus.h"
#include "schema/schema.h"
#include "sqlite_engine.h"
#ifdef ATLAS_BENCH_POSTGRESQL
#include "pg_engine.h"
#endif

namespace atlas::bench {
namespace {

namespace fs = std::filesystem;

Result<std::uint64_t> count_catalog_records(const fs::path& catalog) {
    std::error_code ec;
    if (!fs::is_regular_file(catalog, ec)) {
        return Error{Errc::not_found, fmt::format("no catalog at '{}'", catalog.string())};
    }
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(catalog.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
    std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, &sqlite3_close);
    sqlite3_stmt* st = nullptr;
    if (rc != SQLITE_OK ||
        sqlite3_prepare_v2(raw, "SELECT count(*) FROM records", -1, &st, nullptr) != SQLITE_OK) {
        return Error{Errc::corrupt,
                     fmt::format("{}: {}", catalog.string(),
                                 raw != nullptr ? sqlite3_errmsg(raw) : "no memory")};
    }
    std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> stmt(st, &sqlite3_finalize);
    if (sqlite3_step(st) != SQLITE_ROW) {
        return Error{Errc::corrupt, fmt::format("{}: {}", catalog.string(), sqlite3_errmsg(raw))};
    }
    return static_cast<std::uint64_t>(sqlite3_column_int64(st, 0));
}

}  // namespace

Result<std::uint64_t> write_catalog_records(const fs::path& catalog, const fs::path& out_dir) {
    auto count = count_catalog_records(catalog);
    if (!count.ok()) return count.error();
    if (count.value() == 0) {
        return Error{Errc::invalid_request, fmt::format("'{}' has no records", catalog.string())};
    }
    // At exactly the real size scale_corpus writes one whole round of copy 0:
    // every family, uncut and never recombined (recombination only touches
    // copies r > 0), each record its catalog JSON byte for byte.
    ScaleOptions options;
    options.catalog = catalog;
    options.out_dir = out_dir;
    options.records = count.value();
    options.recombine = 0;
    auto report = scale_corpus(options);
    if (!report.ok()) return report.error();
    const ScaleReport& r = report.value();
    if (r.records != r.real_records || r.full_rounds != 1 || r.recombined != 0 || r.cut != 0) {
        return Error{Errc::internal,
                     fmt::format("'{}': wrote {} records of {} real ({} rounds, {} recombined, {} "
                                 "cut), not the catalog itself",
                                 catalog.string(), r.records, r.real_records, r.full_rounds,
                                 r.recombined, r.cut)};
    }
    return r.records;
}

std::unique_ptr<Engine> make_peer(std::string_view name) {
    if (name == "sqlite" || name == "sqlite-fts5") return make_sqlite_engine();
#ifdef ATLAS_BENCH_POSTGRESQL
    if (name == "postgresql") return make_pg_engine();
#endif
    return nullptr;
}

std::string peer_not_built(std::string_view name) {
    if (name == "postgresql" && make_peer(name) == nullptr) {
        return "postgresql: not built (libpq-dev missing)";
    }
    return "";
}

BenchRequest peer_request(const JudgedQuery& query, std::size_t depth) {
    BenchRequest request;
    std::string word;
    auto flush = [&] {
        if (!word.empty()) request.text.words.push_back(std::move(word));
        word.clear();
    };
    for (char c : query.q) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            flush();
        } else {
            // ASCII only: the peers fold the rest themselves.
            word += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        }
    }
    flush();
    request.text.mode = request.text.words.empty() ? BenchText::Mode::none : BenchText::Mode::words;
    request.kinds = query.kinds;
    if (!query.sources.empty()) {
        BenchFilter sources;
        sources.field = "source";
        for (const auto& s : query.sources) {
            sources.values.push_back(exact_value(*find_field("source"), s));
        }
        request.filters.push_back(std::move(sources));
    }
    request.limit = static_cast<std::uint32_t>(std::min<std::size_t>(depth, kRankingDepth));
    return request;
}

Ranker peer_ranker(Session& session) {
    return [&session](const JudgedQuery& query,
                      std::size_t depth) -> Result<std::vector<std::string>> {
        auto result = session.run(peer_request(query, depth));
        if (!result.ok()) return result.error();
        return std::move(result.value().ids);
    };
}

std::string format_comparison(const std::vector<std::string>& names,
                              const std::vector<const Evaluation*>& evaluations) {
    struct Metric {
        std::string_view title;
        double ClassScore::*value;
    };
    const Metric metrics[] = {{"nDCG@10", &ClassScore::ndcg},
                              {"MRR", &ClassScore::mrr},
                              {"recall@100", &ClassScore::recall}};
    std::string out;
    for (const auto& m : metrics) {
        if (!out.empty()) out += "\n";
        out += fmt::format("{}\n\n| class | queries |", m.title);
        std::string rule = "|---|--:|";
        for (const auto& name : names) {
            out += fmt::format(" {} |", name);
            rule += "--:|";
        }
        out += "\n" + rule + "\n";
        if (evaluations.empty()) continue;
        auto row = [&](std::size_t k, std::string_view label) {
            auto score = [&](const Evaluation& e) -> const ClassScore& {
                return k < e.classes.size() ? e.classes[k] : e.overall;
            };
            out += fmt::format("| {} | {} |", label, score(*evaluations.front()).queries);
            for (const Evaluation* e : evaluations) {
                out += fmt::format(" {:.3f} |", score(*e).*m.value);
            }
            out += "\n";
        };
        const std::size_t classes = evaluations.front()->classes.size();
        for (std::size_t k = 0; k < classes; ++k) {
            row(k, evaluations.front()->classes[k].name);
        }
        row(classes, "**overall**");
    }
    return out;
}

}  // namespace atlas::bench
