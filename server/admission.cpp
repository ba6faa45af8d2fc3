// admission.cpp - a bounded task queue with a lane that answers "come back later".
#include "admission.h"

namespace atlas::server {
namespace {

thread_local bool tl_rejecting = false;
// Each waits out a silent connection's keep-alive timeout before the next:
// a few more than the serving workers need keep "come back later" prompt.
constexpr unsigned kRejectingWorkers = 8;

}  // namespace

AdmissionQueue::AdmissionQueue(unsigned threads, unsigned queue,
                               std::atomic<std::uint64_t>& rejected)
    : queue_(queue), rejected_(rejected) {
    for (unsigned i = 0; i < std::max(threads, 1u); ++i) {
        serving_.workers.emplace_back([this] { work(serving_, false); });
    }
    for (unsigned i = 0; i < kRejectingWorkers; ++i) {
        rejecting_.workers.emplace_back([this] { work(rejecting_, true); });
    }
}

AdmissionQueue::~AdmissionQueue() { shutdown(); }

bool AdmissionQueue::rejecting() { return tl_rejecting; }

std::size_t AdmissionQueue::waiting() {
    std::lock_guard lock(mutex_);
    return serving_.tasks.size();
}

void AdmissionQueue::enqueue(std::function<void()> task) {
    {
        std::lock_guard lock(mutex_);
        // Waiting beyond the free workers is what the queue bounds.
        std::size_t free = serving_.workers.size() - busy_;
        std::size_t waiting = serving_.tasks.size() + 1;
        if (waiting > free && waiting - free > queue_) {
            rejecting_.tasks.push_back(std::move(task));
            rejected_.fetch_add(1, std::memory_order_relaxed);
        } else {
            serving_.tasks.push_back(std::move(task));
        }
    }
    ready_.notify_all();
}

void AdmissionQueue::work(Lane& lane, bool rejects) {
    tl_rejecting = rejects;
    while (true) {
        std::function<void()> task;
        {
            std::unique_lock lock(mutex_);
            ready_.wait(lock, [&] { return stopping_ || !lane.tasks.empty(); });
            if (lane.tasks.empty()) return;  // stopping, nothing left
            task = std::move(lane.tasks.front());
            lane.tasks.pop_front();
            if (!rejects) ++busy_;
        }
        task();
        if (!rejects) {
            std::lock_guard lock(mutex_);
            --busy_;
        }
    }
}

void AdmissionQueue::shutdown() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        stopping_ = true;
    }
    ready_.notify_all();
    for (Lane* lane : {&serving_, &rejecting_}) {
        for (auto& t : lane->workers) t.join();
    }
}

}  // namespace atlas::server
