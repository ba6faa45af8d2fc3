// panosc/api.cpp - find, find by id and count: candidates, where, includes, order, page.
#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <cctype>
#include <mutex>
#include <set>
#include <unordered_map>

#include "atlas/manifest.h"
#include "atlas/panosc.h"
#include "database.h"
#include "filter.h"
#include "relations.h"
#include "schema/panosc_format.h"

namespace atlas::panosc {

using namespace detail;

namespace {

struct Collection {
    Model model;
    std::string_view collection;  // the REST path's name
    const char* name;
};
constexpr std::array<Collection, 3> kCollections{{
    {Model::dataset, "Datasets", "Dataset"},
    {Model::document, "Documents", "Document"},
    {Model::instrument, "Instruments", "Instrument"},
}};

// One object a request may answer with.
struct Candidate {
    std::uint32_t index = 0;
    double score = 0;  // the best BM25 weight of the object's records
};

struct Candidates {
    std::vector<Candidate> list;
    bool truncated = false;  // the query matched more records than were ranked
};

// The records a search for `model` reads: its objects' own, and for Documents
// and Instruments their Datasets' (a document of lung scans is found by "lung"
// though only its scans say so).
SearchRequest ranking_request(const Database& db, Model model, std::string_view query) {
    std::set<std::string> sources, kinds;
    for (Model m : {model, Model::dataset}) {
        sources.insert(db.sources(m).begin(), db.sources(m).end());
        kinds.insert(db.kinds(m).begin(), db.kinds(m).end());
    }
    SearchRequest request;
    request.query = std::string(query);
    request.sources.assign(sources.begin(), sources.end());
    request.kinds.assign(kinds.begin(), kinds.end());
    request.snippet_bytes = 0;  // only ids and scores are read
    return request;
}

// Calls `add` with each object of `model` the record stands for: its own, and
// the Documents or the Instrument of the Datasets it stands for.
template <class Add>
void objects_of(const Database& db, Model model, const std::string& record, Add add) {
    if (const auto* own = db.of_record(model, record)) for (auto i : *own) add(i);
    if (model == Model::dataset) return;
    const auto* datasets = db.of_record(Model::dataset, record);
    if (datasets == nullptr) return;
    for (auto d : *datasets) {
        const Object& ds = db.objects(Model::dataset)[d];
        if (model == Model::document) for (auto i : ds.documents) add(i);
        if (model == Model::instrument && ds.instrument != kNone) add(ds.instrument);
    }
}

// The objects whose records match `query`, best first, with their records'
// best score.
Result<Candidates> ranked_by_records(Searcher& searcher, const Database& db, Model model,
                                     std::string_view query, std::vector<bool>& seen) {
    Candidates result;
    if (db.sources(model).empty() && db.sources(Model::dataset).empty()) return result;
    // One more than the most ranked: whether there were more.
    auto pages = for_each_page(searcher, ranking_request(db, model, query), kMaxRanked + 1,
                               [&](std::vector<Hit>& hits) {
                                   for (const auto& hit : hits) {
                                       objects_of(db, model, hit.id, [&](std::uint32_t i) {
                                           if (seen[i]) return;
                                           seen[i] = true;
                                           result.list.push_back(Candidate{i, hit.score});
                                       });
                                   }
                                   return true;
                               });
    if (!pages.ok()) return pages.error();
    result.truncated = pages.value() > kMaxRanked;
    return result;
}

// Ranked objects, then those no record stands for whose text fields hold the words.
Result<Candidates> ranked(Searcher& searcher, const Database& db, Model model,
                          std::string_view query) {
    std::vector<bool> seen(db.objects(model).size(), false);
    auto result = ranked_by_records(searcher, db, model, query, seen);
    if (!result.ok()) return result.error();
    const Where text = text_condition(query);
    const auto& objects = db.objects(model);
    for (std::uint32_t i = 0; i < objects.size(); ++i) {
        if (!seen[i] && objects[i].records.empty() &&
            holds(text, entity_of(model), *objects[i].json, db)) {
            result.value().list.push_back(Candidate{i, 0});
        }
    }
    return result;
}

Result<Candidates> candidates(Searcher& searcher, const Database& db, Model model,
                              std::string_view query) {
    if (query.find_first_not_of(" \t\r\n") != std::string_view::npos) {
        return ranked(searcher, db, model, query);
    }
    // LoopBack's order when the filter gives none: by id (the pid).
    Candidates all;
    for (auto i : db.pid_order(model)) all.list.push_back(Candidate{i, 0});
    return all;
}

// The candidates the where and the inner joins keep, in the scope's order.
std::vector<Candidate> matching(const Database& db, Model model, const Scope& scope,
                                std::vector<Candidate> in, Budget& budget) {
    const auto& objects = db.objects(model);
    const Entity entity = entity_of(model);
    const bool inner = joins(scope);
    std::vector<Candidate> out;
    for (auto& c : in) {
        const Object& o = objects[c.index];
        if (!budget.visit("filter.where")) break;
        if (scope.has_where && !holds(scope.where, entity, *o.json, db)) continue;
        if (inner && !survives(db, Node{entity, o.json, &o}, scope, budget)) continue;
        out.push_back(c);
    }
    if (!scope.order.empty()) {
        std::stable_sort(out.begin(), out.end(), [&](const Candidate& a, const Candidate& b) {
            return before(scope.order, *objects[a.index].json, a.score, *objects[b.index].json,
                          b.score);
        });
    }
    return out;
}

// A BM25 weight as a score in (0, 1): the PaNOSC federated search merges
// facilities' answers by score and drops any outside (0, 1).  Monotone, the
// same for every query, so a better match always scores higher.
double score_of(double weight) { return (weight + 1) / (weight + 11); }

// `query=` or the filter's `query` (where the federated search puts it).
Result<std::string> query_of(std::string_view param, const Scope& scope) {
    if (!param.empty() && !scope.query.empty() && param != scope.query) {
        return Error{Errc::invalid_request,
                     "query is given both as a parameter and in the filter, differently"};
    }
    return std::string(param.empty() ? scope.query : param);
}

}  // namespace

std::optional<Model> model_of_collection(std::string_view name) {
    for (const auto& c : kCollections) {
        // "Datasets" and "datasets" (paths are case-blind in LoopBack; clients write both).
        if (!name.empty() && name.substr(1) == c.collection.substr(1) &&
            std::tolower(static_cast<unsigned char>(name[0])) ==
                std::tolower(static_cast<unsigned char>(c.collection[0]))) {
            return c.model;
        }
    }
    return std::nullopt;
}

const char* model_name(Model model) { return kCollections[static_cast<std::size_t>(model)].name; }

struct Api::Impl {
    // The last two generations read (pooled searchers straddle a swap for a
    // while), each with its Database or why it has none (a missing or damaged
    // file is read once per generation, not once per request).
    struct Loaded {
        std::string generation;
        Result<std::shared_ptr<const Database>> db;
    };
    std::mutex mutex;
    std::deque<Loaded> loaded;

    Result<std::shared_ptr<const Database>> database(Searcher& searcher) {
        std::string gen = searcher.generation();
        std::lock_guard lock(mutex);
        for (const auto& l : loaded) {
            if (l.generation == gen) return l.db;
        }
        loaded.push_front(Loaded{gen, Database::load(gen + "/" + std::string(kPanoscFile))});
        if (loaded.size() > 2) loaded.pop_back();
        return loaded.front().db;
    }
};

Api::Api() : impl_(std::make_unique<Impl>()) {}
Api::~Api() = default;
Api::Api(Api&&) noexcept = default;
Api& Api::operator=(Api&&) noexcept = default;

Result<Found> Api::find(Searcher& searcher, Model model, std::string_view filter,
                        std::string_view query_param) {
    auto scope = parse_filter(filter);
    if (!scope.ok()) return scope.error();
    if (auto s = check_includes(entity_of(model), scope.value()); !s.ok()) return s.error();
    auto query = query_of(query_param, scope.value());
    if (!query.ok()) return query.error();
    auto db = impl_->database(searcher);
    if (!db.ok()) return db.error();
    const Database& d = *db.value();
    auto found = candidates(searcher, d, model, query.value());
    if (!found.ok()) return found.error();
    Budget budget;
    auto kept = matching(d, model, scope.value(), std::move(found.value().list), budget);
    Found out;
    out.truncated = found.value().truncated;
    out.total = kept.size();

    const bool scored = !query.value().empty();
    const std::size_t from = std::min<std::size_t>(scope.value().skip, kept.size());
    const std::size_t to = std::min<std::size_t>(kept.size(), from + scope.value().limit.value_or(kMaxLimit));
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartArray();
    for (std::size_t i = from; i < to && budget.write("filter"); ++i) {
        const Object& o = d.objects(model)[kept[i].index];
        auto resolved = resolve(d, Node{entity_of(model), o.json, &o}, scope.value(), budget);
        write(resolved, scope.value().fields, scored ? score_of(kept[i].score) : 0.0, w);
    }
    w.EndArray();
    if (budget.error()) return *budget.error();
    out.json.assign(buffer.GetString(), buffer.GetSize());
    return out;
}

Result<std::string> Api::find_by_id(Searcher& searcher, Model model, std::string_view pid,
                                    std::string_view filter) {
    auto scope = parse_filter(filter);
    if (!scope.ok()) return scope.error();
    if (auto s = check_includes(entity_of(model), scope.value()); !s.ok()) return s.error();
    auto db = impl_->database(searcher);
    if (!db.ok()) return db.error();
    const Object* o = db.value()->find(model, pid);
    if (o == nullptr) {
        return Error{Errc::not_found, fmt::format("Unknown \"{}\" id \"{}\".", model_name(model), pid)};
    }
    Budget budget;
    auto resolved = resolve(*db.value(), Node{entity_of(model), o->json, o}, scope.value(), budget);
    if (budget.error()) return *budget.error();
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    write(resolved, scope.value().fields, std::nullopt, w);  // as the reference: no score
    return std::string(buffer.GetString(), buffer.GetSize());
}

Result<std::uint64_t> Api::count(Searcher& searcher, Model model, std::string_view where,
                                 std::string_view query) {
    auto w = parse_where(where);
    if (!w.ok()) return w.error();
    auto db = impl_->database(searcher);
    if (!db.ok()) return db.error();
    auto found = candidates(searcher, *db.value(), model, query);
    if (!found.ok()) return found.error();
    if (found.value().truncated) {
        return Error{Errc::invalid_request,
                     fmt::format("query '{}' matches more than {} records; narrow it to count "
                                 "(a where alone counts every object)",
                                 query, kMaxRanked)};
    }
    Scope scope;
    scope.where = std::move(w).value();
    scope.has_where = !scope.where.empty();
    Budget budget;
    auto n = matching(*db.value(), model, scope, std::move(found.value().list), budget).size();
    if (budget.error()) return *budget.error();
    return static_cast<std::uint64_t>(n);
}

}  // namespace atlas::panosc
