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

class Shard {
  public:
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
                db_.add_document(doc);
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
    std::thread thread_;
};

}  // namespace

struct ShardWriter::Impl {
    std::vector<std::unique_ptr<Shard>> shards;
    std::uint32_t added = 0;
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
    // Each shard compacted on its own thread.
    std::vector<std::string> errors(impl_->shards.size());
    std::vector<double> seconds(impl_->shards.size());
    std::vector<std::thread> compactors;
    for (std::size_t k = 0; k < impl_->shards.size(); ++k) {
        compactors.emplace_back([&, k] {
            auto begun = StageClock::Clock::now();
            errors[k] = compact_shard(impl_->shards[k]->dir());
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
