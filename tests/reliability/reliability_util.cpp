// reliability_util.cpp - child processes, the index directory, the fixed searches, /proc.
#include "reliability_util.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace atlas::reliability {
namespace fs = std::filesystem;

WorkDir::WorkDir(const std::string& stem) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/" + stem + "-XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()) == nullptr) {
        throw std::runtime_error("mkdtemp " + pattern + ": " + std::strerror(errno));
    }
    path_ = buf.data();
}

WorkDir::~WorkDir() {
    if (std::getenv("KEEP")) {
        std::printf("kept %s\n", path_.c_str());
        return;
    }
    std::error_code ec;
    fs::remove_all(path_, ec);
}

std::string Exit::describe() const {
    if (timed_out) return "timed out (killed)";
    if (signaled) return "killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
    if (exited) return "exit code " + std::to_string(code);
    return "unknown";
}

pid_t spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env,
            const fs::path& output) {
    std::vector<std::string> vars;
    for (char** e = environ; *e; ++e) {
        std::string var = *e;
        std::string name = var.substr(0, var.find('='));
        bool replaced = std::any_of(env.begin(), env.end(), [&](const std::string& v) {
            return v.substr(0, v.find('=')) == name;
        });
        if (!replaced) vars.push_back(var);
    }
    vars.insert(vars.end(), env.begin(), env.end());
    std::vector<char*> envp;
    for (auto& v : vars) envp.push_back(v.data());
    envp.push_back(nullptr);
    std::vector<std::string> args = argv;
    std::vector<char*> argp;
    for (auto& a : args) argp.push_back(a.data());
    argp.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    std::string out = output.empty() ? std::string("/dev/null") : output.string();
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    pid_t pid = -1;
    int rc = posix_spawn(&pid, argp[0], &actions, nullptr, argp.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
    return pid;
}

Exit wait_for(pid_t pid, double timeout_s) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    Exit e;
    int status = 0;
    for (;;) {
        pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) break;
        if (r < 0 && errno != EINTR) throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            e.timed_out = true;
            return e;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (WIFEXITED(status)) {
        e.exited = true;
        e.code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        e.signaled = true;
        e.signal = WTERMSIG(status);
    }
    return e;
}

Exit run(const std::vector<std::string>& argv, const std::vector<std::string>& env,
         const fs::path& output, double timeout_s) {
    return wait_for(spawn(argv, env, output), timeout_s);
}

std::string current_generation(const fs::path& index_dir) {
    std::error_code ec;
    fs::path target = fs::read_symlink(index_dir / "CURRENT", ec);
    if (ec) return "";
    return target.filename().string();
}

long generation_number(const std::string& name) {
    if (name.size() != 10 || name.rfind("gen-", 0) != 0) return -1;
    long n = 0;
    for (char c : name.substr(4)) {
        if (c < '0' || c > '9') return -1;
        n = n * 10 + (c - '0');
    }
    return n;
}

namespace {

std::vector<std::string> entries(const fs::path& dir, bool (*keep)(const std::string&)) {
    std::vector<std::string> out;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::string name = it->path().filename().string();
        if (keep(name)) out.push_back(name);
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

std::vector<std::string> leftovers(const fs::path& index_dir) {
    return entries(index_dir, [](const std::string& n) { return n.ends_with(".tmp"); });
}

std::vector<std::string> generations(const fs::path& index_dir) {
    return entries(index_dir, [](const std::string& n) { return generation_number(n) >= 0; });
}

std::vector<SearchRequest> fixed_requests() {
    std::vector<SearchRequest> out;
    auto add = [&](std::string query, std::uint32_t limit) -> SearchRequest& {
        SearchRequest r;
        r.query = std::move(query);
        r.limit = limit;
        out.push_back(std::move(r));
        return out.back();
    };
    add("ribosome", 20);
    add("", 50);  // browse order over every record
    add("lung", 10).facets = {{"source", 10, ""}, {"kind", 10, ""}, {"organism", 5, ""}};
    add("S. pombe", 10).kinds = {"annotation", "tomogram"};
    {
        auto& r = add("cancer", 10);
        r.sources = {"htan"};
        r.sort = {{"title", false}};
    }
    add("tomogram", 5).group_by = "dataset";
    add("", 20).filters = {{"quality", {">=4"}, Filter::Mode::any}};
    add("ribosme membrane", 10);  // a typo corrected, words relaxed
    return out;
}

std::vector<std::string> fixed_request_bodies() {
    std::vector<std::string> out;
    for (const auto& r : fixed_requests()) out.push_back(to_json(r));
    return out;
}

std::string comparable(std::string json) {
    static const std::string key = "\"took_ms\":";
    auto at = json.find(key);
    if (at == std::string::npos) return json;
    auto end = json.find_first_of(",}", at + key.size());
    if (end != std::string::npos && json[end] == ',') ++end;
    json.erase(at, end - at);
    return json;
}

std::vector<std::string> answers(Searcher& searcher) {
    std::vector<std::string> out;
    for (const auto& r : fixed_requests()) {
        auto result = searcher.search(r);
        out.push_back(result.ok() ? comparable(to_json(result.value()))
                                  : "error: " + result.error().message);
    }
    return out;
}

std::vector<std::string> answers(const fs::path& index_dir) {
    auto opened = Searcher::open(index_dir.string());
    if (!opened.ok()) {
        return std::vector<std::string>(fixed_requests().size(),
                                        "error: open: " + opened.error().message);
    }
    return answers(opened.value());
}

long long total_of(const std::string& answer) {
    auto at = answer.find("\"total\":");
    if (at == std::string::npos) return -1;
    return std::atoll(answer.c_str() + at + 8);
}

int fd_count(pid_t pid) {
    int n = 0;
    std::error_code ec;
    for (fs::directory_iterator it("/proc/" + std::to_string(pid) + "/fd", ec), end;
         !ec && it != end; it.increment(ec)) {
        ++n;
    }
    return n;
}

std::vector<std::string> deleted_fds(pid_t pid) {
    std::vector<std::string> out;
    std::error_code ec;
    for (fs::directory_iterator it("/proc/" + std::to_string(pid) + "/fd", ec), end;
         !ec && it != end; it.increment(ec)) {
        std::error_code ec2;
        std::string target = fs::read_symlink(it->path(), ec2).string();
        if (!ec2 && target.ends_with(" (deleted)")) out.push_back(target);
    }
    return out;
}

long rss_kib(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
    }
    return -1;
}

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace atlas::reliability
