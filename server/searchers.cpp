// searchers.cpp - lending Searchers to the server's workers, a slot per core.
#include "searchers.h"

namespace atlas::server {

SearcherPool::SearcherPool(std::string index_dir, unsigned slots)
    : index_dir_(std::move(index_dir)), slots_(std::max(slots, 1u)) {}

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
    // Opened outside the lock: the other slots go on meanwhile.  One thread
    // per search: the slots already keep the cores busy.
    SearcherOptions options;
    options.threads = 1;
    auto opened = Searcher::open(index_dir_, options);
    if (!opened.ok()) {
        give_back(nullptr);
        // No index yet is a server not ready (503: a load balancer tries
        // another), not a missing resource.
        if (opened.error().code == Errc::not_found) {
            return Error{Errc::unavailable, opened.error().message};
        }
        return opened.error();
    }
    return std::make_unique<Searcher>(std::move(opened).value());
}

void SearcherPool::give_back(std::unique_ptr<Searcher> searcher) {
    {
        std::lock_guard lock(mutex_);
        --busy_;
        if (searcher) idle_.push_back(std::move(searcher));
    }
    freed_.notify_one();
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
