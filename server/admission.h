// admission.h - which connections get a worker, and which are told to come back later.
//
// cpp-httplib hands each accepted connection to a task queue; its own queue
// is unbounded, and a kept-alive connection holds its worker, so a burst
// would wait without bound.  This queue runs `threads` workers and lets at
// most `queue` connections wait; a connection beyond that is served by a
// small pool of rejecting workers, on which every request is answered 503
// with Retry-After at once (rejecting() is true there).  A connection must
// be served, never dropped: its socket is closed by the task that serves it.
#pragma once

#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace atlas::server {

class AdmissionQueue : public httplib::TaskQueue {
  public:
    AdmissionQueue(unsigned threads, unsigned queue, std::atomic<std::uint64_t>& rejected);
    ~AdmissionQueue() override;

    void enqueue(std::function<void()> task) override;
    void shutdown() override;

    // Whether the calling thread is a rejecting worker.
    static bool rejecting();

    // Connections waiting for a serving worker.
    std::size_t waiting();

  private:
    struct Lane {  // workers and the tasks they take
        std::deque<std::function<void()>> tasks;
        std::vector<std::thread> workers;
    };
    void work(Lane& lane, bool rejects);

    unsigned queue_;
    std::atomic<std::uint64_t>& rejected_;
    std::mutex mutex_;
    std::condition_variable ready_;
    bool stopping_ = false;
    std::size_t busy_ = 0;  // workers of the serving lane running a task
    Lane serving_;
    Lane rejecting_;
};

}  // namespace atlas::server
