// orama_engine.cpp - the Orama peer: the load file, the Node processes, and
// a request and its answer as JSON lines (bench/orama/server.mjs).
#include "orama_engine.h"

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <set>

#include "line_process.h"
#include "schema/schema.h"

namespace atlas::bench {
namespace {

namespace fs = std::filesystem;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr std::string_view kLoadFile = "orama-records.jsonl";
constexpr std::string_view kLog = "orama-node.log";
constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
constexpr double kDefaultMaxRssGiB = 16;

fs::path orama_dir() { return fs::path(ATLAS_BENCH_ORAMA_DIR); }

bool on_path(std::string_view program) {
    const char* path = std::getenv("PATH");
    std::string_view dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
    while (!dirs.empty()) {
        const auto colon = dirs.find(':');
        const fs::path dir(dirs.substr(0, colon));
        if (!dir.empty() && ::access((dir / program).c_str(), X_OK) == 0) return true;
        dirs = colon == std::string_view::npos ? std::string_view() : dirs.substr(colon + 1);
    }
    return false;
}

// The resident memory a Node process may reach: ATLAS_BENCH_ORAMA_MAX_RSS_GIB, else 16 GiB.
std::uint64_t max_rss() {
    const char* env = std::getenv("ATLAS_BENCH_ORAMA_MAX_RSS_GIB");
    double gib = env != nullptr ? std::atof(env) : 0;
    if (!(gib > 0)) gib = kDefaultMaxRssGiB;
    return static_cast<std::uint64_t>(gib * kGiB);
}

// MemAvailable of /proc/meminfo in bytes (0 when unknown).
std::uint64_t mem_available() {
    std::ifstream in("/proc/meminfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.starts_with("MemAvailable:")) return std::stoull(line.substr(13)) * 1024;
    }
    return 0;
}

void string(Writer& w, std::string_view s) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

// A finite number as a JSON number, an infinite one as "Infinity" / "-Infinity".
void number(Writer& w, double v) {
    if (std::isfinite(v)) {
        w.Double(v);
    } else {
        string(w, v > 0 ? "Infinity" : "-Infinity");
    }
}

void strings(Writer& w, const std::vector<std::string>& values) {
    w.StartArray();
    for (const auto& v : values) string(w, v);
    w.EndArray();
}

// The record's facet values (distinct per field) and finite numbers, by field.
void write_values(Writer& w, const BenchRecord& r) {
    std::map<std::string_view, std::vector<std::string_view>> facets;
    std::map<std::string_view, std::vector<double>> numbers;
    std::set<std::pair<std::string_view, std::string_view>> seen;
    for (const auto& v : r.values) {
        if (v.is_number) {
            if (std::isfinite(v.number)) numbers[v.field].push_back(v.number);
        } else if (seen.emplace(v.field, v.exact).second) {
            facets[v.field].push_back(v.exact);
        }
    }
    w.Key("facets");
    w.StartObject();
    for (const auto& [field, values] : facets) {
        string(w, field);
        w.StartArray();
        for (auto v : values) string(w, v);
        w.EndArray();
    }
    w.EndObject();
    w.Key("numbers");
    w.StartObject();
    for (const auto& [field, values] : numbers) {
        string(w, field);
        w.StartArray();
        for (double v : values) w.Double(v);
        w.EndArray();
    }
    w.EndObject();
}

std::string load_line(const BenchRecord& r) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    using Member = std::pair<const char*, const std::string*>;
    const Member members[] = {
        {"id", &r.id},
        {"kind", &r.kind},
        {"source", &r.source},
        {"title", &r.title},
        {"body", &r.body},
        {"group_key", &r.group_key},
        {"browse_key", &r.browse_key},
    };
    for (const auto& [key, value] : members) {
        w.Key(key);
        string(w, *value);
    }
    write_values(w, r);
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

Status write_load_file(const fs::path& records_dir, const fs::path& path) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) return Error{Errc::io, fmt::format("orama: cannot write '{}'", path.string())};
    auto written = for_each_record(records_dir, [&](const BenchRecord& r) -> Status {
        out << load_line(r);
        return {};
    });
    if (!written.ok()) return written;
    out.close();
    if (!out) return Error{Errc::io, fmt::format("orama: cannot write '{}'", path.string())};
    return {};
}

std::string load_message(const fs::path& file, std::uint64_t max_rss) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    w.Key("op");
    w.String("load");
    w.Key("file");
    string(w, file.string());
    w.Key("max_rss");
    w.Uint64(max_rss);
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
}

// The server's answer to a load: {"records": N, ...}, or why it refused.
Status check_loaded(const std::string& reply) {
    rapidjson::Document d;
    d.Parse(reply.c_str());
    if (!d.HasParseError() && d.IsObject() && d.HasMember("records")) return {};
    const bool said =
        !d.HasParseError() && d.IsObject() && d.HasMember("error") && d["error"].IsString();
    return Error{Errc::unavailable,
                 fmt::format("orama: load refused: {}",
                             said ? d["error"].GetString() : reply.substr(0, 200))};
}

// ---- request and answer ------------------------------------------------------------

void write_text(Writer& w, const BenchText& text) {
    static constexpr const char* kModes[] = {"none", "words", "phrase", "prefix"};
    w.Key("text");
    w.StartObject();
    w.Key("mode");
    w.String(kModes[static_cast<int>(text.mode)]);
    w.Key("words");
    strings(w, text.words);
    w.EndObject();
}

void write_filters(Writer& w, const BenchRequest& r) {
    w.Key("filters");
    w.StartArray();
    for (const auto& f : r.filters) {
        w.StartObject();
        w.Key("field");
        string(w, f.field);
        w.Key("values");
        strings(w, f.values);
        w.EndObject();
    }
    w.EndArray();
    std::vector<std::string> kinds;
    for (const auto& k : r.kinds) kinds.push_back(exact_value(*find_field("kind"), k));
    w.Key("kinds");
    strings(w, kinds);
}

void write_ranges(Writer& w, const std::vector<BenchRange>& ranges) {
    w.Key("ranges");
    w.StartArray();
    for (const auto& range : ranges) {
        w.StartObject();
        w.Key("field");
        string(w, range.field);
        w.Key("lo");
        number(w, range.lo);
        w.Key("hi");
        number(w, range.hi);
        w.Key("lo_inclusive");
        w.Bool(range.lo_inclusive);
        w.Key("hi_inclusive");
        w.Bool(range.hi_inclusive);
        w.EndObject();
    }
    w.EndArray();
}

void write_facets(Writer& w, const std::vector<BenchFacet>& facets) {
    w.Key("facets");
    w.StartArray();
    for (const auto& f : facets) {
        w.StartObject();
        w.Key("field");
        string(w, f.field);
        w.Key("size");
        w.Uint(f.size);
        w.EndObject();
    }
    w.EndArray();
}

}  // namespace

std::string orama_request_json(const BenchRequest& r) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    write_text(w, r.text);
    write_filters(w, r);
    write_ranges(w, r.ranges);
    write_facets(w, r.facets);
    w.Key("offset");
    w.Uint(r.offset);
    w.Key("limit");
    w.Uint(r.limit);
    w.Key("group");
    w.Bool(r.group_by_dataset);
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
}

namespace {

Error malformed(std::string_view json) {
    return Error{Errc::internal, fmt::format("orama: malformed answer: {}", json.substr(0, 200))};
}

// One facet of an answer: {"field": F, "values": [[value, count]...]}.
bool parse_facet(const rapidjson::Value& v, FacetCounts& out) {
    if (!v.IsObject() || !v.HasMember("field") || !v["field"].IsString() ||
        !v.HasMember("values") || !v["values"].IsArray()) {
        return false;
    }
    out.field = v["field"].GetString();
    for (const auto& pair : v["values"].GetArray()) {
        if (!pair.IsArray() || pair.Size() != 2 || !pair[0].IsString() || !pair[1].IsUint64()) {
            return false;
        }
        out.values.emplace_back(pair[0].GetString(), pair[1].GetUint64());
    }
    return true;
}

}  // namespace

Result<BenchResult> orama_result_from_json(std::string_view json) {
    rapidjson::Document d;
    d.Parse(json.data(), json.size());
    if (d.HasParseError() || !d.IsObject()) return malformed(json);
    if (d.HasMember("error") && d["error"].IsString()) {
        return Error{Errc::internal, fmt::format("orama: {}", d["error"].GetString())};
    }
    BenchResult out;
    if (!d.HasMember("total") || !d["total"].IsUint64() || !d.HasMember("ids") ||
        !d["ids"].IsArray() || !d.HasMember("facets") || !d["facets"].IsArray() ||
        !d.HasMember("group_total") || !d["group_total"].IsUint64()) {
        return malformed(json);
    }
    out.total = d["total"].GetUint64();
    out.group_total = d["group_total"].GetUint64();
    for (const auto& id : d["ids"].GetArray()) {
        if (!id.IsString()) return malformed(json);
        out.ids.emplace_back(id.GetString(), id.GetStringLength());
    }
    for (const auto& f : d["facets"].GetArray()) {
        if (!parse_facet(f, out.facets.emplace_back())) return malformed(json);
    }
    return out;
}

std::string orama_unavailable() {
    if (!on_path("node")) {
        return "orama: `node` (Node.js 20) is not on PATH: install Node.js 20, or leave orama "
               "out of --engines";
    }
    const fs::path dir = orama_dir();
    if (!fs::exists(dir / "node_modules" / "@orama" / "orama" / "package.json")) {
        return fmt::format("orama: {}/node_modules is missing: run `npm ci --prefix {}`",
                           dir.string(), dir.string());
    }
    return "";
}

// ---- engine and sessions -------------------------------------------------------------

namespace {

class OramaEngine;

class OramaSession final : public Session {
  public:
    OramaSession(OramaEngine& engine, std::unique_ptr<LineProcess> process)
        : engine_(engine), process_(std::move(process)) {}
    ~OramaSession() override;

    Result<BenchResult> run(const BenchRequest& request) override {
        auto reply =
            process_->call(R"({"op":"search","request":)" + orama_request_json(request) + "}");
        if (!reply.ok()) {
            failed_ = true;
            return Error{reply.error().code, "orama: " + reply.error().message};
        }
        return orama_result_from_json(reply.value());
    }

  private:
    OramaEngine& engine_;
    std::unique_ptr<LineProcess> process_;
    bool failed_ = false;  // the process is gone: not given back
};

class OramaEngine final : public Engine {
  public:
    std::string name() const override { return "orama"; }

    Status build(const fs::path& records_dir, const fs::path& work_dir) override {
        std::lock_guard lock(mutex_);
        idle_.clear();
        rss_ = 0;
        if (std::string why = orama_unavailable(); !why.empty()) {
            return Error{Errc::not_found, why};
        }
        std::error_code ec;
        fs::create_directories(work_dir, ec);
        load_file_ = fs::absolute(work_dir / kLoadFile);
        log_ = fs::absolute(work_dir / kLog);
        fs::remove(log_, ec);
        if (auto s = write_load_file(records_dir, load_file_); !s.ok()) return s;
        auto process = start_loaded();
        if (!process.ok()) return process.error();
        rss_ = process.value()->rss();
        idle_.push_back(std::move(process).value());
        return {};
    }

    Result<std::unique_ptr<Session>> open_session() override {
        std::unique_lock lock(mutex_);
        if (rss_ == 0) return Error{Errc::unavailable, "orama: open_session before build"};
        std::unique_ptr<LineProcess> process;
        if (!idle_.empty()) {
            process = std::move(idle_.back());
            idle_.pop_back();
        } else {
            if (auto s = room_for_another(); !s.ok()) return s.error();
            auto started = start_loaded();
            if (!started.ok()) return started.error();
            process = std::move(started).value();
        }
        return std::unique_ptr<Session>(new OramaSession(*this, std::move(process)));
    }

    std::uint64_t index_bytes() const override { return rss_; }

    std::string index_note() const override {
        return "in memory: the Node process's resident memory after the load and a full GC";
    }

    void give_back(std::unique_ptr<LineProcess> process) {
        std::lock_guard lock(mutex_);
        idle_.push_back(std::move(process));
    }

  private:
    // Node running server.mjs with the load file loaded.
    Result<std::unique_ptr<LineProcess>> start_loaded() {
        const std::uint64_t limit = max_rss();
        auto started =
            LineProcess::start({"node", fmt::format("--max-old-space-size={}", limit >> 20),
                                "--expose-gc", (orama_dir() / "server.mjs").string()},
                               log_);
        if (!started.ok()) return Error{started.error().code, "orama: " + started.error().message};
        auto reply = started.value()->call(load_message(load_file_, limit));
        if (!reply.ok()) return Error{Errc::unavailable, "orama: " + reply.error().message};
        if (auto s = check_loaded(reply.value()); !s.ok()) return s.error();
        return std::move(started).value();
    }

    // A further process needs about the first one's memory (mutex_ held).
    Status room_for_another() const {
        const std::uint64_t available = mem_available();
        if (available == 0 || available >= rss_ + rss_ / 4) return {};
        return Error{
            Errc::unavailable,
            fmt::format("orama: a further Node process needs about {:.1f} GiB, "
                        "{:.1f} GiB of memory available",
                        static_cast<double>(rss_) / kGiB, static_cast<double>(available) / kGiB)};
    }

    std::mutex mutex_;
    std::vector<std::unique_ptr<LineProcess>> idle_;  // loaded, no session
    fs::path load_file_;
    fs::path log_;
    std::uint64_t rss_ = 0;  // the build's process after its load; 0 before build()
};

OramaSession::~OramaSession() {
    if (!failed_) engine_.give_back(std::move(process_));
}

}  // namespace

std::unique_ptr<Engine> make_orama_engine() { return std::make_unique<OramaEngine>(); }

}  // namespace atlas::bench
