// natural_language.cpp - the tables plain words are read with (natural_language.h).
#include "natural_language.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

#include "schema/text.h"
#include "schema/units.h"

namespace atlas::detail {
namespace {

// --- what comparisons can be about ------------------------------------------------

// Fields a comparison in words can be on, by what people call them.
struct Quantity {
    std::string_view name;
    std::vector<std::string_view> fields;  // any of them (OR)
    bool smaller_is_better = false;        // "finer", "better than 10 Å"
    bool dated = false;                    // takes a year or a date
};

const std::vector<Quantity>& quantities() {
    static const std::vector<Quantity> table = {
        {"age", {"age"}},
        {"voxel", {"voxel_size", "voxel_spacing"}, true},
        {"quality", {"quality"}},
        {"energy", {"photon_energy"}},
        {"temperature", {"sample_temperature"}},
        {"voltage", {"acceleration_voltage"}},
        {"size", {"file_size"}},
        {"weight", {"body_weight"}},
        {"height", {"body_height"}},
        {"exposure", {"exposure_time"}},
        {"pressure", {"sample_pressure"}},
        {"released", {"release_date"}, false, true},
        {"deposited", {"deposition_date"}, false, true},
        {"scanned", {"scan_date"}, false, true},
        {"modified", {"last_modified_date"}, false, true},
        {"published", {"year", "release_date"}, false, true},
    };
    return table;
}

const Quantity* quantity(std::string_view name) {
    for (const auto& q : quantities()) {
        if (q.name == name) return &q;
    }
    return nullptr;
}

// Words naming a quantity: "quality at least 4", "voxel size below 5 microns".
struct Named {
    std::string_view words;
    std::string_view quantity;
};
constexpr std::array kNamed = {
    Named{"age", "age"},
    Named{"aged", "age"},
    Named{"quality", "quality"},
    Named{"resolution", "voxel"},
    Named{"voxel size", "voxel"},
    Named{"voxel spacing", "voxel"},
    Named{"pixel size", "voxel"},
    Named{"voxel", "voxel"},
    Named{"photon energy", "energy"},
    Named{"beam energy", "energy"},
    Named{"energy", "energy"},
    Named{"sample temperature", "temperature"},
    Named{"temperature", "temperature"},
    Named{"voltage", "voltage"},
    Named{"file size", "size"},
    Named{"size", "size"},
    Named{"weight", "weight"},
    Named{"weighing", "weight"},
    Named{"height", "height"},
    Named{"exposure time", "exposure"},
    Named{"exposure", "exposure"},
    Named{"pressure", "pressure"},
    Named{"release date", "released"},
    Named{"released", "released"},
    Named{"release", "released"},
    Named{"deposited", "deposited"},
    Named{"scanned", "scanned"},
    Named{"modified", "modified"},
    Named{"updated", "modified"},
    Named{"published", "published"},
};

enum class Op { lt, le, gt, ge, better, worse, within, between };

// Comparators, and the quantity a comparator implies on its own.
struct Comparator {
    std::string_view words;
    Op op;
    std::string_view implies = {};
};
constexpr std::array kComparators = {
    Comparator{"older than", Op::gt, "age"},
    Comparator{"younger than", Op::lt, "age"},
    Comparator{"heavier than", Op::gt, "weight"},
    Comparator{"lighter than", Op::lt, "weight"},
    Comparator{"taller than", Op::gt, "height"},
    Comparator{"shorter than", Op::lt, "height"},
    Comparator{"finer than", Op::better, "voxel"},
    Comparator{"sharper than", Op::better, "voxel"},
    Comparator{"coarser than", Op::worse, "voxel"},
    Comparator{"better than", Op::better},
    Comparator{"worse than", Op::worse},
    Comparator{"more than", Op::gt},
    Comparator{"greater than", Op::gt},
    Comparator{"higher than", Op::gt},
    Comparator{"larger than", Op::gt},
    Comparator{"bigger than", Op::gt},
    Comparator{"less than", Op::lt},
    Comparator{"fewer than", Op::lt},
    Comparator{"lower than", Op::lt},
    Comparator{"smaller than", Op::lt},
    Comparator{"no less than", Op::ge},
    Comparator{"no more than", Op::le},
    Comparator{"at least", Op::ge},
    Comparator{"at most", Op::le},
    Comparator{"up to", Op::le},
    Comparator{"over", Op::gt},
    Comparator{"above", Op::gt},
    Comparator{"under", Op::lt},
    Comparator{"below", Op::lt},
    Comparator{"between", Op::between},
    Comparator{"later than", Op::gt, "released"},
    Comparator{"earlier than", Op::lt, "released"},
    Comparator{"after", Op::gt, "released"},
    Comparator{"since", Op::ge, "released"},
    Comparator{"before", Op::lt, "released"},
    Comparator{"until", Op::le, "released"},
    Comparator{"in", Op::within, "released"},
    Comparator{"during", Op::within, "released"},
    Comparator{"from", Op::within, "released"},
};

// Unit words find_unit() does not know.
struct UnitWord {
    std::string_view words;
    std::string_view unit;
};
constexpr std::array kUnitWords = {
    UnitWord{"years old", "y"},
    UnitWord{"year old", "y"},
    UnitWord{"year", "y"},
    UnitWord{"yrs", "y"},
    UnitWord{"micrometers", "um"},
    UnitWord{"micrometer", "um"},
    UnitWord{"micrometres", "um"},
    UnitWord{"micrometre", "um"},
    UnitWord{"nanometers", "nm"},
    UnitWord{"nanometer", "nm"},
    UnitWord{"nanometres", "nm"},
    UnitWord{"nanometre", "nm"},
    UnitWord{"millimeters", "mm"},
    UnitWord{"millimetres", "mm"},
    UnitWord{"kilograms", "kg"},
    UnitWord{"kilovolts", "kV"},
    UnitWord{"seconds", "s"},
    UnitWord{"angstrom", "A"},
    UnitWord{"degrees celsius", "C"},
    UnitWord{"degree celsius", "C"},
    UnitWord{"degrees c", "C"},
    UnitWord{"degrees kelvin", "K"},
    UnitWord{"degrees fahrenheit", "F"},
    UnitWord{"degrees f", "F"},
};

// The quantity a unit implies: "10 microns" is a voxel size, "40 years" an age.
std::string_view implied_by_unit(const Unit& unit) {
    switch (unit.dimension) {
        case Dimension::length:
            return "voxel";
        case Dimension::time:
            return unit.symbol == "y" || unit.symbol == "d" ? "age" : "exposure";
        case Dimension::energy:
            return "energy";
        case Dimension::temperature:
            return "temperature";
        case Dimension::voltage:
            return "voltage";
        case Dimension::data_size:
            return "size";
        case Dimension::mass:
            return "weight";
        case Dimension::pressure:
            return "pressure";
        default:
            return {};
    }
}

// Words of a run that make a bare number an age: "donors over 60".
constexpr auto kPersonWords = std::to_array<std::string_view>(
    {"donor", "donors", "patient", "patients", "participant", "participants", "people", "persons",
     "person", "men", "women", "cases"});

// Words between a quantity's name and its comparator: "quality of at least 4".
constexpr auto kFiller =
    std::to_array<std::string_view>({"is", "are", "of", "was", "with", "a", "an", "the"});

// --- flags, kinds, stopwords ------------------------------------------------------------

// Words that name a value of a field no free text holds: "ground truth"
// annotations, "female" donors.
struct Flag {
    std::string_view words;
    std::string_view field;
    std::string_view value;
};
constexpr std::array kFlags = {
    Flag{"ground truth", "ground_truth", "yes"},
    Flag{"curator recommended", "curator_recommended", "yes"},
    Flag{"ctf corrected", "ctf_corrected", "yes"},
    Flag{"gain corrected", "gain_corrected", "yes"},
    Flag{"female", "sex", "female"},
    Flag{"females", "sex", "female"},
    Flag{"women", "sex", "female"},
    Flag{"woman", "sex", "female"},
    Flag{"male", "sex", "male"},
    Flag{"males", "sex", "male"},
    Flag{"men", "sex", "male"},
    Flag{"man", "sex", "male"},
};

struct KindWords {
    std::vector<std::string_view> words;
    std::vector<std::string_view> intents;
};

// Files that are images, by format (HTAN's imaging levels are OME-TIFF).
constexpr std::string_view kImageFiles =
    "kind:file format:(OME-TIFF OR tiff OR tif OR svs OR ndpi OR czi OR png OR jpg OR jpeg)";

const std::vector<KindWords>& kind_words() {
    static const std::vector<KindWords> table = {
        {{"tomogram", "tomograms"}, {"kind:tomogram"}},
        {{"tilt series", "tiltseries", "tilt-series"}, {"kind:tiltseries"}},
        {{"annotation", "annotations"}, {"kind:annotation"}},
        {{"segmentation", "segmentations", "mask", "masks"},
         {"kind:annotation shape:(SegmentationMask OR InstanceSegmentation)"}},
        {{"point", "points", "particle", "particles"},
         {"kind:annotation shape:(Point OR OrientedPoint)"}},
        {{"dataset", "datasets"}, {"kind:dataset"}},
        {{"run", "runs"}, {"kind:run"}},
        {{"deposition", "depositions"}, {"kind:deposition"}},
        {{"scan", "scans", "volume", "volumes"}, {"kind:dataset source:hoa"}},
        {{"donor", "donors"}, {"kind:donor"}},
        {{"organ", "organs"}, {"kind:organ"}},
        {{"file", "files"}, {"kind:file"}},
        {{"data"}, {"kind:file", "kind:dataset"}},
        {{"image", "images", "slide", "slides"}, {kImageFiles, "kind:story"}},
        {{"patient", "patients", "case", "cases", "participant", "participants"},
         {"kind:participant", "kind:donor"}},
        {{"specimen", "specimens", "biospecimen", "biospecimens", "sample", "samples"},
         {"kind:biospecimen", "kind:sample"}},
        {{"publication", "publications", "paper", "papers", "article", "articles"},
         {"kind:publication", "kind:document"}},
        {{"story", "stories"}, {"kind:story"}},
        {{"instrument", "instruments", "beamline", "beamlines"}, {"kind:instrument"}},
        {{"technique", "techniques"}, {"kind:technique"}},
    };
    return table;
}

// Words that carry no meaning of their own in a search, and the verbs people
// put between the things they name ("stories showing CD8", "datasets measured
// under 30 °C").  "not", "no" and "without" are not here: they mean
// something, and are left as words.
constexpr auto kStopwords = std::to_array<std::string_view>(
    {"a",     "about",  "acquired", "all",      "an",        "and",     "any",        "are",
     "as",    "at",     "be",       "by",       "collected", "contain", "containing", "contains",
     "do",    "does",   "find",     "for",      "from",      "get",     "give",       "has",
     "have",  "having", "i",        "imaged",   "in",        "into",    "is",         "it",
     "its",   "list",   "me",       "measured", "my",        "of",      "on",         "or",
     "our",   "please", "recorded", "search",   "show",      "showing", "shows",      "some",
     "taken", "that",   "the",      "their",    "there",     "these",   "this",       "those",
     "to",    "using",  "want",     "was",      "we",        "were",    "what",       "where",
     "which", "who",    "whose",    "with",     "within",    "looking"});

// --- matching -------------------------------------------------------------------------

// How many words at `at` spell `phrase` (space-separated); 0 if they do not.
std::size_t spells(const std::vector<std::string>& words, std::size_t at, std::string_view phrase) {
    std::size_t n = 0;
    while (!phrase.empty()) {
        auto space = phrase.find(' ');
        std::string_view word = phrase.substr(0, space);
        if (at + n >= words.size() || words[at + n] != word) return 0;
        ++n;
        phrase = space == std::string_view::npos ? std::string_view{} : phrase.substr(space + 1);
    }
    return n;
}

template <typename Table, typename Words>
std::pair<const typename Table::value_type*, std::size_t> longest(
    const Table& table, const std::vector<std::string>& words, std::size_t at, Words words_of) {
    const typename Table::value_type* best = nullptr;
    std::size_t best_n = 0;
    for (const auto& entry : table) {
        for (std::string_view spelling : words_of(entry)) {
            std::size_t n = spells(words, at, spelling);
            if (n > best_n) {
                best = &entry;
                best_n = n;
            }
        }
    }
    return {best, best_n};
}

template <typename Entry>
std::vector<std::string_view> one(const Entry& e) {
    return {e.words};
}

bool contains(const auto& list, std::string_view word) {
    return std::find(list.begin(), list.end(), word) != list.end();
}

// A year (1900..2100) or an ISO date (2023-06, 2023-06-01): what dated quantities take.
bool is_date_text(std::string_view text) {
    if (text.size() == 4) {
        int year = 0;
        for (char c : text) {
            if (c < '0' || c > '9') return false;
            year = year * 10 + (c - '0');
        }
        return year >= 1900 && year <= 2100;
    }
    // 2023-06 or 2023-06-01: digits where digits go.
    if ((text.size() != 7 && text.size() != 10) || !is_date_text(text.substr(0, 4))) return false;
    for (std::size_t i = 4; i < text.size(); ++i) {
        bool dash = i == 4 || i == 7;
        if (dash != (text[i] == '-') || (!dash && (text[i] < '0' || text[i] > '9'))) return false;
    }
    return true;
}

// A number as typed ("40", "10um", "4.26µm"), and a unit word after it.
struct Amount {
    std::string number;  // the number as typed, without a unit
    const Unit* unit = nullptr;
    std::size_t words = 0;  // words used, the unit's included
};

std::optional<Amount> amount_at(const std::vector<std::string>& words,
                                const std::vector<std::string_view>& typed, std::size_t at) {
    if (at >= words.size()) return std::nullopt;
    if (is_date_text(typed[at])) return Amount{std::string(typed[at]), nullptr, 1};
    auto parsed = parse_number_text(typed[at]);
    if (!parsed || !std::isfinite(parsed->value)) return std::nullopt;
    Amount a;
    a.words = 1;
    std::string_view text = typed[at];
    a.number = std::string(text.substr(0, text.size() - parsed->unit.size()));
    while (!a.number.empty() && a.number.back() == ' ') a.number.pop_back();
    if (!parsed->unit.empty()) {
        a.unit = find_unit(parsed->unit);
        if (a.unit == nullptr) return std::nullopt;
        return a;
    }
    auto [word, n] = longest(kUnitWords, words, at + 1, one<UnitWord>);
    if (word != nullptr) {
        a.unit = find_unit(word->unit);
        a.words += n;
    } else if (at + 1 < words.size()) {
        if (const Unit* u = find_unit(typed[at + 1])) {
            a.unit = u;
            a.words += 1;
        }
    }
    return a;
}

std::string bound_text(const Amount& a) {
    return a.number + (a.unit != nullptr ? std::string(a.unit->symbol) : std::string());
}

// The range a comparison makes on one field, in the query language.
std::string range_text(std::string_view field, Op op, const Quantity& q, const Amount& a,
                       const std::optional<Amount>& hi) {
    if (op == Op::better) op = q.smaller_is_better ? Op::lt : Op::gt;
    if (op == Op::worse) op = q.smaller_is_better ? Op::gt : Op::lt;
    switch (op) {
        case Op::lt:
            return fmt::format("{}:<{}", field, bound_text(a));
        case Op::le:
            return fmt::format("{}:<={}", field, bound_text(a));
        case Op::gt:
            return fmt::format("{}:>{}", field, bound_text(a));
        case Op::ge:
            return fmt::format("{}:>={}", field, bound_text(a));
        case Op::within:
            return fmt::format("{}:{}", field, bound_text(a));
        case Op::between:
        case Op::better:
        case Op::worse:
            break;
    }
    Amount lo = a;
    // "between 20 and 40 years": the unit of one bound is the other's.
    if (lo.unit == nullptr) lo.unit = hi->unit;
    Amount high = *hi;
    if (high.unit == nullptr) high.unit = lo.unit;
    return fmt::format("{}:{}..{}", field, bound_text(lo), bound_text(high));
}

std::string comparison_query(Op op, const Quantity& q, const Amount& a,
                             const std::optional<Amount>& hi) {
    std::string out;
    for (std::string_view field : q.fields) {
        if (!out.empty()) out += " OR ";
        out += range_text(field, op, q, a, hi);
    }
    return q.fields.size() > 1 ? "(" + out + ")" : out;
}

Reading reading(Reading::As as, std::size_t begin, std::size_t end) {
    Reading r;
    r.as = as;
    r.begin = begin;
    r.end = end;
    return r;
}

class Reader {
  public:
    explicit Reader(const std::vector<std::string_view>& typed) : typed_(typed) {
        for (auto w : typed) words_.push_back(fold(w));
        person_ = std::any_of(words_.begin(), words_.end(),
                              [](const std::string& w) { return contains(kPersonWords, w); });
    }

    std::vector<Reading> run() {
        std::vector<Reading> out;
        for (std::size_t i = 0; i < words_.size();) {
            std::optional<Reading> r = comparison(i);
            if (!r) r = flag(i);
            if (!r) r = kind(i);
            if (r && r->as == Reading::As::kind && modifies(out, i)) r->intents.clear();
            if (!r && contains(kStopwords, words_[i])) r = reading(Reading::As::stopword, i, i + 1);
            if (!r) {
                ++i;
                continue;
            }
            i = r->end;
            out.push_back(std::move(*r));
        }
        return out;
    }

  private:
    // A kind word after "of", "from" or "with" that follows another kind word
    // says whose, not what: "liver scans of male donors" asks for scans.
    bool modifies(const std::vector<Reading>& before, std::size_t at) const {
        auto kind = std::find_if(before.rbegin(), before.rend(), [](const Reading& r) {
            return r.as == Reading::As::kind && !r.intents.empty();
        });
        if (kind == before.rend()) return false;
        constexpr std::array<std::string_view, 3> kWhose = {"of", "from", "with"};
        for (std::size_t i = kind->end; i < at; ++i) {
            if (contains(kWhose, words_[i])) return true;
        }
        return false;
    }

    // [quantity words] [filler] comparator amount [and amount]
    std::optional<Reading> comparison(std::size_t begin) const {
        std::size_t at = begin;
        auto [named, named_n] = longest(kNamed, words_, at, one<Named>);
        at += named_n;
        while (named != nullptr && at < words_.size() && contains(kFiller, words_[at])) ++at;
        auto [cmp, cmp_n] = longest(kComparators, words_, at, one<Comparator>);
        if (cmp == nullptr) return std::nullopt;
        at += cmp_n;
        auto a = amount_at(words_, typed_, at);
        if (!a) return std::nullopt;
        at += a->words;
        std::optional<Amount> hi;
        if (cmp->op == Op::between) {
            if (at >= words_.size() || (words_[at] != "and" && words_[at] != "to"))
                return std::nullopt;
            hi = amount_at(words_, typed_, at + 1);
            if (!hi) return std::nullopt;
            at += 1 + hi->words;
        }
        const Quantity* q = quantity_of(named, *cmp, *a, hi);
        if (q == nullptr || q->dated != is_date_text(a->number)) return std::nullopt;
        if (hi && q->dated != is_date_text(hi->number)) return std::nullopt;
        if (cmp->op == Op::within && !q->dated) return std::nullopt;
        Reading r = reading(Reading::As::comparison, begin, at);
        r.query = comparison_query(cmp->op, *q, *a, hi);
        return r;
    }

    // What a comparison is on: the quantity named, else the one its
    // comparator or its unit implies, else a person's age ("donors over 60").
    const Quantity* quantity_of(const Named* named, const Comparator& cmp, const Amount& a,
                                const std::optional<Amount>& hi) const {
        if (named != nullptr) return quantity(named->quantity);
        const Unit* unit = a.unit != nullptr ? a.unit : (hi ? hi->unit : nullptr);
        if (!cmp.implies.empty()) {
            const Quantity* q = quantity(cmp.implies);
            // "before 2020" is a date; "after 10 microns" is not.
            if (q != nullptr && (!q->dated || unit == nullptr)) return q;
        }
        if (unit != nullptr) return quantity(implied_by_unit(*unit));
        if (person_ && !is_date_text(a.number)) return quantity("age");
        return nullptr;
    }

    std::optional<Reading> flag(std::size_t begin) const {
        auto [f, n] = longest(kFlags, words_, begin, one<Flag>);
        if (f == nullptr) return std::nullopt;
        Reading r = reading(Reading::As::flag, begin, begin + n);
        r.query = fmt::format("({}:{} OR \"{}\")", f->field, f->value, f->words);
        return r;
    }

    std::optional<Reading> kind(std::size_t begin) const {
        auto [k, n] =
            longest(kind_words(), words_, begin, [](const KindWords& e) { return e.words; });
        if (k == nullptr) return std::nullopt;
        Reading r = reading(Reading::As::kind, begin, begin + n);
        for (auto intent : k->intents) r.intents.emplace_back(intent);
        return r;
    }

    const std::vector<std::string_view>& typed_;
    std::vector<std::string> words_;  // folded
    bool person_ = false;
};

}  // namespace

std::vector<Reading> read_plain_words(const std::vector<std::string_view>& words) {
    return Reader(words).run();
}

std::string describe_reading(const Reading& reading) {
    switch (reading.as) {
        case Reading::As::comparison:
        case Reading::As::flag:
            return reading.query;
        case Reading::As::kind: {
            if (reading.intents.empty()) return "optional (whose, not what)";
            std::string kinds;
            for (const auto& intent : reading.intents) {
                if (!kinds.empty()) kinds += " or ";
                kinds += intent;
            }
            return "records of " + kinds + " first";
        }
        case Reading::As::stopword:
            return "optional (a common word)";
    }
    return {};
}

std::string_view describe_what(const Reading& reading) {
    switch (reading.as) {
        case Reading::As::comparison:
            return "range";
        case Reading::As::flag:
            return "flag";
        case Reading::As::kind:
            return "kind";
        case Reading::As::stopword:
            return "optional";
    }
    return {};
}

}  // namespace atlas::detail
