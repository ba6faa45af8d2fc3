// panosc/pattern.h - LoopBack `like` patterns, compiled once per filter.
//
// The reference (LoopBack's memory connector) turns a like pattern into a
// regular expression: '%' any run, '_' one character, and the expression is
// found anywhere in the value.  Clients write both SQL's and the regular
// expression's forms, so both are read: '%' and ".*" are any run, '_' and '.'
// one character, '^' and '$' anchor, '\' escapes.  The rest of the regular
// expression language ('[', '(', '|', '+', '?', '*', '{') is refused rather
// than taken literally: a pattern that means something else here than there
// would answer wrongly without saying so.  Matching is linear in practice and
// text x pattern at worst (no backtracking without bound).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "atlas/error.h"

namespace atlas::panosc::detail {

class Pattern {
  public:
    // Errors: invalid_request naming the character ("'[' is not a like
    // pattern character ...").
    static Result<Pattern> compile(std::string_view pattern);

    bool matches(std::string_view text, bool case_blind) const;

  private:
    struct Atom {
        enum class Kind { literal, one, run };
        Kind kind = Kind::literal;
        char c = 0;
    };
    std::vector<Atom> atoms_;
};

}  // namespace atlas::panosc::detail
