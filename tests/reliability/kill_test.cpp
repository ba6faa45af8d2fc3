// kill_test.cpp - issue 19 item 4: atlas-index killed with SIGKILL at many points of a
// build must leave CURRENT answering as before, and the next build must succeed.
//
//   reliability_kill ATLAS_INDEX KILL_SHIM SOURCES_JSON [--write-points N] [--time-points N]
//                    [--sample N] [--builds update|full]
//
// The builds under test read the same sources as the first: updates (nothing
// changed: the previous generation's stores copied and merged), or with
// --builds full every record written again (atlas-index build --full).
//
// A first build, then a second (so the builds under test also remove a generation
// older than the previous one, as every build after the second does), then one build
// traced by the shim (kill_shim.c) counts the file-system calls of each kind and names
// their paths.  The kill points: before every fsync/fdatasync, before and after every
// rename and symlink, before every mkdir, and before N (--sample, default 20) evenly
// spaced creates and removals (all of them when there are fewer) and N (--write-points,
// default 12) writes; and SIGKILL sent by this program at N (--time-points, default 8)
// moments spread over a build's duration.  At each point a build runs under the shim
// and must die by SIGKILL; then the fixed searches (reliability_util.h) must give the
// answers of the first build, through a Searcher opened afresh on CURRENT, and
// `atlas-index verify` must find CURRENT whole; then a
// build without the shim must exit 0 and publish a newer generation, with no *.tmp
// left and at most two generations kept, and the answers must still be the same.
// Prints a line per kind (points, kills, CURRENT on the old / the new generation) and
// exits 1 on any failure, 2 on a usage error.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "reliability_util.h"

namespace fs = std::filesystem;
using namespace atlas::reliability;
using Clock = std::chrono::steady_clock;

namespace {

struct Point {
    std::string kind;  // sync, rename, ... or "time"
    unsigned long n = 0;  // the call of that kind, from 1; or milliseconds for "time"
    bool after = false;
    std::string what;  // the call and its path in the traced build
};

struct Tally {
    int points = 0;
    int killed = 0;
    int finished = 0;  // the build ended before the point (a time point past its end)
    int on_old = 0;    // CURRENT still on the generation before the build
    int on_new = 0;    // CURRENT already on the killed build's generation (killed after the swap)
};

struct Options {
    std::string index_bin;
    std::string shim;
    std::string sources;
    unsigned write_points = 12;
    unsigned time_points = 8;
    unsigned sample = 20;
    bool full = false;  // --builds full
};

// The traced build's calls: kind -> "FUNCTION PATH" of call n at [n - 1].
std::map<std::string, std::vector<std::string>> read_trace(const fs::path& trace) {
    std::map<std::string, std::vector<std::string>> calls;
    std::istringstream in(read_text(trace));
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream words(line);
        unsigned long n = 0;
        std::string kind, rest;
        words >> n >> kind;
        std::getline(words, rest);
        auto& list = calls[kind];
        if (list.size() < n) list.resize(n);
        list[n - 1] = rest.empty() ? rest : rest.substr(1);
    }
    return calls;
}

// Every n from 1 to count when count <= most, else `most` evenly spaced, first and last included.
std::vector<unsigned long> spread(unsigned long count, unsigned long most) {
    std::vector<unsigned long> out;
    if (count == 0 || most == 0) return out;
    if (count <= most) {
        for (unsigned long n = 1; n <= count; ++n) out.push_back(n);
        return out;
    }
    for (unsigned long i = 0; i < most; ++i) {
        unsigned long n = 1 + (most == 1 ? 0 : i * (count - 1) / (most - 1));
        if (out.empty() || out.back() != n) out.push_back(n);
    }
    return out;
}

class KillTest {
  public:
    KillTest(Options o) : o_(std::move(o)), work_("atlas-kill"), index_(work_.path() / "index") {}

    int execute();

  private:
    std::vector<std::string> build_argv() const {
        std::vector<std::string> argv = {o_.index_bin, "build",          "--sources", o_.sources,
                                         "--out",      index_.string(), "--quiet"};
        if (o_.full) argv.push_back("--full");
        return argv;
    }
    // The shim's environment; ASan's check that its runtime comes first in the
    // library list is turned off for this child (the shim wraps no allocator).
    std::vector<std::string> shim_env(const std::vector<std::string>& more) const {
        std::vector<std::string> env = {"LD_PRELOAD=" + o_.shim};
        const char* asan = std::getenv("ASAN_OPTIONS");
        env.push_back(std::string("ASAN_OPTIONS=") + (asan && *asan ? std::string(asan) + ":" : "") +
                      "verify_asan_link_order=0");
        env.insert(env.end(), more.begin(), more.end());
        return env;
    }
    bool plain_build(const std::string& why);
    bool check_answers(const std::string& when);
    bool check_verified(const std::string& when);
    bool kill_at(const Point& p, Tally& tally);
    void fail(const std::string& message) {
        ++failures_;
        if (failures_ <= 20) std::printf("FAIL: %s\n", message.c_str());
    }

    Options o_;
    WorkDir work_;
    fs::path index_;
    std::vector<std::string> expected_;
    int failures_ = 0;
    double build_seconds_ = 0;
};

bool KillTest::plain_build(const std::string& why) {
    std::string before = current_generation(index_);
    auto start = Clock::now();
    Exit e = run(build_argv(), {}, work_.path() / "build.log", 120);
    build_seconds_ = std::chrono::duration<double>(Clock::now() - start).count();
    if (!e.exited || e.code != 0) {
        fail(why + ": the build without the shim ended with " + e.describe() + ":\n" +
             read_text(work_.path() / "build.log"));
        return false;
    }
    std::string now = current_generation(index_);
    if (generation_number(now) <= generation_number(before)) {
        fail(why + ": the build succeeded but CURRENT is '" + now + "' (was '" + before + "')");
        return false;
    }
    if (auto left = leftovers(index_); !left.empty()) {
        fail(why + ": a successful build left " + left.front() + " (" +
             std::to_string(left.size()) + " *.tmp entries)");
    }
    auto gens = generations(index_);
    if (gens.size() > 2 || std::find(gens.begin(), gens.end(), now) == gens.end()) {
        std::string list;
        for (const auto& g : gens) list += " " + g;
        fail(why + ": after a successful build the generations are" + list + " (CURRENT " + now + ")");
    }
    return true;
}

bool KillTest::check_answers(const std::string& when) {
    auto got = answers(index_);
    for (std::size_t i = 0; i < got.size(); ++i) {
        if (got[i] != expected_[i]) {
            fail(when + ": search " + std::to_string(i + 1) + " (" + fixed_request_bodies()[i] +
                 ") answers differently: " + got[i].substr(0, 300));
            return false;
        }
    }
    return true;
}

// `atlas-index verify`: CURRENT's generation is whole, every file as its
// MANIFEST lists it, whichever side of the swap the kill fell on.
bool KillTest::check_verified(const std::string& when) {
    fs::path log = work_.path() / "verify.log";
    Exit e = run({o_.index_bin, "verify", "--index", index_.string()}, {}, log, 120);
    if (e.exited && e.code == 0) return true;
    fail(when + ": atlas-index verify ended with " + e.describe() + ":\n" + read_text(log));
    return false;
}

bool KillTest::kill_at(const Point& p, Tally& tally) {
    ++tally.points;
    std::string name = p.kind == "time"
                           ? "SIGKILL at " + std::to_string(p.n) + " ms"
                           : std::string(p.after ? "after " : "before ") + p.kind + " #" +
                                 std::to_string(p.n) + " (" + p.what + ")";
    std::string before = current_generation(index_);
    fs::path log = work_.path() / "killed.log";
    Exit e;
    if (p.kind == "time") {
        pid_t pid = spawn(build_argv(), {}, log);
        std::this_thread::sleep_for(std::chrono::milliseconds(p.n));
        ::kill(pid, SIGKILL);
        e = wait_for(pid, 120);
        if (e.exited && e.code == 0) {
            ++tally.finished;
        } else if (!(e.signaled && e.signal == SIGKILL)) {
            fail(name + ": the build ended with " + e.describe() + ":\n" + read_text(log));
            return false;
        } else {
            ++tally.killed;
        }
    } else {
        std::string spec = p.kind + ":" + std::to_string(p.n) + (p.after ? ":after" : "");
        e = run(build_argv(), shim_env({"ATLAS_SHIM_KILL=" + spec}), log, 120);
        if (e.exited && e.code == 0) {
            // The build made fewer calls of this kind than the traced one (threads).
            ++tally.finished;
        } else if (!(e.signaled && e.signal == SIGKILL)) {
            fail(name + ": the build under the shim ended with " + e.describe() + ", not SIGKILL:\n" +
                 read_text(log));
            return false;
        } else {
            ++tally.killed;
        }
    }
    std::string now = current_generation(index_);
    if (now.empty() || !fs::is_directory(index_ / now)) {
        fail(name + ": CURRENT is '" + now + "' afterwards, not a generation");
        return false;
    }
    if (now == before) {
        ++tally.on_old;
    } else {
        ++tally.on_new;
    }
    if (!check_answers(name + ", then CURRENT " + now)) return false;
    if (!check_verified(name + ", then CURRENT " + now)) return false;
    if (!plain_build(name + ", then the next build")) return false;
    return check_answers(name + ", then the next build") &&
           check_verified(name + ", then the next build");
}

int KillTest::execute() {
    auto start = Clock::now();
    if (!plain_build("the first build")) return 1;
    expected_ = answers(index_);
    for (std::size_t i = 0; i < expected_.size(); ++i) {
        if (total_of(expected_[i]) <= 0) {
            std::printf("FAIL: the first build's search %zu (%s) finds nothing: %s\n", i + 1,
                        fixed_request_bodies()[i].c_str(), expected_[i].substr(0, 300).c_str());
            return 1;
        }
    }
    if (!plain_build("the second build") || !check_answers("the second build")) return 1;
    double full_build = build_seconds_;

    // The traced build: the calls of each kind, in order.
    fs::path trace = work_.path() / "trace";
    Exit traced = atlas::reliability::run(build_argv(), shim_env({"ATLAS_SHIM_TRACE=" + trace.string()}),
                        work_.path() / "traced.log", 120);
    if (!traced.exited || traced.code != 0) {
        std::printf("FAIL: the traced build ended with %s:\n%s\n", traced.describe().c_str(),
                    read_text(work_.path() / "traced.log").c_str());
        return 1;
    }
    auto calls = read_trace(trace);
    for (const char* kind : {"sync", "rename", "link", "create"}) {
        if (calls[kind].empty()) {
            std::printf("FAIL: the traced build made no %s call: the shim sees nothing\n", kind);
            return 1;
        }
    }

    std::vector<Point> points;
    auto add = [&](const std::string& kind, unsigned long most, bool also_after) {
        for (unsigned long n : spread(calls[kind].size(), most)) {
            points.push_back({kind, n, false, calls[kind][n - 1]});
            if (also_after) points.push_back({kind, n, true, calls[kind][n - 1]});
        }
    };
    add("sync", ~0ul, false);
    add("rename", ~0ul, true);
    add("link", ~0ul, true);
    add("mkdir", ~0ul, false);
    add("create", o_.sample, false);
    add("remove", o_.sample, false);
    add("write", o_.write_points, false);
    for (unsigned i = 0; i < o_.time_points; ++i) {
        auto ms = static_cast<unsigned long>(full_build * 1000 * (i + 0.5) / o_.time_points);
        points.push_back({"time", std::max(ms, 1ul), false, ""});
    }

    std::printf("traced build: ");
    for (const auto& [kind, list] : calls) std::printf("%zu %s, ", list.size(), kind.c_str());
    std::printf("%.2f s without the shim\n", full_build);

    std::map<std::string, Tally> tallies;
    for (const auto& p : points) {
        if (!kill_at(p, tallies[p.kind]) && failures_ >= 20) break;
    }

    int points_total = 0, killed = 0;
    std::printf("%-8s %7s %7s %9s %13s %13s\n", "kind", "points", "killed", "finished",
                "CURRENT old", "CURRENT new");
    for (const auto& [kind, t] : tallies) {
        std::printf("%-8s %7d %7d %9d %13d %13d\n", kind.c_str(), t.points, t.killed, t.finished,
                    t.on_old, t.on_new);
        points_total += t.points;
        killed += t.killed;
    }
    check_answers("at the end");
    std::printf("%d kill points, %d builds killed, each followed by a build that published; "
                "CURRENT %s; %.1f s\n",
                points_total, killed, current_generation(index_).c_str(),
                std::chrono::duration<double>(Clock::now() - start).count());
    if (killed < points_total / 2) fail("fewer than half the points killed the build");
    if (failures_ > 0) {
        std::printf("%d failures\n", failures_);
        return 1;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr,
                     "usage: reliability_kill ATLAS_INDEX KILL_SHIM SOURCES_JSON [--write-points N] "
                     "[--time-points N] [--sample N] [--builds update|full]\n");
        return 2;
    }
    Options o{argv[1], argv[2], argv[3]};
    for (int i = 4; i + 1 < argc; i += 2) {
        std::string a = argv[i];
        auto v = static_cast<unsigned>(std::strtoul(argv[i + 1], nullptr, 10));
        if (a == "--builds" && (std::strcmp(argv[i + 1], "full") == 0 ||
                                std::strcmp(argv[i + 1], "update") == 0)) {
            o.full = std::strcmp(argv[i + 1], "full") == 0;
        } else if (a == "--write-points") {
            o.write_points = v;
        } else if (a == "--time-points") {
            o.time_points = v;
        } else if (a == "--sample") {
            o.sample = v;
        } else {
            std::fprintf(stderr, "reliability_kill: unknown option %s\n", a.c_str());
            return 2;
        }
    }
    try {
        KillTest test(std::move(o));
        return test.execute();
    } catch (const std::exception& e) {
        std::printf("FAIL: %s\n", e.what());
        return 1;
    }
}
