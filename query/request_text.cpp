// request_text.cpp - filters, facets and sorts written as short text (atlas/request_text.h).
#include "atlas/request_text.h"

#include <fmt/format.h>

#include <charconv>

namespace atlas {
namespace {

Error wrong_form(std::string_view form, std::string_view text) {
    return {Errc::invalid_request, fmt::format("takes {}, not '{}'", form, text)};
}

// The values after '=' in a filter: split at commas, "\," kept as a comma.
std::vector<std::string> filter_values(std::string_view rest) {
    std::vector<std::string> values;
    std::string value;
    for (std::size_t i = 0; i < rest.size(); ++i) {
        if (rest[i] == '\\' && i + 1 < rest.size() && rest[i + 1] == ',') {
            value += ',';
            ++i;
        } else if (rest[i] == ',') {
            if (!value.empty()) values.push_back(std::move(value));
            value.clear();
        } else {
            value += rest[i];
        }
    }
    if (!value.empty()) values.push_back(std::move(value));
    return values;
}

}  // namespace

void append_list(std::string_view text, std::vector<std::string>& out) {
    std::size_t start = 0;
    while (start <= text.size()) {
        auto comma = text.find(',', start);
        auto item = text.substr(start, comma == std::string_view::npos ? text.npos : comma - start);
        if (!item.empty()) out.emplace_back(item);
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
}

Result<Filter> filter_from_text(std::string_view text) {
    constexpr std::string_view form =
        "FIELD=VALUE[,VALUE...], FIELD!=VALUE, FIELD=* or FIELD!=*";
    auto eq = text.find('=');
    if (eq == std::string_view::npos || eq == 0) return wrong_form(form, text);
    Filter f;
    bool negated = text[eq - 1] == '!';
    f.field = std::string(text.substr(0, negated ? eq - 1 : eq));
    if (f.field.empty()) return wrong_form(form, text);
    auto rest = text.substr(eq + 1);
    if (rest == "*") {
        f.mode = negated ? Filter::Mode::missing : Filter::Mode::exists;
        return f;
    }
    f.mode = negated ? Filter::Mode::none : Filter::Mode::any;
    f.values = filter_values(rest);
    if (f.values.empty()) return wrong_form(form, text);
    return f;
}

Result<std::vector<FacetRequest>> facets_from_text(std::string_view text) {
    std::vector<std::string> items;
    append_list(text, items);
    std::vector<FacetRequest> out;
    for (const auto& item : items) {
        FacetRequest f;
        auto colon = item.find(':');
        f.field = item.substr(0, colon);
        if (colon != std::string::npos) {
            std::string_view size = std::string_view(item).substr(colon + 1);
            std::uint64_t n = 0;
            auto [p, ec] = std::from_chars(size.data(), size.data() + size.size(), n);
            if (ec != std::errc() || p != size.data() + size.size() || n > kMaxFacetSize) {
                return Error{Errc::invalid_request,
                             fmt::format("'{}' is not FIELD or FIELD:SIZE (at most {})", item,
                                         kMaxFacetSize)};
            }
            f.size = static_cast<std::uint32_t>(n);
        }
        if (f.field.empty()) return wrong_form("FIELD[:SIZE][,FIELD[:SIZE]...]", text);
        out.push_back(std::move(f));
    }
    return out;
}

Result<SortKey> sort_from_text(std::string_view text) {
    constexpr std::string_view form = "FIELD, FIELD:asc or FIELD:desc";
    SortKey k;
    auto colon = text.find(':');
    k.field = std::string(text.substr(0, colon));
    if (k.field.empty()) return wrong_form(form, text);
    auto order = colon == std::string_view::npos ? std::string_view{} : text.substr(colon + 1);
    if (order == "asc") {
        k.descending = false;
    } else if (order == "desc") {
        k.descending = true;
    } else if (order.empty()) {
        // Newest, best, most first; names from A.
        k.descending =
            k.field != "title" && k.field != "id" && k.field != "kind" && k.field != "relevance";
    } else {
        return wrong_form(form, text);
    }
    return k;
}

}  // namespace atlas
