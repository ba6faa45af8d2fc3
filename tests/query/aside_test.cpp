// Tests for running a task beside the caller's work (query/aside.h): the task runs on
// a thread of its own, join() rethrows what it threw, and every way out of the scope
// joins it, a task that threw included.
#include "aside.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

using atlas::detail::Aside;

namespace {

// Long enough that a scope left without waiting would see the task unfinished.
constexpr auto kWhile = std::chrono::milliseconds(100);

}  // namespace

TEST_CASE("an Aside runs its task on a thread of its own") {
    std::thread::id ran_on;
    Aside aside([&] { ran_on = std::this_thread::get_id(); });
    aside.join();
    CHECK(ran_on != std::thread::id());
    CHECK(ran_on != std::this_thread::get_id());
}

TEST_CASE("join waits for the task and rethrows what it threw, once") {
    std::atomic<bool> started{false};
    Aside aside([&] {
        started = true;
        std::this_thread::sleep_for(kWhile);
        throw std::runtime_error("facets failed");
    });
    CHECK_THROWS_WITH_AS(aside.join(), "facets failed", std::runtime_error);
    CHECK(started);
    // What it threw is handed over once; joining again is a no-op.
    CHECK_NOTHROW(aside.join());
}

TEST_CASE("join rethrows what is not a std::exception too") {
    Aside aside([] { throw 42; });
    CHECK_THROWS_AS(aside.join(), int);
}

TEST_CASE("the destructor joins: the task's work is done when the scope is left") {
    int result = 0;  // no atomic: the join orders the write before the read
    {
        Aside aside([&] {
            std::this_thread::sleep_for(kWhile);
            result = 7;
        });
    }
    CHECK(result == 7);
}

TEST_CASE("a scope left by an exception joins the task before the exception goes on") {
    std::atomic<bool> done{false};
    auto leave_early = [&] {
        Aside aside([&] {
            std::this_thread::sleep_for(kWhile);
            done = true;
        });
        throw std::logic_error("the ranking failed");
    };
    CHECK_THROWS_AS(leave_early(), std::logic_error);
    CHECK(done);
}

TEST_CASE("a task that throws and is never joined does not terminate the process") {
    std::atomic<bool> threw{false};
    {
        Aside aside([&] {
            threw = true;
            throw std::runtime_error("nobody asks");
        });
    }
    CHECK(threw);  // the destructor joined; the exception stayed in the Aside, unthrown
}
