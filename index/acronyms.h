// acronyms.h - finding abbreviation definitions "long form (SHORT)" in free text.
//
// After Schwartz & Hearst (2003), "A simple algorithm for identifying
// abbreviation definitions in biomedical text": a short form in parentheses is
// matched, character by character from its end, against the words just before
// it; the long form is the shortest word-aligned tail of those words that holds
// all the short form's letters and digits in order.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace atlas::detail {

struct Acronym {
    std::string short_form;  // as written: "CyCIF", "H&E", "scRNA-seq", "HiP-CT"
    std::string long_form;   // as written, trimmed: "cyclic immunofluorescence"
};

// The definitions "long form (SHORT)" in `text`, in order of appearance.
//
// A short form is 2 to 12 bytes between "(" and ")": ASCII letters, digits and
// - & / + . _ ' only, starting with a letter or digit, with at least two
// letters, one of them upper case.  The "(" must follow white space.  The long
// form comes from the same clause (nothing of it lies before . ; : ( or ))
// and from its last min(L + 5, 2L) words, L being the short form's letter count.
// A match is rejected when the long form is no longer than the short form, or
// is a single word shorter than twice the short form's letters and digits.
//
// `text` is UTF-8, but any bytes are safe: bytes >= 0x80 count as word
// characters and never match, so a multi-byte character is never split.
// Never throws (except std::bad_alloc).  Cost: linear in text.size().
std::vector<Acronym> find_acronyms(std::string_view text);

}  // namespace atlas::detail
