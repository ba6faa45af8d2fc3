// page.cpp - one page of hits or groups (page.h).
#include "page.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "hit_reader.h"
#include "ordering.h"
#include "ranking.h"

namespace atlas::detail {
namespace {

// A part of the page's order (a tier, tiers.h), and how many entries it
// lists when that is known without listing them (siblings collapse: not).
struct Part {
    std::shared_ptr<const Bitmap> docs;
    std::string label;
    std::optional<std::uint64_t> listed;
};

// The entries [offset, offset + limit) of `parts` listed one after another:
// `list(part, from, count)` lists a part's entries from `from`; `add(entry,
// rank, label)` takes each, ranks counted from `rank`.  A part known to list
// no more than the offset is skipped unlisted; one of unknown length before
// the last is listed from its start, so it says how many it lists.
template <class List, class Add>
void across(const std::vector<Part>& parts, std::uint64_t offset, std::uint32_t limit,
            std::uint64_t rank, const List& list, const Add& add) {
    std::uint64_t skip = offset;
    std::uint64_t left = limit;
    rank += offset;
    for (std::size_t k = 0; k < parts.size() && left > 0; ++k) {
        const Part& part = parts[k];
        if (part.listed && *part.listed <= skip) {
            skip -= *part.listed;
            continue;
        }
        bool from_start = !part.listed && k + 1 < parts.size();
        auto got = list(part, static_cast<std::uint32_t>(from_start ? 0 : skip),
                        static_cast<std::uint32_t>(from_start ? skip + left : left));
        std::size_t first = from_start ? std::min<std::size_t>(skip, got.size()) : 0;
        for (std::size_t i = first; i < got.size() && left > 0; ++i, --left) {
            add(got[i], ++rank, part.label);
        }
        skip = from_start ? skip - first : 0;
    }
}

// The page of one request: its stages and the result they fill.
class PageMaker {
  public:
    PageMaker(const CheckedRequest& checked, const MatchSet& matches, OpenGeneration& gen,
              const SearcherOptions& options, SearchResult& result)
        : request_(*checked.request),
          checked_(checked),
          matches_(matches),
          gen_(gen),
          result_(result),
          ordering_(*gen.columns, checked),
          reader_(gen, checked) {
        if (checked.ranked) ranker_.emplace(gen, checked, matches, options);
    }

    void fill() {
        if (!request_.group_by.empty()) {
            groups();
        } else if (checked_.ranked) {
            ranked_hits();
        } else {
            ordered_hits();
        }
        if (ranker_) {
            result_.scored = ranker_->scored();
            result_.threads = ranker_->threads();
        }
    }

  private:
    // What places a hit that nothing ranks: "sort by FIELD" or "browse order".
    std::string plain_order() const {
        return checked_.by_relevance ? "browse order" : "sort by " + request_.sort.front().field;
    }

    // The tiers of `within` (a part of the match set), each listing its documents.
    std::vector<Part> parts_of(const Bitmap* within) const {
        std::vector<Part> out;
        for (const auto& t : matches_.tiers()) {
            auto docs =
                within == nullptr ? t.docs : std::make_shared<const Bitmap>(*t.docs & *within);
            if (docs->empty() && matches_.tiers().size() > 1) continue;
            out.push_back({docs, t.label, docs->size()});
        }
        return out;
    }

    // Documents of the page's order, as Ordering lists them, from `from`.
    std::vector<std::uint32_t> ordered(const Part& part, std::uint32_t from,
                                       std::uint32_t count) const {
        auto docs = ordering_.first(*part.docs, std::size_t{from} + count);
        docs.erase(docs.begin(), docs.begin() + std::min<std::ptrdiff_t>(from, std::ssize(docs)));
        return docs;
    }

    // Why a pinned hit comes first: the typed id it is or holds.
    std::string id_reason(std::uint32_t docid) const {
        for (const auto& m : matches_.typed_ids()) {
            if (m.docs.contains(docid)) {
                return fmt::format("exact {} ({})", m.identity ? "id" : "reference", m.spec->name);
            }
        }
        return "exact id";
    }

    void add_hit(std::vector<Hit>& to, std::uint32_t docid, std::uint64_t rank, double score,
                 std::string order, const std::string& tier = {}) {
        to.push_back(reader_.read(docid, rank, score));
        reader_.explain(to.back(), docid, std::move(order));
        if (to.back().explanation) to.back().explanation->tier = tier;
    }

    void ranked_hits();
    void ordered_hits();
    std::vector<Part> group_parts() const;
    void groups();
    void group_hits(HitGroup& hg, std::uint32_t g, std::uint64_t rank);

    const SearchRequest& request_;
    const CheckedRequest& checked_;
    const MatchSet& matches_;
    OpenGeneration& gen_;
    SearchResult& result_;
    Ordering ordering_;
    HitReader reader_;
    std::optional<Ranker> ranker_;
};

// An id typed as the whole query: the records it identifies, then those that
// hold it themselves, each in browse order; then the rest by relevance.
void PageMaker::ranked_hits() {
    Bitmap identity, reference;
    for (const auto& m : matches_.typed_ids()) (m.identity ? identity : reference) |= m.docs;
    identity &= *matches_.all();
    reference &= *matches_.all();
    reference -= identity;
    std::uint64_t n_pinned = identity.size() + reference.size();
    std::size_t want = std::size_t{request_.offset} + request_.limit;
    std::vector<std::uint32_t> head;
    if (n_pinned > 0 && request_.offset < n_pinned) {
        head = ordering_.first(identity, want);
        if (head.size() < want) {
            auto more = ordering_.first(reference, want - head.size());
            head.insert(head.end(), more.begin(), more.end());
        }
    }
    for (std::size_t i = request_.offset; i < head.size(); ++i) {
        add_hit(result_.hits, head[i], i + 1, 0, id_reason(head[i]));
    }
    std::uint32_t left = request_.limit - static_cast<std::uint32_t>(result_.hits.size());
    if (left == 0) return;
    Bitmap pinned = identity | reference;
    auto parts = parts_of(nullptr);
    if (n_pinned > 0) {
        for (auto& p : parts) {
            p.docs = std::make_shared<const Bitmap>(*p.docs - pinned);
            p.listed = p.docs->size();
        }
    }
    Collapse collapse = request_.collapse ? Collapse::siblings : Collapse::none;
    for (auto& p : parts) {
        if (collapse == Collapse::siblings) p.listed.reset();  // known once ranked
    }
    auto from = request_.offset > n_pinned ? request_.offset - n_pinned : 0;
    across(
        parts, from, left, n_pinned,
        [&](const Part& p, std::uint32_t at, std::uint32_t count) {
            return ranker_->page(p.docs, at, count, collapse);
        },
        [&](const RankedHit& hit, std::uint64_t rank, const std::string& label) {
            add_hit(result_.hits, hit.docid, rank, hit.weight, "relevance", label);
            if (request_.collapse) result_.hits.back().similar = hit.collapsed;
        });
}

void PageMaker::ordered_hits() {
    if (request_.offset >= result_.total || request_.limit == 0) return;
    across(
        parts_of(nullptr), request_.offset, request_.limit, 0,
        [&](const Part& p, std::uint32_t at, std::uint32_t count) { return ordered(p, at, count); },
        [&](std::uint32_t docid, std::uint64_t rank, const std::string& label) {
            add_hit(result_.hits, docid, rank, 0, plain_order(), label);
        });
}

// The tiers for groups: each dataset in the first tier holding a member of
// it (where its best hit is), with all its members there, and how many
// datasets each tier adds.  One pass over the match set.
std::vector<Part> PageMaker::group_parts() const {
    const auto& tiers = matches_.tiers();
    if (tiers.size() == 1) return {{tiers.front().docs, "", result_.group_total}};
    auto group = gen_.columns->group();
    std::vector<bool> seen(std::size_t{gen_.columns->doc_count()} + 1, false);
    std::vector<Part> out;
    for (const auto& t : tiers) {
        std::vector<std::uint32_t> keep;
        t.docs->each([&](std::uint32_t d) {
            if (!seen[group[d]]) keep.push_back(d);
            return true;
        });
        std::uint64_t fresh = 0;
        for (auto d : keep) {
            if (!seen[group[d]]) ++fresh;
            seen[group[d]] = true;
        }
        if (fresh > 0)
            out.push_back({std::make_shared<const Bitmap>(Bitmap::of(keep)), t.label, fresh});
    }
    return out;
}

// The datasets of the matches: the page's groups, each with its best hits.
void PageMaker::groups() {
    result_.group_total = ordering_.group_count(*matches_.all());
    if (request_.limit == 0) return;
    auto group = gen_.columns->group();
    std::vector<std::uint32_t> page_groups;
    across(
        group_parts(), request_.offset, request_.limit, 0,
        [&](const Part& p, std::uint32_t at, std::uint32_t count) {
            std::vector<std::uint32_t> out;
            if (!checked_.ranked) return ordering_.group_page(*p.docs, at, count);
            for (const auto& hit : ranker_->page(p.docs, at, count, Collapse::dataset)) {
                out.push_back(group[hit.docid]);
            }
            return out;
        },
        [&](std::uint32_t g, std::uint64_t, const std::string&) { page_groups.push_back(g); });
    std::uint64_t rank = request_.offset;
    for (std::uint32_t g : page_groups) {
        HitGroup hg = reader_.group(g);
        group_hits(hg, g, ++rank);
        result_.groups.push_back(std::move(hg));
    }
}

// A group's best hits, in the page's order: by tier, then as ranked or ordered.
void PageMaker::group_hits(HitGroup& hg, std::uint32_t g, std::uint64_t rank) {
    Bitmap members = Bitmap::of(gen_.columns->members(g)) & *matches_.all();
    hg.total = members.size();
    std::string base = checked_.ranked ? "relevance" : plain_order();
    across(
        parts_of(&members), 0, request_.group_size, 0,
        [&](const Part& p, std::uint32_t at, std::uint32_t count) {
            if (checked_.ranked) return ranker_->page(p.docs, at, count, Collapse::none);
            RankedPage out;
            for (auto d : ordered(p, at, count)) out.push_back({d, 0, 0});
            return out;
        },
        [&](const RankedHit& hit, std::uint64_t, const std::string& label) {
            add_hit(hg.hits, hit.docid, rank, hit.weight, base, label);
        });
}

}  // namespace

void fill_page(const CheckedRequest& checked, const MatchSet& matches, OpenGeneration& gen,
               const SearcherOptions& options, SearchResult& result) {
    result.relaxed = matches.relaxed();
    PageMaker(checked, matches, gen, options, result).fill();
}

}  // namespace atlas::detail
