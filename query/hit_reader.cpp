// hit_reader.cpp - reading hits (hit_reader.h).
#include "hit_reader.h"

#include <fmt/format.h>

#include "bitmap_source.h"
#include "explain.h"
#include "ranking.h"
#include "schema/display_data.h"
#include "schema/schema.h"
#include "schema/units.h"

namespace atlas::detail {
namespace {

FieldValue make_value(const FieldSpec& spec, const DisplayValue& v) {
    FieldValue out;
    switch (v.type) {
        case DisplayValue::Type::boolean:
            out.type = ValueType::boolean;
            out.number = v.number;
            out.text = v.number != 0 ? "yes" : "no";
            break;
        case DisplayValue::Type::number:
            out.type = ValueType::number;
            out.number = v.number;
            out.text = format_number(out.number);
            if (auto label = scale_label(spec, out.number); !label.empty()) {
                out.label = label;
                out.text += fmt::format(" ({})", label);
            }
            break;
        case DisplayValue::Type::text:
            out.type = spec.type == FieldType::date ? ValueType::date : ValueType::text;
            out.text = v.text;
            break;
    }
    return out;
}

HitField make_field(const FieldSpec& spec, const DisplayField& shown) {
    HitField field;
    field.name = shown.name;
    field.label = spec.label;
    field.unit = spec.unit;
    field.multi = spec.multi;
    field.more = shown.more;
    for (const auto& v : shown.values) field.values.push_back(make_value(spec, v));
    return field;
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
      parts_(request_.explain ? explained_parts(checked.tree) : std::vector<QueryNode>{}) {}

void HitReader::explain(Hit& hit, std::uint32_t docid, std::string order) const {
    if (!request_.explain) return;
    HitExplanation e;
    e.order = std::move(order);
    if (e.order == "relevance") {
        for (const auto& part : parts_) {
            HitExplanation::Part p;
            p.query = part.describe();
            // The hit's own document: after an update its id is also
            // held by the deleted copy it replaced.
            Xapian::Enquire one(gen_.db);
            auto* only = new BitmapSource(
                std::make_shared<const Bitmap>(Bitmap::of(std::span(&docid, 1))), gen_.shards);
            one.set_query(Xapian::Query(Xapian::Query::OP_FILTER,
                                        build_query(part, gen_.db, range_docs_of(gen_)),
                                        Xapian::Query(only->release())));
            one.set_weighting_scheme(bm25());
            Xapian::MSet m = one.get_mset(0, 1);
            if (!m.empty()) p.score = m.begin().get_weight();
            if (part.optional) p.score *= kOptionalWeight;  // as the whole query weighs it
            p.fields = fields_with_words(gen_.db, docid, part);
            e.parts.push_back(std::move(p));
        }
    }
    hit.explanation = std::move(e);
}

HitGroup HitReader::group(std::uint32_t docid) const {
    HitGroup hg;
    if (auto shown = decode_display_data(gen_.display->data(docid).value_or(""))) {
        hg.id = std::move(shown->id);
        hg.title = std::move(shown->title);
    }
    return hg;
}

Hit HitReader::read(std::uint32_t docid, std::uint64_t rank, double score) const {
    Hit hit;
    hit.rank = rank;
    hit.score = score;
    auto shown = decode_display_data(gen_.display->data(docid).value_or(""));
    if (!shown) {
        hit.id = fmt::format("(document {} has unreadable display data)", docid);
        return hit;
    }
    hit.id = std::move(shown->id);
    hit.kind = std::move(shown->kind);
    hit.source = std::move(shown->source);
    hit.title = std::move(shown->title);
    hit.title_marks = highlight(hit.title, matcher_);
    for (auto& c : shown->breadcrumb) {
        hit.breadcrumb.push_back({std::move(c.id), std::move(c.kind), std::move(c.label)});
    }
    // The record's own text explains it best (the dataset title is in the
    // breadcrumb already); inherited context only when it has none.
    std::vector<std::string_view> own_texts;
    std::vector<std::string_view> context_texts;
    for (const auto& f : shown->fields) {
        const FieldSpec* spec = find_field(f.name);
        if (spec == nullptr) continue;
        hit.fields.push_back(make_field(*spec, f));
        if (spec->type != FieldType::text) continue;
        for (const auto& v : f.values) {
            if (v.type != DisplayValue::Type::text) continue;
            (f.name == "dataset_title" ? context_texts : own_texts).push_back(v.text);
        }
    }
    hit.snippet = make_snippet(own_texts.empty() ? context_texts : own_texts, matcher_,
                               request_.snippet_bytes);
    for (auto& l : shown->links) hit.links.push_back({std::move(l.rel), std::move(l.urls)});
    return hit;
}

}  // namespace atlas::detail
