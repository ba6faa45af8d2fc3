// htan_mapping.cpp - HTAN's flattened entity model into atlases, participants,
// biospecimens, files and publications.
//
// HTAN writes "unknown", "Not Reported", "Not Applicable"... where a value is
// missing; those are absent, not words.  Ages and intervals are in days and
// stored as durations, so age:>=60 (years) and age:>=21900d agree; an atlas
// that wrote its ages in years (HTA10) is found from its data and read as such.
//
// A participant's therapy comes from the export (PriorTreatment, TreatmentType)
// and, when the raw Synapse manifests (syn_data.json.gz) are there too, from
// their Therapy rows; biospecimens and files inherit it like the diagnosis.
#include "htan_mapping.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <set>

#include "htan_adapter.h"
#include "schema/schema.h"
#include "schema/text.h"
#include "schema/units.h"

namespace atlas::detail::htan {
namespace {

using JValue = rapidjson::Value;

constexpr std::array<std::string_view, 7> kParticipantContext{
    "organ", "organ_detail", "primary_diagnosis", "treatment", "sex", "race", "ethnicity"};
constexpr std::array<std::string_view, 6> kRollupKeywords{"assay", "organ",  "primary_diagnosis",
                                                          "level", "format", "data_access"};
// An atlas also rolls up its participants' own facts: a file's organ and
// diagnosis are inherited, and inherited values never roll up.
constexpr std::array<std::string_view, 8> kAtlasRollupKeywords{
    "assay",     "organ", "organ_detail", "primary_diagnosis",
    "treatment", "level", "format",       "data_access"};
// Ages of an atlas that are all at most this many are years, not days: as days
// they would make every participant of the atlas younger than four months.
constexpr double kMaxAgeInYears = 120;
// Therapy manifest columns shown as text on the participant ("Therapy: ...").
constexpr std::array<std::string_view, 11> kTherapyText{"Treatment Type",
                                                        "Therapeutic Agents",
                                                        "Regimen or Line of Therapy",
                                                        "Treatment Intent Type",
                                                        "Treatment Anatomic Site",
                                                        "Initial Disease Status",
                                                        "Treatment Outcome",
                                                        "Treatment Effect",
                                                        "Reason Treatment Ended",
                                                        "Number of Cycles",
                                                        "Chemo Concurrent to Radiation"};
constexpr std::array<std::string_view, 0> kNoNumbers{};
constexpr std::array<std::string_view, 1> kFileCount{"file"};

// A count per atlas as warnings give it: "HTA1 3, HTA5 1".
std::string per_atlas(const std::map<std::string, std::size_t>& counts) {
    std::vector<std::string> parts;
    for (const auto& [atlas, n] : counts) parts.push_back(fmt::format("{} {}", atlas, n));
    return fmt::format("{}", fmt::join(parts, ", "));
}

std::size_t sum_of(const std::map<std::string, std::size_t>& counts) {
    std::size_t n = 0;
    for (const auto& [atlas, count] : counts) n += count;
    return n;
}

// What HTAN writes for a value nobody recorded.
bool is_placeholder(std::string_view s) { return is_unrecorded(s); }

std::optional<std::string> clean(std::optional<std::string> s) {
    if (s && is_placeholder(*s)) return std::nullopt;
    return s;
}

// An ICD-O-3 morphology code, "8140/3" (the field sometimes holds prose instead).
bool is_icdo_code(std::string_view s) {
    return s.size() == 6 && s[4] == '/' &&
           std::all_of(s.begin(), s.begin() + 4, [](char c) { return c >= '0' && c <= '9'; }) &&
           s[5] >= '0' && s[5] <= '9';
}

std::string basename(std::string_view path) {
    auto slash = path.rfind('/');
    return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string_view trim_spaces(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
}

// A manifest header naming the HTAN Data File ID, however it is spelled
// ("HTAN Data File ID", "htan_data_file_id", "HTANDataFileID", "file_id").
bool is_file_id_column(std::string_view header) {
    std::string c = compact(header);
    return c == "htandatafileid" || c == "datafileid" || c == "fileid";
}

std::vector<std::string> split_commas(std::string_view s) {
    std::vector<std::string> out;
    while (!s.empty()) {
        auto comma = s.find(',');
        std::string_view part = trim_spaces(s.substr(0, comma));
        if (!part.empty() && !is_placeholder(part)) out.emplace_back(part);
        if (comma == std::string_view::npos) break;
        s.remove_prefix(comma + 1);
    }
    return out;
}

// Display names of the portal's viewer keys.
std::string_view viewer_name(std::string_view key) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kNames{{
        {"autoMinerva", "Minerva"},
        {"customMinerva", "Minerva story"},
        {"cds", "CDS"},
        {"idc", "IDC"},
        {"cellxgene", "CELLxGENE"},
        {"isbcgc", "ISB-CGC"},
        {"ucscXena", "UCSC Xena"},
    }};
    for (const auto& [k, name] : kNames) {
        if (k == key) return name;
    }
    return key;
}

// "https://labsyspharm.github.io/HTA-CRCATLAS-1/minerva/crc02-overview.html" -> "crc02-overview";
// the melanoma atlas publishes under /stories/ instead.
std::string story_name(std::string_view url) {
    std::string_view rest;
    for (std::string_view folder : {"/minerva/", "/stories/"}) {
        if (auto pos = url.find(folder); pos != std::string_view::npos) {
            rest = url.substr(pos + folder.size());
            break;
        }
    }
    if (rest.ends_with(".html")) rest.remove_suffix(5);
    if (rest.empty() || rest.find('/') != std::string_view::npos) return {};
    return std::string(rest);
}

// "cp s3://idc-open-data/<uuid>/* ." -> "s3://idc-open-data/<uuid>/".
std::string s3_folder_of_command(std::string_view cmd) {
    auto pos = cmd.find("s3://");
    if (pos == std::string_view::npos) return {};
    std::string_view rest = cmd.substr(pos);
    rest = rest.substr(0, rest.find(' '));
    if (rest.ends_with("*")) rest.remove_suffix(1);
    return std::string(rest);
}

// A publication id without a DOI: the center and the first words of the title.
std::string title_slug(std::string_view center, std::string_view title) {
    std::string out = fold(center);
    int words = 0;
    for (const auto& t : tokenize(title)) {
        if (words++ == 6) break;
        out += '-';
        out += t.term;
    }
    return out;
}

const JValue* member(const JValue& obj, std::string_view key) {
    if (!obj.IsObject()) return nullptr;
    auto it = obj.FindMember(rapidjson::StringRef(key.data(), key.size()));
    if (it == obj.MemberEnd() || it->value.IsNull()) return nullptr;
    return &it->value;
}

std::string string_of(const JValue* v) {
    if (v == nullptr || !v->IsString()) return {};
    return std::string(v->GetString(), v->GetStringLength());
}

// A manifest cell as text: strings trimmed (of the stray commas too, "Not
// Reported,"), numbers as written; placeholders are empty.
std::string cell_text(const JValue& v) {
    std::string s;
    if (v.IsString()) {
        s.assign(v.GetString(), v.GetStringLength());
    } else if (v.IsNumber()) {
        s = format_number(v.GetDouble());
    }
    while (!s.empty() && s.back() == ',') s.pop_back();
    s = trim_spaces(s);
    return is_placeholder(s) ? std::string() : s;
}

// A number of days: numbers, numeric strings; placeholders are absent.
std::optional<double> days(const FieldReader& r, std::string_view key) {
    const JValue* v = r.find(key);
    if (v == nullptr) return std::nullopt;
    if (v->IsString() && is_placeholder(v->GetString())) return std::nullopt;
    return r.number(key);
}

void add_days(Record& rec, const FieldReader& r, std::string_view key, std::string_view field) {
    auto d = days(r, key);
    if (!d) return;
    static const Unit* day = find_unit("d");
    rec.add_number(field, to_canonical(*d, *day), format_number(*d), "d");
}

void add_text(Record& rec, const FieldReader& r, std::string_view key, std::string_view field) {
    if (auto s = clean(r.text(key))) add_unique(rec, field, *s);
}

void add_story(Record& rec, const std::string& story) {
    if (add_unique(rec, "story", story)) {
        rec.add_link("story", fmt::format("minerva:story:{}", story));
    }
}

std::string_view strip_pubmed(std::string_view s) {
    while (!s.empty() && s.back() == '/') s.remove_suffix(1);
    auto slash = s.rfind('/');
    return slash == std::string_view::npos ? s : s.substr(slash + 1);
}

}  // namespace

bool is_drs_manifest(const std::vector<std::string>& header) {
    bool has_name = false, has_drs = false;
    for (const auto& h : header) {
        has_name = has_name || fold(h) == "name" || fold(h) == "file_name" || is_file_id_column(h);
        has_drs = has_drs || fold(h) == "drs_uri";
    }
    return has_name && has_drs;
}

void read_organ_mappings(const JValue& doc, Inputs& in) {
    if (!doc.IsObject()) return;
    for (const auto& organ : doc.GetObject()) {
        std::string coarse(organ.name.GetString(), organ.name.GetStringLength());
        for (const char* list : {"byPrimarySite", "byTissueOrOrganOfOrigin"}) {
            const JValue* names = member(organ.value, list);
            if (names == nullptr || !names->IsArray()) continue;
            for (const auto& n : names->GetArray()) {
                // "Colon NOS" in the data is "Colon, NOS" in the mapping.
                if (n.IsString()) in.organ_of.emplace(compact(n.GetString()), coarse);
            }
        }
    }
}

void read_story_mappings(const JValue& object, Inputs& in) {
    for (const auto& m : object.GetObject()) {
        if (!m.value.IsString()) continue;
        in.story_of_file.emplace(std::string(m.name.GetString(), m.name.GetStringLength()),
                                 std::string(m.value.GetString(), m.value.GetStringLength()));
    }
}

void read_drs_manifest(const CsvTable& t, const IssueContext& ctx, Inputs& in) {
    std::size_t m = in.drs_manifests.size();
    in.drs_manifests.push_back(ctx.file);
    auto name = t.column("name");
    if (!name) name = t.column("file_name");
    std::optional<std::size_t> id;
    for (std::size_t c = 0; c < t.header.size() && !id; ++c) {
        if (is_file_id_column(t.header[c])) id = c;
    }
    in.drs_id_column.emplace_back(id ? trim_spaces(t.header[*id]) : std::string_view());
    // The header was taken for a manifest's from its raw first line; read
    // whole (ill-formed UTF-8 repaired, spaces trimmed) it may name no
    // drs_uri column after all.
    auto drs = t.column("drs_uri");
    if (!drs) {
        report_issue(ctx, Severity::warning, "drs_uri",
                     "no such column once the file is read; its DRS URIs are not attached");
        return;
    }
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
        DrsRow row{m, t.lines[i], name ? basename(t.rows[i][*name]) : "", id ? t.rows[i][*id] : "",
                   t.rows[i][*drs]};
        std::string what = row.name.empty() ? row.file_id : row.name;
        if (what.empty()) {
            report_issue(ctx, Severity::warning, fmt::format("line {}", row.line),
                         fmt::format("'{}' names no file; left out", row.uri));
            continue;
        }
        if (!row.uri.starts_with("drs://")) {
            report_issue(ctx, Severity::warning, fmt::format("line {}.drs_uri", row.line),
                         fmt::format("'{}' for '{}' is not a drs:// URI; left out", row.uri, what));
            continue;
        }
        in.drs_rows.push_back(std::move(row));
    }
}

// --- therapy: the raw Synapse manifests' Therapy rows ---------------------------------

// Reads the Therapy rows into `in.therapy` (participant -> types and text).
void read_therapy(const JValue& doc, const IssueContext& ctx, Inputs& in) {
    in.therapy_file = ctx.file;
    const JValue* atlases = member(doc, "atlases");
    if (atlases == nullptr || !atlases->IsArray()) {
        report_issue(ctx, Severity::warning, "atlases",
                     "is missing or not a list; participants get no therapy from it");
        return;
    }
    std::size_t i = 0;
    for (const auto& a : atlases->GetArray()) {
        std::string where = fmt::format("atlases[{}].bts:Therapy.", i++);
        const JValue* therapy = member(a, "bts:Therapy");
        if (therapy == nullptr) continue;
        std::string atlas_id = string_of(member(a, "htan_id"));
        const JValue* columns = member(*therapy, "column_order");
        const JValue* rows = member(*therapy, "record_list");
        if (columns == nullptr || !columns->IsArray() || rows == nullptr || !rows->IsArray()) {
            report_warning(ctx, where + "column_order",
                           "column_order or record_list is missing; its rows are left out");
            continue;
        }
        std::map<std::string, std::size_t, std::less<>> column;
        for (rapidjson::SizeType c = 0; c < columns->Size(); ++c) {
            if ((*columns)[c].IsString()) column.emplace((*columns)[c].GetString(), c);
        }
        auto pid_column = column.find(std::string_view("HTAN Participant ID"));
        if (pid_column == column.end()) {
            report_warning(ctx, where + "column_order",
                           "has no 'HTAN Participant ID'; its rows are left out");
            continue;
        }
        std::size_t longer = 0, longest = 0;
        for (const auto& row : rows->GetArray()) {
            const JValue* values = member(row, "values");
            if (values == nullptr || !values->IsArray()) continue;
            auto cell = [&](std::string_view name) {
                auto c = column.find(name);
                if (c == column.end() || c->second >= values->Size()) return std::string();
                return cell_text((*values)[static_cast<rapidjson::SizeType>(c->second)]);
            };
            if (values->Size() > columns->Size()) {
                ++longer;
                longest = std::max<std::size_t>(longest, values->Size());
            }
            std::string pid = cell("HTAN Participant ID");
            if (pid.empty()) continue;
            auto& facts = in.therapy[pid];
            facts.atlas = atlas_id;
            if (auto type = cell("Treatment Type"); !type.empty()) {
                for (auto& t : split_commas(type)) facts.types.push_back(std::move(t));
            }
            // A row says what was given, or nothing worth a line ("Initial
            // Disease Status: Initial Diagnosis" alone).
            std::vector<std::string> parts;
            for (auto name : kTherapyText) {
                if (auto text = cell(name); !text.empty()) {
                    parts.push_back(fmt::format("{}: {}", name, text));
                }
            }
            bool given = !cell("Treatment Type").empty() || !cell("Therapeutic Agents").empty() ||
                         !cell("Regimen or Line of Therapy").empty();
            if (given) {
                facts.text.push_back(fmt::format("Therapy: {}", fmt::join(parts, "; ")));
            }
        }
        // HTAPP's rows carry up to 16 values more than column_order names
        // (further agents, types and days, by the look of them); which
        // column is which is not written anywhere, so they are not guessed.
        if (longer != 0) {
            report_warning(ctx, where + "record_list",
                           fmt::format("{} of {} rows of {} have more values (up to {}) than "
                                       "column_order names ({}); the unnamed values are "
                                       "left out",
                                       longer, rows->Size(), atlas_id, longest, columns->Size()));
        }
    }
}

// --- the export and the publications ----------------------------------------------------

Mapper::Mapper(RecordSink& sink, Inputs inputs) : sink_(&sink), in_(std::move(inputs)) {}

IssueContext Mapper::context(const std::string& file, std::string record) const {
    return IssueContext{sink_, std::string(kSource), file, std::move(record)};
}

void Mapper::map_export(const JValue& doc, const std::string& file) {
    export_ = file;
    FieldReader top(doc, context(export_));
    auto known = top.unknown_keys({"files", "atlases", "biospecimenByBiospecimenID",
                                   "diagnosisByParticipantID", "demographicsByParticipantID"});
    for (const auto& k : known) {
        top.warn(k, "is not a part of the export this adapter knows; ignored");
    }
    read_atlases(doc);
    read_participants(doc);
    apply_therapy();
    read_biospecimens(doc);
    read_files(doc);
    attach_drs_uris();
    emit();
}

std::string Mapper::coarse_organ(std::string_view detailed) const {
    auto it = in_.organ_of.find(compact(detailed));
    return it == in_.organ_of.end() ? std::string() : it->second;
}

Record Mapper::new_record(std::string_view kind, const std::string& id_part) {
    Record rec;
    rec.source = kSource;
    rec.kind = kind;
    rec.id = fmt::format("{}:{}:{}", kSource, kind, id_part);
    rec.file = export_;
    return rec;
}

void Mapper::read_atlases(const JValue& doc) {
    const JValue* list = member(doc, "atlases");
    if (list == nullptr || !list->IsArray()) return;
    std::size_t i = 0;
    for (const auto& a : list->GetArray()) {
        std::string where = fmt::format("atlases[{}].", i++);
        FieldReader r(a, context(export_), where);
        auto id = r.text("htan_id");
        if (!id) {
            report_issue(r.context(), Severity::error, where + "htan_id",
                         "atlas without htan_id; record rejected");
            continue;
        }
        Record rec = new_record("atlas", *id);
        auto name = r.text("htan_name");
        auto title = r.text("AtlasMeta.title.rendered");
        rec.title = title ? *title : name ? *name : *id;
        rec.add("atlas", *id);
        if (name) rec.add("atlas_name", *name);
        if (auto inst = r.text("AtlasMeta.lead_institutions")) {
            for (const auto& s : split_commas(*inst)) rec.add("affiliation", s);
        }
        rec.breadcrumb.push_back({rec.id, rec.kind, *id});
        rec.add_link("portal", fmt::format("{}explore?selectedFilters=%5B%7B%22group%22%3A%"
                                           "22AtlasName%22%2C%22value%22%3A%22{}%22%7D%5D",
                                           kHtanPortal, name ? *name : *id));
        atlas_index_[*id] = atlases_.size();
        atlases_.push_back(std::move(rec));
        atlas_rollups_.emplace_back(kAtlasRollupKeywords, kNoNumbers);
    }
}

const Record* Mapper::atlas(std::string_view id) const {
    auto it = atlas_index_.find(std::string(id));
    return it == atlas_index_.end() ? nullptr : &atlases_[it->second];
}

void Mapper::attach_atlas(Record& rec, const FieldReader& r) {
    auto id = r.text("atlasid");
    if (!id) return;
    add_unique(rec, "atlas", *id);
    if (const Record* a = atlas(*id)) {
        inherit(rec, *a, std::array<std::string_view, 1>{"atlas_name"});
    } else if (auto name = r.text("atlas_name")) {
        add_unique(rec, "atlas_name", *name, Origin::inherited);
    }
}

void Mapper::read_participants(const JValue& doc) {
    // Demographics first, then diagnosis: 2,341 and 2,281 participants, one record each.
    for (const char* part : {"demographicsByParticipantID", "diagnosisByParticipantID"}) {
        const JValue* map = member(doc, part);
        if (map == nullptr || !map->IsObject()) continue;
        for (const auto& m : map->GetObject()) {
            std::string pid(m.name.GetString(), m.name.GetStringLength());
            FieldReader r(m.value, context(export_, "htan:participant:" + pid),
                          fmt::format("{}.{}.", part, pid));
            auto [it, added] = participant_index_.try_emplace(pid, participants_.size());
            if (added) {
                participants_.push_back(new_record("participant", pid));
                Record& rec = participants_.back();
                rec.title = "Participant " + pid;
                rec.add("participant", pid);
                rec.add("htan_id", pid);
                attach_atlas(rec, r);
                if (auto a = r.text("atlasid")) {
                    rec.parent = fmt::format("{}:atlas:{}", kSource, *a);
                    const Record* at = atlas(*a);
                    rec.breadcrumb.push_back({rec.parent, "atlas", at ? at->first("atlas") : *a});
                }
                rec.breadcrumb.push_back({rec.id, rec.kind, pid});
                participant_rollups_.emplace_back(kRollupKeywords, kNoNumbers);
            }
            Record& rec = participants_[it->second];
            if (std::string_view(part) == "demographicsByParticipantID") {
                add_text(rec, r, "Gender", "sex");
                add_text(rec, r, "Race", "race");
                add_text(rec, r, "Ethnicity", "ethnicity");
                add_text(rec, r, "VitalStatus", "vital_status");
                add_text(rec, r, "CauseofDeath", "cause_of_death");
            } else {
                read_diagnosis(it->second, r);
            }
        }
    }
    add_ages();
    if (!zero_ages_.empty()) {
        report_warning(context(export_), "diagnosisByParticipantID.*.AgeatDiagnosis",
                       fmt::format("{} participants have 0 days, which stands for not "
                                   "recorded; left out ({})",
                                   sum_of(zero_ages_), per_atlas(zero_ages_)));
    }
}

// Adds the ages read_diagnosis collected, in days unless every non-zero age
// of the participant's atlas is kMaxAgeInYears or less: HTA10 writes "45",
// "18", "21"... though HTAN's unit is days.  One warning per such atlas.
void Mapper::add_ages() {
    std::map<std::string, bool> days_atlas;       // atlas -> some age is over the bound
    std::map<std::string, std::size_t> in_years;  // atlas -> ages read as years
    for (const auto& a : ages_) {
        days_atlas[participants_[a.participant].first("atlas")] |= a.value > kMaxAgeInYears;
    }
    static const Unit* day = find_unit("d");
    static const Unit* year = find_unit("y");
    for (const auto& a : ages_) {
        Record& rec = participants_[a.participant];
        std::string atlas_id = rec.first("atlas");
        const Unit* unit = days_atlas[atlas_id] ? day : year;
        if (unit == year) ++in_years[atlas_id];
        rec.add_number("age", to_canonical(a.value, *unit), format_number(a.value), unit->symbol);
    }
    for (const auto& [atlas_id, n] : in_years) {
        report_warning(context(export_), "diagnosisByParticipantID.*.AgeatDiagnosis",
                       fmt::format("{}: all {} non-zero ages are {} or less, which as days "
                                   "would make every participant younger than four months; "
                                   "read as years",
                                   atlas_id.empty() ? "(no atlas)" : atlas_id, n,
                                   format_number(kMaxAgeInYears)));
    }
}

void Mapper::read_diagnosis(std::size_t participant, const FieldReader& r) {
    Record& rec = participants_[participant];
    if (auto dx = clean(r.text("PrimaryDiagnosis"))) add_unique(rec, "primary_diagnosis", *dx);
    for (const char* key : {"TissueorOrganofOrigin", "SiteofResectionorBiopsy"}) {
        auto site = clean(r.text(key));
        if (!site) continue;
        if (std::string_view(key) == "TissueorOrganofOrigin") {
            add_unique(rec, "organ_detail", *site);
        }
        if (auto coarse = coarse_organ(*site); !coarse.empty()) add_unique(rec, "organ", coarse);
    }
    add_text(rec, r, "TumorGrade", "tumor_grade");
    for (const char* key : {"AJCCPathologicStage", "AJCCClinicalStage"}) {
        add_text(rec, r, key, "stage");
    }
    if (auto m = clean(r.text("Morphology")); m && is_icdo_code(*m)) {
        add_unique(rec, "ontology_id", "ICD-O:" + *m);
    }
    if (auto prior = clean(r.text("PriorTreatment"))) {
        std::string f = fold(*prior);
        if (f == "yes") add_unique(rec, "treatment", "Prior treatment");
        if (f == "no") add_unique(rec, "treatment", "No prior treatment");
    }
    // "Surgery, Chemotherapy": one facet value each, as the portal shows them.
    if (auto types = r.text("TreatmentType")) {
        for (const auto& t : split_commas(*types)) add_unique(rec, "treatment", t);
    }
    add_days(rec, r, "DaystoLastFollowup", "days_to_followup");
    const JValue* age = r.find("AgeatDiagnosis");
    if (age != nullptr && age->IsNumber() && age->GetDouble() == 0) {
        ++zero_ages_[rec.first("atlas")];
    } else if (auto d = days(r, "AgeatDiagnosis")) {
        ages_.push_back({participant, *d});
    }
}

// Gives each participant its therapy rows' treatment types and text; rows
// of participants the export does not have are counted in one line.
void Mapper::apply_therapy() {
    std::map<std::string, std::size_t> unknown;  // atlas -> participants
    for (const auto& [pid, facts] : in_.therapy) {
        auto it = participant_index_.find(pid);
        if (it == participant_index_.end()) {
            ++unknown[facts.atlas];
            continue;
        }
        Record& rec = participants_[it->second];
        for (const auto& t : facts.types) add_unique(rec, "treatment", t);
        for (const auto& t : facts.text) add_unique(rec, "description", t);
    }
    if (!unknown.empty()) {
        report_warning(context(in_.therapy_file), "atlases[*].bts:Therapy",
                       fmt::format("{} participants with therapy rows are not in the export; "
                                   "their rows are left out ({})",
                                   sum_of(unknown), per_atlas(unknown)));
    }
}

void Mapper::read_biospecimens(const JValue& doc) {
    const JValue* map = member(doc, "biospecimenByBiospecimenID");
    if (map == nullptr || !map->IsObject()) return;
    for (const auto& m : map->GetObject()) {
        std::string bid(m.name.GetString(), m.name.GetStringLength());
        FieldReader r(m.value, context(export_, "htan:biospecimen:" + bid),
                      fmt::format("biospecimenByBiospecimenID.{}.", bid));
        Record rec = new_record("biospecimen", bid);
        rec.add("biospecimen", bid);
        rec.add("htan_id", bid);
        attach_atlas(rec, r);
        add_text(rec, r, "BiospecimenType", "biospecimen_type");
        add_text(rec, r, "AcquisitionMethodType", "acquisition_method");
        for (const char* key : {"PreservationMethod", "FixativeType", "StorageMethod"}) {
            add_text(rec, r, key, "preservation");
        }
        add_text(rec, r, "TumorTissueType", "tumor_tissue_type");
        add_text(rec, r, "SiteDataSource", "organ_detail");
        add_days(rec, r, "CollectionDaysfromIndex", "collection_day");
        if (auto code = clean(r.text("HistologicMorphologyCode")); code && is_icdo_code(*code)) {
            add_unique(rec, "ontology_id", "ICD-O:" + *code);
        }
        if (auto syn = r.text("synapseId")) rec.add("synapse_id", *syn);
        auto parent = clean(r.text("HTANParentID"));
        biospecimen_parent_[bid] = parent ? *parent : "";
        biospecimen_index_[bid] = biospecimens_.size();
        biospecimens_.push_back(std::move(rec));
        biospecimen_rollups_.emplace_back(kRollupKeywords, kNoNumbers);
    }
    // Parent chains: a biospecimen's parent is another biospecimen or a participant.
    for (auto& rec : biospecimens_) {
        std::string bid = rec.first("biospecimen");
        std::vector<std::string> chain;  // ancestors, nearest first
        std::string at = biospecimen_parent_[bid];
        std::string participant;
        std::set<std::string> seen{bid};
        while (!at.empty() && seen.insert(at).second) {
            if (participant_index_.count(at) != 0) {
                participant = at;
                break;
            }
            if (biospecimen_index_.count(at) == 0) break;
            chain.push_back(at);
            at = biospecimen_parent_[at];
        }
        std::string parent_id = biospecimen_parent_[bid];
        if (participant.empty()) {
            report_warning(context(export_, rec.id),
                           fmt::format("biospecimenByBiospecimenID.{}.HTANParentID", bid),
                           parent_id.empty() ? std::string("is missing; no participant context")
                                             : fmt::format("'{}' leads to no known participant; no "
                                                           "participant context",
                                                           at.empty() ? parent_id : at));
        }
        // Breadcrumb: atlas, participant, ancestors from the top, the biospecimen.
        std::string atlas_id = rec.first("atlas");
        if (!atlas_id.empty()) {
            rec.breadcrumb.push_back(
                {fmt::format("{}:atlas:{}", kSource, atlas_id), "atlas", atlas_id});
        }
        if (!participant.empty()) {
            rec.breadcrumb.push_back({fmt::format("{}:participant:{}", kSource, participant),
                                      "participant", participant});
            rec.add("participant", participant);
            const Record& p = participants_[participant_index_[participant]];
            inherit(rec, p, kParticipantContext);
        }
        for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
            rec.breadcrumb.push_back(
                {fmt::format("{}:biospecimen:{}", kSource, *it), "biospecimen", *it});
        }
        rec.breadcrumb.push_back({rec.id, rec.kind, bid});
        if (!chain.empty()) {
            rec.parent = fmt::format("{}:biospecimen:{}", kSource, chain.front());
        } else if (!participant.empty()) {
            rec.parent = fmt::format("{}:participant:{}", kSource, participant);
        } else if (!atlas_id.empty()) {
            rec.parent = fmt::format("{}:atlas:{}", kSource, atlas_id);
        }
        rec.title = fmt::format("Biospecimen {}", bid);
        if (auto type = rec.first("tumor_tissue_type"); !type.empty()) {
            rec.title += fmt::format(" ({})", type);
        }
        biospecimen_participant_[bid] = participant;
    }
}

void Mapper::read_files(const JValue& doc) {
    const JValue* list = member(doc, "files");
    if (list == nullptr || !list->IsArray()) {
        report_issue(context(export_), Severity::error, "files",
                     "is missing or not a list; no files indexed");
        return;
    }
    std::map<std::string, std::string> first_file;  // data file id -> its file name
    std::size_t i = 0;
    for (const auto& f : list->GetArray()) {
        std::string where = fmt::format("files[{}].", i++);
        FieldReader r(f, context(export_), where);
        auto fid = r.text("DataFileID");
        if (!fid) fid = r.text("HTANDataFileID");
        if (!fid) {
            report_issue(r.context(), Severity::error, where + "HTANDataFileID",
                         "file without HTAN Data File ID; record rejected");
            continue;
        }
        auto filename = r.text("Filename");
        std::string id_part = *fid;
        auto [prev, fresh] = first_file.try_emplace(*fid, filename ? *filename : "");
        if (!fresh) {
            auto syn = r.text("synapseId");
            id_part = *fid + "/" + (syn ? *syn : fmt::format("{}", i - 1));
            report_warning(
                context(export_, fmt::format("{}:file:{}", kSource, id_part)),
                where + "HTANDataFileID",
                fmt::format("'{}' is also the id of '{}'; this file ('{}') is "
                            "indexed as {}:file:{}",
                            *fid, prev->second, filename ? *filename : "", kSource, id_part));
        }
        read_file(r, *fid, id_part, filename);
    }
}

void Mapper::read_file(const FieldReader& r, const std::string& fid, const std::string& id_part,
                       const std::optional<std::string>& filename) {
    Record rec = new_record("file", id_part);
    if (id_part != fid) rec.aliases.push_back(fmt::format("{}:file:{}", kSource, fid));
    rec.title = filename ? basename(*filename) : fid;
    rec.add("htan_id", fid);
    if (filename) {
        rec.add("file_name", basename(*filename));
    }
    attach_atlas(rec, r);
    add_text(rec, r, "assayName", "assay");
    add_text(rec, r, "ImagingAssayType", "assay");
    add_text(rec, r, "level", "level");
    if (auto fmt_ = clean(r.text("FileFormat"))) rec.add("format", *fmt_);
    add_text(rec, r, "downloadSource", "data_access");
    if (auto syn = r.text("synapseId")) {
        rec.add("synapse_id", *syn);
        rec.add_link("synapse", "https://www.synapse.org/#!Synapse:" + *syn);
    }
    if (auto release = r.text("releaseVersion")) rec.add("tag", *release);
    // Free text the portal shows on a file's page.
    std::vector<std::string> about;
    for (const char* key : {"Component", "ScRNAseqWorkflowType", "WorkflowType",
                            "ScRNAseqWorkflowParametersDescription", "LibraryConstructionMethod",
                            "SequencingPlatform", "NucleicAcidSource", "Comment"}) {
        if (auto s = clean(r.text(key))) about.push_back(*s);
    }
    if (!about.empty()) rec.add("description", fmt::format("{}", fmt::join(about, ". ")));
    // Parent files: a comma-separated list.
    if (auto parents = r.text("HTANParentDataFileID")) {
        UniqueAdder parent_files(rec, "parent_file");
        for (const auto& p : split_commas(*parents)) {
            if (p != fid) parent_files.add(p);
        }
    }
    // Links to biospecimens and participants, and their context.
    std::vector<std::string> bios = r.strings("biospecimenIds");
    std::vector<std::string> parts = r.strings("demographicsIds");
    for (auto& p : r.strings("diagnosisIds")) parts.push_back(std::move(p));
    UniqueAdder biospecimen_ids(rec, "biospecimen");
    for (const auto& b : bios) {
        biospecimen_ids.add(b);
        auto it = biospecimen_participant_.find(b);
        if (it != biospecimen_participant_.end() && !it->second.empty()) {
            parts.push_back(it->second);
        }
    }
    std::set<std::string> seen_parts;
    for (const auto& p : parts) {
        if (!seen_parts.insert(p).second) continue;
        rec.add("participant", p);
        auto it = participant_index_.find(p);
        if (it != participant_index_.end()) {
            inherit(rec, participants_[it->second], kParticipantContext);
        }
    }
    read_viewers(rec, r, filename);
    // Hierarchy: the first biospecimen, else the first participant, else the atlas.
    std::string atlas_id = rec.first("atlas");
    if (!atlas_id.empty()) {
        rec.breadcrumb.push_back(
            {fmt::format("{}:atlas:{}", kSource, atlas_id), "atlas", atlas_id});
    }
    const Record* bio = nullptr;
    if (!bios.empty()) {
        auto it = biospecimen_index_.find(bios.front());
        if (it != biospecimen_index_.end()) bio = &biospecimens_[it->second];
    }
    if (bio != nullptr) {
        rec.parent = bio->id;
        for (std::size_t k = atlas_id.empty() ? 0 : 1; k < bio->breadcrumb.size(); ++k) {
            rec.breadcrumb.push_back(bio->breadcrumb[k]);
        }
    } else if (!seen_parts.empty()) {
        std::string p = *parts.begin();
        rec.parent = fmt::format("{}:participant:{}", kSource, p);
        rec.breadcrumb.push_back({rec.parent, "participant", p});
    } else if (!atlas_id.empty()) {
        rec.parent = fmt::format("{}:atlas:{}", kSource, atlas_id);
    }
    rec.breadcrumb.push_back({rec.id, rec.kind, rec.title});

    // Roll up into every biospecimen, participant and the atlas.
    for (const auto& b : bios) {
        auto it = biospecimen_index_.find(b);
        if (it != biospecimen_index_.end()) biospecimen_rollups_[it->second].add(rec);
    }
    for (const auto& p : seen_parts) {
        auto it = participant_index_.find(p);
        if (it != participant_index_.end()) participant_rollups_[it->second].add(rec);
    }
    if (auto it = atlas_index_.find(atlas_id); it != atlas_index_.end()) {
        atlas_rollups_[it->second].add(rec);
    }
    files_.push_back(std::move(rec));
}

void Mapper::read_viewers(Record& rec, const FieldReader& r,
                          const std::optional<std::string>& filename) {
    std::string name = filename ? basename(*filename) : "";
    const JValue* viewers = r.find("viewers");
    if (viewers != nullptr && viewers->IsObject()) {
        for (const auto& v : viewers->GetObject()) {
            std::string key(v.name.GetString(), v.name.GetStringLength());
            if (v.value.IsNull()) continue;
            if (key != "cds") add_unique(rec, "viewer", viewer_name(key));
            const JValue& val = v.value;
            if (key == "cds") {
                std::string drs = string_of(member(val, "drs_uri"));
                if (!drs.empty()) {
                    add_unique(rec, "drs_uri", drs);
                    rec.add_link("drs", drs);
                }
                std::string size = string_of(member(val, "file_size"));
                if (const JValue* sz = member(val, "file_size"); sz && sz->IsNumber()) {
                    size = format_number(sz->GetDouble());
                }
                if (auto parsed = parse_number_text(size); parsed && parsed->unit.empty()) {
                    rec.add_number("file_size", parsed->value, size, "B");
                }
            } else if (key == "autoMinerva") {
                rec.add_link("viewer", string_of(member(val, "minerva")));
                rec.add_link("thumbnail", string_of(member(val, "thumbnail")));
            } else if (key == "idc") {
                rec.add_link("viewer", string_of(member(val, "viewer_url")));
                std::string s3 = s3_folder_of_command(string_of(member(val, "s5cmd_manifest_aws")));
                if (!s3.empty()) rec.add_link("s3", s3);
            } else if (key == "customMinerva") {
                std::string url = string_of(&val);
                rec.add_link("viewer", url);
                if (auto s = story_name(url); !s.empty()) add_story(rec, s);
            } else if (val.IsString()) {
                rec.add_link("viewer", string_of(&val));
            } else if (val.IsObject()) {
                for (const auto& inner : val.GetObject()) {
                    std::string url = string_of(&inner.value);
                    if (url.starts_with("https://")) rec.add_link("viewer", url);
                }
            }
        }
    }
    if (auto it = in_.story_of_file.find(name); it != in_.story_of_file.end()) {
        if (auto s = story_name(it->second); !s.empty()) add_story(rec, s);
        bool linked = std::any_of(rec.links.begin(), rec.links.end(), [&](const Link& l) {
            return l.rel == "viewer" && l.url == it->second;
        });
        if (!linked) rec.add_link("viewer", it->second);
        add_unique(rec, "viewer", viewer_name("customMinerva"));
    }
}

// Attaches each manifest row's DRS URI to the one file it names: by HTAN Data
// File ID where the manifest has one; else by file name, but only when one
// HTAN file has that name or exactly one of the same-named files already
// has that URI from the export (917 names are shared by 5,587 files).
// Everything else is reported and left out: a URI on the wrong file sends a
// download to someone else's data.
void Mapper::attach_drs_uris() {
    if (in_.drs_rows.empty()) return;
    std::map<std::string, std::vector<std::size_t>> by_id, by_name;
    for (std::size_t i = 0; i < files_.size(); ++i) {
        by_id[files_[i].first("htan_id")].push_back(i);
        if (auto n = files_[i].first("file_name"); !n.empty()) by_name[n].push_back(i);
    }
    auto has_uri = [&](std::size_t file, const std::string& uri) {
        auto uris = files_[file].get("drs_uri");
        return std::any_of(uris.begin(), uris.end(),
                           [&](const Value* v) { return v->text == uri; });
    };
    auto ids_of = [&](const std::vector<std::size_t>& files) {
        std::vector<std::string> ids;
        for (auto f : files) ids.push_back(files_[f].id);
        return fmt::format("{}", fmt::join(ids, ", "));
    };
    // file -> the manifest row that gave it its URI
    std::map<std::size_t, const DrsRow*> given;
    for (const auto& row : in_.drs_rows) {
        auto ctx = context(in_.drs_manifests[row.manifest]);
        const std::string& id_column = in_.drs_id_column[row.manifest];
        auto warn = [&](std::string_view column, std::string message) {
            report_issue(ctx, Severity::warning, fmt::format("line {}.{}", row.line, column),
                         std::move(message));
        };
        std::vector<std::size_t> files;
        if (!row.file_id.empty()) {
            auto it = by_id.find(row.file_id);
            if (it == by_id.end()) {
                warn(id_column, fmt::format("'{}' is the id of no HTAN file; '{}' left out",
                                            row.file_id, row.uri));
                continue;
            }
            files = it->second;
            if (files.size() > 1 && !row.name.empty()) {
                std::erase_if(
                    files, [&](std::size_t f) { return files_[f].first("file_name") != row.name; });
            }
            if (files.size() != 1) {
                std::string by_name_too =
                    row.name.empty()
                        ? std::string()
                        : fmt::format(", and its name '{}' does not tell which", row.name);
                warn(id_column,
                     fmt::format("'{}' is the id of {} files ({}){}; '{}' left out", row.file_id,
                                 it->second.size(), ids_of(it->second), by_name_too, row.uri));
                continue;
            }
        } else {
            auto it = by_name.find(row.name);
            if (it == by_name.end()) {
                warn("name", fmt::format("'{}' is the name of no HTAN file; '{}' left out",
                                         row.name, row.uri));
                continue;
            }
            files = it->second;
            if (files.size() > 1) {
                std::erase_if(files, [&](std::size_t f) { return !has_uri(f, row.uri); });
                if (files.size() != 1) {
                    warn("name",
                         fmt::format("'{}' is the name of {} HTAN files ({}), and the manifest "
                                     "has no HTAN Data File ID column to tell them apart; "
                                     "'{}' left out",
                                     row.name, it->second.size(), ids_of(it->second), row.uri));
                    continue;
                }
            }
        }
        std::size_t f = files.front();
        Record& rec = files_[f];
        if (auto [prev, fresh] = given.try_emplace(f, &row); !fresh) {
            if (prev->second->uri != row.uri) {
                warn("drs_uri",
                     fmt::format("'{}' for {} conflicts with '{}' that {} line {} gives it; "
                                 "left out",
                                 row.uri, rec.id, prev->second->uri,
                                 in_.drs_manifests[prev->second->manifest], prev->second->line));
            }
            continue;
        }
        if (has_uri(f, row.uri)) continue;
        if (auto export_uri = rec.first("drs_uri"); !export_uri.empty()) {
            warn("drs_uri", fmt::format("'{}' for {} conflicts with '{}' from the export; "
                                        "left out",
                                        row.uri, rec.id, export_uri));
            continue;
        }
        rec.add("drs_uri", row.uri);
        rec.add_link("drs", row.uri);
    }
}

// Applies the roll-ups and emits atlases, participants, biospecimens and files.
void Mapper::emit() {
    // Before the participants get their own roll-ups, so only their own
    // values (organ, diagnosis, treatment) reach the atlas.
    for (const auto& p : participants_) {
        if (auto it = atlas_index_.find(p.first("atlas")); it != atlas_index_.end()) {
            atlas_rollups_[it->second].add(p);
        }
    }
    for (std::size_t i = 0; i < atlases_.size(); ++i) {
        auto& rec = atlases_[i];
        std::uint64_t participants = 0;
        for (const auto& p : participants_) participants += p.first("atlas") == rec.first("atlas");
        std::uint64_t biospecimens = 0;
        for (const auto& b : biospecimens_) biospecimens += b.first("atlas") == rec.first("atlas");
        atlas_rollups_[i].apply(rec, kFileCount);
        rec.add_number("participant_count", static_cast<double>(participants),
                       std::to_string(participants), "", Origin::rollup);
        rec.add_number("biospecimen_count", static_cast<double>(biospecimens),
                       std::to_string(biospecimens), "", Origin::rollup);
        sink_->add(std::move(rec));
    }
    std::vector<std::uint64_t> bios_of(participants_.size(), 0);
    for (const auto& [bid, p] : biospecimen_participant_) {
        if (auto it = participant_index_.find(p); it != participant_index_.end()) {
            ++bios_of[it->second];
        }
    }
    for (std::size_t i = 0; i < participants_.size(); ++i) {
        auto& rec = participants_[i];
        std::string dx = rec.first("primary_diagnosis");
        std::string organ = rec.first("organ_detail");
        if (!dx.empty() || !organ.empty()) {
            rec.title += fmt::format(" · {}", dx.empty()      ? organ
                                              : organ.empty() ? dx
                                                              : dx + ", " + organ);
        }
        participant_rollups_[i].apply(rec, kFileCount);
        rec.add_number("biospecimen_count", static_cast<double>(bios_of[i]),
                       std::to_string(bios_of[i]), "", Origin::rollup);
        sink_->add(std::move(rec));
    }
    for (std::size_t i = 0; i < biospecimens_.size(); ++i) {
        biospecimen_rollups_[i].apply(biospecimens_[i], kFileCount);
        sink_->add(std::move(biospecimens_[i]));
    }
    for (auto& f : files_) sink_->add(std::move(f));
}

// --- publications ---------------------------------------------------------------------

void Mapper::map_publications(const JValue& doc, const std::string& file) {
    auto ctx = context(file);
    std::set<std::string> ids;
    std::size_t i = 0;
    for (const auto& p : doc.GetArray()) {
        std::string where = fmt::format("[{}].", i++);
        FieldReader r(p, ctx, where);
        auto title = r.text("Title");
        auto center = r.text("HTAN Center ID");
        auto doi_text = r.text("DOI");
        std::string doi = doi_text ? std::string(strip_doi_prefix(*doi_text)) : "";
        if (!title && doi.empty()) {
            report_issue(ctx, Severity::error, where + "Title",
                         "publication without title or DOI; record rejected");
            continue;
        }
        std::string id_part =
            !doi.empty() ? fold(doi) : title_slug(center ? *center : "htan", title ? *title : "");
        Record rec;
        rec.source = kSource;
        rec.kind = "publication";
        rec.id = fmt::format("{}:publication:{}", kSource, id_part);
        rec.file = file;
        if (!ids.insert(rec.id).second) {
            report_issue(IssueContext{sink_, std::string(kSource), ctx.file, rec.id},
                         Severity::error, where + "DOI",
                         "a second publication with this id; record rejected");
            continue;
        }
        rec.title = title ? *title : doi;
        if (center) {
            rec.add("atlas", *center);
            if (const Record* a = atlas(*center)) {
                inherit(rec, *a, std::array<std::string_view, 1>{"atlas_name"});
            }
            rec.parent = fmt::format("{}:atlas:{}", kSource, *center);
            rec.breadcrumb.push_back({rec.parent, "atlas", *center});
        }
        rec.breadcrumb.push_back({rec.id, rec.kind, rec.title});
        if (!doi.empty()) {
            rec.add("publication", doi);
            rec.add("doi", doi);
            rec.add_link("doi", "https://doi.org/" + doi);
        }
        if (auto pmid = clean(r.text("PMID"))) {
            std::string id(strip_pubmed(*pmid));
            rec.add("pmid", id);
            rec.add_link("pubmed", "https://pubmed.ncbi.nlm.nih.gov/" + id + "/");
        }
        if (auto authors = r.text("Authors")) {
            for (const auto& a : split_commas(*authors)) rec.add("author", a);
        }
        if (auto orcid = clean(r.text("Corresponding Author ORCID"))) {
            auto slash = orcid->rfind('/');
            rec.add("orcid", slash == std::string::npos ? *orcid : orcid->substr(slash + 1));
        }
        add_text(rec, r, "Location of Publication", "journal");
        if (auto year = r.number("Year of Publication")) {
            rec.add_number("year", *year, format_number(*year), "");
        }
        add_text(rec, r, "Publication Abstract", "description");
        add_text(rec, r, "Publication Content Type", "tag");
        add_text(rec, r, "HTAN Grant ID", "grant");
        for (const char* key : {"Data Type", "Tool"}) {
            if (auto s = clean(r.text(key))) {
                for (const auto& part : split_commas(*s)) add_unique(rec, "tag", part);
            }
        }
        // The data a publication used: its ids find the publication.
        UniqueAdder htan_ids(rec, "htan_id");
        for (const auto& id : r.strings("Publication-associated HTAN Parent Data File ID")) {
            htan_ids.add(id);
        }
        sink_->add(std::move(rec));
    }
}

}  // namespace atlas::detail::htan
