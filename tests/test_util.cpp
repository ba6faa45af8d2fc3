// test_util.cpp - helpers for hermetic tests.
#include "test_util.h"

#include <doctest/doctest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "atlas/index.h"
#include "atlas/search.h"

namespace atlas::test {

namespace fs = std::filesystem;

TempDir::TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "atlas-test-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

fs::path sample_cryoet() { return fs::path(ATLAS_DATA_DIR) / "cryoet"; }

std::string shared_index(const std::string& name) {
    const char* dir = std::getenv("ATLAS_TEST_INDEXES");
    if (dir == nullptr || *dir == '\0') return "";
    fs::path index = fs::path(dir) / name;
    return fs::exists(index / "CURRENT") ? index.string() : "";
}

const PortalIndex& portal_index() {
    static TempDir tmp;
    static const PortalIndex index = [] {
        PortalIndex p;
        if (std::string shared = shared_index("portals"); !shared.empty()) {
            p.dir = shared;
            p.build.out = read_file(shared + ".out");
            p.build.err = read_file(shared + ".err");
            p.build.exit_code = std::stoi(read_file(shared + ".rc"));
            return p;
        }
        p.dir = (tmp.path() / "index").string();
        p.build = run_tool(atlas_index_bin(),
                           {"build", "--sources", std::string(ATLAS_DATA_DIR) + "/sources.json", "--out", p.dir});
        if (p.build.exit_code != 0 && p.build.exit_code != 1) {
            throw std::runtime_error("portal index: " + p.build.out + p.build.err);
        }
        return p;
    }();
    return index;
}

Searcher& portal_searcher() {
    static Searcher s = [] {
        auto opened = Searcher::open(portal_index().dir);
        REQUIRE_MESSAGE(opened.ok(), opened.error().message);
        return std::move(opened).value();
    }();
    return s;
}

std::uint64_t build_portals_with_top_lists(const std::filesystem::path& out, std::uint32_t min_freq,
                                  std::uint32_t length) {
    auto sources = read_sources_file(std::string(ATLAS_DATA_DIR) + "/sources.json");
    if (!sources.ok()) throw std::runtime_error("sources.json: " + sources.error().message);
    BuildOptions options;
    options.sources = std::move(sources).value();
    options.out_dir = out.string();
    options.top_list_min_freq = min_freq;
    options.top_list_length = length;
    auto built = build_index(options);
    if (!built.ok()) throw std::runtime_error("portal index: " + built.error().message);
    return built.value().top_lists;
}

const std::string& sample_index() {
    static TempDir dir;
    static const std::string index = [] {
        if (std::string shared = shared_index("cryoet"); !shared.empty()) return shared;
        std::string out = (dir.path() / "index").string();
        BuildOptions options;
        options.sources.push_back({"cryoet", sample_cryoet().string()});
        options.out_dir = out;
        auto built = build_index(options);
        if (!built.ok()) throw std::runtime_error("sample index: " + built.error().message);
        return out;
    }();
    return index;
}

void copy_tree(const fs::path& from, const fs::path& to) {
    fs::create_directories(to);
    fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
}

void write_file(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

namespace {

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out += c;
        }
    }
    return out + "'";
}

}  // namespace

CommandResult run_tool(const std::string& tool, const std::vector<std::string>& args,
                       const std::string& env) {
    TempDir dir;
    fs::path out = dir.path() / "out";
    fs::path err = dir.path() / "err";
    std::string cmd = env.empty() ? "" : env + " ";
    cmd += shell_quote(tool);
    // Appended piece by piece: GCC 12 warns (-Wrestrict, a known false
    // positive) on "literal" + std::string&&.
    for (const auto& a : args) {
        cmd += ' ';
        cmd += shell_quote(a);
    }
    cmd += " >";
    cmd += shell_quote(out.string());
    cmd += " 2>";
    cmd += shell_quote(err.string());
    cmd += " </dev/null";
    int status = std::system(cmd.c_str());
    CommandResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = read_file(out);
    r.err = read_file(err);
    return r;
}

std::string atlas_index_bin() { return ATLAS_INDEX_BIN; }
std::string atlas_search_bin() { return ATLAS_SEARCH_BIN; }

std::vector<std::string> hit_ids(const SearchResult& result) {
    std::vector<std::string> out;
    for (const auto& h : result.hits) out.push_back(h.id);
    return out;
}

std::uint64_t total_hits(const std::filesystem::path& index, const std::string& query) {
    auto s = Searcher::open(index.string());
    REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error().message));
    SearchRequest r;
    r.query = query;
    auto result = s.value().search(r);
    REQUIRE_MESSAGE(result.ok(), (result.ok() ? "" : result.error().message));
    return result.value().total;
}

Ids both(const Ids& a, const Ids& b) {
    Ids out;
    std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::inserter(out, out.end()));
    return out;
}

Ids minus(const Ids& a, const Ids& b) {
    Ids out;
    std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::inserter(out, out.end()));
    return out;
}

Filter filter(std::string field, std::vector<std::string> values, Filter::Mode mode) {
    Filter f;
    f.field = std::move(field);
    f.values = std::move(values);
    f.mode = mode;
    return f;
}

}  // namespace atlas::test
