// evaluator.cpp - query tree -> bitmap, mirroring query_builder.cpp leaf by leaf.
#include "evaluator.h"

#include <vector>

#include "query_builder.h"
#include "schema/schema.h"

namespace atlas::detail {
namespace {

// Terms in more documents than this are kept as bitmaps between requests;
// rarer ones are cheaper to read again than to keep.
constexpr Xapian::doccount kCacheTermFreq = 2048;

}  // namespace

Evaluator::Evaluator(const Xapian::Database& db, ColumnStore& columns) : db_(db), columns_(columns) {}

void Evaluator::trim_cache(std::size_t max_bytes) {
    if (terms_bytes_ <= max_bytes) return;
    terms_.clear();
    terms_bytes_ = 0;
}

const Bitmap& Evaluator::term_docs(const std::string& term) {
    if (auto it = terms_.find(term); it != terms_.end()) return it->second;
    std::vector<std::uint32_t> docs;
    Xapian::doccount freq = db_.get_termfreq(term);
    docs.reserve(freq);
    for (auto it = db_.postlist_begin(term); it != db_.postlist_end(term); ++it) {
        docs.push_back(static_cast<std::uint32_t>(*it));
    }
    Bitmap b = Bitmap::of(docs);
    if (!columns_.deleted().empty()) b -= columns_.deleted();
    if (freq >= kCacheTermFreq) {
        b.optimize();
        terms_bytes_ += b.bytes();
        return terms_.emplace(term, std::move(b)).first->second;
    }
    scratch_ = std::move(b);
    return scratch_;
}

Bitmap Evaluator::union_of_terms(const std::vector<std::string>& terms) {
    if (terms.size() == 1) return term_docs(terms.front());
    Bitmap out;
    for (const auto& t : terms) out |= term_docs(t);
    return out;
}

const Bitmap& Evaluator::range_docs(const QueryNode& n) {
    return columns_.number_range(n.field, n.lo, n.lo_inclusive, n.hi, n.hi_inclusive);
}

Bitmap Evaluator::by_xapian(const QueryNode& node) {
    // The MSet, not a match spy: a spy sees each shard's own docids, the MSet
    // the combined ones (shard_writer.h).
    Xapian::Enquire enquire(db_);
    enquire.set_query(build_query(node, db_));
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    enquire.set_docid_order(Xapian::Enquire::ASCENDING);
    Xapian::MSet mset = enquire.get_mset(0, db_.get_doccount());
    std::vector<std::uint32_t> docs;
    docs.reserve(mset.size());
    for (auto it = mset.begin(); it != mset.end(); ++it) docs.push_back(static_cast<std::uint32_t>(*it));
    Bitmap b = Bitmap::of(docs);
    if (!columns_.deleted().empty()) b -= columns_.deleted();
    return b;
}

Bitmap Evaluator::eval(const QueryNode& n) {
    using K = QueryNode::Kind;
    switch (n.kind) {
        case K::all:
            return columns_.all();
        case K::words:
            if (n.phrase) return by_xapian(n);
            return union_of_terms(single_word_terms(n, db_));
        case K::exact: {
            const FieldSpec* spec = find_field(n.field);
            if (spec == nullptr) return Bitmap();
            if (n.prefix) return union_of_terms(exact_prefix_terms(n, db_));
            if (const FacetColumn* column = columns_.facet(n.field)) {
                auto code = column->find(n.value);
                if (!code) return Bitmap();
                return columns_.value_docs(n.field, *column, *code);
            }
            return term_docs(exact_term(spec->prefix, n.value));
        }
        case K::range:
            return range_docs(n);
        case K::or_:
        case K::synonym: {
            Bitmap out;
            for (const auto& c : n.children) out |= eval(c);
            return out;
        }
        case K::not_:
            return columns_.all() - eval(n.children.front());
        case K::and_: {
            Bitmap out;
            bool first = true;
            std::vector<const QueryNode*> negative;
            for (const auto& c : n.children) {
                if (c.optional) continue;  // scores, never restricts
                if (c.kind == K::not_) {
                    negative.push_back(&c.children.front());
                    continue;
                }
                if (first) {
                    out = eval(c);
                    first = false;
                } else {
                    if (out.empty()) break;
                    out &= eval(c);
                }
            }
            if (first) out = columns_.all();
            for (const auto* c : negative) {
                if (out.empty()) break;
                out -= eval(*c);
            }
            return out;
        }
    }
    return Bitmap();
}

}  // namespace atlas::detail
