// pg_server.h - a private PostgreSQL 15 server the benchmark starts for itself.
//
// The server lives in a fresh directory (data directory, unix socket, logs),
// listens on its unix socket only, runs with durability switched off (it is a
// throwaway bench server), and is stopped and removed by the destructor.  It
// uses the Debian package's binaries (/usr/lib/postgresql/15/bin, installed by
// .ci/install-deps --bench).  initdb refuses to run as root, so under root the
// server runs as the package's `postgres` system user.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "atlas/error.h"

namespace atlas::bench {

class PgServer {
  public:
    // The directory holding initdb, pg_ctl and postgres.  Errors: not_found
    // (the message says how to install them).  Cost: a few stat calls.
    static Result<std::filesystem::path> find_binaries();

    // Runs initdb and starts a server in a fresh directory under `work_dir`
    // (under root, when the postgres user cannot reach `work_dir`, under the
    // system temp directory instead; see dir()).  Waits until it accepts
    // connections.  Errors: not_found (binaries, or the postgres user under
    // root), io (directories), unavailable (initdb or the start failed; the
    // message ends with the last lines of the logs).  Cost: about a second.
    static Result<std::unique_ptr<PgServer>> start(const std::filesystem::path& work_dir);

    PgServer(const PgServer&) = delete;
    PgServer& operator=(const PgServer&) = delete;
    // Stops the server (pg_ctl stop -m fast) and removes its directories.
    // Connections still open are cut.
    ~PgServer();

    // A libpq connection string for `dbname` as the server's superuser, over
    // the unix socket.  Thread-safe.
    std::string conninfo(std::string_view dbname) const;
    // The directory holding the data directory, the socket and the logs.
    const std::filesystem::path& dir() const { return dir_; }

  private:
    PgServer() = default;

    std::filesystem::path bin_;
    std::filesystem::path dir_;         // removed by the destructor
    std::filesystem::path socket_dir_;  // dir_, or a short path when dir_ is too long
    bool run_as_postgres_ = false;      // under root: run initdb and pg_ctl as `postgres`
    bool running_ = false;
    int port_ = 0;
};

}  // namespace atlas::bench
