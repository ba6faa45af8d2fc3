// searchers.h - the Searchers the server's workers share, and the slots to search in.
//
// A Searcher is used by one thread at a time; opening one costs a few ms.
// The pool keeps up to `slots` of them, each following new generations as
// Searcher::search does, and lends one per search: at most `slots` searches
// run at once (the cores), the other workers wait for a slot, so a burst
// queues instead of slowing every search down.  Thread-safe.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "atlas/search.h"

namespace atlas::server {

class SearcherPool {
  public:
    SearcherPool(std::string index_dir, unsigned slots);

    // Runs `use` with a searcher of the index's current generation, waiting
    // for a free slot.  Errors: Searcher::open's when none can be opened, but
    // unavailable for no index yet (Searcher::open's not_found).
    Status with_searcher(const std::function<void(Searcher&)>& use);

    // Runs `use` with a searcher of its own, not one of the slots: for
    // /ready and /metrics, which read what is open and must answer while
    // every slot is searching.  Errors: as with_searcher.
    Status with_status_searcher(const std::function<void(Searcher&)>& use);

    const std::string& index_dir() const { return index_dir_; }

  private:
    Result<std::unique_ptr<Searcher>> take();
    void give_back(std::unique_ptr<Searcher> searcher);
    // Closes the status searcher if it serves another generation than the
    // slots now do (reopened when /ready or /metrics next asks); never waits.
    void drop_stale_status(const std::string& generation);

    std::string index_dir_;
    unsigned slots_;
    std::mutex mutex_;
    std::condition_variable freed_;
    unsigned busy_ = 0;
    std::vector<std::unique_ptr<Searcher>> idle_;
    std::mutex status_mutex_;
    std::unique_ptr<Searcher> status_;
};

}  // namespace atlas::server
