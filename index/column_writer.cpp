// column_writer.cpp - builds and writes the column file (schema/column_format.h).
//
// Invariants of what is written: facet dictionaries are sorted by exact form
// and codes renumbered to match; every per-document list is ascending by
// docid; a document has a facet value at most once.
#include "column_writer.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <numeric>

#include "document_mapper.h"
#include "schema/column_format.h"
#include "schema/schema.h"
#include "schema/text.h"

namespace atlas::detail {
namespace {

void put32(std::string& s, std::uint32_t v) { s.append(reinterpret_cast<char*>(&v), 4); }
void put64(std::string& s, std::uint64_t v) { s.append(reinterpret_cast<char*>(&v), 8); }
void put_f64(std::string& s, double v) { s.append(reinterpret_cast<char*>(&v), 8); }
template <class T>
void put_array(std::string& s, const std::vector<T>& v) {
    s.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

std::string u32s(const std::vector<std::uint32_t>& v) {
    std::string s;
    put_array(s, v);
    return s;
}

// ranks[docid] for docids 1..n ordered by `less` (rank 0 is first).
template <class Less>
std::vector<std::uint32_t> ranks_by(std::size_t n, Less less, std::vector<std::uint32_t>* order) {
    std::vector<std::uint32_t> docs(n);
    std::iota(docs.begin(), docs.end(), 1u);
    std::stable_sort(docs.begin(), docs.end(), less);
    std::vector<std::uint32_t> rank(n + 1, 0);
    for (std::size_t i = 0; i < n; ++i) rank[docs[i]] = static_cast<std::uint32_t>(i);
    if (order != nullptr) *order = std::move(docs);
    return rank;
}

// tree.members: offsets by group docid, then each group's docids (a counting
// sort of the docids by group[docid]).
std::string group_members(const std::vector<std::uint32_t>& group) {
    const std::size_t n = group.size() - 1;
    std::vector<std::uint32_t> offsets(n + 2, 0);
    for (std::size_t d = 1; d <= n; ++d) ++offsets[group[d] + 1];
    for (std::size_t g = 1; g < offsets.size(); ++g) offsets[g] += offsets[g - 1];
    std::vector<std::uint32_t> members(n);
    std::vector<std::uint32_t> next(offsets.begin(), offsets.end() - 1);
    for (std::size_t d = 1; d <= n; ++d) members[next[group[d]]++] = static_cast<std::uint32_t>(d);
    std::string bytes = u32s(offsets);
    put_array(bytes, members);
    return bytes;
}

// Sorts a facet's values by exact form: returns the old code of each value in
// that order and renumbers `codes` (parallel to `docids`) to match, keeping a
// document's codes ascending.
std::vector<std::uint32_t> sort_by_exact(const std::vector<std::string>& exact,
                                         const std::vector<std::uint32_t>& docids,
                                         std::vector<std::uint32_t>& codes) {
    const auto v = static_cast<std::uint32_t>(exact.size());
    std::vector<std::uint32_t> order(v);
    std::iota(order.begin(), order.end(), 0u);
    std::sort(order.begin(), order.end(),
              [&](std::uint32_t a, std::uint32_t b) { return exact[a] < exact[b]; });
    std::vector<std::uint32_t> code_of_old(v);
    for (std::uint32_t i = 0; i < v; ++i) code_of_old[order[i]] = i;
    for (auto& c : codes) c = code_of_old[c];
    for (std::size_t i = 0; i < docids.size();) {
        std::size_t j = i;
        while (j < docids.size() && docids[j] == docids[i]) ++j;
        std::sort(codes.begin() + static_cast<std::ptrdiff_t>(i),
                  codes.begin() + static_cast<std::ptrdiff_t>(j));
        i = j;
    }
    return order;
}

// f.<field>.dict: the values (exact and display forms) in `order`.
std::string dictionary(const std::vector<std::string>& exact,
                       const std::vector<std::string>& display,
                       const std::vector<std::uint32_t>& order) {
    std::string dict;
    put32(dict, static_cast<std::uint32_t>(order.size()));
    std::vector<std::uint32_t> offsets;
    std::string blob;
    for (auto old : order) {
        offsets.push_back(static_cast<std::uint32_t>(blob.size()));
        blob += exact[old];
        offsets.push_back(static_cast<std::uint32_t>(blob.size()));
        blob += display[old];
    }
    offsets.push_back(static_cast<std::uint32_t>(blob.size()));
    put_array(dict, offsets);
    dict += blob;
    return dict;
}

// f.<field>.vpost: each value's docids, from the (docid, code) pairs ascending by
// docid; count[code] documents have the value.
std::string value_postings(const std::vector<std::uint32_t>& count,
                           const std::vector<std::uint32_t>& docids,
                           const std::vector<std::uint32_t>& codes) {
    std::vector<std::uint32_t> offsets(count.size() + 1, 0);
    for (std::size_t i = 0; i < count.size(); ++i) offsets[i + 1] = offsets[i] + count[i];
    std::vector<std::uint32_t> vdocs(docids.size());
    std::vector<std::uint32_t> next(offsets.begin(), offsets.end() - 1);
    for (std::size_t i = 0; i < docids.size(); ++i) vdocs[next[codes[i]]++] = docids[i];
    std::string bytes = u32s(offsets);
    put_array(bytes, vdocs);
    return bytes;
}

// Writes `bytes` to a new file at `path` and syncs it.  Errors: io.
Status write_file(const std::string& path, const std::string& bytes) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        return Error{Errc::io, fmt::format("cannot create '{}': {}", path, std::strerror(errno))};
    }
    std::size_t done = 0;
    while (done < bytes.size()) {
        ssize_t w = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (w < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            ::close(fd);
            return Error{Errc::io, fmt::format("cannot write '{}': {}", path, std::strerror(e))};
        }
        done += static_cast<std::size_t>(w);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        return Error{Errc::io, fmt::format("cannot sync '{}': {}", path, std::strerror(errno))};
    }
    return {};
}

}  // namespace

// The file as it is built: sections in turn, then the header and the table.
class ColumnWriter::FileBuilder {
  public:
    // Appends a section; its start is aligned to 8 bytes.
    void section(std::string name, const std::string& bytes) {
        align();
        sections_.push_back({std::move(name), body_.size(), bytes.size()});
        body_ += bytes;
    }

    std::string finish(std::uint32_t doc_count) {
        align();
        std::uint64_t table_offset = kColumnHeaderBytes + body_.size();
        std::string table;
        put32(table, static_cast<std::uint32_t>(sections_.size()));
        for (const auto& s : sections_) {
            put32(table, static_cast<std::uint32_t>(s.name.size()));
            table += s.name;
            while (table.size() % 8 != 0) table += '\0';
            put64(table, kColumnHeaderBytes + s.offset);
            put64(table, s.size);
        }
        std::string out(kColumnMagic);
        put32(out, kColumnFormatVersion);
        put32(out, static_cast<std::uint32_t>(kSchemaVersion));
        put32(out, doc_count);
        put32(out, 0);
        put64(out, table_offset);
        out += body_;
        out += table;
        return out;
    }

  private:
    struct Section {
        std::string name;
        std::uint64_t offset;
        std::uint64_t size;
    };
    void align() {
        while (body_.size() % 8 != 0) body_ += '\0';
    }
    std::string body_;
    std::vector<Section> sections_;
};

ColumnWriter::ColumnWriter() {
    for (const auto& spec : field_specs()) {
        if (is_facet(spec)) {
            facet_of_[std::string(spec.name)] = facets_.size();
            facets_.push_back(Facet{std::string(spec.name), {}, {}, {}, {}, {}});
        } else if (spec.type == FieldType::number || spec.type == FieldType::date) {
            number_of_[std::string(spec.name)] = numbers_.size();
            numbers_.push_back(Number{std::string(spec.name), {}, {}});
        }
    }
}

void ColumnWriter::set_doc_count(std::uint32_t n) {
    if (n > docs_.size()) docs_.resize(n);
}

void ColumnWriter::add(std::uint32_t docid, const Record& record) {
    if (docid <= docs_.size()) in_order_ = false;
    set_doc_count(docid);
    Doc d;
    d.live = true;
    d.id = record.id;
    d.parent = record.parent;
    for (const auto& c : record.breadcrumb) {
        if (c.kind == "dataset") {
            if (c.id != record.id) d.group = c.id;
            break;
        }
    }
    d.title = fold(record.title);
    d.kind_rank = kind_rank(record.kind);
    auto [kind, fresh_kind] =
        kind_code_.try_emplace(record.kind, static_cast<std::uint16_t>(kind_names_.size()));
    if (fresh_kind) kind_names_.push_back(record.kind);
    d.kind = kind->second;
    d.tie = rank_tie_key(record);
    docs_[docid - 1] = std::move(d);

    // A document's codes of one field, deduplicated, before they are appended.
    std::unordered_map<std::size_t, std::vector<std::uint32_t>> codes;
    auto add_facet = [&](std::string_view field, std::string_view text) {
        auto it = facet_of_.find(std::string(field));
        if (it == facet_of_.end()) return;
        const FieldSpec* spec = find_field(field);
        std::string exact = spec->type == FieldType::boolean ? std::string(text)
                                                             : exact_value(*spec, text);
        if (exact.empty()) return;
        Facet& f = facets_[it->second];
        auto [pos, fresh] = f.code_of.try_emplace(exact, static_cast<std::uint32_t>(f.exact.size()));
        if (fresh) {
            f.exact.push_back(exact);
            f.display.emplace_back(text);
        }
        auto& list = codes[it->second];
        if (std::find(list.begin(), list.end(), pos->second) == list.end()) {
            list.push_back(pos->second);
        }
    };
    add_facet("kind", record.kind);
    add_facet("source", record.source);
    for (const auto& v : record.values) {
        const FieldSpec* spec = find_field(v.field);
        if (spec == nullptr) continue;
        if (spec->type == FieldType::number || spec->type == FieldType::date) {
            auto it = number_of_.find(v.field);
            if (it == number_of_.end()) continue;
            Number& n = numbers_[it->second];
            n.docids.push_back(docid);
            n.values.push_back(v.number);
        } else if (spec->type == FieldType::boolean) {
            add_facet(v.field, v.number != 0 ? "true" : "false");
        } else {
            add_facet(v.field, v.text);
        }
    }
    for (auto& [facet, list] : codes) {
        std::sort(list.begin(), list.end());
        Facet& f = facets_[facet];
        for (auto c : list) {
            f.docids.push_back(docid);
            f.codes.push_back(c);
        }
    }
}

std::vector<std::uint16_t> ColumnWriter::kinds(std::vector<std::string>& names) const {
    names = kind_names_;
    std::vector<std::uint16_t> out;
    out.reserve(docs_.size());
    for (const auto& d : docs_) out.push_back(d.kind);
    return out;
}

const std::vector<std::uint32_t>& ColumnWriter::tie_ranks() {
    if (tie_ranks_.size() == docs_.size() + 1) return tie_ranks_;
    std::vector<std::uint32_t> order(docs_.size());
    std::iota(order.begin(), order.end(), 1u);
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        const std::string& x = docs_[a - 1].tie;
        const std::string& y = docs_[b - 1].tie;
        return x != y ? x < y : a < b;
    });
    tie_ranks_.assign(docs_.size() + 1, 0);
    std::uint32_t rank = 0;
    for (std::size_t i = 0; i < order.size(); ++i) {
        if (i > 0 && docs_[order[i] - 1].tie != docs_[order[i - 1] - 1].tie) ++rank;
        tie_ranks_[order[i]] = rank;
    }
    return tie_ranks_;
}

Status ColumnWriter::write(const std::string& path) {
    if (!in_order_) sort_by_docid();
    FileBuilder file;
    write_orders(file);
    write_tree(file);
    for (auto& f : facets_) write_facet(file, f);
    for (auto& num : numbers_) write_number(file, num);
    if (!top_lists_.empty()) write_top_lists(file);
    write_deleted(file);
    return write_file(path, file.finish(static_cast<std::uint32_t>(docs_.size())));
}

void ColumnWriter::write_orders(FileBuilder& file) {
    const std::size_t n = docs_.size();
    std::vector<std::uint32_t> by_browse;
    std::vector<std::string> folded_ids(n + 1);
    for (std::size_t i = 0; i < n; ++i) folded_ids[i + 1] = fold(docs_[i].id);
    auto browse_less = [&](std::uint32_t a, std::uint32_t b) {
        const Doc& x = docs_[a - 1];
        const Doc& y = docs_[b - 1];
        if (x.kind_rank != y.kind_rank) return x.kind_rank < y.kind_rank;
        return folded_ids[a] < folded_ids[b];
    };
    auto browse = ranks_by(n, browse_less, &by_browse);
    file.section("order.browse", u32s(browse));
    file.section("order.by_browse", u32s(by_browse));
    {
        // Equal titles share a rank, so a descending sort by title still breaks
        // its ties by browse order.
        std::vector<std::uint32_t> by_title;
        ranks_by(
            n,
            [&](std::uint32_t a, std::uint32_t b) {
                const std::string& x = docs_[a - 1].title;
                const std::string& y = docs_[b - 1].title;
                if (x != y) return x < y;
                return browse[a] < browse[b];
            },
            &by_title);
        std::vector<std::uint32_t> title_rank(n + 1, 0);
        std::uint32_t rank = 0;
        for (std::size_t i = 0; i < by_title.size(); ++i) {
            if (i > 0 && docs_[by_title[i] - 1].title != docs_[by_title[i - 1] - 1].title) ++rank;
            title_rank[by_title[i]] = rank;
        }
        file.section("order.title", u32s(title_rank));
    }
    file.section("order.tie", u32s(tie_ranks()));
    file.section(
        "order.id",
        u32s(ranks_by(
            n, [&](std::uint32_t a, std::uint32_t b) { return folded_ids[a] < folded_ids[b]; },
            nullptr)));
}

void ColumnWriter::write_tree(FileBuilder& file) const {
    const std::size_t n = docs_.size();
    std::unordered_map<std::string, std::uint32_t> docid_of;
    docid_of.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        if (docs_[i].live) docid_of.emplace(docs_[i].id, static_cast<std::uint32_t>(i + 1));
    }
    std::vector<std::uint32_t> parent(n + 1, 0), group(n + 1, 0);
    for (std::size_t i = 0; i < n; ++i) {
        const Doc& d = docs_[i];
        if (!d.parent.empty()) {
            if (auto it = docid_of.find(d.parent); it != docid_of.end()) parent[i + 1] = it->second;
        }
        group[i + 1] = static_cast<std::uint32_t>(i + 1);
        if (!d.group.empty()) {
            if (auto it = docid_of.find(d.group); it != docid_of.end()) group[i + 1] = it->second;
        }
    }
    docid_of = {};
    file.section("tree.parent", u32s(parent));
    file.section("tree.group", u32s(group));
    file.section("tree.members", group_members(group));
}

void ColumnWriter::write_facet(FileBuilder& file, Facet& f) {
    if (f.exact.empty()) return;
    // Codes follow the exact forms' order in the file.
    const std::vector<std::uint32_t> order = sort_by_exact(f.exact, f.docids, f.codes);
    file.section("f." + f.field + ".dict", dictionary(f.exact, f.display, order));
    std::vector<std::uint32_t> count(order.size(), 0);
    for (auto c : f.codes) ++count[c];
    file.section("f." + f.field + ".count", u32s(count));
    file.section("f." + f.field + ".vpost", value_postings(count, f.docids, f.codes));
    std::string dpost;
    put32(dpost, static_cast<std::uint32_t>(f.docids.size()));
    put_array(dpost, f.docids);
    put_array(dpost, f.codes);
    file.section("f." + f.field + ".dpost", dpost);
    f = Facet{};
}

void ColumnWriter::write_number(FileBuilder& file, Number& num) {
    const auto p = static_cast<std::uint32_t>(num.docids.size());
    if (p == 0) return;
    std::string docs;
    put32(docs, p);
    put32(docs, 0);  // keeps the doubles 8-byte aligned
    put_array(docs, num.values);
    put_array(docs, num.docids);
    file.section("n." + num.field + ".docs", docs);
    std::vector<std::uint32_t> idx(p);
    std::iota(idx.begin(), idx.end(), 0u);
    std::sort(idx.begin(), idx.end(), [&](std::uint32_t a, std::uint32_t b) {
        if (num.values[a] != num.values[b]) return num.values[a] < num.values[b];
        return num.docids[a] < num.docids[b];
    });
    std::string sorted;
    put32(sorted, p);
    put32(sorted, 0);
    for (auto i : idx) put_f64(sorted, num.values[i]);
    for (auto i : idx) put32(sorted, num.docids[i]);
    file.section("n." + num.field + ".sorted", sorted);
    num = Number{};
}

void ColumnWriter::write_top_lists(FileBuilder& file) {
    std::string keys, caps, blob;
    std::vector<std::uint32_t> key_offsets{0}, doc_offsets{0}, all_docids, edges;
    std::vector<double> all_weights;
    for (const auto& list : top_lists_) {
        blob += list.term;
        blob += '\0';
        blob += list.kind;
        key_offsets.push_back(static_cast<std::uint32_t>(blob.size()));
        put_f64(caps, list.cap);
        all_docids.insert(all_docids.end(), list.docids.begin(), list.docids.end());
        all_weights.insert(all_weights.end(), list.weights.begin(), list.weights.end());
        doc_offsets.push_back(static_cast<std::uint32_t>(all_docids.size()));
        edges.push_back(list.edge_tie);
        edges.push_back(list.edge_docid);
    }
    put32(keys, static_cast<std::uint32_t>(top_lists_.size()));
    put_array(keys, key_offsets);
    keys += blob;
    file.section("rank.lists", keys);
    file.section("rank.caps", caps);
    std::string docs = u32s(doc_offsets);
    put_array(docs, all_docids);
    file.section("rank.docs", docs);
    std::string weights;
    put_array(weights, all_weights);
    file.section("rank.weights", weights);
    file.section("rank.edges", u32s(edges));
    top_lists_ = {};
}

// An update adds documents out of docid order; each document's pairs were
// appended together (its codes ascending), so a stable sort by docid is what
// a build in order would have appended.
void ColumnWriter::sort_by_docid() {
    auto by_docid = [](const std::vector<std::uint32_t>& docids) {
        std::vector<std::uint32_t> order(docids.size());
        std::iota(order.begin(), order.end(), 0u);
        std::stable_sort(order.begin(), order.end(),
                         [&](std::uint32_t a, std::uint32_t b) { return docids[a] < docids[b]; });
        return order;
    };
    auto permute = [](auto& v, const std::vector<std::uint32_t>& order) {
        auto copy = v;
        for (std::size_t i = 0; i < order.size(); ++i) v[i] = copy[order[i]];
    };
    for (auto& f : facets_) {
        auto order = by_docid(f.docids);
        permute(f.docids, order);
        permute(f.codes, order);
    }
    for (auto& num : numbers_) {
        auto order = by_docid(num.docids);
        permute(num.docids, order);
        permute(num.values, order);
    }
    in_order_ = true;
}

// live.deleted: the docids no record was added at, ascending (none: no section).
void ColumnWriter::write_deleted(FileBuilder& file) const {
    std::vector<std::uint32_t> deleted;
    for (std::size_t i = 0; i < docs_.size(); ++i) {
        if (!docs_[i].live) deleted.push_back(static_cast<std::uint32_t>(i + 1));
    }
    if (deleted.empty()) return;
    std::string bytes;
    put32(bytes, static_cast<std::uint32_t>(deleted.size()));
    put32(bytes, 0);
    put_array(bytes, deleted);
    file.section("live.deleted", bytes);
}

}  // namespace atlas::detail
