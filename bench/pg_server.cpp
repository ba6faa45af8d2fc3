// pg_server.cpp - initdb, pg_ctl start and pg_ctl stop for the bench's private server.
//
// Commands run with fork/exec and an argument vector (no shell), their output
// appended to <dir>/setup.log; the server writes <dir>/server.log.  Under root
// every command runs through `runuser -u postgres --`, and every directory the
// server writes is chowned to that user first.
#include "pg_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include "line_process.h"

namespace atlas::bench {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kBinDir = "/usr/lib/postgresql/15/bin";
constexpr std::string_view kSuperuser = "atlas";
// sun_path holds 108 bytes; the server appends "/.s.PGSQL.<port>" to the directory.
constexpr std::size_t kMaxSocketPath = 100;

bool is_executable(const fs::path& p) { return ::access(p.c_str(), X_OK) == 0; }

std::string find_runuser() {
    for (const char* p :
         {"/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser"}) {
        if (is_executable(p)) return p;
    }
    return {};
}

// Runs argv[0] (a full path) with stdin from /dev/null and stdout and stderr
// appended to `log`, in `cwd`.  Returns the exit code, or -1 if it could not run
// or was killed.
int run_command(std::vector<std::string> argv, const fs::path& log, const fs::path& cwd) {
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    const std::string log_path = log.string();
    const std::string dir = cwd.string();
    const pid_t pid = ::fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        // Only async-signal-safe calls from here on.
        const int out = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        const int in = ::open("/dev/null", O_RDONLY);
        if (out < 0 || in < 0) ::_exit(126);
        ::dup2(in, 0);
        ::dup2(out, 1);
        ::dup2(out, 2);
        // The postmaster pg_ctl forks outlives us: it must not keep our files open.
        ::close_range(3, ~0U, 0);
        if (::chdir(dir.c_str()) != 0) ::_exit(126);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return -1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A port number for the socket's name.  With listen_addresses='' nothing binds
// it, but the server also derives its shared-memory key from it, so take one
// the kernel says is free rather than a fixed 5432.
int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    int port = 0;
    if (fd >= 0) {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
            port = ntohs(a.sin_port);
        }
        ::close(fd);
    }
    return port > 0 ? port : 54000 + static_cast<int>(::getpid() % 1000);
}

// A fresh directory `parent`/<prefix>XXXXXX, owned by `owner` when given.
Result<fs::path> make_dir(const fs::path& parent, std::string_view prefix, const passwd* owner) {
    std::string tmpl = (parent / fmt::format("{}XXXXXX", prefix)).string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
        return Error{Errc::io, fmt::format("cannot create a directory under '{}': {}",
                                           parent.string(), std::strerror(errno))};
    }
    if (owner != nullptr && ::chown(tmpl.c_str(), owner->pw_uid, owner->pw_gid) != 0) {
        const int e = errno;
        std::error_code ec;
        fs::remove(tmpl, ec);
        return Error{Errc::io, fmt::format("cannot give '{}' to the postgres user: {}", tmpl,
                                           std::strerror(e))};
    }
    return fs::path(tmpl);
}

// A value for postgresql.conf: single-quoted, quotes doubled.
std::string conf_quote(std::string_view s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += '\'';
        out += c;
    }
    return out + "'";
}

// A value for a libpq connection string: single-quoted, ' and \ escaped.
std::string conninfo_quote(std::string_view s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    return out + "'";
}

}  // namespace

Result<fs::path> PgServer::find_binaries() {
    const fs::path bin(kBinDir);
    for (const char* tool : {"initdb", "pg_ctl", "postgres"}) {
        if (!is_executable(bin / tool)) {
            return Error{Errc::not_found,
                         fmt::format("postgresql 15 server binaries not found ('{}' is missing): "
                                     "install them with .ci/install-deps --bench",
                                     (bin / tool).string())};
        }
    }
    return bin;
}

Result<std::unique_ptr<PgServer>> PgServer::start(const fs::path& work_dir) {
    try {
        auto bin = find_binaries();
        if (!bin.ok()) return bin.error();
        std::unique_ptr<PgServer> s(new PgServer);
        s->bin_ = bin.value();

        const passwd* owner = nullptr;
        std::string runuser;
        if (::geteuid() == 0) {
            owner = ::getpwnam("postgres");
            runuser = find_runuser();
            if (owner == nullptr || runuser.empty()) {
                return Error{Errc::not_found,
                             "running as root needs the 'postgres' system user and runuser to "
                             "start the server (initdb refuses root): install postgresql-15 with "
                             ".ci/install-deps --bench"};
            }
            s->run_as_postgres_ = true;
        }
        // Prefixes a command so it runs as the server's owner.
        auto as_owner = [&](std::vector<std::string> argv) {
            if (!s->run_as_postgres_) return argv;
            std::vector<std::string> out{runuser, "-u", "postgres", "--"};
            out.insert(out.end(), argv.begin(), argv.end());
            return out;
        };

        std::error_code ec;
        fs::create_directories(work_dir, ec);
        if (ec) {
            return Error{Errc::io,
                         fmt::format("cannot create '{}': {}", work_dir.string(), ec.message())};
        }
        auto dir = make_dir(fs::absolute(work_dir), "pg-", owner);
        if (!dir.ok()) return dir.error();
        s->dir_ = dir.value();
        // The postgres user needs to traverse every directory above the data
        // directory; a work dir made by mkdtemp (mode 0700, root's) is not, so
        // fall back to the system temp directory rather than loosen its modes.
        if (s->run_as_postgres_ && run_command(as_owner({"/usr/bin/test", "-w", s->dir_.string()}),
                                               "/dev/null", "/") != 0) {
            fs::remove_all(s->dir_, ec);
            s->dir_.clear();
            auto fallback = make_dir(fs::temp_directory_path(), "atlas-pg-", owner);
            if (!fallback.ok()) return fallback.error();
            s->dir_ = fallback.value();
            if (run_command(as_owner({"/usr/bin/test", "-w", s->dir_.string()}), "/dev/null",
                            "/") != 0) {
                return Error{Errc::io,
                             fmt::format("the postgres user cannot write '{}'", s->dir_.string())};
            }
        }
        s->socket_dir_ = s->dir_;
        if ((s->dir_ / ".s.PGSQL.65535").string().size() > kMaxSocketPath) {
            auto sock = make_dir("/tmp", "atlas-pgsock-", owner);
            if (!sock.ok()) return sock.error();
            s->socket_dir_ = sock.value();
        }
        s->port_ = free_port();

        const fs::path data = s->dir_ / "data";
        const fs::path setup_log = s->dir_ / "setup.log";
        const fs::path server_log = s->dir_ / "server.log";
        auto failure = [&](std::string_view what) {
            std::string logs = log_tail(server_log, 8);
            if (logs.empty()) logs = log_tail(setup_log, 8);
            return Error{Errc::unavailable,
                         fmt::format("postgresql: {} failed (see {}): {}", what, s->dir_.string(),
                                     logs.empty() ? "no log output" : logs)};
        };

        // C locale: text sorts bytewise, as SQLite's BINARY and atlas's value slots do.
        if (run_command(as_owner({(s->bin_ / "initdb").string(), "-D", data.string(), "-U",
                                  std::string(kSuperuser), "--auth=trust", "--encoding=UTF8",
                                  "--locale=C", "--no-sync", "--no-instructions"}),
                        setup_log, s->dir_) != 0) {
            return failure("initdb");
        }

        // Bench settings: a throwaway server, so durability is off (fsync,
        // synchronous_commit, full_page_writes) and WAL is minimal (a table
        // created and loaded in one transaction skips it).  Memory as a small
        // dedicated server would have it.  One core per query, like the other
        // engines (no parallel workers), and no JIT, which adds compile time
        // to "expensive" plans and which portal deployments switch off.
        // autovacuum off: build() runs VACUUM ANALYZE itself, and nothing
        // else should run while the bench measures.
        std::ofstream conf(data / "postgresql.conf", std::ios::app);
        conf << "\n# atlas bench (bench/pg_server.cpp)\n"
             << "listen_addresses = ''\n"
             << "port = " << s->port_ << "\n"
             << "unix_socket_directories = " << conf_quote(s->socket_dir_.string()) << "\n"
             << "max_connections = 20\n"
             << "fsync = off\n"
             << "synchronous_commit = off\n"
             << "full_page_writes = off\n"
             << "wal_level = minimal\n"
             << "max_wal_senders = 0\n"
             << "max_wal_size = 4GB\n"
             << "shared_buffers = 256MB\n"
             << "work_mem = 64MB\n"
             << "maintenance_work_mem = 512MB\n"
             << "max_parallel_workers_per_gather = 0\n"
             << "jit = off\n"
             << "autovacuum = off\n";
        conf.close();
        if (!conf) {
            return Error{Errc::io,
                         fmt::format("cannot write '{}'", (data / "postgresql.conf").string())};
        }

        s->running_ = true;  // a start that timed out may have left a server behind
        if (run_command(as_owner({(s->bin_ / "pg_ctl").string(), "start", "-D", data.string(), "-l",
                                  server_log.string(), "-w", "-t", "60", "-s"}),
                        setup_log, s->dir_) != 0) {
            return failure("pg_ctl start");
        }
        return s;
    } catch (const std::exception& e) {
        return Error{Errc::internal, fmt::format("postgresql: {}", e.what())};
    }
}

PgServer::~PgServer() {
    if (running_) {
        std::vector<std::string> argv{(bin_ / "pg_ctl").string(),
                                      "stop",
                                      "-D",
                                      (dir_ / "data").string(),
                                      "-m",
                                      "fast",
                                      "-w",
                                      "-t",
                                      "60",
                                      "-s"};
        if (run_as_postgres_) {
            const std::string runuser = find_runuser();
            argv.insert(argv.begin(), {runuser, "-u", "postgres", "--"});
        }
        (void)run_command(std::move(argv), dir_ / "setup.log", dir_);
    }
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
    if (!socket_dir_.empty() && socket_dir_ != dir_) fs::remove_all(socket_dir_, ec);
}

std::string PgServer::conninfo(std::string_view dbname) const {
    return fmt::format("host={} port={} dbname={} user={}", conninfo_quote(socket_dir_.string()),
                       port_, conninfo_quote(dbname), kSuperuser);
}

}  // namespace atlas::bench
