// indexer.cpp - build_index: sources -> records -> catalog + Xapian -> a new generation.
//
// Invariants: nothing under CURRENT is ever written; a generation becomes
// visible only after both stores are committed and synced; every record id
// appears once (a duplicate is rejected and reported); a rejected record
// whose id the previous generation holds is carried over from its catalog.
#include <fmt/format.h>
#include <xapian.h>

#include <chrono>
#include <ctime>
#include <set>
#include <unordered_set>

#include "adapters/adapter.h"
#include "adapters/json_reader.h"
#include "build_stages.h"
#include "atlas/index.h"
#include "catalog.h"
#include "column_writer.h"
#include "document_mapper.h"
#include "generation.h"
#include "manifest_writer.h"
#include "panosc_export.h"
#include "range_check.h"
#include "schema/column_format.h"
#include "schema/current_error.h"
#include "schema/layout.h"
#include "schema/manifest.h"
#include "schema/panosc_format.h"
#include "schema/schema.h"
#include "schema/text.h"
#include "shard_writer.h"
#include "top_lists.h"
#include "update_plan.h"
#include "vocabulary_builder.h"

namespace atlas {

namespace fs = std::filesystem;

std::string IngestIssue::to_line() const {
    std::string line = fmt::format("{}: {}", severity == Severity::error ? "error" : "warning",
                                   file.empty() ? source : file);
    if (!field.empty()) line += fmt::format(": {}", field);
    line += fmt::format(": {}", message);
    if (!record.empty()) {
        line += fmt::format(" [{}{}]", record, carried_over ? "; previous version kept" : "");
    }
    return line;
}

Result<SourceSpec> parse_source_spec(const std::string& text) {
    auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) {
        return Error{
            Errc::invalid_request,
            fmt::format("--source '{}' is not NAME=PATH (e.g. cryoet=/data/mirror)", text)};
    }
    SourceSpec spec{text.substr(0, eq), text.substr(eq + 1)};
    auto known = known_sources();
    if (std::find(known.begin(), known.end(), spec.name) == known.end()) {
        return Error{Errc::invalid_request, fmt::format("unknown source '{}' (known: {})",
                                                        spec.name, fmt::join(known, ", "))};
    }
    return spec;
}

Result<std::vector<SourceSpec>> read_sources_file(const std::string& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        return Error{Errc::not_found, fmt::format("sources file '{}' does not exist", path)};
    }
    auto file = detail::load_json_file(path, 1u << 20);
    if (!file.ok()) {
        return Error{Errc::invalid_request,
                     fmt::format("sources file '{}' {}", path, file.error().message)};
    }
    const auto& doc = file.value().doc;
    auto bad = [&](const std::string& what) {
        return Error{Errc::invalid_request, fmt::format("sources file '{}': {}", path, what)};
    };
    if (!doc.IsObject() || !doc.HasMember("sources") || !doc["sources"].IsArray()) {
        return bad("expected {\"sources\": [{\"name\": ..., \"path\": ...}, ...]}");
    }
    fs::path base = fs::path(path).parent_path();
    std::vector<SourceSpec> out;
    std::size_t i = 0;
    for (const auto& entry : doc["sources"].GetArray()) {
        std::string where = fmt::format("sources[{}]", i++);
        if (!entry.IsObject() || !entry.HasMember("name") || !entry["name"].IsString() ||
            !entry.HasMember("path") || !entry["path"].IsString()) {
            return bad(where + " needs a string \"name\" and \"path\"");
        }
        std::string name = entry["name"].GetString();
        fs::path p = entry["path"].GetString();
        if (p.empty()) return bad(where + ".path is empty");
        if (p.is_relative()) p = base / p;
        auto spec = parse_source_spec(name + "=" + p.string());
        if (!spec.ok()) return bad(where + ": " + spec.error().message);
        for (const auto& s : out) {
            if (s.name == name) return bad(fmt::format("{}: source '{}' is listed twice", where, name));
        }
        out.push_back(std::move(spec).value());
    }
    if (out.empty()) return bad("lists no sources");
    return out;
}

namespace detail {
namespace {

using Clock = std::chrono::steady_clock;

// Record ids become Xapian terms ("Q" + id, at most 245 bytes) and exact id
// terms; real ones are under 100 bytes.
constexpr std::size_t kMaxIdBytes = 200;

std::string utc_now() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// Thrown out of the adapters when an update meets more changes than it
// should take (update_plan.h): the build starts over as a full one.
struct UpdateAbandoned {
    std::string why;  // for the report's update.full_reason
};

// Receives records from the adapters and writes both stores and the PaNOSC
// file; in an update (`plan`), only the records that changed.
class Builder final : public RecordSink {
  public:
    Builder(Catalog& catalog, ShardWriter& shards, PanoscExport& panosc, Catalog* previous,
            UpdatePlan* plan, BuildReport& report, const BuildOptions& options,
            StageClock& clock)
        : catalog_(catalog), shards_(shards), panosc_(panosc), previous_(previous), plan_(plan),
          report_(report), options_(options), clock_(clock) {}

    void set_source(std::string name) {
        source_ = std::move(name);
        per_adapter_[source_];  // an adapter that yields nothing still shows as 0
    }
    void set_total(std::uint64_t total) { total_ = total; }

    void add(Record record) override { accept(std::move(record), /*carried_over=*/false); }

    void add_carried(Record record) override {
        rejected_ids_.insert(record.id);
        carried_ids_.insert(record.id);
        accept(std::move(record), /*carried_over=*/true);
    }

    void report(IngestIssue issue) override {
        // Folder names become file paths and ids in the report: keep it text.
        for (std::string* part : {&issue.file, &issue.record, &issue.field, &issue.message}) {
            std::size_t replaced = 0;
            if (!valid_utf8(*part)) *part = repair_utf8(*part, replaced);
        }
        if (issue.severity == Severity::error && !issue.record.empty()) {
            rejected_ids_.insert(issue.record);
            if (issue.carried_over) carried_ids_.insert(issue.record);
        }
        report_.issues.push_back(std::move(issue));
    }

    std::optional<Record> previous(const std::string& id) override {
        if (previous_ == nullptr) return std::nullopt;
        auto json = previous_->record_json(id);
        if (json.ok() && !json.value()) return std::nullopt;
        auto record = json.ok() ? record_from_json(*json.value()) : Result<Record>(json.error());
        if (!record.ok()) {
            IngestIssue issue;
            issue.severity = Severity::warning;
            issue.record = id;
            issue.message = "the current index's copy of this record is unreadable (" +
                            record.error().message + "); it cannot be kept";
            report(std::move(issue));
            return std::nullopt;
        }
        return std::move(record).value();
    }

    std::vector<std::string> previous_ids_from_file(const std::string& file) override {
        if (previous_ == nullptr) return {};
        auto ids = previous_->ids_from_file(source_, file);
        if (!ids.ok()) return {};
        return std::move(ids).value();
    }

    std::vector<std::string> previous_ids_under(const std::string& folder) override {
        if (previous_ == nullptr) return {};
        auto ids = previous_->ids_under(source_, folder);
        if (!ids.ok()) return {};
        return std::move(ids).value();
    }

    // An update's end: the records the sources no longer hold leave the
    // catalog (their docids are deleted: none was added to the columns).
    // Throws UpdateAbandoned when, with them, the changes are too many.
    Status remove_unseen() {
        if (plan_ == nullptr || !status_.ok()) return status_;
        for (const auto& id : plan_->removed()) {
            if (auto s = catalog_.remove_record(id); !s.ok()) return s;
        }
        if (plan_->too_many()) abandon();
        return {};
    }

    // Stores the report.  Call once, after every adapter has run.
    Status finish() {
        report_.rejected = rejected_ids_.size();
        report_.carried_over = carried_ids_.size();
        for (const auto& issue : report_.issues) {
            if (issue.severity == Severity::warning) ++report_.warnings;
            if (status_.ok()) status_ = catalog_.put_issue(issue);
        }
        progress(/*force=*/true);
        return status_;
    }

    const VocabularyBuilder& vocabulary() const { return vocabulary_; }
    ColumnWriter& columns() { return columns_; }
    // Records per portal (record.source) and per adapter (--source NAME): the
    // same for the portal adapters; records=DIR yields records of any portal.
    const std::map<std::string, std::uint64_t>& per_source() const { return per_source_; }
    const std::map<std::string, std::uint64_t>& per_adapter() const { return per_adapter_; }

  private:
    void reject(const Record& record, std::string message) {
        report_issue(IssueContext{this, record.source, record.file, record.id}, Severity::error, "",
                     std::move(message));
    }

    void accept(Record record, bool carried_over) {
        if (!status_.ok()) return;
        // Ids come from folder names: make sure they can be terms and JSON.
        if (!valid_utf8(record.id)) {
            reject(record, "the record id (from folder names) is not valid UTF-8; record rejected");
            return;
        }
        if (record.id.size() > kMaxIdBytes) {
            reject(record, fmt::format("the record id (from folder names) is {} bytes, over the "
                                       "{}-byte limit; record rejected",
                                       record.id.size(), kMaxIdBytes));
            return;
        }
        if (!ids_.insert(record.id).second) {
            reject(record, "record id already taken by another file; record rejected");
            return;
        }
        clock_.time(kStageChecks, [&] {
            check_ranges(record, IssueContext{this, record.source, record.file, record.id});
        });
        std::string json = clock_.time(kStageCatalog, [&] { return to_json(record); });
        const Kept kept = keep(record.id, json, carried_over);
        // Docids are the order records are written in (shard_writer.h); an
        // unchanged record keeps its own.
        const bool write = kept.verdict != Kept::Verdict::unchanged;
        const std::uint32_t docid = write ? shards_.added() + 1 : kept.docid;
        if (write) {
            status_ = clock_.time(kStageCatalog, [&] {
                return put(record, json, carried_over, kept, docid);
            });
        }
        if (!status_.ok()) return;
        clock_.time(kStageColumns, [&] { columns_.add(docid, record); });
        count(record);
        clock_.time(kStageVocabulary, [&] { vocabulary_.observe(record); });
        clock_.time(kStagePanosc, [&] { export_panosc(record); });
        if (!status_.ok()) return;
        if (write) status_ = clock_.time(kStageQueue, [&] { return shards_.add(std::move(record)); });
        if (!status_.ok()) return;
        tick();
    }

    // What an update keeps of the record: everything, in a full build.
    Kept keep(const std::string& id, const std::string& json, bool carried_over) {
        if (plan_ == nullptr) return {};
        Kept kept = plan_->keep(id, content_hash(json), carried_over);
        if (plan_->too_many()) abandon();
        return kept;
    }

    [[noreturn]] void abandon() const {
        UpdateSummary u = plan_->summary();
        throw UpdateAbandoned{fmt::format(
            "the update was given up at {} changed, {} added and {} removed records of {} (the "
            "limit: {:.0f} %, or a quarter of the docids deleted)",
            u.changed, u.added, u.removed, u.docids_before - u.deleted_before,
            options_.update_max_changed * 100)};
    }

    // The record's catalog row; a changed record's old row goes first.
    Status put(const Record& record, const std::string& json, bool carried_over, const Kept& kept,
               std::uint32_t docid) {
        if (kept.verdict == Kept::Verdict::changed) {
            if (auto s = catalog_.remove_record(record.id); !s.ok()) return s;
        }
        return catalog_.put_record(record, json, carried_over, docid);
    }

    void count(const Record& record) {
        ++report_.records;
        ++report_.records_per_kind[record.kind];
        ++report_.records_per_source[record.source][record.kind];
        ++per_source_[record.source];
        ++per_adapter_[source_];
    }

    // The record's lines of the PaNOSC file.  A line of its own that cannot be
    // read is reported and left out; the record itself is good.
    void export_panosc(const Record& record) {
        Status s = panosc_.add(record);
        if (s.ok()) return;
        if (s.error().code != Errc::corrupt) {
            status_ = s;
            return;
        }
        report_issue(IssueContext{this, record.source, record.file, record.id},
                     Severity::warning, "panosc", s.error().message);
    }

    void tick() {
        if (++since_check_ < 64) return;
        since_check_ = 0;
        progress(/*force=*/false);
    }

    void progress(bool force) {
        if (!options_.on_progress) return;
        auto now = Clock::now();
        if (!force && now - last_progress_ < std::chrono::milliseconds(100)) return;
        last_progress_ = now;
        BuildProgress p;
        p.source = source_;
        p.done = report_.records;
        // An estimate that fell short says nothing: report it as unknown (0),
        // except at the end, when the total is known.
        p.total = force ? report_.records : (total_ >= report_.records ? total_ : 0);
        p.elapsed_seconds = std::chrono::duration<double>(now - start_).count();
        options_.on_progress(p);
    }

    Catalog& catalog_;
    ShardWriter& shards_;
    PanoscExport& panosc_;
    Catalog* previous_;
    UpdatePlan* plan_;
    BuildReport& report_;
    const BuildOptions& options_;
    StageClock& clock_;
    Status status_;
    std::string source_;
    std::uint64_t total_ = 0;
    std::unordered_set<std::string> ids_;
    std::set<std::string> rejected_ids_;
    std::set<std::string> carried_ids_;
    VocabularyBuilder vocabulary_;
    std::map<std::string, std::uint64_t> per_source_;
    std::map<std::string, std::uint64_t> per_adapter_;
    ColumnWriter columns_;
    Clock::time_point start_ = Clock::now();
    Clock::time_point last_progress_ = Clock::now();
    int since_check_ = 0;
};


// Reads every source into the builder.  The adapters' own time is the
// phase's wall time less what the builder's stages took inside it.
Status read_sources(const BuildOptions& options, Builder& builder, StageClock& clock) {
    auto start = StageClock::Clock::now();
    clock.add(kStageAdapters, 0);  // listed first: it comes first
    std::vector<std::unique_ptr<Adapter>> adapters;
    std::uint64_t total = 0;
    for (const auto& spec : options.sources) {
        adapters.push_back(make_adapter(spec));
        total += adapters.back()->estimate();
    }
    builder.set_total(total);
    for (std::size_t i = 0; i < adapters.size(); ++i) {
        builder.set_source(options.sources[i].name);
        if (auto s = adapters[i]->read(builder); !s.ok()) return s;
    }
    if (auto s = builder.remove_unseen(); !s.ok()) return s;
    Status finished = builder.finish();
    double sink = 0;
    for (const auto& stage : clock.stages()) sink += stage.seconds;
    clock.add(kStageAdapters, StageClock::seconds_since(start) - sink);
    return finished;
}

// A source that yields nothing, or half of what the current index has, is
// more likely a failed export than a deletion: keep serving the old index.
Status check_shrink(const BuildOptions& options, const Builder& builder, Catalog* previous) {
    std::map<std::string, std::uint64_t> before;
    if (previous != nullptr) {
        auto counts = previous->count_by("source");
        if (!counts.ok()) return counts.error();
        before = counts.value();
    }
    for (const auto& [adapter, n] : builder.per_adapter()) {
        if (n == 0) {
            return Error{
                Errc::invalid_request,
                fmt::format("source '{}' produced no records; the current index is kept", adapter)};
        }
    }
    for (const auto& [source, n] : builder.per_source()) {
        auto it = before.find(source);
        if (!options.allow_shrink && it != before.end() && n * 2 < it->second) {
            return Error{Errc::invalid_request,
                         fmt::format("source '{}' produced {} records, under half of the {} in "
                                     "the current index; the current index is kept (use "
                                     "--allow-shrink if the records really went away)",
                                     source, n, it->second)};
        }
    }
    return {};
}

// The generation's metadata, in the catalog and (returned) for Xapian:
// schema version, build time, sources, and the synonyms (what the records
// say, and the curated file built in: data/vocabulary.tsv;
// tests/index/vocabulary_builder_test.cpp checks that it has no bad line, so
// none is skipped here).
Result<std::map<std::string, std::string>> write_metadata(const BuildOptions& options,
                                                          const Builder& builder,
                                                          Catalog& catalog) {
    Vocabulary vocabulary = builder.vocabulary().finish();
    std::vector<std::string> vocabulary_errors;
    vocabulary.add_file(curated_vocabulary(), vocabulary_errors);
    std::string sources;
    for (const auto& spec : options.sources) {
        if (!sources.empty()) sources += '\n';
        sources += spec.name + "=" + fs::absolute(spec.path).lexically_normal().string();
    }
    const std::pair<std::string_view, std::string> meta[] = {
        {kMetaSchemaVersion, std::to_string(kSchemaVersion)},
        {kMetaBuiltAt, utc_now()},
        {kMetaSources, sources},
        {kMetaVocabulary, vocabulary.serialize()},
    };
    std::map<std::string, std::string> xapian_meta;
    for (const auto& [key, value] : meta) {
        xapian_meta.emplace(key, value);
        if (auto s = catalog.set_meta(std::string(key), value); !s.ok()) return s.error();
    }
    return xapian_meta;
}

// The top lists need the finished database: BM25 weights its statistics.
Status write_top_lists(const BuildOptions& options, const fs::path& tmp, Builder& builder,
                       BuildReport& report) {
    std::vector<std::string> kinds;
    auto kind_of = builder.columns().kinds(kinds);
    auto lists = compute_top_lists((tmp / kXapianDir).string(), options.top_list_min_freq,
                                   options.top_list_length, kind_of, kinds,
                                   builder.columns().tie_ranks(), default_shard_count());
    if (!lists.ok()) return lists.error();
    report.top_lists = lists.value().size();
    builder.columns().set_top_lists(std::move(lists).value());
    return {};
}

// The stores a build writes: new ones, or an update's copies of the
// current generation's, which it adds to.
struct Stores {
    std::optional<Catalog> catalog;
    std::unique_ptr<ShardWriter> shards;
    std::optional<UpdatePlan> plan;
};

Result<Stores> new_stores(const fs::path& tmp) {
    Stores stores;
    auto catalog = Catalog::create((tmp / kCatalogFile).string());
    if (!catalog.ok()) return catalog.error();
    stores.catalog.emplace(std::move(catalog).value());
    auto shards = ShardWriter::create(tmp, default_shard_count());
    if (!shards.ok()) return shards.error();
    stores.shards = std::move(shards).value();
    return stores;
}

// An update's stores: the shards, display files and catalog of `current`
// copied into `tmp` and opened to add to, and what the catalog holds.
// Errors: whatever makes an update impossible (the caller builds in full).
Result<Stores> update_stores(const fs::path& tmp, const fs::path& current, Catalog& previous,
                             const BuildOptions& options, StageClock& clock) {
    auto start = StageClock::Clock::now();
    Stores stores;
    auto shards = ShardWriter::append(tmp, current);
    if (!shards.ok()) return shards.error();
    stores.shards = std::move(shards).value();
    std::error_code ec;
    fs::copy_file(current / kCatalogFile, tmp / kCatalogFile, ec);
    if (ec) {
        return Error{Errc::io, fmt::format("cannot copy '{}': {}",
                                           (current / kCatalogFile).string(), ec.message())};
    }
    auto catalog = Catalog::open_update((tmp / kCatalogFile).string());
    if (!catalog.ok()) return catalog.error();
    stores.catalog.emplace(std::move(catalog).value());
    clock.add(kStageCopy, StageClock::seconds_since(start));
    auto plan = clock.time(kStageHashes, [&] {
        return UpdatePlan::read(previous, stores.shards->added(), options.update_max_changed);
    });
    if (!plan.ok()) return plan.error();
    stores.plan.emplace(std::move(plan).value());
    return stores;
}

// The stores of a build into `tmp`: an update's when `current` is given and
// it can be updated (else `update` says why not).
Result<Stores> open_stores(const fs::path& tmp, const fs::path& current, Catalog* previous,
                           const BuildOptions& options, UpdateSummary& update,
                           StageClock& clock) {
    fs::create_directories(tmp);
    if (!current.empty() && previous != nullptr) {
        auto stores = update_stores(tmp, current, *previous, options, clock);
        if (stores.ok()) return stores;
        update.full_reason = "the current generation cannot be updated (" +
                             stores.error().message + ")";
        std::error_code ec;
        for (auto& entry : fs::directory_iterator(tmp, ec)) fs::remove_all(entry.path(), ec);
    }
    return new_stores(tmp);
}

// Builds into `tmp` (an update of `current` when it is given); the caller
// publishes it.  Throws UpdateAbandoned.
Result<BuildReport> build_into(const BuildOptions& options, const fs::path& tmp,
                               const fs::path& current, Catalog* previous, StageClock& clock,
                               std::string full_reason) {
    auto start = Clock::now();
    BuildReport report;
    report.update.full_reason = std::move(full_reason);
    auto stores = open_stores(tmp, current, previous, options, report.update, clock);
    if (!stores.ok()) return stores.error();
    Catalog& catalog = *stores.value().catalog;
    ShardWriter& shards = *stores.value().shards;
    UpdatePlan* plan = stores.value().plan ? &*stores.value().plan : nullptr;
    auto panosc = PanoscExport::create(tmp / kPanoscFile);
    if (!panosc.ok()) return panosc.error();
    Builder builder(catalog, shards, *panosc.value(), previous, plan, report, options, clock);
    if (auto s = read_sources(options, builder, clock); !s.ok()) return s.error();
    if (auto s = check_shrink(options, builder, previous); !s.ok()) return s.error();
    auto meta = write_metadata(options, builder, catalog);
    if (!meta.ok()) return meta.error();
    if (auto s = shards.finish(meta.value(), clock); !s.ok()) return s.error();
    builder.columns().set_doc_count(shards.added());
    Status s = clock.time(kStageTopLists, [&] {
        return write_top_lists(options, tmp, builder, report);
    });
    if (!s.ok()) return s.error();
    s = clock.time(kStageColumnFile, [&] {
        return builder.columns().write((tmp / kColumnFile).string());
    });
    if (!s.ok()) return s.error();
    s = clock.time(kStageCatalogEnd, [&] {
        Status p = panosc.value()->finish();
        return p.ok() ? catalog.finish() : p;
    });
    if (!s.ok()) return s.error();
    if (plan != nullptr) report.update = plan->summary();
    report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return report;
}

// What a build needs before it touches the index: sources it knows, folders
// that exist, somewhere to write.
Status check_options(const BuildOptions& options) {
    if (options.sources.empty()) {
        return Error{Errc::invalid_request, "no sources to index (give --source NAME=PATH)"};
    }
    if (options.out_dir.empty()) return Error{Errc::invalid_request, "no output directory"};
    for (const auto& spec : options.sources) {
        if (make_adapter(spec) == nullptr) {
            return Error{Errc::invalid_request, fmt::format("unknown source '{}'", spec.name)};
        }
        std::error_code ec;
        if (!fs::is_directory(spec.path, ec)) {
            return Error{Errc::not_found, fmt::format("source {} path '{}' is not a directory",
                                                      spec.name, spec.path)};
        }
    }
    return {};
}

// The current generation's catalog, what rejected records are carried over
// from: none on a first build, with --fresh, or when it is of another schema
// (said in `notes`).  Errors: the catalog cannot be read (a damaged catalog
// must be looked at, not silently replaced).
Result<std::optional<Catalog>> open_previous(const fs::path& dir, const BuildOptions& options,
                                             std::vector<std::string>& notes) {
    if (options.fresh) {
        notes.push_back("--fresh: the current index was not read; nothing carried over");
        return std::optional<Catalog>();
    }
    auto gen = current_generation(dir.string());
    if (!gen.ok()) return std::optional<Catalog>();
    auto opened = Catalog::open_read((fs::path(gen.value()) / kCatalogFile).string());
    if (opened.ok()) return std::optional<Catalog>(std::move(opened).value());
    if (opened.error().code == Errc::schema_mismatch) {
        notes.push_back(opened.error().message + "; built from scratch, nothing carried over");
        return std::optional<Catalog>();
    }
    return Error{opened.error().code,
                 fmt::format("the current index cannot be read ({}); repair it, or rebuild from "
                             "scratch with --fresh (nothing is carried over then)",
                             opened.error().message)};
}

// Seals the staged generation, checks it is still the one this build wrote,
// and makes it current: the crash-consistency protocol of DESIGN.md.
Status publish(const fs::path& dir, const WriterLock& lock, StagedGeneration& staged,
               const std::string& generation) {
    if (auto s = lock.still_holds(dir); !s.ok()) return s;
    std::string build = new_build_token();
    if (auto s = seal_generation(staged.path(), build); !s.ok()) return s;
    if (auto s = check_sealed(staged.path(), build); !s.ok()) return s;
    if (auto s = rename_generation(dir, staged.path(), generation); !s.ok()) return s;
    staged.release();
    // Renamed under the lock; read again so that nothing but this build's
    // generation is ever made current.
    auto manifest = read_manifest(dir / generation);
    if (!manifest.ok()) return manifest.error();
    if (manifest.value().build != build) {
        return Error{Errc::corrupt, fmt::format("'{}' changed after it was renamed (its manifest "
                                                "names build {}); it is not published",
                                                generation, manifest.value().build)};
    }
    if (auto s = lock.still_holds(dir); !s.ok()) return s;
    return publish_generation(dir, generation);
}

// Why a build writes every record again rather than updating the current
// generation ("" when it may update it).
std::string full_reason(const BuildOptions& options, const fs::path& current,
                        const Catalog* previous) {
    if (options.full) return "--full";
    if (options.fresh) return "--fresh";
    if (current.empty()) return "no current generation";
    if (previous == nullptr) return "the current generation is of another schema";
    return "";
}

// One build into a new staged generation, published when done.  Throws
// UpdateAbandoned (nothing is published then).
Result<BuildReport> build_once(const BuildOptions& options, const fs::path& dir,
                               const WriterLock& lock, Catalog* previous, const fs::path& current,
                               std::string full_reason, std::string& staged_name) {
    std::string generation = next_generation_name(dir);
    staged_name = generation + ".tmp";
    StagedGeneration staged(dir / staged_name, lock);
    StageClock clock;
    const fs::path update_of = full_reason.empty() ? current : fs::path();
    auto built = build_into(options, staged.path(), update_of, previous, clock,
                            std::move(full_reason));
    if (!built.ok()) return built.error();
    BuildReport report = std::move(built).value();
    auto start = StageClock::Clock::now();
    if (auto s = publish(dir, lock, staged, generation); !s.ok()) return s.error();
    clock.add(kStageSeal, StageClock::seconds_since(start));
    report.seconds += clock.seconds(kStageSeal);
    report.stages = clock.stages();
    report.index_dir = fs::absolute(dir).lexically_normal().string();
    report.generation = generation;
    report.index_bytes = tree_bytes(dir / generation);
    return report;
}

}  // namespace
}  // namespace detail

Result<BuildReport> build_index(const BuildOptions& options) {
    using namespace detail;
    std::string staged_name;  // the generation being written, once there is one
    try {
        if (auto s = check_options(options); !s.ok()) return s.error();
        fs::path dir(options.out_dir);
        fs::create_directories(dir);
        auto lock = WriterLock::acquire(dir);
        if (!lock.ok()) return lock.error();
        remove_stale_builds(dir);

        std::vector<std::string> notes;
        auto previous = open_previous(dir, options, notes);
        if (!previous.ok()) return previous.error();
        Catalog* catalog = previous.value() ? &*previous.value() : nullptr;
        auto current_gen = current_generation(dir.string());
        fs::path current = current_gen.ok() ? fs::path(current_gen.value()) : fs::path();
        std::string why_full = full_reason(options, current, catalog);
        Result<BuildReport> built = Error{Errc::internal, "not built"};
        try {
            built = build_once(options, dir, lock.value(), catalog, current, why_full, staged_name);
        } catch (const UpdateAbandoned& abandoned) {
            built = build_once(options, dir, lock.value(), catalog, current, abandoned.why,
                               staged_name);
        }
        if (!built.ok()) return built.error();
        built.value().notes = std::move(notes);
        return built;
    } catch (...) {
        // Thrown while writing (Xapian's "Error writing block 32 (File too
        // large)"): say where, and that nothing of it is left.
        Error error = current_error();
        if (!staged_name.empty()) {
            error.message = fmt::format("writing '{}': {}; the current index is kept",
                                        staged_name, error.message);
        }
        return error;
    }
}

Result<IndexStats> read_index_stats(const std::string& index_dir) {
    using namespace detail;
    try {
        auto gen = current_generation(index_dir);
        if (!gen.ok()) return gen.error();
        auto catalog = Catalog::open_read((fs::path(gen.value()) / kCatalogFile).string());
        if (!catalog.ok()) return catalog.error();
        IndexStats stats;
        stats.generation = fs::path(gen.value()).filename().string();
        stats.schema_version = kSchemaVersion;
        auto built = catalog.value().meta(std::string(kMetaBuiltAt));
        if (!built.ok()) return built.error();
        stats.built_at = built.value();
        auto counts = catalog.value().count_by("kind");
        if (!counts.ok()) return counts.error();
        stats.records_per_kind = counts.value();
        auto per_source = catalog.value().count_by_source_kind();
        if (!per_source.ok()) return per_source.error();
        stats.records_per_source = std::move(per_source).value();
        auto issues = catalog.value().issues();
        if (!issues.ok()) return issues.error();
        stats.issues = std::move(issues).value();
        return stats;
    } catch (...) {
        return detail::current_error();
    }
}

}  // namespace atlas
