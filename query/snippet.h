// snippet.h - choosing, cutting and marking the text shown under a hit.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "atlas/search.h"

namespace atlas::detail {

// Matches words of a text against the query's words: the same word, or the
// same English stem (ribosomes ~ ribosome).
class WordMatcher {
  public:
    explicit WordMatcher(const std::vector<std::string>& query_tokens);
    bool matches(std::string_view token) const;
    bool empty() const { return raw_.empty(); }

  private:
    std::vector<std::string> raw_;
    std::vector<std::string> stems_;
};

// `text` whole, with its matched words marked.
Highlighted highlight(std::string_view text, const WordMatcher& matcher);

// The best passage of at most `max_bytes` (cut at word boundaries, "…" where
// cut) from the candidate texts: the one with the most distinct matched words,
// the first text when none matches.
Highlighted make_snippet(const std::vector<std::string_view>& texts, const WordMatcher& matcher,
                         std::size_t max_bytes);

}  // namespace atlas::detail
