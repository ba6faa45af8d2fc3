// workload_draw.cpp - the workload drawn from the records (see workload_draw.h).
//
// Every random choice comes from rng.h streams keyed by the seed and the
// scenario, and the statistics are gathered in file and line order, so the
// same records and seed give the same workload on every platform.  Each
// request with text or filters is built from one real record (an "anchor"),
// so that record matches it: its words, its values.
#include "workload_draw.h"

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "rng.h"
#include "schema/record.h"
#include "schema/schema.h"
#include "schema/text.h"
#include "schema/units.h"

namespace atlas::bench {
namespace {

namespace fs = std::filesystem;

constexpr std::uint32_t kLimit = 20;
constexpr std::uint32_t kFacetSize = 10;
constexpr std::size_t kKeywordFacets = 4;      // besides kind and source
constexpr std::size_t kMaxFacetValues = 1000;  // more distinct values: no facet
constexpr std::size_t kMinIdValues = 50;       // fewer distinct values: a category, no id
constexpr std::size_t kAnchors = 4096;         // records sampled for text and filters
constexpr std::size_t kNumberSamples = 512;    // values sampled per number or date field
constexpr std::uint32_t kDeepOffset = 1000;
constexpr std::uint64_t kDeepMinHits = 1100;  // title hits a deep_page word needs
constexpr double kDateShare = 0.2;            // range_units requests on a date field
constexpr std::size_t kMaxValueBytes = 300;   // longer values are prose: no words from them
constexpr std::uint64_t kAttemptsPerItem = 200;
constexpr std::size_t kTypoMinLetters = 5;     // shorter words are not misspelt
constexpr std::size_t kTypoTwoEdits = 9;       // from this many letters, sometimes two edits
constexpr double kTypoTwoEditShare = 1.0 / 3;  // of the words that may take two
// atlas (query/spelling.h) allows two edits from 8 letters typed, one from 4:
// a misspelling the engine under test could not correct measures nothing.
constexpr std::size_t kTypoTwoEditsTyped = 8;

// Their titles are file and folder names (TS_026, MBC_sc_L4.tsv), not words
// people search for.
const std::set<std::string_view> kUntitledKinds = {"file", "run", "tiltseries", "tomogram"};

const std::set<std::string_view> kStopWords = {
    "and", "are",  "been", "but",  "can", "for",  "from", "had",  "has",   "have",
    "its", "not",  "nos",  "one",  "per", "than", "that", "the",  "then",  "this",
    "was", "were", "with", "into", "via", "all",  "any",  "each", "which", "other"};

const std::vector<std::string> kScenarios = {
    "keyword", "keyword_facets", "keyword_filters", "browse_facets", "filter_facets", "range_units",
    "prefix",  "phrase",         "deep_page",       "group_dataset", "exact_term",    "typo"};

// Unit spellings a user would type, per dimension (schema/units.h).
std::vector<std::string_view> spellings(Dimension d) {
    switch (d) {
        case Dimension::length:
            return {"A", "nm", "um", "mm", "cm", "m"};
        case Dimension::angle:
            return {"deg"};
        case Dimension::voltage:
            return {"V", "kV"};
        case Dimension::electron_dose:
            return {"e/A2"};
        case Dimension::dose_rate:
            return {"e/A2/s"};
        case Dimension::time:
            return {"s", "min", "h", "d", "y"};
        case Dimension::energy:
            return {"eV", "keV"};
        case Dimension::temperature:
            return {"K", "C"};
        case Dimension::pressure:
            return {"Pa", "kPa", "bar"};
        case Dimension::absorbed_dose:
            return {"Gy", "kGy", "MGy"};
        case Dimension::absorbed_dose_rate:
            return {"Gy/s", "kGy/s"};
        case Dimension::data_size:
            return {"kB", "MB", "GB", "TB"};
        case Dimension::mass:
            return {"g", "kg"};
        case Dimension::none:
            break;
    }
    return {};
}

// A word people type: lower-case ASCII letters only, three or more, no stop word.
bool is_query_word(std::string_view w) {
    if (w.size() < 3) return false;
    for (char c : w) {
        if (c < 'a' || c > 'z') return false;
    }
    return kStopWords.count(w) == 0;
}

// The maximal runs of consecutive query words of `text` (adjacent tokens, so
// any two neighbours are a phrase of the text).
std::vector<std::vector<std::string>> word_runs(std::string_view text) {
    std::vector<std::vector<std::string>> runs(1);
    for (auto& token : tokenize(text)) {
        if (is_query_word(token.term)) {
            runs.back().push_back(std::move(token.term));
        } else if (!runs.back().empty()) {
            runs.emplace_back();
        }
    }
    if (runs.back().empty()) runs.pop_back();
    return runs;
}

std::string join(const std::vector<std::string>& words, std::string_view sep) {
    std::string out;
    for (const auto& w : words) {
        if (!out.empty()) out += sep;
        out += w;
    }
    return out;
}

// Optimal-string-alignment distance (adjacent transpositions count one), as
// atlas measures typos; the workload's own copy, so that what it asks does not
// depend on the engine it measures.
std::size_t osa_distance(std::string_view a, std::string_view b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.size()][b.size()];
}

// One random edit of a word of lower-case letters: two adjacent different
// letters swapped, a letter dropped, a letter replaced by another, or one
// inserted.  Only letters come in, so a digit is never made or touched.
// False when the word offers no such edit (a transposition in "aaaaa").
bool edit_once(std::string& w, Rng& rng) {
    switch (rng.below(4)) {
        case 0: {
            std::vector<std::size_t> at;
            for (std::size_t i = 0; i + 1 < w.size(); ++i) {
                if (w[i] != w[i + 1]) at.push_back(i);
            }
            if (at.empty()) return false;
            std::size_t i = at[rng.below(at.size())];
            std::swap(w[i], w[i + 1]);
            return true;
        }
        case 1:
            w.erase(rng.below(w.size()), 1);
            return true;
        case 2: {
            std::size_t i = rng.below(w.size());
            char c = static_cast<char>('a' + rng.below(25));
            w[i] = c >= w[i] ? static_cast<char>(c + 1) : c;  // any letter but its own
            return true;
        }
        default: {
            // Two statements: the order of a call's arguments is unspecified.
            std::size_t i = rng.below(w.size() + 1);
            w.insert(i, 1, static_cast<char>('a' + rng.below(26)));
            return true;
        }
    }
}

// A seeded reservoir sample (Vitter's algorithm R): slot() says where the
// next item offered goes, if anywhere.
class Reservoir {
  public:
    explicit Reservoir(std::size_t capacity) : capacity_(capacity) {}
    std::optional<std::size_t> slot(Rng& rng, std::size_t size) {
        ++seen_;
        if (size < capacity_) return size;
        std::uint64_t j = rng.below(seen_);
        if (j < capacity_) return static_cast<std::size_t>(j);
        return std::nullopt;
    }

  private:
    std::size_t capacity_;
    std::uint64_t seen_ = 0;
};

template <class T>
void offer(std::vector<T>& items, Reservoir& reservoir, Rng& rng, T&& item) {
    if (auto at = reservoir.slot(rng, items.size())) {
        if (*at == items.size()) {
            items.push_back(std::forward<T>(item));
        } else {
            items[*at] = std::forward<T>(item);
        }
    }
}

struct PoolEntry {
    std::vector<std::string> words;  // a run of query words
    bool in_dataset = false;         // from a record that belongs to a dataset
};

struct NumberSample {
    double value = 0;
    std::string kind;
};

struct NumberField {
    std::vector<NumberSample> samples;
    Reservoir reservoir{kNumberSamples};
};

struct Stats {
    std::uint64_t records = 0;
    std::map<std::string, std::uint64_t> coverage;  // field -> records with a value
    std::map<std::string, std::unordered_set<std::string>> distinct;  // capped
    std::map<std::string, std::uint64_t> sources;
    std::unordered_map<std::string, std::uint64_t> title_df;
    std::vector<PoolEntry> pool;
    std::unordered_set<std::string> pool_seen;
    std::vector<Record> anchors;
    Reservoir anchor_reservoir{kAnchors};
    std::map<std::string, NumberField> numbers;
};

bool in_dataset(const Record& r) {
    if (r.kind == "dataset") return true;
    for (const auto& c : r.breadcrumb) {
        if (c.kind == "dataset") return true;
    }
    return false;
}

void add_to_pool(Stats& s, std::string_view text, bool dataset) {
    for (auto& run : word_runs(text)) {
        std::string key = join(run, " ");
        if (!s.pool_seen.insert(key).second) continue;
        s.pool.push_back(PoolEntry{std::move(run), dataset});
    }
}

void gather(Stats& s, Record r, Rng& rng) {
    ++s.records;
    ++s.sources[r.source];
    std::set<std::string_view> fields;
    for (const auto& v : r.values) {
        const FieldSpec* spec = find_field(v.field);
        if (spec == nullptr) continue;
        fields.insert(spec->name);
        if (spec->type == FieldType::keyword || spec->type == FieldType::identifier) {
            auto& seen = s.distinct[v.field];
            if (seen.size() <= kMaxFacetValues) seen.insert(exact_value(*spec, v.text));
        } else if ((spec->type == FieldType::number || spec->type == FieldType::date) &&
                   std::isfinite(v.number)) {
            NumberField& nf = s.numbers[v.field];
            offer(nf.samples, nf.reservoir, rng, NumberSample{v.number, r.kind});
        }
    }
    for (auto f : fields) ++s.coverage[std::string(f)];
    std::set<std::string> title_words;
    for (const auto& run : word_runs(r.title)) title_words.insert(run.begin(), run.end());
    for (const auto& w : title_words) ++s.title_df[w];
    bool dataset = in_dataset(r);
    if (kUntitledKinds.count(r.kind) == 0) add_to_pool(s, r.title, dataset);
    for (const auto* v : r.get("object")) add_to_pool(s, v->text, dataset);
    offer(s.anchors, s.anchor_reservoir, rng, std::move(r));
}

Status read_records(const fs::path& dir, Stats& s, std::uint64_t seed) {
    std::vector<fs::path> files;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file(ec) && it->path().extension() == ".jsonl") {
            files.push_back(it->path());
        }
    }
    if (files.empty()) {
        return Error{Errc::not_found,
                     fmt::format("no *.jsonl record files under '{}'", dir.string())};
    }
    std::sort(files.begin(), files.end());
    Rng rng(mix_key({seed, name_key("gather")}));
    for (const auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        std::string line;
        std::uint64_t n = 0;
        while (std::getline(in, line)) {
            ++n;
            if (line.empty()) continue;
            auto r = record_from_json(line);
            if (!r.ok()) {
                return Error{Errc::invalid_request,
                             fmt::format("{}: line {}: {}", f.string(), n, r.error().message)};
            }
            gather(s, std::move(r).value(), rng);
        }
    }
    return {};
}

// --- building requests -------------------------------------------------------------------

struct Draft {
    std::string query;
    BenchText text;
    std::vector<std::pair<std::string, std::string>> filters;  // field, display value
    std::vector<std::pair<std::string, std::string>> ranges;   // field, range text
    std::vector<BenchRange> bench_ranges;
    std::vector<std::string> kinds;
    bool facets = false;
    bool group = false;
    std::uint32_t offset = 0;
};

void set_words(Draft& d, std::vector<std::string> words) {
    d.query = join(words, " ");
    d.text.mode = BenchText::Mode::words;
    d.text.words = std::move(words);
}

WorkloadItem finish(const std::string& scenario, const Draft& d,
                    const std::vector<std::string>& facets) {
    WorkloadItem item;
    item.scenario = scenario;
    BenchRequest& b = item.bench;
    b.text = d.text;
    b.kinds = d.kinds;
    b.offset = d.offset;
    b.limit = kLimit;
    b.group_by_dataset = d.group;
    b.ranges = d.bench_ranges;

    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    w.Key("query");
    w.String(d.query);
    if (!d.kinds.empty()) {
        w.Key("kinds");
        w.StartArray();
        for (const auto& k : d.kinds) w.String(k);
        w.EndArray();
    }
    if (!d.filters.empty() || !d.ranges.empty()) {
        w.Key("filters");
        w.StartArray();
        for (const auto* list : {&d.filters, &d.ranges}) {
            for (const auto& [field, value] : *list) {
                w.StartObject();
                w.Key("field");
                w.String(field);
                w.Key("values");
                w.StartArray();
                w.String(value);
                w.EndArray();
                w.EndObject();
            }
        }
        w.EndArray();
    }
    if (d.facets) {
        w.Key("facets");
        w.StartArray();
        for (const auto& f : facets) {
            w.StartObject();
            w.Key("field");
            w.String(f);
            w.Key("size");
            w.Uint(kFacetSize);
            w.EndObject();
            b.facets.push_back(BenchFacet{f, kFacetSize});
        }
        w.EndArray();
    }
    if (d.group) {
        w.Key("group_by");
        w.String("dataset");
    }
    w.Key("offset");
    w.Uint(d.offset);
    w.Key("limit");
    w.Uint(kLimit);
    w.EndObject();
    item.request_json.assign(buffer.GetString(), buffer.GetSize());

    for (const auto& [field, value] : d.filters) {
        b.filters.push_back(BenchFilter{field, {exact_value(*find_field(field), value)}});
    }
    return item;
}

class Drawer {
  public:
    Drawer(const Stats& s, const std::vector<std::string>& facets) : s_(s) {
        // Facets: kind, source and the keyword fields most records have.
        std::vector<std::pair<std::uint64_t, std::string>> keyword;
        for (const auto& [field, n] : s.coverage) {
            const FieldSpec* spec = find_field(field);
            if (spec == nullptr) continue;
            auto d = s.distinct.find(field);
            std::size_t distinct = d == s.distinct.end() ? 0 : d->second.size();
            if (spec->type == FieldType::keyword && distinct <= kMaxFacetValues) {
                filter_fields_.insert(field);
                keyword.emplace_back(n, field);
            }
            if (spec->type == FieldType::identifier && distinct > kMinIdValues &&
                spec->prefix_separator == '\0' && field != "id") {
                id_fields_.insert(field);
            }
        }
        std::sort(keyword.begin(), keyword.end(), [](const auto& a, const auto& b) {
            return a.first != b.first ? a.first > b.first : a.second < b.second;
        });
        facets_ = {"kind", "source"};
        for (std::size_t i = 0; i < keyword.size() && i < kKeywordFacets; ++i) {
            facets_.push_back(keyword[i].second);
        }
        if (!facets.empty()) facets_ = facets;
        for (const auto& [word, df] : s.title_df) {
            if (df >= kDeepMinHits) deep_words_.push_back(word);
        }
        std::sort(deep_words_.begin(), deep_words_.end());
        if (deep_words_.empty()) {
            std::vector<std::pair<std::uint64_t, std::string>> top;
            for (const auto& [word, df] : s.title_df) top.emplace_back(df, word);
            std::sort(top.begin(), top.end(), [](const auto& a, const auto& b) {
                return a.first != b.first ? a.first > b.first : a.second < b.second;
            });
            for (std::size_t i = 0; i < top.size() && i < 10; ++i) {
                deep_words_.push_back(top[i].second);
            }
            deep_note_ = fmt::format(
                "deep_page: no title word is on {} records; drew from the "
                "{} most frequent",
                kDeepMinHits, deep_words_.size());
        }
        for (const auto& [word, df] : s.title_df) vocabulary_.insert(word);
        for (std::size_t i = 0; i < s.pool.size(); ++i) {
            vocabulary_.insert(s.pool[i].words.begin(), s.pool[i].words.end());
            if (s.pool[i].in_dataset) dataset_pool_.push_back(i);
            if (s.pool[i].words.size() >= 2) phrase_pool_.push_back(i);
        }
        for (const auto& [field, nf] : s.numbers) {
            const FieldSpec* spec = find_field(field);
            if (spec == nullptr || nf.samples.empty()) continue;
            if (spec->type == FieldType::number && spec->dimension != Dimension::none) {
                number_fields_.emplace_back(field, s.coverage.at(field));
            } else if (spec->type == FieldType::date) {
                date_fields_.emplace_back(field, s.coverage.at(field));
            }
        }
    }

    const std::vector<std::string>& facets() const { return facets_; }
    const std::string& deep_note() const { return deep_note_; }

    std::optional<Draft> draw(const std::string& scenario, std::uint32_t index, Rng& rng) {
        Draft d;
        if (scenario == "keyword") {
            auto words = pool_words(s_.pool.size(), nullptr, 1, 3, rng);
            if (!words) return std::nullopt;
            set_words(d, std::move(*words));
        } else if (scenario == "typo") {
            auto words = pool_words(s_.pool.size(), nullptr, 1, 3, rng);
            if (!words) return std::nullopt;
            std::vector<std::string*> long_words;
            for (auto& w : *words) {
                if (w.size() >= kTypoMinLetters) long_words.push_back(&w);
            }
            if (long_words.empty()) return std::nullopt;
            std::string& w = *long_words[rng.below(long_words.size())];
            auto typo = misspell(w, rng);
            if (!typo) return std::nullopt;
            w = std::move(*typo);
            set_words(d, std::move(*words));
        } else if (scenario == "keyword_facets" || scenario == "keyword_filters") {
            bool facets = scenario == "keyword_facets";
            const Record* a = anchor(rng);
            if (a == nullptr) return std::nullopt;
            auto words = anchor_words(*a, facets ? 2 : 3, rng);
            if (!words) return std::nullopt;
            set_words(d, std::move(*words));
            std::size_t n = facets ? rng.below(3) : rng.between(1, 3);
            d.filters = anchor_filters(*a, n, rng);
            if (!facets && d.filters.empty()) return std::nullopt;
            d.facets = facets;
        } else if (scenario == "browse_facets") {
            // The landing page of all portals, then of each portal in turn.
            std::uint32_t k = index % static_cast<std::uint32_t>(s_.sources.size() + 1);
            if (k > 0)
                d.filters.emplace_back("source", std::next(s_.sources.begin(), k - 1)->first);
            d.facets = true;
        } else if (scenario == "filter_facets") {
            const Record* a = anchor(rng);
            if (a == nullptr) return std::nullopt;
            d.filters = anchor_filters(*a, rng.between(1, 3), rng);
            if (d.filters.empty()) return std::nullopt;
            d.facets = true;
        } else if (scenario == "range_units") {
            if (!range(d, rng)) return std::nullopt;
        } else if (scenario == "prefix") {
            if (s_.pool.empty()) return std::nullopt;
            const auto& words = s_.pool[rng.below(s_.pool.size())].words;
            std::vector<const std::string*> long_words;
            for (const auto& w : words) {
                if (w.size() >= 6) long_words.push_back(&w);
            }
            if (long_words.empty()) return std::nullopt;
            const std::string& w = *long_words[rng.below(long_words.size())];
            std::string prefix = w.substr(0, rng.between(4, 5));
            d.query = prefix + "*";
            d.text.mode = BenchText::Mode::prefix;
            d.text.words = {prefix};
        } else if (scenario == "phrase") {
            auto words = pool_words(phrase_pool_.size(), &phrase_pool_, 2, 2, rng);
            if (!words) return std::nullopt;
            d.query = "\"" + join(*words, " ") + "\"";
            d.text.mode = BenchText::Mode::phrase;
            d.text.words = std::move(*words);
        } else if (scenario == "deep_page") {
            if (deep_words_.empty()) return std::nullopt;
            set_words(d, {deep_words_[rng.below(deep_words_.size())]});
            d.offset = kDeepOffset;
        } else if (scenario == "group_dataset") {
            auto words = pool_words(dataset_pool_.size(), &dataset_pool_, 1, 1, rng);
            if (!words) return std::nullopt;
            set_words(d, std::move(*words));
            d.group = true;
        } else if (scenario == "exact_term") {
            const Record* a = anchor(rng);
            if (a == nullptr) return std::nullopt;
            std::vector<const Value*> ids;
            for (const auto& v : a->values) {
                const FieldSpec* spec = find_field(v.field);
                if (id_fields_.count(v.field) && spec != nullptr &&
                    !exact_value(*spec, v.text).empty()) {
                    ids.push_back(&v);
                }
            }
            if (ids.empty()) return std::nullopt;
            const Value* v = ids[rng.below(ids.size())];
            d.filters.emplace_back(v->field, v->text);
        } else {
            return std::nullopt;
        }
        return d;
    }

  private:
    const Record* anchor(Rng& rng) const {
        if (s_.anchors.empty()) return nullptr;
        return &s_.anchors[rng.below(s_.anchors.size())];
    }

    // `word` with one edit, or two (sometimes, from kTypoTwoEdits letters):
    // exactly that many apart, not a word of the records' titles and object
    // names (or atlas would find it as typed), and still a query word.
    std::optional<std::string> misspell(const std::string& word, Rng& rng) const {
        std::size_t edits = word.size() >= kTypoTwoEdits && rng.chance(kTypoTwoEditShare) ? 2 : 1;
        std::string typo = word;
        for (std::size_t e = 0; e < edits; ++e) {
            if (!edit_once(typo, rng)) return std::nullopt;
        }
        if (edits == 2 && typo.size() < kTypoTwoEditsTyped) return std::nullopt;
        if (osa_distance(word, typo) != edits || !is_query_word(typo) ||
            vocabulary_.count(typo) != 0) {
            return std::nullopt;
        }
        return typo;
    }

    // min..max consecutive words of a pool entry (all entries, or those in `subset`).
    std::optional<std::vector<std::string>> pool_words(std::size_t n,
                                                       const std::vector<std::size_t>* subset,
                                                       std::size_t min, std::size_t max,
                                                       Rng& rng) const {
        if (n == 0) return std::nullopt;
        std::size_t i = rng.below(n);
        const auto& words = s_.pool[subset ? (*subset)[i] : i].words;
        if (words.size() < min) return std::nullopt;
        return window(words, min, max, rng);
    }

    static std::vector<std::string> window(const std::vector<std::string>& run, std::size_t min,
                                           std::size_t max, Rng& rng) {
        std::size_t len = rng.between(min, std::min(max, run.size()));
        std::size_t start = rng.below(run.size() - len + 1);
        return {run.begin() + static_cast<std::ptrdiff_t>(start),
                run.begin() + static_cast<std::ptrdiff_t>(start + len)};
    }

    // 1..max words of the record's own text: its title (unless it is a file
    // name), else a value of a field atlas searches as free text.
    std::optional<std::vector<std::string>> anchor_words(const Record& r, std::size_t max,
                                                         Rng& rng) const {
        std::vector<std::vector<std::string>> title, other;
        if (kUntitledKinds.count(r.kind) == 0) title = word_runs(r.title);
        for (const auto& v : r.values) {
            const FieldSpec* spec = find_field(v.field);
            if (spec == nullptr || spec->weight == 0 || v.text.size() > kMaxValueBytes ||
                (spec->type != FieldType::keyword && spec->type != FieldType::text)) {
                continue;
            }
            for (auto& run : word_runs(v.text)) other.push_back(std::move(run));
        }
        const auto& runs = !title.empty() && (other.empty() || rng.chance(0.6)) ? title : other;
        if (runs.empty()) return std::nullopt;
        return window(runs[rng.below(runs.size())], 1, max, rng);
    }

    // Up to n values of the record, of n different facet-like keyword fields.
    std::vector<std::pair<std::string, std::string>> anchor_filters(const Record& r, std::size_t n,
                                                                    Rng& rng) const {
        std::map<std::string, std::vector<const Value*>> by_field;
        for (const auto& v : r.values) {
            const FieldSpec* spec = find_field(v.field);
            if (filter_fields_.count(v.field) && spec != nullptr &&
                !exact_value(*spec, v.text).empty()) {
                by_field[v.field].push_back(&v);
            }
        }
        std::vector<std::string> fields;
        for (const auto& [field, values] : by_field) fields.push_back(field);
        rng.shuffle(fields);
        std::vector<std::pair<std::string, std::string>> out;
        for (std::size_t i = 0; i < fields.size() && i < n; ++i) {
            const auto& values = by_field[fields[i]];
            out.emplace_back(fields[i], values[rng.below(values.size())]->text);
        }
        return out;
    }

    static const std::string* weighted(
        const std::vector<std::pair<std::string, std::uint64_t>>& fields, Rng& rng) {
        std::uint64_t total = 0;
        for (const auto& f : fields) total += f.second;
        if (total == 0) return nullptr;
        std::uint64_t x = rng.below(total);
        for (const auto& f : fields) {
            if (x < f.second) return &f.first;
            x -= f.second;
        }
        return nullptr;
    }

    bool range(Draft& d, Rng& rng) const {
        bool date = !date_fields_.empty() && (number_fields_.empty() || rng.chance(kDateShare));
        const std::string* field = weighted(date ? date_fields_ : number_fields_, rng);
        if (field == nullptr) return false;
        const FieldSpec& spec = *find_field(*field);
        const auto& samples = s_.numbers.at(*field).samples;
        const NumberSample& sample = samples[rng.below(samples.size())];
        auto made =
            date ? date_range(spec, sample.value, rng) : number_range(spec, sample.value, rng);
        if (!made) return false;
        d.ranges.emplace_back(*field, made->first);
        d.bench_ranges.push_back(made->second);
        if (rng.chance(0.5)) d.kinds.push_back(sample.kind);
        return true;
    }

    // "<X", ">=X" or "A..B" with a unit, around the canonical value v.
    static std::optional<std::pair<std::string, BenchRange>> number_range(const FieldSpec& spec,
                                                                          double v, Rng& rng) {
        if (!(v > 0)) return std::nullopt;  // nice bounds are for positive quantities
        struct Choice {
            std::string_view spelling;  // "" = the field's display unit
            const Unit* unit;
        };
        auto fits = [&](const Unit* u) {
            if (u == nullptr) return false;
            double x = from_canonical(v, *u);
            return x >= 0.5 && x < 1000;
        };
        std::vector<Choice> spelled;
        for (auto s : spellings(spec.dimension)) {
            const Unit* u = find_unit(s);
            if (fits(u)) spelled.push_back(Choice{s, u});
        }
        const Unit* display = spec.unit.empty() ? nullptr : find_unit(spec.unit);
        std::optional<Choice> choice;
        if (fits(display) && (spelled.empty() || rng.chance(0.25))) {
            choice = Choice{"", display};
        } else if (!spelled.empty()) {
            choice = spelled[rng.below(spelled.size())];
        } else {
            return std::nullopt;
        }
        double x = from_canonical(v, *choice->unit);
        double below = nice_at_most(x), above = nice_above(x);
        std::string unit(choice->spelling);
        BenchRange g;
        g.field = std::string(spec.name);
        std::string text;
        switch (rng.below(3)) {
            case 0:
                text = fmt::format("<{}{}", above, unit);
                g.hi = to_canonical(above, *choice->unit);
                g.hi_inclusive = false;
                break;
            case 1:
                text = fmt::format(">={}{}", below, unit);
                g.lo = to_canonical(below, *choice->unit);
                break;
            default:
                text = fmt::format("{}..{}{}", below, above, unit);
                g.lo = to_canonical(below, *choice->unit);
                g.hi = to_canonical(above, *choice->unit);
                break;
        }
        bool inside =
            (g.lo_inclusive ? v >= g.lo : v > g.lo) && (g.hi_inclusive ? v <= g.hi : v < g.hi);
        if (!inside) return std::nullopt;
        return std::pair{text, g};
    }

    // "2021..", "..2021" or "2021" around a date (days since 1970-01-01).
    static std::optional<std::pair<std::string, BenchRange>> date_range(const FieldSpec& spec,
                                                                        double days, Rng& rng) {
        for (int year = 1900; year <= 2100; ++year) {
            double first = 0, last = 0;
            parse_iso_date(fmt::format("{}-01-01", year), first);
            parse_iso_date(fmt::format("{}-12-31", year), last);
            if (days < first || days > last) continue;
            BenchRange g;
            g.field = std::string(spec.name);
            std::string text;
            switch (rng.below(3)) {
                case 0:
                    text = fmt::format("{}..", year);
                    g.lo = first;
                    break;
                case 1:
                    text = fmt::format("..{}", year);
                    g.hi = last;
                    break;
                default:
                    text = fmt::format("{}", year);
                    g.lo = first;
                    g.hi = last;
                    break;
            }
            return std::pair{text, g};
        }
        return std::nullopt;
    }

    // "Nice" numbers: 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten,
    // computed as tenths divided or multiplied by an exact power of ten, so
    // they print short (0.3, not 0.30000000000000004).
    static double nice(int tenths, int exponent) {
        double t = tenths;
        int e = exponent - 1;
        return e >= 0 ? t * std::pow(10.0, e) : t / std::pow(10.0, -e);
    }
    static constexpr int kNiceTenths[] = {10, 15, 20, 25, 30, 40, 50, 60, 80};

    static double nice_at_most(double x) {
        int e = static_cast<int>(std::floor(std::log10(x)));
        double best = nice(kNiceTenths[0], e - 1);
        for (int k = e - 1; k <= e + 1; ++k) {
            for (int t : kNiceTenths) {
                double n = nice(t, k);
                if (n <= x && n > best) best = n;
            }
        }
        return best;
    }
    static double nice_above(double x) {
        int e = static_cast<int>(std::floor(std::log10(x)));
        double best = nice(kNiceTenths[0], e + 2);
        for (int k = e - 1; k <= e + 1; ++k) {
            for (int t : kNiceTenths) {
                double n = nice(t, k);
                if (n > x && n < best) best = n;
            }
        }
        return best;
    }

    const Stats& s_;
    std::vector<std::string> facets_;
    std::set<std::string> filter_fields_;
    std::set<std::string> id_fields_;
    std::vector<std::string> deep_words_;
    std::string deep_note_;
    std::vector<std::size_t> dataset_pool_;
    std::vector<std::size_t> phrase_pool_;
    std::unordered_set<std::string> vocabulary_;  // the words of titles and object names
    std::vector<std::pair<std::string, std::uint64_t>> number_fields_;
    std::vector<std::pair<std::string, std::uint64_t>> date_fields_;
};

}  // namespace

const std::vector<std::string>& workload_scenarios() { return kScenarios; }

Result<DrawnWorkload> draw_workload(const WorkloadOptions& options) {
    try {
        Stats stats;
        if (auto s = read_records(options.records_dir, stats, options.seed); !s.ok()) {
            return s.error();
        }
        DrawnWorkload out;
        out.records = stats.records;
        for (const auto& f : options.facets) {
            if (atlas::find_field(f) == nullptr) {
                return Error{Errc::invalid_request, fmt::format("unknown facet field '{}'", f)};
            }
        }
        Drawer drawer(stats, options.facets);
        out.facets = drawer.facets();
        if (!drawer.deep_note().empty()) out.notes.push_back(drawer.deep_note());
        for (std::size_t si = 0; si < kScenarios.size(); ++si) {
            const std::string& scenario = kScenarios[si];
            Rng rng(mix_key({options.seed, name_key(scenario)}));
            std::uint32_t made = 0;
            std::uint64_t attempts = 0;
            const std::uint64_t budget = kAttemptsPerItem * options.per_scenario;
            while (made < options.per_scenario && attempts++ < budget) {
                auto draft = drawer.draw(scenario, made, rng);
                if (!draft) continue;
                out.items.push_back(finish(scenario, *draft, drawer.facets()));
                ++made;
            }
            out.per_scenario[scenario] = made;
            if (made < options.per_scenario) {
                out.notes.push_back(fmt::format("{}: {} of {} requests (the records offer no more)",
                                                scenario, made, options.per_scenario));
            }
        }
        return out;
    } catch (const std::exception& e) {
        return Error{Errc::internal, e.what()};
    }
}

}  // namespace atlas::bench
