// http_server.cpp - Server: cpp-httplib set up with our routes, admission, logs and shutdown.
#include <fmt/format.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <regex>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <thread>

#include "admission.h"
#include "atlas/server.h"
#include "request_limits.h"
#include "reply.h"
#include "routes.h"

namespace atlas {
namespace {

using Clock = std::chrono::steady_clock;

// What the pre-routing handler learns about the request its thread serves,
// for the logger that runs on the same thread once it is answered.
struct Current {
    Clock::time_point start;
    const char* route = "other";
    bool counted = false;  // in flight: the logger takes it off
};
thread_local Current tl_current;

bool g_signals = false;  // wait_for_signals() was called

std::string utc_time() {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// cpp-httplib 0.11 listens with a backlog of 5: a burst of new connections
// (64 clients starting at once, or reconnecting) overflows it, and the kernel
// drops their handshakes, which clients retry only after a second or more.
// It gives no access to its socket, so the listening socket bound to `port`
// is found among the process's descriptors and listened on again with the
// system's largest backlog (Linux takes a second listen() as a new backlog).
void raise_backlog(int port) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
        int fd = std::atoi(entry.path().filename().c_str());
        int listening = 0;
        socklen_t size = sizeof listening;
        sockaddr_storage addr{};
        socklen_t addr_size = sizeof addr;
        if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &size) != 0 || !listening ||
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &addr_size) != 0) {
            continue;
        }
        int bound = addr.ss_family == AF_INET
                        ? ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port)
                        : addr.ss_family == AF_INET6
                              ? ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port)
                              : -1;
        if (bound == port) ::listen(fd, SOMAXCONN);
    }
}

}  // namespace

struct Server::Impl {
    ServeOptions options;
    server::State state;
    httplib::Server http;
    std::thread listener;
    // Owned by `http`, which deletes it when its loop ends: null from then on.
    std::atomic<server::AdmissionQueue*> queue{nullptr};
    std::atomic<bool> stopped{false};
    std::atomic<bool> draining{false};
    int port = 0;

    explicit Impl(const ServeOptions& o)
        : options(o),
          state{options, server::SearcherPool(options.index_dir, searching_slots(o)), {}, {}} {}

    static unsigned searching_slots(const ServeOptions& o) {
        return o.searching > 0 ? o.searching : std::max(1u, std::thread::hardware_concurrency());
    }

    void set_up();
    void add_routes();
    httplib::Server::HandlerResponse before(const httplib::Request& req, httplib::Response& res);
    void after(const httplib::Request& req, const httplib::Response& res);
    void on_error(const httplib::Request& req, httplib::Response& res);
    void allow_origin(const httplib::Request& req, httplib::Response& res) const;
};

void Server::Impl::set_up() {
    http.new_task_queue = [this] {
        auto* made = new server::AdmissionQueue(options.threads, options.queue, state.metrics.rejected);
        queue = made;
        return made;
    };
    http.set_payload_max_length(server::kMaxBodyBytes);  // beyond: 413
    http.set_keep_alive_max_count(options.keep_alive_requests);
    http.set_keep_alive_timeout(options.keep_alive_seconds);
    http.set_read_timeout(10, 0);
    // A response goes out as headers, then body: with Nagle's algorithm the
    // body waits for the headers' ACK, which a proxy (HAProxy) delays 40 ms.
    http.set_tcp_nodelay(true);
    http.set_write_timeout(10, 0);
    http.set_pre_routing_handler(
        [this](const httplib::Request& req, httplib::Response& res) { return before(req, res); });
    http.set_logger(
        [this](const httplib::Request& req, const httplib::Response& res) { after(req, res); });
    http.set_error_handler(
        [this](const httplib::Request& req, httplib::Response& res) { on_error(req, res); });
    http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        server::reply_error(res, 500, "internal", "the server failed on this request");
    });
    add_routes();
}

void Server::Impl::add_routes() {
    for (const auto& route : server::routes()) {
        auto handler = [this, &route](const httplib::Request& req, httplib::Response& res) {
            tl_current.route = route.name;
            route.handle(state, req, res);
        };
        if (std::string_view(route.method) == "GET") {
            http.Get(route.pattern, handler);
        } else {
            http.Post(route.pattern, handler);
        }
    }
    http.Options(".*", [this](const httplib::Request& req, httplib::Response& res) {
        tl_current.route = "preflight";
        bool known = std::any_of(server::routes().begin(), server::routes().end(), [&](const auto& r) {
            return std::regex_match(req.path, std::regex(r.pattern));
        });
        if (!known) {
            return server::reply_error(res, 404, "not_found", fmt::format("no route {}", req.path));
        }
        res.status = 204;
        allow_origin(req, res);
        res.set_header("Access-Control-Allow-Methods", "GET, POST");
        res.set_header("Access-Control-Allow-Headers", "Content-Type, If-None-Match");
        res.set_header("Access-Control-Max-Age", "600");
    });
}

void Server::Impl::allow_origin(const httplib::Request& req, httplib::Response& res) const {
    std::string origin = req.get_header_value("Origin");
    const auto& allowed = options.cors_origins;
    if (origin.empty() || std::find(allowed.begin(), allowed.end(), origin) == allowed.end()) return;
    res.set_header("Access-Control-Allow-Origin", origin);
    res.set_header("Access-Control-Expose-Headers", "ETag, Retry-After, X-Total-Count, X-Atlas-Truncated");
    res.set_header("Vary", "Origin");
}

httplib::Server::HandlerResponse Server::Impl::before(const httplib::Request& req,
                                                      httplib::Response& res) {
    tl_current = {Clock::now(), "other", true};
    state.metrics.in_flight.fetch_add(1, std::memory_order_relaxed);
    allow_origin(req, res);
    if (draining) res.set_header("Connection", "close");  // stopping: no next request here
    if (!server::AdmissionQueue::rejecting()) return httplib::Server::HandlerResponse::Unhandled;
    tl_current.route = "rejected";
    res.set_header("Connection", "close");
    server::reply_error(res, 503, "overloaded",
                        "every worker is busy and the queue is full; retry after a second");
    return httplib::Server::HandlerResponse::Handled;
}

// A status the routes did not write (no route, wrong method, too large) as
// our JSON error.
void Server::Impl::on_error(const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 404) {
        std::string allow;
        for (const auto& route : server::routes()) {
            if (!std::regex_match(req.path, std::regex(route.pattern))) continue;
            if (allow.find(route.method) == std::string::npos) {
                allow += (allow.empty() ? "" : ", ") + std::string(route.method);
            }
        }
        if (!allow.empty()) {
            res.set_header("Allow", allow);
            return server::reply_error(res, 405, "method_not_allowed",
                                       fmt::format("{} takes {}, not {}", req.path, allow, req.method));
        }
        return server::reply_error(res, 404, "not_found",
                                   fmt::format("no route {} {}", req.method, req.path));
    }
    if (res.status == 413) {
        // cpp-httplib reads a form-encoded body (curl -d without a Content-Type)
        // only up to 8 KiB.
        bool form = req.get_header_value("Content-Type") == "application/x-www-form-urlencoded";
        return server::reply_error(
            res, 413, "too_large",
            form ? "a form-encoded body is at most 8192 bytes: send JSON as application/json "
                   "(at most 65536 bytes)"
                 : fmt::format("the body is over {} bytes", server::kMaxBodyBytes));
    }
    if (res.status == 414) {
        return server::reply_error(res, 414, "uri_too_long", "the URI is over 8192 bytes");
    }
    server::reply_error(res, res.status, "invalid_request",
                        fmt::format("the request cannot be read (HTTP {})", res.status));
}

void Server::Impl::after(const httplib::Request& req, const httplib::Response& res) {
    double seconds = 0;
    if (tl_current.counted) {
        seconds = std::chrono::duration<double>(Clock::now() - tl_current.start).count();
        state.metrics.in_flight.fetch_sub(1, std::memory_order_relaxed);
    }
    state.metrics.record(tl_current.route, res.status, seconds);
    tl_current = {};
    if (options.access_log == nullptr) return;
    std::string target = req.target.size() > 512 ? req.target.substr(0, 512) + "..." : req.target;
    std::fprintf(options.access_log, "%s %s %s %s %d %zu %.3fms\n", utc_time().c_str(),
                 req.remote_addr.c_str(), req.method.c_str(), server::json_string(target).c_str(),
                 res.status, res.body.size(), seconds * 1000);
    std::fflush(options.access_log);
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::Server(Server&&) noexcept = default;
Server& Server::operator=(Server&&) noexcept = default;
Server::~Server() {
    if (!impl_) return;
    stop();
    if (impl_->listener.joinable()) impl_->listener.join();
}

Result<Server> Server::start(const ServeOptions& options) {
    auto impl = std::make_unique<Impl>(options);
    // The index is opened now to say at once what is wrong with it; with no
    // index yet the server still starts (/ready answers 503 until one is built).
    auto probe = impl->state.searchers.with_searcher([](Searcher&) {});
    if (!probe.ok() && probe.error().code != Errc::unavailable) return probe.error();
    impl->set_up();
    impl->port = options.port == 0 ? impl->http.bind_to_any_port(options.bind)
                                   : (impl->http.bind_to_port(options.bind, options.port)
                                          ? options.port
                                          : -1);
    if (impl->port <= 0) {
        return Error{Errc::unavailable,
                     fmt::format("cannot listen on {}:{}", options.bind, options.port)};
    }
    raise_backlog(impl->port);
    Impl* raw = impl.get();
    impl->listener = std::thread([raw] {
        raw->http.listen_after_bind();
        raw->queue = nullptr;
    });
    return Server(std::move(impl));
}

int Server::port() const { return impl_->port; }

// Connections accepted but not yet read are closed unanswered by cpp-httplib's
// stop() (it checks the listener before reading), so stop() first lets the
// queue drain, for at most kDrainSeconds, telling each client answered that
// the connection closes; then it stops accepting.
constexpr int kDrainSeconds = 5;

void Server::stop() {
    if (impl_->stopped.exchange(true)) return;  // once: the destructor stops too
    impl_->draining = true;
    for (int i = 0; i < kDrainSeconds * 100; ++i) {
        server::AdmissionQueue* queue = impl_->queue;
        if (queue == nullptr || queue->waiting() == 0) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    // cpp-httplib's stop() does nothing before its loop runs: wait for it.
    for (int i = 0; i < 500 && !impl_->http.is_running() && impl_->listener.joinable(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    impl_->http.stop();
}

void Server::wait_for_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    g_signals = true;
}

void Server::wait() {
    if (g_signals) {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        timespec tick{0, 200 * 1000 * 1000};
        while (!impl_->stopped) {
            if (sigtimedwait(&set, nullptr, &tick) > 0) break;
        }
        stop();
    }
    if (impl_->listener.joinable()) impl_->listener.join();
}

}  // namespace atlas
