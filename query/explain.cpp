// explain.cpp - which fields of a record hold the words of a query part.
#include "explain.h"

#include <fmt/format.h>

#include "query_builder.h"
#include "schema/schema.h"

namespace atlas::detail {

std::vector<std::string> fields_with_words(const Xapian::Database& db, Xapian::docid docid,
                                           const QueryNode& part) {
    std::vector<std::string> words = highlight_tokens(part);
    std::vector<std::string> out;
    for (const auto& spec : field_specs()) {
        if (spec.prefix.empty() || spec.type == FieldType::boolean || spec.name == "kind" ||
            spec.name == "source") {
            continue;
        }
        bool found = false;
        for (const auto& w : words) {
            QueryNode n;
            n.kind = QueryNode::Kind::words;
            n.field = std::string(spec.name);
            n.tokens = {w};
            for (const auto& term : single_word_terms(n, db)) {
                Xapian::PostingIterator p = db.postlist_begin(term);
                p.skip_to(docid);
                if (p != db.postlist_end(term) && *p == docid) {
                    found = true;
                    break;
                }
            }
            if (found) break;
        }
        if (!found) continue;
        out.push_back(spec.weight > 0 ? fmt::format("{} x{}", spec.name, spec.weight)
                                      : std::string(spec.name));
    }
    return out;
}

}  // namespace atlas::detail
