// unprivileged.cpp - fork, drop root's privileges, exec.
#include "unprivileged.h"

#include <fcntl.h>
#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>

namespace atlas::test {
namespace {

namespace fs = std::filesystem;

constexpr uid_t kNobody = 65534;
constexpr int kCannotDrop = 125;

// In the child: stdin from /dev/null, stdout and stderr to the files given,
// root's privileges dropped, then the tool.  Only calls that are safe after fork.
[[noreturn]] void exec_unprivileged(int out, int err, std::vector<char*>& argv) {
    int in = ::open("/dev/null", O_RDONLY);
    if (in < 0 || ::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0) ::_exit(127);
    if (::geteuid() == 0 &&
        (::setgroups(0, nullptr) != 0 || ::setgid(kNobody) != 0 || ::setuid(kNobody) != 0)) {
        const char message[] = "cannot drop root's privileges to uid 65534";
        [[maybe_unused]] auto n = ::write(2, message, sizeof message - 1);
        ::_exit(kCannotDrop);
    }
    ::execv(argv[0], argv.data());
    ::_exit(127);
}

}  // namespace

UnprivilegedRun run_tool_unprivileged(const std::string& tool,
                                      const std::vector<std::string>& args) {
    TempDir dir;
    fs::path out_path = dir.path() / "out";
    fs::path err_path = dir.path() / "err";
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    std::vector<std::string> strings{tool};
    strings.insert(strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : strings) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = out < 0 || err < 0 ? -1 : ::fork();
    if (pid == 0) exec_unprivileged(out, err, argv);
    int status = 0;
    if (pid > 0) ::waitpid(pid, &status, 0);
    if (out >= 0) ::close(out);
    if (err >= 0) ::close(err);
    UnprivilegedRun run;
    run.result.exit_code = pid > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.result.out = read_file(out_path);
    run.result.err = read_file(err_path);
    if (run.result.exit_code == kCannotDrop) run.skipped = run.result.err;
    return run;
}

void share_with_unprivileged(const fs::path& dir) {
    if (::geteuid() != 0) return;
    auto give = [](const fs::path& p) {
        if (::lchown(p.c_str(), kNobody, kNobody) != 0) {
            throw std::runtime_error("cannot give " + p.string() + " to uid 65534");
        }
    };
    give(dir);
    for (const auto& e : fs::recursive_directory_iterator(dir)) give(e.path());
}

}  // namespace atlas::test
