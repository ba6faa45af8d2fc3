// server_test.cpp - atlas-search serve as a client sees it: routes, errors,
// limits, caching, admission, generations and shutdown (server/).
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <chrono>
#include <thread>

#include "atlas/manifest.h"
#include "atlas/panosc.h"
#include "atlas/server.h"
#include "test_util.h"

namespace atlas {
namespace {

// A server on a free port of loopback, stopped when it goes.
struct Running {
    explicit Running(ServeOptions options = {}) {
        if (options.index_dir.empty()) options.index_dir = test::portal_index().dir;
        options.port = 0;
        options.access_log = nullptr;
        auto started = Server::start(options);
        REQUIRE_MESSAGE(started.ok(), (started.ok() ? "" : started.error().message));
        server = std::make_unique<Server>(std::move(started).value());
        client = std::make_unique<httplib::Client>("127.0.0.1", server->port());
        // One connection, as a backend keeps: each request is logged and
        // counted before the next is read (a new connection per request may
        // reach another worker before the last one's counting is done).
        client->set_keep_alive(true);
    }
    httplib::Result get(const std::string& target, httplib::Headers headers = {}) {
        return client->Get(target.c_str(), headers);
    }
    httplib::Result post(const std::string& target, const std::string& body) {
        return client->Post(target.c_str(), body, "application/json");
    }
    std::unique_ptr<Server> server;
    std::unique_ptr<httplib::Client> client;
};

// The response without what differs between two runs of one request.
std::string without_time(std::string json) {
    auto at = json.find("\"took_ms\":");
    if (at == std::string::npos) return json;
    auto end = json.find(',', at);
    return json.erase(at, end - at);
}

std::string local_json(const SearchRequest& request) {
    auto result = test::portal_searcher().search(request);
    REQUIRE(result.ok());
    return without_time(to_json(result.value()));
}

// A connection to the server that sends nothing: it holds a worker until
// the server's read timeout.
int idle_connection(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    return fd;
}

}  // namespace

TEST_CASE("server: a damaged new generation is refused by every slot, the old one served") {
    test::TempDir dir;
    auto index = (dir.path() / "index").string();
    auto build = [&] {
        auto built = test::run_tool(test::atlas_index_bin(),
                                    {"build", "--source", "cryoet=" + test::sample_cryoet().string(),
                                     "--out", index, "--quiet"});
        REQUIRE(built.exit_code == 0);
    };
    build();
    ServeOptions options;
    options.index_dir = index;
    options.searching = 4;
    Running s(options);
    auto before = s.get("/v1/search?q=ribosome");
    REQUIRE(before);
    REQUIRE(before->status == 200);
    build();
    auto columns = std::filesystem::path(index) / "gen-000002" / "columns.atlas";
    std::filesystem::resize_file(columns, std::filesystem::file_size(columns) / 2);
    // Concurrent requests open new slots: each must serve gen-000001 too.
    std::vector<std::thread> clients;
    std::atomic<int> ok{0};
    for (int i = 0; i < 8; ++i) {
        clients.emplace_back([&] {
            httplib::Client c("127.0.0.1", s.server->port());
            auto r = c.Get("/v1/search?q=ribosome");
            if (r && r->status == 200 && without_time(r->body) == without_time(before->body)) ++ok;
        });
    }
    for (auto& t : clients) t.join();
    CHECK(ok == 8);
    auto ready = s.get("/ready");
    REQUIRE(ready);
    CHECK(ready->status == 200);
    CHECK(ready->body.find("\"generation\":\"gen-000001\"") != std::string::npos);
    CHECK(ready->body.find("\"refused\":\"generation '") != std::string::npos);
    CHECK(ready->body.find("columns.atlas has ") != std::string::npos);
    auto metrics = s.get("/metrics");
    REQUIRE(metrics);
    CHECK(metrics->body.find("\natlas_index_refused 1\n") != std::string::npos);

    build();  // a good gen-000003 is taken up
    auto after = s.get("/ready");
    REQUIRE(after);
    CHECK(after->body.find("gen-000003") != std::string::npos);
    CHECK(after->body.find("refused") == std::string::npos);
}

TEST_CASE("server: GET and POST searches answer what the library answers") {
    Running s;
    SearchRequest request;
    request.query = "ribosome";
    request.kinds = {"annotation", "run"};
    request.filters = {{.field = "organism", .values = {"Schizosaccharomyces pombe 972h-"}, .mode = Filter::Mode::any}};
    request.facets = {{.field = "organism", .size = 5, .prefix = {}}};
    request.sort = {{.field = "release_date", .descending = true}};
    request.limit = 7;
    std::string expected = local_json(request);

    auto get = s.get("/v1/search?q=ribosome&kind=annotation&kind=run&filter=organism%3DSchizosaccharomyces%20pombe%20972h-"
                     "&facets=organism:5&sort=release_date:desc&limit=7");
    REQUIRE(get);
    CHECK(get->status == 200);
    CHECK(get->get_header_value("Content-Type") == "application/json");
    CHECK(without_time(get->body) == expected);

    auto post = s.post("/v1/search", to_json(request));
    REQUIRE(post);
    CHECK(post->status == 200);
    CHECK(without_time(post->body) == expected);
    CHECK(expected.find("\"total\":0,") == std::string::npos);  // it found something
}

TEST_CASE("server: a bad request is one JSON line naming the member or parameter and value") {
    Running s;
    auto unknown = s.get("/v1/search?q=x&limt=5");
    REQUIRE(unknown);
    CHECK(unknown->status == 400);
    CHECK(unknown->body.find("unknown parameter 'limt'") != std::string::npos);
    CHECK(unknown->body.starts_with("{\"error\":{\"code\":\"invalid_request\""));

    auto twice = s.get("/v1/search?q=x&limit=1&limit=2");
    REQUIRE(twice);
    CHECK(twice->status == 400);
    CHECK(twice->body.find("parameter 'limit' is given 2 times") != std::string::npos);
    auto kinds = s.get("/v1/search?q=ribosome&kind=run&kind=annotation");
    REQUIRE(kinds);
    CHECK(kinds->status == 200);  // lists add up

    auto paged = s.get("/v1/facets/organism?prefix=sch&limit=5");
    REQUIRE(paged);
    CHECK(paged->status == 400);
    CHECK(paged->body.find("does not take parameter 'limit'") != std::string::npos);

    auto member = s.post("/v1/search", R"({"query":"x","limt":5})");
    REQUIRE(member);
    CHECK(member->status == 400);
    CHECK(member->body.find("limt") != std::string::npos);

    auto field = s.get("/v1/search?filter=colour%3Dred");
    REQUIRE(field);
    CHECK(field->status == 400);
    CHECK(field->body.find("colour") != std::string::npos);

    auto limit = s.get("/v1/search?limit=5000");
    REQUIRE(limit);
    CHECK(limit->status == 400);
    CHECK(limit->body.find("limit='5000'") != std::string::npos);

    auto bytes = s.get("/v1/search?q=%FF%FE");
    REQUIRE(bytes);
    CHECK(bytes->status == 400);
    CHECK(bytes->body.find("\"invalid_query\"") != std::string::npos);
}

TEST_CASE("server: the caps on a request's cost answer 400, 413 and 414") {
    Running s;
    std::string words;
    for (int i = 0; i < 65; ++i) words += fmt::format("w{}%20", i);
    auto many = s.get("/v1/search?q=" + words);
    REQUIRE(many);
    CHECK(many->status == 400);
    CHECK(many->body.find("query words is 65; at most 64") != std::string::npos);

    auto deep = s.post("/v1/search", fmt::format(R"({{"query":"{}x{}"}})", std::string(17, '('),
                                                 std::string(17, ')')));
    REQUIRE(deep);
    CHECK(deep->status == 400);
    CHECK(deep->body.find("nesting is 17") != std::string::npos);

    auto window = s.get("/v1/search?offset=9500&limit=600");
    REQUIRE(window);
    CHECK(window->status == 400);
    CHECK(window->body.find("offset + limit is 10100; at most 10000") != std::string::npos);

    std::string child = R"({"kind":"annotation"})";
    for (int i = 0; i < 4; ++i) child = fmt::format(R"({{"kind":"run","has_children":[{}]}})", child);
    auto nested = s.post("/v1/search", fmt::format(R"({{"has_children":[{}]}})", child));
    REQUIRE(nested);
    CHECK(nested->status == 400);
    CHECK(nested->body.find("has_children depth is 5") != std::string::npos);

    auto wild = s.get("/v1/search?q=a*%20OR%20b*%20OR%20c*%20OR%20d*%20OR%20e*%20OR%20f*%20OR%20g*%20OR%20h*%20OR%20i*");
    REQUIRE(wild);
    CHECK(wild->status == 400);
    CHECK(wild->body.find("wildcards (*) is 9; at most 8") != std::string::npos);

    auto explained = s.get("/v1/search?q=ribosome&explain=1&limit=51");
    REQUIRE(explained);
    CHECK(explained->status == 400);
    CHECK(explained->body.find("limit with explain is 51; at most 50") != std::string::npos);

    std::vector<std::string> runs(33, R"({"kind":"run"})");
    auto wide = s.post("/v1/search", fmt::format(R"({{"has_children":[{}]}})", fmt::join(runs, ",")));
    REQUIRE(wide);
    CHECK(wide->status == 400);
    CHECK(wide->body.find("has_children count (all levels) is 33; at most 32") != std::string::npos);

    auto body = s.post("/v1/search", std::string(70 * 1024, ' '));
    REQUIRE(body);
    CHECK(body->status == 413);
    CHECK(body->body.find("\"too_large\"") != std::string::npos);

    auto uri = s.get("/v1/search?q=" + std::string(9000, 'a'));
    REQUIRE(uri);
    CHECK(uri->status == 414);
    CHECK(uri->body.find("\"uri_too_long\"") != std::string::npos);
}

TEST_CASE("server: unknown routes are 404 and wrong methods 405, as JSON") {
    Running s;
    auto none = s.get("/v2/search");
    REQUIRE(none);
    CHECK(none->status == 404);
    CHECK(none->body.find("\"not_found\"") != std::string::npos);

    auto wrong = s.client->Delete("/v1/search");
    REQUIRE(wrong);
    CHECK(wrong->status == 405);
    CHECK(wrong->body.find("\"method_not_allowed\"") != std::string::npos);
    CHECK(wrong->get_header_value("Allow") == "GET, POST");

    auto preflight = s.client->Options("/v1/search");
    REQUIRE(preflight);
    CHECK(preflight->status == 204);
    auto nowhere = s.client->Options("/v2/nowhere");
    REQUIRE(nowhere);
    CHECK(nowhere->status == 404);
}

TEST_CASE("server: an ETag names the generation and the request, and If-None-Match gets 304") {
    Running s;
    auto first = s.get("/v1/search?q=lung");
    REQUIRE(first);
    std::string etag = first->get_header_value("ETag");
    CHECK(etag.find("gen-") != std::string::npos);
    auto again = s.get("/v1/search?q=lung", {{"If-None-Match", etag}});
    REQUIRE(again);
    CHECK(again->status == 304);
    CHECK(again->body.empty());
    auto other = s.get("/v1/search?q=liver");
    REQUIRE(other);
    CHECK(other->get_header_value("ETag") != etag);
    CHECK(first->get_header_value("Vary") == "Accept-Encoding");
    // A proxy that gzips makes it weak, and a cache may send several.
    std::string strong = etag.substr(etag.find('"'));
    auto listed = s.get("/v1/search?q=lung", {{"If-None-Match", "\"other\", " + strong}});
    REQUIRE(listed);
    CHECK(listed->status == 304);
    auto changed = s.get("/v1/search?q=liver", {{"If-None-Match", etag}});
    REQUIRE(changed);
    CHECK(changed->status == 200);
}

TEST_CASE("server: gzip when the client asks for it") {
    Running s;
    auto plain = s.get("/v1/search?q=ribosome&limit=50");
    auto zipped = s.get("/v1/search?q=ribosome&limit=50", {{"Accept-Encoding", "gzip"}});
    REQUIRE(plain);
    REQUIRE(zipped);
    CHECK(plain->get_header_value("Content-Encoding").empty());
    CHECK(zipped->get_header_value("Content-Encoding") == "gzip");
}

TEST_CASE("server: a record in full with its children's counts, and 404 for none") {
    Running s;
    auto dataset = s.get("/v1/records/cryoet%3Adataset%3A10000");
    REQUIRE(dataset);
    CHECK(dataset->status == 200);
    CHECK(dataset->body.starts_with("{\"record\":{\"rank\":1,\"id\":\"cryoet:dataset:10000\""));
    CHECK(dataset->body.find("\"children\":{") != std::string::npos);
    CHECK(dataset->body.find("\"run\":") != std::string::npos);

    auto missing = s.get("/v1/records/cryoet%3Adataset%3A99999999");
    REQUIRE(missing);
    CHECK(missing->status == 404);
    CHECK(missing->body.find("no record 'cryoet:dataset:99999999'") != std::string::npos);
    auto control = s.get("/v1/records/%00");
    REQUIRE(control);
    CHECK(control->status == 404);
}

TEST_CASE("server: facet-value search counts what the query and the other filters match") {
    Running s;
    auto all = s.get("/v1/facets/organism?prefix=sacch");
    REQUIRE(all);
    CHECK(all->status == 200);
    CHECK(all->body.find("\"value\":\"Saccharomyces cerevisiae\"") != std::string::npos);

    SearchRequest request;
    request.query = "ribosome";
    request.facets = {{.field = "organism", .size = 20, .prefix = "sacch"}};
    request.limit = 0;
    auto local = test::portal_searcher().search(request);
    REQUIRE(local.ok());
    auto narrowed = s.get("/v1/facets/organism?prefix=sacch&q=ribosome");
    REQUIRE(narrowed);
    CHECK(narrowed->body == to_json(local.value().facets.front()));
    CHECK(narrowed->body != all->body);
}

TEST_CASE("server: the manifest of a whole result set is the CLI's, records without a route listed") {
    Running s;
    SearchRequest request;
    request.query = "ribosome";
    auto whole = manifest_of(test::portal_searcher(), request, ManifestFormat::s3, 100000);
    REQUIRE(whole.ok());
    REQUIRE(!whole.value().manifest.lines.empty());
    auto got = s.get("/v1/manifest?format=s3&q=ribosome");
    REQUIRE(got);
    CHECK(got->status == 200);
    std::string expected;
    for (const auto& line : whole.value().manifest.lines) expected += line + "\n";
    for (const auto& skip : whole.value().manifest.skipped) {
        expected += "# " + skip.id + ": " + skip.reason + "\n";
    }
    CHECK(got->body == expected);
    CHECK(got->body.find("aws s3 sync --no-sign-request s3://") != std::string::npos);

    auto htan = s.post("/v1/manifest?format=drs", R"({"query":"","sources":["htan"],"kinds":["file"]})");
    REQUIRE(htan);
    CHECK(htan->status == 200);
    CHECK(htan->body.starts_with("name,drs_uri\n"));
    CHECK(htan->body.find("\n# htan:file:") != std::string::npos);  // files with no DRS route, said why

    auto bad = s.get("/v1/manifest?format=zip&q=x");
    REQUIRE(bad);
    CHECK(bad->status == 400);
    CHECK(bad->body.find("format='zip'") != std::string::npos);
}

TEST_CASE("server: health, readiness, stats, fields and metrics say what is served") {
    Running s;
    CHECK(s.get("/health")->body == R"({"status":"ok"})");
    auto ready = s.get("/ready");
    REQUIRE(ready);
    CHECK(ready->status == 200);
    CHECK(ready->body.find("\"records\":" + std::to_string(test::portal_searcher().record_count())) !=
          std::string::npos);
    auto stats = s.get("/v1/stats");
    REQUIRE(stats);
    CHECK(stats->body.find("\"cryoet\":{\"records\":") != std::string::npos);
    CHECK(stats->body.find("\"story\":") != std::string::npos);
    auto fields = s.get("/v1/fields");
    REQUIRE(fields);
    CHECK(fields->body.find(R"({"name":"voxel_spacing","type":"number","unit":"Å")") !=
          std::string::npos);
    auto metrics = s.get("/metrics");
    REQUIRE(metrics);
    CHECK(metrics->get_header_value("Content-Type").starts_with("text/plain"));
    CHECK(metrics->body.find("atlas_http_requests_total{route=\"/v1/stats\",status=\"200\"} 1") !=
          std::string::npos);
    CHECK(metrics->body.find("atlas_http_request_duration_seconds_bucket{route=\"/ready\",le=\"+Inf\"} 1") !=
          std::string::npos);
    CHECK(metrics->body.find("atlas_index_records " +
                             std::to_string(test::portal_searcher().record_count())) !=
          std::string::npos);
}

TEST_CASE("server: the page and the OpenAPI document are served from the binary") {
    Running s;
    auto page = s.get("/");
    REQUIRE(page);
    CHECK(page->status == 200);
    CHECK(page->get_header_value("Content-Type").starts_with("text/html"));
    CHECK(page->body.find("<html") != std::string::npos);
    auto openapi = s.get("/openapi.json");
    REQUIRE(openapi);
    CHECK(openapi->body == test::read_file(std::string(ATLAS_SOURCE_DIR) + "/server/openapi.json"));
}

TEST_CASE("server: CORS headers only for an origin the options allow") {
    ServeOptions options;
    options.cors_origins = {"https://portal.example.org"};
    Running s(options);
    auto allowed = s.get("/health", {{"Origin", "https://portal.example.org"}});
    REQUIRE(allowed);
    CHECK(allowed->get_header_value("Access-Control-Allow-Origin") == "https://portal.example.org");
    auto other = s.get("/health", {{"Origin", "https://evil.example.com"}});
    REQUIRE(other);
    CHECK(!other->has_header("Access-Control-Allow-Origin"));
}

TEST_CASE("server: a connection beyond the workers and the queue is told 503 with Retry-After") {
    ServeOptions options;
    options.threads = 1;
    options.queue = 0;
    Running s(options);
    int held = idle_connection(s.server->port());  // takes the only worker
    auto turned_away = s.get("/health");
    ::close(held);
    REQUIRE(turned_away);
    CHECK(turned_away->status == 503);
    CHECK(turned_away->get_header_value("Retry-After") == "1");
    CHECK(turned_away->body.find("\"overloaded\"") != std::string::npos);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    httplib::Client fresh("127.0.0.1", s.server->port());
    auto metrics = fresh.Get("/metrics");
    REQUIRE(metrics);
    CHECK(metrics->status == 200);
    CHECK(metrics->body.find("atlas_http_rejected_total 1") != std::string::npos);
}

TEST_CASE("server: it follows a new generation without a restart, and starts before the first") {
    test::TempDir dir;
    auto index = (dir.path() / "index").string();
    ServeOptions options;
    options.index_dir = index;
    Running s(options);
    auto none = s.get("/ready");
    REQUIRE(none);
    CHECK(none->status == 503);
    auto search_none = s.get("/v1/search?q=lung");
    REQUIRE(search_none);
    CHECK(search_none->status == 503);  // not ready: a load balancer tries another
    CHECK(search_none->get_header_value("Retry-After") == "1");

    auto built = test::run_tool(test::atlas_index_bin(),
                                {"build", "--source", "cryoet=" + test::sample_cryoet().string(),
                                 "--out", index, "--quiet"});
    REQUIRE(built.exit_code == 0);
    auto first = s.get("/ready");
    REQUIRE(first);
    CHECK(first->status == 200);
    CHECK(first->body.find("gen-000001") != std::string::npos);
    auto cryoet_only = s.get("/v1/search?q=lung");

    built = test::run_tool(test::atlas_index_bin(),
                           {"build", "--sources", std::string(ATLAS_DATA_DIR) + "/sources.json",
                            "--out", index, "--quiet"});
    REQUIRE(built.exit_code <= 1);
    auto second = s.get("/ready");
    REQUIRE(second);
    CHECK(second->body.find("gen-000002") != std::string::npos);
    auto all_portals = s.get("/v1/search?q=lung");
    REQUIRE(cryoet_only);
    REQUIRE(all_portals);
    CHECK(cryoet_only->body.find("\"total\":0,") != std::string::npos);
    CHECK(all_portals->body.find("\"total\":0,") == std::string::npos);
}

TEST_CASE("server: stop() lets a request in flight finish") {
    Running s;
    int fd = idle_connection(s.server->port());
    std::string head = "GET /health HTTP/1.1\r\nHost: test\r\n";
    REQUIRE(::write(fd, head.data(), head.size()) == static_cast<ssize_t>(head.size()));
    // The worker is reading the request (a connection whose reading has not
    // begun is closed at stop: cpp-httplib checks the listener first).
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::thread stopper([&] { s.server->stop(); });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto wrote = ::write(fd, "\r\n", 2);
    std::string reply;
    char buf[4096];
    // Until the server closes it: a stopping server keeps no connection alive.
    for (ssize_t n = 0; wrote == 2 && (n = ::read(fd, buf, sizeof buf)) > 0;) {
        reply.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    stopper.join();
    CHECK(reply.starts_with("HTTP/1.1 200"));
    CHECK(reply.find(R"({"status":"ok"})") != std::string::npos);
    s.server->wait();
    httplib::Client after("127.0.0.1", s.server->port());
    CHECK(!after.Get("/health"));  // no longer listening
}

// Reads from `fd` until `text` has arrived (or the connection ends).
std::string read_until(int fd, std::string_view text) {
    std::string got;
    char buf[4096];
    for (ssize_t n = 0; got.find(text) == std::string::npos && (n = ::read(fd, buf, sizeof buf)) > 0;) {
        got.append(buf, static_cast<std::size_t>(n));
    }
    return got;
}

TEST_CASE("server: stop() answers the connections waiting for a worker too") {
    ServeOptions options;
    options.threads = 1;
    options.queue = 4;
    Running s(options);
    int first = idle_connection(s.server->port());
    std::string head = "GET /health HTTP/1.1\r\nHost: test\r\n";
    REQUIRE(::write(first, head.data(), head.size()) == static_cast<ssize_t>(head.size()));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the only worker reads it
    int waiting = idle_connection(s.server->port());
    std::string whole = head + "\r\n";
    REQUIRE(::write(waiting, whole.data(), whole.size()) == static_cast<ssize_t>(whole.size()));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // queued behind it
    std::thread stopper([&] { s.server->stop(); });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    REQUIRE(::write(first, "\r\n", 2) == 2);
    std::string one = read_until(first, R"({"status":"ok"})");
    ::close(first);  // frees the worker for the waiting connection
    std::string two = read_until(waiting, R"({"status":"ok"})");
    ::close(waiting);
    stopper.join();
    CHECK(one.starts_with("HTTP/1.1 200"));
    CHECK(one.find("Connection: close") != std::string::npos);  // stopping: no next request
    CHECK(two.starts_with("HTTP/1.1 200"));
    CHECK(two.find(R"({"status":"ok"})") != std::string::npos);
}

TEST_CASE("server: atlas-search serve prints where it listens and exits 0 on SIGTERM") {
    int out[2];
    REQUIRE(::pipe(out) == 0);
    std::string bin = test::atlas_search_bin();
    std::string index = test::portal_index().dir;
    std::vector<std::string> args = {bin,    "serve",  "--index",      index,
                                     "--port", "0",    "--access-log", "off"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::dup2(out[1], 1);
        ::execv(bin.c_str(), argv.data());
        ::_exit(127);
    }
    ::close(out[1]);
    std::string line;
    char c = 0;
    while (::read(out[0], &c, 1) == 1 && c != '\n') line += c;
    ::close(out[0]);
    CHECK(line.starts_with("listening on http://127.0.0.1:"));
    auto port = std::stoi(line.substr(line.rfind(':') + 1));
    httplib::Client client("127.0.0.1", port);
    auto ready = client.Get("/ready");
    REQUIRE(ready);
    CHECK(ready->status == 200);
    ::kill(pid, SIGTERM);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);

    auto usage = test::run_tool(bin, {"serve", "--port", "70000"});
    CHECK(usage.exit_code == 2);
    CHECK(usage.err == "atlas-search serve: --port takes a whole number from 0 to 65535, not "
                       "'70000' (see atlas-search serve --help)\n");
}

// ------------------------------------------------------------------ /api: the PaNOSC search API

TEST_CASE("server: /api answers what the PaNOSC library answers, as the reference's clients read it") {
    ServeOptions options;
    options.cors_origins = {"https://search.panosc.eu"};
    Running s(options);
    const std::string filter =
        R"({"include":[{"relation":"techniques","scope":{"where":{"name":"x-ray absorption"}}}]})";
    panosc::Api api;
    auto expected = api.find(test::portal_searcher(), panosc::Model::dataset, filter, "");
    REQUIRE(expected.ok());
    auto found = s.get("/api/Datasets?filter=" + httplib::detail::encode_query_param(filter),
                       {{"Origin", "https://search.panosc.eu"}, {"Accept-Encoding", "gzip"}});
    REQUIRE(found);
    CHECK(found->status == 200);
    CHECK(found->body == expected.value().json);
    CHECK(found->body.starts_with("[{\"pid\":\"20.500.12269/panosc-dataset3\""));
    CHECK(found->get_header_value("X-Total-Count") == "2");
    CHECK(found->get_header_value("Content-Encoding") == "gzip");
    CHECK(found->get_header_value("Access-Control-Allow-Origin") == "https://search.panosc.eu");
    CHECK(found->get_header_value("Access-Control-Expose-Headers").find("X-Total-Count") != std::string::npos);

    // The pid URL-encoded, as clients send it; paths as LoopBack reads them, any first letter.
    for (const char* path : {"/api/Datasets/20.500.12269%2Fpanosc-dataset1",
                             "/api/datasets/20.500.12269%2Fpanosc-dataset1"}) {
        auto one = s.get(path);
        REQUIRE(one);
        CHECK(one->status == 200);
        CHECK(one->body.starts_with("{\"pid\":\"20.500.12269/panosc-dataset1\",\"title\":\"PaNOSC Test Dataset 1\""));
    }
    auto count = s.get("/api/Instruments/count?where=" + httplib::detail::encode_query_param(R"({"facility":"ESS"})"));
    REQUIRE(count);
    CHECK(count->body == "{\"count\":15}");
}

TEST_CASE("server: /api errors are LoopBack's: 404 MODEL_NOT_FOUND, 400 for a filter it cannot read") {
    Running s;
    auto missing = s.get("/api/Documents/10.5072%2Fnope");
    REQUIRE(missing);
    CHECK(missing->status == 404);
    CHECK(missing->body == R"({"error":{"statusCode":404,"name":"Error","message":"Unknown \"Document\" id \"10.5072/nope\".","code":"MODEL_NOT_FOUND"}})");
    auto unparsable = s.get("/api/Datasets?filter=%7Bbad");
    REQUIRE(unparsable);
    CHECK(unparsable->status == 400);
    CHECK(unparsable->body.starts_with(R"({"error":{"statusCode":400,)"));
    CHECK(unparsable->body.find("filter is not valid JSON") != std::string::npos);
    auto unknown = s.get("/api/Datasets?filtr=%7B%7D");
    REQUIRE(unknown);
    CHECK(unknown->status == 400);
    CHECK(unknown->body.find("does not take parameter 'filtr'") != std::string::npos);
    auto twice = s.get("/api/Datasets?filter=%7B%7D&filter=null");
    REQUIRE(twice);
    CHECK(twice->status == 400);
    auto long_query = s.get("/api/Datasets?query=" + std::string(3000, 'a'));
    REQUIRE(long_query);
    CHECK(long_query->status == 400);  // the same caps as a search
    auto other_model = s.get("/api/Samples");
    REQUIRE(other_model);
    CHECK(other_model->status == 404);
}

TEST_CASE("server: /api query= ranks and scores, the Human Organ Atlas first for lung") {
    Running s;
    auto ranked = s.get("/api/Datasets?query=lung&filter=" + httplib::detail::encode_query_param(R"({"limit":5})"));
    REQUIRE(ranked);
    REQUIRE(ranked->status == 200);
    CHECK(ranked->body.starts_with("[{\"pid\":\"hoa:dataset:"));
    CHECK(ranked->body.find("\"score\":0.0") == std::string::npos);  // every one scored
    CHECK(ranked->body.find("\"score\":") != std::string::npos);
}

}  // namespace atlas
