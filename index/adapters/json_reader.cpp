// json_reader.cpp - checked access to source JSON.
#include "json_reader.h"

#include <fmt/format.h>
#include <rapidjson/error/en.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>

#include "schema/record.h"
#include "schema/text.h"
#include "schema/units.h"

namespace atlas::detail {

std::string quote(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
        out.push_back(c);
        if (out.size() >= 60) {
            out += "...";
            break;
        }
    }
    return "'" + out + "'";
}

const char* type_name(const rapidjson::Value& v) {
    if (v.IsNull()) return "null";
    if (v.IsBool()) return "a boolean";
    if (v.IsNumber()) return "a number";
    if (v.IsString()) return "a string";
    if (v.IsArray()) return "an array";
    return "an object";
}

bool looks_like_orcid(std::string_view s) {
    if (s.size() != 19) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (i == 4 || i == 9 || i == 14) {
            if (c != '-') return false;
        } else if (!(std::isdigit(static_cast<unsigned char>(c)) || (i == 18 && c == 'X'))) {
            return false;
        }
    }
    return true;
}

namespace {

// The bytes of a .gz file, inflated; at most `max_bytes` of them.
Result<std::string> read_gzip(const std::filesystem::path& path, std::uintmax_t max_bytes) {
    gzFile in = gzopen(path.c_str(), "rb");
    if (in == nullptr) return Error{Errc::io, "cannot be opened"};
    std::string out;
    char chunk[1 << 16];
    int n;
    while ((n = gzread(in, chunk, sizeof chunk)) > 0) {
        out.append(chunk, static_cast<std::size_t>(n));
        if (out.size() > max_bytes) {
            gzclose(in);
            return Error{Errc::io, fmt::format("inflates to over the {} MiB a metadata file may "
                                               "have",
                                               max_bytes >> 20)};
        }
    }
    int err = 0;
    std::string message = n < 0 ? gzerror(in, &err) : "";
    gzclose(in);
    if (n < 0) return Error{Errc::corrupt, "is not a valid gzip file: " + message};
    return out;
}

}  // namespace

Result<JsonFile> load_json_file(const std::filesystem::path& path, std::uintmax_t max_bytes) {
    std::error_code ec;
    // A FIFO or a device named like a metadata file would block or never end.
    bool regular = std::filesystem::is_regular_file(path, ec);
    // A folder on the way that may not be entered is not "not a file".
    if (ec && ec != std::errc::no_such_file_or_directory) {
        return Error{Errc::io, "cannot be read: " + ec.message()};
    }
    if (!regular) return Error{Errc::io, "is not a regular file"};
    auto size = std::filesystem::file_size(path, ec);
    if (ec) return Error{Errc::io, "cannot be read: " + ec.message()};
    if (size > max_bytes) {
        return Error{Errc::io, fmt::format("is {} MiB, over the {} MiB a metadata file may have",
                                           size >> 20, max_bytes >> 20)};
    }
    std::string text;
    if (path.extension() == ".gz") {
        auto inflated = read_gzip(path, max_bytes);
        if (!inflated.ok()) return inflated.error();
        text = std::move(inflated).value();
    } else {
        std::ifstream in(path, std::ios::binary);
        if (!in) return Error{Errc::io, "cannot be opened"};
        std::ostringstream buffer;
        buffer << in.rdbuf();
        if (in.bad()) return Error{Errc::io, "cannot be read"};
        text = std::move(buffer).str();
    }
    return parse_json_text(std::move(text));
}

Result<JsonFile> parse_json_text(std::string text) {
    JsonFile file;
    if (!valid_utf8(text)) text = repair_utf8(text, file.repaired_bytes);
    // Python's json.dumps writes NaN and Infinity; accept them so FieldReader can
    // report the field instead of rejecting the whole file.  Iterative parsing:
    // a file nested a million deep must not overflow the stack.
    file.doc.Parse<rapidjson::kParseNanAndInfFlag | rapidjson::kParseIterativeFlag>(text.data(),
                                                                                    text.size());
    if (file.doc.HasParseError()) {
        if (text.empty()) return Error{Errc::corrupt, "is empty, not JSON"};
        return Error{Errc::corrupt,
                     fmt::format("invalid JSON at offset {}: {}", file.doc.GetErrorOffset(),
                                 rapidjson::GetParseError_En(file.doc.GetParseError()))};
    }
    return file;
}

std::size_t reject_file(const IssueContext& ctx, std::string_view reason) {
    if (ctx.sink == nullptr) return 0;
    std::size_t kept = 0;
    for (const auto& id : ctx.sink->previous_ids_from_file(ctx.file)) {
        if (auto previous = ctx.sink->previous(id)) {
            ctx.sink->add_carried(std::move(*previous));
            ++kept;
        }
    }
    std::string message(reason);
    if (kept > 0) {
        message += fmt::format("; the current index's {} record{} from it kept", kept,
                               kept == 1 ? "" : "s");
    }
    report_issue(ctx, Severity::error, "", std::move(message), kept > 0);
    return kept;
}

void report_issue(const IssueContext& ctx, Severity severity, std::string_view field,
                  std::string message, bool carried_over) {
    if (ctx.sink == nullptr) return;
    IngestIssue issue;
    issue.severity = severity;
    issue.source = ctx.source;
    issue.file = ctx.file;
    issue.record = ctx.record;
    issue.field = field;
    issue.message = std::move(message);
    issue.carried_over = carried_over;
    ctx.sink->report(std::move(issue));
}

void report_warning(const IssueContext& ctx, std::string_view field, std::string message) {
    report_issue(ctx, Severity::warning, field, std::move(message));
}

bool is_template_marker(std::string_view s) {
    for (std::string_view marker : {"REQUIRED", "OPTIONAL", "RECOMMENDED"}) {
        if (s == marker) return true;
        // "https://OPTIONAL", "ORCID: REQUIRED"
        if (s.size() > marker.size() && s.ends_with(marker)) {
            char before = s[s.size() - marker.size() - 1];
            if (before == '/' || before == ' ' || before == ':') return true;
        }
    }
    if (s.starts_with("ENUM (") || s.starts_with("ENUM(")) return true;
    // An unresolved str.format placeholder: "{run_name}", "int {ts-tilt_series_quality}".
    // Shell variables ("--id ${sample_id}" in a real workflow command) are content.
    auto open = s.find('{');
    if (open != std::string_view::npos && !(open > 0 && s[open - 1] == '$')) {
        auto close = s.find('}', open);
        if (close != std::string_view::npos && close > open + 1) {
            bool name = true;
            for (char c : s.substr(open + 1, close - open - 1)) {
                if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) {
                    name = false;
                }
            }
            if (name) return true;
        }
    }
    return false;
}

FieldReader::FieldReader(const rapidjson::Value& object, IssueContext ctx, std::string prefix)
    : object_(object), ctx_(std::move(ctx)), prefix_(std::move(prefix)) {}

std::string FieldReader::full(std::string_view path) const { return prefix_ + std::string(path); }

void FieldReader::warn(std::string_view path, std::string message) const {
    report_warning(ctx_, full(path), std::move(message));
}

bool is_unrecorded(std::string_view s) {
    std::string f = fold(s);
    for (char& c : f) {
        if (c == '_') c = ' ';
    }
    static constexpr std::array<std::string_view, 14> kUnrecorded{
        "unknown",       "not reported",  "not applicable",         "not recorded",
        "not available", "na",            "n/a",                    "none",
        "not collected", "unspecified",   "not allowed to collect", "null",
        "not specified", "not provided"};
    return std::find(kUnrecorded.begin(), kUnrecorded.end(), f) != kUnrecorded.end();
}

bool FieldReader::is_marker(std::string_view path, std::string_view s) const {
    if (!is_template_marker(s)) return false;
    warn(path, fmt::format("template marker {} is not a value; left out", quote(s)));
    return true;
}

const rapidjson::Value* FieldReader::find(std::string_view path) const {
    const rapidjson::Value* v = &object_;
    while (!path.empty()) {
        if (!v->IsObject()) return nullptr;
        auto dot = path.find('.');
        std::string_view key = path.substr(0, dot);
        // A Value, not a StringRef: StringRef converts to const char* and the
        // lookup would then run to the end of the whole path.
        rapidjson::Value name(
            rapidjson::StringRef(key.data(), static_cast<rapidjson::SizeType>(key.size())));
        auto it = v->FindMember(name);
        if (it == v->MemberEnd()) return nullptr;
        v = &it->value;
        path = dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1);
    }
    if (v->IsNull()) return nullptr;
    return v;
}

std::optional<std::string> FieldReader::value_text(std::string_view path,
                                                   const rapidjson::Value& v) const {
    if (v.IsString()) {
        std::string s(v.GetString(), v.GetStringLength());
        // Trim; a value of only spaces is empty.
        auto b = s.find_first_not_of(" \t\r\n");
        if (b == std::string::npos) return std::nullopt;
        s = s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
        if (is_marker(path, s)) return std::nullopt;
        return s;
    }
    if (v.IsInt64()) return std::to_string(v.GetInt64());
    if (v.IsUint64()) return std::to_string(v.GetUint64());
    if (v.IsDouble()) {
        if (!std::isfinite(v.GetDouble())) {
            warn(path, "is not a finite number; left out");
            return std::nullopt;
        }
        return format_number(v.GetDouble());
    }
    warn(path, fmt::format("expected text, found {}; left out", type_name(v)));
    return std::nullopt;
}

std::optional<std::string> FieldReader::text(std::string_view path) const {
    const rapidjson::Value* v = find(path);
    if (v == nullptr) return std::nullopt;
    return value_text(path, *v);
}

std::optional<double> FieldReader::number(std::string_view path) const {
    const rapidjson::Value* v = find(path);
    if (v == nullptr) return std::nullopt;
    if (v->IsNumber()) {
        double d = v->GetDouble();
        if (!std::isfinite(d)) {
            warn(path, "is not a finite number; left out");
            return std::nullopt;
        }
        return d;
    }
    if (v->IsString()) {
        std::string_view s(v->GetString(), v->GetStringLength());
        if (s.find_first_not_of(" \t") == std::string_view::npos) return std::nullopt;
        if (is_marker(path, s)) return std::nullopt;
        auto parsed = parse_number_text(s);
        if (parsed && parsed->unit.empty()) return parsed->value;
        warn(path, fmt::format("{} is not a number; left out", quote(s)));
        return std::nullopt;
    }
    warn(path, fmt::format("expected a number, found {}; left out", type_name(*v)));
    return std::nullopt;
}

std::optional<bool> FieldReader::boolean(std::string_view path) const {
    const rapidjson::Value* v = find(path);
    if (v == nullptr) return std::nullopt;
    if (v->IsBool()) return v->GetBool();
    if (v->IsString()) {
        std::string_view s(v->GetString(), v->GetStringLength());
        if (s.empty()) return std::nullopt;
        if (s == "true" || s == "True" || s == "yes" || s == "Yes") return true;
        if (s == "false" || s == "False" || s == "no" || s == "No") return false;
        if (is_marker(path, s)) return std::nullopt;
        warn(path, fmt::format("{} is not true or false; left out", quote(s)));
        return std::nullopt;
    }
    warn(path, fmt::format("expected true or false, found {}; left out", type_name(*v)));
    return std::nullopt;
}

std::optional<std::string> FieldReader::date(std::string_view path) const {
    auto s = text(path);
    if (!s) return std::nullopt;
    double days = 0;
    if (!parse_iso_date(*s, days)) {
        warn(path, fmt::format("{} is not a date (expected YYYY-MM-DD); left out", quote(*s)));
        return std::nullopt;
    }
    return s;
}

std::vector<const rapidjson::Value*> FieldReader::objects(std::string_view path) const {
    std::vector<const rapidjson::Value*> out;
    const rapidjson::Value* v = find(path);
    if (v == nullptr) return out;
    if (!v->IsArray()) {
        warn(path, fmt::format("expected a list, found {}; left out", type_name(*v)));
        return out;
    }
    rapidjson::SizeType i = 0;
    for (const auto& item : v->GetArray()) {
        if (item.IsObject()) {
            out.push_back(&item);
        } else if (!item.IsNull()) {
            warn(fmt::format("{}[{}]", path, i),
                 fmt::format("expected an object, found {}; left out", type_name(item)));
        }
        ++i;
    }
    return out;
}

std::vector<std::string> FieldReader::strings(std::string_view path) const {
    std::vector<std::string> out;
    const rapidjson::Value* v = find(path);
    if (v == nullptr) return out;
    if (!v->IsArray()) {
        if (auto s = value_text(path, *v)) out.push_back(*s);
        return out;
    }
    rapidjson::SizeType i = 0;
    for (const auto& item : v->GetArray()) {
        if (!item.IsNull()) {
            if (auto s = value_text(fmt::format("{}[{}]", path, i), item)) out.push_back(*s);
        }
        ++i;
    }
    return out;
}

std::optional<std::string> FieldReader::missing(std::string_view path) const {
    const rapidjson::Value* v = find(path);
    if (v == nullptr) return std::string("required field is missing; record rejected");
    if (v->IsString()) {
        std::string_view s(v->GetString(), v->GetStringLength());
        if (is_template_marker(s)) {
            return fmt::format("required field holds the template marker {}; record rejected",
                               quote(s));
        }
        if (s.find_first_not_of(" \t\r\n") == std::string_view::npos) {
            return std::string("required field is empty; record rejected");
        }
        return std::nullopt;
    }
    if (v->IsNumber()) return std::nullopt;
    return fmt::format("required field is {}, not a value; record rejected", type_name(*v));
}

std::vector<std::string> FieldReader::unknown_keys(
    const std::vector<std::string_view>& known) const {
    std::vector<std::string> out;
    if (!object_.IsObject()) return out;
    for (const auto& m : object_.GetObject()) {
        std::string_view key(m.name.GetString(), m.name.GetStringLength());
        bool found = false;
        for (auto k : known) {
            if (k == key) {
                found = true;
                break;
            }
        }
        if (!found) out.emplace_back(key);
    }
    return out;
}

}  // namespace atlas::detail
