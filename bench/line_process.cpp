// line_process.cpp - posix_spawnp with a socket pair for standard input and
// output, and a line at a time over it.
#include "line_process.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <fstream>
#include <thread>

extern char** environ;

namespace atlas::bench {

std::string log_tail(const std::filesystem::path& path, std::size_t n) {
    std::ifstream in(path);
    std::deque<std::string> lines;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        lines.push_back(line);
        if (lines.size() > n) lines.pop_front();
    }
    std::string out;
    for (const auto& l : lines) {
        if (!out.empty()) out += " | ";
        out += l;
    }
    return out;
}

Result<std::unique_ptr<LineProcess>> LineProcess::start(const std::vector<std::string>& argv,
                                                        const std::filesystem::path& log) {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        return Error{Errc::io, fmt::format("socketpair: {}", std::strerror(errno))};
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, sv[1], 0);
    posix_spawn_file_actions_adddup2(&actions, sv[1], 1);
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    pid_t pid = -1;
    const int rc = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(sv[1]);
    if (rc != 0) {
        ::close(sv[0]);
        return Error{Errc::not_found,
                     fmt::format("cannot run '{}': {}", argv[0], std::strerror(rc))};
    }
    std::unique_ptr<LineProcess> p(new LineProcess);
    p->pid_ = pid;
    p->fd_ = sv[0];
    p->log_ = log;
    return p;
}

LineProcess::~LineProcess() {
    if (fd_ >= 0) ::close(fd_);
    if (pid_ <= 0) return;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
        const pid_t r = ::waitpid(pid_, nullptr, WNOHANG);
        if (r == pid_ || (r < 0 && errno != EINTR)) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(pid_, SIGKILL);
    while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
}

Error LineProcess::gone(std::string_view what) const {
    const std::string tail = log_tail(log_, 4);
    return Error{Errc::unavailable,
                 fmt::format("the child process {} {} (log {}): {}", pid_, what, log_.string(),
                             tail.empty() ? "nothing logged" : tail)};
}

Result<std::string> LineProcess::call(std::string_view line) {
    std::string out(line);
    out += '\n';
    for (std::size_t sent = 0; sent < out.size();) {
        const ssize_t n = ::send(fd_, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return gone(fmt::format("cannot be written to ({})", std::strerror(errno)));
        sent += static_cast<std::size_t>(n);
    }
    std::size_t scanned = 0;
    char buffer[65536];
    for (;;) {
        const auto nl = pending_.find('\n', scanned);
        if (nl != std::string::npos) {
            std::string reply = pending_.substr(0, nl);
            pending_.erase(0, nl + 1);
            return reply;
        }
        scanned = pending_.size();
        const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return gone(fmt::format("cannot be read from ({})", std::strerror(errno)));
        if (n == 0) return gone("closed its output");
        pending_.append(buffer, static_cast<std::size_t>(n));
    }
}

std::uint64_t LineProcess::rss() const {
    std::ifstream in(fmt::format("/proc/{}/status", pid_));
    std::string line;
    while (std::getline(in, line)) {
        if (line.starts_with("VmRSS:")) return std::stoull(line.substr(6)) * 1024;
    }
    return 0;
}

}  // namespace atlas::bench
