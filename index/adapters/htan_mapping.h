// htan_mapping.h - HTAN's parsed export and side files -> atlases, participants, biospecimens,
// files and publications.
//
// htan_adapter.cpp finds and loads the files (JSON, gz, CSV) and rejects the
// ones that cannot be read; everything they say is interpreted here.  The
// side files first become Inputs (coarse organs, Minerva stories, DRS
// manifest rows, therapy rows); then Mapper maps the export, which is one
// JSON document: a file needs its biospecimens' and participants' context,
// and atlases and participants roll up their files, so its records are
// emitted only once the whole document is mapped.  The publications list
// is mapped after it.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hierarchy.h"
#include "json_reader.h"
#include "schema/csv_reader.h"
#include "schema/record.h"

namespace atlas::detail::htan {

inline constexpr std::string_view kSource = "htan";

// A DRS manifest row that names a file and gives it a drs:// URI.
struct DrsRow {
    std::size_t manifest = 0;  // index in Inputs::drs_manifests
    std::size_t line = 0;
    std::string name;     // file name, or ""
    std::string file_id;  // HTAN Data File ID, or ""
    std::string uri;
};

// What one participant's rows of the Therapy manifests say.
struct Therapy {
    std::string atlas;               // the manifest's atlas
    std::vector<std::string> types;  // Treatment Type values
    std::vector<std::string> text;   // one "Therapy: ..." line per row
};

// What the files beside the export say; each part is empty when its file is
// absent or unreadable.
struct Inputs {
    std::map<std::string, std::string> organ_of;       // compact tissue/site -> coarse organ
    std::map<std::string, std::string> story_of_file;  // file name -> story URL
    std::vector<std::string> drs_manifests;            // relative to the source root
    std::vector<std::string> drs_id_column;            // per manifest: its file id column, or ""
    std::vector<DrsRow> drs_rows;
    std::string therapy_file;                // syn_data's path relative to the root
    std::map<std::string, Therapy> therapy;  // participant -> its Therapy rows
};

// True for the header of a DRS manifest: a drs_uri column and a name or HTAN
// Data File ID column (however spelled: "HTAN Data File ID", "htan_data_file_id",
// "file_id").
bool is_drs_manifest(const std::vector<std::string>& header);

// human-organ-mappings.json: each coarse organ's tissue and site names.
void read_organ_mappings(const rapidjson::Value& doc, Inputs& in);
// minerva-story-mappings.json, an object: file name -> story URL.
void read_story_mappings(const rapidjson::Value& object, Inputs& in);
// The rows of a DRS manifest; `ctx` names the manifest.  A row naming no file
// or whose URI is not a drs:// URI is reported and left out.
void read_drs_manifest(const CsvTable& table, const IssueContext& ctx, Inputs& in);
// The Therapy rows of syn_data.json (the raw Synapse manifests); `ctx` names
// the file.  Rows are matched to participants when the export is mapped.
void read_therapy(const rapidjson::Value& doc, const IssueContext& ctx, Inputs& in);

// Maps the export and then the publications list, sending records and issues to `sink`.
class Mapper {
  public:
    Mapper(RecordSink& sink, Inputs inputs);

    // Maps the export (a JSON object) read from `file` (relative to the
    // source root) and emits its records: atlases, participants,
    // biospecimens, then files.
    void map_export(const rapidjson::Value& doc, const std::string& file);
    // Maps publications_manifest_all.json (a JSON array) read from `file` and
    // emits a record per publication.
    void map_publications(const rapidjson::Value& doc, const std::string& file);

  private:
    // Issues about `file` (relative to the source root) and `record`.
    IssueContext context(const std::string& file, std::string record = {}) const;
    Record new_record(std::string_view kind, const std::string& id_part);
    std::string coarse_organ(std::string_view detailed) const;
    const Record* atlas(std::string_view id) const;
    void attach_atlas(Record& rec, const FieldReader& r);

    void read_atlases(const rapidjson::Value& doc);
    void read_participants(const rapidjson::Value& doc);
    void add_ages();
    void read_diagnosis(std::size_t participant, const FieldReader& r);
    void apply_therapy();
    void read_biospecimens(const rapidjson::Value& doc);
    void read_files(const rapidjson::Value& doc);
    void read_file(const FieldReader& r, const std::string& fid, const std::string& id_part,
                   const std::optional<std::string>& filename);
    void read_viewers(Record& rec, const FieldReader& r,
                      const std::optional<std::string>& filename);
    void attach_drs_uris();
    void emit();

    RecordSink* sink_;
    Inputs in_;
    std::string export_;  // the export's path relative to the source root
    struct Age {
        std::size_t participant = 0;  // index in participants_
        double value = 0;
    };
    std::vector<Age> ages_;  // non-zero ages at diagnosis, unit decided per atlas

    std::vector<Record> atlases_, participants_, biospecimens_, files_;
    std::vector<Rollup> atlas_rollups_, participant_rollups_, biospecimen_rollups_;
    std::map<std::string, std::size_t> atlas_index_, participant_index_, biospecimen_index_;
    std::map<std::string, std::string> biospecimen_parent_;       // id -> HTANParentID
    std::map<std::string, std::string> biospecimen_participant_;  // id -> participant id
    std::map<std::string, std::size_t> zero_ages_;                // atlas -> participants
};

}  // namespace atlas::detail::htan
