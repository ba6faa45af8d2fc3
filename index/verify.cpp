// verify.cpp - verify_index: a generation read back against its MANIFEST, and Xapian's check.
#include <fmt/format.h>
#include <xapian.h>

#include <fstream>
#include <sstream>

#include "atlas/index.h"
#include "manifest_writer.h"
#include "schema/current_error.h"
#include "schema/layout.h"

namespace atlas {
namespace fs = std::filesystem;

namespace {

// The shard folders a generation's xapian/XAPIANDB stub lists.
std::vector<std::string> shard_names(const fs::path& xapian_dir) {
    std::vector<std::string> names;
    std::ifstream stub(xapian_dir / "XAPIANDB");
    std::string type, name;
    while (stub >> type >> name) names.push_back(name);
    return names;
}

// Xapian::Database::check on each shard (the code behind xapian-check): its
// first complaint per shard, if any.
void check_shards(const fs::path& generation, VerifyReport& report) {
    fs::path xapian_dir = generation / kXapianDir;
    for (const auto& name : shard_names(xapian_dir)) {
        std::string rel = fmt::format("{}/{}", kXapianDir, name);
        ++report.shards;
        std::ostringstream out;
        try {
            std::size_t errors = Xapian::Database::check((xapian_dir / name).string(), 0, &out);
            if (errors == 0) continue;
            std::string first = out.str().substr(0, out.str().find('\n'));
            report.problems.push_back(fmt::format("{}: xapian check found {} error(s): {}", rel,
                                                  errors, first));
        } catch (const Xapian::Error& e) {
            report.problems.push_back(fmt::format("{}: xapian check failed: {}", rel,
                                                  e.get_description()));
        }
    }
}

Result<fs::path> generation_dir(const std::string& index_dir, const std::string& generation) {
    if (generation.empty()) {
        auto current = current_generation(index_dir);
        if (!current.ok()) return current.error();
        return fs::path(current.value());
    }
    fs::path dir = fs::path(index_dir) / generation;
    std::error_code ec;
    if (generation.find('/') != std::string::npos || !fs::is_directory(dir, ec)) {
        return Error{Errc::not_found, fmt::format("no generation '{}' in '{}'", generation,
                                                  index_dir)};
    }
    return dir;
}

}  // namespace

Result<VerifyReport> verify_index(const std::string& index_dir, const std::string& generation) {
    try {
        auto dir = generation_dir(index_dir, generation);
        if (!dir.ok()) return dir.error();
        VerifyReport report;
        report.generation = dir.value().filename().string();
        auto manifest = detail::read_manifest(dir.value());
        if (!manifest.ok()) {
            report.problems.push_back(manifest.error().message);
        } else {
            report.files = manifest.value().files.size();
            for (const auto& f : manifest.value().files) report.bytes += f.bytes;
            report.problems = detail::compare_with_manifest(dir.value(), manifest.value());
        }
        check_shards(dir.value(), report);
        return report;
    } catch (...) {
        return detail::current_error();
    }
}

}  // namespace atlas
