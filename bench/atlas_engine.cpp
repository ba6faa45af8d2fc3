// atlas_engine.cpp - the atlas Engine: build_index + Searcher, as a portal uses them.
#include "atlas_engine.h"

#include <fmt/format.h>

#include <filesystem>

#include "atlas/index.h"
#include "atlas/search.h"

namespace atlas::bench {
namespace {

namespace fs = std::filesystem;

std::uint64_t tree_bytes(const fs::path& dir) {
    std::uint64_t bytes = 0;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file(ec)) bytes += it->file_size(ec);
    }
    return bytes;
}

class AtlasSession final : public Session {
  public:
    explicit AtlasSession(Searcher searcher) : searcher_(std::move(searcher)) {}

    Result<BenchResult> run(const BenchRequest& request) override {
        if (request.native.empty()) {
            return Error{Errc::invalid_request, "atlas answers the request in its own form; "
                                                "the workload line has no \"request\""};
        }
        auto parsed = request_from_json(request.native);
        if (!parsed.ok()) return parsed.error();
        auto found = searcher_.search(parsed.value());
        if (!found.ok()) return found.error();
        const SearchResult& r = found.value();
        BenchResult out;
        out.total = r.total;
        out.group_total = r.group_total;
        if (r.group_by.empty()) {
            for (const auto& h : r.hits) out.ids.push_back(h.id);
        } else {
            for (const auto& g : r.groups) out.ids.push_back(g.id);
        }
        for (const auto& f : r.facets) {
            FacetCounts counts;
            counts.field = f.field;
            for (const auto& v : f.values) counts.values.emplace_back(v.key, v.count);
            out.facets.push_back(std::move(counts));
        }
        return out;
    }

  private:
    Searcher searcher_;
};

class AtlasEngine final : public Engine {
  public:
    std::string name() const override { return "atlas"; }

    Status build(const fs::path& records_dir, const fs::path& work_dir) override {
        dir_ = work_dir / "atlas";
        std::error_code ec;
        fs::remove_all(dir_, ec);
        BuildOptions options;
        options.sources = {SourceSpec{"records", records_dir.string()}};
        options.out_dir = dir_.string();
        auto report = build_index(options);
        if (!report.ok()) return report.error();
        if (report.value().rejected > 0) {
            return Error{Errc::invalid_request,
                         fmt::format("atlas rejected {} of the records; the first: {}",
                                     report.value().rejected,
                                     report.value().issues.empty()
                                         ? std::string("?")
                                         : report.value().issues.front().to_line())};
        }
        bytes_ = report.value().index_bytes;
        return {};
    }

    Result<std::unique_ptr<Session>> open_session() override {
        auto s = Searcher::open(dir_.string());
        if (!s.ok()) return s.error();
        return std::unique_ptr<Session>(new AtlasSession(std::move(s).value()));
    }

    std::uint64_t index_bytes() const override { return bytes_ != 0 ? bytes_ : tree_bytes(dir_); }

  private:
    fs::path dir_;
    std::uint64_t bytes_ = 0;
};

}  // namespace

std::unique_ptr<Engine> make_atlas_engine() { return std::make_unique<AtlasEngine>(); }

}  // namespace atlas::bench
