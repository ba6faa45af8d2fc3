// shard_writer.cpp - K Xapian writers on K threads behind one queue each.
//
// Invariants: the n-th record added is added to shard (n-1) % K, and each
// shard adds its records in the order they were queued, so a shard's j-th
// document is record (j-1)*K + k + 1.  A document that Xapian refuses would
// break that numbering; the document mapper keeps every term under Xapian's
// limits, so a refusal is a bug and fails the build rather than shifting
// every later docid.
#include "shard_writer.h"

#include <fmt/format.h>
#include <xapian.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "build_stages.h"
#include "display_writer.h"
#include "document_mapper.h"
#include "schema/display_data.h"
#include "schema/display_file.h"
#include "schema/layout.h"

namespace atlas::detail {
namespace {

namespace fs = std::filesystem;

// Records waiting per shard: enough to keep a writer busy while the reader
// parses, little enough to bound memory (a record is a few KB).
constexpr std::size_t kQueueRecords = 512;

// Each shard commits every this many documents (Xapian's own default is
// 10,000).  Xapian keeps the documents added since the last commit in maps
// keyed by term, whose every insertion compares strings; the smaller the
// batch, the smaller the maps.  At 2 x 10^5 records, commits every 1,000
// took 27 % less CPU than every 10,000 (README "Building"); a commit of a
// shard opened with DB_NO_SYNC writes but never syncs.
constexpr int kCommitEvery = 1000;

// A finished shard is compacted into blocks of this size, Xapian's largest.
constexpr int kCompactBlockSize = 65536;

// Rewrites the finished shard `dir` compacted: every block full and 64 KiB
// instead of the writer's partly filled 8 KiB ones.  A generation is written
// once and never updated, so nothing is lost by packing it; and ranking a
// huge match set reads postings and document lengths block by block, one
// pread(2) each: over a quarter fewer bytes in a fifth of the reads ("bulk
// dna" at 10^6 records: 414 instead of 1,969), a tenth to three tenths off the
// mean of the ranked scenarios (README).  Docids are kept
// (DBCOMPACT_NO_RENUMBER): the catalog and the column file name documents by
// them.
std::string compact_shard(const fs::path& dir) {
    fs::path packed = dir;
    packed += ".compact";
    try {
        Xapian::Database(dir.string())
            .compact(packed.string(), Xapian::DBCOMPACT_NO_RENUMBER, kCompactBlockSize);
    } catch (const Xapian::Error& e) {
        return fmt::format("compacting '{}': {}", dir.string(), e.get_description());
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
    if (!ec) fs::rename(packed, dir, ec);
    if (ec) {
        return fmt::format("replacing '{}' by its compacted copy: {}", dir.string(), ec.message());
    }
    return {};
}

// Compacting an update's shard with the previous one, a key of metadata
// both hold (schema, build time, vocabulary) takes the update's value: looked
// up, since Xapian does not say in which order it passes the two.
class UpdateWins : public Xapian::Compactor {
  public:
    explicit UpdateWins(const std::map<std::string, std::string>& update) : update_(update) {}
    std::string resolve_duplicate_metadata(const std::string& key, std::size_t count,
                                           const std::string tags[]) override {
        auto it = update_.find(key);
        return it != update_.end() ? it->second : tags[count - 1];
    }

  private:
    const std::map<std::string, std::string>& update_;
};

// Writes the previous generation's shard `previous` and the update's
// documents `delta` (numbered after it, holding `metadata`) compacted as `dir`.
std::string merge_shard(const fs::path& previous, const fs::path& delta, const fs::path& dir,
                        const std::map<std::string, std::string>& metadata) {
    try {
        Xapian::Database both(previous.string());
        both.add_database(Xapian::Database(delta.string()));
        UpdateWins update_wins(metadata);
        both.compact(dir.string(), Xapian::DBCOMPACT_NO_RENUMBER, kCompactBlockSize, update_wins);
    } catch (const Xapian::Error& e) {
        return fmt::format("merging '{}' into '{}': {}", delta.string(), dir.string(),
                           e.get_description());
    }
    std::error_code ec;
    fs::remove_all(delta, ec);  // else it would be sealed into the generation
    if (ec) return fmt::format("cannot remove '{}': {}", delta.string(), ec.message());
    return {};
}

class Shard {
  public:
    // A shard with no term lists: no document in it is ever replaced or
    // deleted (Xapian 1.4 cannot open such a database for writing again); an
    // update's places new documents at given docids, which replace_document
    // does without term lists.
    Shard(const fs::path& dir, DisplayWriter display)
        : dir_(dir),
          display_(std::move(display)),
          db_(dir.string(), Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_BACKEND_GLASS |
                                Xapian::DB_NO_SYNC | Xapian::DB_NO_TERMLIST) {
        thread_ = std::thread([this] { loop(); });
    }

    // A shard given up on (the build failed) commits what is pending here,
    // where its error can be caught: Xapian's close and destructor commit it
    // too, and a commit that fails there (a full disk) throws out of a
    // destructor, which ends the process.  (Xapian 1.4's commit_transaction
    // ends it the same way, so documents are not added in transactions.)
    ~Shard() {
        stop();
        // The generation is being removed; its error was already reported.
        try {
            db_.commit();
        } catch (...) {
        }
        try {
            db_.close();
        } catch (...) {
        }
    }


    // False when the writer has failed.
    bool push(Record r) {
        std::unique_lock lock(mu_);
        space_.wait(lock, [&] { return queue_.size() < kQueueRecords || !error_.empty(); });
        if (!error_.empty()) return false;
        queue_.push_back(std::move(r));
        ready_.notify_one();
        return true;
    }

    // Waits for the queue to drain and the thread to end; returns its error, if any.
    std::string stop() {
        {
            std::lock_guard lock(mu_);
            closing_ = true;
            ready_.notify_one();
        }
        if (thread_.joinable()) thread_.join();
        return error_;
    }

    // An update's shard: its documents are numbered from `first` on, after
    // the previous generation's shard it is merged with.  Call before push().
    void number_from(Xapian::docid first) { next_ = first; }

    Xapian::WritableDatabase& db() { return db_; }
    DisplayWriter& display() { return display_; }
    const fs::path& dir() const { return dir_; }
    // The thread's time making documents and adding them (read after stop()).
    double documents_seconds() const { return documents_seconds_; }
    double adding_seconds() const { return adding_seconds_; }

  private:
    void loop() {
        while (true) {
            Record r;
            {
                std::unique_lock lock(mu_);
                ready_.wait(lock, [&] { return !queue_.empty() || closing_; });
                if (queue_.empty()) return;
                r = std::move(queue_.front());
                queue_.pop_front();
                space_.notify_one();
            }
            try {
                auto start = StageClock::Clock::now();
                Xapian::Document doc = make_document(r);
                display_.add(encode_display_data(r));
                auto made = StageClock::Clock::now();
                if (next_ == 0) {
                    db_.add_document(doc);
                } else {
                    db_.replace_document(next_++, doc);  // a new docid: an add
                }
                if (++uncommitted_ == kCommitEvery) {
                    db_.commit();
                    uncommitted_ = 0;
                }
                documents_seconds_ += std::chrono::duration<double>(made - start).count();
                adding_seconds_ += StageClock::seconds_since(made);
            } catch (const Xapian::Error& e) {
                fail(fmt::format("{}: {}", r.id, e.get_description()));
                return;
            } catch (const std::exception& e) {
                fail(fmt::format("{}: {}", r.id, e.what()));
                return;
            }
        }
    }

    void fail(std::string message) {
        std::lock_guard lock(mu_);
        error_ = std::move(message);
        queue_.clear();
        space_.notify_all();
    }

    fs::path dir_;
    DisplayWriter display_;
    Xapian::WritableDatabase db_;
    std::mutex mu_;
    std::condition_variable ready_, space_;
    std::deque<Record> queue_;
    bool closing_ = false;
    std::string error_;
    double documents_seconds_ = 0;
    double adding_seconds_ = 0;
    int uncommitted_ = 0;
    Xapian::docid next_ = 0;  // 0: Xapian numbers them
    std::thread thread_;
};

}  // namespace

struct ShardWriter::Impl {
    std::vector<std::unique_ptr<Shard>> shards;
    std::uint32_t added = 0;
    // An update: the previous generation's shards, which finish() merges
    // each shard (then named delta-K) with.
    std::vector<fs::path> previous;
    std::vector<fs::path> merged;  // the update's shard-K
    bool finished = false;
};

ShardWriter::ShardWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ShardWriter::~ShardWriter() {
    for (auto& s : impl_->shards) s->stop();
}

Result<std::unique_ptr<ShardWriter>> ShardWriter::create(const fs::path& generation,
                                                          unsigned shards) {
    shards = std::max(1u, shards);
    fs::path dir = generation / kXapianDir;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return Error{Errc::io, fmt::format("cannot create '{}': {}", dir.string(), ec.message())};
    auto impl = std::make_unique<Impl>();
    std::string stub;
    for (unsigned k = 0; k < shards; ++k) {
        auto display = DisplayWriter::create(generation / display_file(k));
        if (!display.ok()) return display.error();
        std::string name = fmt::format("shard-{}", k);
        impl->shards.push_back(std::make_unique<Shard>(dir / name, std::move(display).value()));
        stub += "glass " + name + "\n";
    }
    // The stub names the shards relative to itself; Xapian opens the
    // directory as their combination, docids interleaved.
    std::ofstream out(dir / "XAPIANDB");
    out << stub;
    out.close();
    if (!out) return Error{Errc::io, fmt::format("cannot write '{}'", (dir / "XAPIANDB").string())};
    return std::unique_ptr<ShardWriter>(new ShardWriter(std::move(impl)));
}

namespace {

// The shard names of a generation's stub file ("glass shard-0" per line).
Result<std::vector<std::string>> stub_shards(const fs::path& xapian_dir) {
    std::ifstream in(xapian_dir / "XAPIANDB");
    std::vector<std::string> names;
    std::string backend, name;
    while (in >> backend >> name) names.push_back(name);
    if (names.empty() || !in.eof()) {
        return Error{Errc::corrupt,
                     fmt::format("'{}' lists no shard", (xapian_dir / "XAPIANDB").string())};
    }
    return names;
}

// Copies the previous generation's display files into `generation`.
Status copy_display(const fs::path& previous, const fs::path& generation) {
    std::error_code ec;
    fs::copy(previous / kDisplayDir, generation / kDisplayDir, fs::copy_options::recursive, ec);
    if (ec) {
        return Error{Errc::io, fmt::format("cannot copy '{}' for an update: {}",
                                           (previous / kDisplayDir).string(), ec.message())};
    }
    return {};
}

// Each shard of `previous` must hold its share of `total` documents:
// document n is shard (n-1) mod K's.
Status check_shares(const std::vector<Xapian::docid>& last, std::uint32_t total,
                    const fs::path& previous) {
    const auto k_shards = static_cast<std::uint32_t>(last.size());
    for (std::uint32_t k = 0; k < k_shards; ++k) {
        std::uint32_t expected = total > k ? (total - k + k_shards - 1) / k_shards : 0;
        if (last[k] != expected) {
            return Error{Errc::corrupt, fmt::format("shard {} of '{}' holds {} documents, not {}",
                                                    k, previous.string(), last[k], expected)};
        }
    }
    return {};
}

}  // namespace

Result<std::unique_ptr<ShardWriter>> ShardWriter::append(const fs::path& generation,
                                                          const fs::path& previous) {
    auto names = stub_shards(previous / kXapianDir);
    if (!names.ok()) return names.error();
    auto impl = std::make_unique<Impl>();
    std::vector<Xapian::docid> last;
    try {
        for (const auto& name : names.value()) {
            impl->previous.push_back(previous / kXapianDir / name);
            last.push_back(Xapian::Database(impl->previous.back().string()).get_lastdocid());
            impl->added += last.back();
        }
    } catch (const Xapian::Error& e) {
        return Error{Errc::corrupt, fmt::format("cannot read '{}': {}",
                                                impl->previous.back().string(), e.get_description())};
    }
    if (auto s = check_shares(last, impl->added, previous); !s.ok()) return s.error();
    if (auto s = copy_display(previous, generation); !s.ok()) return s.error();
    fs::path dir = generation / kXapianDir;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (!ec) fs::copy_file(previous / kXapianDir / "XAPIANDB", dir / "XAPIANDB", ec);
    if (ec) return Error{Errc::io, fmt::format("cannot write '{}': {}", dir.string(), ec.message())};
    for (std::size_t k = 0; k < last.size(); ++k) {
        auto display = DisplayWriter::append_to(generation / display_file(static_cast<unsigned>(k)),
                                                last[k]);
        if (!display.ok()) return display.error();
        impl->merged.push_back(dir / names.value()[k]);
        impl->shards.push_back(std::make_unique<Shard>(dir / fmt::format("delta-{}", k),
                                                       std::move(display).value()));
        impl->shards.back()->number_from(last[k] + 1);
    }
    return std::unique_ptr<ShardWriter>(new ShardWriter(std::move(impl)));
}

Status ShardWriter::add(Record record) {
    auto& shard = impl_->shards[impl_->added % impl_->shards.size()];
    if (!shard->push(std::move(record))) {
        return Error{Errc::internal, "a Xapian shard writer failed: " + shard->stop()};
    }
    ++impl_->added;
    return {};
}

std::uint32_t ShardWriter::added() const { return impl_->added; }

Status ShardWriter::finish(const std::map<std::string, std::string>& metadata,
                           StageClock& clock) {
    std::string failures;
    auto add_failure = [&](const std::string& e) {
        if (!e.empty()) failures += (failures.empty() ? "" : "; ") + e;
    };
    auto threads = static_cast<unsigned>(impl_->shards.size());
    for (auto& s : impl_->shards) add_failure(s->stop());
    for (auto& s : impl_->shards) {
        clock.add(kStageDocuments, s->documents_seconds(), threads, true);
        clock.add(kStageInvert, s->adding_seconds(), threads, true);
    }
    if (!failures.empty()) return Error{Errc::internal, "a Xapian shard writer failed: " + failures};
    // A display file that cannot be written is the disk's doing, not Xapian's.
    auto displays = StageClock::Clock::now();
    for (auto& s : impl_->shards) {
        if (Status d = s->display().finish(); !d.ok()) add_failure(d.error().message);
    }
    clock.add(kStageDisplay, StageClock::seconds_since(displays));
    if (!failures.empty()) return Error{Errc::io, failures};
    auto start = StageClock::Clock::now();
    for (const auto& [key, value] : metadata) impl_->shards.front()->db().set_metadata(key, value);
    for (auto& s : impl_->shards) {
        s->db().commit();
        s->db().close();
    }
    clock.add(kStageCommit, StageClock::seconds_since(start));
    // Each shard compacted on its own thread (an update's merged with the
    // previous generation's shard).
    std::vector<std::string> errors(impl_->shards.size());
    std::vector<double> seconds(impl_->shards.size());
    std::vector<std::thread> compactors;
    for (std::size_t k = 0; k < impl_->shards.size(); ++k) {
        compactors.emplace_back([&, k] {
            auto begun = StageClock::Clock::now();
            errors[k] = impl_->previous.empty()
                            ? compact_shard(impl_->shards[k]->dir())
                            : merge_shard(impl_->previous[k], impl_->shards[k]->dir(),
                                          impl_->merged[k], metadata);
            seconds[k] = StageClock::seconds_since(begun);
        });
    }
    for (auto& t : compactors) t.join();
    for (double t : seconds) clock.add(kStageCompact, t, threads, threads > 1);
    for (const auto& e : errors) add_failure(e);
    if (!failures.empty()) return Error{Errc::io, failures};
    impl_->finished = true;
    return {};
}

unsigned default_shard_count() {
    unsigned cores = std::thread::hardware_concurrency();
    return std::clamp(cores, 1u, 4u);
}

}  // namespace atlas::detail
