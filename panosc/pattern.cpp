// panosc/pattern.cpp - compiling and matching like patterns.
#include "pattern.h"

#include <fmt/format.h>

#include <cctype>
#include <cstdint>

namespace atlas::panosc::detail {
namespace {

constexpr std::string_view kRefused = "[]()|+?*{}";

char lower(char c, bool blind) {
    return blind ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : c;
}

// The end of the UTF-8 character at t[i].
std::size_t next_char(std::string_view t, std::size_t i) {
    ++i;
    while (i < t.size() && (static_cast<unsigned char>(t[i]) & 0xC0) == 0x80) ++i;
    return i;
}

}  // namespace

Result<Pattern> Pattern::compile(std::string_view p) {
    Pattern out;
    auto& atoms = out.atoms_;
    bool start = false, end = false;
    if (!p.empty() && p.front() == '^') start = true, p.remove_prefix(1);
    if (!p.empty() && p.back() == '$' && (p.size() < 2 || p[p.size() - 2] != '\\')) {
        end = true;
        p.remove_suffix(1);
    }
    if (!start) atoms.push_back({Atom::Kind::run});
    for (std::size_t i = 0; i < p.size(); ++i) {
        char c = p[i];
        if (c == '\\' && i + 1 < p.size()) {
            atoms.push_back({Atom::Kind::literal, p[++i]});
        } else if (c == '%' || (c == '.' && i + 1 < p.size() && p[i + 1] == '*')) {
            if (c == '.') ++i;
            atoms.push_back({Atom::Kind::run});
        } else if (c == '_' || c == '.') {
            atoms.push_back({Atom::Kind::one});
        } else if (kRefused.find(c) != std::string_view::npos) {
            return Error{Errc::invalid_request,
                         fmt::format("'{}' is not a like pattern character (takes %, _, ., .*, ^, $; "
                                     "\\{} for the character itself)",
                                     c, c)};
        } else {
            atoms.push_back({Atom::Kind::literal, c});
        }
    }
    if (!end) atoms.push_back({Atom::Kind::run});
    return out;
}

bool Pattern::matches(std::string_view text, bool case_blind) const {
    // Wildcard matching with one back-up point (the last run).
    std::size_t t = 0, a = 0, star = SIZE_MAX, star_t = 0;
    const auto& atoms = atoms_;
    while (t < text.size()) {
        if (a < atoms.size() && atoms[a].kind == Atom::Kind::run) {
            star = a++;
            star_t = t;
        } else if (a < atoms.size() && atoms[a].kind == Atom::Kind::one) {
            ++a;
            t = next_char(text, t);
        } else if (a < atoms.size() && lower(atoms[a].c, case_blind) == lower(text[t], case_blind)) {
            ++a;
            ++t;
        } else if (star != SIZE_MAX) {
            a = star + 1;
            star_t = next_char(text, star_t);
            t = star_t;
        } else {
            return false;
        }
    }
    while (a < atoms.size() && atoms[a].kind == Atom::Kind::run) ++a;
    return a == atoms.size();
}

}  // namespace atlas::panosc::detail
