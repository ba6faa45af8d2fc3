// page.cpp - one page of hits or groups (page.h).
#include "page.h"

#include <fmt/format.h>

#include "hit_reader.h"
#include "ordering.h"
#include "ranking.h"

namespace atlas::detail {
namespace {

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
                 std::string order) {
        to.push_back(reader_.read(docid, rank, score));
        reader_.explain(to.back(), docid, std::move(order));
    }

    void ranked_hits();
    void ordered_hits();
    void groups();

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
    std::shared_ptr<const Bitmap> rest = matches_.all();
    if (n_pinned > 0)
        rest = std::make_shared<const Bitmap>(*matches_.all() - (identity | reference));
    auto from =
        static_cast<std::uint32_t>(request_.offset > n_pinned ? request_.offset - n_pinned : 0);
    RankedPage page =
        ranker_->page(rest, from, left, request_.collapse ? Collapse::siblings : Collapse::none);
    for (std::size_t i = 0; i < page.size(); ++i) {
        add_hit(result_.hits, page[i].docid, n_pinned + from + i + 1, page[i].weight, "relevance");
        if (request_.collapse) result_.hits.back().similar = page[i].collapsed;
    }
}

void PageMaker::ordered_hits() {
    if (request_.offset >= result_.total || request_.limit == 0) return;
    auto page = ordering_.first(*matches_.all(), std::size_t{request_.offset} + request_.limit);
    for (std::size_t i = request_.offset; i < page.size(); ++i) {
        add_hit(result_.hits, page[i], i + 1, 0, plain_order());
    }
}

// The datasets of the matches: the page's groups, each with its best hits.
void PageMaker::groups() {
    result_.group_total = ordering_.group_count(*matches_.all());
    std::vector<std::uint32_t> page_groups;
    if (checked_.ranked) {
        auto group = gen_.columns->group();
        for (const auto& hit :
             ranker_->page(matches_.all(), request_.offset, request_.limit, Collapse::dataset)) {
            page_groups.push_back(group[hit.docid]);
        }
    } else if (request_.offset < result_.group_total && request_.limit > 0) {
        page_groups = ordering_.group_page(*matches_.all(), request_.offset, request_.limit);
    }
    std::uint64_t rank = request_.offset;
    for (std::uint32_t g : page_groups) {
        HitGroup hg = reader_.group(g);
        auto members =
            std::make_shared<const Bitmap>(Bitmap::of(gen_.columns->members(g)) & *matches_.all());
        hg.total = members->size();
        ++rank;
        if (checked_.ranked) {
            for (const auto& hit : ranker_->page(members, 0, request_.group_size, Collapse::none)) {
                add_hit(hg.hits, hit.docid, rank, hit.weight, "relevance");
            }
        } else {
            for (auto d : ordering_.first(*members, request_.group_size)) {
                add_hit(hg.hits, d, rank, 0, plain_order());
            }
        }
        result_.groups.push_back(std::move(hg));
    }
}

}  // namespace

void fill_page(const CheckedRequest& checked, const MatchSet& matches, OpenGeneration& gen,
               const SearcherOptions& options, SearchResult& result) {
    PageMaker(checked, matches, gen, options, result).fill();
}

}  // namespace atlas::detail
