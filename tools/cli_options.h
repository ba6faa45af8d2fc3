// cli_options.h - option tables: one per command line, from which both its
// parser and its usage text are made, so the two never disagree.
//
// A table row names an option, what it takes, the help line the usage shows
// and the function that applies it to the command line's result.  The parse
// loop below reads "--flag value" and "--flag=value" alike; a command line
// chooses what a word that is no option means (part of a query, or an error).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace atlas::cli {

// Usage texts are wrapped to this many columns.
inline constexpr std::size_t kUsageWidth = 88;

// What an option takes after its name.
enum class Takes {
    nothing,  // a switch: --json
    value,    // the next argument, or what follows '=': --limit 5, --limit=5
    peek,     // is shown the next argument, without taking it: --help fields
    rest,     // "--": every argument after it is a word
};

// How an option shows in the usage line.
enum class Synopsis {
    optional,    // [--limit N]
    repeatable,  // [--filter F=V]...
    hidden,      // not in the usage line (a mode of its own, or written out by hand)
};

template <class Args>
struct Option {
    std::string_view name{};         // "--limit"
    std::string_view alias{};        // a short form ("-h"), or empty
    std::string_view placeholder{};  // what its value looks like ("N"), or empty
    std::string help{};              // wrapped in the usage; '\n' starts a new line
    Takes takes = Takes::nothing;
    Synopsis synopsis = Synopsis::optional;
    // Applies the option; `value` is null when it takes nothing or none was
    // given.  Returns the usage error, if any.
    std::optional<std::string> (*set)(Args& args, const std::string* value) = nullptr;
};

// A command line's options, and what it makes of the arguments they do not name.
template <class Args>
struct Grammar {
    std::vector<Option<Args>> options{};
    // Takes a word: an argument not starting with '-', "-", or any argument
    // after "--".  Null: a word is an unknown argument.
    void (*word)(Args& args, const std::string& word) = nullptr;
    // The usage error for an argument no option names.
    std::string (*unknown)(const Args& args, const std::string& arg) = nullptr;
    // A switch written "--switch=value": the value is ignored (true), or the
    // argument is unknown (false).
    bool switch_ignores_value = false;
    // Parsing ends after an option that makes this true (--help, --version).
    bool (*done)(const Args& args) = nullptr;
};

// A usage error: one line, without the tool's name.
struct UsageError {
    std::string message;
    bool json = false;  // also print it as JSON on standard output
};

// A command line's parsed arguments, or the usage error that stopped it.
template <class T>
class [[nodiscard]] Parsed {
  public:
    Parsed(T value) : v_(std::move(value)) {}
    Parsed(UsageError error) : v_(std::move(error)) {}
    bool ok() const { return v_.index() == 0; }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    const UsageError& error() const { return std::get<1>(v_); }

  private:
    std::variant<T, UsageError> v_;
};

// "--limit=5" -> {"--limit", "5"}; "--limit", "-h", "x=y" -> {the argument, nothing}.
std::pair<std::string, std::optional<std::string>> split_option(const std::string& arg);

// Appends `words` to `out`, whose last line is `column` columns wide, one
// space apart, breaking lines so that none passes kUsageWidth (a longer word
// stands alone); each new line starts with `indent` spaces.
void append_wrapped(std::string& out, const std::vector<std::string>& words, std::size_t column,
                    std::size_t indent);

// The same with the words of `text` (split at spaces).
void append_wrapped(std::string& out, std::string_view text, std::size_t column,
                    std::size_t indent);

// One option of a usage text: `indent` spaces, `label` in a column
// `label_width` wide (a longer label is followed by two spaces), then `help`
// wrapped under that column.  A help line that starts with spaces is a list
// item, "  term  text": its text goes on under itself.
std::string option_help(std::string_view label, std::string_view help, std::size_t indent,
                        std::size_t label_width);

// "[--limit N]", "[--filter F=V]...", or "" for a hidden option.
std::string synopsis_item(std::string_view name, std::string_view placeholder, Synopsis synopsis);

template <class Args>
const Option<Args>* find_option(const std::vector<Option<Args>>& options, std::string_view name) {
    for (const auto& o : options) {
        if (o.name == name || (!o.alias.empty() && o.alias == name)) return &o;
    }
    return nullptr;
}

// Applies `args` in order to `out`; returns the first usage error.
template <class Args>
std::optional<std::string> parse_options(const Grammar<Args>& grammar,
                                         const std::vector<std::string>& args, Args& out) {
    bool words_only = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        bool word = words_only || a.empty() || a[0] != '-' || a == "-";
        if (word && grammar.word != nullptr) {
            grammar.word(out, a);
            continue;
        }
        auto [name, attached] = split_option(a);
        const Option<Args>* o = word ? nullptr : find_option(grammar.options, name);
        bool bad_switch =
            o != nullptr && o->takes == Takes::nothing && attached && !grammar.switch_ignores_value;
        if (o == nullptr || bad_switch) return grammar.unknown(out, a);
        const std::string* value = nullptr;
        if (o->takes == Takes::rest) {
            words_only = true;
        } else if (o->takes == Takes::value) {
            value = attached ? &*attached : i + 1 < args.size() ? &args[++i] : nullptr;
        } else if (o->takes == Takes::peek) {
            value = i + 1 < args.size() ? &args[i + 1] : nullptr;
        }
        if (o->set != nullptr) {
            if (auto error = o->set(out, value)) return error;
        }
        if (grammar.done != nullptr && grammar.done(out)) break;
    }
    return std::nullopt;
}

// The usage line's options, in table order: "[--index DIR]", "[--kind K]...".
template <class Args>
std::vector<std::string> synopsis(const std::vector<Option<Args>>& options) {
    std::vector<std::string> out;
    for (const auto& o : options) {
        std::string item = synopsis_item(o.name, o.placeholder, o.synopsis);
        if (!item.empty()) out.push_back(std::move(item));
    }
    return out;
}

// Every option of the table, one option_help each.
template <class Args>
std::string options_help(const std::vector<Option<Args>>& options, std::size_t indent,
                         std::size_t label_width) {
    std::string out;
    for (const auto& o : options) {
        std::string label(o.name);
        if (!o.placeholder.empty()) {
            label += ' ';
            label += o.placeholder;
        }
        out += option_help(label, o.help, indent, label_width);
    }
    return out;
}

}  // namespace atlas::cli
