// json_reader.h - reading source JSON files field by field, reporting every bad value.
//
// Adapters never call RapidJSON's Get*() directly: FieldReader checks each
// value's type and content and turns anything unusable (a wrong type, a
// template marker such as REQUIRED, a date like 2023-XX-XX, NaN) into one
// IngestIssue line naming the file and the field, then treats the field as
// absent.  Missing keys, nulls and empty strings are simply absent.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapter.h"

namespace atlas::detail {

// The largest metadata file read; real ones are a few KB.
inline constexpr std::uintmax_t kMaxJsonFileBytes = 64u << 20;

struct JsonFile {
    rapidjson::Document doc;
    std::size_t repaired_bytes = 0;  // ill-formed UTF-8 sequences replaced by U+FFFD
};

// Parses a whole file.  On failure returns the one-line reason ("invalid JSON
// at offset 57: Missing a comma or '}' after an object member", "is not a
// regular file", "is 80 MiB, over the 64 MiB a metadata file may have").
// Ill-formed UTF-8 is repaired (and counted), not fatal.  A ".gz" file is
// inflated first; `max_bytes` bounds the file and what it inflates to (the
// portals' one-file exports, such as HTAN's 136 MB processed_syn_data, pass a
// larger bound).
Result<JsonFile> load_json_file(const std::filesystem::path& path,
                                std::uintmax_t max_bytes = kMaxJsonFileBytes);
// Parses JSON text held in memory (a record embedded as a string in another file).
Result<JsonFile> parse_json_text(std::string text);

// Where an issue happened, for the lines FieldReader reports.
struct IssueContext {
    RecordSink* sink = nullptr;
    std::string source;
    std::string file;
    std::string record;
};

// Reports one issue about ctx's file and record; `carried_over` marks an error
// whose record the previous generation's version replaces.
void report_issue(const IssueContext& ctx, Severity severity, std::string_view field,
                  std::string message, bool carried_over = false);
void report_warning(const IssueContext& ctx, std::string_view field, std::string message);

// Reports that ctx's whole file could not be read (one error line) and keeps
// the previous generation's records from that file; returns how many it kept.
std::size_t reject_file(const IssueContext& ctx, std::string_view reason);

// True for the template markers the ingestion templates use (REQUIRED,
// OPTIONAL, RECOMMENDED, "https://OPTIONAL", "ENUM (...)") and unresolved
// "{placeholder}" strings.
bool is_template_marker(std::string_view s);

// True for what the portals write where nobody recorded a value: "unknown",
// "Not Reported", "not applicable", "N/A", "None", "not_reported"...  Such a
// value is absent, never a word or a facet value.
bool is_unrecorded(std::string_view s);

// Quotes a value for a message, shortened so a line stays a line: 'ab...'.
std::string quote(std::string_view s);

// What a JSON value is, for a message: "null", "a number", "an object"...
const char* type_name(const rapidjson::Value& v);

// True for the form of an ORCID iD: 0000-0002-4691-9501 (the last character may be X).
bool looks_like_orcid(std::string_view s);

class FieldReader {
  public:
    // `object` must outlive the reader.  `prefix` is prepended to field paths
    // in issues ("authors[2]." for a reader over one author).
    FieldReader(const rapidjson::Value& object, IssueContext ctx, std::string prefix = {});

    // The value at a dotted path ("camera.model"), or nullptr when missing or null.
    const rapidjson::Value* find(std::string_view path) const;

    // A string (numbers are accepted and written as text).  Reports template
    // markers and wrong types; empty strings are absent.
    std::optional<std::string> text(std::string_view path) const;
    // A finite number; numeric strings ("13.48") are accepted.
    std::optional<double> number(std::string_view path) const;
    // true/false, or the strings "true"/"false"/"yes"/"no".
    std::optional<bool> boolean(std::string_view path) const;
    // A YYYY-MM-DD date.
    std::optional<std::string> date(std::string_view path) const;
    // Objects of an array at `path`; reports non-array values and non-object items.
    std::vector<const rapidjson::Value*> objects(std::string_view path) const;
    // Strings of an array at `path`.
    std::vector<std::string> strings(std::string_view path) const;

    // Why a required field is unusable ("required field is missing; record
    // rejected"), or nullopt if it holds a value.  Reports nothing: the caller
    // rejects the record.
    std::optional<std::string> missing(std::string_view path) const;

    // Keys of the object that are not in `known`.
    std::vector<std::string> unknown_keys(const std::vector<std::string_view>& known) const;

    const IssueContext& context() const { return ctx_; }
    void warn(std::string_view path, std::string message) const;

  private:
    // True (after warning) if `s` is a template marker rather than a value.
    bool is_marker(std::string_view path, std::string_view s) const;
    std::optional<std::string> value_text(std::string_view path, const rapidjson::Value& v) const;

    std::string full(std::string_view path) const;

    const rapidjson::Value& object_;
    IssueContext ctx_;
    std::string prefix_;
};

}  // namespace atlas::detail
