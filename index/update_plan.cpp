// update_plan.cpp - UpdatePlan: content hashes against the current catalog.
#include "update_plan.h"

#include <fmt/format.h>

#include <algorithm>

#include "catalog.h"

namespace atlas::detail {

// An update leaves deleted docids in Xapian and the column file; past this
// share of all docids the next build is a full one, which packs them.
constexpr double kMaxDeletedShare = 0.25;

Result<UpdatePlan> UpdatePlan::read(Catalog& current, std::uint32_t docids, double max_changed) {
    UpdatePlan plan;
    plan.docids_ = docids;
    plan.max_changed_ = max_changed;
    // Each record must name its own document of the shards: kept at a wrong
    // one, it would show another record's display data.
    std::vector<bool> taken(std::size_t{docids} + 1, false);
    std::string bad;
    Status s = current.each_record([&](const StoredRecord& r) {
        if (r.docid == 0 || r.docid > docids || taken[r.docid]) {
            if (bad.empty()) bad = fmt::format("record '{}' has docid {} of {}", r.id, r.docid, docids);
            return;
        }
        taken[r.docid] = true;
        plan.stored_.emplace(r.id, Stored{r.docid, r.hash, r.carried_over, false});
    });
    if (!s.ok()) return s.error();
    if (!bad.empty()) return Error{Errc::corrupt, "the current catalog: " + bad};
    plan.counts_.docids_before = docids;
    plan.counts_.deleted_before = docids - std::min<std::uint64_t>(docids, plan.stored_.size());
    return plan;
}

Kept UpdatePlan::keep(const std::string& id, const std::string& hash, bool carried_over) {
    auto it = stored_.find(id);
    if (it == stored_.end()) {
        ++counts_.added;
        return {};
    }
    Stored& s = it->second;
    s.seen = true;
    if (s.hash == hash && s.carried_over == carried_over) {
        ++counts_.unchanged;
        return {Kept::Verdict::unchanged, s.docid};
    }
    ++counts_.changed;
    return {Kept::Verdict::changed, 0};
}

std::vector<std::string> UpdatePlan::removed() {
    std::vector<std::string> ids;
    for (const auto& [id, s] : stored_) {
        if (!s.seen) ids.push_back(id);
    }
    std::sort(ids.begin(), ids.end());
    counts_.removed = ids.size();
    return ids;
}

bool UpdatePlan::too_many() const {
    const std::uint64_t changes = counts_.changed + counts_.added + counts_.removed;
    const auto records = static_cast<double>(std::max<std::size_t>(stored_.size(), 1));
    if (static_cast<double>(changes) > max_changed_ * records) {
        return true;
    }
    const std::uint64_t deleted = counts_.deleted_before + counts_.changed + counts_.removed;
    const std::uint64_t all = std::uint64_t{docids_} + counts_.changed + counts_.added;
    return static_cast<double>(deleted) > kMaxDeletedShare * static_cast<double>(all);
}

UpdateSummary UpdatePlan::summary() const {
    UpdateSummary s = counts_;
    s.updated = true;
    s.deleted = counts_.deleted_before + counts_.changed + counts_.removed;
    return s;
}

}  // namespace atlas::detail
