// schema/column_format.h - the column file: facet values, numbers and orders per document.
//
// Xapian answers "which records match these words, best first"; the column
// file answers everything a browse page needs beyond that without visiting
// each match: which records have a value (a facet filter, a count), which
// have a number in a range, in which order records sort by a field, who is
// whose parent.  atlas-index writes it once per generation
// (<gen>/columns.atlas, beside xapian/); readers map it read-only.  Documents
// are Xapian's docids, 1..doc_count, dense (the writer adds every record of a
// build in turn).
//
// Layout (little-endian; every section starts 8-byte aligned):
//   header   "ATLASCOL", u32 format version, u32 schema version, u32 doc_count,
//            u32 reserved, u64 offset of the section table
//   sections named byte ranges; their names and contents:
//     order.browse       u32[doc_count+1]  rank of each doc in browse order (kind, id)
//     order.by_browse    u32[doc_count]    docids in browse order
//     order.title        u32[doc_count+1]  dense rank by folded title (equal titles, equal rank)
//     order.id           u32[doc_count+1]  rank by folded record id
//     order.tie          u32[doc_count+1]  rank by the order of equal relevance scores (the
//                                          kSlotRankTie value; equal values, equal rank);
//                                          optional: older files rank without it
//     tree.parent        u32[doc_count+1]  the parent's docid, 0 if none (or not indexed)
//     tree.group         u32[doc_count+1]  docid of the record's dataset (the first
//                                          breadcrumb entry of kind dataset), else its own
//     tree.members       u32[doc_count+2] offsets by group docid, then u32[] docids
//     f.<field>.dict     u32 V, u32 offsets[2V+1], bytes: exact_0 display_0 exact_1 ...
//                        values sorted by exact form (atlas::exact_value)
//     f.<field>.count    u32[V]   documents per value
//     f.<field>.vpost    u32 offsets[V+1], u32[] docids (per value, ascending)
//     f.<field>.dpost    u32 P, u32 docids[P], u32 codes[P] (ascending by docid, code)
//     n.<field>.docs     u32 P, u32 0, f64 values[P], u32 docids[P] (ascending by docid):
//                        every value of a number or date field, canonical
//     n.<field>.sorted   u32 P, u32 0, f64 values[P], u32 docids[P] (ascending by value,
//                        then docid)
//   optional (an index without them ranks every match):
//     rank.lists         u32 L, u32 offsets[L+1], bytes: key_0 key_1 ... (sorted), each
//                        key a term, a NUL and a kind: the top lists (index/top_lists.h)
//     rank.caps          f64 caps[L]: the largest weight the term gives a document of
//                        the kind that its list leaves out
//     rank.docs          u32 offsets[L+1], u32[] docids (ascending per list): the kind's
//                        documents the term weighs most in
//     rank.weights       f64[] parallel to rank.docs' docids: the term's BM25 weight in each
//     rank.edges         u32 pairs[L]: the tie rank and docid of the first document of the
//                        kind the list leaves out, in the order (weight desc, tie rank,
//                        docid); (max, max) when it leaves none out
// The table: u32 count, then per section u32 name length, name, padding to 8,
// u64 offset, u64 size.
#pragma once

#include <cstdint>
#include <string_view>

namespace atlas {

inline constexpr std::string_view kColumnFile = "columns.atlas";
inline constexpr std::string_view kColumnMagic = "ATLASCOL";
inline constexpr std::uint32_t kColumnFormatVersion = 1;
inline constexpr std::size_t kColumnHeaderBytes = 32;

}  // namespace atlas
