// vocabulary_builder.cpp - what the data says about synonyms (vocabulary_builder.h).
#include "vocabulary_builder.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_set>

#include "acronyms.h"
#include "schema/record.h"
#include "schema/text.h"

namespace atlas {
namespace {

std::vector<std::string_view> split_spaces(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && s[i] == ' ') ++i;
        std::size_t j = i;
        while (j < s.size() && s[j] != ' ') ++j;
        if (j > i) out.push_back(s.substr(i, j - i));
        i = j;
    }
    return out;
}

bool all_of_class(std::string_view w, bool (*ok)(char)) {
    return !w.empty() && std::all_of(w.begin(), w.end(), ok);
}

bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_lower_or_hyphen(char c) { return is_lower(c) || c == '-'; }

// "Schizosaccharomyces", not "MLV" or "Sprague".
bool is_genus(std::string_view w) {
    return w.size() >= 3 && w[0] >= 'A' && w[0] <= 'Z' && all_of_class(w.substr(1), is_lower);
}

// "pombe", "flos-aquae"; not "sp." or "Dawley".
bool is_epithet(std::string_view w) {
    return w.size() >= 3 && is_lower(w[0]) && all_of_class(w, is_lower_or_hyphen) && w != "sp" &&
           w != "spp";
}

}  // namespace

Vocabulary derive_binomials(const std::vector<std::string>& organism_names) {
    Vocabulary table;
    for (const auto& name : organism_names) {
        auto words = split_spaces(name);
        if (words.size() < 2 || !is_genus(words[0]) || !is_epithet(words[1])) continue;
        // "Severe acute respiratory syndrome ..." reads like a genus and an
        // epithet but goes on in lower-case words; binomials go on, if at all,
        // with strains, ranks ("subsp.") or codes.
        if (words.size() >= 3 && all_of_class(words[2], is_lower)) continue;
        std::string species = Vocabulary::key_of(words[1]);
        std::string key =
            std::string(1, static_cast<char>(words[0][0] - 'A' + 'a')) + " " + species;
        table.add(key, Vocabulary::key_of(words[0]) + " " + species);
    }
    return table;
}

Vocabulary organism_groups(std::string_view text, const std::vector<std::string>& organism_names,
                           std::vector<std::string>& errors) {
    std::vector<std::set<std::string>> named;
    for (const auto& name : organism_names) {
        std::set<std::string> words;
        for (auto& t : tokenize(name)) words.insert(std::move(t.term));
        named.push_back(std::move(words));
    }
    auto in_data = [&named](const std::string& genus) {
        auto words = tokenize(genus);
        return std::any_of(named.begin(), named.end(), [&words](const auto& organism) {
            return std::all_of(words.begin(), words.end(),
                               [&organism](const auto& t) { return organism.count(t.term) != 0; });
        });
    };
    Vocabulary table;
    for (auto line : Vocabulary::read_lines(text, errors)) {
        std::vector<std::string> kept;
        for (auto& genus : line.narrower) {
            if (in_data(genus)) kept.push_back(std::move(genus));
        }
        if (kept.empty() && !line.narrower.empty()) kept.push_back(line.narrower.front());
        line.narrower = std::move(kept);
        table.add_line(line);
    }
    return table;
}

// --- what the records say --------------------------------------------------------

struct VocabularyBuilder::State {
    std::vector<std::string> organisms;
    std::set<std::string> organism_set;
    // Texts already read for abbreviations (inherited copies repeat them).
    std::unordered_set<std::size_t> texts_seen;
    std::set<std::pair<std::string, std::string>> acronyms;  // (short, long), defined once is enough
    // Organ-detail word -> organ -> records.
    std::map<std::string, std::map<std::string, unsigned>> organ_words;
    std::map<std::pair<std::string, std::string>, unsigned> id_names;  // (id, name) -> records
};

VocabularyBuilder::VocabularyBuilder() : s_(std::make_unique<State>()) {}
VocabularyBuilder::~VocabularyBuilder() = default;

namespace {

// The record's only own value of `field`, or "" when it has none or several.
std::string_view single_own(const Record& record, std::string_view field) {
    std::string_view found;
    for (const auto& v : record.values) {
        if (v.field != field || v.origin != Origin::own) continue;
        if (!found.empty()) return {};
        found = v.text;
    }
    return found;
}

// Words that say nothing about which organ: "NOS", "upper", "lobe" are
// shared by many organs and drop out by themselves; these are short or
// grammatical.
bool organ_word(std::string_view w) {
    static const std::set<std::string_view> skip{
        "and", "the", "of", "nos", "not", "other", "part", "site", "specified", "unspecified"};
    return w.size() >= 4 && !has_digit(w) && skip.count(w) == 0;
}

}  // namespace

void VocabularyBuilder::observe(const Record& record) {
    State& s = *s_;
    // Abbreviations defined in the title and own descriptions, each distinct
    // text read once (inherited copies repeat them).
    auto read_abbreviations = [&s](const std::string& text) {
        if (text.find('(') == std::string::npos ||
            !s.texts_seen.insert(std::hash<std::string>{}(text)).second) {
            return;
        }
        for (auto& a : detail::find_acronyms(text)) {
            s.acronyms.emplace(std::move(a.short_form), std::move(a.long_form));
        }
    };
    read_abbreviations(record.title);
    for (const auto& v : record.values) {
        if (v.origin != Origin::own) continue;
        if (v.field == "organism" && s.organism_set.insert(v.text).second) {
            s.organisms.push_back(v.text);
        }
        if (v.field == "description") read_abbreviations(v.text);
    }
    // Organ names across sources: HTAN writes both the organ ("Colorectal")
    // and where exactly ("Sigmoid colon").
    std::string_view organ = single_own(record, "organ");
    std::string_view detail_text = single_own(record, "organ_detail");
    if (!organ.empty() && !detail_text.empty()) {
        // The head word of each comma-separated part: its last word before
        // any "of" ("Colon NOS", "Sigmoid colon", "Cecum", "Skin of trunk"),
        // not the modifiers ("Upper-inner quadrant of breast": quadrant);
        // "NOS" and its like are no words here.
        std::set<std::string> organ_tokens;
        for (auto& t : tokenize(organ)) organ_tokens.insert(std::move(t.term));
        std::string_view rest = detail_text;
        while (!rest.empty()) {
            auto comma = rest.find(',');
            std::string head;
            for (auto& t : tokenize(rest.substr(0, comma))) {
                if (t.term == "of") break;
                if (organ_word(t.term)) head = std::move(t.term);
            }
            if (!head.empty() && organ_tokens.count(head) == 0) {
                ++s.organ_words[head][std::string(organ)];
            }
            rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        }
    }
    // Ontology ids and the names beside them: GO:0022626 -> cytosolic ribosome.
    std::string_view object_id = single_own(record, "object_id");
    std::string_view object = single_own(record, "object");
    if (!object_id.empty() && !object.empty() && object_id.find(':') != std::string_view::npos) {
        ++s.id_names[{std::string(object_id), std::string(object)}];
    }
    // NCBI taxonomy ids (the portal writes the bare number) -> the organism:
    // NCBITaxon:284812 -> Schizosaccharomyces pombe 972h-.
    std::string_view taxon = single_own(record, "organism_id");
    std::string_view organism = single_own(record, "organism");
    if (!taxon.empty() && !organism.empty() &&
        std::all_of(taxon.begin(), taxon.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        ++s.id_names[{"NCBITaxon:" + std::string(taxon), std::string(organism)}];
    }
}

Vocabulary VocabularyBuilder::finish() const {
    const State& s = *s_;
    Vocabulary table = derive_binomials(s.organisms);
    // The built-in file has no bad line (tests/index/vocabulary_builder_test.cpp).
    std::vector<std::string> errors;
    table.merge(organism_groups(curated_organism_groups(), s.organisms, errors));
    // Of the long forms of one short form, those holding every word of a
    // shorter one are that one with words of the sentence around it ("cyclic
    // multiplex immunofluorescence imaging" beside "cyclic immunofluorescence").
    auto word_set = [](std::string_view text) {
        std::set<std::string> words;
        for (auto& t : tokenize(text)) words.insert(std::move(t.term));
        return words;
    };
    std::map<std::string, std::vector<std::set<std::string>>> forms;
    for (const auto& [short_form, long_form] : s.acronyms) {
        forms[Vocabulary::key_of(short_form)].push_back(word_set(long_form));
    }
    for (const auto& [short_form, long_form] : s.acronyms) {
        std::set<std::string> words = word_set(long_form);
        bool padded = false;
        for (const auto& other : forms[Vocabulary::key_of(short_form)]) {
            padded =
                padded || (other.size() < words.size() &&
                           std::includes(words.begin(), words.end(), other.begin(), other.end()));
        }
        if (!padded) table.add_group({short_form, long_form});
    }
    for (const auto& [word, organs] : s.organ_words) {
        // A word that always comes with one organ, seen on three records or more.
        if (organs.size() == 1 && organs.begin()->second >= 3) {
            table.add(word, organs.begin()->first);
        }
    }
    // An id that always comes with the same name, on two records or more, finds
    // the name.  Not the other way round: records naming it carry the id too
    // (that is how it is known), and a root term would make a common word a
    // synonym of an id ("cell" is CL:0000000).
    std::map<std::string, unsigned> names_per_id;
    for (const auto& [pair, records] : s.id_names) ++names_per_id[pair.first];
    for (const auto& [pair, records] : s.id_names) {
        if (records >= 2 && names_per_id[pair.first] == 1) table.add(pair.first, pair.second);
    }
    return table;
}

}  // namespace atlas
