// records_adapter.cpp - reads canonical record JSON lines (see records_adapter.h).
#include "records_adapter.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>

#include "folders.h"
#include "json_reader.h"
#include "schema/schema.h"

namespace atlas::detail {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kAdapter = "records";
// A record line longer than this is no record (the largest real one, an HTAN
// publication naming every file it used, is about 1 MB).
constexpr std::size_t kMaxLineBytes = 64u << 20;

class RecordsAdapter final : public Adapter {
  public:
    explicit RecordsAdapter(fs::path root) : root_(std::move(root)) {}

    std::string_view name() const override { return kAdapter; }

    // Bytes over the mean length of the first lines of the first file.
    std::uint64_t estimate() override {
        auto files = find_files();
        std::uintmax_t bytes = 0;
        std::error_code ec;
        for (const auto& f : files) bytes += fs::file_size(f, ec);
        if (files.empty() || bytes == 0) return 0;
        std::ifstream in(files.front());
        std::string line;
        std::uintmax_t sampled = 0, lines = 0;
        while (lines < 1000 && std::getline(in, line)) {
            sampled += line.size() + 1;
            ++lines;
        }
        return lines == 0 ? 0 : static_cast<std::uint64_t>(bytes / (sampled / lines));
    }

    Status read(RecordSink& sink) override {
        std::error_code ec;
        if (!fs::is_directory(root_, ec)) {
            return Error{Errc::not_found,
                         fmt::format("records path '{}' is not a directory", root_.string())};
        }
        std::vector<UnreadableFolder> unreadable;
        auto files = find_files(&unreadable);
        if (!unreadable.empty() && unreadable.front().folder == root_) {
            return Error{Errc::io, fmt::format("records path '{}' {}", root_.string(),
                                               unreadable.front().reason)};
        }
        // Records of any portal: none is carried over (nor from a file that cannot be opened).
        for (const auto& u : unreadable) {
            std::string rel = u.folder.lexically_relative(root_).generic_string();
            report_issue(IssueContext{&sink, std::string(kAdapter), rel, {}}, Severity::error, "",
                         folder_error(u.reason, 0));
        }
        if (files.empty()) {
            return Error{Errc::not_found,
                         fmt::format("no *.jsonl record files under '{}'", root_.string())};
        }
        auto sources = known_source_names();
        auto kinds = known_kinds();
        for (const auto& path : files) {
            std::string rel = path.lexically_relative(root_).generic_string();
            std::ifstream in(path, std::ios::binary);
            if (!in) {
                report_issue(IssueContext{&sink, std::string(kAdapter), rel, {}}, Severity::error,
                             "", "cannot be opened; its records are not indexed");
                continue;
            }
            std::string line;
            std::uint64_t number = 0;
            while (std::getline(in, line)) {
                ++number;
                if (line.empty() || line == "\r") continue;
                IssueContext ctx{&sink, std::string(kAdapter), rel, {}};
                std::string where = fmt::format("line {}", number);
                if (line.size() > kMaxLineBytes) {
                    report_issue(ctx, Severity::error, where,
                                 fmt::format("is {} bytes, over the {}-byte limit; record rejected",
                                             line.size(), kMaxLineBytes));
                    continue;
                }
                auto record = record_from_json(line);
                if (!record.ok()) {
                    report_issue(ctx, Severity::error, where,
                                 record.error().message + "; record rejected");
                    continue;
                }
                Record r = std::move(record).value();
                ctx.record = r.id;
                if (r.id.empty()) {
                    report_issue(ctx, Severity::error, where + ".id", "is empty; record rejected");
                    continue;
                }
                if (std::find(sources.begin(), sources.end(), r.source) == sources.end()) {
                    report_issue(ctx, Severity::error, where + ".source",
                                 fmt::format("'{}' is no known source; record rejected", r.source));
                    continue;
                }
                if (std::find(kinds.begin(), kinds.end(), r.kind) == kinds.end()) {
                    report_issue(ctx, Severity::error, where + ".kind",
                                 fmt::format("'{}' is no known kind; record rejected", r.kind));
                    continue;
                }
                if (r.file.empty()) r.file = rel;
                sink.add(std::move(r));
            }
        }
        return {};
    }

  private:
    // The *.jsonl files under the root, sorted; the folders that cannot be read
    // go to `unreadable` when it is given.
    std::vector<fs::path> find_files(std::vector<UnreadableFolder>* unreadable = nullptr) const {
        std::vector<fs::path> out;
        auto missed = walk_folder(root_, WalkOptions{}, [&](const fs::path& p) {
            if (p.extension() == ".jsonl") out.push_back(p);
        });
        if (unreadable != nullptr) *unreadable = std::move(missed);
        std::sort(out.begin(), out.end());
        return out;
    }

    fs::path root_;
};

}  // namespace

std::unique_ptr<Adapter> make_records_adapter(const std::filesystem::path& root) {
    return std::make_unique<RecordsAdapter>(root);
}

}  // namespace atlas::detail
