// hit_reader.cpp - reading hits (hit_reader.h).
#include "hit_reader.h"

#include <fmt/format.h>
#include <rapidjson/document.h>

#include "explain.h"
#include "ranking.h"
#include "schema/schema.h"
#include "schema/units.h"

namespace atlas::detail {
namespace {

FieldValue make_value(const FieldSpec* spec, const rapidjson::Value& v) {
    FieldValue out;
    if (v.IsBool()) {
        out.type = ValueType::boolean;
        out.number = v.GetBool() ? 1 : 0;
        out.text = v.GetBool() ? "yes" : "no";
    } else if (v.IsNumber()) {
        out.type = ValueType::number;
        out.number = v.GetDouble();
        out.text = format_number(out.number);
        if (spec != nullptr) {
            if (auto label = scale_label(*spec, out.number); !label.empty()) {
                out.label = label;
                out.text += fmt::format(" ({})", label);
            }
        }
    } else if (v.IsString()) {
        out.type =
            spec != nullptr && spec->type == FieldType::date ? ValueType::date : ValueType::text;
        out.text.assign(v.GetString(), v.GetStringLength());
    }
    return out;
}

// The query's top-level positive parts: what --explain scores one by one.
std::vector<QueryNode> explained_parts(const QueryNode& tree) {
    std::vector<QueryNode> parts;
    if (tree.kind == QueryNode::Kind::and_) {
        for (const auto& c : tree.children) {
            if (c.kind != QueryNode::Kind::not_) parts.push_back(c);
        }
    } else if (tree.kind != QueryNode::Kind::all && tree.kind != QueryNode::Kind::not_) {
        parts.push_back(tree);
    }
    return parts;
}

}  // namespace

HitReader::HitReader(OpenGeneration& gen, const CheckedRequest& checked)
    : gen_(gen),
      request_(*checked.request),
      matcher_(highlight_tokens(checked.tree)),
      parts_(explained_parts(checked.tree)) {}

void HitReader::explain(Hit& hit, std::uint32_t docid, std::string order) const {
    if (!request_.explain) return;
    HitExplanation e;
    e.order = std::move(order);
    if (e.order == "relevance") {
        for (const auto& part : parts_) {
            HitExplanation::Part p;
            p.query = part.describe();
            Xapian::Enquire one(gen_.db);
            one.set_query(Xapian::Query(Xapian::Query::OP_FILTER,
                                        build_query(part, gen_.db, range_docs_of(gen_)),
                                        Xapian::Query(id_term(hit.id))));
            one.set_weighting_scheme(bm25());
            Xapian::MSet m = one.get_mset(0, 1);
            if (!m.empty()) p.score = m.begin().get_weight();
            p.fields = fields_with_words(gen_.db, docid, part);
            e.parts.push_back(std::move(p));
        }
    }
    hit.explanation = std::move(e);
}

HitGroup HitReader::group(std::uint32_t docid) const {
    HitGroup hg;
    std::string data = gen_.db.get_document(docid).get_data();
    rapidjson::Document head;
    head.Parse(data.data(), data.size());
    if (!head.HasParseError() && head.IsObject()) {
        for (auto [key, out] : {std::pair{"id", &hg.id}, std::pair{"title", &hg.title}}) {
            auto m = head.FindMember(key);
            if (m != head.MemberEnd() && m->value.IsString()) {
                out->assign(m->value.GetString(), m->value.GetStringLength());
            }
        }
    }
    return hg;
}

Hit HitReader::read(std::uint32_t docid, std::uint64_t rank, double score) const {
    Hit hit;
    hit.rank = rank;
    hit.score = score;
    std::string data = gen_.db.get_document(docid).get_data();
    rapidjson::Document doc;
    doc.Parse(data.data(), data.size());
    if (doc.HasParseError() || !doc.IsObject()) {
        hit.id = fmt::format("(document {} has unreadable display data)", docid);
        return hit;
    }
    auto str = [&](const char* key) -> std::string {
        auto m = doc.FindMember(key);
        return m != doc.MemberEnd() && m->value.IsString()
                   ? std::string(m->value.GetString(), m->value.GetStringLength())
                   : std::string();
    };
    hit.id = str("id");
    hit.kind = str("kind");
    hit.source = str("source");
    hit.title = str("title");
    hit.title_marks = highlight(hit.title, matcher_);
    if (auto m = doc.FindMember("breadcrumb"); m != doc.MemberEnd() && m->value.IsArray()) {
        for (const auto& c : m->value.GetArray()) {
            if (!c.IsObject()) continue;
            Breadcrumb b;
            for (auto [key, out] : {std::pair{"id", &b.id}, std::pair{"kind", &b.kind},
                                    std::pair{"label", &b.label}}) {
                auto f = c.FindMember(key);
                if (f != c.MemberEnd() && f->value.IsString()) {
                    out->assign(f->value.GetString(), f->value.GetStringLength());
                }
            }
            hit.breadcrumb.push_back(std::move(b));
        }
    }
    std::vector<std::string_view> own_texts;
    std::vector<std::string_view> context_texts;
    if (auto m = doc.FindMember("fields"); m != doc.MemberEnd() && m->value.IsObject()) {
        for (const auto& f : m->value.GetObject()) {
            std::string name(f.name.GetString(), f.name.GetStringLength());
            const FieldSpec* spec = find_field(name);
            if (spec == nullptr || !f.value.IsArray()) continue;
            HitField field;
            field.name = name;
            field.label = spec->label;
            field.unit = spec->unit;
            field.multi = spec->multi;
            for (const auto& v : f.value.GetArray()) {
                field.values.push_back(make_value(spec, v));
                if (spec->type == FieldType::text && v.IsString()) {
                    std::string_view text(v.GetString(), v.GetStringLength());
                    (name == "dataset_title" ? context_texts : own_texts).push_back(text);
                }
            }
            hit.fields.push_back(std::move(field));
        }
    }
    if (auto m = doc.FindMember("more"); m != doc.MemberEnd() && m->value.IsObject()) {
        for (const auto& f : m->value.GetObject()) {
            if (!f.value.IsUint64()) continue;
            std::string_view name(f.name.GetString(), f.name.GetStringLength());
            for (auto& field : hit.fields) {
                if (field.name == name) field.more = f.value.GetUint64();
            }
        }
    }
    // The record's own text explains it best (the dataset title is in the
    // breadcrumb already); inherited context only when it has none.
    hit.snippet = make_snippet(own_texts.empty() ? context_texts : own_texts, matcher_,
                               request_.snippet_bytes);
    if (auto m = doc.FindMember("links"); m != doc.MemberEnd() && m->value.IsObject()) {
        for (const auto& l : m->value.GetObject()) {
            if (!l.value.IsArray()) continue;
            HitLink link;
            link.rel.assign(l.name.GetString(), l.name.GetStringLength());
            for (const auto& u : l.value.GetArray()) {
                if (u.IsString()) link.urls.emplace_back(u.GetString(), u.GetStringLength());
            }
            hit.links.push_back(std::move(link));
        }
    }
    return hit;
}

}  // namespace atlas::detail
