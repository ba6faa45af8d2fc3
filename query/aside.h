// aside.h - a task run on a thread of its own beside the caller's work.
//
// A search may run work beside its main line: the facet counts while the page
// is ranked, the upper half of a huge match set while the lower half is
// scored.  The thread is joined on every way out (the destructor), before
// anything it reads goes away, and what it threw is rethrown by join().
#pragma once

#include <exception>
#include <thread>
#include <utility>

namespace atlas::detail {

class Aside {
  public:
    // Starts `task` (callable with no arguments) on a new thread.
    template <class Task>
    explicit Aside(Task task)
        : thread_([this, task = std::move(task)]() mutable {
              try {
                  task();
              } catch (...) {
                  failed_ = std::current_exception();
              }
          }) {}
    Aside(const Aside&) = delete;
    Aside& operator=(const Aside&) = delete;
    ~Aside() {
        if (thread_.joinable()) thread_.join();
    }

    // Waits for the task; rethrows what it threw.
    void join() {
        if (thread_.joinable()) thread_.join();
        if (failed_) std::rethrow_exception(std::exchange(failed_, nullptr));
    }

  private:
    std::exception_ptr failed_;  // before thread_: set by the task, read after the join
    std::thread thread_;
};

}  // namespace atlas::detail
