// bench_record.cpp - one canonical record as every benchmark engine loads it.
//
// The same functions atlas indexes with (exact_value, the field table's
// weights, the browse order) decide what each SQL peer stores, so the engines
// differ in how they search, not in what they were given.
#include <fmt/format.h>

#include <fstream>
#include <set>

#include "engine.h"
#include "schema/record.h"
#include "schema/schema.h"
#include "schema/text.h"

namespace atlas::bench {

Result<BenchRecord> bench_record_from_json(std::string_view line) {
    auto parsed = record_from_json(line);
    if (!parsed.ok()) return Error{Errc::invalid_request, parsed.error().message};
    const Record& r = parsed.value();
    BenchRecord out;
    out.id = r.id;
    out.kind = r.kind;
    out.source = r.source;
    out.title = r.title;
    out.browse_key = std::string(1, static_cast<char>('0' + kind_rank(r.kind))) + fold(r.id);
    out.group_key = r.id;
    for (const auto& c : r.breadcrumb) {
        if (c.kind == "dataset") {
            out.group_key = c.id;
            break;
        }
    }
    std::set<std::pair<std::string, std::string>> seen;
    for (const auto& v : r.values) {
        const FieldSpec* spec = find_field(v.field);
        if (spec == nullptr) continue;
        if (spec->weight > 0 && spec->type != FieldType::number && spec->type != FieldType::date &&
            spec->type != FieldType::boolean) {
            if (!out.body.empty()) out.body += " . ";
            out.body += v.text;
            if (!v.original.empty()) out.body += " " + v.original;
        }
        BenchValue b;
        b.field = v.field;
        switch (spec->type) {
            case FieldType::number:
            case FieldType::date:
                b.is_number = true;
                b.number = v.number;
                out.values.push_back(std::move(b));
                break;
            case FieldType::boolean:
                b.exact = v.number != 0 ? "true" : "false";
                if (seen.emplace(b.field, b.exact).second) out.values.push_back(std::move(b));
                break;
            case FieldType::keyword:
            case FieldType::identifier:
                b.exact = exact_value(*spec, v.text);
                if (!b.exact.empty() && seen.emplace(b.field, b.exact).second) {
                    out.values.push_back(std::move(b));
                }
                break;
            case FieldType::text:
                break;
        }
    }
    // Every record has its kind and source as values, as atlas indexes them.
    for (auto [field, value] : {std::pair{"kind", r.kind}, std::pair{"source", r.source}}) {
        BenchValue b;
        b.field = field;
        b.exact = exact_value(*find_field(field), value);
        out.values.push_back(std::move(b));
    }
    return out;
}

Status for_each_record(const std::filesystem::path& records_dir,
                       const std::function<Status(const BenchRecord&)>& each) {
    namespace fs = std::filesystem;
    std::vector<fs::path> files;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(records_dir, ec), end; !ec && it != end;
         it.increment(ec)) {
        if (it->is_regular_file(ec) && it->path().extension() == ".jsonl") {
            files.push_back(it->path());
        }
    }
    if (files.empty()) {
        return Error{Errc::not_found,
                     fmt::format("no *.jsonl record files under '{}'", records_dir.string())};
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        std::string line;
        std::uint64_t n = 0;
        while (std::getline(in, line)) {
            ++n;
            if (line.empty()) continue;
            auto rec = bench_record_from_json(line);
            if (!rec.ok()) {
                return Error{Errc::invalid_request, fmt::format("{}: line {}: {}", f.string(), n,
                                                                rec.error().message)};
            }
            if (auto s = each(rec.value()); !s.ok()) return s;
        }
    }
    return {};
}

}  // namespace atlas::bench
