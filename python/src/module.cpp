// atlas_search._native - the C++ library seen from Python (pybind11).
//
// The thin layer under python/atlas_search/__init__.py, which is the API
// people use.  Requests go in as the JSON that atlas::request_from_json reads
// and responses come back as the JSON atlas::to_json writes (the same bytes
// `atlas-search --request` prints), so a Python dict has exactly the shape of
// the documented response and nothing here restates it.  Every call that
// reads or writes an index releases the GIL; a Searcher is guarded by a mutex
// of its own, taken without the GIL, so two Python threads may share one
// safely (and two Searchers run on two cores at once).  Errors come back as
// the Python exception class registered for their atlas::Errc name
// (register_errors), never as a C++ exception or a crash.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "atlas/error.h"
#include "atlas/index.h"
#include "atlas/manifest.h"
#include "atlas/portals.h"
#include "atlas/request_text.h"
#include "atlas/search.h"

namespace py = pybind11;

namespace {

// code name -> exception class, filled by __init__.py (register_errors).
// Leaked on purpose: it must outlive every call, and the interpreter's
// teardown order of module globals is not ours to rely on.
py::dict& error_classes() {
    static auto* classes = new py::dict();
    return *classes;
}

// Raises the registered class for the error's code (RuntimeError before
// registration).  Call with the GIL held.
[[noreturn]] void raise_error(const atlas::Error& error) {
    const char* name = atlas::errc_name(error.code);
    py::object cls = py::reinterpret_borrow<py::object>(PyExc_RuntimeError);
    if (error_classes().contains(name)) cls = error_classes()[name];
    py::object instance = cls(error.message);
    PyErr_SetObject(cls.ptr(), instance.ptr());
    throw py::error_already_set();
}

atlas::SearcherOptions options_with(unsigned threads) {
    atlas::SearcherOptions options;
    options.threads = threads;
    return options;
}

// The library's JSON as Python objects (for the calls whose answers are not
// searches: a manifest, a build's report).  Call with the GIL held.
py::dict json_loads(const std::string& text) {
    return py::module_::import("json").attr("loads")(py::bytes(text));
}

class PySearcher {
  public:
    PySearcher(const std::string& path, unsigned threads) : path_(path) {
        if (threads < 1 || threads > 2) {
            throw py::value_error("threads takes 1 or 2, not " + std::to_string(threads));
        }
        std::optional<atlas::Result<atlas::Searcher>> opened;
        {
            py::gil_scoped_release release;
            opened.emplace(atlas::Searcher::open(path, options_with(threads)));
        }
        if (!opened->ok()) raise_error(opened->error());
        searcher_.emplace(std::move(*opened).value());
    }

    // request JSON -> response JSON (atlas::to_json(SearchResult)).
    py::bytes search(const std::string& request_json) {
        auto out = run(request_json, [](const atlas::SearchResult& r) { return atlas::to_json(r); });
        return py::bytes(out);
    }

    // request JSON with one facet -> that facet's JSON (atlas::to_json(FacetResult)).
    py::bytes facet(const std::string& request_json) {
        auto out = run(request_json, [](const atlas::SearchResult& r) {
            return r.facets.empty() ? std::string("null") : atlas::to_json(r.facets.front());
        });
        return py::bytes(out);
    }

    py::dict manifest(const std::string& request_json, const std::string& format_name,
                      std::uint64_t most) {
        auto format = atlas::parse_manifest_format(format_name);
        if (!format) {
            raise_error({atlas::Errc::invalid_request,
                   "manifest format '" + format_name + "': takes s3, drs, doi or https"});
        }
        std::optional<atlas::Result<atlas::WholeManifest>> whole;
        std::optional<atlas::Error> error;
        {
            py::gil_scoped_release release;
            auto request = atlas::request_from_json(request_json);
            if (!request.ok()) {
                error = request.error();
            } else {
                std::lock_guard lock(mutex_);
                whole.emplace(atlas::manifest_of(*searcher_, request.value(), *format, most));
            }
        }
        if (error) raise_error(*error);
        if (!whole->ok()) raise_error(whole->error());
        // The library's JSON (atlas::to_json), decoded; "format" is the caller's own.
        py::dict out = json_loads(atlas::to_json(whole->value(), *format));
        out.attr("pop")("format");
        return out;
    }

    // For python/bench/overhead.py: the nanoseconds C++ alone takes to answer the
    // request (Searcher::search + to_json, the request parsed beforehand), so
    // Python's cost on top can be measured in the same process, interleaved.
    std::uint64_t time_search(const std::string& request_json) {
        std::uint64_t ns = 0;
        std::optional<atlas::Error> error;
        {
            py::gil_scoped_release release;
            auto request = atlas::request_from_json(request_json);
            if (!request.ok()) {
                error = request.error();
            } else {
                std::lock_guard lock(mutex_);
                auto start = std::chrono::steady_clock::now();
                auto result = searcher_->search(request.value());
                std::string json = result.ok() ? atlas::to_json(result.value()) : std::string();
                ns = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                    std::chrono::steady_clock::now() - start)
                                                    .count());
                if (!result.ok()) error = result.error();
            }
        }
        if (error) raise_error(*error);
        return ns;
    }

    void refresh() {
        atlas::Status status;
        {
            py::gil_scoped_release release;
            std::lock_guard lock(mutex_);
            status = searcher_->refresh();
        }
        if (!status.ok()) raise_error(status.error());
    }

    std::uint64_t record_count() {
        std::lock_guard lock(mutex_);
        return searcher_->record_count();
    }
    std::vector<std::string> kinds() {
        std::lock_guard lock(mutex_);
        return searcher_->kinds();
    }
    std::string generation() {
        std::lock_guard lock(mutex_);
        return searcher_->generation();
    }
    std::string built_at() {
        std::lock_guard lock(mutex_);
        return searcher_->built_at();
    }
    const std::string& path() const { return path_; }

  private:
    template <class Render>
    std::string run(const std::string& request_json, Render render) {
        std::string out;
        std::optional<atlas::Error> error;
        {
            py::gil_scoped_release release;
            auto request = atlas::request_from_json(request_json);
            if (!request.ok()) {
                error = request.error();
            } else {
                std::lock_guard lock(mutex_);
                auto result = searcher_->search(request.value());
                if (result.ok()) {
                    out = render(result.value());
                } else {
                    error = result.error();
                }
            }
        }
        if (error) raise_error(*error);
        return out;
    }

    std::string path_;
    std::mutex mutex_;
    std::optional<atlas::Searcher> searcher_;
};

// sources: a sources file's path (str) or [(name, path), ...].
py::dict build_index(const py::object& sources, const std::string& out, bool allow_shrink,
                     bool fresh, bool full) {
    atlas::BuildOptions options;
    options.out_dir = out;
    options.allow_shrink = allow_shrink;
    options.fresh = fresh;
    options.full = full;
    std::optional<std::string> sources_file;
    if (py::isinstance<py::str>(sources)) {
        sources_file = sources.cast<std::string>();
    } else {
        for (const auto& item : sources.cast<std::vector<std::pair<std::string, std::string>>>()) {
            options.sources.push_back({item.first, item.second});
        }
    }
    std::optional<atlas::Error> error;
    std::optional<atlas::BuildReport> report;
    {
        py::gil_scoped_release release;
        if (sources_file) {
            auto specs = atlas::read_sources_file(*sources_file);
            if (specs.ok()) {
                options.sources = std::move(specs).value();
            } else {
                error = specs.error();
            }
        }
        if (!error) {
            auto built = atlas::build_index(options);
            if (built.ok()) {
                report.emplace(std::move(built).value());
            } else {
                error = built.error();
            }
        }
    }
    if (error) raise_error(*error);
    return json_loads(atlas::to_json(*report));
}

py::dict filter_from_text(const std::string& text) {
    auto filter = atlas::filter_from_text(text);
    if (!filter.ok()) raise_error(filter.error());
    py::dict out;
    out["field"] = filter.value().field;
    out["values"] = filter.value().values;
    switch (filter.value().mode) {
        case atlas::Filter::Mode::any: out["mode"] = "any"; break;
        case atlas::Filter::Mode::none: out["mode"] = "none"; break;
        case atlas::Filter::Mode::exists: out["mode"] = "exists"; break;
        case atlas::Filter::Mode::missing: out["mode"] = "missing"; break;
    }
    return out;
}

}  // namespace

PYBIND11_MODULE(_native, m) {
    m.doc() = "atlas_search._native: the C++ library under atlas_search (use atlas_search instead)";
#ifdef ATLAS_VERSION
    m.attr("version") = ATLAS_VERSION;
#endif
    m.def(
        "register_errors", [](const py::dict& classes) { error_classes() = classes; },
        "Sets the exception class raised for each error code name.");
    m.def("schema_version", &atlas::schema_version, "The index schema version this library reads and writes.");
    m.def("filter_from_text", &filter_from_text, py::arg("text"),
          "'organism=S. pombe' -> {'field', 'values', 'mode'} (atlas::filter_from_text).");
    m.def("build_index", &build_index, py::arg("sources"), py::arg("out"),
          py::arg("allow_shrink") = false, py::arg("fresh") = false, py::arg("full") = false,
          "Builds a generation (atlas::build_index); the report as a dict.");
    m.def("known_sources", &atlas::known_sources, "The adapters this build knows.");

    py::class_<PySearcher>(m, "Searcher")
        .def(py::init<const std::string&, unsigned>(), py::arg("path"), py::arg("threads") = 2)
        .def("search", &PySearcher::search, py::arg("request_json"))
        .def("facet", &PySearcher::facet, py::arg("request_json"))
        .def("manifest", &PySearcher::manifest, py::arg("request_json"), py::arg("format"),
             py::arg("most"))
        .def("time_search", &PySearcher::time_search, py::arg("request_json"))
        .def("refresh", &PySearcher::refresh)
        .def_property_readonly("record_count", &PySearcher::record_count)
        .def_property_readonly("kinds", &PySearcher::kinds)
        .def_property_readonly("generation", &PySearcher::generation)
        .def_property_readonly("built_at", &PySearcher::built_at)
        .def_property_readonly("path", &PySearcher::path);
}
