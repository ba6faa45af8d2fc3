// searchers.cpp - lending Searchers to the server's workers, a slot per core.
#include "searchers.h"

namespace atlas::server {

SearcherPool::SearcherPool(std::string index_dir, unsigned slots)
    : index_dir_(std::move(index_dir)), slots_(std::max(slots, 1u)) {}

namespace {

// A searcher of `index_dir` on one thread; no index yet is unavailable.
Result<std::unique_ptr<Searcher>> open_searcher(const std::string& index_dir) {
    // One thread per search: the slots already keep the cores busy.
    SearcherOptions options;
    options.threads = 1;
    auto opened = Searcher::open(index_dir, options);
    if (!opened.ok()) {
        // No index yet is a server not ready (503: a load balancer tries
        // another), not a missing resource.
        if (opened.error().code == Errc::not_found) {
            return Error{Errc::unavailable, opened.error().message};
        }
        return opened.error();
    }
    return std::make_unique<Searcher>(std::move(opened).value());
}

}  // namespace

Status SearcherPool::with_status_searcher(const std::function<void(Searcher&)>& use) {
    std::lock_guard lock(status_mutex_);
    if (!status_) {
        auto opened = open_searcher(index_dir_);
        if (!opened.ok()) return opened.error();
        status_ = std::move(opened).value();
    } else if (auto fresh = status_->refresh(); !fresh.ok()) {
        status_.reset();
        return fresh.error();
    }
    use(*status_);
    return {};
}

Result<std::unique_ptr<Searcher>> SearcherPool::take() {
    {
        std::unique_lock lock(mutex_);
        freed_.wait(lock, [&] { return busy_ < slots_; });
        ++busy_;
        if (!idle_.empty()) {
            auto s = std::move(idle_.back());
            idle_.pop_back();
            lock.unlock();
            // What it answers next is of the latest generation, searched or not.
            if (auto fresh = s->refresh(); !fresh.ok()) {
                give_back(nullptr);
                return fresh.error();
            }
            return s;
        }
    }
    // Opened outside the lock: the other slots go on meanwhile.
    auto opened = open_searcher(index_dir_);
    if (!opened.ok()) give_back(nullptr);
    return opened;
}

void SearcherPool::give_back(std::unique_ptr<Searcher> searcher) {
    std::vector<std::unique_ptr<Searcher>> stale;  // closed outside the lock
    {
        std::lock_guard lock(mutex_);
        --busy_;
        if (searcher) {
            // Idle searchers of an older generation would keep its files open
            // (and its disk space taken) after atlas-index removes it: close them.
            for (auto& s : idle_) {
                if (s->generation() != searcher->generation()) stale.push_back(std::move(s));
            }
            std::erase(idle_, nullptr);
            drop_stale_status(searcher->generation());
            idle_.push_back(std::move(searcher));
        }
    }
    freed_.notify_one();
}

void SearcherPool::drop_stale_status(const std::string& generation) {
    std::unique_lock lock(status_mutex_, std::try_to_lock);
    if (lock && status_ && status_->generation() != generation) status_.reset();
}

Status SearcherPool::with_searcher(const std::function<void(Searcher&)>& use) {
    auto searcher = take();
    if (!searcher.ok()) return searcher.error();
    struct Return {
        SearcherPool* pool;
        std::unique_ptr<Searcher>& s;
        ~Return() { pool->give_back(std::move(s)); }
    } back{this, searcher.value()};
    use(*searcher.value());
    return {};
}

}  // namespace atlas::server
