// harness.cpp - the fuzz harnesses' shared helpers (harness.h).
#include "harness.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <utility>

#include "adapters/adapter.h"

namespace atlas::fuzz {
namespace fs = std::filesystem;

namespace {

[[noreturn]] void die(const std::string& message) {
    std::fprintf(stderr, "fuzz harness: %s\n", message.c_str());
    std::exit(2);
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) die("cannot read " + path.string());
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Takes the adapter's records and issues and forgets them: the harness looks
// for crashes and sanitizer reports, not for what was read.
struct NullSink final : detail::RecordSink {
    void add(Record) override {}
    void add_carried(Record) override {}
    void report(IngestIssue) override {}
    std::optional<Record> previous(const std::string&) override { return std::nullopt; }
    std::vector<std::string> previous_ids_from_file(const std::string&) override { return {}; }
    std::vector<std::string> previous_ids_under(const std::string&) override { return {}; }
};

}  // namespace

TempDir::TempDir() {
    std::string pattern = (fs::temp_directory_path() / "atlas-fuzz-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) die("cannot create a temporary folder");
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

void write_file(const fs::path& path, std::string_view bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) die("cannot write " + path.string());
}

SourceTree::SourceTree(std::string source, std::string_view tree, std::vector<std::string> files,
                       const std::vector<std::string>& absent)
    : source_(std::move(source)), files_(std::move(files)) {
    fs::copy(fs::path(ATLAS_FUZZ_TREES) / tree, dir_.path(), fs::copy_options::recursive);
    for (const auto& rel : absent) fs::remove(dir_.path() / rel);
    for (const auto& rel : files_) {
        auto path = dir_.path() / rel;
        originals_.push_back(fs::exists(path) ? std::optional(read_file(path)) : std::nullopt);
    }
}

void SourceTree::read(const std::uint8_t* data, std::size_t size) {
    std::size_t which = 0;
    if (files_.size() > 1) {
        if (size == 0) return;
        which = data[0] % files_.size();
        ++data;
        --size;
    }
    const fs::path file = dir_.path() / files_[which];
    write_file(file, as_text(data, size));
    auto adapter = detail::make_adapter(SourceSpec{source_, dir_.path().string()});
    if (!adapter) die("no adapter " + source_);
    NullSink sink;
    (void)adapter->estimate();
    (void)adapter->read(sink);
    if (originals_[which]) {
        write_file(file, *originals_[which]);
    } else {
        fs::remove(file);
    }
}

const std::string& sample_index_dir() {
    static const std::string dir = [] {
        const char* env = std::getenv("ATLAS_FUZZ_INDEX");
        if (env == nullptr || *env == '\0') {
            die("set ATLAS_FUZZ_INDEX to an index of data/sources.json (fuzz/campaign.sh builds one)");
        }
        return std::string(env);
    }();
    return dir;
}

Searcher& sample_searcher() {
    static Searcher searcher = [] {
        auto opened = Searcher::open(sample_index_dir());
        if (!opened.ok()) die("cannot open the index " + sample_index_dir() + ": " + opened.error().message);
        return std::move(opened.value());
    }();
    return searcher;
}

}  // namespace atlas::fuzz
