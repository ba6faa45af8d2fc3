// cli_options.cpp - splitting "--flag=value" and laying out usage texts.
#include "cli_options.h"

#include <algorithm>

#include "cli_util.h"

namespace atlas::cli {

std::pair<std::string, std::optional<std::string>> split_option(const std::string& arg) {
    auto eq = arg.find('=');
    if (!arg.starts_with("--") || eq == std::string::npos) return {arg, std::nullopt};
    return {arg.substr(0, eq), arg.substr(eq + 1)};
}

void append_wrapped(std::string& out, const std::vector<std::string>& words, std::size_t column,
                    std::size_t indent) {
    bool first = true;
    for (const auto& word : words) {
        std::size_t width = visible_width(word);
        if (!first && column + 1 + width > kUsageWidth) {
            out += '\n';
            out.append(indent, ' ');
            column = indent;
        } else if (!first) {
            out += ' ';
            ++column;
        }
        out += word;
        column += width;
        first = false;
    }
}

void append_wrapped(std::string& out, std::string_view text, std::size_t column,
                    std::size_t indent) {
    std::vector<std::string> words;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = std::min(text.find(' ', start), text.size());
        if (end > start) words.emplace_back(text.substr(start, end - start));
        start = end + 1;
    }
    append_wrapped(out, words, column, indent);
}

namespace {

// Where the text of a list item ("  cryoet   a mirror of ...") starts: after
// its leading spaces, its term and the spaces after the term; 0 for a line
// that is no list item.  The item is copied up to there, the rest wrapped.
std::size_t list_item_hang(std::string_view line) {
    std::size_t lead = line.find_first_not_of(' ');
    if (lead == 0 || lead == std::string_view::npos) return 0;
    std::size_t gap = line.find("  ", lead);
    if (gap == std::string_view::npos) return lead;
    std::size_t text = line.find_first_not_of(' ', gap);
    return text == std::string_view::npos ? lead : text;
}

}  // namespace

std::string option_help(std::string_view label, std::string_view help, std::size_t indent,
                        std::size_t label_width) {
    std::string out(indent, ' ');
    out += label;
    std::size_t column = indent + visible_width(label);
    std::size_t help_column = indent + label_width;
    std::size_t pad = column + 2 <= help_column ? help_column - column : 2;
    out.append(pad, ' ');
    column += pad;
    std::size_t start = 0;
    while (start <= help.size()) {
        std::size_t end = help.find('\n', start);
        if (end == std::string_view::npos) end = help.size();
        std::string_view line = help.substr(start, end - start);
        if (start > 0) {
            out += '\n';
            out.append(help_column, ' ');
            column = help_column;
        }
        std::size_t hang = list_item_hang(line);
        out += line.substr(0, hang);
        append_wrapped(out, line.substr(hang), column + hang, help_column + hang);
        start = end + 1;
    }
    out += '\n';
    return out;
}

std::string synopsis_item(std::string_view name, std::string_view placeholder, Synopsis synopsis) {
    if (synopsis == Synopsis::hidden) return "";
    std::string item = "[";
    item += name;
    if (!placeholder.empty()) {
        item += ' ';
        item += placeholder;
    }
    item += ']';
    if (synopsis == Synopsis::repeatable) item += "...";
    return item;
}

}  // namespace atlas::cli
