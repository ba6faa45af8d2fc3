// reliability_util.h - what the reliability tests (tests/reliability/) share: child
// processes with a timeout, the index directory as a build leaves it, a fixed set of
// searches and their answers, and a process's descriptors and memory from /proc.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "atlas/search.h"

namespace atlas::reliability {

// A fresh directory under $TMPDIR (else /tmp), removed with its contents by the destructor
// unless $KEEP is set (then its path is printed).
class WorkDir {
  public:
    explicit WorkDir(const std::string& stem);
    WorkDir(const WorkDir&) = delete;
    WorkDir& operator=(const WorkDir&) = delete;
    ~WorkDir();
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

// How a child process ended.
struct Exit {
    bool exited = false;     // returned from main or called exit: `code`
    int code = -1;
    bool signaled = false;   // killed by `signal`
    int signal = 0;
    bool timed_out = false;  // still running at the deadline: killed with SIGKILL by us
    std::string describe() const;
};

// Starts `argv` with the environment plus `env` ("NAME=VALUE", replacing a variable of
// the same name), stdout and stderr to `output` (a file, truncated; empty = /dev/null).
// Throws std::runtime_error when it cannot start.
pid_t spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
            const std::filesystem::path& output = {});

// Waits for `pid` until `timeout_s`; past it, kills it with SIGKILL and says so.
Exit wait_for(pid_t pid, double timeout_s);

// spawn, then wait_for.
Exit run(const std::vector<std::string>& argv, const std::vector<std::string>& env,
         const std::filesystem::path& output, double timeout_s);

// What CURRENT names ("gen-000003"), or "" when there is no CURRENT.
std::string current_generation(const std::filesystem::path& index_dir);
// The number in a generation's name (gen-000003: 3), or -1.
long generation_number(const std::string& name);
// Entries of `index_dir` whose names end in ".tmp" (a build's leftovers), sorted.
std::vector<std::string> leftovers(const std::filesystem::path& index_dir);
// The gen-NNNNNN entries of `index_dir`, sorted.
std::vector<std::string> generations(const std::filesystem::path& index_dir);

// The fixed searches every reliability test asks (words, browse, kinds, sources,
// filters, facets, sort, groups, a typo), and the JSON body of each for POST /v1/search.
std::vector<SearchRequest> fixed_requests();
std::vector<std::string> fixed_request_bodies();

// A result's JSON without "took_ms" (the one member that differs between two runs of
// the same search on the same records).
std::string comparable(std::string json);

// The comparable answer of each fixed request, or "error: MESSAGE" in its place.
std::vector<std::string> answers(Searcher& searcher);
// The same through a Searcher opened for this call on `index_dir`.
std::vector<std::string> answers(const std::filesystem::path& index_dir);
// "total":N in an answer, or -1.
long long total_of(const std::string& answer);

// /proc/PID: open descriptors, those on deleted files, resident memory (VmRSS, KiB).
int fd_count(pid_t pid);
std::vector<std::string> deleted_fds(pid_t pid);
long rss_kib(pid_t pid);

std::string read_text(const std::filesystem::path& path);

}  // namespace atlas::reliability
