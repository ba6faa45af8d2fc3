// line_process.h - a child process spoken to in lines: one line to its standard
// input, one line back from its standard output (the Orama peer's Node process,
// bench/orama_engine.cpp).
//
// Standard input and output are one end of a Unix socket pair (the parent
// writes with MSG_NOSIGNAL: a child that died is an error, never a SIGPIPE);
// standard error is appended to a log file, whose last lines name what went
// wrong when the child exits.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "atlas/error.h"

namespace atlas::bench {

class LineProcess {
  public:
    // Starts `argv` (argv[0] looked up on PATH) with standard error appended to
    // `log`.  Errors: io (the socket pair), not_found (argv[0] could not be run).
    static Result<std::unique_ptr<LineProcess>> start(const std::vector<std::string>& argv,
                                                      const std::filesystem::path& log);

    LineProcess(const LineProcess&) = delete;
    LineProcess& operator=(const LineProcess&) = delete;
    // Closes the child's input (it should exit at end of input), waits up to
    // 10 s, then kills it (SIGKILL, by its pid) and reaps it.
    ~LineProcess();

    // Sends `line` (which must hold no newline) and returns the next line the
    // child writes, without its newline.  Errors: unavailable when the child
    // has closed its output or exited (the message ends with the log's last
    // lines).  One thread at a time.
    Result<std::string> call(std::string_view line);

    // The child's resident memory now (VmRSS), 0 when it cannot be read.
    std::uint64_t rss() const;
    pid_t pid() const { return pid_; }

  private:
    LineProcess() = default;
    Error gone(std::string_view what) const;

    pid_t pid_ = -1;
    int fd_ = -1;          // the parent's end of the socket pair
    std::string pending_;  // read past the last line returned
    std::filesystem::path log_;
};

// The last `n` non-empty lines of `path`, joined by " | " (for one-line errors).
std::string log_tail(const std::filesystem::path& path, std::size_t n);

}  // namespace atlas::bench
